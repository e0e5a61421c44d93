"""Span bases and bundle coverage in the columnar engine (`ersl/columnar/spans.py`,
`ersl/columnar/bundles.py`, the bridge in `ersl/interpreter/engine.py`) against the
unit-by-unit interpreter, which stays the reference (issue 14).

The differential property generates contracts with span bases — `Stay s each day`
(rates per day; conditions on the day), `Enrolment e each month`
(enrolments without an end among them) — per-event payments on events and on a span
type (`Stay s`, priced with `days(s.end - s.start)`), with and without a `payee`
clause, and a bundle whose episodes cover visits, stays (whole, or their first days
with `at most N days`) and, under a warranty (extended when a drug was given),
procedures; data with stays crossing months and the year's ends, one-day stays,
procedures next to stays and visits. Each is settled with `engine="columnar"` and
one unit at a time: the statements must be byte-identical, a run-time error the same
error with the same words. The contracts of the batches' own property
(`test_interp_batches.contracts`) are also settled on both engines.

`ERSL_COLUMNAR_EXAMPLES=2000 pytest tests/interpreter/test_interp_columnar_bundles.py`
runs a long search (CI runs 30 examples, a few seconds).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, patient, provider, stay, visit
from test_interp_batches import conditions, datasets_with_stays, procedures, stays
from test_interp_batches import contracts as batch_contracts
from test_interp_properties import _WORK, _counter, _load, datasets

import ersl.api as api
from ersl.errors import ErslError

REPO = Path(__file__).resolve().parents[2]

SETTINGS = settings(
    max_examples=int(os.environ.get("ERSL_COLUMNAR_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

STAY_DAY_CONDITIONS = [
    "age(s.patient) >= {n}",
    "month(today) <= {m}",
    "today >= 2022-03-15",
    "(s.drg_weight otherwise 1) > {d}",
    "s.provider == listed_at(s.patient, today)",
    "today > s.start",  # not the day of admission
]
STAY_DAY_RATES = [
    "900 kr/day",
    "if age(s.patient) >= 65 then 1000 kr/day else 800 kr/day",
    "1000 kr/day * (s.drg_weight otherwise 1)",
    "1000 kr/day * s.drg_weight",  # none without a DRG weight: an error
    "if s.provider == listed_at(s.patient, today) then 900 kr/day else 700 kr/day",
]
ENROLMENT_CONDITIONS = [
    "age(e.patient) >= {n}",
    "month(today) >= {m}",
    "e.provider == listed_at(e.patient, today)",
    "e.start < today",  # not the month it began on its first
]
ENROLMENT_RATES = [
    "3000 kr/month",
    "12000 kr/year",
    "100 kr/day",  # × the days of the month
    "if age(e.patient) >= 65 then 5000 kr/month else 2000 kr/month",
]
STAY_MONEY = [
    "3000 kr * days(s.end - s.start)",
    "3000 kr * (days(s.end - s.start) + 1)",
    "100 kr * days(30 days) + 1 kr",
    "if days(s.end - s.start) > 3 then 10000 kr else 2500.50 kr",
]
VISIT_MONEY = ["1500 kr", "if v.profession == doctor then 1500 kr else 700.25 kr"]
PAYEES = ["", "  payee listed_at(v.patient, v.date) otherwise v.provider"]
TRIGGERS = [
    "op.code in ledplastik",
    'op.code in {"NFB49", "NGB19"}',
    "age(op.patient) >= 40",
]


def _where(clause: str | None) -> str:
    return "" if clause is None else f" where {clause}"


@st.composite
def contracts(draw) -> str:
    """A contract with span bases, per-event payments and a bundle covering them."""
    fill = {"n": draw(st.sampled_from([40, 65])), "m": draw(st.integers(2, 11)), "d": "1"}
    stay_where = draw(st.none() | conditions(STAY_DAY_CONDITIONS, 1))
    enrolment_where = draw(st.none() | conditions(ENROLMENT_CONDITIONS, 1))
    stay_at_most = draw(st.sampled_from(["", "at most 1", "at most 3 days", "at most 15 days"]))
    visit_at_most = draw(st.sampled_from(["", "at most 1", "at most 2"]))
    warranty = draw(
        st.sampled_from(
            [
                "",
                """  warranty {
    covers Procedure r where r.code in ledplastik
    period 60 days
  }""",
                """  warranty {
    covers Procedure r
    period 30 days
    extend to 200 days when exists(Visit w where w.patient == op.patient
                                   and w.profession == nurse within 90 days after op.date)
  }""",
            ]
        )
    )
    body = f"""
use stdlib "functions/listing"

codeset ledplastik: kva {{ "NFB*", "NGB*" }}

payment "Vårddag" {{
  kind   variable
  per    Stay s each day{_where(stay_where)}
  amount {draw(st.sampled_from(STAY_DAY_RATES))}
}}

