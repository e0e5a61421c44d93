"""The columnar engine (`ersl/columnar`, `ersl/interpreter/engine.py`) against the
unit-by-unit interpreter, which stays the reference (issue 14).

The differential property generates contracts from every form the columnar compiler
compiles — listed-patient and per-visit payments with `where` conditions, bands of
int tables (some without a band for every key), dated parameters and tables, input
tables (`--param fee=fees.csv`), time-varying attributes, `otherwise`, `if`, `in`
sets, user functions, `age`/`age_in_year`/`year`/`month`, `listed_at`,
`count`/`exists`/`sum` over visits (within N days before or after, or the enclosing
period) and over listed patients, rates per
year, month and day, constant divisions, weights, `payee` clauses, `in` code sets (on sets of codes), a cap's `applies to …
where` and measure, an indicator's population and numerator — and settles
each twice: with `engine="columnar"` (as `ersl run --engine columnar` does) and one
unit at a time. The statements must be byte-identical and a run-time error the same
error with the same words. A payment whose query meets a unit the reference reports
(none, no band) goes the batch path, so the property also checks those hand-overs.

Band counts are not compared: the columnar engine does not count table bands
(coverage, which reads them, settles with kept units on the reference path).

`ERSL_COLUMNAR_EXAMPLES=2000 pytest tests/interpreter/test_interp_columnar.py` runs a
long search (CI runs 40 examples, a few seconds).
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, listing, patient, provider, visit
from test_examples import PARAMS
from test_interp_batches import conditions
from test_interp_properties import _WORK, _counter, _load, datasets

import ersl.api as api
from ersl.errors import ErslError

REPO = Path(__file__).resolve().parents[2]

SETTINGS = settings(
    max_examples=int(os.environ.get("ERSL_COLUMNAR_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LISTED_CONDITIONS = [
    "age(p) >= {n}",
    "age(p) < {n}",
    "(p.cni otherwise 0) > {d}",
    "p.cni <= {d}",  # none for a patient without a CNI: the batch path reports it
    "listed_at(p, today) == q",
    "listed_at(p, today) != q",
    "month(today) <= {m}",
    'p.sex == "F"',
    "age_in_year(p) >= {n}",
    "year(today) == 2022 and today >= 2022-06-01",
    "-(p.cni otherwise 0) < -1",
    "p.cni == none",
    "exists(Visit v where v.patient == p and v.mode in {{physical, video}} within 60 days)",
    "count(Visit v where v.patient == p within 90 days) >= 1",
    "count(listed patients r at q where age(r) >= 65) > 1",
    "count(Visit v where v.patient == p) >= 1",  # in the enclosing month
    "not exists(MonthEnd m where listed_count(q, m) >= 2 within 2 months before month_start(today) - 1 day)",
    "count(MonthEnd m within 1 months after today) == 1",
    "today < 2022-01-31 + ny_period - 7 months",
    "q.area in områden",
    "q.start_date != none and today < q.start_date + ny_period",
]
LISTED_RATES = [
    "age_rate(age(p))",
    "cni_rate * p.cni",
    "cni_rate * (p.cni otherwise 1)",
    "cni_rate * boost(p.cni otherwise 0)",
    "young_rate(age(p))",  # no band for 65 and over: an error for older patients
    "dated_cni * (p.cni otherwise 1)",  # a rate that changes on 2022-07-01
    "dated_age(age(p))",  # a table that changes on 2022-04-01
    "mixed_rate(age(p))",  # a band whose value is an expression
    "-cni_rate + 500 kr/year",
    "cni_rate / 3",
    "sum(100 kr/year for Visit v where v.patient == p within 30 days)",
    "100 kr/year * count(Visit v where v.patient == p and v.profession == doctor within 90 days)",
    "cni_rate * 2 / -7",
]
OTHER_RATES = [
    "if listed_at(p, today) == q then 10 kr/month else 1 kr/month",
    "12.5 kr/day",  # × the days of the month
    "(12.5 kr/day) * (p.cni otherwise 2)",
]
"""Rates per month and per day (not added to the rates per year)."""
VISIT_CONDITIONS = [
    "v.mode in {{physical, home, video}}",
    "v.mode not in {{phone}}",
    "v.profession == doctor",
    "v.profession != nurse",
    "v.provider == listed_at(v.patient, v.date)",
    "age(v.patient) >= {n}",
    "month(v.date) <= {m}",
    "v.mode == home",
    "v.date >= 2022-06-15 and year(v.date) == 2022",
    "v.profession in {{doctor, nurse}}",
    "(v.patient.cni otherwise 1) >= {d}",
    "count(Visit w where w.patient == v.patient within 30 days) >= 2",
    "exists(Visit w where w.patient == v.patient and w.profession == nurse within 10 days after)",
    "count(Visit w where w.patient == v.patient and w.provider == v.provider) >= 2",
    "v.diagnoses in hjärta",
    "v.diagnoses not in hjärta",
    "v.provider.start_date != none and v.date < v.provider.start_date + ny_period",
    "v.date >= month_start(v.date) + karens",
    "v.date - 1 months < 2022-05-31",
    "month_end(v.date) - karens > v.date",
    "size(v.team) >= 2",
    "size(v.diagnoses) == 1",
    "v.provider.area in områden",
    "v.provider.area not in områden",
    "v.profession in yrken",
    "not exists(MonthEnd m where listed_count(v.provider, m) >= 2 within 2 months before month_start(v.date) - 1 day)",
    "count(MonthStart m within 40 days before v.date) >= 2",
    "exists(Visit w where w.patient == v.patient and w.mode != v.mode within v.date - 2022-03-01 before v.date)",
    "count(Visit w where w.patient == v.patient within karens) >= 2",
    "count(Visit w where w.patient == v.patient within ny_period after) >= 2",
]
VISIT_MONEY = [
    "fee(v.profession)",
    "fee(v.profession) * {f}",
    "doubled(fee(v.profession))",
    "fee(v.profession) + 10 kr",
    "if v.mode == home then 300 kr else fee(v.profession)",
    "strict_fee(v.profession)",  # only doctors and nurses: an error for the others
    "dated_fee",  # 100 kr, from 2022-05-01 150 kr
    "pick(fee(v.profession), 10 kr, v.mode == home)",
    "(100 % - andel) * fee(v.profession)",
    "fee(v.profession) / 3",
    "input_fee(v.profession)",  # an input table (CSV) without a row for `other`
    "input_fee(v.profession) * (v.patient.cni otherwise 1)",
    "sum(5 kr for Visit w where w.patient == v.patient within 60 days)",
]
PAYEES = ["", "  payee listed_at(v.patient, v.date)", "  payee v.provider"]


@st.composite
def rates(draw, depth: int = 1):
    """A money-per-period amount for a listed patient month."""
    kind = draw(st.integers(0, 3 if depth > 0 else 0))
    if kind == 0:
        return draw(st.sampled_from(LISTED_RATES))
    if kind == 1:
        left, right = draw(rates(depth - 1)), draw(rates(depth - 1))
        return f"({left}) + ({right})"
    if kind == 2:
        cond = draw(conditions(LISTED_CONDITIONS, 1))
        return f"if {cond} then {draw(rates(depth - 1))} else {draw(rates(depth - 1))}"
    return f"({draw(rates(depth - 1))}) * {draw(st.sampled_from(['2', '0.5', '1.25']))}"


def _weights(draw, forms: list[str]) -> str:
    clauses = []
    for _ in range(draw(st.integers(0, 2))):
        factor = draw(st.sampled_from(["1.5", "2", "0.75"]))
        clauses.append(f"  weight {factor} when {draw(conditions(forms, 1))}")
    return "\n".join(clauses)


CAP = """
cap "Tak" for provider q each year {
  applies to "Besök" v where WHERE
  measure    count(Visit v where v.provider == q) / average_listed(q)
  limit      1
  above      reduce 33 % of excess
}
"""
"""A cap on the visit payment: its A read from the columnar engine's totals per day."""

