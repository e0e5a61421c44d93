"""Data straight into DuckDB tables, for the columnar engine (issue 14).

Part of the data layer (:mod:`ersl.data`). When DuckDB certainly reads every input as
the reader does (Parquet; JSON Lines and CSV files that :mod:`ersl.data.table_text`
accepts) and the data is provably clean, :func:`read_tables` makes one DuckDB table
per record type from the files — the rows converted by the same SQL the Parquet reader
uses for its good rows (:mod:`ersl.data.parquet_plan`) — and returns a
`TableDataset`: the small record types (providers, their attributes, indicator
results: types that refer only to small types) read as records by the reference
reader itself (their lines of a JSON Lines file, their CSV files), the big ones
(patients, listings, events, …) only as tables. The columnar engine's `TableStore`
(`ersl.columnar.store_tables`) works on those tables; asking the dataset for records
of a big type raises `NeedsRecords`, and the caller (`Contract.settle`) then reads the
data as records and settles again from scratch — correct, just slower.

"Provably clean" means: every row passes the reader's row checks (``plan.ok``), and
the whole-data checks (:mod:`ersl.data.sql_checks`) find no duplicate id, unknown
reference, same-day attribute records, overlapping listings or repeated indicator
result; registration history, ``--skip-invalid`` and ``--as-of`` are never in play
(their fields fail ``plan.ok``). Otherwise :func:`read_tables` says why, and the data
is read as records, with the reference's diagnostics.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ersl import types as T
from ersl.data import sql_checks, table_text
from ersl.data.dataset import Dataset
from ersl.data.parquet_plan import FieldPlan, TypePlan, category, quote_name, quote_text
from ersl.data.read import read_types
from ersl.data.values import Layout, symbols_of, type_infos
from ersl.paths import is_dir, is_file

SMALL_ROWS = 100_000
"""A record type with more rows than this is big (never read as records)."""

_ROW = "__ersl_row"
_NUMBERS = (T.DECIMAL, T.MONEY, T.PERCENT, T.PP)


class NeedsRecords(BaseException):  # noqa: N818 - a signal, not an error
    """Records of a big type were asked of a `TableDataset`: read the data as records
    (`TableDataset.as_records`) and settle again.

    A `BaseException`, so that no `except Exception` on the way (a batch falling back
    unit by unit) takes it for a problem of the settlement: it always reaches
    `Contract.settle`."""


def sql_type(t: T.Type) -> str:
    """The column type of a field of type ``t`` in a type's table: numbers as the text
    of their exact decimal (scaled where they are used), references as ids."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        return "VARCHAR[]"
    if t in (T.DATE, T.MONTH):
        return "DATE"
    if t == T.BOOL:
        return "BOOLEAN"
    if t == T.INT:
        return "HUGEINT"
    return "VARCHAR"


def _column_sql(plan: FieldPlan, t: T.Type) -> str:
    """The converted value of one field as SQL of its `sql_type` (what the reader's
    build makes of ``plan.value``; a set may be NULL for the empty set: a list costs
    memory in every row)."""
    column_type = sql_type(t)
    if plan.value == "NULL":
        return f"CAST(NULL AS {column_type})"
    if plan.post == "date":
        return f"CAST(DATE '0001-01-01' + CAST(({plan.value}) - 1 AS INTEGER) AS DATE)"
    if plan.post in ("set", "set_member"):
        return f"list_sort(list_distinct(CAST(({plan.value}) AS VARCHAR[])))"
    return f"CAST(({plan.value}) AS {column_type})"


def _files(paths: list) -> tuple[list[tuple[str, str, str]], str | None]:
    """The files of the inputs as (file, stem, format: parquet, csv or jsonl) — a
    folder's CSV and Parquet files by name, as the reader reads them — and why they are
    left to the reader (without files: the reader says what is wrong)."""
    found = []
    for path in paths:
        shown = os.fspath(path)
        p = Path(path)
        if is_dir(p):
            files = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix in (".csv", ".parquet")
            )
            if not files:
                return [], f"the folder {shown} holds no data files"
            found += [(os.path.join(shown, f.name), f.stem, f.suffix[1:]) for f in files]
        elif is_file(p):
            kind = p.suffix[1:] if p.suffix in (".csv", ".parquet") else "jsonl"
            found.append((shown, p.stem, kind))
        else:
            return [], f"{shown} is no file"
    if not found:
        return [], "no data"
    for file, _, _ in found:
        if any(c in file for c in "*?[{"):  # DuckDB's readers would take it as a pattern
            return found, f"the name {file} has a character of file patterns"
    return found, None


