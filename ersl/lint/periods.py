"""Where a payment's money comes from, and how long its units are: what the unit-trap
rules (L140–L142) read.

A basis with a duration converts a *rate* (`kr/year`, `kr/month`, `kr/day`) to the
length of each unit by itself. Money written without a rate, or a rate converted by
hand as well, is paid as written on every unit — 12 times a year on a monthly basis.
`money_sources(ctx, expr)` follows an amount through arithmetic, `if`, parameters,
tables and functions to the written figures its money comes from, and stops where
the money is converted by hand (divided by a period factor) or comes from data
(fields, `paid`, aggregates).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import attrs

from ersl import ast
from ersl import types as T
from ersl.lint.values import constants
from ersl.lint.walk import nodes

MONTH_IN_DAYS = Fraction(365, 12)
"""A month's length in days, for comparing a duration in days with one in months."""

EACH_LENGTH = {
    "day": (1, "days"),
    "month": (1, "months"),
    "quarter": (3, "months"),
    "year": (12, "months"),
}
"""The length of one unit of an `each` period."""

DIVIDE_FACTORS = {
    "year": {4, 12, 52, 360, 365, 366},
    "month": {28, 29, 30, 31},
    "day": set(),
}
"""Dividing a rate per X by one of these turns a figure per X into one per a shorter
period — a conversion ERSL already makes from the basis."""

MULTIPLY_FACTORS = {
    "year": set(),
    "month": {12},
    "day": {28, 29, 30, 31, 360, 365, 366},
}
"""Multiplying a rate per X by one of these turns a figure per X into one per a longer
period, while the result stays a rate per X."""

HAND_CONVERSIONS = {3, 4, 12, 52, 360, 365, 366, 28, 29, 30, 31}
"""Divisors by which money written per year, quarter or month is converted by hand to a
shorter unit (`yearly_total / 12` on a monthly basis): such money is not a trap."""

_PASS_THROUGH = {"min", "max", "round", "abs"}
"""Built-ins whose result is money of the same period as their money arguments."""

_DEPTH = 8


@attrs.frozen
class Source:
    """A written figure an amount's money comes from.

    `kind` is `price` (money written without a rate: a literal, or a parameter declared
    as money) or `rate-times-duration` (`400 kr/year * 1 year`); `node` is the literal,
    the parameter declaration or the product; `length` the duration's length for
    `rate-times-duration` as (count, "days" | "months").
    """

    kind: str
    node: ast.Node
    length: tuple[Fraction, str] | None = None


def unit_length(basis) -> tuple[int, str] | None:
    """The length of one unit of a payment basis, or None when units have no duration."""
    match basis:
        case ast.ListedBasis():
            return EACH_LENGTH["month"]
        case ast.SpanBasis(each=each) | ast.ProviderBasis(each=each):
            return EACH_LENGTH.get(each.name)
    return None


def each_length(ctx, each: ast.Ident | None) -> tuple[int, str] | None:
    """The length of a cap's or performance's period (default: the header's `reconcile`)."""
    if each is not None:
        return EACH_LENGTH.get(each.name)
    contract = ctx.symbols.contract
    reconcile = contract.reconcile.name if contract and contract.reconcile else "yearly"
    return EACH_LENGTH.get({"monthly": "month", "quarterly": "quarter"}.get(reconcile, "year"))


def in_days(length: tuple[Fraction, str]) -> Fraction:
    """A length in days (a month counted as 365/12 days)."""
    count, unit = length
    return Fraction(count) * (MONTH_IN_DAYS if unit == "months" else 1)


def describe_length(length: tuple[Fraction, str]) -> str:
    """`1 month`, `3 months`, `1 year`, `1 day`."""
    count, unit = length
    if unit == "months" and count % 12 == 0:
        count, unit = count // 12, "years"
    word = unit[:-1] if count == 1 else unit
    return f"{count} {word}"


def type_of(ctx, node: ast.Node) -> T.Type | None:
    """The checker's type of an expression (a literal's from its unit), optional removed."""
    if isinstance(node, ast.Quantity):
        return T.UNIT_TYPES.get(node.unit)
    t = ctx.facts.types.get(id(node))
    return None if t is None else T.strip_optional(t)


def rate_of(ctx, node: ast.Node) -> T.Rate | None:
    """The rate type of `node`, if it is a rate."""
    t = type_of(ctx, node)
    return t if isinstance(t, T.Rate) else None


def duration_length(ctx, node: ast.Node) -> tuple[Fraction, str] | None:
    """The length of a written duration (`1 year`, or a parameter holding one), else None."""
    if isinstance(node, ast.Name):
        param = ctx.symbols.params.get(node.name)
        if param is not None and isinstance(param.value, ast.Quantity):
            node = param.value
    if not isinstance(node, ast.Quantity):
        return None
    t = T.UNIT_TYPES.get(node.unit)
    if not isinstance(t, T.Duration):
        return None
    scale = {"week": 7, "weeks": 7, "year": 12, "years": 12}.get(node.unit, 1)
    return (node.value * scale, t.unit)


