"""Writing a `Dataset` as one Parquet file (``ersl data convert``): typed, canonical, stable bytes.

Part of the data layer (:mod:`ersl.data`). The file holds every record of the
dataset, as the canonical JSON Lines dump (:func:`ersl.data.dump.dump_jsonl`)
does: a ``type`` column, then one column per field name of the schema's types,
rows in the dump's order (types in a fixed order, records in canonical order,
attribute records per entity and date), absent values null. Columns are typed:

==========================================  =========================================
field type                                  column
==========================================  =========================================
text, codes, enums, references              VARCHAR (a reference is the entity's id)
int                                         BIGINT (VARCHAR beyond 64 bits)
decimal, money, percent, pp, rates          DECIMAL(18, s) or DECIMAL(38, s), s the
                                            most decimals any value has (VARCHAR
                                            past 38 digits)
date                                        DATE
month                                       VARCHAR ``YYYY-MM``
bool                                        BOOLEAN
set of T                                    VARCHAR[] (members as text, sorted)
==========================================  =========================================

A field name with different column types in two record types is VARCHAR (the
values' text, read back like CSV cells). The same dataset always gives the same
bytes: DuckDB writes the file on one thread, zstd-compressed, from rows in a fixed
order. Reading the file back gives an equal `Dataset`.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from ersl import types as T
from ersl.data.dataset import Dataset
from ersl.data.dump import _absent, _attribute_rows, _dump_order, _text_writer
from ersl.data.parquet_plan import quote_name, quote_text

__all__ = ["dump_parquet"]

_NUMBER_NAMES = ("decimal", "money", "percent", "pp")


def _kind(t: T.Type) -> str:
    """The column kind of a field type: varchar, bigint, decimal, date, boolean, list."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        return "list"
    if t == T.DATE:
        return "date"
    if t == T.BOOL:
        return "boolean"
    if t == T.INT:
        return "bigint"
    if getattr(t, "name", None) in _NUMBER_NAMES or isinstance(t, T.Rate):
        return "decimal"
    return "varchar"


def dump_parquet(dataset: Dataset, path: str | os.PathLike) -> int:
    """Write ``dataset`` to the Parquet file ``path``; returns the number of rows written."""
    import duckdb

    names = _dump_order(dataset)
    columns: dict[str, set[str]] = {}  # field name -> the column kinds of its types
    for name in names:
        info = dataset._infos[name]
        for f, t in zip(info.fields, info.types, strict=True):
            columns.setdefault(f, set()).add(_kind(t))
    kinds = {f: next(iter(k)) if len(k) == 1 else "varchar" for f, k in columns.items()}
    con = duckdb.connect()
    rows = 0
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET threads = 1")  # one writer: the same bytes every time
        with tempfile.TemporaryDirectory(prefix="ersl-convert-") as folder:
            selects = []
            for n, name in enumerate(names):
                info = dataset._infos[name]
                csv_path = Path(folder) / f"{n}.csv"
                count = _write_csv(dataset, name, csv_path)
                if not count:
                    continue
                rows += count
                selects.append((n, info, csv_path))
            types = _column_types(con, kinds, selects)
            parts = []
            for n, info, csv_path in selects:
                cells = [f"{quote_text(info.data_name)} AS type"]
                for f in kinds:
                    if f in info.index:
                        cells.append(
                            f"{_cast(quote_name(f), kinds[f], types[f])} AS {quote_name(f)}"
                        )
                    else:
                        cells.append(f"CAST(NULL AS {types[f]}) AS {quote_name(f)}")
                parts.append(
                    f"SELECT {', '.join(cells)}, {n} AS __t, __n FROM {_source(csv_path, info.fields)}"
                )
            if not parts:
                cells = ", ".join(
                    ["CAST(NULL AS VARCHAR) AS type"]
                    + [f"CAST(NULL AS {types[f]}) AS {quote_name(f)}" for f in kinds]
                )
                query = f"SELECT {cells} WHERE FALSE"
            else:
                keep = ", ".join(["type"] + [quote_name(f) for f in kinds])
                query = f"SELECT {keep} FROM ({' UNION ALL '.join(parts)}) ORDER BY __t, __n"
            con.execute(
                f"COPY ({query}) TO {quote_text(os.fspath(path))} "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
    finally:
        con.close()
    return rows


def _write_csv(dataset: Dataset, name: str, path: Path) -> int:
    """One type's records as CSV text cells (the CSV dump's forms) with a row number."""
    info = dataset._infos[name]
    writers = [_text_writer(t) for t in info.types]
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["__n", *info.fields])
        if info.kind == "attribute":
            by_field = dict(zip(info.fields, writers, strict=True))
            for entity, day, values in _attribute_rows(dataset, info):
                count += 1
                out.writerow(
                    [count, entity.id, day.isoformat()]
                    + [
                        "" if (v := values.get(f)) is None else by_field[f](v)
                        for f in info.fields[2:]
                    ]
                )
            return count
        for record in dataset._records[name]:
            count += 1
            out.writerow(
                [count]
                + ["" if _absent(v) else w(v) for w, v in zip(writers, record.values, strict=True)]
            )
    return count


