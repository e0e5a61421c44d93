"""Batch evaluation (`ersl/interpreter/batch*.py`, `bulk.py`) against the unit-by-unit
interpreter, which stays the reference (issue #3 design note).

The differential property generates contracts from the expression forms the batches
handle (bindings, fields and time-varying attributes, tables with and without a band
for every key, arithmetic on numbers and rates, `and`/`or`/`not`/`if`/`otherwise`,
`in` with literal sets, user functions, `age`, `listed_at`, `count`/`exists`/`sum`,
weights, caps and indicators, a table keyed by code patterns, a bundle covering stays (whole, or their first days:
per-day payments skip covered days), reported results that some providers lack (`reported`,
`value`/`rank`/`region_mean` none, `unreported excluded`), a payment reading an
optional parameter that is not given) and settles each twice: in batches (as `ersl run`
does) and one unit at a time. The statements must be byte-identical, the table-band
counts equal, and a run-time error must be the same error with the same words.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, listing, patient, provider, visit
from test_examples import PARAMS
from test_interp_properties import _WORK, _counter, _load, datasets

import ersl.api as api
from ersl.errors import ErslError

REPO = Path(__file__).resolve().parents[2]

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- generated expressions

LISTED_CONDITIONS = [
    "age(p) >= {n}",
    "age(p) < {n}",
    "(p.cni otherwise 0) > {d}",
    "p.cni <= {d}",
    "listed_at(p, today) == q",
    "month(today) <= {m}",
    'p.sex == "F"',
    "exists(Visit v where v.patient == p and v.mode in {{physical, video}} within 60 days)",
    "count(Visit v where v.patient == p within 90 days) >= 1",
    "age_in_year(p) >= {n}",
    "year(today) == 2022 and today >= 2022-06-01",
    "count(listed patients r at q where age(r) >= 65) > 1",
    "-(p.cni otherwise 0) < -1",
    "month_end(today) >= 2022-06-30",
    # listed counts at the month ends of earlier months (a date collection)
    "not exists(MonthEnd d where listed_count(q, d) >= {n} within 2 months before month_start(today) - 1 day)",
    "count(MonthStart d where listed_count(q, d) >= 1 within 3 months before today) >= 2",
]
LISTED_RATES = [
    "age_rate(age(p))",
    "cni_rate * p.cni",
    "cni_rate * (p.cni otherwise 1)",
    "cni_rate * boost(p.cni otherwise 0)",
    "young_rate(age(p))",  # no band for 65 and over: a run-time error for older patients
    "cni_rate / p.cni",  # a CNI of 0 divides by zero
    "sum(100 kr/year for Visit v where v.patient == p within 30 days)",
    "100 kr/year * count(Visit v where v.patient == p and v.profession == doctor within 90 days)",
    "dated_cni * (p.cni otherwise 1)",  # a rate that changes on 2022-07-01
    "dated_age(age(p))",  # a table that changes on 2022-04-01
    "mixed_rate(age(p))",  # a band whose value is an expression
    "-cni_rate + 500 kr/year",
]
VISIT_CONDITIONS = [
    "v.mode in {{physical, home, video}}",
    "v.profession == doctor",
    "v.profession != nurse",
    "v.provider == listed_at(v.patient, v.date)",
    "age(v.patient) >= {n}",
    "month(v.date) <= {m}",
    "v.mode == home",
    "v.date >= 2022-06-15 and year(v.date) == 2022",
    "v.profession in {{doctor, nurse}}",
    "v.mode in {{home, v.mode}}",  # a set that is not a literal: built per visit
    "count(Visit w where w.patient == v.patient within 30 days) >= 2",
    "exists(Visit w where w.patient == v.patient and w.profession == nurse within 10 days after)",
    "count(Visit w where w.patient == v.patient within fönster) >= 2",  # a duration in months
    "month_start(v.date) == 2022-03-01 or month_end(v.date) == v.date",
    "sum(listed_count(v.provider, d) for MonthEnd d within 1 month before v.date) > {n}",
]
VISIT_MONEY = [
    "fee(v.profession)",
    "fee(v.profession) * {f}",
    "doubled(fee(v.profession))",
    "fee(v.profession) + 10 kr",
    "if v.mode == home then 300 kr else fee(v.profession)",
    "strict_fee(v.profession)",  # only doctors and nurses: an error for other professions
    "dated_fee",  # 100 kr, from 2022-05-01 150 kr: read per distinct visit date
    "pick(fee(v.profession), 10 kr, v.mode == home)",
    "sum(5 kr for Visit w where w.patient == v.patient within 60 days)",
    "(100 % - andel) * fee(v.profession)",  # the complement of a percent is a percent
]


STAY_CONDITIONS = [
    "age(s.patient) >= {n}",
    "month(today) <= {m}",
    "(s.drg_weight otherwise 1) > {d}",
    "s.provider == listed_at(s.patient, today)",
]
STAY_RATES = [
    "if age(s.patient) >= 65 then 1000 kr/day else 800 kr/day",
    "1000 kr/day * (s.drg_weight otherwise 1)",
    "1000 kr/day * s.drg_weight",  # none for stays without a DRG weight: an error
    "900 kr/day",
    "if s.provider == listed_at(s.patient, today) then 900 kr/day else 700 kr/day",
]


@st.composite
def stays(draw, records: list[dict]) -> list[dict]:
    """Hospital stays (spans) of the generated patients at the generated providers."""
    patients = [r["id"] for r in records if r["type"] == "patient"]
    providers = [r["id"] for r in records if r["type"] == "provider"]
    out = []
    for k in range(draw(st.integers(0, 4))):
        start = draw(st.dates(dt.date(2021, 12, 20), dt.date(2022, 12, 31)))
        end = start + dt.timedelta(days=draw(st.integers(0, 40)))
        record = {
            "type": "stay",
            "id": f"S{k}",
            "patient": draw(st.sampled_from(patients)),
            "provider": draw(st.sampled_from(providers)),
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        if draw(st.booleans()):
            record["drg_weight"] = draw(st.sampled_from(["0.5", "1.25", "2"]))
        out.append(record)
    return out


@st.composite
def conditions(draw, forms: list[str], depth: int = 2):
    """A condition built from `forms` with `and`, `or`, `not` (a few levels deep)."""
    kind = draw(st.integers(0, 4 if depth > 0 else 0))
    if kind == 0 or depth == 0:
        form = draw(st.sampled_from(forms))
        return form.format(
            n=draw(st.sampled_from([6, 65, 75, 80])),
            d=draw(st.sampled_from(["0.5", "1", "1.25"])),
            m=draw(st.integers(1, 12)),
        )
    if kind == 1:
        return f"not ({draw(conditions(forms, depth - 1))})"
    op = "and" if kind in (2, 3) else "or"
    return f"({draw(conditions(forms, depth - 1))}) {op} ({draw(conditions(forms, depth - 1))})"


@st.composite
def rates(draw, depth: int = 1):
    """A money-per-year amount for a listed patient month."""
    kind = draw(st.integers(0, 3 if depth > 0 else 0))
    if kind == 0 or depth == 0:
        return draw(st.sampled_from(LISTED_RATES))
    if kind == 1:
        return f"({draw(rates(depth - 1))}) + ({draw(rates(depth - 1))})"
    if kind == 2:
        cond = draw(conditions(LISTED_CONDITIONS, 1))
        return f"if {cond} then {draw(rates(depth - 1))} else {draw(rates(depth - 1))}"
    return f"({draw(rates(depth - 1))}) * {draw(st.sampled_from(['2', '0.5', '1.25']))}"


@st.composite
def visit_money(draw):
    form = draw(st.sampled_from(VISIT_MONEY))
    return form.format(f=draw(st.sampled_from(["2", "0.5", "1.5"])))


def _weights(draw, forms: list[str]) -> str:
    clauses = []
    for _ in range(draw(st.integers(0, 2))):
        factor = draw(st.sampled_from(["1.5", "2", "0.75"]))
        clauses.append(f"  weight {factor} when {draw(conditions(forms, 1))}")
    return "\n".join(clauses)


@st.composite
def contracts(draw) -> str:
    listed_where = draw(st.none() | conditions(LISTED_CONDITIONS))
    visit_where = draw(st.none() | conditions(VISIT_CONDITIONS))
    cap_where = draw(conditions(VISIT_CONDITIONS, 1))
    population = draw(conditions(LISTED_CONDITIONS, 1))
    numerator = draw(conditions(LISTED_CONDITIONS, 1))
    stay_where = draw(st.none() | conditions(STAY_CONDITIONS, 1))
    body = f"""
