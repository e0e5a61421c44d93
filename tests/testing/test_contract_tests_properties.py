"""`property` blocks checked with Hypothesis on generated data (SPEC §7, issue 6).

A property over a deliberately broken contract (a bonus without its cap) finds a
counterexample, printed as a `test` block that fails when pasted into a file; the
same property over the correct contract passes 200 examples. The generated data is
valid for every example contract and settles.
"""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ersl.cli import main
from ersl.errors import ErslError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

BONUS_PROPERTY = """\
use "{contract}"

property "the bonus never exceeds 300 kr a year" {{
  for any data
  check {check}
  for every provider q
}}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    for path in FIXTURES.glob("*.ersl"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ersl_test(capsys, *args: str) -> tuple[int, str]:
    code = main(["test", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def counterexample(out: str) -> str:
    """The printed `test` block."""
    start = out.index('test "counterexample:')
    end = out.index("\n}\n", start)
    return out[start : end + 3]


def test_a_broken_contract_gives_a_counterexample_that_fails_as_a_test(project, capsys):
    text = BONUS_PROPERTY.format(
        contract="bonus_broken.ersl", check='paid("Kvalitetsbonus", q) <= 300 kr'
    )
    (project / "bonus_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys, "--examples", "1000")
    assert code == 1, out
    assert (
        'property "the bonus never exceeds 300 kr a year" does not hold for provider Q1: '
        '`paid("Kvalitetsbonus", q) <= 300 kr` is false'
    ) in out
    assert '  paid("Kvalitetsbonus", q) = ' in out
    assert "  300 kr = 300.00 kr" in out
    block = counterexample(out)
    # shrunk (Hypothesis shrinks within a budget and does not promise the minimum): a
    # handful of records, among them visits of the one kind the bonus pays for
    assert "provider Q1 {}" in block
    providers = re.findall(r"^ {4}provider +Q\w+ \{", block, re.M)
    patients = re.findall(r"^ {4}patient +P\w+ \{", block, re.M)
    assert 1 <= len(providers) <= 3 and 1 <= len(patients) <= 3, block
    assert block.count('kind "quality"') >= 4
    assert '    Q1 "Kvalitetsbonus" 2022 = 300.00 kr' in block
    # canonical ERSL, ready to paste
    from ersl.fmt import format_source

    assert format_source(block) == block
    pasted = 'use "bonus_broken.ersl"\n\n' + block
    (project / "pasted_test.ersl").write_text(pasted, encoding="utf-8")
    code, out = ersl_test(capsys, "pasted_test.ersl")
    assert code == 1, out
    assert "0 passed, 1 failed" in out
    assert "  expected: 300.00 kr\n  actual:   " in out
    # the counterexample pays more than the bound
    actual = out.split("  actual:   ", 1)[1].split(" kr", 1)[0]
    assert Fraction(actual) > 300


def test_the_correct_contract_passes_200_examples(project, capsys):
    check = 'paid("Kvalitetsbonus", q) + paid("Bonustak", q) <= 300 kr'
    text = BONUS_PROPERTY.format(contract="bonus.ersl", check=check)
    (project / "bonus_test.ersl").write_text(text, encoding="utf-8")
    code = main(["test", "--examples", "200", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    (outcome,) = report["tests"]
    assert (outcome["kind"], outcome["outcome"], outcome["examples"]) == ("property", "passed", 200)


def test_a_seed_makes_property_runs_reproducible(project, capsys):
    text = BONUS_PROPERTY.format(
        contract="bonus_broken.ersl", check='paid("Kvalitetsbonus", q) <= 100 kr'
    )
    (project / "bonus_test.ersl").write_text(text, encoding="utf-8")
    first = ersl_test(capsys, "--examples", "1000", "--seed", "7")[1]
    second = ersl_test(capsys, "--examples", "1000", "--seed", "7")[1]
    assert counterexample(first) == counterexample(second)
    assert "(seed 7)" in first


def test_a_run_time_error_is_a_counterexample(project, capsys):
    contract = (project / "clinic.ersl").read_text(encoding="utf-8")
    gap = "param fee = table of int {\n  0 to 17 -> 100 kr\n  65 and over -> 300 kr\n}\n"
    contract = contract.replace("amount visit_fee", "amount fee(age(v.patient))")
    (project / "gap.ersl").write_text(contract + gap, encoding="utf-8")
    text = """\
use "gap.ersl"