def _source(csv_path: Path, fields: tuple[str, ...]) -> str:
    """DuckDB's reading of one of the CSV files: every cell text, empty cells null."""
    types = ", ".join(f"{quote_text(f)}: 'VARCHAR'" for f in ("__n", *fields))
    return (
        f"(SELECT * REPLACE (CAST(__n AS BIGINT) AS __n) FROM read_csv({quote_text(str(csv_path))}, "
        f"header = true, delim = ',', quote = '\"', escape = '\"', columns = {{{types}}}, "
        "auto_detect = false))"
    )


def _column_types(con: Any, kinds: dict[str, str], selects: list) -> dict[str, str]:
    """The DuckDB type of every column; decimals sized to the values they hold."""
    types: dict[str, str] = {}
    for f, kind in kinds.items():
        if kind == "decimal":
            types[f] = _decimal_type(con, _values(f, selects))
        else:
            types[f] = {
                "varchar": "VARCHAR",
                "bigint": "BIGINT",
                "date": "DATE",
                "boolean": "BOOLEAN",
                "list": "VARCHAR[]",
            }[kind]
        if kind == "bigint" and _too_long(con, _values(f, selects)):
            types[f] = "VARCHAR"
            kinds[f] = "varchar"
    return types


def _values(f: str, selects: list) -> str | None:
    """SQL: the text values ``x`` of column ``f`` over every type that has it."""
    x = quote_name(f)
    parts = [
        f"SELECT {x} AS x FROM {_source(p, info.fields)}"
        for _, info, p in selects
        if f in info.index
    ]
    return " UNION ALL ".join(parts) if parts else None


def _decimal_type(con: Any, union: str | None) -> str:
    """DECIMAL(18 or 38, s) for the values of a decimal column; VARCHAR if they do not fit."""
    if union is None:
        return "DECIMAL(18, 0)"
    scale, whole, odd = con.execute(
        "SELECT coalesce(max(CASE WHEN position('.' IN x) > 0 "
        "THEN length(x) - position('.' IN x) ELSE 0 END), 0), "
        "coalesce(max(length(split_part(ltrim(x, '-'), '.', 1))), 1), "
        "coalesce(bool_or(NOT regexp_full_match(x, '-?[0-9]+([.][0-9]+)?')), FALSE) "
        f"FROM ({union}) WHERE x IS NOT NULL"
    ).fetchone()
    if odd or scale + whole > 38:
        return "VARCHAR"
    return f"DECIMAL({18 if scale + whole <= 18 else 38}, {scale})"


def _too_long(con: Any, union: str | None) -> bool:
    """Whether a whole-number column holds a value beyond 64 bits."""
    if union is None:
        return False
    return bool(
        con.execute(
            f"SELECT coalesce(bool_or(try_cast(x AS BIGINT) IS NULL), FALSE) FROM ({union}) "
            "WHERE x IS NOT NULL"
        ).fetchone()[0]
    )


def _cast(x: str, kind: str, duck_type: str) -> str:
    """SQL turning one CSV text cell into its column type."""
    if duck_type == "VARCHAR" or kind == "varchar":
        return x
    if kind == "list":
        return f"CASE WHEN {x} IS NULL THEN NULL ELSE string_split({x}, ';') END"
    if kind == "boolean":
        return f"({x} = 'true')"
    return f"CAST({x} AS {duck_type})"
