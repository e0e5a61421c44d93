"""Reading Parquet event data: checked as columns by DuckDB, built as the reference builds.

Part of the data layer (:mod:`ersl.data`); :mod:`ersl.data.read` calls
:func:`read_parquet` for a ``.parquet`` path (or one in a data folder). A Parquet
file holds either

* records of several types, with a ``type`` column naming each row's type (as
  ``ersl data convert`` writes them, like a JSON Lines file), or
* records of one type, named by the file: ``visit.parquet`` (like ``visit.csv``).

For each record type DuckDB checks every row at once (:mod:`ersl.data.parquet_plan`:
types, enum members, dates, required fields, unknown fields, ids, spans, attribute
records) and converts the rows that pass; they are fetched in chunks and become
records directly. A row that does not pass is fetched with its raw values, turned into
the values JSON would give (text, whole numbers, exact decimals, truth values, lists)
and handed to the reference reader (``reader.record``), which builds it or describes
every problem exactly as for JSON Lines. Rows keep their file order, so everything
after reading (duplicates, references, listings, the canonical order) is as for the
same records in a JSON Lines file. Places are rows: ``file:row N``, N from 1.
"""

from __future__ import annotations

import os
import tempfile
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ersl.data.parquet_plan import TypePlan, category, quote_name, quote_text, sql_list
from ersl.data.problems import Problem
from ersl.data.values import Layout, exact, show
from ersl.diagnostics import did_you_mean

CHUNK_ROWS = 50_000  # rows fetched from DuckDB at a time
_ROW = "__ersl_row"
_EMPTY: frozenset = frozenset()


def read_parquet(reader: Any, file: str, stem: str) -> None:
    """Read one Parquet file into ``reader`` (the JSON Lines/CSV reader of :mod:`ersl.data.read`).

    ``stem`` names the record type of a file without a ``type`` column.
    """
    import duckdb

    reader.files.setdefault(file, len(reader.files))
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        with _plain_name(file) as name:
            _Parquet(reader, con, file, stem, name).read()
    except duckdb.Error as err:  # its footer reads, a data page does not (a damaged file)
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        reader.fatal_count += 1
        reader.problem(
            Problem(
                "E0800",
                f"cannot read {file} as Parquet: {detail}",
                file,
                0,
                column=1,
                help="the file is damaged or not wholly Parquet; write it again "
                "(`ersl data convert` writes one from JSON Lines or CSV)",
            )
        )
    finally:
        con.close()


@contextmanager
def _plain_name(file: str) -> Iterator[str]:
    """A name by which DuckDB reads ``file`` and only it: its own, or — when it has a
    character DuckDB takes for a file pattern (`*`, `?`, `[`, `{`) — a link to it."""
    if not any(c in file for c in "*?[{"):
        yield file
        return
    with tempfile.TemporaryDirectory() as folder:
        link = os.path.join(folder, "data.parquet")
        os.symlink(os.path.abspath(file), link)
        yield link