use stdlib "functions/listing"

param age_rate = table of int {{
  0 to 5      -> 390 kr/year
  6 to 64     -> 310 kr/year
  65 to 74    -> 1117 kr/year
  75 and over -> 1217.50 kr/year
}}
param young_rate = table of int {{
  0 to 64 -> 100 kr/year
}}
param cni_rate: money per year = 410 kr/year
param fee = table of Profession {{
  doctor -> 250 kr
  nurse  -> 125.50 kr
  else   -> 99.99 kr
}}
param strict_fee = table of Profession {{
  doctor -> 250 kr
  nurse  -> 125.50 kr
}}

param dated_cni: money per year = dated {{
  from 2021-01-01 -> 300 kr/year
  from 2022-07-01 -> 333.33 kr/year
}}
param dated_age = dated {{
  from 2021-01-01 -> table of int {{
    0 to 64     -> 100 kr/year
    65 and over -> 200 kr/year
  }}
  from 2022-04-01 -> table of int {{
    0 to 64     -> 110 kr/year
    65 and over -> 220.50 kr/year
  }}
}}
param mixed_rate = table of int {{
  0 to 64     -> cni_rate * 2
  65 and over -> 500 kr/year
}}
param dated_fee: money = dated {{
  from 2021-01-01 -> 100 kr
  from 2022-05-01 -> 150 kr
}}

