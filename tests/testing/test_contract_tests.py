"""`ersl test`: contract tests in `*_test.ersl` files (SPEC §7, issue 6).

Passing and failing tests, the failure text (expected vs actual and the line's
explanation), exit codes, `-k` and the empty selection, given records and data
files, expected statement files, JUnit XML, JSON, coverage and its threshold,
and the checker's rules for test blocks.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from contract_test_cases import HEADER, VISIT_82

from ersl.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CLINIC_TESTS = (
    HEADER
    + VISIT_82
    + """\

test "a phone visit is not paid" {
  period 2022-03
  given {
    provider VC1 {}
    patient  P1 { birth_date 1990-01-01 }
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession doctor, mode phone }
  }
  expect {
    VC1 "Besök" 2022-03 = none
  }
}
"""
)

FAILING_TEST = """\

test "a 70-year-old's visit gets the 80+ weight" {
  period 2022-03
  param  visit_fee = 200 kr
  given {
    provider VC1 {}
    patient  P1 { birth_date 1952-01-15 }
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession doctor, mode physical }
  }
  expect {
    VC1 "Besök" 2022-03 = 300.00 kr
  }
}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with the fixture contracts, as the working directory."""
    for path in FIXTURES.glob("*.ersl"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ersl_test(capsys, *args: str) -> tuple[int, str]:
    code = main(["test", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# ------------------------------------------------------------------ passing and failing


def test_passing_tests_exit_0_with_a_pytest_like_summary(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 0, out
    assert "ersl test: 2 tests in 1 file" in out
    assert "clinic_test.ersl .." in out
    assert "2 passed, 0 failed in " in out.splitlines()[-1]


def test_a_failing_test_shows_expected_actual_and_the_explanation(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS + FAILING_TEST, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert "clinic_test.ersl ..F" in out
    assert "2 passed, 1 failed in " in out.splitlines()[-1]
    failure = out.split("FAILURES", 1)[1]
    # where the expectation is, quoted with a caret by the diagnostics renderer
    assert 'clinic_test.ersl:36:5: VC1 "Besök" 2022-03' in failure
    assert '36 |     VC1 "Besök" 2022-03 = 300.00 kr' in failure
    assert "  expected: 300.00 kr\n  actual:   200.00 kr" in failure
    # the explanation of the actual line: source, parameters, units, rounding
    assert "how the actual amount was computed:" in failure
    assert '"Besök" for VC1, 2022-03: 200.00 kr (variable)' in failure
    assert "source: clinic.ersl:11" in failure
    assert "parameter visit_fee = 200 kr" in failure
    assert "units: 1; exact total: 200 kr" in failure
    assert (
        "FAILED clinic_test.ersl::a 70-year-old's visit gets the 80+ weight - "
        'VC1 "Besök" 2022-03: expected 300.00 kr, actual 200.00 kr'
    ) in out


def test_absence_lines_and_totals(project, capsys):
    text = """\
use "clinic.ersl"

test "lines, absences and totals" {
  period 2022-01..2022-03
  given {
    provider VC1 {}
    provider VC2 {}
    patient  P1 { birth_date 1990-01-01 }
    listing  P1 at VC1 from 2021-01-01
    visit    V1 { patient P1, provider VC1, date 2022-02-10, profession nurse, mode video }
  }
  expect {
    VC1 "Listning" 2022-01          = 100.00 kr
    VC1 "Listning" 2022-01..2022-03 = 300.00 kr
    VC1 "Besök"    2022-01          = none
    VC2 "Listning" 2022-01..2022-03 = none
    VC1 total      2022-02          = 300.00 kr
    VC1 total      2022-01..2022-03 = 500.00 kr
    VC2 total      2022-01..2022-03 = none
  }
}

