"""The columnar engine's provider level (`ersl/columnar/provider_exprs.py`,
`provider_plan.py`, `ersl/interpreter/engine_provider.py`) against the unit-by-unit
reference (issue 14): payments per provider and period (`provider q each month|
quarter|year`), `split` by equal shares and by a value, rates × the period's length,
weights, and performance bonuses and penalties computed per provider and period.

The differential property generates contracts with a provider-basis payment, a
performance line over a counted indicator, and the cap of the unit-level property,
over generated data (listings with moves and gaps, visits, providers with and
without a target), and requires the columnar engine's statement to be byte-identical
to the reference's, or the same error with the same words (a none, a division by
zero, a split whose values add up to zero).

`ERSL_COLUMNAR_EXAMPLES=2000 pytest tests/interpreter/test_interp_columnar_provider.py`
runs a long search (CI runs 40 examples).
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interp_helpers import contract, listing, patient, provider, visit
from test_interp_batches import conditions
from test_interp_columnar import (
    CAP,
    DECLARATIONS,
    LISTED_CONDITIONS,
    SETTINGS,
    VISIT_CONDITIONS,
    _fees_csv,
    _listed,
    _visits,
    datasets_with_diagnoses,
    outcome,
)
from test_interp_properties import _WORK, _counter, _load

import ersl.api as api
from ersl.cli import main
from ersl.data.table_data import read_tables

PROVIDER_DECLARATIONS = """
extend record Provider { target: decimal? }

param dated_pot: money = dated {
  from 2021-01-01 -> 1000 kr
  from 2022-07-01 -> 2000.01 kr
}
"""

PROVIDER_CONDITIONS = [
    "average_listed(q) > 0",
    "average_listed(q) >= {d}",
    "q.target != none",
    "(q.target otherwise 0) > 1",
    "count(Visit v where v.provider == q) >= 1",
    "count(listed patients p at q where age(p) >= 65) > 0",
    "today >= 2022-06-30",
    "monthly_average(count(listed patients p at q where age(p) < 65)) * 2 > average_listed(q)",
    "listed_count(q, today) >= 1",
    "listed_count(q, today) > listed_count(q, 2022-03-01)",
    "q.area == none",
    "q.start_date != none and year(q.start_date) == 2021",
    "q.target != none and q.target > 1",
]
PROVIDER_AMOUNTS = [
    "split(1000 kr, equally)",
    "split(6.5 Mkr, by average_listed(q))",
    "split(415000 kr, equally) + split(100 kr, by average_listed(q))",
    "split(999.99 kr, by count(Visit v where v.provider == q))",  # may add up to zero
    "split(dated_pot, by (q.target otherwise 1))",
    "split(10 kr, equally) * 3 - 1 kr",
    "100 kr/month",
    "12.5 kr/day",
    "cni_rate * average_listed(q)",
    "monthly_average(dated_cni * 1 year * count(listed patients p at q))",
    "(q.target otherwise 0) * 1000 kr",
    "q.target * 10 kr",  # none for a provider without a target: an error
    "1000 kr * count(Visit v where v.provider == q) / average_listed(q)",  # may divide by 0
    "if average_listed(q) > 1 then 500 kr else 250 kr / 3",
    "monthly_average(if count(listed patients p at q) > 1 then 10 kr else 0 kr)",
    "-(average_listed(q) * 7 kr)",
]
BONUSES = [
    "30 kr/year * average_listed(q)",
    "monthly_average(dated_cni * 1 year * count(listed patients p at q))",
    "1000 kr * count(Visit v where v.provider == q) / average_listed(q)",  # may divide by 0
    "100 kr + (q.target otherwise 0) * 1 kr",
    "q.target * 1 kr",  # none: an error
    "4 kr/month * average_listed(q)",
]

PERFORMANCE = """
indicator "Besökt" for provider q {
  population listed patients p at q where POPULATION
  numerator  NUMERATOR
}