INDICATOR = """
indicator "Besökt" for provider q {
  population listed patients p at q where POPULATION
  numerator  NUMERATOR
}

performance "Bonus" for provider q each year {
  bonus      30 kr/year * average_listed(q)
  indicators {
    "Besökt" linear 20 % to 80 %
  }
}
"""
"""An indicator and its bonus: population and numerator counted by the columnar engine."""

DIAGNOSES = ["I12.9", "i151", "E11.5", "J45", "J45.1", "Z00", "I16"]

DECLARATIONS = """codeset hjärta: icd10 { "I10".."I15", "E11*", "J45.1" }

param age_rate = table of int {
  0 to 5      -> 390 kr/year
  6 to 64     -> 310 kr/year
  65 to 74    -> 1117 kr/year
  75 and over -> 1217.50 kr/year
}
param young_rate = table of int {
  0 to 64 -> 100 kr/year
}
param cni_rate: money per year = 410 kr/year
param fee = table of Profession {
  doctor -> 250 kr
  nurse  -> 125.50 kr
  else   -> 99.99 kr
}
param strict_fee = table of Profession {
  doctor -> 250 kr
  nurse  -> 125.50 kr
}
param input_fee: table of Profession -> money
param dated_cni: money per year = dated {
  from 2021-01-01 -> 300 kr/year
  from 2022-07-01 -> 333.33 kr/year
}
param dated_age = dated {
  from 2021-01-01 -> table of int {
    0 to 64     -> 100 kr/year
    65 and over -> 200 kr/year
  }
  from 2022-04-01 -> table of int {
    0 to 64     -> 110 kr/year
    65 and over -> 220.50 kr/year
  }
}
param mixed_rate = table of int {
  0 to 64     -> cni_rate * 2
  65 and over -> 500 kr/year
}
param dated_fee: money = dated {
  from 2021-01-01 -> 100 kr
  from 2022-05-01 -> 150 kr
}
param andel: percent = 12.5 %
param ny_period: duration in months = 12 months
param karens: duration in days = 10 days
param områden: set of text = {"Nacka", "Solna"}
param yrken: set of Profession = {doctor, psychosocial}

function doubled(x: money): money = x * 2
function pick(a: money, b: money, c: bool): money = if c then a else b
function boost(r: decimal): decimal = if r > 1 then r * 2 else r

"""
"""The parameters and functions of the generated contracts."""