test "a line expected absent that is there" {
  period 2022-02
  given {
    provider VC1 {}
    patient  P1 { birth_date 1990-01-01 }
    visit    V1 { patient P1, provider VC1, date 2022-02-10, profession nurse, mode video }
  }
  expect {
    VC1 "Besök" 2022-02 = none
    VC1 total   2022-02 = 100.00 kr
  }
}
"""
    (project / "lines_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert "1 passed, 1 failed" in out
    failure = out.split("FAILURES", 1)[1]
    assert 'VC1 "Besök" 2022-02: expected none, actual 200.00 kr (and 1 more' in failure
    assert "  expected: none\n  actual:   200.00 kr" in failure
    assert '"Besök" for VC1, 2022-02: 200.00 kr (variable)' in failure
    # a total lists the lines it is made of
    assert "VC1's lines in 2022-02:" in failure
    assert 'VC1 "Besök" 2022-02 = 200.00 kr' in failure


def test_an_expectation_outside_the_test_period_says_so(project, capsys):
    text = CLINIC_TESTS.replace('VC1 "Besök" 2022-03 = none', 'VC1 "Besök" 2022-04 = 1.00 kr')
    (project / "clinic_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert "the test settles 2022-03, so no line of 2022-04 is computed" in out


def test_given_data_file_and_expected_statement_file(project, capsys):
    data = [
        {"type": "provider", "id": "VC1"},
        {"type": "patient", "id": "P1", "birth_date": "1930-05-01"},
        {"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", "date": "2022-05-02",
         "profession": "doctor", "mode": "physical"},
    ]  # fmt: skip
    (project / "data.jsonl").write_text("\n".join(json.dumps(r) for r in data), encoding="utf-8")
    assert main(["run", "clinic.ersl", "--data", "data.jsonl", "--period", "2022-05",
                 "--format", "json", "-o", "expected.json"]) == 0  # fmt: skip
    capsys.readouterr()
    test = 'use "clinic.ersl"\n\ntest "the file" {\n  period 2022-05\n  given "data.jsonl"\n  expect "expected.json"\n}\n'
    (project / "file_test.ersl").write_text(test, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 0, out
    # change an amount and add a line the statement does not have
    statement = json.loads((project / "expected.json").read_text(encoding="utf-8"))
    statement["lines"][0]["amount"] = "250.00"
    extra = dict(statement["lines"][0], payee="VC9", amount="1.00")
    statement["lines"].append(extra)
    (project / "expected.json").write_text(json.dumps(statement), encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert 'VC1 "Besök" 2022-05: expected 250.00 kr, actual 300.00 kr' in out
    assert 'VC9 "Besök" 2022-05' in out
    assert "the statement has no such line (expected.json has it)" in out


def test_a_missing_expected_file_fails_the_test(project, capsys):
    test = 'use "clinic.ersl"\n\ntest "t" {\n  period 2022-05\n  expect "nowhere.json"\n}\n'
    (project / "file_test.ersl").write_text(test, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert "error[E1002]: the expected statement nowhere.json does not exist" in out


def test_given_holds_every_kind_of_record(project, capsys):
    text = """\
use "all_types.ersl"