performance "Bonus" for provider q each EACH {
  KIND       AMOUNT
  indicators {
    "Besökt" linear 20 % to 80 %
  }
}
"""


@st.composite
def provider_contracts(draw) -> str:
    """A contract with a provider-basis payment and maybe a performance line and a
    visit cap."""
    where = draw(st.none() | conditions(PROVIDER_CONDITIONS, 1))
    amount = draw(st.sampled_from(PROVIDER_AMOUNTS))
    each = draw(st.sampled_from(["month", "quarter", "year"]))
    valid = draw(st.sampled_from(["", "  valid  2022-02-15 .. 2022-11-30"]))
    weights = ""
    if draw(st.booleans()):
        weights = "  weight 1.5 when " + draw(conditions(PROVIDER_CONDITIONS, 1))
    perf = ""
    if draw(st.booleans()):
        perf = (
            PERFORMANCE.replace("POPULATION", draw(conditions(LISTED_CONDITIONS, 1)))
            .replace("NUMERATOR", draw(conditions(LISTED_CONDITIONS, 1)))
            .replace("EACH", draw(st.sampled_from(["month", "quarter", "year"])))
            .replace("KIND", draw(st.sampled_from(["bonus", "penalty"])))
            .replace("AMOUNT", draw(st.sampled_from(BONUSES)))
        )
    cap = ""
    if draw(st.booleans()):
        cap = CAP.replace("WHERE", draw(conditions(VISIT_CONDITIONS, 1)))
    body = f"""
use stdlib "functions/listing"

{DECLARATIONS}
{PROVIDER_DECLARATIONS}
payment "Pott" {{
  kind   fixed
  per    provider q each {each}{"" if where is None else " where " + where}
  amount {amount}
{weights}
{valid}
}}

payment "Besök" {{
  kind   variable
  per    Visit v
  amount fee(v.profession)
}}
{perf}
{cap}
"""
    return contract(
        body, rounding=draw(st.sampled_from(["0.01 kr half_up per line", "1 kr down per unit"]))
    )


TARGETS = st.none() | st.sampled_from(["0", "0.5", "1.25", "3"])


@st.composite
def provider_datasets(draw) -> list[dict]:
    """The generated records, each provider with or without a target."""
    records = draw(datasets_with_diagnoses())
    for record in records:
        if record["type"] == "provider":
            target = draw(TARGETS)
            if target is not None:
                record["target"] = target
    return records


@SETTINGS
@given(source=provider_contracts(), records=provider_datasets())
def test_the_provider_level_settles_exactly_as_unit_by_unit(source, records):
    params = {"input_fee": _fees_csv()}
    fast = outcome(source, records, "columnar", params)
    assert fast == outcome(source, records, None, params)


# ---------------------------------------------------------------- every form compiles

RECORDS = [
    provider("VC1", target="1.5"),
    provider("VC2"),
    provider("VC3", target="2"),
    patient("P1", "1950-03-10"),
    patient("P2", "1980-06-15"),
    patient("P3", "1980-06-15"),
    {"type": "patient_attribute", "patient": "P1", "from": "2000-01-01", "cni": "1.25"},
    listing("P1", "VC1", "2020-01-01"),
    listing("P2", "VC1", "2022-08-01"),
    listing("P3", "VC2", "2021-01-01"),
    visit("V1", "P1", "VC1", "2022-03-01"),
    visit("V2", "P2", "VC1", "2022-09-02", profession="nurse"),
    visit("V3", "P3", "VC2", "2022-08-02", profession="psychosocial"),
]
"""VC1: P1 listed all year, P2 from 1 August (5 first days of a month: 17/12 listed on
average); VC2: P3 all year (1 on average); VC3: nobody listed."""


def _settle(source: str, engine: str):
    loaded = _load(source)
    path = _WORK / f"prov{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    if engine == "reference":
        return loaded.settle(data, "2022", {}, keep_units=True, batches=False)
    return loaded.settle(data, "2022", {}, engine=engine)


def _compiled(source: str) -> tuple[dict, dict]:
    """The columnar engine's report and its lines by (payee, period, name) as exact
    amounts, after checking its statement against the reference's."""
    fast = _settle(source, "columnar")
    assert fast.to_json() == _settle(source, "reference").to_json()
    lines = {(line.payee, line.period, line.name): line.amount for line in fast.lines}
    return fast.run.engine_report, lines


