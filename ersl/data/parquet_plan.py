"""How each schema field is read from a Parquet column: SQL checks and conversions.

Part of the data layer (:mod:`ersl.data`), used by :mod:`ersl.data.read_parquet`.
For one record type and one file, a `FieldPlan` per field says, in DuckDB SQL,

* ``ok`` — the column's value is certainly read the way the reference reader
  (:mod:`ersl.data.values`) reads the same value from JSON, and is valid; and
* ``value`` — the value converted (a date as its ordinal, the exact decimal's text for
  numbers, a list for sets), finished in Python by ``post``.

The checks are conservative: a value they do not accept is not necessarily bad —
the row is handed, with its raw values, to the reference reader's own conversion,
which builds the record or describes every problem exactly as for JSON Lines. So
the fast, vectorised path never accepts what the reference would refuse.
"""

from __future__ import annotations

from ersl import types as T
from ersl.data.records import TypeInfo
from ersl.exact import MAX_DIGITS

#: Python's white space (`str.strip` removes it), as an RE2 character class.
_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace()) + "]"
EDGE_SPACE = f"^{_SPACE}|{_SPACE}$"

_INTS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}


def category(duck_type: str) -> str | None:
    """The kind of a DuckDB column type as the reader sees it, or None if unreadable.

    ``str`` (VARCHAR, ENUM), ``int`` (integer types), ``dec`` (DECIMAL), ``bool``,
    ``date``, ``float`` (FLOAT/DOUBLE: refused, not exact), or ``list:<element kind>``.
    """
    t = duck_type.strip()
    if t.endswith("[]"):
        inner = category(t[:-2])
        return None if inner is None or inner.startswith("list") else f"list:{inner}"
    if t == "VARCHAR" or t.startswith("ENUM("):
        return "str"
    if t in _INTS:
        return "int"
    if t.startswith("DECIMAL"):
        return "dec"
    if t == "BOOLEAN":
        return "bool"
    if t == "DATE":
        return "date"
    if t in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    return None


def quote_name(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class FieldPlan:
    """One field of one record type read from one column (or absent from the file).

    ``ok`` and ``value`` are SQL expressions; ``post`` names the Python finishing
    step (``same``, ``number``, ``date``, ``member``, ``set``, ``set_member``);
    ``present`` is SQL that is true when the field has a value after conversion.
    """

    __slots__ = ("field", "ok", "value", "post", "present", "members")

    def __init__(
        self,
        field: str,
        ok: str,
        value: str,
        post: str,
        present: str,
        members: tuple[str, ...] = (),
    ) -> None:
        self.field = field
        self.ok = ok
        self.value = value
        self.post = post
        self.present = present
        self.members = members


def _text_ok(x: str, t: T.Type, in_set_text: bool) -> str:
    """SQL: the string ``x`` is read as itself (a member of ``t``), non-empty."""
    if isinstance(t, T.EnumT):
        return ""  # decided by membership
    if t == T.TEXT and not in_set_text:
        return f"{x} <> ''"
    return f"({x} <> '' AND NOT regexp_matches({x}, {quote_text(EDGE_SPACE)}))"


def plan_field(
    field: str,
    t: T.Type,
    column: str | None,
    cat: str | None,
    enums: dict[str, tuple[str, ...]],
) -> FieldPlan:
    """The plan of ``field`` of type ``t`` read from ``column`` of kind ``cat``.

    An absent column gives a constant none (the empty set for a set). A kind the
    vectorised path does not handle for ``t`` is accepted only when null: any
    value goes the reference way.
    """
    t = T.strip_optional(t)
    is_set = isinstance(t, T.SetT)
    if column is None:
        return FieldPlan(field, "TRUE", "NULL", "same", "FALSE")
    x = quote_name(column)
    s = f"CAST({x} AS VARCHAR)"
    slow = FieldPlan(field, f"{x} IS NULL", "NULL", "same", "FALSE")

    def plan(ok: str, value: str, post: str, members: tuple[str, ...] = ()) -> FieldPlan:
        present = "TRUE" if is_set else f"({value}) IS NOT NULL"
        return FieldPlan(
            field, f"({x} IS NULL OR coalesce({ok}, FALSE))", value, post, present, members
        )

    if is_set:
        element = T.strip_optional(t.element)
        if not isinstance(element, (T.Code, T.RecordT, T.EnumT)) and element != T.TEXT:
            return slow
        members = enums.get(element.name, ()) if isinstance(element, T.EnumT) else ()
        post = "set_member" if members else "set"
        if cat == "list:str":
            items = f"CAST({x} AS VARCHAR[])"
            check = _element_ok("e", element, members, in_set_text=False)
        elif cat == "str":
            items = f"string_split({s}, ';')"
            check = _element_ok("e", element, members, in_set_text=True)
        else:
            return slow
        ok = f"len(list_filter({items}, lambda e: NOT coalesce({check}, FALSE))) = 0"
        return plan(ok, items, post, members)

    if isinstance(t, T.EnumT):
        members = enums.get(t.name, ())
        if cat != "str" or not members:
            return slow
        return plan(f"{s} IN ({', '.join(map(quote_text, members))})", s, "member", members)

    if t == T.TEXT or isinstance(t, (T.Code, T.RecordT)):
        if cat == "int":
            return plan("TRUE", s, "same")
        if cat != "str":
            return slow
        if t == T.TEXT:
            return plan("TRUE", f"nullif({s}, '')", "same")
        return plan(f"({s} = '' OR {_text_ok(s, t, False)})", f"nullif({s}, '')", "same")

    if t == T.DATE:
        if cat == "date":
            return plan(f"{x} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'", _ordinal(x), "date")
        if cat == "str":
            ok = (
                f"regexp_full_match({s}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {s} >= '0001' "
                f"AND try_cast({s} AS DATE) IS NOT NULL"
            )
            return plan(ok, _ordinal(f"try_cast({s} AS DATE)"), "date")
        return slow

    if t == T.MONTH:
        if cat != "str":
            return slow
        ok = f"regexp_full_match({s}, '[0-9]{{4}}-(0[1-9]|1[0-2])') AND {s} >= '0001'"
        return plan(ok, _ordinal(f"try_cast({s} || '-01' AS DATE)"), "date")

    if t == T.BOOL:
        if cat == "bool":
            return plan("TRUE", x, "same")
        if cat == "str":
            return plan(f"lower({s}) IN ('true', 'false')", f"lower({s}) = 'true'", "same")
        return slow

    if t == T.INT:
        if cat == "int":
            return plan("TRUE", x, "same")
        if cat == "str":
            return plan(
                f"regexp_full_match({s}, '[+-]?[0-9]{{1,18}}')", f"try_cast({s} AS BIGINT)", "same"
            )
        return slow

    if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate):
        if cat in ("dec", "int"):
            return plan("TRUE", s, "number")
        if cat == "str":
            # at most `MAX_DIGITS` digits before and after the point (more: too large)
            number = f"[+-]?[0-9]{{1,{MAX_DIGITS}}}([.][0-9]{{1,{MAX_DIGITS}}})?"
            return plan(f"regexp_full_match({s}, '{number}')", s, "number")
        return slow

    return slow


