"""Participant bases (`per participant q of Meeting m`) in the columnar engine.

A meeting is a unit once for every provider among its `participants`, paid to that
provider (`ersl.interpreter.units`). The property generates meetings (with and
without a patient, kinds, participants, `patient_present` true, false or none) over
the generated listings and visits, and contracts paying them under generated
conditions (kinds, `size(m.participants)`, the listing clinic taking part, the
patient's visits in a window of the meeting), amounts, weights, payees and a cap; the
statement bytes, or the error's words, must be the unit-by-unit reference's.
`ERSL_COLUMNAR_EXAMPLES=2000 pytest tests/interpreter/test_interp_columnar_participants.py`
runs a long search (CI runs 40 examples).
"""

from __future__ import annotations

import datetime
import json
import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, listing, patient, provider
from test_interp_batches import conditions
from test_interp_columnar import outcome
from test_interp_properties import _WORK, _counter, _load, datasets

import ersl.api as api
from ersl.data.table_data import read_tables

SETTINGS = settings(
    max_examples=int(os.environ.get("ERSL_COLUMNAR_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_YEAR = (datetime.date(2021, 12, 1), datetime.date(2022, 12, 31))
KINDS = ["SIP", "konferens med patient", "samverkan med kommun"]

CONDITIONS = [
    'm.kind == "SIP"',
    'm.kind != "samverkan med kommun"',
    "m.patient == none",
    "m.patient != none and listed_at(m.patient, m.date) == q",
    "m.patient_present == true",
    "size(m.participants) >= 2",
    'q.id == "VC1"',
    "month(m.date) <= {m}",
    "m.patient != none and exists(Visit v where v.patient == m.patient within 30 days)",
    "m.patient != none and age(m.patient) >= {n}",
]
AMOUNTS = [
    "500 kr",
    "möte",
    "möte * size(m.participants)",
    "if m.patient_present == true then 700 kr else 300 kr",
    "möte / 3",
    "if listed_at(m.patient, m.date) == q then 100 kr else 50 kr",  # none: the reference's error
]
PAYEES = ["", "  payee q", "  payee listed_at(m.patient, m.date)"]

CAP = """
cap "Mötestak" for provider q each year {
  applies to "Möte" m where m.kind == "SIP"
  measure    count(Visit v where v.provider == q) / 1
  limit      1
  above      reduce 50 % of excess
}
"""


@st.composite
def meetings(draw) -> list[dict]:
    """The generated records with meetings among them."""
    records = draw(datasets())
    providers = [r["id"] for r in records if r["type"] == "provider"]
    patients = [r["id"] for r in records if r["type"] == "patient"]
    for k in range(draw(st.integers(1, 6))):
        record = {
            "type": "meeting",
            "id": f"M{k}",
            "date": draw(st.dates(*_YEAR)).isoformat(),
            "kind": draw(st.sampled_from(KINDS)),
            "participants": draw(st.lists(st.sampled_from(providers), max_size=3)),
        }
        who = draw(st.none() | st.sampled_from(patients))
        if who is not None:
            record["patient"] = who
        present = draw(st.sampled_from([None, True, False]))
        if present is not None:
            record["patient_present"] = present
        records.append(record)
    return records


@st.composite
def contracts(draw) -> str:
    """A contract with a participant payment (and maybe a cap on it)."""
    where = draw(st.none() | conditions(CONDITIONS))
    weights = "\n".join(
        f"  weight {draw(st.sampled_from(['2', '0.5']))} when {draw(conditions(CONDITIONS, 1))}"
        for _ in range(draw(st.integers(0, 1)))
    )
    body = f"""
param möte: money = 450 kr

payment "Möte" {{
  kind   variable
  per    participant q of Meeting m{"" if where is None else " where " + where}
  amount {draw(st.sampled_from(AMOUNTS))}
{weights}
{draw(st.sampled_from(PAYEES))}
}}
{draw(st.sampled_from(["", CAP]))}
"""
    return contract(
        body, rounding=draw(st.sampled_from(["0.01 kr half_up per line", "1 kr down per unit"]))
    )


@SETTINGS
@given(source=contracts(), records=meetings())
def test_participant_payments_settle_exactly_as_unit_by_unit(source, records):
    fast = outcome(source, records, "columnar")
    event(fast[0])
    assert fast == outcome(source, records, None)


RECORDS = [
    provider("VC1"),
    provider("VC2"),
    provider("SJH"),
    patient("P1", "1950-03-10"),
    listing("P1", "VC1", "2020-01-01"),
    {
        "type": "meeting",
        "id": "M1",
        "patient": "P1",
        "date": "2022-04-01",
        "kind": "SIP",
        "participants": ["VC1", "SJH", "VC1"],
    },
    {
        "type": "meeting",
        "id": "M2",
        "date": "2022-05-01",
        "kind": "samverkan med kommun",
        "participants": ["VC1", "VC2"],
    },
    {"type": "meeting", "id": "M3", "date": "2022-06-01", "kind": "SIP", "participants": []},
]


def test_each_participant_is_a_unit_paid_to_it():
    # M1 (SIP; participants VC1, SJH — VC1 twice in the data is once in the set):
    # VC1 and SJH are paid 450 kr × size 2 / 2 = 450 kr each; M2 (no patient): VC1 and
    # VC2 are paid 450 kr × 2 / 2 = 450 kr; M3 has no participants: no unit.
    # VC1 900 kr, SJH 450 kr, VC2 450 kr.
    source = contract(
        """
param möte: money = 450 kr

payment "Möte" {
  kind   variable
  per    participant q of Meeting m where m.kind == "SIP" or m.patient == none
  amount möte * size(m.participants) / 2
}
"""
    )
    loaded = _load(source)
    path = _WORK / f"part{next(_counter)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    reference = loaded.settle(
        api.read_data([str(path)], loaded), "2022", None, keep_units=True, batches=False
    )
    paid: dict[str, int] = {}
    for line in reference.lines:  # a line per payee and month
        paid[line.payee] = paid.get(line.payee, 0) + line.amount
    assert paid == {"VC1": 900, "SJH": 450, "VC2": 450}
    for data in (api.read_data([str(path)], loaded), read_tables([str(path)], loaded.checked)):
        assert not isinstance(data, str), data  # records, then DuckDB tables
        statement = loaded.settle(data, "2022", None, engine="columnar")
        assert statement.run.engine_report == {"Möte": "columnar"}
        assert statement.to_json() == reference.to_json()