@st.composite
def contracts(draw) -> str:
    listed_where = draw(st.none() | conditions(LISTED_CONDITIONS))
    visit_where = draw(st.none() | conditions(VISIT_CONDITIONS))
    money = draw(st.sampled_from(VISIT_MONEY)).format(f=draw(st.sampled_from(["2", "0.5"])))
    indicator = INDICATOR.replace("POPULATION", draw(conditions(LISTED_CONDITIONS, 1)))
    indicator = indicator.replace("NUMERATOR", draw(conditions(LISTED_CONDITIONS, 1)))
    body = f"""
use stdlib "functions/listing"

{DECLARATIONS}
payment "Listning" {{
  kind   fixed
  per    listed patient p at q each month{"" if listed_where is None else " where " + listed_where}
  amount {draw(rates() | st.sampled_from(OTHER_RATES))}
{_weights(draw, LISTED_CONDITIONS)}
}}

payment "Besök" {{
  kind   variable
  per    Visit v{"" if visit_where is None else " where " + visit_where}
  amount {money}
{_weights(draw, VISIT_CONDITIONS)}
{draw(st.sampled_from(PAYEES))}
}}
{draw(st.sampled_from(["", CAP.replace("WHERE", draw(conditions(VISIT_CONDITIONS, 1)))]))}
{draw(st.sampled_from(["", indicator]))}
"""
    return contract(
        body, rounding=draw(st.sampled_from(["0.01 kr half_up per line", "1 kr down per unit"]))
    )


def _fees_csv() -> str:
    path = _WORK / f"fees{next(_counter)}.csv"
    path.write_text("key,value\ndoctor,400\nnurse,250.50\npsychosocial,33.333\n", encoding="utf-8")
    return str(path)


def settled(source: str, records: list[dict], engine: str | None, params=None):
    """(the statement JSON or the error's words, the engine's report); `engine` None
    is the unit-by-unit reference."""
    loaded = _load(source)
    path = _WORK / f"col{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    path.unlink()
    try:
        if engine is None:
            statement = loaded.settle(data, "2022", params, keep_units=True, batches=False)
        else:
            statement = loaded.settle(data, "2022", params, engine=engine)
    except ErslError as error:
        return ("error", str(error)), {}
    return ("statement", statement.to_json()), statement.run.engine_report