property "visits are never paid negative amounts" {
  for any data
  check paid("Besök", q) >= 0 kr
  for every provider q
}
"""
    (project / "gap_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys, "--examples", "1000")
    assert code == 1, out
    assert "does not hold: settling the data below fails" in out
    assert "error[E0902]" in out and "the table `fee` has no band for 18" in out
    block = counterexample(out)
    assert "# settling this data fails" in block
    (project / "pasted_test.ersl").write_text('use "gap.ersl"\n\n' + block, encoding="utf-8")
    code, out = ersl_test(capsys, "pasted_test.ersl")
    assert code == 1
    assert "the table `fee` has no band for 18" in out


def test_a_property_without_a_provider_and_with_params(project, capsys):
    text = """\
use "clinic.ersl"

property "a visit fee is at most 300 kr" {
  param visit_fee = 250 kr
  check visit_fee <= 300 kr
}
"""
    (project / "fee_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys, "--examples", "5")
    assert code == 0, out
    (project / "fee_test.ersl").write_text(text.replace("250 kr", "350 kr"), encoding="utf-8")
    code, out = ersl_test(capsys, "--examples", "5")
    assert code == 1
    assert "`visit_fee <= 300 kr` is false" in out
    assert "visit_fee = 350 kr" in counterexample(out)


def test_a_property_missing_a_required_parameter_fails_at_once(project, capsys):
    (project / "req.ersl").write_text(
        (project / "clinic.ersl")
        .read_text(encoding="utf-8")
        .replace("param visit_fee: money = 200 kr", "param visit_fee: money"),
        encoding="utf-8",
    )
    text = 'use "req.ersl"\n\nproperty "p" {\n  check paid("Besök", q) >= 0 kr\n  for every provider q\n}\n'
    (project / "req_test.ersl").write_text(text, encoding="utf-8")
    code, out = ersl_test(capsys)
    assert code == 1
    assert "help: give it in the property: `param visit_fee = …`" in out


# ------------------------------------------------------------------ the data generator


def _contracts() -> list[tuple[str, Path, dict]]:
    return [
        ("primary_care", EXAMPLES / "primary_care" / "contract.ersl",
         {"visit_fee": str(EXAMPLES / "primary_care" / "fees.csv")}),
        ("hospital", EXAMPLES / "hospital" / "contract.ersl",
         {"drg_price": "48000 kr", "outlier_threshold": "1000000 kr"}),
        ("hip_knee", EXAMPLES / "hip_knee" / "contract.ersl", {}),
        ("coverage", FIXTURES / "coverage.ersl", {}),
        ("all_types", FIXTURES / "all_types.ersl", {}),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "path", "params"), _contracts(), ids=[c[0] for c in _contracts()])
def test_generated_data_is_valid_and_settles(name, path, params):
    """Every generated data set reads without error and settles the contract's valid range,
    or stops only where the data lacks a value the contract needs (E0903)."""
    from ersl.api import Contract
    from ersl.checker import check_file
    from ersl.dates import parse_period
    from ersl.testing.generate import Generator
    from ersl.testing.given import read_given

    checked = check_file(path)
    contract = Contract(checked)
    generator = Generator(checked, parse_period("2022"), max_size=5)

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(data):
        records = data.draw(generator.strategy())
        dataset = read_given(records, checked)  # raises if the generator made bad data
        assert dataset.providers()
        try:
            contract.settle(dataset, "2022", params)
        except ErslError as error:
            assert {d.code for d in error.diagnostics} == {"E0903"}, error.render()

    check()


def test_generated_data_uses_the_contract_literals_and_every_type_it_mentions():
    from ersl.checker import check_file
    from ersl.dates import parse_period
    from ersl.testing.generate import Generator

    checked = check_file(FIXTURES / "coverage.ersl")
    generator = Generator(checked, parse_period("2022"), max_size=6)
    seen: dict[str, set] = {}

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(generator.strategy())
    def collect(records):
        for record in records:
            seen.setdefault(record.type, set()).update(
                str(v)
                for k, v in record.fields.items()
                if k in ("kind", "code", "atc", "indicator")
            )

    collect()
    assert {"provider", "patient", "listing", "visit", "procedure", "observation", "drug"} <= set(
        seen
    )
    assert {"indicator_result"} <= set(seen)  # "Nöjdhet" is reported
    assert "stay" not in seen and "meeting" not in seen  # the contract never reads them
    assert {"preop", "followup"} <= seen["visit"]
    assert "blood_pressure" in seen["observation"]
    assert {"NFB1", "NFC1"} <= seen["procedure"]  # codes inside the code sets, and outside:
    assert "Z99" in seen["procedure"]
    assert seen["indicator_result"] == {"Nöjdhet"}
