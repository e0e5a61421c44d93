"""Checking table values (SPEC §3.3): band keys against the table's key type, band
forms against ordered or unordered keys, and the values against one value type.

In a table keyed by codes (`table of code kva { "NFB49" -> …, "NGB*" -> … }`) a band
written as text is a code pattern, as in a code set: a code (dots ignored), a prefix
ending in `*`, or a range `"I10" to "I15"`.
"""

from __future__ import annotations

from ersl import ast
from ersl import types as T

_BAND_SYNTAX = {"range": "`A to B`", "over": "`A and over`", "under": "`under B`"}


def table_type(checker, table: ast.TableValue, declared: T.Type | None, scope) -> T.Type:
    """Check a table's bands and values; return `table of K -> V` (`checker` is the
    `DeclarationChecker`)."""
    exprs = checker.exprs
    key: T.Type | None = None
    if table.key_type is not None:
        key = checker.builder.resolve_type(table.key_type)
    elif isinstance(declared, T.TableT):
        key = declared.key
    value_type: T.Type | None = declared.value if isinstance(declared, T.TableT) else None
    inferred_key: T.Type | None = key
    result: T.Type | None = None
    for entry in table.entries:
        for bound in (entry.band.low, entry.band.high):
            if bound is None:
                continue
            if isinstance(T.strip_optional(key), T.Code) and isinstance(bound, ast.StringLit):
                exprs.record(bound, T.strip_optional(key))
                _code_pattern(checker, bound, entry.band.kind)
                continue
            t = exprs.expr(bound, scope, inferred_key)
            if inferred_key is None:
                inferred_key = t
            elif not T.assignable(t, inferred_key) and not isinstance(t, T.ErrorT):
                checker.error(
                    "E0405",
                    f"this band is {t.describe()}, but the table's key is {inferred_key.describe()}",
                    bound.span,
                )
        _band_form(checker, entry.band, inferred_key)
        t = exprs.expr(entry.value, scope, value_type)
        if value_type is not None and not T.assignable(t, value_type):
            checker.error(
                "E0405",
                f"this value is {t.describe()}, but the table holds {value_type.describe()}",
                entry.value.span,
            )
        common = T.unify(result, t) if result is not None else t
        if common is None:
            checker.error(
                "E0400",
                f"table values have different types: {result.describe()} and {t.describe()}",
                entry.value.span,
            )
        else:
            result = common
    return T.TableT(inferred_key or T.ERROR, value_type or result or T.ERROR)


def _band_form(checker, band: ast.Band, key: T.Type | None) -> None:
    """`A to B`, `A and over` and `under B` need ordered keys; codes take `A to B` only."""
    if band.kind not in ("range", "over", "under") or key is None:
        return
    base = T.strip_optional(key)
    ordered = not (isinstance(base, (T.EnumT, T.RecordT)) or base == T.TEXT)
    if isinstance(base, T.Code):
        ordered = band.kind == "range"
    if not ordered:
        checker.error(
            "E0405",
            f"{_BAND_SYNTAX[band.kind]} bands need ordered keys, not {key.describe()}",
            band.span,
            help='a code band is a code, a prefix like "NGB*" or a range "I10" to "I15"'
            if isinstance(base, T.Code)
            else None,
        )


def _code_pattern(checker, bound: ast.StringLit, kind: str) -> None:
    """A code pattern: `*` only at the end, and not in a range's bounds."""
    text = bound.value
    stars = text.count("*")
    if stars == 0 and text:
        return
    if kind == "eq" and stars == 1 and text.endswith("*") and len(text) > 1:
        return
    checker.error(
        "E0405",
        f'"{text}" is not a code pattern'
        + (": a range is between two codes" if kind == "range" and stars else ""),
        bound.span,
        help='write a code ("NFB49"), a prefix ending in `*` ("NGB*") or a range of codes '
        '("I10" to "I15")',
    )
