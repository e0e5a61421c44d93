"""Small helpers that put figures into words for findings."""

from __future__ import annotations

from fractions import Fraction

from ersl.exact import format_decimal


def percent(value: Fraction) -> str:
    """33/100 → `33 %`."""
    return f"{format_decimal(Fraction(value) * 100)} %"


def money(value: Fraction) -> str:
    """A sum of money in kr, to the öre."""
    rounded = Fraction(round(Fraction(value), 2)).limit_denominator(100)
    return f"{format_decimal(rounded)} kr"


def expression_text(ctx, node) -> str:
    """The source text of a one-line expression (its kind's name if it spans lines)."""
    span = node.span
    if span.line == span.end_line and span.end_column > span.column:
        line = ctx.checked.loaded.sources.line(span.file, span.line) or ""
        return line[span.column - 1 : span.end_column - 1]
    return type(node).__name__.lower()