def outcome(source: str, records: list[dict], engine: str | None, params=None):
    """`settled`'s statement or error, the engine's report as Hypothesis events."""
    found, report = settled(source, records, engine, params)
    for name, how in sorted(report.items()):
        event(f"{name}: {how.split(':')[0]}")
    return found


@st.composite
def datasets_with_diagnoses(draw) -> list[dict]:
    """The generated records, visits with ICD-10 diagnoses (in and out of `hjärta`)."""
    records = draw(datasets())
    for record in records:
        if record["type"] == "visit":
            record["diagnoses"] = draw(st.lists(st.sampled_from(DIAGNOSES), max_size=2))
            record["team"] = draw(st.lists(st.sampled_from(["doctor", "nurse"]), max_size=2))
        if record["type"] == "provider":
            record["area"] = draw(st.sampled_from([None, "Nacka", "Täby"]))
            record["start_date"] = draw(st.sampled_from([None, "2021-03-31", "2021-11-15"]))
    return records


@SETTINGS
@given(source=contracts(), records=datasets_with_diagnoses())
def test_the_columnar_engine_settles_exactly_as_unit_by_unit(source, records):
    params = {"input_fee": _fees_csv()}
    fast = outcome(source, records, "columnar", params)
    event(fast[0])
    assert fast == outcome(source, records, None, params)


# ---------------------------------------------------------------- every form compiles

RECORDS = [
    provider("VC1"),
    provider("VC2"),
    patient("P1", "1950-03-10"),
    patient("P2", "2000-02-29"),
    {"type": "patient_attribute", "patient": "P1", "from": "2000-01-01", "cni": "1.25"},
    {"type": "patient_attribute", "patient": "P2", "from": "2000-01-01", "cni": "0.5"},
    {"type": "patient_attribute", "patient": "P2", "from": "2022-05-17", "cni": "2.125"},
    listing("P1", "VC1", "2020-01-01"),
    listing("P2", "VC1", "2020-01-01", "2022-06-10"),
    listing("P2", "VC2", "2022-06-20"),
    visit("V1", "P1", "VC1", "2022-03-01"),
    visit("V2", "P2", "VC1", "2022-03-02", profession="nurse", mode="home"),
    visit("V3", "P2", "VC2", "2022-08-02", profession="psychosocial"),
]


def _compiled(source: str) -> dict:
    """The columnar engine's report after checking its statement against the reference."""
    loaded = _load(source)
    path = _WORK / f"col{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    params = {"input_fee": _fees_csv()}
    fast = loaded.settle(data, "2022", params, engine="columnar")
    reference = loaded.settle(data, "2022", params, keep_units=True, batches=False)
    assert fast.to_json() == reference.to_json()
    return fast.run.engine_report


def _listed(amount: str, where: str | None = None) -> str:
    return contract(
        f"""
use stdlib "functions/listing"
{DECLARATIONS}
payment "Listning" {{
  kind   fixed
  per    listed patient p at q each month{"" if where is None else " where " + where}
  amount {amount}
}}
"""
    )


@pytest.mark.parametrize("amount", [r for r in LISTED_RATES + OTHER_RATES if "young" not in r])
def test_every_listed_rate_compiles(amount):
    # P1 has a CNI throughout, so `cni_rate * p.cni` is never none here
    assert _compiled(_listed(amount)) == {"Listning": "columnar"}


@pytest.mark.parametrize("where", [c for c in LISTED_CONDITIONS if "p.cni <=" not in c])
def test_every_listed_condition_compiles(where):
    source = _listed("age_rate(age(p))", where.format(n=65, d="1", m=6))
    assert _compiled(source) == {"Listning": "columnar"}


def _visits(amount: str, where: str | None = None, payee: str = "") -> str:
    return contract(
        f"""
use stdlib "functions/listing"
{DECLARATIONS}
payment "Besök" {{
  kind   variable
  per    Visit v{"" if where is None else " where " + where}
  amount {amount}
  weight 1.5 when age(v.patient) >= 65
{payee}
}}
"""
    )


