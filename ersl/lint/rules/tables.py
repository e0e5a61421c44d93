"""L101 table gaps, L102 overlapping bands, L103 empty bands, L104 text tables without `else`.

The analysis itself is `ersl.lint.tables`; this module turns a table parameter's bands
into values (keys of the checker's key type) and the analysis into findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import attrs

from ersl import ast
from ersl import types as T
from ersl.diagnostics import Note
from ersl.exact import format_decimal
from ersl.interpreter.values import quantity_value
from ersl.lint.framework import Finding, LintContext, rule, show_date
from ersl.lint.tables import Domain, Interval, KeyBand, TableReport, analyze, ordered_domain


@attrs.frozen
class TableInfo:
    """One table value of a parameter, its bands as values and the analysis."""

    name: str
    table: ast.TableValue
    key: T.Type
    bands: tuple[KeyBand, ...]
    domain: Domain
    report: TableReport
    since: str | None  # "in force from …" for a table inside `dated`


def tables(ctx: LintContext) -> list[TableInfo]:
    """Every analysable table of the linted file (cached on the context)."""
    if "tables" not in ctx.cache:
        found = []
        for param in ctx.decls(ast.Param):
            key = ctx.symbols.param_types.get(param.name.name)
            if not isinstance(key, T.TableT):
                continue
            values = []
            if isinstance(param.value, ast.TableValue):
                values = [(param.value, None)]
            elif isinstance(param.value, ast.DatedValue):
                values = [
                    (e.value, f"in force from {show_date(e.start)}")
                    for e in param.value.entries
                    if isinstance(e.value, ast.TableValue)
                ]
            for table, since in values:
                info = _table_info(ctx, param.name.name, table, T.strip_optional(key.key), since)
                if info is not None:
                    found.append(info)
        ctx.cache["tables"] = found
    return ctx.cache["tables"]


def _table_info(ctx, name, table: ast.TableValue, key: T.Type, since) -> TableInfo | None:
    if key == T.INT:
        kind = "int"
    elif key in (T.DECIMAL, T.PERCENT, T.MONEY):
        kind = "decimal"
    elif isinstance(key, T.EnumT):
        kind = "enum"
    elif isinstance(key, T.Code):
        kind = "code"
    elif key == T.TEXT:
        kind = "text"
    else:
        return None
    bands = []
    for index, entry in enumerate(table.entries):
        band = entry.band
        try:
            low = _value(band.low, kind)
            high = _value(band.high, kind)
        except ValueError:
            return None
        bands.append(KeyBand(index, band.kind, low, high))
    if kind == "enum":
        decl = ctx.symbols.enums.get(key.name)
        if decl is None:
            return None
        domain = Domain("enum", tuple(m.name for m in decl.members))
    elif kind in ("text", "code"):
        domain = Domain(kind)
    else:
        domain = ordered_domain(kind, bands)
    return TableInfo(name, table, key, tuple(bands), domain, analyze(bands, domain), since)


def _value(node, kind: str):
    if node is None:
        return None
    if kind in ("int", "decimal"):
        if isinstance(node, ast.Number):
            return Fraction(node.value)
        if isinstance(node, ast.Quantity):
            value = quantity_value(node)
            if isinstance(value, Fraction | int):
                return Fraction(value)
        raise ValueError(node)
    if isinstance(node, ast.Name) and kind == "enum":
        return node.name
    if isinstance(node, ast.StringLit) and kind in ("text", "code"):
        return node.value
    raise ValueError(node)


# ---------------------------------------------------------------------- wording


def show_key(value, key: T.Type) -> str:
    """A key as a contract writer would write it."""
    if isinstance(value, str):
        return f"`{value}`" if isinstance(key, T.EnumT) else f'"{value}"'
    if key == T.PERCENT:
        return f"{format_decimal(value * 100)} %"
    if key == T.MONEY:
        return f"{format_decimal(value)} kr"
    return format_decimal(value)


def describe_interval(iv: Interval, key: T.Type) -> str:
    """Keys of an interval in words, after ERSL's band syntax: `keys above 5 and below 6`,
    `keys from 65 to 74`, `keys 75 and over`, `keys under 0`, `the key 12`."""
    low = None if iv.low is None else show_key(iv.low, key)
    high = None if iv.high is None else show_key(iv.high, key)
    if low is not None and iv.low == iv.high:
        return f"the key {low}"
    if low is not None and high is not None:
        if iv.low_closed and iv.high_closed:
            return f"keys from {low} to {high}"
        start = f"from {low}" if iv.low_closed else f"above {low}"
        end = f"up to {high}" if iv.high_closed else f"below {high}"
        return f"keys {start} and {end}"
    if low is not None:
        return f"keys {low} and over" if iv.low_closed else f"keys above {low}"
    if high is not None:
        return f"keys up to {high}" if iv.high_closed else f"keys under {high}"
    return "all keys"


def band_text(ctx: LintContext, band: ast.Band) -> str:
    """The band as written (`0 to 5`)."""
    span = band.span
    line = ctx.line_text(span.line)
    if span.end_line == span.line and span.end_column > span.column:
        return line[span.column - 1 : span.end_column - 1].strip()
    return band.kind


def _in(info: TableInfo) -> str:
    return f"the table `{info.name}`" + (f" ({info.since})" if info.since else "")


def _touching(info: TableInfo, iv: Interval) -> ast.Node:
    """The band next to a gap: the first one above it, else the last one below it."""
    pairs = list(zip(info.bands, info.table.entries, strict=True))
    if iv.high is not None:
        above = [(b.low, e.band) for b, e in pairs if b.kind in ("range", "over", "eq")]
        above = [(low, band) for low, band in above if low >= iv.high]
        if above:
            return min(above, key=lambda pair: pair[0])[1]
    if iv.low is not None:
        below = [
            (b.low if b.kind == "eq" else b.high, e.band)
            for b, e in pairs
            if b.kind in ("range", "under", "eq")
        ]
        below = [(high, band) for high, band in below if high <= iv.low]
        if below:
            return max(below, key=lambda pair: pair[0])[1]
    return info.table


# ---------------------------------------------------------------------- rules


@rule("L101", "table-gap", "error", "correctness", "a table has keys that no band holds")
def table_gap(ctx: LintContext) -> Iterator[Finding]:
    """Gaps of int, decimal and enum tables (text and code tables: L104)."""
    for info in tables(ctx):
        if info.domain.kind in ("text", "code"):
            continue
        for gap in info.report.gaps:
            if gap.interval is not None:
                where = describe_interval(gap.interval, info.key)
                example = show_key(gap.example, info.key)
                if where == f"the key {example}":
                    message = f"{_in(info)} has no band for {example}"
                else:
                    message = f"{_in(info)} has no band for {example}: {where} have no band"
                yield Finding(
                    _touching(info, gap.interval).span,
                    message,
                    help="add a band that holds these keys, or an `else` band; "
                    "a lookup of such a key stops the settlement with an error",
                )
            else:
                missing = ", ".join(f"`{m}`" for m in gap.members)
                many = len(gap.members) > 1
                yield Finding(
                    info.table.span,
                    f"{_in(info)} has no band for {missing}",
                    help=f"add {'bands' if many else 'a band'} for {'them' if many else 'it'}, "
                    "or an `else` band",
                )


@rule("L102", "table-overlap", "error", "correctness", "two bands of a table hold the same key")
def table_overlap(ctx: LintContext) -> Iterator[Finding]:
    """Overlapping bands; the later band is reported, with the earlier one as a note."""
    for info in tables(ctx):
        entries = info.table.entries
        seen_shadowed = set()
        for overlap in info.report.overlaps:
            earlier = entries[overlap.first].band
            later = entries[overlap.second].band
            key = show_key(overlap.example, info.key)
            if overlap.shadowed:
                if overlap.second in seen_shadowed:
                    continue
                seen_shadowed.add(overlap.second)
                message = (
                    f"the band `{band_text(ctx, later)}` of {_in(info)} is never used: "
                    f"earlier bands hold every key it holds (e.g. {key})"
                )
            else:
                message = (
                    f"the band `{band_text(ctx, later)}` of {_in(info)} overlaps "
                    f"`{band_text(ctx, earlier)}` (line {earlier.span.line}): both hold {key}"
                )
            yield Finding(
                later.span,
                message,
                help="write a specific code before a prefix or range that holds it; the first "
                "band that holds a key gives its value"
                if info.domain.kind == "code"
                else "make the bands disjoint; the first band that holds a key gives its value",
                notes=(Note(earlier.span, f"`{band_text(ctx, earlier)}` also holds {key}"),),
            )


@rule("L103", "table-empty-band", "error", "correctness", "a table band holds no key")
def table_empty_band(ctx: LintContext) -> Iterator[Finding]:
    """`A to B` with A after B."""
    for info in tables(ctx):
        for index in info.report.empty:
            band = info.table.entries[index].band
            text = band_text(ctx, band)
            fix = "write the smaller bound first"
            if band.kind == "range":
                fix += f": `{band_text(ctx, band).split(' to ')[-1]} to {text.split(' to ')[0]}`"
            yield Finding(
                band.span,
                f"the band `{text}` of {_in(info)} holds no key",
                help=fix if band.kind == "range" else "remove the band or correct its bound",
            )


@rule(
    "L104",
    "text-table-without-else",
    "info",
    "correctness",
    "a table keyed by text has no `else` band",
)
def text_table_without_else(ctx: LintContext) -> Iterator[Finding]:
    """Text and code keys are open-ended: any key not listed has no band."""
    for info in tables(ctx):
        if info.domain.kind in ("text", "code") and info.report.gaps:
            example = show_key(info.report.gaps[0].example, info.key)
            keyed = "codes" if info.domain.kind == "code" else "text"
            yield Finding(
                info.table.span,
                f"{_in(info)} is keyed by {keyed} and has no `else`: a key not listed, "
                f"e.g. {example}, has no band",
                help="add an `else` band if unlisted keys may occur",
            )
