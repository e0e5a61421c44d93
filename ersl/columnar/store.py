"""The run's data as DuckDB tables, built from the data layer's `Dataset` on demand.

Entities (patients, providers, any `record` type with an id) become dense integer
codes: their position in the dataset's canonical order (by id). Columns are typed:

| ERSL type | column | compiled as |
|---|---|---|
| a reference to an entity | `INTEGER` code | the entity |
| int | `BIGINT` | numerator over 1 |
| decimal, money, percent, pp | `HUGEINT` numerator scaled by 10^s (s: the most decimals in the column) | numerator over 10^s |
| date | `DATE` | date |
| enum, code, text | `VARCHAR` | text |
| bool | `BOOLEAN` | bool |
| set of enum, code or text | `VARCHAR[]` | textset (with `in`, `size`) |
| set of records (a meeting's participants) | `INTEGER[]` of codes | entityset (participant bases, `size`) |

A field of an entity, fixed or time-varying, is a table of validity intervals
`(ent, since, until, val)`: the value in force from `since` (inclusive) until `until`
(exclusive).
The entity row's own value holds before its first attribute record (SPEC §5), as
`Entity.attribute` reads it. Values that are not finite decimals, sets and other
types have no column: `NotCompiled`.
"""

from __future__ import annotations

import datetime

import attrs
import duckdb

from ersl import types as T
from ersl.columnar.values import NotCompiled
from ersl.data.dataset import Dataset
from ersl.data.records import Entity

FOREVER = datetime.date(9999, 12, 31)
"""The end of an open interval (listings without an end, the last attribute value)."""


@attrs.frozen
class ColumnKind:
    """What a column holds: `entity` (with the entity type), `num` (with its
    denominator), `date`, `text` or `bool`."""

    kind: str
    den: int = 1
    entity: str | None = None


def date_sql(day: datetime.date) -> str:
    """A date literal."""
    return f"DATE '{day.isoformat()}'"


def _dates(values) -> list:
    """Dates as day numbers (`date.toordinal`) for `_DAY`; None stays None."""
    try:
        return list(map(datetime.date.toordinal, values))
    except TypeError:  # a None among them
        return [None if v is None else v.toordinal() for v in values]


_DAY = "(DATE '0001-01-01' + ({} - 1))"


def decimal_scale(values) -> int:
    """The most decimals among exact values (10^s makes them all integers); raises
    `NotCompiled` for a value that is not a finite decimal."""
    scale = 0
    for denominator in {getattr(v, "denominator", 1) for v in values if v is not None}:
        den = denominator
        twos = fives = 0
        while den % 2 == 0:
            den //= 2
            twos += 1
        while den % 5 == 0:
            den //= 5
            fives += 1
        if den != 1:
            value = _first_with(values, denominator)
            raise NotCompiled(f"the value {value} is not a finite decimal")
        scale = max(scale, twos, fives)
    if scale > 18:
        raise NotCompiled("a decimal column has more than 18 decimals")
    return scale


def _first_with(values, denominator: int):
    """The first value with this denominator (for the message)."""
    return next(v for v in values if v is not None and getattr(v, "denominator", 1) == denominator)


