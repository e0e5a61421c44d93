"""The whole-data checks of reading (`ersl.data.check`, phases 2–5) as DuckDB queries.

Part of the data layer (:mod:`ersl.data`), used by :mod:`ersl.data.table_data` on
tables of rows that passed every row check. Each check answers one question: is there
anything the reference checks could report? It may be stricter than the reference
(then the data is simply read as records, and the reference reports what it finds,
or nothing), never laxer. Each function returns why the data is not provably clean,
or None.
"""

from __future__ import annotations

from typing import Any

from ersl import types as T
from ersl.data.parquet_plan import quote_name
from ersl.data.records import TypeInfo
from ersl.data.values import Layout

_FAR = "DATE '9999-12-31'"  # the reach of an open listing (`date.max`)


def _found(con: Any, query: str) -> bool:
    """Whether the query gives a row."""
    return con.execute(f"SELECT 1 FROM ({query}) LIMIT 1").fetchall() != []


def duplicate_ids(con: Any, table: str, info: TypeInfo) -> str | None:
    """Phase 2: two records of a type with one id (E0812)."""
    if info.id_index is None:
        return None
    query = f'SELECT "id" FROM {table} GROUP BY "id" HAVING count(*) > 1'
    if _found(con, query):
        return f"two {info.data_name} records have one id"
    return None


def unknown_references(
    con: Any, table: str, layout: Layout, entity_tables: dict[str, str]
) -> str | None:
    """Phase 3: a reference to no record of its type (E0809), or to a type that cannot
    be referred to by id."""
    info = layout.info
    for i, target, is_set in layout.refs:
        column = quote_name(info.fields[i])
        ids = (
            f"(SELECT unnest({column}) AS ref FROM {table})"
            if is_set
            else (f"(SELECT {column} AS ref FROM {table})")
        )
        target_table = entity_tables.get(target)
        if target_table is None:
            query = f"SELECT ref FROM {ids} WHERE ref IS NOT NULL"
        else:
            query = (
                f'SELECT r.ref FROM {ids} r ANTI JOIN {target_table} t ON r.ref = t."id" '
                "WHERE r.ref IS NOT NULL"
            )
        if _found(con, query):
            return f"a {info.data_name} record's `{info.fields[i]}` names no {target}"
    return None


def conflicting_attributes(con: Any, table: str, info: TypeInfo) -> str | None:
    """Phase 4: two attribute records of one entity from one date (stricter than the
    reference, which refuses them only when their values differ: E0814)."""
    owner = quote_name(info.fields[0])
    query = f'SELECT 1 FROM {table} GROUP BY {owner}, "from" HAVING count(*) > 1'
    if _found(con, query):
        return f"two {info.data_name} records of one {info.fields[0]} from one date"
    return None


def overlapping_listings(con: Any, table: str) -> str | None:
    """Phase 5: listings of one patient that overlap (E0811): a listing starting on or
    before the last day of an earlier one (by start; equal starts always overlap)."""
    query = (
        f'SELECT "start", max(coalesce("end", {_FAR})) OVER (PARTITION BY "patient" '
        'ORDER BY "start" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach '
        f"FROM {table}"
    )
    if _found(con, f'SELECT 1 FROM ({query}) WHERE "start" <= reach'):
        return "listings of one patient overlap"
    return None


_KEY_TYPES = (T.TEXT, T.DATE, T.MONTH, T.INT, T.BOOL)


def repeated_indicator_results(con: Any, table: str, info: TypeInfo) -> str | None:
    """Phase 5: one provider, indicator and period given twice (E0815). A key field
    whose equal values may be written differently (a decimal) is left out of the key
    (stricter)."""
    needed = ("provider", "indicator", "period")
    if not all(f in info.index for f in needed):
        return None
    keys = []
    for field in needed:
        t = T.strip_optional(info.types[info.index[field]])
        if t in _KEY_TYPES or isinstance(t, (T.EnumT, T.Code, T.RecordT)):
            keys.append(quote_name(field))
    group = f"GROUP BY {', '.join(keys)}" if keys else ""
    if _found(con, f"SELECT 1 FROM {table} {group} HAVING count(*) > 1"):
        return "an indicator result is given twice"
    return None
