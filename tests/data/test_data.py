"""Tests for the data layer (ersl.data): reading, validation, the in-memory model, indexes.

Error tests check the rendered diagnostic: `file:line:column`, the field and the value.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date, timedelta
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ersl.checker import check_file
from ersl.data import (
    MAX_ERRORS,
    AttributeVaries,
    Dataset,
    Entity,
    MissingAttribute,
    Record,
    dump_csv,
    dump_jsonl,
    read_data,
)
from ersl.errors import ErslError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STD = check_file(ROOT / "stdlib_rules" / "schema" / "sweden.ersl")
EXT = check_file(FIXTURES / "extended.ersl")

BASE = [
    '{"type": "provider", "id": "VC1"}',
    '{"type": "provider", "id": "VC2"}',
    '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}',
]


def write(tmp_path: Path, lines: list[str], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(tmp_path: Path, lines: list[str], contract=STD, **kw) -> Dataset:
    return read_data([write(tmp_path, lines)], contract, **kw)


def fails(tmp_path: Path, lines: list[str], contract=STD, name: str = "data.jsonl"):
    """Read `lines` expecting errors; return (path, rendered text, diagnostics)."""
    path = write(tmp_path, lines, name)
    with pytest.raises(ErslError) as info:
        read_data([path], contract)
    return str(path), str(info.value), info.value.diagnostics


def no_floats(value) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, frozenset):
        return all(no_floats(v) for v in value)
    return True


# ---------------------------------------------------------------------------
# Reading and typed values


@pytest.fixture(scope="module")
def small() -> Dataset:
    return read_data([FIXTURES / "small.jsonl"], EXT)


def test_typed_values(small: Dataset) -> None:
    v1 = small.get("Visit", "V1")
    assert isinstance(v1, Record)
    assert v1["date"] == date(2022, 3, 10) and v1.date == date(2022, 3, 10)
    assert v1["profession"] == "doctor" and v1["mode"] == "physical"
    assert v1["diagnoses"] == frozenset({"I10", "E11.9"})
    assert v1["procedures"] == frozenset()  # an absent set is the empty set
    assert v1["patient"] is small.patient("P1")  # references are the entities themselves
    assert isinstance(v1["provider"], Entity) and v1["provider"].id == "VC1"
    assert small.get("Visit", "V3")["kind"] is None
    assert small.get("Visit", "V2")["team"] == frozenset({"nurse", "doctor"})
    stay = small.get("stay", "S1")
    assert stay["cost"] == F(4125050, 100) and stay["drg_weight"] == F(975, 1000)
    assert stay.date == date(2022, 2, 1)  # a span's date is its start
    x1 = small.get("Procedure", "X1")
    assert x1["asa"] == 2 and x1["month_of"] == date(2022, 2, 1) and x1["code"] == "NFB49"
    m1 = small.get("Meeting", "M1")
    assert m1["patient_present"] is False
    assert m1["participants"] == frozenset({small.provider("VC1"), small.provider("H1")})
    assert small.indicator_value("VC1", "Nöjda brukare", "2022") == F(82, 100)
    assert small.indicator_value("VC2", "Nöjda brukare", "2022") is None
    for type_name in small.type_names():
        for record in small.records(type_name):
            assert all(no_floats(v) for v in record.values), record


def test_exact_decimals_from_json_numbers(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        BASE
        + [
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "cni": 0.1}',
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-02-01", "cni": "0.2"}',
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-03-01", "cni": 1e2}',
            '{"type": "stay", "id": "S1", "patient": "P1", "provider": "VC1", "start": '
            '"2022-01-01", "end": "2022-01-02", "cost": 390, "drg_weight": 0.30000000000000004}',
            '{"type": "stay", "id": "S2", "patient": "P1", "provider": "VC1", "start": '
            '"2022-01-01", "end": "2022-01-02", "cost": "390.00"}',
        ],
    )
    p1 = data.patient("P1")
    a, b = p1.attribute("cni", date(2022, 1, 1)), p1.attribute("cni", date(2022, 2, 1))
    assert type(a) is F and a + b == F(3, 10)  # 0.1 + 0.2 is exactly 3/10, not 0.30000000000000004
    assert p1.attribute("cni", date(2022, 3, 1)) == 100
    s1, s2 = data.get("Stay", "S1"), data.get("Stay", "S2")
    assert s1["cost"] == s2["cost"] == F(390)  # "390" and "390.00" are the same amount
    assert s1["drg_weight"] == F(30000000000000004, 10**17)


def test_percent_and_pp_text(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        [
            '{"type": "provider", "id": "A", "share": "40 %"}',
            '{"type": "provider", "id": "B", "share": "12.5%"}',
            '{"type": "provider", "id": "C", "share": 0.4}',
        ],
        EXT,
    )
    share = [data.provider_attribute(q, "share", date(2022, 1, 1)) for q in ("A", "B", "C")]
    assert share == [F(2, 5), F(1, 8), F(2, 5)]


def test_order_is_by_date_then_id(small: Dataset) -> None:
    assert [v.id for v in small.records("visit")] == ["V3", "V1", "V2"]
    assert [p.id for p in small.patients()] == ["P1", "P2", "P3"]
    assert [q.id for q in small.providers()] == ["H1", "VC1", "VC2"]  # code points
    observations = small.records("Observation")
    assert [o.date for o in observations] == sorted(o.date for o in observations)
    # Records without an id get a synthetic one from their place in the canonical order.
    assert [o.id for o in observations] == ["observation#1", "observation#2", "observation#3"]
    assert all(o.has_synthetic_id for o in observations)
    assert small.get("Observation", "observation#3") is observations[2]
    assert observations[2].location.endswith("small.jsonl:19")  # the source line is kept


def test_indexes(small: Dataset) -> None:
    p1 = small.patient("P1")
    assert [v.id for v in small.by_patient("Visit", p1)] == ["V1", "V2"]
    assert [v.id for v in small.by_patient("visit", "P2")] == ["V3"]
    assert small.by_patient("Visit", "P3") == ()
    assert [v.id for v in small.by_provider("Visit", "VC1")] == ["V1", "V2"]
    assert [v.id for v in small.by_provider("Visit", "VC1", start=date(2022, 3, 11))] == []
    assert [v.id for v in small.by_provider("Visit", "VC1", end=date(2022, 3, 10))] == ["V1", "V2"]
    assert [m.id for m in small.by_ref("Meeting", "participants", "H1")] == ["M1"]
    assert [v.id for v in small.between("Visit", date(2022, 1, 5), date(2022, 1, 5))] == ["V3"]
    assert len(small.by_patient("Observation", "P1")) == 2
    assert small.type_names()[0] == "Drug"


def test_fields_and_errors_on_records(small: Dataset) -> None:
    v1 = small.get("Visit", "V1")
    assert v1.fields()["id"] == "V1" and v1.get("kind") == "preop"
    with pytest.raises(KeyError):
        v1["colour"]
    with pytest.raises(AttributeVaries):
        small.patient("P1")["cni"]  # time-varying: read it on a date
    assert small.patient("P1")["birth_date"] == date(1940, 5, 1)
    assert repr(v1) == "Visit(V1)"


# ---------------------------------------------------------------------------
# Attributes


def test_attributes_carried_forward_independently(small: Dataset) -> None:
    p1 = small.patient("P1")
    # cni from 2022-01-01 (1.2); acg 0.85 from 2022-01-01, then 1.1 from 2022-03-01.
    assert small.attribute(p1, "cni", date(2022, 1, 1)) == F(12, 10)
    assert small.attribute(p1, "acg", date(2022, 2, 28)) == F(85, 100)
    assert small.attribute(p1, "acg", date(2022, 3, 1)) == F(11, 10)
    assert small.attribute(p1, "cni", date(2022, 12, 31)) == F(12, 10)  # carried on alone
    assert p1.timeline("acg") == ((date(2022, 1, 1), F(85, 100)), (date(2022, 3, 1), F(11, 10)))
    # Before the first value: missing, with everything the interpreter needs for a message.
    with pytest.raises(MissingAttribute) as info:
        small.patient_attribute("P1", "cni", date(2021, 12, 31))
    err = info.value
    assert (err.entity_kind, err.entity_id, err.field, err.date) == (
        "Patient",
        "P1",
        "cni",
        date(2021, 12, 31),
    )
    assert "patient P1 has no `cni` in force on 2021-12-31" in str(err)
    assert small.attribute(p1, "cni", date(2021, 12, 31), default=None) is None
    # An extension of Patient is an attribute too.
    assert small.attribute("P2", "risk_group", date(2022, 1, 1)) == 3
    with pytest.raises(MissingAttribute):
        small.attribute("P2", "acg", date(2022, 1, 1))


def test_value_on_the_entity_row_is_in_force_before_attribute_records(small: Dataset) -> None:
    assert small.attribute("P3", "cni", date(1990, 1, 1)) == F(105, 100)
    assert small.provider_attribute("VC1", "target_points", date(2022, 6, 30)) == 1200
    assert small.provider_attribute("VC1", "target_points", date(2022, 7, 1)) == F(
        2601, 2
    )  # 1300.5
    with pytest.raises(MissingAttribute) as info:
        small.provider_attribute("VC1", "share", date(2022, 6, 30))
    assert info.value.entity_kind == "Provider"
    assert small.provider_attribute("VC1", "share", date(2022, 7, 1)) == F(2, 5)
    # Fixed fields can be read through attribute() too.
    assert small.provider_attribute("VC1", "name", date(2000, 1, 1)) == "Vårdcentral Ett"
    assert small.attribute_fields("Provider") == ("target_points", "share", "region_code")
    assert small.attribute_fields("Patient") == ("cni", "acg", "risk_group")


# ---------------------------------------------------------------------------
# Listings


def test_listing_end_day_is_inclusive(small: Dataset) -> None:
    p1 = small.patient("P1")
    vc1, vc2 = small.provider("VC1"), small.provider("VC2")
    assert small.listed_at(p1, date(2019, 12, 31)) is None
    assert small.listed_at(p1, date(2020, 1, 1)) is vc1  # start day
    assert small.listed_at(p1, date(2022, 3, 31)) is vc1  # end day is inclusive
    assert small.listed_at(p1, date(2022, 4, 1)) is vc2
    assert small.listed_at("P1", date(2099, 1, 1)) is vc2  # open end
    assert small.listed_at("P3", date(2022, 1, 1)) is None  # never listed
    assert small.listing_at("P1", date(2022, 3, 31))["end"] == date(2022, 3, 31)
    assert [p.id for p in small.listed_patients(vc1, date(2022, 3, 31))] == ["P1", "P2"]
    assert [p.id for p in small.listed_patients("VC1", date(2022, 4, 1))] == ["P2"]
    assert small.listed_count("VC2", date(2022, 4, 1)) == 1
    assert small.listed_count("VC2", date(2022, 3, 31)) == 0
    assert small.listed_count("H1", date(2022, 3, 31)) == 0
    assert [r["provider"].id for r in small.listings("P1")] == ["VC1", "VC2"]


def test_adjacent_listings_are_fine_and_same_day_is_an_overlap(tmp_path: Path) -> None:
    ok = load(
        tmp_path,
        BASE
        + [
            '{"type": "listing", "patient": "P1", "provider": "VC1", "start": "2022-01-01", "end": "2022-01-31"}',
            '{"type": "listing", "patient": "P1", "provider": "VC2", "start": "2022-02-01"}',
        ],
    )
    assert ok.listed_at("P1", date(2022, 1, 31)).id == "VC1"
    assert ok.listed_at("P1", date(2022, 2, 1)).id == "VC2"
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "listing", "patient": "P1", "provider": "VC1", "start": "2022-01-01", "end": "2022-02-01"}',
            '{"type": "listing", "patient": "P1", "provider": "VC2", "start": "2022-02-01"}',
        ],
    )
    assert f'{path}:5:57: error[E0811]: listings of patient "P1" overlap' in text
    assert f"{path}:4:" in text  # the other listing is shown too


# ---------------------------------------------------------------------------
# JSON Lines and CSV


def test_jsonl_and_csv_give_equal_datasets(small: Dataset) -> None:
    from_csv = read_data([FIXTURES / "small_csv"], EXT)
    assert from_csv == small
    assert dump_jsonl(from_csv) == dump_jsonl(small)
    for name in small.type_names():
        assert [r.id for r in from_csv.records(name)] == [r.id for r in small.records(name)]


def test_paths_merge_and_blank_lines_are_ignored(tmp_path: Path) -> None:
    first = write(tmp_path, BASE + ["", "   "], "a.jsonl")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "visit.csv").write_text(
        "id,patient,provider,date,profession,mode\nV1,P1,VC1,2022-03-01,doctor,home\n\n"
    )
    (tmp_path / "more" / "README.md").write_text("not data")
    data = read_data([str(first), tmp_path / "more"], STD)
    assert [v.id for v in data.records("Visit")] == ["V1"]
    assert data.get("Visit", "V1")["patient"] is data.patient("P1")


def test_dump_csv_round_trips(small: Dataset, tmp_path: Path) -> None:
    written = dump_csv(small, tmp_path / "out")
    assert {p.name for p in written} >= {"visit.csv", "patient_attribute.csv"}
    assert read_data([tmp_path / "out"], EXT) == small


def test_single_csv_file_path(tmp_path: Path) -> None:
    path = tmp_path / "provider.csv"
    path.write_text("id,name\nVC1,Ett\n")
    assert read_data([path], STD).provider("VC1")["name"] == "Ett"


# ---------------------------------------------------------------------------
# Errors: each with file:line:column, the field, the value and what was expected


def test_unknown_type(tmp_path: Path) -> None:
    path, text, diags = fails(tmp_path, BASE + ['{"type": "vist", "id": "V1"}'])
    assert f'{path}:4:2: error[E0802]: unknown record type "vist"; expected one of' in text
    assert "help: did you mean `visit`?" in text
    assert len(diags) == 1


def test_attribute_type_without_attributes(tmp_path: Path) -> None:
    lines = BASE + ['{"type": "provider_attribute", "provider": "VC1", "from": "2022-01-01"}']
    path, text, _ = fails(tmp_path, lines)  # the standard Provider has no time-varying field
    assert f'{path}:4:2: error[E0802]: unknown record type "provider_attribute"' in text
    assert "help: the contract's Provider has no time-varying fields; add them with" in text


def test_missing_type(tmp_path: Path) -> None:
    path, text, _ = fails(tmp_path, ['{"id": "V1"}'])
    assert f'{path}:1:1: error[E0802]: the record has no "type"' in text


def test_unknown_field(tmp_path: Path) -> None:
    path, text, _ = fails(tmp_path, BASE + ['{"type": "provider", "id": "VC3", "nmae": "X"}'])
    assert (
        f'{path}:4:35: error[E0803]: unknown field `nmae` (value "X") in a provider record; '
        "expected one of id, name, kind, start_date, area" in text
    )
    assert "did you mean `name`?" in text


def test_missing_required_field(tmp_path: Path) -> None:
    path, text, _ = fails(tmp_path, BASE + ['{"type": "patient", "id": "P2"}'])
    assert (
        f"{path}:4:1: error[E0804]: missing required field `birth_date` of patient; "
        "expected a date YYYY-MM-DD" in text
    )


def test_null_is_absent_and_required_null_is_missing(tmp_path: Path) -> None:
    data = load(tmp_path, BASE + ['{"type": "provider", "id": "VC3", "name": null}'])
    assert data.provider("VC3")["name"] is None
    path, text, _ = fails(tmp_path, BASE + ['{"type": "patient", "id": "P2", "birth_date": null}'])
    assert f"{path}:4:1: error[E0804]: missing required field `birth_date`" in text


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ('"2022-02-30"', "is not a real date (2022-02 has 28 days)"),
        ('"2022-13-01"', "is not a real date"),
        ('"01/03/2022"', "is not a date"),
        ("20220301", "is not a date"),
    ],
)
def test_bad_date(tmp_path: Path, value: str, detail: str) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
            f'"date": {value}, "profession": "doctor", "mode": "home"}}'
        ],
    )
    assert f"{path}:4:67: error[E0805]: field `date` of visit: {value} {detail}" in text
    assert "expected a date YYYY-MM-DD, e.g. 2022-03-01" in text


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ('"12,5"', "use a decimal point: 12.5"),
        ('"390 kr"', "write amounts in kronor without a unit"),
        ('"lots"', None),
        ("true", None),
    ],
)
def test_bad_number(tmp_path: Path, value: str, hint: str | None) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "stay", "id": "S1", "patient": "P1", "provider": "VC1", "start": '
            f'"2022-01-01", "end": "2022-01-02", "cost": {value}}}'
        ],
    )
    assert (
        f"{path}:4:110: error[E0806]: field `cost` of stay: {value} is not a number; "
        "expected an amount like 390 or 390.00 (no unit)" in text
    )
    if hint:
        assert f"help: {hint}" in text


def test_bad_int_bool_and_text(tmp_path: Path) -> None:
    path, text, diags = fails(
        tmp_path,
        BASE
        + [
            '{"type": "procedure", "id": "X1", "patient": "P1", "provider": "VC1", '
            '"date": "2022-01-01", "code": 17.5, "asa": 1.5}',
            '{"type": "meeting", "id": "M1", "date": "2022-01-01", "kind": "x", '
            '"participants": "VC1", "patient_present": "yes"}',
        ],
        EXT,
    )
    assert f"{path}:4:93: error[E0808]: field `code` of procedure: 17.5 is not text" in text
    assert (
        f"{path}:4:107: error[E0806]: field `asa` of procedure: 1.5 is not a whole number" in text
    )
    assert (
        f'{path}:5:91: error[E0808]: field `patient_present` of meeting: "yes" is not a truth '
        "value; expected true or false" in text
    )
    assert len(diags) == 3


def test_unknown_enum_member(tmp_path: Path) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
            '"date": "2022-01-01", "profession": "docter", "mode": "home"}'
        ],
    )
    assert (
        f'{path}:4:89: error[E0807]: field `profession` of visit: "docter" is not a Profession; '
        "expected one of doctor, nurse," in text
    )
    assert "help: did you mean `doctor`?" in text


def test_unknown_enum_member_in_a_set(tmp_path: Path) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
            '"date": "2022-01-01", "profession": "doctor", "mode": "home", "team": ["nurse", "nuse"]}'
        ],
    )
    assert f'{path}:4:129: error[E0807]: field `team` of visit: ["nurse", "nuse"] is not' in text


def test_unknown_patient_and_provider(tmp_path: Path) -> None:
    path, text, diags = fails(
        tmp_path,
        BASE
        + [
            '{"type": "visit", "id": "V1", "patient": "P9", "provider": "VC1", '
            '"date": "2022-01-01", "profession": "doctor", "mode": "home"}',
            '{"type": "listing", "patient": "P1", "provider": "VC3", "start": "2022-01-01"}',
            '{"type": "meeting", "id": "M1", "date": "2022-01-01", "kind": "x", '
            '"participants": ["VC1", "VC7"]}',
        ],
    )
    assert (
        f'{path}:4:31: error[E0809]: field `patient` of visit: unknown patient "P9"; '
        "expected the id of a `patient` record" in text
    )
    assert f'{path}:5:38: error[E0809]: field `provider` of listing: unknown provider "VC3"' in text
    assert "help: did you mean `VC2`?" in text
    assert (
        f'{path}:6:68: error[E0809]: field `participants` of meeting: unknown provider "VC7"'
        in text
    )
    assert len(diags) == 3


def test_end_before_start(tmp_path: Path) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "listing", "patient": "P1", "provider": "VC1", '
            '"start": "2022-03-01", "end": "2022-02-28"}'
        ],
    )
    assert (
        f"{path}:4:80: error[E0810]: listing ends before it starts: `end` 2022-02-28 is before "
        "`start` 2022-03-01" in text
    )


def test_overlapping_listings_show_both_records(tmp_path: Path) -> None:
    path, text, diags = fails(
        tmp_path,
        BASE
        + [
            '{"type": "listing", "patient": "P1", "provider": "VC2", "start": "2022-06-01"}',
            '{"type": "listing", "patient": "P1", "provider": "VC1", "start": "2020-01-01"}',
        ],
    )
    assert (
        f'{path}:4:57: error[E0811]: listings of patient "P1" overlap: at VC2 from 2022-06-01 '
        f"(no end) and at VC1 from 2020-01-01 (no end) ({path}:5)" in text
    )
    assert f"{path}:5:57: note: the other listing" in text
    assert diags[0].notes[0].span.line == 5


def test_duplicate_ids(tmp_path: Path) -> None:
    visit = (
        '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
        '"date": "2022-01-0%d", "profession": "doctor", "mode": "home"}'
    )
    path, text, _ = fails(
        tmp_path, BASE + [visit % 2, visit % 1, '{"type": "provider", "id": "VC1"}']
    )
    # The record first in canonical order (earlier date) keeps the id.
    assert (
        f'{path}:4:19: error[E0812]: duplicate visit id "V1": it is also used at {path}:5' in text
    )
    assert (
        f'{path}:6:22: error[E0812]: duplicate provider id "VC1": it is also used at {path}:1'
        in text
    )


def test_malformed_json(tmp_path: Path) -> None:
    path, text, diags = fails(
        tmp_path,
        BASE + ['{"type": "provider", "id": "VC3"', "[1, 2]", '{"type": "provider", "id": NaN}'],
    )
    assert f"{path}:4:33: error[E0801]: malformed JSON: Expecting ',' delimiter (column 33)" in text
    assert f'{path}:5:1: error[E0801]: expected a JSON object with a "type", got [1, 2]' in text
    assert f"{path}:6:1: error[E0801]: malformed JSON" in text
    assert len(diags) == 3


def test_csv_row_with_wrong_number_of_cells(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "provider.csv").write_text("id,name\nVC1,Ett\nVC2,Två,extra\nVC3\n")
    with pytest.raises(ErslError) as info:
        read_data([folder], STD)
    text, path = str(info.value), folder / "provider.csv"
    assert (
        f"{path}:3:1: error[E0813]: this row has 3 cells but the header has 2; "
        "expected 2 comma-separated cells (id, name)" in text
    )
    assert f"{path}:4:1: error[E0813]: this row has 1 cell but the header has 2" in text


def test_csv_errors_point_at_the_cell(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "patient.csv").write_text('id,birth_date\n"P,1",1950-01-01\nP2,1950-02-30\n')
    (folder / "visti.csv").write_text("id\nV1\nV2\n")
    (folder / "provider.csv").write_text("id,nme\nVC1,x\n")
    with pytest.raises(ErslError) as info:
        read_data([folder], STD)
    text = str(info.value)
    patient, visti, provider = (folder / n for n in ("patient.csv", "visti.csv", "provider.csv"))
    assert (
        f'{patient}:3:4: error[E0805]: field `birth_date` of patient: "1950-02-30" is not a real'
        in text
    )
    assert (
        f'{visti}:1:1: error[E0802]: unknown record type "visti" (from the file name visti.csv)'
        in text
    )
    assert "(the file's 2 rows are not read)" in text
    assert "did you mean `visit`?" in text
    assert f"{provider}:1:4: error[E0803]: unknown column `nme` in provider.csv" in text


def test_csv_missing_required_column(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "patient.csv").write_text("id,sex\nP1,F\n")
    with pytest.raises(ErslError) as info:
        read_data([folder], STD)
    assert (
        f"{folder / 'patient.csv'}:1:1: error[E0804]: missing required column `birth_date`"
        in str(info.value)
    )


def test_skip_invalid_skips_the_rows_of_a_bad_csv_file(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "provider.csv").write_text("id,colour\nVC1,red\nVC2,blue\n")
    (folder / "patient.csv").write_text("id,birth_date\nP1,1950-01-01\n")
    data = read_data([folder], STD, skip_invalid=True)
    assert data.skipped_records == 2 and data.providers() == ()
    assert [p.id for p in data.patients()] == ["P1"]
    assert "unknown column `colour` in provider.csv" in data.skipped[0].message
    assert "(the file's 2 rows are not read)" in data.skipped[0].message


def test_conflicting_attribute_values(tmp_path: Path) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "cni": 1.5}',
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "cni": 1.2, "acg": 1}',
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "acg": 1.0}',
        ],
    )
    assert (
        f'{path}:4:70: error[E0814]: conflicting `cni` for patient "P1" from 2022-01-01: '
        f"1.5 here, 1.2 at {path}:5" in text
    )
    assert text.count("error[") == 1  # acg 1 and 1.0 are the same value


def test_attribute_record_errors(tmp_path: Path) -> None:
    path, text, _ = fails(
        tmp_path,
        BASE
        + [
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01"}',
            '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "sex": "F"}',
            '{"type": "patient_attribute", "patient": "P7", "from": "2022-01-01", "cni": 1}',
        ],
    )
    assert f"{path}:4:1: error[E0804]: the patient_attribute record sets no attribute" in text
    assert f'{path}:5:70: error[E0803]: unknown field `sex` (value "F")' in text
    assert "`sex` does not vary over time; write it on the patient record" in text
    assert (
        f'{path}:6:31: error[E0809]: field `patient` of patient_attribute: unknown patient "P7"'
        in text
    )


def test_references_to_an_invalid_entity_are_not_repeated(tmp_path: Path) -> None:
    visit = (
        '{"type": "visit", "id": "V%d", "patient": "P2", "provider": "VC1", '
        '"date": "2022-01-01", "profession": "doctor", "mode": "home"}'
    )
    lines = (
        BASE
        + ['{"type": "patient", "id": "P2", "birth_date": "1950"}']
        + [visit % i for i in range(5)]
    )
    _, text, diags = fails(tmp_path, lines)
    assert len(diags) == 1 and diags[0].code == "E0805"
    data = load(tmp_path, lines, skip_invalid=True)
    assert data.skipped_records == 6  # the patient and its five visits
    assert sum(d.code == "E0809" and "is invalid" in d.message for d in data.skipped) == 5


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ErslError) as info:
        read_data([tmp_path / "nope.jsonl"], STD, skip_invalid=True)
    assert "error[E0800]: cannot read data from" in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ErslError) as info:
        read_data([tmp_path / "empty"], STD)
    assert "holds no CSV files" in str(info.value)
    (tmp_path / "latin1.jsonl").write_bytes(b'{"type": "provider", "id": "V\xe5"}\n')
    with pytest.raises(ErslError) as info:
        read_data([tmp_path / "latin1.jsonl"], STD)
    # byte 30 of line 1 is 0xE5, `å` in Windows-1252 (the one message of every command)
    assert "latin1.jsonl:1:30: error[E0002]: " in str(info.value)
    assert "is not UTF-8 text: the byte 0xE5 is `å` in Windows-1252" in str(info.value)


def test_errors_are_collected_up_to_a_limit(tmp_path: Path) -> None:
    lines = [f'{{"type": "provider", "id": "Q{i}", "colour": 1}}' for i in range(MAX_ERRORS + 7)]
    path, text, diags = fails(tmp_path, lines)
    assert len(diags) == MAX_ERRORS + 1
    assert diags[-1].code == "E0899"
    assert (
        f"{path}:{MAX_ERRORS + 1}:1: error[E0899]: … and 7 more data errors, from this line on"
        in text
    )
    assert [d.span.line for d in diags[:-1]] == list(range(1, MAX_ERRORS + 1))


def test_errors_from_several_records_and_files_together(tmp_path: Path) -> None:
    a = write(tmp_path, BASE + ['{"type": "visit", "id": "V1"}'], "a.jsonl")
    b = write(tmp_path, ['{"type": "patient", "id": "P2", "birth_date": "x"}'], "b.jsonl")
    with pytest.raises(ErslError) as info:
        read_data([b, a], STD)
    lines = [(d.span.file, d.span.line) for d in info.value.diagnostics]
    assert lines[0] == (str(b), 1)  # files in the order given
    assert all(file == str(a) for file, _ in lines[1:]) and len(lines) == 6


def test_skip_invalid_reports_how_many_and_why(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        BASE
        + [
            '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
            '"date": "2022-01-01", "profession": "doctor", "mode": "home"}',
            '{"type": "visit", "id": "V2", "patient": "P9", "provider": "VC1", '
            '"date": "2022-01-01", "profession": "doctor", "mode": "home"}',
            '{"type": "visit", "id": "V3", "patient": "P1", "provider": "VC1", '
            '"date": "2022-01-32", "profession": "doctor", "mode": "home"}',
            "not json",
        ],
        skip_invalid=True,
    )
    assert [v.id for v in data.records("Visit")] == ["V1"]
    assert data.skipped_records == 3
    assert [d.code for d in data.skipped] == ["E0809", "E0805", "E0801"]
    assert data.skipped[0].span.line == 5
    assert data.skip_report(listed=0) == (
        "skipped 3 invalid records (1 bad date, 1 malformed JSON, 1 unknown reference)"
    )
    report = data.skip_report().splitlines()
    assert report[0] == (
        "skipped 3 invalid records (1 bad date, 1 malformed JSON, 1 unknown reference):"
    )
    path = tmp_path / "data.jsonl"
    assert [line.split(" — ")[0] for line in report[1:]] == [
        f"  {path}:5: unknown reference",
        f"  {path}:6: bad date",
        f"  {path}:7: malformed JSON",
    ]
    assert '"P9"' in report[1] and "2022-01-32" in report[2]
    short = data.skip_report(listed=2).splitlines()
    assert len(short) == 4 and short[-1] == "  … and 1 more problem"


def test_skip_invalid_keeps_the_first_of_duplicates_and_overlaps(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        BASE
        + [
            '{"type": "listing", "patient": "P1", "provider": "VC2", "start": "2022-06-01"}',
            '{"type": "listing", "patient": "P1", "provider": "VC1", "start": "2020-01-01"}',
        ],
        skip_invalid=True,
    )
    assert data.listed_at("P1", date(2023, 1, 1)).id == "VC1"  # the earlier listing is kept
    assert data.skipped_records == 1 and data.skipped[0].code == "E0811"


# ---------------------------------------------------------------------------
# Properties: shuffling never changes the Dataset; JSONL round-trips


def _json_record(fields: dict) -> str:
    parts = []
    for key, value in fields.items():
        if isinstance(value, F):  # written as an exact JSON number
            parts.append(f'"{key}": {_decimal_text(value)}')
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{" + ", ".join(parts) + "}"


def _decimal_text(value: F) -> str:
    from ersl.exact import format_decimal

    return format_decimal(value)


DAY0 = date(2021, 1, 1)
days = st.integers(0, 700).map(lambda n: DAY0 + timedelta(days=n))
decimals = st.integers(-5000, 50000).map(lambda n: F(n, 100))
codes = st.sampled_from(["I10", "I11.0", "E11.9", "J45"])


@st.composite
def data_lines(draw) -> list[str]:
    """The lines of a random valid JSONL dataset of the standard schema."""
    providers = [f"VC{i}" for i in range(draw(st.integers(1, 3)))]
    patients = [f"P{i}" for i in range(draw(st.integers(1, 4)))]
    lines = []
    for q in providers:
        record = {"type": "provider", "id": q}
        if draw(st.booleans()):
            record["name"] = draw(st.sampled_from(["Ett", "Två, Norr", "Sjöstaden"]))
        lines.append(_json_record(record))
    for p in patients:
        lines.append(
            _json_record({"type": "patient", "id": p, "birth_date": draw(days).isoformat()})
        )
        for field in ("cni", "acg"):
            for day in draw(st.sets(days, max_size=3)):
                value = draw(decimals)
                as_text = draw(st.booleans())
                lines.append(
                    _json_record(
                        {
                            "type": "patient_attribute",
                            "patient": p,
                            "from": day.isoformat(),
                            field: _decimal_text(value) if as_text else value,
                        }
                    )
                )
        starts = sorted(draw(st.sets(days, max_size=3)))
        for i, start in enumerate(starts):
            record = {"type": "listing", "patient": p, "provider": draw(st.sampled_from(providers))}
            record["start"] = start.isoformat()
            if i + 1 < len(starts):
                gap = draw(st.integers(1, 5))
                end = max(start, starts[i + 1] - timedelta(days=gap))
                if end < starts[i + 1]:
                    record["end"] = end.isoformat()
                else:
                    continue
            elif draw(st.booleans()):
                record["end"] = (start + timedelta(days=draw(st.integers(0, 90)))).isoformat()
            lines.append(_json_record(record))
    for i in range(draw(st.integers(0, 8))):
        record = {
            "type": "visit",
            "id": f"V{draw(st.integers(0, 10**6))}-{i}",
            "patient": draw(st.sampled_from(patients)),
            "provider": draw(st.sampled_from(providers)),
            "date": draw(days).isoformat(),
            "profession": draw(st.sampled_from(["doctor", "nurse", "other"])),
            "mode": draw(st.sampled_from(["physical", "video"])),
        }
        if draw(st.booleans()):
            record["diagnoses"] = sorted(draw(st.sets(codes, max_size=3)))
        lines.append(_json_record(record))
    for _ in range(draw(st.integers(0, 6))):  # id-less events, identical ones included
        record = {
            "type": "observation",
            "patient": draw(st.sampled_from(patients)),
            "date": draw(st.sampled_from([DAY0, DAY0 + timedelta(days=1)])).isoformat(),
            "kind": draw(st.sampled_from(["bp", "hba1c"])),
        }
        if draw(st.booleans()):
            record["provider"] = draw(st.sampled_from(providers))
        lines.append(_json_record(record))
    for i in range(draw(st.integers(0, 3))):
        lines.append(
            _json_record(
                {
                    "type": "stay",
                    "id": f"S{i}",
                    "patient": draw(st.sampled_from(patients)),
                    "provider": draw(st.sampled_from(providers)),
                    "start": DAY0.isoformat(),
                    "end": draw(days).isoformat(),
                    "cost": draw(decimals.filter(lambda d: d >= 0)),
                }
            )
        )
        lines.append(
            _json_record(
                {
                    "type": "meeting",
                    "id": f"M{i}",
                    "date": draw(days).isoformat(),
                    "kind": "conference",
                    "participants": sorted(draw(st.sets(st.sampled_from(providers)))),
                    "patient_present": draw(st.booleans()),
                }
            )
        )
    return lines


def _read_text(text: str) -> Dataset:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.jsonl"
        path.write_text(text, encoding="utf-8")
        return read_data([path], STD)


def _snapshot(data: Dataset) -> tuple:
    """Everything observable: the canonical dump plus the order and ids of every type."""
    ids = tuple((name, tuple(r.id for r in data.records(name))) for name in data.type_names())
    return dump_jsonl(data), ids


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data_lines(), st.randoms(use_true_random=False))
def test_shuffling_lines_never_changes_the_dataset(lines: list[str], rng: random.Random) -> None:
    original = _read_text("\n".join(lines) + "\n")
    shuffled = list(lines)
    rng.shuffle(shuffled)
    again = _read_text("\n".join(shuffled) + "\n")
    assert _snapshot(again) == _snapshot(original)
    assert again == original


@PROPERTY
@given(data_lines())
def test_jsonl_round_trips(lines: list[str]) -> None:
    data = _read_text("\n".join(lines) + "\n")
    dumped = dump_jsonl(data)
    again = _read_text(dumped)
    assert again == data
    assert dump_jsonl(again) == dumped
    assert _snapshot(again) == _snapshot(data)
    # Every value survives: the attribute in force on any day is the same.
    for p in data.patients():
        for field in ("cni", "acg"):
            assert again.patient(p.id).timeline(field) == p.timeline(field)


@PROPERTY
@given(data_lines())
def test_csv_round_trips(lines: list[str]) -> None:
    data = _read_text("\n".join(lines) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        dump_csv(data, folder)
        again = read_data([folder], STD) if any(Path(folder).iterdir()) else data
    assert again == data