@pytest.mark.parametrize(
    "amount", [m.format(f="2") for m in VISIT_MONEY if "strict" not in m and "input" not in m]
)
def test_every_visit_amount_compiles(amount):
    assert _compiled(_visits(amount)) == {"Besök": "columnar"}


@pytest.mark.parametrize("where", VISIT_CONDITIONS)
def test_every_visit_condition_compiles(where):
    source = _visits("fee(v.profession)", where.format(n=65, d="1", m=6))
    assert _compiled(source) == {"Besök": "columnar"}


def test_a_none_the_reference_never_reads_is_not_a_problem():
    # V3 is a psychosocial visit: `strict_fee` has no band for it, but the reference
    # never looks it up (`and` stops at the first false), and neither do the checks
    where = "v.profession == doctor and strict_fee(v.profession) > 100 kr"
    assert _compiled(_visits("fee(v.profession)", where)) == {"Besök": "columnar"}


def test_an_overflow_sends_the_payment_to_the_batch_path():
    # 250 kr × 10^29 × 10^8 = 2.5 × 10^39 overflows DuckDB's 128-bit integers (about
    # 1.7 × 10^38; each factor within ERSL's 30-digit bound): the batch path computes it
    # exactly with Python integers
    big = "100000000000000000000000000000 * 100000000"  # 10^29 × 10^8
    report = _compiled(_visits(f"fee(v.profession) * {big}"))
    assert report["Besök"].startswith("batch path: DuckDB: ")
    assert "Overflow" in report["Besök"] or "overflow" in report["Besök"]


def _settled(source: str) -> list:
    """The columnar statement's lines for `RECORDS` (checked against the reference)."""
    report = _compiled(source)
    assert set(report.values()) == {"columnar"}, report
    loaded = _load(source)
    path = _WORK / f"col{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    return loaded.settle(data, "2022", {"input_fee": _fees_csv()}, engine="columnar").lines


def test_an_aggregate_over_month_ends_compiles():
    # `MonthEnd m` is a built-in collection of dates (once looked up as a record type,
    # a crash; then the batch path). VC1 has P1 all year and P2 until 2022-06-10: 2
    # listed at each month's end up to May, 1 from June. Month M is paid unless a month
    # end in [end of M-1 − 2 months, end of M-1] had 2 listed: August's window
    # 05-31..07-31 holds 05-31 (2): unpaid; September's 06-30..08-31: paid. VC1 is paid
    # for P1 in Sep–Dec: 4 months × 120 kr/year ÷ 12 = 40 kr.
    where = (
        'q.id == "VC1" and not exists(MonthEnd m where listed_count(q, m) >= 2'
        " within 2 months before month_start(today) - 1 day)"
    )
    lines = _settled(_listed("120 kr/year", where))
    assert sum(line.amount for line in lines if line.payee == "VC1") == 40


def test_dates_moved_by_durations_sets_and_sizes_compile():
    # VC1 opened 2021-11-15 (the provider's `start_date`): `start_date + 12 months` is
    # 2022-11-15, so V1 (2022-03-01) and V2 (2022-03-02) fall within it; V2's clinic
    # is in `områden` and its team has two members; V3 is at VC2 (no start date).
    # Both are paid — V1 as a doctor's visit, V2 as a team of two: 250 kr × 1.5 (P1
    # aged 71) + 125.50 kr = 500.50 kr for VC1 — and `karens` (10 days) leaves them in:
    # 2022-03-31 − 10 days = 2022-03-21 > 2022-03-02.
    global RECORDS
    saved = RECORDS
    RECORDS = [
        {**r, "start_date": "2021-11-15", "area": "Solna"} if r.get("id") == "VC1" else r
        for r in saved
    ]
    RECORDS = [{**r, "team": ["doctor", "nurse"]} if r.get("id") == "V2" else r for r in RECORDS]
    try:
        where = (
            "v.provider.start_date != none and v.date < v.provider.start_date + ny_period"
            " and v.provider.area in områden and v.date < month_end(v.date) - karens"
            " and (size(v.team) >= 2 or v.profession == doctor)"
        )
        lines = _settled(_visits("fee(v.profession)", where))
    finally:
        RECORDS = saved
    assert [(line.payee, line.amount) for line in lines if line.amount] == [
        ("VC1", Fraction("500.50"))
    ]