def _is_money(t: T.Type | None) -> bool:
    return t is None or t == T.MONEY


def _hand_converted(ctx, divisor: ast.Expr) -> bool:
    values = constants(divisor, ctx.symbols)
    return bool(values) and all(v in HAND_CONVERSIONS for v in values)


def money_sources(ctx, expr: ast.Expr | None) -> list[Source]:
    """The written figures the money of `expr` comes from (see the module docstring)."""
    found: list[Source] = []
    seen: set[int] = set()

    def visit(node, depth: int) -> None:
        if node is None or depth > _DEPTH or id(node) in seen:
            return
        seen.add(id(node))
        match node:
            case ast.Quantity():
                if T.UNIT_TYPES.get(node.unit) == T.MONEY and node.value != 0:
                    found.append(Source("price", node))
            case ast.Unary(op="-", operand=operand):
                visit(operand, depth)
            case ast.Binary(op="+" | "-" | "otherwise", left=left, right=right):
                visit(left, depth)
                visit(right, depth)
            case ast.Binary(op="*", left=left, right=right):
                _product(node, left, right, depth)
            case ast.Binary(op="/", left=left, right=right):
                if _is_money(type_of(ctx, left)) and not _hand_converted(ctx, right):
                    visit(left, depth)
            case ast.If(then=then, otherwise=otherwise):
                visit(then, depth)
                visit(otherwise, depth)
            case ast.Name(name=name):
                _parameter(node, name, depth)
            case ast.Call():
                _call(node, depth)

    def _product(node, left, right, depth: int) -> None:
        for rate, other in ((left, right), (right, left)):
            if rate_of(ctx, rate) is not None:
                length = duration_length(ctx, other)
                if length is not None:
                    found.append(Source("rate-times-duration", node, length))
                return
        for side in (left, right):
            if type_of(ctx, side) == T.MONEY or (
                type_of(ctx, side) is None and not isinstance(side, ast.Number)
            ):
                visit(side, depth)

    def _parameter(node, name: str, depth: int) -> None:
        param = ctx.symbols.params.get(name)
        if param is None:
            return
        if param.value is None:
            t = ctx.symbols.param_types.get(name)
            t = t.value if isinstance(t, T.TableT) else t
            if t is not None and T.strip_optional(t) == T.MONEY:
                found.append(Source("price", param))
            return
        for value in _values(param.value):
            visit(value, depth + 1)

    def _call(node: ast.Call, depth: int) -> None:
        name = node.func.name
        positional = [a for a in node.args if not isinstance(a, ast.NamedArg | ast.ByArg)]
        if name in ctx.symbols.functions:
            visit(ctx.symbols.functions[name].body, depth + 1)
        elif name in ctx.symbols.params:
            _parameter(node, name, depth)
        elif name in _PASS_THROUGH:
            for arg in positional:
                visit(arg, depth)
        elif name == "split" and positional:
            visit(positional[0], depth)

    visit(expr, 0)
    return found


def _values(value) -> Iterator[ast.Node]:
    """The written values of a parameter: itself, each dated entry, each table band."""
    if isinstance(value, ast.DatedValue):
        for entry in value.entries:
            yield from _values(entry.value)
    elif isinstance(value, ast.TableValue):
        for entry in value.entries:
            yield entry.value
    else:
        yield value


def scaled_rates(ctx, root: ast.Node) -> Iterator[tuple[ast.Binary, T.Rate, str, int]]:
    """`rate * N` and `rate / N` under `root` where N is a period factor of the rate's
    period: (the product or quotient, the rate, "divide" or "multiply", N)."""
    for node in nodes(root):
        if not (isinstance(node, ast.Binary) and node.op in ("*", "/")):
            continue
        pairs = [(node.left, node.right)]
        if node.op == "*":
            pairs.append((node.right, node.left))
        for rate_side, factor_side in pairs:
            rate = rate_of(ctx, rate_side)
            if rate is None:
                continue
            values = constants(factor_side, ctx.symbols)
            if not values:
                continue
            verdict = _period_factor(rate.per, node.op, values)
            if verdict is not None:
                yield node, rate, *verdict
            break


def _period_factor(per: str, op: str, values: list[Fraction]) -> tuple[str, int] | None:
    """("divide" | "multiply", N) when every value scales a rate by a period factor N."""
    verdicts = set()
    for value in values:
        if value <= 0:
            return None
        divisor = value if op == "/" else 1 / value
        if divisor.denominator == 1 and divisor.numerator in DIVIDE_FACTORS[per]:
            verdicts.add(("divide", divisor.numerator))
        elif (1 / divisor).denominator == 1 and (1 / divisor).numerator in MULTIPLY_FACTORS[per]:
            verdicts.add(("multiply", (1 / divisor).numerator))
        else:
            return None
    return verdicts.pop() if len(verdicts) == 1 else None