class _Parquet:
    """One Parquet file being read (``name``: the name DuckDB reads it by)."""

    def __init__(self, reader: Any, con: Any, file: str, stem: str, name: str) -> None:
        self.reader = reader
        self.con = con
        self.file = file
        self.name = name
        self.stem = stem
        self.source = f"(SELECT *, file_row_number + 1 AS {_ROW} FROM read_parquet({quote_text(name)}, file_row_number = true))"

    def read(self) -> None:
        import duckdb

        try:
            described = self.con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({quote_text(self.name)})"
            ).fetchall()
            rows = self.con.execute(
                f"SELECT count(*) FROM read_parquet({quote_text(self.name)})"
            ).fetchone()[0]
        except duckdb.Error as err:
            detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            self.reader.fatal_count += 1
            self.reader.problem(
                Problem(
                    "E0800",
                    f"cannot read {self.file} as Parquet: {detail}",
                    self.file,
                    0,
                    column=1,
                    help="a .parquet file must be a Parquet file; "
                    "`ersl data convert` writes one from JSON Lines or CSV",
                )
            )
            return
        columns = {name: str(duck_type) for name, duck_type, *_ in described}
        cats = {name: category(t) for name, t in columns.items()}
        problems = self._column_problems(columns, cats)
        multi = "type" in columns
        if multi and cats["type"] != "str":
            problems.append(
                self._file_problem(
                    "E0802",
                    f"the column `type` of {os.path.basename(self.file)} is {columns['type']}; "
                    "expected text naming each row's record type",
                )
            )
        if not multi and self.stem not in self.reader.layouts:
            known = sorted(self.reader.infos)
            problems.append(
                self._file_problem(
                    "E0802",
                    f"unknown record type {show(self.stem)} (from the file name "
                    f"{os.path.basename(self.file)}); expected one of {', '.join(known)}",
                    help=did_you_mean(self.stem, known)
                    or "name the file after its record type (visit.parquet), "
                    "or give it a `type` column",
                )
            )
        if problems:
            self.reader.bad_records += rows
            s = "" if rows == 1 else "s"
            for p in problems:
                p.message += f" (the file's {rows} row{s} are not read)" if rows else ""
                self.reader.problem(p)
            return
        wanted = getattr(self.reader, "only", None)  # the types to read (None: all)
        if not multi:
            if wanted is None or self.stem in wanted:
                self._read_type(self.reader.layouts[self.stem], cats, "TRUE")
            return
        found = self.con.execute(
            f"SELECT CAST(type AS VARCHAR) AS t, count(*) FROM {self.source} GROUP BY t ORDER BY t"
        ).fetchall()
        known = self.reader.layouts
        if any(t not in known for t, _ in found):
            self._unknown_types(sorted(known))
        for type_name, _ in found:
            if type_name in known and (wanted is None or type_name in wanted):
                where = f"CAST(type AS VARCHAR) = {quote_text(type_name)}"
                self._read_type(known[type_name], cats, where)

    # ------------------------------------------------------------------ problems
    def _file_problem(self, code: str, message: str, help: str | None = None) -> Problem:
        return Problem(code, message, self.file, 0, column=1, help=help)

    def _column_problems(self, columns: dict[str, str], cats: dict[str, str | None]) -> list:
        """Columns of a type ERSL does not read (floats, timestamps, structs, …)."""
        problems = []
        base = os.path.basename(self.file)
        for name, cat in cats.items():
            if cat == "float" or cat == "list:float":
                problems.append(
                    self._file_problem(
                        "E0806",
                        f"the column `{name}` of {base} holds binary floating-point numbers "
                        f"({columns[name]}), which are not exact; expected DECIMAL, whole "
                        "numbers or text",
                        help="store exact decimals, e.g. DECIMAL(18, 2) (`ersl data convert` "
                        "writes them)",
                    )
                )
            elif cat is None:
                problems.append(
                    self._file_problem(
                        "E0808",
                        f"the column `{name}` of {base} has the type {columns[name]}, which is "
                        "not read; expected text (VARCHAR), whole numbers, DECIMAL, BOOLEAN, "
                        "DATE or a list of these",
                    )
                )
        return problems

    def _unknown_types(self, known: list[str]) -> None:
        """Report every row whose `type` names no record type (as JSON Lines does)."""
        listed = sql_list([quote_text(k) for k in known])
        cursor = self.con.cursor()
        result = cursor.execute(
            f"SELECT {_ROW}, CAST(type AS VARCHAR) FROM {self.source} "
            f"WHERE type IS NULL OR CAST(type AS VARCHAR) NOT IN ({listed}) ORDER BY {_ROW}"
        )
        reader = self.reader
        while chunk := result.fetchmany(CHUNK_ROWS):
            for row, type_name in chunk:
                reader.bad_records += 1
                reader._unknown_type(type_name, self.file, row)
        cursor.close()

    # ------------------------------------------------------------------ one type
    def _read_type(self, layout: Layout, cats: dict[str, str | None], where: str) -> None:
        """Read the rows of one record type: good rows built directly, others the reference way."""
        reader = self.reader
        columns = {name: cat for name, cat in cats.items() if name != "type"}
        plan = TypePlan(
            layout.info,
            columns,
            reader.enums,
            layout.required,
            layout.attribute_indexes,
            layout.span_indexes,
        )
        present = [p for p in plan.fields if p.value != "NULL"]
        good_sql = (
            f"SELECT {', '.join([_ROW] + [p.value for p in present])} FROM {self.source} "
            f"WHERE ({where}) AND ({plan.ok})"
        )
        raw_cols = plan.raw_columns
        bad_sql = (
            f"SELECT {', '.join([_ROW] + [quote_name(c) for c in raw_cols])} FROM {self.source} "
            f"WHERE ({where}) AND NOT ({plan.ok}) ORDER BY {_ROW}"
        )
        build = _compile_build(layout, plan)
        append = reader.recs[layout.info.data_name].append
        to_raw = [_raw_converter(columns[c]) for c in raw_cols]
        file = self.file

        def slow(row: tuple) -> None:
            raw = {}
            for name, convert, value in zip(raw_cols, to_raw, row[1:], strict=True):
                if value is not None:
                    raw[name] = convert(value)
            reader.record(layout, raw, file, row[0])

        good_cursor, bad_cursor = self.con.cursor(), self.con.cursor()
        try:
            bad = _rows(bad_cursor.execute(bad_sql))
            pending = next(bad, None)
            for chunk in _chunks(good_cursor.execute(good_sql)):
                last = chunk[-1][0]
                if pending is None or pending[0] > last:
                    build(chunk, file, append)
                    continue
                start = 0
                while pending is not None and pending[0] <= last:
                    cut = bisect_left(chunk, pending[0], lo=start, key=_first)
                    build(chunk[start:cut], file, append)
                    slow(pending)
                    pending = next(bad, None)
                    start = cut
                build(chunk[start:], file, append)
            while pending is not None:
                slow(pending)
                pending = next(bad, None)
        finally:
            good_cursor.close()
            bad_cursor.close()


