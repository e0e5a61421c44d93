"""Explanations people can read: decimals beside exact fractions, the records behind a
line (the first few ids and how many), several lines of one name under their sum."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from interp_helpers import contract, listing, patient, provider, visit, write_files
from interp_settle import result

from ersl.cli import main
from ersl.interpreter.explain import RECORDS_SHOWN, readable


@pytest.mark.parametrize(
    ("text", "places", "unit", "shown"),
    [
        ("865/3", 2, " kr", "288.33 kr (865/3)"),  # 288.333… rounds down
        ("-865/3", 2, " kr", "-288.33 kr (-865/3)"),
        ("0.125", 2, "", "0.125"),  # a finite decimal is exact: shown as it is
        ("35", 2, " kr", "35 kr"),
        ("5/6", 2, " kr", "0.83 kr (5/6)"),  # 0.8333…
        ("1/6", 2, " kr", "0.17 kr (1/6)"),  # 0.1666… rounds up
        ("18/7", 4, "", "2.5714 (18/7)"),  # 2.571428…
        ("2/3", 4, "", "0.6667 (2/3)"),
        ("200/3", 2, " kr", "66.67 kr (200/3)"),
        ("1/3", 2, "", "0.33 (1/3)"),
    ],
)
def test_readable_puts_the_decimal_beside_the_fraction(text, places, unit, shown):
    assert readable(text, places, unit) == shown
    if "/" in text:  # the fraction shown is the exact value itself
        assert Fraction(shown.rsplit("(", 1)[1].rstrip(")")) == Fraction(text)


def explain(capsys, tmp_path, body: str, records, *args) -> tuple[int, str]:
    path, data = write_files(tmp_path, contract(body), records)
    capsys.readouterr()
    code = main(["explain", str(path), "--data", str(data), *args])
    out, err = capsys.readouterr()
    return code, out + err


POT = """
indicator "Nöjda" reported

performance "Kvalitet" for provider q each year {
  bonus      865 kr / 3
  indicators { "Nöjda" if reported }
}
"""


def test_a_pot_shows_its_decimal_and_its_fraction(capsys, tmp_path):
    """The issue's example: a pot of 865/3 kr, reported → attainment 1, so the bonus is
    the whole pot, 288.333… → 288.33 kr."""
    records = [provider("VC1"), result("VC1", "Nöjda", "2022", "0.9")]
    code, out = explain(capsys, tmp_path, POT, records, "--payee", "VC1", "--name", "Kvalitet")
    assert code == 0, out
    assert "pot = 288.33 kr (865/3); bonus = pot × Σ w·a / Σ w; share Σw·a/Σw = 1" in out
    assert "units: 1; exact total: 288.33 kr (865/3)" in out
    assert "→ 288.33 kr" in out


VISITS = """
payment "Besök" {
  kind   variable
  per    Visit v
  amount 100 kr
}
"""


def test_the_records_behind_a_line_first_few_and_a_count(capsys, tmp_path):
    """Seven visits in March (V1…V7, by date): the first five ids are named, and 7."""
    records = [provider("VC1"), patient("P1")] + [
        visit(f"V{i}", "P1", "VC1", f"2022-03-{i + 10:02d}") for i in range(1, 8)
    ]
    args = ["--payee", "VC1", "--name", "Besök", "--period", "2022-03"]
    code, out = explain(capsys, tmp_path, VISITS, records, *args)
    assert code == 0, out
    assert "  visits: V1, V2, V3, V4, V5, … (7 in all)" in out
    code, out = explain(capsys, tmp_path, VISITS, records, *args, "--format", "json")
    (line,) = json.loads(out)["lines"]
    assert line["records"] == {
        "kind": "visit",
        "first": ["V1", "V2", "V3", "V4", "V5"][:RECORDS_SHOWN],
        "count": 7,
    }


LISTING = """
payment "Listning" {
  kind   fixed
  per    listed patient p at q each month
  amount 1200 kr/year
}
"""


def test_a_year_of_monthly_lines_is_shown_as_their_sum(capsys, tmp_path):
    """One patient listed all year: 1200 kr/year / 12 = 100.00 kr a month, 12 lines,
    1200.00 kr in all."""
    records = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2021-01-01")]
    args = ["--payee", "VC1", "--name", "Listning", "--period", "2022"]
    code, out = explain(capsys, tmp_path, LISTING, records, *args)
    assert code == 0, out
    head = out.splitlines()
    assert head[0] == '"Listning" for VC1, 2022-01..2022-12: 1200.00 kr = sum of 12 monthly lines'
    assert head[1].split() == ["2022-01", "100.00", "kr"]
    assert head[12].split() == ["2022-12", "100.00", "kr"]
    assert "  patient: P1 (1 in all)" in out
    assert out.count("kr (fixed)") == 12  # and then each month explained
    code, out = explain(capsys, tmp_path, LISTING, records, *args, "--format", "json")
    assert json.loads(out)["sum"] == {
        "amount": "1200.00",
        "lines": 12,
        "periods": "2022-01..2022-12",
        "each": "monthly",
    }
    code, out = explain(capsys, tmp_path, LISTING, records, *args, "--line-period", "2022-03")
    assert "sum of" not in out  # one line: no sum
