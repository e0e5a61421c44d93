"""The columnar engine's tables (`ersl/columnar/store.py`): the run's data as DuckDB
tables, exact, with the data layer's meaning of time-varying attributes."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

import ersl.api as api
from ersl.columnar.store import Store, decimal_scale
from ersl.columnar.values import NotCompiled

D = dt.date


def test_decimal_scale_is_the_most_decimals():
    # 1/8 = 0.125 (3 decimals), 3/10 = 0.3 (1), 7 (0): 10^3 makes them all integers
    assert decimal_scale([Fraction(1, 8), Fraction(3, 10), 7, None]) == 3


def test_a_value_that_is_not_a_finite_decimal_has_no_column():
    with pytest.raises(NotCompiled, match="1/3 is not a finite decimal"):
        decimal_scale([Fraction(1, 3)])


def _store(tmp_path, records: list[dict]) -> Store:
    contract = tmp_path / "c.ersl"
    contract.write_text('use stdlib "schema/sweden"\n', encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    loaded = api.load(contract)
    return Store(api.read_data([data], loaded))


RECORDS = [
    {"type": "provider", "id": "VC1"},
    {"type": "patient", "id": "P1", "birth_date": "1950-03-10", "cni": "1.5"},
    {"type": "patient", "id": "P2", "birth_date": "2000-02-29"},
    {"type": "patient_attribute", "patient": "P1", "from": "2022-05-17", "cni": "2.125"},
    {"type": "listing", "patient": "P1", "provider": "VC1", "start": "2020-01-01"},
    {
        "type": "listing",
        "patient": "P2",
        "provider": "VC1",
        "start": "2021-01-01",
        "end": "2022-06-10",
    },
]


def test_an_attribute_is_a_table_of_validity_intervals(tmp_path):
    store = _store(tmp_path, RECORDS)
    table, kind = store.field_table("Patient", "cni")
    # P1 (code 0): 1.5 from its own row until its first attribute record, then 2.125;
    # P2 (code 1) has no CNI at all: no row (an access gives none). Scale 10^3.
    assert kind.kind == "num" and kind.den == 1000
    rows = store.con.execute(f"SELECT * FROM {table} ORDER BY ent, since").fetchall()
    assert rows == [
        (0, D(1, 1, 1), D(2022, 5, 17), 1500),
        (0, D(2022, 5, 17), D(9999, 12, 31), 2125),
    ]


def test_listings_are_intervals_with_open_ends_far_away(tmp_path):
    store = _store(tmp_path, RECORDS)
    rows = store.con.execute(f"SELECT * FROM {store.listing()} ORDER BY pat").fetchall()
    assert rows == [
        (0, 0, D(2020, 1, 1), D(9999, 12, 31)),
        (1, 0, D(2021, 1, 1), D(2022, 6, 10)),
    ]