class _Tables:
    """Building the tables of one run: the row checks, then one table per type."""

    def __init__(self, con: Any, checked: Any) -> None:
        self.con = con
        symbols = symbols_of(checked)
        self.enums = {
            name: tuple(m.name for m in decl.members) for name, decl in symbols.enums.items()
        }
        self.infos = type_infos(symbols)
        self.layouts = {name: Layout(info, self.enums) for name, info in self.infos.items()}
        #: per data name: (SQL of the rows of one file, …)
        self.parts: dict[str, list[str]] = {name: [] for name in self.infos}
        self.files: list[str] = []  # by number
        self.texts: dict[str, str] = {}  # JSON Lines file → the table of its lines

    def lines_of(self, data_names: set[str]) -> dict[str, list[tuple[int, str]]]:
        """The lines of records of the given types in each JSON Lines file, numbered
        (the reader reads them); the files' lines are let go."""
        wanted = ", ".join(map(quote_text, sorted(data_names))) or "NULL"
        found = {}
        for file, table in self.texts.items():
            rows = self.con.execute(
                f"SELECT __ersl_row, line FROM {table} WHERE j.type IN ({wanted}) "
                "ORDER BY __ersl_row"
            ).fetchall()
            found[file] = [(n, line.removesuffix("\r") + "\n") for n, line in rows]
            self.con.execute(f"DROP TABLE {table}")
        return found

    def add_file(self, number: int, file: str, stem: str, kind: str) -> str | None:
        """Check one file's rows; remember how to select its converted rows."""
        if kind == "jsonl":
            always_big = _big_types(self, None)
            keep = {n for n, info in self.infos.items() if info.name not in always_big}
            found = table_text.jsonl_types(self.con, file, f"text_{number}", self.layouts, keep)
            if isinstance(found, str):
                return found
            self.texts[file] = f"text_{number}"
            for data_name, (source, cats, check) in found.items():
                self._add_type(number, source, data_name, cats, "TRUE", check)
            return None
        if kind == "csv":
            found = table_text.csv_type(self.con, file, stem, self.layouts)
            if isinstance(found, str):
                return found
            data_name, (source, cats, check) = found
            self._add_type(number, source, data_name, cats, "TRUE", check)
            return None
        return self._add_parquet(number, file, stem)

    def _add_parquet(self, number: int, file: str, stem: str) -> str | None:
        import duckdb

        read = f"read_parquet({quote_text(file)})"
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()
        except duckdb.Error:
            return f"{file} cannot be read as Parquet"
        cats = {name: category(str(t)) for name, t, *_ in described}
        if any(cat in (None, "float", "list:float") for cat in cats.values()):
            return f"{file} has a column the reader refuses"
        source = (
            f"(SELECT *, file_row_number + 1 AS {_ROW} FROM "
            f"read_parquet({quote_text(file)}, file_row_number = true))"
        )
        if "type" not in cats:
            if stem not in self.layouts:
                return f"{file} is named after no record type"
            return self._add_type(number, source, stem, cats, "TRUE")
        if cats["type"] != "str":
            return f"the column `type` of {file} is not text"
        found = self.con.execute(f"SELECT DISTINCT CAST(type AS VARCHAR) FROM {source}").fetchall()
        types = [t for (t,) in found]
        if any(t not in self.layouts for t in types):
            return f"{file} has a row of no known record type"
        for type_name in sorted(types):
            where = f"CAST(type AS VARCHAR) = {quote_text(type_name)}"
            self._add_type(number, source, type_name, cats, where)
        return None

    def _add_type(
        self, number: int, source: str, data_name: str, cats: dict, where: str, check="TRUE"
    ) -> None:
        """Remember how to select one type's converted rows of a file (``source``, its
        columns of kinds ``cats``; ``check``: SQL the rows must pass besides the plan's)."""
        layout = self.layouts[data_name]
        info = layout.info
        columns = {name: cat for name, cat in cats.items() if name != "type"}
        plan = TypePlan(
            info,
            columns,
            self.enums,
            layout.required,
            layout.attribute_indexes,
            layout.span_indexes,
        )
        values = [
            f"{_column_sql(p, t)} AS {quote_name(f)}"
            for p, f, t in zip(plan.fields, info.fields, info.types, strict=True)
        ]
        # One scan: the converted values and whether the row passes (`create` looks).
        self.parts[data_name].append(
            f"SELECT {number} AS __file, {_ROW} AS __row, "
            f"coalesce(({plan.ok}) AND ({check}), FALSE) AS __ok, {', '.join(values)} "
            f"FROM {source} WHERE {where}"
        )

    def create(self, data_name: str) -> tuple[str, str | None]:
        """CREATE the table of a type (every file's rows; empty without any); its name,
        and why not, if a row does not pass the reader's row checks."""
        info = self.infos[data_name]
        name = f"data_{data_name}"
        parts = self.parts[data_name]
        if not parts:
            columns = ", ".join(
                f"{quote_name(f)} {sql_type(t)}"
                for f, t in zip(info.fields, info.types, strict=True)
            )
            self.con.execute(
                f"CREATE TABLE {name} (__file INTEGER, __row BIGINT, __ok BOOLEAN, {columns})"
            )
            return name, None
        self.con.execute(f"CREATE TABLE {name} AS {' UNION ALL '.join(parts)}")
        bad = self.con.execute(
            f"SELECT __file, min(__row) FROM {name} WHERE NOT __ok GROUP BY __file "
            "ORDER BY __file LIMIT 1"
        ).fetchall()
        if bad:
            number, row = bad[0]
            return name, f"{self.files[number]}:row {row} needs the reader's own checks"
        return name, None