def _first(row: tuple) -> int:
    return row[0]


def _chunks(result: Any) -> Iterator[list]:
    while chunk := result.fetchmany(CHUNK_ROWS):
        yield chunk


def _rows(result: Any) -> Iterator[tuple]:
    for chunk in _chunks(result):
        yield from chunk


def _raw_converter(cat: str | None):
    """The value JSON would give for a Parquet value of kind ``cat`` (for the reference way)."""
    if cat is not None and cat.startswith("list:"):
        element = _raw_converter(cat[5:])
        return lambda values: [None if v is None else element(v) for v in values]
    if cat == "dec":
        return lambda v: Fraction(v) if isinstance(v, Decimal) else v
    if cat == "date":
        return lambda v: v.isoformat() if isinstance(v, date) else str(v)
    return lambda v: v


class _Days(dict):
    """Dates by ordinal, each made once: records share them (as the JSON reader's do)."""

    def __missing__(self, ordinal: int) -> date:
        day = self[ordinal] = date.fromordinal(ordinal)
        return day


def _compile_build(layout: Layout, plan: TypePlan):
    """A function turning fetched good rows into records (generated once per type and file).

    Only the text written here is executed; every name in it is generated.
    """
    info = layout.info
    namespace: dict[str, Any] = {
        "INFO": info,
        "make": layout.make,
        "EMPTY": _EMPTY,
        "exact": exact,
        "D": _Days(),
    }
    names = []
    values = []
    for i, field_plan in enumerate(plan.fields):
        post = field_plan.post
        if field_plan.value == "NULL":
            values.append("EMPTY" if post.startswith("set") else "None")
            continue
        a = f"a{i}"
        names.append(a)
        if post == "number":
            values.append(f"None if {a} is None else exact({a})")
        elif post == "date":
            values.append(f"None if {a} is None else D[{a}]")
        elif post == "member":
            namespace[f"M{i}"] = {None: None, **{m: m for m in field_plan.members}}
            values.append(f"M{i}[{a}]")
        elif post == "set_member":
            namespace[f"M{i}"] = {m: m for m in field_plan.members}
            values.append(f"frozenset(map(M{i}.__getitem__, {a})) if {a} else EMPTY")
        elif post == "set":
            values.append(f"frozenset({a}) if {a} else EMPTY")
        else:
            values.append(a)
    id_ = '""' if info.id_index is None else f"({values[info.id_index]})"
    body = [
        "def build(rows, file, append):",
        f"    for n, {''.join(f'{a}, ' for a in names)}in rows:",
        f"        append(make(INFO, {id_}, ({''.join(f'{v}, ' for v in values)}), file, n))",
    ]
    exec("\n".join(body), namespace)
    return namespace["build"]
