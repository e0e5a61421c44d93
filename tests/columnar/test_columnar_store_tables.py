"""The columnar engine's tables made straight from Parquet (`ersl/columnar/store_tables.py`):
row for row the tables `Store` makes from the same data read as records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import ersl.api as api
from ersl.columnar.plan import ColumnarEngine
from ersl.columnar.store import Store
from ersl.columnar.store_tables import TableStore
from ersl.columnar.values import NotCompiled
from ersl.data.table_data import NeedsRecords, TableDataset
from ersl.data.write_parquet import dump_parquet

D = dt.date
FIXTURES = Path(__file__).resolve().parent.parent / "data" / "fixtures"

RECORDS = [
    {"type": "provider", "id": "VC1", "target_points": "12.50", "share": "80 %"},
    {"type": "provider", "id": "VC0", "name": "Nord", "area": "Nacka"},
    {"type": "provider_attribute", "provider": "VC1", "from": "2022-03-01", "share": "0.75"},
    {"type": "patient", "id": "P1", "birth_date": "1950-03-10", "cni": "1.5", "sex": "F"},
    {"type": "patient", "id": "P2", "birth_date": "2000-02-29", "risk_group": 3},
    {"type": "patient", "id": "Ö3", "birth_date": "1999-12-31", "acg": "0.20"},
    {"type": "patient", "id": "P10", "birth_date": "1980-01-01", "cni": "9"},
    {"type": "patient_attribute", "patient": "P1", "from": "2022-05-17", "cni": "2.125"},
    {"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "acg": "1.0"},
    {"type": "patient_attribute", "patient": "P1", "from": "2022-09-01", "cni": "1.10"},
    {"type": "patient_attribute", "patient": "P2", "from": "0001-01-01", "risk_group": 4},
    {"type": "patient_attribute", "patient": "Ö3", "from": "2021-06-01", "acg": "3"},
    {"type": "listing", "patient": "P1", "provider": "VC1", "start": "2020-01-01"},
    {
        "type": "listing",
        "patient": "P2",
        "provider": "VC1",
        "start": "2021-01-01",
        "end": "2022-06-10",
    },
    {"type": "listing", "patient": "P2", "provider": "VC0", "start": "2022-06-11"},
    {
        "type": "listing",
        "patient": "Ö3",
        "provider": "VC0",
        "start": "2019-02-01",
        "end": "2019-02-01",
    },
    {
        "type": "visit",
        "id": "V1",
        "patient": "P1",
        "provider": "VC1",
        "date": "2022-03-10",
        "profession": "doctor",
        "mode": "physical",
        "diagnoses": ["I11.0", "E11"],
    },
    {
        "type": "visit",
        "id": "V2",
        "patient": "Ö3",
        "provider": "VC0",
        "date": "2022-01-02",
        "profession": "nurse",
        "mode": "video",
    },
    {
        "type": "procedure",
        "id": "X1",
        "patient": "P2",
        "provider": "VC0",
        "date": "2022-02-01",
        "code": "AB1",
        "asa": 2,
        "month_of": "2022-02",
    },
]


def _both(tmp_path: Path, records: list[dict]) -> tuple[Store, TableStore]:
    contract = api.load(FIXTURES / "extended.ersl")
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = api.read_data([jsonl], contract)
    parquet = tmp_path / "d.parquet"
    dump_parquet(data, parquet)
    tables = api.read_data([parquet], contract, tables=True)
    assert isinstance(tables, TableDataset), tables.table_report
    return Store(data), ColumnarEngine(tables, contract.checked).store


def _rows(store: Store, table: str) -> list:
    return sorted(store.con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def _field(store: Store, type_name: str, field: str):
    try:
        table, kind = store.field_table(type_name, field)
    except NotCompiled as reason:
        return ("not compiled", str(reason))
    return kind, _rows(store, table)


PATIENT = ["birth_date", "sex", "cni", "acg", "risk_group", "id"]
PROVIDER = ["name", "kind", "start_date", "area", "target_points", "share", "region_code"]


@pytest.mark.parametrize(
    "type_name, field", [("Patient", f) for f in PATIENT] + [("Provider", f) for f in PROVIDER]
)
def test_entity_fields_are_the_same_intervals(tmp_path, type_name, field):
    records, tables = _both(tmp_path, RECORDS)
    assert _field(tables, type_name, field) == _field(records, type_name, field)


def test_cni_intervals_by_hand(tmp_path):
    _, tables = _both(tmp_path, RECORDS)
    table, kind = tables.field_table("Patient", "cni")
    # Codes by id, code-point order: P1 0, P10 1, P2 2, Ö3 3. P1: 1.5 from its row until
    # 2022-05-17, 2.125 until 2022-09-01, then 1.10 = 1.1; P10: 9 always. Most decimals
    # 3 (2.125; 1.10 counts as 1.1): numerators over 1000.
    assert kind.kind == "num" and kind.den == 1000
    assert _rows(tables, table) == sorted(
        [
            (0, D(1, 1, 1), D(2022, 5, 17), 1500),
            (0, D(2022, 5, 17), D(2022, 9, 1), 2125),
            (0, D(2022, 9, 1), D(9999, 12, 31), 1100),
            (1, D(1, 1, 1), D(9999, 12, 31), 9000),
        ],
        key=repr,
    )


def test_listings_are_the_same(tmp_path):
    records, tables = _both(tmp_path, RECORDS)
    assert _rows(tables, tables.listing()) == _rows(records, records.listing())


@pytest.mark.parametrize(
    "type_name, fields",
    [
        ("Visit", ["patient", "provider", "profession", "mode", "diagnoses", "id"]),
        ("Procedure", ["asa", "code", "patient"]),
        ("Procedure", ["month_of"]),
        ("Observation", ["kind"]),
    ],
)
def test_event_tables_are_the_same(tmp_path, type_name, fields):
    records, tables = _both(tmp_path, RECORDS)

    def table(store: Store):
        try:
            name, kinds = store.event_table(type_name, frozenset(fields))
        except NotCompiled as reason:
            return ("not compiled", str(reason))
        return kinds, _rows(store, name)

    assert table(tables) == table(records)


def test_event_kinds_are_the_same(tmp_path):
    records, tables = _both(tmp_path, RECORDS)
    for field in ("patient", "profession", "diagnoses", "date"):
        assert tables.event_kinds("Visit", field) == records.event_kinds("Visit", field)


def test_provider_codes_agree_with_the_provider_records(tmp_path):
    _, tables = _both(tmp_path, RECORDS)
    codes = dict(tables.con.execute(f"SELECT * FROM {tables.code_table('Provider')}").fetchall())
    assert codes == {p.id: i for i, p in enumerate(tables.data.providers())}
    assert codes == {"VC0": 0, "VC1": 1}


def test_patient_records_are_not_made(tmp_path):
    _, tables = _both(tmp_path, RECORDS)
    with pytest.raises(NeedsRecords, match="Patient records"):
        tables.data.patients()
    with pytest.raises(NeedsRecords, match="Listing records"):
        tables.data.listed_at("P1", D(2022, 1, 1))


def test_a_set_field_of_an_entity_is_the_same_intervals(tmp_path):
    # An empty set is a value (the reference's timelines hold it): NULL in the table.
    schema = tmp_path / "sets.ersl"
    schema.write_text(
        'use stdlib "schema/sweden"\nextend record Patient { groups: set of text }\n',
        encoding="utf-8",
    )
    contract = api.load(schema)
    records = [
        {"type": "patient", "id": "P1", "birth_date": "1950-03-10", "groups": ["b", "a"]},
        {"type": "patient", "id": "P2", "birth_date": "1960-01-01"},
        {"type": "patient_attribute", "patient": "P1", "from": "2022-02-01", "groups": ["c"]},
        {"type": "patient_attribute", "patient": "P2", "from": "2022-03-01", "groups": []},
    ]
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = api.read_data([jsonl], contract)
    parquet = tmp_path / "d.parquet"
    dump_parquet(data, parquet)
    tables = api.read_data([parquet], contract, tables=True)
    assert isinstance(tables, TableDataset), tables.table_report
    store = ColumnarEngine(tables, contract.checked).store
    assert _field(store, "Patient", "groups") == _field(Store(data), "Patient", "groups")
    _, rows = _field(store, "Patient", "groups")
    # P1: [a, b] until 2022-02-01, then [c]; P2: [] from the beginning, [] again from March.
    assert rows == sorted(
        [
            (0, D(1, 1, 1), D(2022, 2, 1), ["a", "b"]),
            (0, D(2022, 2, 1), D(9999, 12, 31), ["c"]),
            (1, D(1, 1, 1), D(2022, 3, 1), []),
            (1, D(2022, 3, 1), D(9999, 12, 31), []),
        ],
        key=repr,
    )