test "every kind of record" {
  period 2022
  given {
    provider          VC1 {}
    provider          VC2 {}
    patient           P1 { birth_date 1950-01-01, cni 1.2 }
    patient_attribute { patient P1, from 2022-06-01, cni 1.4 }
    contact           C1 { patient P1, provider VC1, date 2022-03-01, minutes 30 }
    meeting           M1 { patient P1, date 2022-04-01, kind "SIP", participants {VC1, VC2}, patient_present true }
    enrolment         { patient P1, provider VC2, start 2022-03-01, end 2022-03-10 }
    indicator_result  { provider VC1, indicator "Nöjda", period "2022", value 0.7 }
    stay              S1 { patient P1, provider VC2, start 2022-05-01, end 2022-05-03, drg "F67", drg_weight 1.25, cost 5000 kr, ward "rehab", diagnoses {"I10"} }
    procedure         OP1 { patient P1, provider VC1, date 2022-05-02, code "NFB49", side "left" }
    observation       { patient P1, provider VC1, date 2022-05-02, kind "blood_pressure" }
    drug              { patient P1, date 2022-05-02, atc "J01CA04" }
    listing           { patient P1, provider VC1, start 2021-01-01, end 2022-12-31 }
    visit             V1 { patient P1, provider VC1, date 2022-01-03, profession nurse, mode video, kind "x", diagnoses {}, procedures {"AB123"}, team {nurse, doctor} }
  }
  expect {
    VC1 "Kontakt"  2022-03 = 300.00 kr   # 10 kr × 30 minutes
    VC1 "Möte"     2022-04 = 500.00 kr   # each participant of the SIP meeting
    VC2 "Möte"     2022-04 = 500.00 kr
    VC2 "ASIH"     2022-03 = 1000.00 kr  # 10 days × 100 kr/day
    VC1 "Kvalitet" 2022    = 500.00 kr   # reported 70 %: (70 − 50) / (90 − 50) × 1000
    VC2 "Kvalitet" 2022    = 0.00 kr     # nothing reported: scores 0, weight kept (issue 12)
  }
}
"""
    (project / "all_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 0, out


# ------------------------------------------------------------------ selection and exit codes


def test_keyword_selects_tests(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS + FAILING_TEST, encoding="utf-8")
    code, out = ersl_test(capsys, "-k", "phone")
    assert code == 0, out
    assert "1 passed, 0 failed, 2 deselected" in out
    code, out = ersl_test(capsys, "-k", "weight and not 70")
    assert code == 0
    assert "1 passed, 0 failed, 2 deselected" in out
    code, out = ersl_test(capsys, "-k", "80+ weight")  # not an expression: a substring
    assert code == 1
    assert "1 passed, 1 failed, 1 deselected" in out


def test_a_keyword_selecting_nothing_fails(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS, encoding="utf-8")
    code, out = ersl_test(capsys, "-k", "no such test")
    assert code == 1
    assert "no tests ran: -k 'no such test' selects none of the 2 tests" in out
    assert "0 passed, 0 failed, 2 deselected" in out


def test_no_test_files_fails(project, capsys):
    code, out = ersl_test(capsys, ".")
    assert code == 1
    assert "no tests ran: no *_test.ersl files under ." in out


def test_a_missing_path_is_a_usage_error(project, capsys):
    code, out = ersl_test(capsys, "missing_folder")
    assert code == 2
    assert "ersl test: missing_folder does not exist" in out


def test_an_invalid_test_file_exits_2_and_the_others_still_run(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS, encoding="utf-8")
    broken = 'use "clinic.ersl"\n\ntest "t" {\n  expect { VC1 "Besk" 2022-03 = 1.00 kr }\n}\n'
    (project / "broken_test.ersl").write_text(broken, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 2
    assert 'broken_test.ersl:4:12: error[E0304]: the contract has no line named "Besk"' in out
    assert "help: did you mean `Besök`?" in out
    assert "ERROR broken_test.ersl" in out
    assert "2 passed, 0 failed, 1 error" in out


def test_a_test_file_without_a_contract_exits_2(project, capsys):
    (project / "lonely_test.ersl").write_text('test "t" { period 2022 }\n', encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 2
    assert "error[E1000]: lonely_test.ersl has tests but no contract to test" in out


def test_exitfirst_stops_at_the_first_failure(project, capsys):
    (project / "clinic_test.ersl").write_text(FAILING_TEST + CLINIC_TESTS, encoding="utf-8")
    (project / "clinic_test.ersl").write_text(
        'use "clinic.ersl"\n' + FAILING_TEST + CLINIC_TESTS.split("\n", 1)[1], encoding="utf-8"
    )
    code, out = ersl_test(capsys, "-x")
    assert code == 1
    assert "0 passed, 1 failed" in out


# ------------------------------------------------------------------ data and run-time errors


def test_a_data_error_in_given_points_at_the_record(project, capsys):
    text = """\
use "clinic.ersl"

