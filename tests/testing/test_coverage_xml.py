"""`ersl test --coverage` names every part, and `--coverage-xml FILE` writes Cobertura
XML (valid against Cobertura's coverage-04.dtd, vendored in tests/schemas/) that maps
each part to the line of the contract declaring it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from test_contract_tests import (  # noqa: F401 - the `project` fixture
    COVERAGE_TESTS,
    ersl_test,
    project_fixture,
)

DTD = etree.DTD(str(Path(__file__).resolve().parents[1] / "schemas" / "coverage-04.dtd"))


def parse_valid(path: Path):
    document = etree.parse(str(path))
    assert DTD.validate(document), DTD.error_log
    return document.getroot()


def test_the_text_report_names_every_part_with_its_tests(project, capsys):
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS, encoding="utf-8")
    code, out = ersl_test(capsys, "--coverage")
    assert code == 0, out
    report = out.split("contract coverage", 1)[1]
    exercised = report.split("  exercised:\n", 1)[1].split("  never exercised:\n", 1)[0]
    # the eight parts the two tests exercise, in source order, each by one test ("Kvalitet"
    # has a 0.00 line: its reported indicator has no value, so it scores 0, issue 12)
    lines = exercised.splitlines()
    expected = [
        "table band    fee: 18 to 64 -> 200 kr",
        'payment       "Besök"',
        'weight        "Besök": weight 2 when v.mode == home',
        'payment       "Listning"',
        'performance   "Kvalitet"',
        'bundle clause "Protes": trigger',
        'weight        "Protes": weight 1.1 when age(op.patient) >= 80',
        'bundle clause "Protes": includes Visit x where x.kind == "preop" within 30 days before',
    ]
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.strip().startswith(start), (line, start)
    assert all(line.endswith("(1 test)") for line in exercised.splitlines())
    assert "coverage.ersl:17  (1 test)" in exercised  # the band 18 to 64 is line 17


def test_cobertura_xml_maps_parts_to_lines(project, capsys):
    """coverage.ersl has 18 parts on 18 lines; the tests exercise 8 of them once each
    (see test_coverage_counts_exactly_the_parts_exercised): line-rate 8/18 = 0.4444."""
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS, encoding="utf-8")
    code, _ = ersl_test(capsys, "--coverage-xml", "coverage.xml")
    assert code == 0
    root = parse_valid(project / "coverage.xml")
    assert (root.get("lines-covered"), root.get("lines-valid"), root.get("line-rate")) == (
        "8",
        "18",
        "0.4444",
    )
    assert root.find("sources/source").text == project.resolve().as_posix()
    (klass,) = root.iter("class")
    assert (klass.get("filename"), klass.get("name")) == ("coverage.ersl", "coverage")
    hits = {int(line.get("number")): int(line.get("hits")) for line in klass.iter("line")}
    covered = {17, 21, 25, 35, 57, 66, 68, 70}  # band 18 to 64, Besök, its home weight, …
    assert {n for n, h in hits.items() if h} == covered
    assert set(hits) == covered | {16, 18, 26, 29, 41, 48, 55, 71, 74, 76}
    assert all(hits[n] == 1 for n in covered)
    first = (project / "coverage.xml").read_bytes()
    ersl_test(capsys, "--coverage-xml", "coverage.xml")
    assert (project / "coverage.xml").read_bytes() == first  # the same tests, the same bytes


ONE_LINE = """\
contract "En rad" { valid 2022-01-01 .. 2022-12-31 }
use stdlib "schema/sweden"
payment "Besök" { kind variable  per Visit v  amount 100 kr  weight 2 when v.mode == home }
"""

ONE_LINE_TESTS = """\
use "oneline.ersl"

test "a physical visit" {
  period 2022-03
  given {
    provider VC1 {}
    patient  P1 { birth_date 1990-01-01 }
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession nurse, mode physical }
  }
  expect { VC1 "Besök" 2022-03 = 100.00 kr }
}

test "another physical visit" {
  period 2022-04
  given {
    provider VC1 {}
    patient  P1 { birth_date 1990-01-01 }
    visit    V1 { patient P1, provider VC1, date 2022-04-10, profession nurse, mode physical }
  }
  expect { VC1 "Besök" 2022-04 = 100.00 kr }
}
"""


def test_a_line_with_two_parts_is_a_branch_line(project, capsys):
    """Line 3 holds the payment (exercised by both tests) and its weight (by none): a
    branch line, 1 of 2 parts (50 %), hits = the least exercised part's 0."""
    (project / "oneline.ersl").write_text(ONE_LINE, encoding="utf-8")
    (project / "oneline_test.ersl").write_text(ONE_LINE_TESTS, encoding="utf-8")
    code, _ = ersl_test(capsys, "oneline_test.ersl", "--coverage-xml", "cov.xml")
    assert code == 0
    root = parse_valid(project / "cov.xml")
    (line,) = root.iter("line")
    assert dict(line.attrib) == {
        "number": "3",
        "hits": "0",
        "branch": "true",
        "condition-coverage": "50% (1/2)",
    }
    assert (root.get("branches-covered"), root.get("branches-valid")) == ("1", "2")
    assert (root.get("lines-covered"), root.get("lines-valid")) == ("0", "1")
    assert root.get("branch-rate") == "0.5"


@pytest.mark.parametrize(
    "broken",
    [
        '<coverage line-rate="1"><packages/></coverage>',
        '<coverage line-rate="1" branch-rate="1" lines-covered="0" lines-valid="0" '
        'branches-covered="0" branches-valid="0" complexity="0" version="x" timestamp="0">'
        '<packages><package name="p" line-rate="1" branch-rate="1" complexity="0"/></packages>'
        "</coverage>",
    ],
    ids=["attributes missing", "package without classes"],
)
def test_the_dtd_rejects_what_is_not_cobertura(broken):
    assert not DTD.validate(etree.fromstring(broken))