def _scaled(values, scale: int) -> list:
    """Exact values × `scale` as integers (each value's denominator divides `scale`)."""
    return [None if v is None else v.numerator * (scale // v.denominator) for v in values]


class Store:
    """DuckDB tables of one run's data (one in-memory database per run)."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.con = duckdb.connect(":memory:")
        self._codes: dict[str, dict[str, int]] = {}
        self._tables: dict[tuple, tuple[str, ColumnKind]] = {}
        self._events: dict[tuple, tuple[str, dict[str, ColumnKind]]] = {}
        self._listing: str | None = None
        self._count = 0
        self._entity_codes: dict[str, dict] = {}
        self._columns: dict[str, list] = {}

    # ------------------------------------------------------------ entities
    def entities(self, type_name: str) -> tuple:
        """The entities of a type in code order."""
        return self.data.records(type_name)

    def codes(self, type_name: str) -> dict[str, int]:
        """Entity id → code."""
        name = self.data.info(type_name).name
        codes = self._codes.get(name)
        if codes is None:
            codes = self._codes[name] = {e.id: i for i, e in enumerate(self.data.records(name))}
        return codes

    def code_of(self, type_name: str) -> dict:
        """Entity object → code (None → None), for mapping whole columns at once."""
        name = self.data.info(type_name).name
        found = self._entity_codes.get(name)
        if found is None:
            found = {e: i for i, e in enumerate(self.data.records(name))}
            found[None] = None
            self._entity_codes[name] = found
        return found

    def columns(self, type_name: str) -> list:
        """Every field of a record type as a column (records in canonical order)."""
        name = self.data.info(type_name).name
        found = self._columns.get(name)
        if found is None:
            rows = [r.values for r in self.data.records(name)]
            found = self._columns[name] = list(zip(*rows, strict=True)) if rows else []
        return found

    def _name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def _create(self, name: str, columns: list[tuple[str, str, list]]) -> None:
        """CREATE TABLE name from Python columns: (column, SQL type, values)."""
        select = []
        params = []
        for i, (column, sql_type, values) in enumerate(columns, start=1):
            if sql_type == "DATE":
                select.append(f"{_DAY.format(f'unnest(${i}::INTEGER[])')} AS {column}")
                params.append(_dates(values))
            else:
                select.append(f"unnest(${i}::{sql_type}[]) AS {column}")
                params.append(values)
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT {', '.join(select)}", params)

    # ------------------------------------------------------------ values as columns
    def _column(self, values: list, type_: T.Type) -> tuple[str, list, ColumnKind]:
        """(SQL type, column values, kind) of field values of a static type."""
        t = T.strip_optional(type_)
        if isinstance(t, T.RecordT):
            codes = self.code_of(t.name)
            return (
                "INTEGER",
                list(map(codes.__getitem__, values)),
                ColumnKind("entity", entity=self.data.info(t.name).name),
            )
        if t == T.INT:
            return "BIGINT", values, ColumnKind("num")
        if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP):
            scale = 10 ** decimal_scale(values)
            scaled = _scaled(values, scale)
            return "HUGEINT", scaled, ColumnKind("num", den=scale)
        if t == T.DATE:
            return "DATE", values, ColumnKind("date")
        if t == T.BOOL:
            return "BOOLEAN", values, ColumnKind("bool")
        if isinstance(t, (T.EnumT, T.Code)) or t == T.TEXT:
            return "VARCHAR", values, ColumnKind("text")
        if isinstance(t, T.SetT):
            element = T.strip_optional(t.element)
            if isinstance(element, (T.EnumT, T.Code)) or element == T.TEXT:
                lists = [None if v is None else sorted(v) for v in values]
                return "VARCHAR[]", lists, ColumnKind("textset")
            if isinstance(element, T.RecordT):
                codes = self.code_of(element.name)
                lists = [None if v is None else sorted(map(codes.__getitem__, v)) for v in values]
                entity = self.data.info(element.name).name
                return "INTEGER[]", lists, ColumnKind("entityset", entity=entity)
        raise NotCompiled(f"a field of type {t.describe()} has no column form")

    # ------------------------------------------------------------ listings
    def listing(self) -> str:
        """The listing table `(pat, prov, s, e)`: patient and provider codes, first and
        last day (inclusive; an open listing ends on 9999-12-31)."""
        if self._listing is None:
            info = self.data.info("Listing")
            ip, iq, i_end = info.index["patient"], info.index["provider"], info.index["end"]
            columns = self.columns("Listing") or [()] * len(info.fields)
            patients, providers = self.code_of("Patient"), self.code_of("Provider")
            name = self._name("listing")
            self._create(
                name,
                [
                    ("pat", "INTEGER", list(map(patients.__getitem__, columns[ip]))),
                    ("prov", "INTEGER", list(map(providers.__getitem__, columns[iq]))),
                    ("s", "DATE", columns[info.index["start"]]),
                    ("e", "DATE", [FOREVER if e is None else e for e in columns[i_end]]),
                ],
            )
            self._listing = name
        return self._listing

    # ------------------------------------------------------------ entity fields
    def field_table(self, type_name: str, field: str) -> tuple[str, ColumnKind]:
        """The interval table `(ent, since, until, val)` of an entity field, and its kind."""
        info = self.data.info(type_name)
        key = (info.name, field)
        found = self._tables.get(key)
        if found is not None:
            return found
        if field not in info.index:
            raise NotCompiled(f"{info.name} has no field `{field}`")
        i = info.index[field]
        varies = field in info.attribute_fields
        ents, starts, ends, values = [], [], [], []
        start_of_time = datetime.date(1, 1, 1)
        for code, entity in enumerate(self.data.records(info.name)):
            assert isinstance(entity, Entity)
            timeline = entity.timeline(field) if varies else ()
            first = timeline[0][0] if timeline else FOREVER
            if entity.values[i] is not None and start_of_time < first:
                ents.append(code)
                starts.append(start_of_time)
                ends.append(first)
                values.append(entity.values[i])
            for k, (begin, value) in enumerate(timeline):
                ents.append(code)
                starts.append(begin)
                ends.append(timeline[k + 1][0] if k + 1 < len(timeline) else FOREVER)
                values.append(value)
        sql_type, column, kind = self._column(values, info.types[i])
        name = self._name("field")
        self._create(
            name,
            [
                ("ent", "INTEGER", ents),
                ("since", "DATE", starts),
                ("until", "DATE", ends),
                ("val", sql_type, column),
            ],
        )
        self._tables[key] = (name, kind)
        return name, kind

    # ------------------------------------------------------------ events
    def event_table(self, type_name: str, fields: frozenset[str]) -> tuple[str, dict]:
        """A table of every record of an event type: `d` (its date) and the fields asked
        for (`f_<field>`), with each field's kind."""
        return self._event_columns(type_name, fields, keyed=False)

    def event_kinds(self, type_name: str, field: str) -> ColumnKind:
        """The kind of an event field's column (without building the table): decimal
        columns are scaled by their data, so this reads the values once."""
        info = self.data.info(type_name)
        if field not in info.index:
            raise NotCompiled(f"{info.name} has no field `{field}`")
        i = info.index[field]
        t = T.strip_optional(info.types[i])
        if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP):
            columns = self.columns(info.name)
            return ColumnKind("num", den=10 ** decimal_scale(columns[i] if columns else ()))
        return self._column([], info.types[i])[2]

    # ------------------------------------------------------------ spans and bundles
    def keyed_event_table(self, type_name: str, fields: frozenset[str]) -> tuple[str, dict]:
        """`event_table` with `k`, each record's position in the dataset's order of the
        type (`Dataset.records`): the key bundle coverage is joined on."""
        return self._event_columns(type_name, fields, keyed=True)

    def _event_columns(self, type_name: str, fields: frozenset[str], keyed: bool):
        """The table of `event_table` (and `k` when `keyed`), made once per set of fields."""
        info = self.data.info(type_name)
        key = ("keyed" if keyed else "plain", info.name, fields)
        found = self._events.get(key)
        if found is not None:
            return found
        records = self.data.records(info.name)
        all_columns = self.columns(info.name) or [()] * len(info.fields)  # none: an empty table
        columns = [("d", "DATE", all_columns[info.date_index])]
        if keyed:
            columns.insert(0, ("k", "INTEGER", list(range(len(records)))))
        kinds = {}
        for field in sorted(fields):
            if field not in info.index:
                raise NotCompiled(f"{info.name} has no field `{field}`")
            i = info.index[field]
            sql_type, values, kind = self._column(all_columns[i], info.types[i])
            columns.append((f"f_{field}", sql_type, values))
            kinds[field] = kind
        name = self._name("keyed" if keyed else "events")
        self._create(name, columns)
        self._events[key] = (name, kinds)
        return name, kinds

    def temp_table(self, stem: str, columns: list[tuple[str, str, list]]) -> str:
        """A new table from Python columns — (column, SQL type, values), dates as
        `datetime.date` — and its name (bundle coverage of a run)."""
        name = self._name(stem)
        self._create(name, columns)
        return name