def _provider_payment(amount: str, where: str | None, each: str = "year", valid: str = "") -> str:
    return contract(
        f"""
use stdlib "functions/listing"
{DECLARATIONS}
{PROVIDER_DECLARATIONS}
payment "Pott" {{
  kind   fixed
  per    provider q each {each}{"" if where is None else " where " + where}
  amount {amount}
{valid}
}}
"""
    )


@pytest.mark.parametrize(
    "amount", [a for a in PROVIDER_AMOUNTS if "q.target *" not in a and "/ average" not in a]
)
def test_every_provider_amount_compiles(amount):
    source = _provider_payment(amount, "average_listed(q) > 0")
    assert _compiled(source)[0] == {"Pott": "columnar"}


@pytest.mark.parametrize("where", PROVIDER_CONDITIONS)
def test_every_provider_condition_compiles(where):
    source = _provider_payment("100 kr/month", where.format(d="1"), each="quarter")
    assert _compiled(source)[0] == {"Pott": "columnar"}


def test_a_provider_condition_without_a_columnar_form_goes_the_batch_path():
    source = _provider_payment("100 kr", "min(month(today), 12) == 12")
    report = _compiled(source)[0]
    assert report["Pott"] == "batch path: the built-in `min` has no columnar form"


def test_listed_count_compiles_in_a_unit_payment():
    # VC1 has P1, and P2 from 1 August: two listed from August, so each of those months
    # pays 2 × 100 kr / 12 = 50/3 kr to VC1; VC2 (one listed) and earlier months: nothing
    source = _listed("100 kr/year", "listed_count(q, today) >= 2").replace(
        'use stdlib "functions/listing"', 'use stdlib "functions/listing"' + PROVIDER_DECLARATIONS
    )
    report, _ = _compiled(source)
    assert report == {"Listning": "columnar"}
    fast = _settle(source, "columnar")
    assert {(line.payee, line.period): line.exact for line in fast.lines} == {
        ("VC1", f"2022-{month:02d}"): Fraction(50, 3) for month in range(8, 13)
    }


@pytest.mark.parametrize("bonus", [b for b in BONUSES if "q.target * 1" not in b])
@pytest.mark.parametrize("kind", ["bonus", "penalty"])
def test_every_performance_amount_compiles(bonus, kind):
    perf = (
        PERFORMANCE.replace("POPULATION", "age(p) >= 0")
        .replace("NUMERATOR", "age(p) >= 65")
        .replace("EACH", "year")
        .replace("KIND", kind)
        .replace("AMOUNT", bonus)
    )
    source = contract(
        f'use stdlib "functions/listing"\n{DECLARATIONS}\n{PROVIDER_DECLARATIONS}\n{perf}'
    )
    report = _compiled(source)[0]
    assert report["performance Bonus"] == f"{kind}: columnar"
    assert report["indicator Besökt"] == "columnar"


# ---------------------------------------------------------------- amounts by hand


def test_a_split_settled_columnar():
    # average listed (first days of the 12 months): VC1 (12 + 5) / 12 = 17/12, VC2 1,
    # VC3 0 (no unit: `where average_listed(q) > 0`), Σ = 29/12.
    # VC1: 1000 kr / 2 + 100 kr × (17/12) / (29/12) = 500 + 1700/29 = 558.6206… kr
    # VC2: 1000 kr / 2 + 100 kr × 1 / (29/12)      = 500 + 1200/29 = 541.3793… kr
    # to 0.01 kr with the largest remainder: 558.62 + 541.37 = 1099.99, the last
    # cent to VC2 (remainder 0.0093 against VC1's 0.0007): 541.38
    source = _provider_payment(
        "split(1000 kr, equally) + split(100 kr, by average_listed(q))", "average_listed(q) > 0"
    )
    report, lines = _compiled(source)
    assert report == {"Pott": "columnar"}
    assert lines == {
        ("VC1", "2022", "Pott"): Fraction("558.62"),
        ("VC2", "2022", "Pott"): Fraction("541.38"),
    }
    fast = _settle(source, "columnar")
    exact = {line.payee: line.exact for line in fast.lines}
    assert exact == {"VC1": 500 + Fraction(1700, 29), "VC2": 500 + Fraction(1200, 29)}