def _ordinal(day: str) -> str:
    """SQL: the proleptic Gregorian ordinal of a DATE (``date.toordinal``): a whole number
    is fetched far quicker than a date, and becomes one in Python (`date.fromordinal`)."""
    return f"(({day}) - DATE '0001-01-01' + 1)"


def _element_ok(e: str, t: T.Type, members: tuple[str, ...], in_set_text: bool) -> str:
    """SQL: one set member ``e`` is read as itself."""
    if members:
        return f"{e} IN ({', '.join(map(quote_text, members))})"
    return f"({e} IS NOT NULL AND {_text_ok(e, t, in_set_text)})"


class TypePlan:
    """Reading one record type from one Parquet file: per-field plans and row checks."""

    def __init__(
        self,
        info: TypeInfo,
        columns: dict[str, str | None],
        enums: dict[str, tuple[str, ...]],
        required: tuple[int, ...],
        attribute_indexes: tuple[int, ...],
        span_indexes: tuple[int, ...],
    ) -> None:
        self.info = info
        self.fields = [
            plan_field(
                f,
                t,
                f if f in columns else None,
                columns.get(f),
                enums,
            )
            for f, t in zip(info.fields, info.types, strict=True)
        ]
        self.unknown = sorted(c for c in columns if c not in info.index and c != "type")
        checks = [p.ok for p in self.fields]
        checks += [f"{quote_name(c)} IS NULL" for c in self.unknown]
        checks += [self.fields[i].present for i in required]
        if attribute_indexes:
            checks.append(
                "(" + " OR ".join(self.fields[i].present for i in attribute_indexes) + ")"
            )
        if span_indexes:  # dates as ordinals compare as dates
            start, end = (self.fields[i].value for i in span_indexes)
            checks.append(f"coalesce(NOT (({end}) < ({start})), TRUE)")
        self.ok = " AND ".join(f"({c})" for c in checks) or "TRUE"
        self.raw_columns = [f for f in info.fields if f in columns] + self.unknown


def sql_list(expressions: list[str]) -> str:
    """Expressions separated by commas (or a constant when there are none)."""
    return ", ".join(expressions) if expressions else "NULL"