function doubled(x: money): money = x * 2
function pick(a: money, b: money, c: bool): money = if c then a else b
function boost(r: decimal): decimal = if r > 1 then r * 2 else r

payment "Listning" {{
  kind   fixed
  per    listed patient p at q each month{"" if listed_where is None else " where " + listed_where}
  amount {draw(rates())}
{_weights(draw, LISTED_CONDITIONS)}
}}

payment "Besök" {{
  kind   variable
  per    Visit v{"" if visit_where is None else " where " + visit_where}
  amount {draw(visit_money())}
{_weights(draw, VISIT_CONDITIONS)}
}}

payment "Vårddag" {{
  kind   variable
  per    Stay s each day{"" if stay_where is None else " where " + stay_where}
  amount {draw(st.sampled_from(STAY_RATES))}
}}

param valfri: money?
param kva_avgift = table of code kva {{
  "NFB49"      -> 56300 kr
  "NFB*"       -> 40000 kr
  "NGB*"       -> 30000.50 kr
  "NH" to "NJ" -> 100 kr
}}

payment "Åtgärd" {{
  kind   variable
  per    Procedure r
  amount kva_avgift(r.code)  # "QDG" has no band: a run-time error
}}

bundle "Paket" {{
  trigger  Procedure op where op.code in {{"NFB49", "NGB19", "NHA09"}}
  price    5000 kr
  includes {{
    Stay x  within 20 days after  {draw(st.sampled_from(["", "at most 1", "at most 3 days", "at most 15 days"]))}
    Visit x within 10 days after  at most 1
  }}
}}
param andel: percent = 12.5 %
param fönster: duration in months = 2 months

payment "Valfri" {{
  kind   variable
  per    Visit v where v.mode == home
  amount valfri + fee(v.profession)
}}

payment "Per månad" {{
  kind   fixed
  per    provider q each month
  amount 10 kr * count(Stay s where s.provider == q) + 1 kr * listed_count(q, today)
}}

cap "Tak" for provider q each year {{
  applies to "Besök" v where {cap_where}
  measure    count(Visit v where v.provider == q and listed_at(v.patient, v.date) == q)
             / average_listed(q)
  limit      1
  above      reduce 33 % of excess
}}

indicator "Besökt" for provider q {{
  population listed patients p at q where {population}
  numerator  {numerator}
}}

