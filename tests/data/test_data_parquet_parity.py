"""Data validation parity: Parquet input gives the diagnostics JSON Lines gives.

The messy data of `test_data_speed_paths.py` (bad dates, numbers as text, unknown
fields and types, wrong kinds of values, unhashable values, duplicate ids…) is written
twice, row for line: as JSON Lines, and as a Parquet file where it can be — a
column holds one kind of value, so a record whose value is of another kind than
the rest of its column (text among whole numbers, a JSON object), and lines that
are no single JSON object, are left out of both. Reading the two must give the same
outcome: the same errors (code, message, help, notes, in the same order of rows),
or the same dataset, skipped problems and timelines. The one difference is the
naming rule: a JSON Lines line is `data.jsonl:N` (with a column), a Parquet row
`data.parquet:row N`.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest
from test_data_speed_paths import EXT, _lines, _snapshot

import ersl.data.read_parquet as parquet_reader
from ersl.data import read_data
from ersl.data.values import exact, no_constant
from ersl.errors import ErslError

DECODER = json.JSONDecoder(parse_float=exact, parse_constant=no_constant)


def _kind(value, typed: bool = False) -> str | None:
    """The Parquet column kind a JSON value needs, or None if none holds it.

    ``typed``: a plain, real date (``2022-03-01``) goes in a DATE column.
    """
    if value is None:
        return "null"
    if typed and isinstance(value, str) and _is_date(value):
        return "date"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, Fraction):
        return "dec"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        kinds = {_kind(v) for v in value} - {"null"}
        if (
            len(kinds) > 1
            or kinds & {None, "list", "dec"}
            or any(k and k.startswith("list") for k in kinds)
        ):
            return None
        return "list:" + (kinds.pop() if kinds else "any")
    return None


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) or text < "0001":
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _objects(lines: list[str]) -> list[dict]:
    """The lines that are exactly one JSON object."""
    found = []
    for line in lines:
        try:
            obj = DECODER.decode(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            found.append(obj)
    return found


def _representable(objects: list[dict], typed: bool) -> tuple[list[dict], dict[str, str]]:
    """The objects a Parquet file can hold, and each column's kind (the commonest)."""
    counts: dict[str, dict[str, int]] = {}
    for obj in objects:
        for key, value in obj.items():
            kind = _kind(value, typed)
            if kind not in (None, "null", "list:any"):
                counts.setdefault(key, {}).setdefault(kind, 0)
                counts[key][kind] += 1
            elif kind == "list:any":
                counts.setdefault(key, {})
    columns = {
        key: max(sorted(kinds), key=lambda k: kinds[k]) if kinds else "list:str"
        for key, kinds in counts.items()
    }
    kept = []
    for obj in objects:
        kinds = {key: _kind(value, typed) for key, value in obj.items()}
        if all(
            k == "null"
            or k == columns[key]
            or (k == "list:any" and columns[key].startswith("list"))
            for key, k in kinds.items()
        ):
            kept.append(obj)
    return kept, columns


_DUCK = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "list:str": "VARCHAR[]",
    "list:int": "BIGINT[]",
    "list:bool": "BOOLEAN[]",
}


def _write_both(objects: list[dict], folder: Path, typed: bool = False) -> tuple[Path, Path]:
    """The objects as data.jsonl and data.parquet, line N = row N."""
    kept, columns = _representable(objects, typed)
    jsonl = folder / "data.jsonl"
    jsonl.write_text(
        "".join(json.dumps(_plain(o), ensure_ascii=False) + "\n" for o in kept), encoding="utf-8"
    )
    names = sorted(columns)
    types = []
    for name in names:
        if columns[name] == "dec":
            scale = max(
                (
                    len(str(float(v)).split(".")[1])
                    for o in kept
                    if isinstance(v := o.get(name), Fraction)
                ),
                default=0,
            )
            scale = max(scale, 2)
            types.append(f"DECIMAL(18, {scale})")
        else:
            types.append(_DUCK[columns[name]])
    parquet = folder / "data.parquet"
    con = duckdb.connect()
    con.execute("SET threads = 1")
    cols = ", ".join(f'"{n}" {t}' for n, t in zip(names, types, strict=True))
    con.execute(f"CREATE TABLE t (__n BIGINT, {cols})")
    rows = []
    for n, obj in enumerate(kept):
        row = [n]
        for name in names:
            value = obj.get(name)
            row.append(
                str(value.numerator / value.denominator) if isinstance(value, Fraction) else value
            )
        rows.append(row)
    if rows:
        marks = ", ".join("?" for _ in range(len(names) + 1))
        con.executemany(f"INSERT INTO t VALUES ({marks})", rows)
    con.execute(
        f"COPY (SELECT * EXCLUDE (__n) FROM t ORDER BY __n) TO '{parquet}' (FORMAT parquet)"
    )
    con.close()
    return jsonl, parquet


def _plain(obj: dict) -> dict:
    """JSON for a decoded object: exact decimals written back as numbers."""
    return {k: float(v) if isinstance(v, Fraction) else v for k, v in obj.items()}


def _outcome(path: Path, skip: bool, name: str) -> tuple:
    """Everything observable of one read, with places named alike."""
    try:
        data = read_data([path], EXT, skip_invalid=skip)
    except ErslError as err:
        return ("error", [_diagnostic(d, name) for d in err.diagnostics])
    dump, records, timelines, skipped, count = _snapshot(data)
    records = [(t, i, _same_place(loc, name), v) for t, i, loc, v in records]
    skipped = [
        (code, _same_place(message, name), _row_of(span), help)
        for code, message, span, help in skipped
    ]
    return ("data", dump, records, timelines, sorted(skipped), count)


def _same_place(text: str, name: str) -> str:
    return text.replace(f"{name}:row ", "FILE:").replace(f"{name}:", "FILE:")


def _row_of(span: str) -> int:
    return int(span.split(":row ")[1]) if ":row " in span else int(span.split(":")[-2])


def _diagnostic(d, name: str) -> tuple:
    return (
        d.span.line,
        d.code,
        _same_place(d.message, name),
        d.help,
        tuple((n.span.line, n.message) for n in d.notes),
    )


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("skip", [False, True])
def test_parquet_and_json_lines_give_the_same_diagnostics(
    tmp_path: Path, seed: int, skip: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text dates in even seeds, DATE columns in odd ones; odd seeds also fetch the rows
    that pass in chunks of 7, so the rows that do not are merged in between chunks."""
    if seed % 2:
        monkeypatch.setattr(parquet_reader, "CHUNK_ROWS", 7)
    objects = _objects(_lines(random.Random(seed), 150))
    jsonl, parquet = _write_both(objects, tmp_path, typed=bool(seed % 2))
    expected = _outcome(jsonl, skip, str(jsonl))
    got = _outcome(parquet, skip, str(parquet))
    if expected[0] == "error":
        assert got[0] == "error"
        assert sorted(got[1]) == sorted(expected[1])
    else:
        assert got == expected
