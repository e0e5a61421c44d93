"""Parquet event data: reading (`ersl.data.read_parquet`), writing (`dump_parquet`) and
their diagnostics. Parquet places are rows: `data.parquet:row N`, N from 1.

The parity of every value check with JSON Lines is `test_data_parquet_parity.py`.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from test_data import EXT, FIXTURES, PROPERTY, STD, _read_text, data_lines

from ersl.data import Dataset, dump_jsonl, read_data
from ersl.data.write_parquet import dump_parquet
from ersl.diagnostics import to_json
from ersl.errors import ErslError


def parquet(path: Path, select: str) -> Path:
    """Write the rows of a DuckDB SELECT to a Parquet file."""
    con = duckdb.connect()
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def fails(paths: list[Path], contract=STD) -> ErslError:
    with pytest.raises(ErslError) as info:
        read_data(paths, contract)
    return info.value


PROVIDERS = "SELECT 'provider' AS type, 'VC1' AS id, NULL::DATE AS birth_date"


# ---------------------------------------------------------------------------
# Round trips: dump_parquet then read gives the same records; the same bytes each time


def test_small_fixture_round_trips_with_typed_columns(tmp_path: Path) -> None:
    data = read_data([FIXTURES / "small.jsonl"], EXT)
    out = tmp_path / "data.parquet"
    assert dump_parquet(data, out) == len(dump_jsonl(data).splitlines())
    again = read_data([out], EXT)
    assert again == data
    assert dump_jsonl(again) == dump_jsonl(data)
    types = dict(duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE '{out}')").fetchall())
    assert types["type"] == "VARCHAR"
    assert types["date"] == "DATE" and types["birth_date"] == "DATE"
    # drg_weight 0.975 has three decimals: DECIMAL(18, 3) holds every weight exactly
    assert types["drg_weight"] == "DECIMAL(18,3)"
    assert types["diagnoses"] == "VARCHAR[]"
    assert types["month_of"] == "VARCHAR"  # months as YYYY-MM
    assert types["asa"] == "BIGINT"
    # the same dataset gives the same bytes
    second = tmp_path / "again.parquet"
    dump_parquet(again, second)
    assert second.read_bytes() == out.read_bytes()


def test_locations_name_rows(tmp_path: Path) -> None:
    out = tmp_path / "data.parquet"
    dump_parquet(read_data([FIXTURES / "small.jsonl"], EXT), out)
    data = read_data([out], EXT)
    rows = duckdb.sql(f"SELECT id FROM '{out}'").fetchall()
    visit = data.records("Visit")[0]
    row = rows.index((visit.id,)) + 1
    assert visit.location == f"{out}:row {row}"


@PROPERTY
@given(data_lines())
def test_parquet_round_trips(lines: list[str]) -> None:
    data = _read_text("\n".join(lines) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "data.parquet"
        dump_parquet(data, out)
        again = read_data([out], STD)
        assert again == data
        assert dump_jsonl(again) == dump_jsonl(data)
        for p in data.patients():
            for field in ("cni", "acg"):
                assert again.patient(p.id).timeline(field) == p.timeline(field)
        copy = Path(folder) / "copy.parquet"
        dump_parquet(again, copy)
        assert copy.read_bytes() == out.read_bytes()


def test_an_empty_dataset_is_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "empty.parquet"
    assert dump_parquet(Dataset({}, {}), out) == 0
    assert read_data([out], STD) == read_data([], STD)


def test_wide_decimals_and_whole_numbers(tmp_path: Path) -> None:
    # 20 whole digits + 2 decimals do not fit DECIMAL(18): DECIMAL(38, 2)
    data = _read_text(
        '{"type": "provider", "id": "VC1"}\n'
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}\n'
        '{"type": "stay", "id": "S1", "patient": "P1", "provider": "VC1", "start": "2022-01-01",'
        ' "end": "2022-01-02", "cost": 12345678901234567890.25}\n'
    )
    out = tmp_path / "data.parquet"
    dump_parquet(data, out)
    types = dict(duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE '{out}')").fetchall())
    assert types["cost"] == "DECIMAL(38,2)"
    again = read_data([out], STD)
    assert again.get("Stay", "S1")["cost"] == F(1234567890123456789025, 100)


# ---------------------------------------------------------------------------
# Reading: one-type files, folders, typed values


def test_one_type_files_in_a_folder_with_csv(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "provider.csv").write_text("id\nVC1\n", encoding="utf-8")
    parquet(
        folder / "patient.parquet",
        "SELECT 'P1' AS id, DATE '1950-01-01' AS birth_date, 1.25::DECIMAL(9, 2) AS cni",
    )
    parquet(
        folder / "visit.parquet",
        "SELECT 'V1' AS id, 'P1' AS patient, 'VC1' AS provider, DATE '2022-03-01' AS date, "
        "'doctor' AS profession, 'home' AS mode, ['I10', 'E11.9'] AS diagnoses",
    )
    data = read_data([folder], STD)
    visit = data.get("Visit", "V1")
    assert visit["date"] == date(2022, 3, 1)
    assert visit["diagnoses"] == frozenset({"I10", "E11.9"})
    assert visit["patient"] is data.patient("P1")
    assert data.patient("P1").attribute("cni", date(2022, 1, 1)) == F(5, 4)
    assert visit.location == f"{folder / 'visit.parquet'}:row 1"


def test_text_columns_read_like_json_strings(tmp_path: Path) -> None:
    # dates, numbers, sets (separated by ;) and truth values as text, as in CSV cells
    path = parquet(
        tmp_path / "meeting.parquet",
        "SELECT 'M1' AS id, '2022-01-05' AS date, 'conference' AS kind, 'VC1;VC2' AS participants,"
        " 'TRUE' AS patient_present",
    )
    providers = tmp_path / "p.jsonl"
    providers.write_text(
        '{"type": "provider", "id": "VC1"}\n{"type": "provider", "id": "VC2"}\n', encoding="utf-8"
    )
    data = read_data([providers, path], STD)
    meeting = data.get("Meeting", "M1")
    assert meeting["date"] == date(2022, 1, 5)
    assert {p.id for p in meeting["participants"]} == {"VC1", "VC2"}
    assert meeting["patient_present"] is True


# ---------------------------------------------------------------------------
# Diagnostics: rows named, no source line quoted


def test_a_bad_value_names_the_row(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "data.parquet",
        f"{PROVIDERS} UNION ALL SELECT 'patient', 'P1', NULL UNION ALL "
        "SELECT 'patient', 'P2', DATE '1960-02-01'",
    )
    err = fails([path])
    text = str(err)
    assert text.startswith(
        f"{path}:row 2: error[E0804]: missing required field `birth_date` of patient"
    )
    assert "|" not in text.split("\n")[1]  # no line of the file is quoted
    (json_form,) = json.loads(to_json(err.diagnostics))
    assert (json_form["file"], json_form["line"]) == (str(path), 2)


def test_a_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "data.parquet", f"{PROVIDERS} UNION ALL SELECT 'provider', 'VC1', NULL"
    )
    text = str(fails([path]))
    assert (
        f'{path}:row 2: error[E0812]: duplicate provider id "VC1": it is also used at {path}:row 1'
        in text
    )
    assert f"{path}:row 1: note: the id is first used here" in text


def test_skipped_rows_are_listed_by_row(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "data.parquet",
        f"{PROVIDERS} UNION ALL SELECT 'patient', 'P1', NULL UNION ALL SELECT 'pateint', 'P2', NULL",
    )
    data = read_data([path], STD, skip_invalid=True)
    report = data.skip_report().splitlines()
    assert report[1].startswith(f"  {path}:row 2: missing field")
    assert report[2].startswith(f"  {path}:row 3: unknown type")
    assert "did you mean `patient`?" in str(data.skipped[1].help)


def test_float_columns_are_refused(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "patient.parquet",
        "SELECT 'P1' AS id, DATE '1950-01-01' AS birth_date, 1.2::DOUBLE AS cni",
    )
    text = str(fails([path]))
    assert text.startswith(
        f"{path}: error[E0806]: the column `cni` of patient.parquet holds binary floating-point "
        "numbers (DOUBLE), which are not exact; expected DECIMAL, whole numbers or text "
        "(the file's 1 row are not read)"
    )
    assert "help: store exact decimals, e.g. DECIMAL(18, 2)" in text


def test_unread_column_types_are_refused(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "visit.parquet", "SELECT 'V1' AS id, TIMESTAMP '2022-01-01 10:00' AS date"
    )
    text = str(fails([path]))
    assert (
        f"{path}: error[E0808]: the column `date` of visit.parquet has the type TIMESTAMP, which "
        "is not read; expected text (VARCHAR), whole numbers, DECIMAL, BOOLEAN, DATE or a list "
        "of these (the file's 1 row are not read)"
    ) in text


def test_type_column_must_be_text(tmp_path: Path) -> None:
    path = parquet(tmp_path / "data.parquet", "SELECT 1 AS type, 'VC1' AS id")
    assert (
        f"{path}: error[E0802]: the column `type` of data.parquet is INTEGER; expected text "
        "naming each row's record type (the file's 1 row are not read)"
    ) in str(fails([path]))


def test_file_named_after_no_type(tmp_path: Path) -> None:
    path = parquet(tmp_path / "visits.parquet", "SELECT 'V1' AS id")
    text = str(fails([path]))
    assert (
        f'{path}: error[E0802]: unknown record type "visits" (from the file name visits.parquet); '
        "expected one of"
    ) in text
    assert "help: did you mean `visit`?" in text


def test_not_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_text('{"type": "provider", "id": "VC1"}\n', encoding="utf-8")
    text = str(fails([path]))
    assert text.startswith(f"{path}: error[E0800]: cannot read {path} as Parquet: ")
    assert "help: a .parquet file must be a Parquet file; `ersl data convert` writes one" in text
    with pytest.raises(ErslError):  # never skipped
        read_data([path], STD, skip_invalid=True)


def test_empty_folder_mentions_parquet(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    text = str(fails([tmp_path / "empty"]))
    assert "holds no CSV files (nor Parquet files)" in text
    assert "`<type>.parquet`" in text


def test_ersl_synth_reads_alike_in_every_form(tmp_path: Path) -> None:
    """`ersl synth` writes one JSON Lines file, one Parquet file with a `type` column and a
    folder of `<type>.parquet` files: the three read as the same dataset."""
    from ersl.cli import main

    outputs = [tmp_path / "pop.jsonl", tmp_path / "pop.parquet", tmp_path / "folder"]
    for out in outputs:
        extra = ["--folder-format", "parquet"] if out.suffix == "" else []
        assert main(["synth", "stockholm", "--size", "300", "-o", str(out), *extra]) == 0
    jsonl, single, folder = (read_data([p], STD) for p in outputs)
    assert single == jsonl and folder == jsonl
    assert len(jsonl.records("Visit")) > 300


@pytest.mark.parametrize("as_of", [None, "2022-02-10", "2022-04-10", "2022-05-31"])
def test_registration_fields_read_as_from_json_lines(tmp_path: Path, as_of: str | None) -> None:
    """`registered`, `replaces` and `withdraws` (docs/data.md) in Parquet columns: the rows
    carrying them go the reference way, so corrections, withdrawals and the records as of
    a date are those of the same lines in JSON Lines."""
    from test_data_history import HISTORY

    jsonl = tmp_path / "history.jsonl"
    jsonl.write_text("\n".join(HISTORY) + "\n", encoding="utf-8")
    path = parquet(
        tmp_path / "history.parquet",
        f"SELECT * FROM read_json('{jsonl}', format = 'newline_delimited')",
    )
    day = None if as_of is None else date.fromisoformat(as_of)
    expected = read_data([jsonl], STD, as_of=day)
    got = read_data([path], STD, as_of=day)
    assert got == expected
    assert [v.location.split(":")[-1] for v in got.records("Visit")] == [
        f"row {v.location.split(':')[-1]}" for v in expected.records("Visit")
    ]