performance "Bonus" for provider q each year {{
  bonus      30 kr/year * average_listed(q)
  indicators {{
    "Besökt" linear 20 % to 80 %
  }}
}}

indicator "Rapporterad" reported

performance "Rapportbonus" for provider q each year {{
  {draw(st.sampled_from(["bonus 1000 kr", "penalty 500 kr"]))}
  {draw(st.sampled_from(["", "unreported excluded"]))}
  indicators {{
    "Rapporterad" {draw(st.sampled_from(SCORINGS))}
    "Besökt"      linear 20 % to 80 %  weight 2
  }}
}}

payment "Värde" {{
  kind   performance
  per    provider q each year where reported(q, "Rapporterad") or reported(q, "Besökt")
  amount 100 kr * (value(q, "Rapporterad") otherwise 5 %)
         + 10 kr * (rank(q, "Besökt") otherwise 0)
         + 1 kr * (region_mean("Rapporterad") otherwise 0 %)
}}
"""
    return contract(
        body, rounding=draw(st.sampled_from(["0.01 kr half_up per line", "1 kr down per unit"]))
    )


def _outcome(source: str, records: list[dict], batches: bool):
    """(statement JSON, band counts) or the error's words."""
    loaded = _load(source)
    path = _WORK / f"b{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    path.unlink()
    try:
        # The batch path against unit by unit (the columnar engine has its own
        # differential test, tests/interpreter/test_interp_columnar.py).
        statement = loaded.settle(
            data, "2022", keep_units=not batches, batches=batches, engine="reference"
        )
    except ErslError as error:
        return ("error", str(error))
    event(f"fallbacks: {len(statement.run.bulk_fallbacks)}" if batches else "reference")
    if statement.run.settler.episodes()[1].days:
        event("days of stays covered by a bundle")
    return ("statement", statement.to_json(), statement.run.bands_hit)


SCORINGS = ["linear 40 % to 90 %", "above 45 %", "at least 45 %", "if reported"]
"""Scorings of the reported indicator; 0.45 is among the generated values."""


@st.composite
def results(draw, records: list[dict]) -> list[dict]:
    """Reported results of the indicator "Rapporterad" for some providers (not all)."""
    out = []
    for record in records:
        if record["type"] == "provider" and draw(st.booleans()):
            value = draw(st.sampled_from(["0", "0.45", "0.7", "1"]))
            out.append(
                {
                    "type": "indicator_result",
                    "provider": record["id"],
                    "indicator": "Rapporterad",
                    "period": "2022",
                    "value": value,
                }
            )
    return out


CODES = ["NFB49", "NFB.62", "NGB19", "NHA09", "NJB00", "NFB49", "NGB19", "NHA09", "QDG"]
"""KVÅ codes of generated procedures: "QDG" (rare) has no band in `kva_avgift`."""