def test_a_provider_basis_payment_settled_columnar():
    # quarters of the valid range 2022-02-01 .. 2022-12-31 (Q1 is February and March:
    # 2 months); only VC1 and VC3 have a target.
    # VC1: 100 kr/month × 1.5 × months: Q1 100 × 1.5 × 2 = 300 kr, Q2–Q4 450 kr each
    # VC3: 100 kr/month × 2 × months:   Q1 400 kr, Q2–Q4 600 kr each
    source = _provider_payment(
        "100 kr/month * (q.target otherwise 0)",
        "q.target != none",
        each="quarter",
        valid="  valid  2022-02-01 .. 2022-12-31",
    )
    report, lines = _compiled(source)
    assert report == {"Pott": "columnar"}
    expected = {}
    for payee, per_quarter in (("VC1", 150), ("VC3", 200)):
        for quarter in ("2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"):
            months = 2 if quarter == "2022-Q1" else 3
            expected[(payee, quarter, "Pott")] = Fraction(per_quarter * months)
    assert lines == expected


def test_a_rate_per_day_is_paid_for_the_days_of_the_clipped_period():
    # 2 kr/day for every provider and quarter of 2022-02-01 .. 2022-12-31:
    # Q1 28 + 31 = 59 days: 118 kr; Q2 30 + 31 + 30 = 91 days: 182 kr;
    # Q3 31 + 31 + 30 = 92 days: 184 kr; Q4 31 + 30 + 31 = 92 days: 184 kr
    source = _provider_payment(
        "2 kr/day", None, each="quarter", valid="  valid  2022-02-01 .. 2022-12-31"
    )
    report, lines = _compiled(source)
    assert report == {"Pott": "columnar"}
    amounts = {"2022-Q1": 118, "2022-Q2": 182, "2022-Q3": 184, "2022-Q4": 184}
    assert lines == {
        (q, period, "Pott"): Fraction(kr)
        for q in ("VC1", "VC2", "VC3")
        for period, kr in amounts.items()
    }


def test_a_monthly_bonus_settled_columnar():
    # VC1's bonus: monthly_average(30 kr/year × 1 year × listed on the month's first
    # day) = 30 kr × (12 + 5) / 12 = 42.50 kr; the indicator at 2022-12-31: P1 (72)
    # and P2 (42) listed, P1 is 65 or over: 1/2 = 50 %, linear 0 % to 100 %: 0.5;
    # the line: 42.50 kr × 0.5 = 21.25 kr. VC2: 30 kr × 1 × 0 (P3 is 42) = 0 kr.
    perf = (
        PERFORMANCE.replace("POPULATION", "age(p) >= 0")
        .replace("NUMERATOR", "age(p) >= 65")
        .replace("EACH", "year")
        .replace("KIND", "bonus")
        .replace("AMOUNT", "monthly_average(30 kr/year * 1 year * count(listed patients p at q))")
        .replace("linear 20 % to 80 %", "linear 0 % to 100 %")
    )
    source = contract(f'use stdlib "functions/listing"\n{PROVIDER_DECLARATIONS}\n{perf}')
    report, lines = _compiled(source)
    assert report["performance Bonus"] == "bonus: columnar"
    assert lines[("VC1", "2022", "Bonus")] == Fraction("21.25")
    assert lines[("VC2", "2022", "Bonus")] == 0