test "bad data" {
  period 2022-03
  given {
    provider VC1 {}
    visit    V1 { patient P2, provider VC1, date 2022-03-10, profession doctor, mode physical }
  }
}
"""
    (project / "data_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert 'test "bad data" could not run: field `patient` of visit: unknown patient "P2"' in out
    assert "data_test.ersl:7:27: error[E0809]" in out
    assert "7 |     visit    V1 { patient P2," in out


def test_a_run_time_error_fails_the_test_with_its_diagnostic(project, capsys):
    (project / "req.ersl").write_text(
        (project / "clinic.ersl")
        .read_text(encoding="utf-8")
        .replace("param visit_fee: money = 200 kr", "param visit_fee: money"),
        encoding="utf-8",
    )
    text = CLINIC_TESTS.replace('use "clinic.ersl"', 'use "req.ersl"')
    (project / "req_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys, "-k", "82")
    assert code == 1
    assert "error[E0901]: the parameter `visit_fee` has no value" in out
    assert "help: give it in the test: `param visit_fee = …`" in out


def test_a_table_parameter_from_a_csv_file(project, capsys):
    (project / "fees.ersl").write_text(
        (project / "clinic.ersl")
        .read_text(encoding="utf-8")
        .replace("param visit_fee: money = 200 kr", "param fee: table of Profession -> money")
        .replace("amount visit_fee", "amount fee(v.profession)"),
        encoding="utf-8",
    )
    (project / "fees.csv").write_text("key,value\ndoctor,250\nnurse,100\n", encoding="utf-8")
    text = CLINIC_TESTS.replace('use "clinic.ersl"', 'use "fees.ersl"').replace(
        "period 2022-03\n", 'period 2022-03\n  param  fee = "fees.csv"\n'
    )
    text = text.replace("= 300.00 kr", "= 375.00 kr")  # 250 × 1.5
    (project / "fees_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 0, out


# ------------------------------------------------------------------ the checker on test blocks


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "visit V1 { profession docter }",
            ["error[E0303]: `docter` is not a Profession", "did you mean `doctor`?"],
        ),
        ('visit V1 { date "2022-03-10" }', ["`visit.date` is date, but this value is text"]),
        ("visit V1 { kind preop }", ["`visit.kind` is text, but this value is a name"]),
        ('visit V1 { diagnoses "I10" }', ["write its members in braces"]),
        ("stay S1 { cost 5000 }", ["`stay.cost` is money, but this value is int", "52000 kr"]),
        ('observation O1 { kind "bp" }', ["an `observation` record has no id"]),
        ("visit V1 { date none }", ["`visit.date` is required: it cannot be none"]),
        ("patient P1 { birth_date 1950-01-01, cni 1.5 }", []),
        ("patient_attribute { patient P1, from 2022-01-01, acg 2 }", []),
        ("provider_attribute { provider Q1, from 2022-01-01 }", ["no time-varying fields"]),
    ],
)
def test_the_checker_checks_given_values(project, capsys, given, expected):
    text = f'use "clinic.ersl"\n\ntest "t" {{\n  given {{\n    {given}\n  }}\n}}\n'
    (project / "x_test.ersl").write_text(text, encoding="utf-8")
    code = main(["check", "x_test.ersl"])
    out = capsys.readouterr().out
    if not expected:
        assert code == 0, out
        return
    assert code == 1
    for piece in expected:
        assert piece in out


def test_the_checker_accepts_a_csv_file_for_a_table_parameter_only(project, capsys):
    text = 'use "clinic.ersl"\n\ntest "t" {\n  param visit_fee = "fees.csv"\n}\n'
    (project / "x_test.ersl").write_text(text, encoding="utf-8")
    assert main(["check", "x_test.ersl"]) == 1
    assert "`visit_fee` is money, but this value is text" in capsys.readouterr().out


# ------------------------------------------------------------------ reports


def test_junit_xml(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS + FAILING_TEST, encoding="utf-8")
    broken = 'use "clinic.ersl"\n\ntest "t" {\n  expect { VC1 "Besk" 2022-03 = 1.00 kr }\n}\n'
    (project / "broken_test.ersl").write_text(broken, encoding="utf-8")
    code, _ = ersl_test(capsys, "--junit-xml", "report.xml")
    assert code == 2
    root = ET.parse(project / "report.xml").getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite.get("name") == "ersl"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "broken_test.ersl",
        "an 82-year-old's visit gets the 80+ weight",
        "a phone visit is not paid",
        "a 70-year-old's visit gets the 80+ weight",
    ]
    assert cases[0].find("error").text.startswith("broken_test.ersl:4:12: error[E0304]")
    passed = cases[1]
    assert passed.get("classname") == "clinic_test"
    assert (passed.get("file"), passed.get("line")) == ("clinic_test.ersl", "3")
    assert passed.find("failure") is None and passed.find("error") is None
    failure = cases[3].find("failure")
    assert failure.get("message") == 'VC1 "Besök" 2022-03: expected 300.00 kr, actual 200.00 kr'
    assert "  expected: 300.00 kr\n  actual:   200.00 kr" in failure.text
    assert "how the actual amount was computed:" in failure.text
    assert cases[3].get("line") == "27"


def test_json_format(project, capsys):
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS + FAILING_TEST, encoding="utf-8")
    code = main(["test", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["format"] == "ersl.test-report/1"
    assert {k: report["summary"][k] for k in ("passed", "failed", "errors")} == {
        "passed": 2,
        "failed": 1,
        "errors": 0,
    }
    outcomes = [(t["name"], t["kind"], t["line"], t["outcome"]) for t in report["tests"]]
    assert outcomes == [
        ("an 82-year-old's visit gets the 80+ weight", "test", 3, "passed"),
        ("a phone visit is not paid", "test", 15, "passed"),
        ("a 70-year-old's visit gets the 80+ weight", "test", 27, "failed"),
    ]
    assert "expected: 300.00 kr" in report["tests"][2]["message"]


# ------------------------------------------------------------------ coverage

COVERAGE_TESTS = """\
use "coverage.ersl"