payment "Inskrivning" {{
  kind   fixed
  per    Enrolment e each month{_where(enrolment_where)}
  amount {draw(st.sampled_from(ENROLMENT_RATES))}
}}

payment "Vårdtillfälle" {{
  kind   variable
  per    Stay s
  amount {draw(st.sampled_from(STAY_MONEY))}
}}

payment "Besök" {{
  kind   variable
  per    Visit v
  amount {draw(st.sampled_from(VISIT_MONEY))}
{draw(st.sampled_from(PAYEES))}
}}

payment "Åtgärd" {{
  kind   variable
  per    Procedure r
  amount 4000 kr
}}

bundle "Paket" {{
  trigger  Procedure op where {draw(st.sampled_from(TRIGGERS))}
  price    50000 kr
  includes {{
    Stay x within 20 days after {stay_at_most}
    Visit x where x.profession == doctor within 30 days before
    Visit x within 10 days after {visit_at_most}
  }}
{warranty}
}}
"""
    body = body.replace("{n}", str(fill["n"])).replace("{m}", str(fill["m"]))
    return contract(
        body.replace("{d}", fill["d"]),
        rounding=draw(st.sampled_from(["0.01 kr half_up per line", "1 kr down per unit"])),
    )


@st.composite
def enrolments(draw, records: list[dict]) -> list[dict]:
    """Enrolments (spans), some without an end, some beginning before the run."""
    patients = [r["id"] for r in records if r["type"] == "patient"]
    providers = [r["id"] for r in records if r["type"] == "provider"]
    out = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.dates(dt.date(2021, 11, 1), dt.date(2022, 12, 31)))
        record = {
            "type": "enrolment",
            "patient": draw(st.sampled_from(patients)),
            "provider": draw(st.sampled_from(providers)),
            "start": start.isoformat(),
        }
        length = draw(st.none() | st.integers(0, 120))
        if length is not None:
            record["end"] = (start + dt.timedelta(days=length)).isoformat()
        out.append(record)
    return out


@st.composite
def one_day_stays(draw, records: list[dict]) -> list[dict]:
    """Stays of one day (start = end) and stays across the year's end."""
    patients = [r["id"] for r in records if r["type"] == "patient"]
    providers = [r["id"] for r in records if r["type"] == "provider"]
    out = []
    for k in range(draw(st.integers(0, 2))):
        start = draw(st.sampled_from([dt.date(2021, 12, 30), dt.date(2022, 6, 30)]))
        start = draw(st.just(start) | st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
        end = start + dt.timedelta(days=draw(st.sampled_from([0, 0, 5])))
        if start.month == 12 and start.day == 30:
            end = dt.date(2023, 1, 3) if start.year == 2022 else dt.date(2022, 1, 2)
        out.append(
            stay(
                f"T{k}",
                draw(st.sampled_from(patients)),
                draw(st.sampled_from(providers)),
                start.isoformat(),
                end.isoformat(),
            )
        )
    return out


@st.composite
def data(draw) -> list[dict]:
    """Patients, listings and visits; stays, enrolments, procedures near them, drugs."""
    records = draw(datasets())
    records = records + draw(stays(records)) + draw(one_day_stays(records))
    records = records + draw(enrolments(records))
    records = records + draw(procedures(records))
    return records


def outcome(source: str, records: list[dict], engine: str | None):
    """The statement JSON, or the error's words; `engine` None is the unit-by-unit
    reference."""
    loaded = _load(source)
    path = _WORK / f"colb{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = api.read_data([str(path)], loaded)
    path.unlink()
    try:
        if engine is None:
            statement = loaded.settle(found, "2022", keep_units=True, batches=False)
        else:
            statement = loaded.settle(found, "2022", engine=engine)
    except ErslError as error:
        return ("error", str(error))
    if engine is not None:
        for name, how in sorted(statement.run.engine_report.items()):
            event(f"{name}: {how.split(':')[0]}")
    return ("statement", statement.to_json())


@SETTINGS
@given(source=contracts(), records=data())
def test_spans_and_bundles_settle_columnar_exactly_as_unit_by_unit(source, records):
    fast = outcome(source, records, "columnar")
    event(fast[0])
    assert fast == outcome(source, records, None)


@SETTINGS
@given(source=batch_contracts(), records=datasets_with_stays())
def test_the_batch_property_contracts_settle_the_same_on_both_engines(source, records):
    fast = outcome(source, records, "columnar")
    event(fast[0])
    assert fast == outcome(source, records, None)


# ---------------------------------------------------------------- hand-computed


def _settle_both(source: str, records: list[dict]):
    """The columnar statement, after checking it equals the unit-by-unit one."""
    loaded = _load(source)
    path = _WORK / f"colb{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = api.read_data([str(path)], loaded)
    fast = loaded.settle(found, "2022", engine="columnar")
    reference = loaded.settle(found, "2022", keep_units=True, batches=False)
    assert fast.to_json() == reference.to_json()
    return fast


def _lines(statement) -> list[tuple]:
    return [(x.payee, x.period, x.name, x.units, x.amount) for x in statement.lines]


SPANS = contract(
    """
payment "Vårddag" {
  kind   variable
  per    Stay s each day
  amount 1000 kr/day * (s.drg_weight otherwise 1)
}

payment "Inskrivning" {
  kind   fixed
  per    Enrolment e each month
  amount 100 kr/day
}
"""
)


def test_span_payments_settled_columnar_by_hand():
    records = [
        provider("VC1"),
        provider("VC2"),
        patient("P1"),
        stay("S1", "P1", "VC1", "2021-12-30", "2022-01-03", drg_weight="1.5"),
        stay("S2", "P1", "VC1", "2022-02-28", "2022-03-01"),
        stay("S3", "P1", "VC2", "2022-12-31", "2023-01-02"),
        stay("S4", "P1", "VC2", "2022-05-10", "2022-05-10"),
        {"type": "enrolment", "patient": "P1", "provider": "VC1", "start": "2022-11-15"},
        {
            "type": "enrolment",
            "patient": "P1",
            "provider": "VC2",
            "start": "2022-10-01",
            "end": "2022-11-01",
        },
    ]
    statement = _settle_both(SPANS, records)
    assert statement.run.engine_report == {"Vårddag": "columnar", "Inskrivning": "columnar"}
    assert _lines(statement) == [
        # S1 from the run's first day: 1, 2, 3 January × 1000 kr × 1.5 = 4 500 kr
        ("VC1", "2022-01", "Vårddag", 3, Fraction(4500)),
        # S2 crosses a month's end: 28 February, 1 March, 1 000 kr each
        ("VC1", "2022-02", "Vårddag", 1, Fraction(1000)),
        ("VC1", "2022-03", "Vårddag", 1, Fraction(1000)),
        # the open enrolment from 15 November: its only month start is 1 December,
        # 100 kr × 31 days = 3 100 kr
        ("VC1", "2022-12", "Inskrivning", 1, Fraction(3100)),
        # S4, one day: 1 000 kr
        ("VC2", "2022-05", "Vårddag", 1, Fraction(1000)),
        # 1 October – 1 November: 100 kr × 31 days, then 100 kr × 30 days
        ("VC2", "2022-10", "Inskrivning", 1, Fraction(3100)),
        ("VC2", "2022-11", "Inskrivning", 1, Fraction(3000)),
        # S3 from 31 December: one day in the run
        ("VC2", "2022-12", "Vårddag", 1, Fraction(1000)),
    ]


BUNDLE = contract(
    """
payment "Besök" {
  kind   variable
  per    Visit v
  amount 1500 kr
}

payment "Operation" {
  kind   variable
  per    Procedure op
  amount 40000 kr
}

payment "Vårddag" {
  kind   variable
  per    Stay s each day
  amount 3000 kr/day
}

payment "Vårdtillfälle" {
  kind   variable
  per    Stay s
  amount 100 kr * days(s.end - s.start)
}

bundle "Protes" {
  trigger  Procedure op where op.code in {"NFB49"}
  price    56300 kr
  includes {
    Visit x within 90 days before
    Stay x  within 6 days after  at most 3 days
  }
}
"""
)

BUNDLE_RECORDS = [
    provider("ORT"),
    provider("SJH"),
    patient("P1"),
    visit("V1", "P1", "ORT", "2022-01-20"),
    {
        "type": "procedure",
        "id": "OP1",
        "patient": "P1",
        "provider": "ORT",
        "date": "2022-02-01",
        "code": "NFB49",
    },
    stay("S1", "P1", "SJH", "2022-02-02", "2022-02-06"),
    visit("V2", "P1", "SJH", "2022-03-01"),
]


def test_a_bundle_settled_columnar_by_hand():
    statement = _settle_both(BUNDLE, BUNDLE_RECORDS)
    assert statement.run.engine_report == {
        "Besök": "columnar",
        "Operation": "columnar",
        "Vårddag": "columnar",
        "Vårdtillfälle": "columnar",
        "bundle Protes": "triggers: columnar; episodes and charges at line level",
    }
    assert _lines(statement) == [
        # OP1 starts an episode at ORT: the bundle price
        ("ORT", "2022-02", "Protes", 1, Fraction(56300)),
        # S1's first 3 days (2–4 February) are covered but performed by SJH: paid to
        # SJH and charged to ORT, 3 × −3 000 kr; S1 itself (covered by its first day)
        # is charged too: 100 kr × 4 days = −400 kr
        ("ORT", "2022-02", "Protes: charge", 4, Fraction(-9400)),
        # S1: 5 days × 3 000 kr (2 covered ones charged, the other 2 not covered);
        # S1 per stay: 100 kr × (6 − 2 = 4) days
        ("SJH", "2022-02", "Vårddag", 5, Fraction(15000)),
        ("SJH", "2022-02", "Vårdtillfälle", 1, Fraction(400)),
        # V2 after the episode's windows: paid
        ("SJH", "2022-03", "Besök", 1, Fraction(1500)),
        # V1 (the pre-op visit) and OP1 are covered and ORT's own: not paid
    ]


def test_a_capped_payment_a_bundle_covers_leaves_covered_units_out_of_the_cap():
    cap = """
cap "Tak" for provider q each year {
  applies to "Besök" v where v.profession == doctor
  measure    count(Visit v where v.provider == q)
  limit      1
  above      reduce 50 % of excess
}
"""
    records = [*BUNDLE_RECORDS, visit("V3", "P1", "SJH", "2022-01-25")]
    statement = _settle_both(BUNDLE + cap, records)
    assert statement.run.engine_report["Besök"] == "columnar"
    # SJH: V3 (2022-01-25) is covered (within 90 days before OP1) but performed by SJH:
    # paid 1 500 kr and charged to ORT, and not in the cap's A; V2 is: A = 1 500 kr.
    # Q = 2 visits at SJH, L = 1: 50 % × 1 500 × (2 − 1) / 2 = 375 kr
    tak = [(x.payee, x.amount) for x in statement.lines if x.name == "Tak"]
    assert tak == [("SJH", Fraction(-375))]


def test_days_of_a_duration_in_months_is_left_to_the_batch_path():
    source = BUNDLE.replace("100 kr * days(s.end - s.start)", "100 kr * days(1 months)")
    statement = _settle_both(source, BUNDLE_RECORDS)
    assert statement.run.engine_report["Vårdtillfälle"] == (
        "batch path: `days` of something other than a difference of dates or N days"
    )


def test_an_error_finding_the_episodes_is_the_reference_error():
    source = BUNDLE.replace("at most 3 days", "at most 1.5 days")
    assert outcome(source, BUNDLE_RECORDS, "columnar") == outcome(source, BUNDLE_RECORDS, None)
    words = outcome(source, BUNDLE_RECORDS, "columnar")
    assert words[0] == "error" and "`at most 1.5 days` must be a whole number of days" in words[1]


def test_the_hip_and_knee_example_runs_wholly_columnar(capsys):
    from ersl.cli import main

    folder = REPO / "examples" / "hip_knee"
    args = ["run", str(folder / "contract.ersl"), "--data", str(folder / "data.jsonl")]
    assert main([*args, "--engine", "columnar", "-v", "--format", "csv"]) == 0
    columnar = capsys.readouterr()
    assert main([*args, "--engine", "reference", "--format", "csv"]) == 0
    assert columnar.out == capsys.readouterr().out
    assert columnar.err.splitlines() == [
        "engine: columnar",
        # the episodes are built from the records (docs/engine.md): read, settled again
        "data: read as records because the settlement asked for Procedure records "
        "(events are many)",
        "  Besök: columnar",
        "  Operation: columnar",
        "  Vårddygn: columnar",
        "  bundle Höft- och knäprotes: triggers: columnar; episodes and charges at line level",
    ]


def test_a_trigger_without_a_columnar_form_is_found_by_the_interpreter():
    trigger = 'where op.code in {"NFB49"}'
    source = BUNDLE.replace(trigger, f"{trigger} and max(month(op.date), 1) >= 1")
    statement = _settle_both(source, BUNDLE_RECORDS)
    assert statement.run.engine_report["bundle Protes"] == (
        "triggers: reference (the built-in `max` has no columnar form); "
        "episodes and charges at line level"
    )
    assert statement.run.engine_report["Vårddag"] == "columnar"


def test_a_none_in_a_trigger_is_the_reference_error():
    # P1 has no CNI: the reference reports the trigger's `where` on OP1
    source = BUNDLE.replace('where op.code in {"NFB49"}', "where op.patient.cni > 1")
    fast = outcome(source, BUNDLE_RECORDS, "columnar")
    assert fast == outcome(source, BUNDLE_RECORDS, None)
    assert fast[0] == "error" and "while finding bundle episodes" in fast[1]


def test_the_bundle_benchmark_agrees_on_a_small_population(capsys):
    """`benchmarks/bench_bundles.py` on 150 patients: both engines, per-day stays, the
    same statement (its data are a realistic mix of episodes the property's are not)."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_bundles import main

    assert main(["--patients", "150", "--each-day"]) == 0
    out = capsys.readouterr().out
    assert "statements byte-identical: True" in out
    assert "Vårddygn: columnar" in out