@st.composite
def procedures(draw, records: list[dict]) -> list[dict]:
    """Procedures with KVÅ codes (some match a code band, a prefix, a range, none), half
    of them a few days before a stay or visit of the same patient (so that the bundle's
    episodes cover stays, days of stays and visits)."""
    patients = [r["id"] for r in records if r["type"] == "patient"]
    providers = [r["id"] for r in records if r["type"] == "provider"]
    stays_ = [r for r in records if r["type"] == "stay"]
    visits = [r for r in records if r["type"] == "visit"]
    out = []
    for k in range(draw(st.integers(1, 4))):
        near = draw(st.sampled_from(["stay", "stay", "visit", "anywhere"]))
        near = stays_ if near == "stay" else visits if near == "visit" else []
        if near:
            other = draw(st.sampled_from(near))
            day = dt.date.fromisoformat(other.get("start") or other["date"])
            date = day - dt.timedelta(days=draw(st.integers(0, 5)))
            patient_id = other["patient"]
        else:
            date = draw(st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
            patient_id = draw(st.sampled_from(patients))
        out.append(
            {
                "type": "procedure",
                "id": f"R{k}",
                "patient": patient_id,
                "provider": draw(st.sampled_from(providers)),
                "date": date.isoformat(),
                "code": draw(st.sampled_from(CODES)),
            }
        )
    return out


@st.composite
def datasets_with_stays(draw) -> list[dict]:
    records = draw(datasets())
    records = records + draw(stays(records))
    return records + draw(results(records)) + draw(procedures(records))


@SETTINGS
@given(source=contracts(), records=datasets_with_stays())
def test_batches_settle_exactly_as_unit_by_unit(source, records):
    fast = _outcome(source, records, batches=True)
    event(fast[0])
    assert fast == _outcome(source, records, batches=False)


# ---------------------------------------------------------------- the real examples


@pytest.mark.parametrize("name", ["primary_care", "hospital", "hip_knee"])
def test_examples_settle_the_same_in_batches(name):
    folder = REPO / "examples" / name
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    args = PARAMS[name]  # the command-line parameters of tests/test_examples.py
    params = dict(value.split("=", 1) for value in args[1::2])
    period = "2022"
    fast = loaded.settle(data, period, params, keep_units=False, engine="reference")
    reference = loaded.settle(data, period, params, keep_units=True, batches=False)
    assert fast.to_json() == reference.to_json()
    assert fast.run.bands_hit == reference.run.bands_hit
    assert fast.run.bulk_fallbacks == []  # bundles, episodes, stays, caps: all batched


def test_the_primary_care_example_needs_no_unit_by_unit_fallback():
    """The benchmark's contract is settled wholly in batches (else the speed is lost)."""
    folder = REPO / "examples" / "primary_care"
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    statement = loaded.settle(
        data, "2022", {"visit_fee": str(folder / "fees.csv")}, keep_units=False
    )
    assert statement.run.bulk_fallbacks == []


# ---------------------------------------------------------------- errors found in a batch

RECORDS = [
    provider("VC1"),
    patient("P1", "1950-03-10"),
    patient("P2", "1990-01-01"),
    {"type": "patient_attribute", "patient": "P1", "from": "2000-01-01", "cni": "0"},
    {"type": "patient_attribute", "patient": "P2", "from": "2000-01-01", "cni": "1.5"},
    listing("P1", "VC1", "2020-01-01"),
    listing("P2", "VC1", "2020-01-01"),
    visit("V1", "P1", "VC1", "2022-03-01"),
]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # 1950-03-10 is 71 on 2022-01-01: young_rate has no band for 71
        ("young_rate(age(p))", "the table `young_rate` has no band for 71"),
        # P1's CNI is 0
        ("410 kr/year / p.cni", "division by zero: `p.cni` is 0"),
        # found by the property: the batch gives up after `mixed_rate` counted a band hit
        # that the redo must count again (it used to stop on a KeyError)
        ("mixed_rate(age(p)) + young_rate(age(p))", "the table `young_rate` has no band for 71"),
    ],
)
def test_an_error_in_a_batch_is_reported_as_unit_by_unit(amount, words):
    source = contract(
        f"""
param young_rate = table of int {{
  0 to 64 -> 100 kr/year
}}
param mixed_rate = table of int {{
  0 to 64     -> 2 * 100 kr/year
  65 and over -> 500 kr/year
}}
payment "L" {{
  kind   fixed
  per    listed patient p at q each month
  amount {amount}
}}
"""
    )
    fast, reference = (
        _outcome(source, RECORDS, batches=True),
        _outcome(source, RECORDS, batches=False),
    )
    assert fast == reference
    assert fast[0] == "error" and words in fast[1] and "patient P1 at VC1" in fast[1]


def test_a_none_condition_in_a_batch_is_reported_as_unit_by_unit():
    # P3 has no CNI at all: `p.cni > 1` is none for P3, an error naming the condition
    records = [*RECORDS, patient("P3", "1980-01-01"), listing("P3", "VC1", "2020-01-01")]
    source = contract(
        """
payment "L" {
  kind   fixed
  per    listed patient p at q each month where p.cni > 1
  amount 120 kr/year
}
"""
    )
    fast = _outcome(source, records, batches=True)
    assert fast == _outcome(source, records, batches=False)
    assert fast[0] == "error" and "p.cni" in fast[1]


# ---------------------------------------------------------------- column helpers

DATES = st.dates(dt.date(2021, 12, 1), dt.date(2022, 12, 31))