test "a home visit" {
  period 2022-03
  given {
    provider VC1 {}
    patient  P1 { birth_date 1992-01-01 }
    listing  P1 at VC1 from 2021-01-01
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession nurse, mode home }
  }
  expect {
    VC1 "Besök"    2022-03 = 400.00 kr  # 200 (18 to 64) × 2 (home)
    VC1 "Listning" 2022-03 = 10.00 kr   # 120 / 12
  }
}

test "an 85-year-old's hip replacement" {
  period 2022
  given {
    provider  ORT {}
    patient   P2 { birth_date 1937-01-01 }
    visit     V1 { patient P2, provider ORT, date 2022-02-20, profession doctor, mode physical, kind "preop" }
    procedure OP1 { patient P2, provider ORT, date 2022-03-01, code "NFB49" }
  }
  expect {
    ORT "Protes"    2022-03 = 55000.00 kr  # 50 000 × 1.1 (80 and over)
    ORT "Besök"     2022    = none         # the pre-op visit is in the bundle
    ORT "Operation" 2022    = none         # and so is the operation
  }
}
"""


def test_coverage_counts_exactly_the_parts_exercised(project, capsys):
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS, encoding="utf-8")
    code, out = ersl_test(capsys, "--coverage")
    assert code == 0, out
    report = out.split("contract coverage", 1)[1]
    # "Kvalitet" has a line (0.00): its reported indicator "Nöjdhet" has no value in
    # either test, so it scores 0 and keeps its weight (issue 12) — the performance is
    # exercised, its indicators are not.
    assert "coverage.ersl: 8 of 18 parts exercised (44.4 %)" in report
    for line in [
        "  payments          2 of 3",
        "  performance       1 of 1",
        "  table bands       1 of 3",
        "  weights           2 of 3",
        "  caps              0 of 1",
        "  indicators        0 of 2",
        "  bundle clauses    2 of 5",
    ]:
        assert line in report
    missed = report.split("never exercised:", 1)[1]
    # the band of the pre-op visit was priced, but the visit is in the bundle: not paid
    for part in [
        "fee: 0 to 17 -> 100 kr",
        "fee: 65 and over -> 300 kr",
        '"Besök": weight 0.5 when v.mode == phone',
        '"Operation"',
        '"Besökstak"',
        '"Blodtryck"',
        '"Nöjdhet"',
        '"Protes": includes Visit x where x.kind == "followup"',
        '"Protes": warranty covers',
        '"Protes": warranty extended',
    ]:
        assert part in missed, part
    assert "fee: 18 to 64" not in missed
    assert '"Protes": trigger' not in missed


def test_coverage_of_every_category(project, capsys):
    more = """
test "the rest" {
  period 2022
  given {
    provider          ORT {}
    patient           P1 { birth_date 2010-01-01 }
    listing           P1 at ORT from 2021-01-01
    observation       { patient P1, date 2022-06-01, kind "blood_pressure" }
    indicator_result  { provider ORT, indicator "Nöjdhet", period "2022", value 0.7 }
    procedure         OP1 { patient P1, provider ORT, date 2022-03-01, code "NFB49" }
    provider          SJH {}
    visit             V1 { patient P1, provider SJH, date 2022-04-01, profession doctor, mode phone, kind "followup" }
    patient           P3 { birth_date 1940-01-01 }
    visit             V2 { patient P3, provider ORT, date 2022-05-01, profession nurse, mode physical }
    procedure         OP2 { patient P1, provider ORT, date 2022-09-01, code "NFC19" }
    drug              { patient P1, date 2022-04-01, atc "J01CA04" }
    procedure         OP3 { patient P1, provider ORT, date 2022-10-01, code "ABC10" }
  }
}