def test_a_cap_reads_its_total_from_the_columnar_engine():
    # VC1's visits: V1 (doctor, P1 aged 71: 250 × 1.5 = 375 kr), V2 (nurse, home, P2:
    # 125.50 kr); VC2's V3 (psychosocial, 99.99 kr). A = the doctors' visits only.
    cap = CAP.replace("WHERE", "v.profession == doctor")
    source = _visits("fee(v.profession)") + cap
    report = _compiled(source)
    assert report == {"Besök": "columnar", "cap Tak": "measure: columnar"}
    loaded = _load(source)
    path = _WORK / f"col{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    statement = loaded.settle(data, "2022", {"input_fee": _fees_csv()}, engine="columnar")
    caps = [line for line in statement.lines if line.name == "Tak"]
    # VC1: 2 visits / average listed (P1 all year: 1, P2 Jan–Jun: 6/12) = 2 / 1.5 = 4/3;
    # deduction 33 % × 375 × (4/3 − 1) / (4/3) = 0.33 × 375 × 1/4 = 30.9375 → -30.94
    assert [(c.payee, c.amount) for c in caps][0] == ("VC1", Fraction("-30.94"))


def test_a_cap_where_that_may_meet_a_none_is_checked_on_the_units_rows():
    # `v.patient.cni` may have no value in force: the check is a column of the units'
    # rows, so the cap's A is still read from the columnar engine (no `units:` entry).
    # V1: P1's CNI 1.25 > 1 (in A); V2: P2's 0.5 (not); V3 at VC2: P2's 2.125 (in A).
    cap = CAP.replace("WHERE", "v.patient.cni > 1")
    report = _compiled(_visits("fee(v.profession)") + cap)
    assert report == {"Besök": "columnar", "cap Tak": "measure: columnar"}


def test_a_cap_where_meeting_a_none_gives_the_reference_error():
    # Without P2's first attribute record, V2 (a nurse's, 2022-03-02) meets no CNI in
    # force: the columnar check sends the cap's units to the reference path, which
    # reports the cap's `where` (E0903).
    cap = CAP.replace("WHERE", "v.profession == nurse and v.patient.cni > 1")
    source = _visits("fee(v.profession)") + cap
    records = [r for r in RECORDS if r.get("from") != "2000-01-01" or r["patient"] != "P2"]
    params = {"input_fee": _fees_csv()}
    fast = outcome(source, records, "columnar", params)
    assert fast == outcome(source, records, None, params)
    assert fast[0] == "error" and 'error[E0903]: cap "Tak", for provider VC1' in fast[1]
    assert "`v.patient.cni`" in fast[1]


def test_a_payee_that_may_be_none_is_checked():
    # V3's patient P2 is listed at VC2 on 2022-08-02: every visit has a listing clinic
    payee = "  payee listed_at(v.patient, v.date)"
    assert _compiled(_visits("fee(v.profession)", None, payee)) == {"Besök": "columnar"}


# ---------------------------------------------------------------- the real examples


@pytest.mark.parametrize("name", ["primary_care", "hospital", "hip_knee"])
def test_examples_settle_the_same_with_the_columnar_engine(name):
    folder = REPO / "examples" / name
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    params = dict(value.split("=", 1) for value in PARAMS[name][1::2])
    fast = loaded.settle(data, "2022", params, engine="columnar")
    reference = loaded.settle(data, "2022", params, keep_units=True, batches=False)
    assert fast.to_json() == reference.to_json()


