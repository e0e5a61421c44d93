"""The columnar `Store` made from the data's own DuckDB tables (`TableDataset`).

When the data came straight from its files (:mod:`ersl.data.table_data`), the run's
tables are already in DuckDB, one per record type, with converted fields (references
as ids, numbers as the text of their exact decimal). `TableStore` answers the same
questions as `Store` — listings, entity field intervals, event tables, column kinds —
with SQL on those tables, never making a Python object per unit:

* entity codes are positions in the canonical order, by id (`row_number()` over the
  ids: DuckDB compares VARCHAR byte by byte, which is Python's code-point order), so
  they agree with the small types' records (`data.providers()`);
* a decimal column is scaled by 10^s, s the most decimals among its values (trailing
  zeros do not count), exactly as `Store` scales `Fraction`s;
* an entity field's intervals are the entity row's value from the beginning of time
  until the first attribute record, then each attribute record until the next
  (`lead()`), as `Store.field_table` builds them from timelines.
"""

from __future__ import annotations

import duckdb

from ersl import types as T
from ersl.columnar.store import FOREVER, ColumnKind, Store, date_sql
from ersl.columnar.values import NotCompiled
from ersl.data.parquet_plan import quote_name
from ersl.data.table_data import TableDataset

_NUMBERS = (T.DECIMAL, T.MONEY, T.PERCENT, T.PP)
_START = "DATE '0001-01-01'"


def _decimals(text: str) -> str:
    """SQL: the decimals of a number's text that count (trailing zeros do not)."""
    return f"length(rtrim(split_part({text}, '.', 2), '0'))"


def _numerator(text: str, scale: int) -> str:
    """SQL: the number written ``text`` (``[+-]digits[.digits]``) × 10^scale, exactly."""
    whole = f"CAST(ltrim(split_part({text}, '.', 1), '+-') AS HUGEINT)"
    if scale:
        part = f"rpad(rtrim(split_part({text}, '.', 2), '0'), {scale}, '0')"
        magnitude = f"({whole} * {10**scale} + CAST({part} AS HUGEINT))"
    else:
        magnitude = whole
    return f"(CASE WHEN starts_with({text}, '-') THEN -{magnitude} ELSE {magnitude} END)"