test "many visits" {
  period 2022
  given {
    provider VC1 {}
    patient  P1 { birth_date 1990-01-01 }
    visit    V1 { patient P1, provider VC1, date 2022-01-01, profession doctor, mode phone }
    visit    V2 { patient P1, provider VC1, date 2022-01-02, profession doctor, mode phone }
    visit    V3 { patient P1, provider VC1, date 2022-01-03, profession doctor, mode phone }
    visit    V4 { patient P1, provider VC1, date 2022-01-04, profession doctor, mode phone }
    visit    V5 { patient P1, provider VC1, date 2022-01-05, profession doctor, mode phone }
    visit    V6 { patient P1, provider VC1, date 2022-01-06, profession doctor, mode phone }
    visit    V7 { patient P1, provider VC1, date 2022-01-07, profession doctor, mode phone }
    visit    V8 { patient P1, provider VC1, date 2022-01-08, profession doctor, mode phone }
    visit    V9 { patient P1, provider VC1, date 2022-01-09, profession doctor, mode phone }
    visit    V10 { patient P1, provider VC1, date 2022-01-10, profession doctor, mode phone }
    visit    V11 { patient P1, provider VC1, date 2022-01-11, profession doctor, mode phone }
  }
}
"""
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS + more, encoding="utf-8")
    code, out = ersl_test(capsys, "--coverage", "--coverage-threshold", "100")
    assert code == 0, out
    # 0 to 17 by the 12-year-old's follow-up at SJH (in ORT's bundle, paid to SJH and
    # charged to ORT), 65 and over by the 82-year-old's visit, the phone weight, the cap
    # by 11 visits, both indicators, the warranty and its extension, the operation by OP3
    # (no hip code)
    assert "coverage.ersl: 18 of 18 parts exercised (100.0 %)" in out
    assert "never exercised" not in out
    assert "coverage threshold 100 % reached" in out


def test_coverage_threshold(project, capsys):
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS, encoding="utf-8")
    # 8 of 18 parts = 44.4 % (see test_coverage_counts_exactly_the_parts_exercised)
    code, out = ersl_test(capsys, "--coverage-threshold", "44.4")
    assert code == 0, out
    assert "coverage threshold 44.4 % reached" in out
    code, out = ersl_test(capsys, "--coverage-threshold", "45")
    assert code == 1
    assert "FAIL: coverage.ersl coverage 44.4 % is below the threshold 45 %" in out
    assert "2 passed, 0 failed" in out


def test_coverage_in_json(project, capsys):
    (project / "coverage_test.ersl").write_text(COVERAGE_TESTS, encoding="utf-8")
    assert main(["test", "--coverage", "--format", "json"]) == 0
    (coverage,) = json.loads(capsys.readouterr().out)["coverage"]
    assert coverage["contract"] == "coverage.ersl"
    assert (coverage["parts"], coverage["exercised"], coverage["percent"]) == (18, 8, 44.4)
    assert coverage["categories"]["bundle"] == {"exercised": 2, "total": 5}
    assert {"category": "cap", "part": '"Besökstak"', "where": "coverage.ersl:41"} in coverage[
        "never_exercised"
    ]


def test_an_internal_error_is_reported_with_its_test_and_exits_3(project, capsys, monkeypatch):
    import ersl.testing.runner as runner

    def broken(case, options):
        raise KeyError("oops")

    monkeypatch.setattr(runner, "run_test", broken)
    (project / "clinic_test.ersl").write_text(CLINIC_TESTS, encoding="utf-8")
    code, out = ersl_test(capsys, "--junit-xml", "report.xml")
    assert code == 3
    assert "clinic_test.ersl EE" in out
    assert (
        "internal error while running test \"a phone visit is not paid\": KeyError: 'oops'" in out
    )
    assert "This is a bug in ERSL" in out
    assert "0 passed, 0 failed, 2 errors" in out
    suite = ET.parse(project / "report.xml").getroot().find("testsuite")
    assert (suite.get("failures"), suite.get("errors")) == ("0", "2")