def _clean(tables: _Tables, names: dict[str, str]) -> str | None:
    """Why the whole-data checks might find something (None: they cannot)."""
    con, infos, layouts = tables.con, tables.infos, tables.layouts
    entity_tables = {info.name: names[n] for n, info in infos.items() if info.is_entity}
    for data_name in sorted(infos):
        info = infos[data_name]
        reason = sql_checks.duplicate_ids(con, names[data_name], info) or (
            sql_checks.unknown_references(con, names[data_name], layouts[data_name], entity_tables)
        )
        if info.kind == "attribute":
            reason = reason or sql_checks.conflicting_attributes(con, names[data_name], info)
        if reason:
            return reason
    listing = infos.get("listing")
    if listing is not None and listing.name == "Listing":
        reason = sql_checks.overlapping_listings(con, names["listing"])
        if reason:
            return reason
    results = infos.get("indicator_result")
    if results is not None:
        return sql_checks.repeated_indicator_results(con, names["indicator_result"], results)
    return None


def _big_types(tables: _Tables, rows: dict[str, int] | None) -> dict[str, str]:
    """The big types (schema name → why): patients, events and spans, types with more
    than `SMALL_ROWS` rows, and every type that refers to a big one; never a type
    without rows. Without ``rows``: the types big whatever their number of rows."""
    big: dict[str, str] = {}
    for data_name, info in tables.infos.items():
        if rows is not None and not rows[data_name]:
            continue  # no records: as records, nothing (a batch asks for none)
        if info.name == "Patient":
            big[info.name] = "patients are many"
        elif info.kind in ("event", "span"):
            big[info.name] = f"{info.kind}s are many"
        elif rows is not None and rows[data_name] > SMALL_ROWS:
            big[info.name] = f"{rows[data_name]} records"
    changed = True
    while changed:
        changed = False
        for data_name, info in tables.infos.items():
            if info.name in big or (rows is not None and not rows[data_name]):
                continue
            for _, target, _ in tables.layouts[data_name].refs:
                if target in big:
                    big[info.name] = f"it refers to {target}"
                    changed = True
                    break
    return big


