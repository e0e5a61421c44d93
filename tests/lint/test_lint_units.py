"""The unit traps of L140–L142: what they cost when missed (settled by hand), that the
repository's own contracts never need them, and the traps the checker already stops.

The cases with line and column are in `test_lint_rules.py` with every other rule."""

from __future__ import annotations

import pytest
from conftest import REPO, repo_ersl_files
from interp_helpers import contract, listing, patient, provider, settle

from ersl.checker import check_file
from ersl.errors import ErslError
from ersl.lint import LintConfig, lint_file

UNIT_RULES = ("L140", "L141", "L142")
FILES = repo_ersl_files()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_repository_contracts_never_trip_a_unit_rule(path):
    """Not flagged, and not suppressed either: the standard library and the examples
    write every periodic amount as a rate (or convert money by hand)."""
    findings = lint_file(path, LintConfig()).findings
    assert [f for f in findings if f.code in UNIT_RULES] == []
    text = path.read_text(encoding="utf-8")
    assert not any(f"ignore[{code}" in text for code in UNIT_RULES)


CAPITATION = """
param age_rate = table of int {{
  0 to 5     -> 4000 {unit}
  6 and over -> 310 {unit}
}}
payment "Listning" {{
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}}
"""
DATA = [provider("VC1"), patient("P1", "2020-05-01"), listing("P1", "VC1", "2021-01-01")]


def test_the_capitation_trap_pays_twelve_times_and_is_flagged(tmp_path):
    """P1 is 1 on 2022-01-01 (born 2020-05-01), so the band 0 to 5 applies.
    As a rate: 4000 kr/year on a monthly basis pays 4000/12 = 333.333… → 333.33 kr.
    As money: 4000 kr every month → 4000.00 kr, twelve times the price."""
    rate = settle(tmp_path / "rate", contract(CAPITATION.format(unit="kr/year")), DATA, "2022-01")
    money = settle(tmp_path / "money", contract(CAPITATION.format(unit="kr")), DATA, "2022-01")
    key = ("VC1", "2022-01", "Listning")
    assert rate.lines[key] == "333.33"
    assert money.lines[key] == "4000.00"
    codes = [f.code for f in lint_file(money.contract_path, LintConfig()).findings]
    assert "L140" in codes
    assert "L140" not in [f.code for f in lint_file(rate.contract_path, LintConfig()).findings]


def test_a_rate_divided_by_12_pays_a_144th(tmp_path):
    """4800 kr/year on a monthly basis pays 4800/12 = 400.00 kr; divided by 12 by hand
    as well, 4800/144 = 33.333… → 33.33 kr."""
    body = 'payment "Anslag" {{ kind fixed  per provider q each month  amount {amount} }}'
    right = settle(tmp_path / "a", contract(body.format(amount="4800 kr/year")), DATA, "2022-01")
    wrong = settle(
        tmp_path / "b", contract(body.format(amount="4800 kr/year / 12")), DATA, "2022-01"
    )
    key = ("VC1", "2022-01", "Anslag")
    assert (right.lines[key], wrong.lines[key]) == ("400.00", "33.33")
    assert [f.code for f in lint_file(wrong.contract_path, LintConfig()).findings] == ["L141"]


@pytest.mark.parametrize(
    ("amount", "unit"),
    [("365 kr/year", "year"), ("30 kr/month", "month")],
)
def test_a_rate_per_year_or_month_on_a_daily_basis_is_a_type_error(write, amount, unit):
    """A daily fee written `kr/year` cannot slip through: the checker stops it (E0403)."""
    path = write(
        "contract.ersl",
        contract(f'payment "Dygn" {{ kind fixed  per Stay s each day  amount {amount} }}'),
    )
    with pytest.raises(ErslError) as raised:
        check_file(path)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E0403"
    assert f"money per {unit}" in diagnostic.message


def test_a_table_mixing_money_and_rates_is_a_type_error(write):
    """Half-corrected tables (`4000 kr` beside `310 kr/year`) are stopped by the checker."""
    path = write(
        "contract.ersl",
        contract("param age_rate = table of int { 0 to 5 -> 4000 kr, 6 and over -> 310 kr/year }"),
    )
    with pytest.raises(ErslError) as raised:
        check_file(path)
    assert "money and money per year" in raised.value.diagnostics[0].message