def test_a_split_that_adds_up_to_zero_is_the_reference_error():
    # no visit at all in 2022 counts for VC3 alone: Σ of the `by` values is 0
    source = _provider_payment(
        "split(100 kr, by count(Visit v where v.provider == q))", "q.target == 2"
    )
    with pytest.raises(api.ErslError) as fast:
        _settle(source, "columnar")
    with pytest.raises(api.ErslError) as reference:
        _settle(source, "reference")
    assert str(fast.value) == str(reference.value)
    assert "the values add up to zero" in str(fast.value)


def test_ersl_run_verbose_reports_the_provider_level(tmp_path, capsys):
    perf = (
        PERFORMANCE.replace("POPULATION", "age(p) >= 0")
        .replace("NUMERATOR", "age(p) >= 65")
        .replace("EACH", "year")
        .replace("KIND", "bonus")
        .replace("AMOUNT", "30 kr/year * average_listed(q)")
    )
    source = _provider_payment("split(1000 kr, equally)", "average_listed(q) > 0")
    (tmp_path / "contract.ersl").write_text(source + perf, encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    args = ["run", str(tmp_path / "contract.ersl"), "--data", str(data), "--period", "2022"]
    assert main([*args, "--engine", "columnar", "-v", "--format", "csv"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "engine: columnar",
        "data: DuckDB tables straight from the files; read as records: Provider",
        "  Pott: columnar",
        "  indicator Besökt: columnar",
        "  performance Bonus: bonus: columnar",
    ]


CAPPED = """
cap "Tak" for provider q each year {
  applies to "Pott"
  measure    average_listed(q)
  limit      1
  above      reduce 10 % of excess
}
"""


@pytest.mark.parametrize(
    ("amount", "extra", "reason"),
    [
        ("100 kr", "  payee q", "batch path: a `payee` on a provider basis"),
        ("100 kr", CAPPED, "batch path: a cap applies to it"),
        (
            "monthly_average(monthly_average(count(listed patients p at q)) * 1 kr)",
            "",
            "batch path: a monthly average inside a monthly average",
        ),
    ],
)
def test_what_the_provider_level_leaves_to_the_batch_path_is_reported(amount, extra, reason):
    source = _provider_payment(amount, None)
    if extra.startswith("  payee"):
        source = source.replace(f"  amount {amount}\n", f"  amount {amount}\n{extra}\n")
    else:
        source += extra
    assert _compiled(source)[0]["Pott"] == reason


def test_a_leaf_behind_a_false_and_is_not_read():
    # VC2 has no `target`: `q.target > 1` would be none there, but the `and` stops at
    # `q.target != none` as the reference does, so the payment stays columnar (the
    # leaf's check once made the whole payment fall back). VC1 (1.5) and VC3 (2) are
    # paid 100 kr each for the year.
    report, lines = _compiled(_provider_payment("100 kr", "q.target != none and q.target > 1"))
    assert report == {"Pott": "columnar"}
    assert sorted((payee, amount) for (payee, _, _), amount in lines.items()) == [
        ("VC1", 100),
        ("VC3", 100),
    ]


def test_a_cap_measure_that_divides_by_zero_pays_no_line_from_the_columnar_engine():
    # VC3 has nobody listed: its measure count(visits) / average_listed(q) divides by
    # zero, which the reference reads as no cap line. The columnar measure says so
    # itself, so settling from DuckDB tables reads no records (it once handed VC3 to
    # the reference, which asked for every listing and visit as records).
    source = _visits("fee(v.profession)") + CAP.replace("WHERE", "v.profession == doctor")
    source = source.replace(
        'use stdlib "functions/listing"', 'use stdlib "functions/listing"' + PROVIDER_DECLARATIONS
    )
    report, lines = _compiled(source)
    assert report == {"Besök": "columnar", "cap Tak": "measure: columnar"}
    assert not [key for key in lines if key[0] == "VC3"]
    loaded = _load(source)
    path = _WORK / f"prov{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = read_tables([str(path)], loaded.checked)
    statement = loaded.settle(data, "2022", {"input_fee": _fees_csv()})
    assert statement.run.data is data  # settled from the tables: no records read
    assert statement.to_json() == _settle(source, "reference").to_json()