def read_tables(paths: Any, checked: Any) -> TableDataset | str | None:
    """The data as DuckDB tables (`TableDataset`), or why it must be read as records;
    None when an input is no file or folder of data (the reader says what is wrong)."""
    import duckdb

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    files, reason = _files(paths)
    if reason:
        return reason if files else None
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        tables = _Tables(con, checked)
        tables.files = [file for file, _, _ in files]
        for number, (file, stem, kind) in enumerate(files):
            reason = tables.add_file(number, file, stem, kind)
            if reason:
                con.close()
                return reason
        names = {}
        for data_name in tables.infos:
            names[data_name], reason = tables.create(data_name)
            if reason:
                con.close()
                return reason
        reason = _clean(tables, names)
        if reason:
            con.close()
            return reason
        rows = {
            n: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for n, t in names.items()
        }
        big = _big_types(tables, rows)
        small = {n for n, info in tables.infos.items() if info.name not in big}
        records = read_types(paths, checked, only=small, lines=tables.lines_of(small))
    except duckdb.Error as error:  # a file DuckDB reads in part: the reader says why
        con.close()
        first = str(error).strip().splitlines()[0] if str(error).strip() else "an error"
        return f"DuckDB could not make the tables ({first})"
    except (OSError, UnicodeError) as error:  # a CSV header: the reader says why
        con.close()
        return f"the files cannot be read ({error})"
    except BaseException:
        con.close()
        raise
    by_name = {info.name: names[n] for n, info in tables.infos.items()}
    return TableDataset(records, big, con, by_name, paths, checked)


class _Guarded(dict):
    """Records by schema name; asking for those of a big type raises `NeedsRecords`."""

    def __init__(self, records: dict, big: dict[str, str]) -> None:
        super().__init__(records)
        self.big = big

    def _need(self, name: str) -> None:
        raise NeedsRecords(f"the settlement asked for {name} records ({self.big[name]})")

    def get(self, name, default=None):  # type: ignore[override]
        """The records of a small type; `NeedsRecords` for a big one."""
        if name in self.big:
            self._need(name)
        return super().get(name, default)

    def __getitem__(self, name):
        if name in self.big:
            self._need(name)
        return super().__getitem__(name)

    def items(self):  # type: ignore[override]
        """Every type's records: a big type's need reading."""
        if self.big:
            self._need(min(self.big))
        return super().items()

    def values(self):  # type: ignore[override]
        """Every type's records: a big type's need reading."""
        if self.big:
            self._need(min(self.big))
        return super().values()


class TableDataset(Dataset):
    """The run's data as DuckDB tables, with the small types' records.

    Behaves as the `Dataset` read the reference way for the small types (same
    builder, so the same records); any question about a big type's records raises
    `NeedsRecords`. ``con`` holds a table per type (``tables``, by schema name) with
    the converted fields (numbers as exact decimal text, references as ids), ``__file``
    (the input's position) and ``__row`` (the row in its file, from 1).
    """

    def __init__(
        self,
        small: Dataset,
        big: dict[str, str],
        con: Any,
        tables: dict[str, str],
        paths: list,
        checked: Any,
    ) -> None:
        super().__init__(
            small._infos,
            _Guarded(small._records, big),
            by_id={name: table for name, table in small._by_id.items() if name not in big},
        )
        self.big = big
        self.con = con
        self.records_read: Dataset | None = None
        """The records, once read (`as_records`); the tables are closed then."""
        self._stores = 0
        self.tables = tables
        self.paths = paths
        self.checked = checked

    def small_types(self) -> list[str]:
        """The schema names of the types read as records (attribute types included)."""
        return sorted(n for n in self._records if n not in self.big)

    def report(self) -> str:
        """What `ersl run --verbose` says of the data."""
        read = [n for n in self.small_types() if n in self._records and self._records[n]]
        return (
            f"DuckDB tables straight from the files; read as records: {', '.join(read) or 'none'}"
        )

    def as_records(self) -> Dataset:
        """The same data read the reference way (once: the tables are let go first, and
        a settlement of this dataset afterwards settles those records)."""
        if self.records_read is None:
            self.con.close()
            from ersl.data.read import read_data

            self.records_read = read_data(self.paths, self.checked)
        return self.records_read

    def store_prefix(self) -> str:
        """A prefix for one columnar store's tables, unique in the connection (each
        settlement of the dataset makes its own)."""
        self._stores += 1
        return f"s{self._stores}"

    def as_records_with(self, pause: Any) -> Dataset:
        """`as_records` inside the context ``pause`` (`ersl.gcpause.bulk_work`)."""
        with pause():
            return self.as_records()

    def __repr__(self) -> str:
        return f"TableDataset(tables: {', '.join(sorted(self.tables))})"