class TableStore(Store):
    """`Store` on a `TableDataset`'s tables, in its DuckDB connection."""

    def __init__(self, data: TableDataset) -> None:
        super().__init__(data)
        self.con.close()
        self.con = data.con
        self._code_tables: dict[str, str] = {}
        self._prefix = data.store_prefix()

    def _name(self, stem: str) -> str:
        """A new table's name, unique in the dataset's connection."""
        self._count += 1
        return f"{stem}_{self._prefix}_{self._count}"

    # ------------------------------------------------------------ entities
    def code_table(self, type_name: str) -> str:
        """The table `(id, code)` of an entity type: code = position by id."""
        name = self.data.info(type_name).name
        found = self._code_tables.get(name)
        if found is None:
            found = self._code_tables[name] = self._name("codes")
            self.con.execute(
                f'CREATE TEMP TABLE {found} AS SELECT "id", '
                f'CAST(row_number() OVER (ORDER BY "id") - 1 AS INTEGER) AS code '
                f"FROM {self.data.tables[name]}"
            )
        return found

    def _value(self, column: str, type_: T.Type, source: str) -> tuple[str, str, ColumnKind]:
        """(SQL value, joins, kind) of a field column of ``source`` rows (alias `r`), as
        `Store._column` makes its column."""
        t = T.strip_optional(type_)
        x = f"r.{quote_name(column)}"
        if isinstance(t, T.RecordT):
            codes = self.code_table(t.name)
            alias = self._name("c")
            join = f'LEFT JOIN {codes} {alias} ON {alias}."id" = {x}'
            entity = self.data.info(t.name).name
            return f"{alias}.code", join, ColumnKind("entity", entity=entity)
        if t == T.INT:
            return f"CAST({x} AS BIGINT)", "", ColumnKind("num")
        if t in _NUMBERS:
            scale = self._scale(x, source)
            return _numerator(x, scale), "", ColumnKind("num", den=10**scale)
        if t == T.DATE:
            return x, "", ColumnKind("date")
        if t == T.BOOL:
            return x, "", ColumnKind("bool")
        if isinstance(t, (T.EnumT, T.Code)) or t == T.TEXT:
            return x, "", ColumnKind("text")
        if isinstance(t, T.SetT):
            element = T.strip_optional(t.element)
            if isinstance(element, (T.EnumT, T.Code)) or element == T.TEXT:
                return f"coalesce({x}, []::VARCHAR[])", "", ColumnKind("textset")
            if isinstance(element, T.RecordT):
                codes = self.code_table(element.name)
                value = (
                    f"coalesce((SELECT list(c.code ORDER BY c.code) FROM "
                    f'(SELECT unnest({x}) AS i) t JOIN {codes} c ON c."id" = t.i), '
                    "[]::INTEGER[])"
                )
                entity = self.data.info(element.name).name
                return value, "", ColumnKind("entityset", entity=entity)
        raise NotCompiled(f"a field of type {t.describe()} has no column form")

    def _scale(self, x: str, source: str) -> int:
        """The most decimals among the values of a number column (`decimal_scale`)."""
        found = self.con.execute(
            f"SELECT coalesce(max({_decimals(x)}), 0) FROM {source} r WHERE {x} IS NOT NULL"
        ).fetchall()[0][0]
        if found > 18:
            raise NotCompiled("a decimal column has more than 18 decimals")
        return int(found)

    def _table(self, type_name: str) -> str:
        return self.data.tables[self.data.info(type_name).name]

    def _create_from(self, stem: str, select: str) -> str:
        """CREATE a temporary table from a query; DuckDB's errors (an overflow) as
        `NotCompiled`: the reference path settles then."""
        name = self._name(stem)
        try:
            self.con.execute(f"CREATE TEMP TABLE {name} AS {select}")
        except duckdb.Error as error:
            raise NotCompiled(f"DuckDB: {str(error).splitlines()[0]}") from None
        return name

    # ------------------------------------------------------------ listings
    def listing(self) -> str:
        """The listing table `(pat, prov, s, e)` (see `Store.listing`)."""
        if self._listing is None:
            patients, providers = self.code_table("Patient"), self.code_table("Provider")
            self._listing = self._create_from(
                "listing",
                f'SELECT p.code AS pat, q.code AS prov, l."start" AS s, '
                f'coalesce(l."end", {date_sql(FOREVER)}) AS e FROM {self._table("Listing")} l '
                f'LEFT JOIN {patients} p ON p."id" = l."patient" '
                f'LEFT JOIN {providers} q ON q."id" = l."provider"',
            )
        return self._listing

    # ------------------------------------------------------------ entity fields
    def field_table(self, type_name: str, field: str) -> tuple[str, ColumnKind]:
        """The interval table `(ent, since, until, val)` of an entity field, and its kind
        (see `Store.field_table`)."""
        info = self.data.info(type_name)
        key = (info.name, field)
        found = self._tables.get(key)
        if found is not None:
            return found
        if field not in info.index:
            raise NotCompiled(f"{info.name} has no field `{field}`")
        column = quote_name(field)
        codes = self.code_table(info.name)
        table = self.data.tables[info.name]
        varies = field in info.attribute_fields
        is_set = isinstance(T.strip_optional(info.types[info.index[field]]), T.SetT)

        def present(alias: str) -> str:
            """SQL: the row has a value (a set always has one: NULL is the empty set)."""
            return "TRUE" if is_set else f"{alias}.{column} IS NOT NULL"

        owner = info.data_name
        attributes = self.data.tables.get(f"{owner}_attribute") if varies else None
        if attributes is None:  # the row's value from the beginning of time
            raw = (
                f"SELECT c.code AS ent, {_START} AS since, {date_sql(FOREVER)} AS until, "
                f'e.{column} AS val FROM {table} e JOIN {codes} c ON c."id" = e."id" '
                f"WHERE {present('e')}"
            )
        else:
            records = (
                f'SELECT a.{quote_name(owner)} AS owner, a."from" AS since, a.{column} AS val '
                f"FROM {attributes} a WHERE {present('a')}"
            )
            raw = (
                f"WITH a AS ({records}), first AS (SELECT owner, min(since) AS first "
                "FROM a GROUP BY owner) "
                f"SELECT c.code AS ent, {_START} AS since, coalesce(f.first, {date_sql(FOREVER)}) "
                f'AS until, e.{column} AS val FROM {table} e JOIN {codes} c ON c."id" = e."id" '
                'LEFT JOIN first f ON f.owner = e."id" '
                f"WHERE {present('e')} AND {_START} < coalesce(f.first, {date_sql(FOREVER)}) "
                "UNION ALL "
                "SELECT c.code AS ent, a.since, coalesce(lead(a.since) OVER "
                f"(PARTITION BY a.owner ORDER BY a.since), {date_sql(FOREVER)}) AS until, a.val "
                f'FROM a JOIN {codes} c ON c."id" = a.owner'
            )
        # The intervals once (a number column's scale reads them, then its numerators).
        source = self._create_from("intervals", raw)
        value, join, kind = self._value("val", info.types[info.index[field]], source)
        name = self._create_from(
            "field",
            f"SELECT r.ent, r.since, r.until, {value} AS val FROM {source} r {join}",
        )
        self.con.execute(f"DROP TABLE {source}")
        self._tables[key] = (name, kind)
        return name, kind

    # ------------------------------------------------------------ events
    def event_table(self, type_name: str, fields: frozenset[str]) -> tuple[str, dict]:
        """A table of every record of an event type (see `Store.event_table`)."""
        info = self.data.info(type_name)
        key = (info.name, fields)
        found = self._events.get(key)
        if found is not None:
            return found
        table = self.data.tables[info.name]
        columns = [f"r.{quote_name(info.fields[info.date_index])} AS d"]
        joins = []
        kinds = {}
        for field in sorted(fields):
            if field not in info.index:
                raise NotCompiled(f"{info.name} has no field `{field}`")
            value, join, kind = self._value(field, info.types[info.index[field]], table)
            columns.append(f"{value} AS f_{field}")
            if join:
                joins.append(join)
            kinds[field] = kind
        name = self._create_from(
            "events", f"SELECT {', '.join(columns)} FROM {table} r {' '.join(joins)}"
        )
        self._events[key] = (name, kinds)
        return name, kinds

    def event_kinds(self, type_name: str, field: str) -> ColumnKind:
        """The kind of an event field's column (see `Store.event_kinds`)."""
        info = self.data.info(type_name)
        if field not in info.index:
            raise NotCompiled(f"{info.name} has no field `{field}`")
        t = T.strip_optional(info.types[info.index[field]])
        if t in _NUMBERS:
            x = f"r.{quote_name(field)}"
            return ColumnKind("num", den=10 ** self._scale(x, self.data.tables[info.name]))
        return self._value(field, info.types[info.index[field]], "")[2]