@settings(max_examples=30, deadline=None)
@given(records=datasets(), days=st.lists(DATES, min_size=1, max_size=8))
def test_column_lookups_equal_their_scalar_forms(records, days):
    path = _WORK / f"c{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    loaded = _load(contract(""))
    data = api.read_data([str(path)], loaded)
    path.unlink()
    people = [p for p in data.patients() for _ in days]
    on = [d for _ in data.patients() for d in days]
    assert data.listed_at_column(people, on) == [
        data.listed_at(p, d) for p, d in zip(people, on, strict=True)
    ]
    from ersl.data.records import attribute_column

    expected = [p.attribute("cni", d, None) for p, d in zip(people, on, strict=True)]
    assert attribute_column(people, "cni", on) == expected


def test_attribute_column_raises_for_a_missing_attribute():
    from ersl.data.records import MissingAttribute, attribute_column

    path = _WORK / f"c{next(_counter)}.jsonl"
    path.write_text(json.dumps(patient("P9")) + "\n", encoding="utf-8")
    loaded = _load(contract(""))
    data = api.read_data([str(path)], loaded)
    with pytest.raises(MissingAttribute):
        attribute_column(list(data.patients()), "cni", [dt.date(2022, 1, 1)])


def test_fraction_helpers_used_by_batches():
    from ersl.exact import exact_sum, products

    # 1/12 + 1/6 + 1/4 = 6/12 = 1/2; many values take the common-denominator path
    values = [Fraction(1, 12), Fraction(1, 6), Fraction(1, 4)] * 100
    assert exact_sum(values) == 50
    assert exact_sum([*values, 3]) == 53  # an int among them: the per-denominator path
    # 410/12 × 1.5 = 51.25; 2 × 3 = 6 stays an int
    assert products([Fraction(410, 12), 2], [Fraction(3, 2), 3]) == [Fraction(205, 4), 6]
    assert type(products([2], [3])[0]) is int


@pytest.mark.parametrize("name", ["primary_care", "hospital", "hip_knee"])
def test_explanations_are_the_same_when_units_are_priced_on_demand(name):
    """`ersl explain` settles in batches and prices the explained line's payment again
    unit by unit; every line's explanation equals the one from a run that kept units."""
    folder = REPO / "examples" / name
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    params = dict(value.split("=", 1) for value in PARAMS[name][1::2])
    fast = loaded.settle(data, "2022", params, keep_units=False, engine="reference")
    kept = loaded.settle(data, "2022", params, keep_units=True)
    # the fast run kept no units, so its explanations price them on demand
    assert any(draft.sources for draft in kept.explanations.values())
    assert not any(draft.sources for draft in fast.explanations.values())
    for line in kept.lines:
        expected = kept.explain(line.payee, line.name, line.period)
        assert fast.explain(line.payee, line.name, line.period) == expected
    assert fast.run.bands_hit == kept.run.bands_hit  # explaining counts no band twice


def test_the_stockholm_model_settles_the_same_in_batches_on_benchmark_data(tmp_path, monkeypatch):
    """The largest real model (Stockholm primary care 2016–2023: dated tables, caps,
    indicators) on the benchmark generator's data: identical statement, no fallback."""
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    from generate import generate

    data_path = tmp_path / "data.jsonl"
    data_path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(400, 2000)),
        encoding="utf-8",
    )
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "key,value\n"
        + "".join(
            f"{p},{fee}\n"
            for p, fee in [
                ("doctor", 400),
                ("nurse", 250),
                ("assistant_nurse", 200),
                ("psychosocial", 400),
                ("physiotherapist", 300),
                ("occupational_therapist", 300),
                ("dietitian", 250),
                ("other", 200),
            ]
        ),
        encoding="utf-8",
    )
    loaded = api.load(REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl")
    data = api.read_data([data_path], loaded)
    params = {"besöksersättning": str(fees)}
    fast = loaded.settle(data, "2022", params, engine="reference")
    reference = loaded.settle(data, "2022", params, keep_units=True, batches=False)
    assert fast.run.bulk_fallbacks == []
    assert fast.to_json() == reference.to_json()
    assert fast.run.bands_hit == reference.run.bands_hit