def test_an_indicator_is_counted_by_the_columnar_engine():
    # 2022: on 2022-12-31 VC1 lists P1 only (P2 moved to VC2 in June), P1 is 72: the
    # population "age 65 and over" is {P1} at VC1 and {} at VC2; the numerator (a CNI
    # over 1: P1's is 1.25) holds for P1, so VC1's result is 1/1 and VC2 has none.
    indicator = INDICATOR.replace("POPULATION", "age(p) >= 65").replace(
        "NUMERATOR", "(p.cni otherwise 0) > 1"
    )
    report = _compiled(_listed("age_rate(age(p))") + indicator)
    assert report["indicator Besökt"] == "columnar"
    loaded = _load(_listed("age_rate(age(p))") + indicator)
    path = _WORK / f"col{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    data = api.read_data([str(path)], loaded)
    statement = loaded.settle(data, "2022", {"input_fee": _fees_csv()}, engine="columnar")
    bonus = [(line.payee, line.amount) for line in statement.lines if line.name == "Bonus"]
    # VC1: attainment of 100 % on 20 %..80 % is 1; 30 kr/year × average listed
    # (P1 12 months + P2 Jan–Jun 6 months = 18/12 = 1.5) = 45 kr
    assert bonus == [("VC1", Fraction(45))]


# ---------------------------------------------------------------- the command line


def test_ersl_run_engine_columnar_verbose_says_what_ran_where(capsys):
    from ersl.cli import main

    folder = REPO / "examples" / "primary_care"
    args = ["run", str(folder / "contract.ersl"), "--data", str(folder / "data.jsonl")]
    args += [*PARAMS["primary_care"], "--format", "csv"]
    assert main([*args, "--engine", "columnar", "--verbose"]) == 0
    columnar = capsys.readouterr()
    assert main(args) == 0
    reference = capsys.readouterr()
    assert columnar.out == reference.out
    assert columnar.err.splitlines() == [
        "engine: columnar",
        "data: DuckDB tables straight from the files; read as records: Provider",
        "  Listningsersättning ålder: columnar",
        "  Listningsersättning CNI: columnar",
        "  Listningsersättning ACG: columnar",
        "  Besöksersättning: columnar",
        "  cap Besökstak läkare: measure: columnar",
        "  indicator 113 Blodtryck – ischemisk hjärtsjukdom: columnar",
        "  performance Kvalitetsersättning: bonus: columnar",
    ]
    assert reference.err == ""


def test_ersl_run_verbose_names_the_batch_path_and_its_reason(capsys, tmp_path):
    from interp_helpers import run_cli, stay

    # a payment per episode of a bundle is left to the batch path (few rows)
    source = contract(
        """
bundle "Paket" {
  trigger  Stay s
  price    100 kr
}
payment "Per episod" {
  kind   variable
  per    episode e of "Paket"
  amount 10 kr
}
"""
    )
    records = [provider("VC1"), patient("P1"), stay("S1", "P1", "VC1", "2022-02-01", "2022-02-03")]
    code, _, err = run_cli(capsys, tmp_path, source, records, extra=["--engine", "columnar", "-v"])
    assert code == 0
    assert err.splitlines()[0] == "engine: columnar"
    assert "  Per episod: batch path: the basis EpisodeBasis has no columnar form" in err
    code, _, err = run_cli(capsys, tmp_path, source, records, extra=["--engine", "reference", "-v"])
    assert err.splitlines()[:2] == ["engine: reference", "  Per episod: batch path"]


def test_an_unknown_engine_is_a_usage_error():
    folder = REPO / "examples" / "primary_care"
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    with pytest.raises(ErslError) as raised:
        loaded.settle(data, "2022", dict([PARAMS["primary_care"][1].split("=", 1)]), engine="x")
    assert "E0909" in str(raised.value) and "`x` is not an engine" in str(raised.value)


@pytest.mark.parametrize("name", ["primary_care", "hospital", "hip_knee"])
def test_explanations_of_a_columnar_run_price_on_the_reference_path(name):
    """`ersl explain --engine columnar`: a line settled by the columnar engine has no
    units; explaining it prices its payment again unit by unit, so every explanation
    equals the one from a run that kept its units."""
    folder = REPO / "examples" / name
    loaded = api.load(folder / "contract.ersl")
    data = api.read_data([folder / "data.jsonl"], loaded)
    params = dict(value.split("=", 1) for value in PARAMS[name][1::2])
    fast = loaded.settle(data, "2022", params, engine="columnar")
    kept = loaded.settle(data, "2022", params, keep_units=True)
    for line in kept.lines:
        expected = kept.explain(line.payee, line.name, line.period)
        assert fast.explain(line.payee, line.name, line.period) == expected
