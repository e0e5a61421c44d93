"""L140–L142: unit mistakes that pay a multiple (or a fraction) of what was meant.

A basis with a duration (`listed patient p at q each month`, `Stay s each day`,
`provider q each month|quarter|year`) and a performance period convert a rate to the
length of each unit by themselves. These rules find money that bypasses or repeats
that conversion: money written without a rate on a unit shorter than a year (L140), a
rate divided or multiplied by a period factor (L141), and a rate multiplied by a
duration other than the unit's own (L142). None of them is ever needed by the
standard library or the examples (a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from ersl import ast
from ersl.diagnostics import Note
from ersl.exact import format_decimal
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.periods import (
    describe_length,
    each_length,
    in_days,
    money_sources,
    rate_of,
    scaled_rates,
    unit_length,
)
from ersl.lint.wording import expression_text

_EACH = {
    (1, "days"): "day",
    (1, "months"): "month",
    (3, "months"): "quarter",
    (12, "months"): "year",
}


def _pots(ctx: LintContext) -> Iterator[tuple[str, ast.Expr, tuple[int, str] | None]]:
    """(what, amount or pot, unit length) for every payment and performance."""
    for payment in ctx.payments():
        if payment.amount is not None:
            length = None if _one_day_per_span(payment.basis) else unit_length(payment.basis)
            yield f'"{payment.name}"', payment.amount, length
    for performance in ctx.decls(ast.Performance):
        for pot in (performance.bonus, performance.penalty):
            if pot is not None:
                length = each_length(ctx, performance.each)
                yield f'the pot of "{performance.name}"', pot, length


def _one_day_per_span(basis) -> bool:
    """`Span x each day where … today == E …`: the condition picks one day of each span
    (e.g. its last), so the amount is paid once per span, not every day."""
    if not isinstance(basis, ast.SpanBasis) or basis.where is None:
        return False
    conjuncts, todo = [], [basis.where]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Binary) and node.op == "and":
            todo += [node.left, node.right]
        else:
            conjuncts.append(node)
    return any(
        isinstance(c, ast.Binary)
        and c.op == "=="
        and any(isinstance(side, ast.Name) and side.name == "today" for side in (c.left, c.right))
        for c in conjuncts
    )


def _each(length: tuple[int, str]) -> str:
    """`day`, `month`, `quarter`, `year`: the period one unit is."""
    return _EACH.get(length, describe_length(length))


def _written(ctx, node) -> str:
    if isinstance(node, ast.Param):
        return f"`{node.name.name}` (declared as money)"
    return f"`{expression_text(ctx, node)}`"


def _money_help(price, each: str) -> str:
    if isinstance(price, ast.Param):
        monthly = "month" if each == "quarter" else each
        return (
            f"declare `{price.name.name}` as `money per year` if it is a yearly price (ERSL "
            f"converts a rate to each {each}), or `money per {monthly}` for a fee per {monthly}"
        )
    figure = price.value if isinstance(price, ast.Quantity) else Fraction(4000)
    unit = price.unit if isinstance(price, ast.Quantity) else "kr"
    yearly = f"if the figure is a yearly price write `{format_decimal(figure)} {unit}/year` "
    converted = f"(ERSL converts a rate to each {each})"
    if each == "quarter":
        return (
            f"{yearly}{converted}; if it is a fee per quarter, write four times it per year "
            f"(`{format_decimal(figure * 4)} {unit}/year`)"
        )
    return f"{yearly}{converted}; if it is a fee per {each}, write `{format_decimal(figure)} {unit}/{each}`"


@rule(
    "L140",
    "money-on-periodic-basis",
    "warning",
    "correctness",
    "money written without a rate is paid in full on every unit of a monthly, daily or "
    "quarterly basis",
)
def money_on_periodic_basis(ctx: LintContext) -> Iterator[Finding]:
    """Amounts of money (not a rate) whose figure is written in the contract, on a unit
    shorter than a year."""
    for what, expr, length in _pots(ctx):
        if length is None or length == (12, "months"):
            continue
        prices = [s.node for s in money_sources(ctx, expr) if s.kind == "price"]
        if not prices:
            continue
        each = _each(length)
        notes = tuple(
            Note(p.span, f"{_written(ctx, p)} is money, not a rate")
            for p in prices[:3]
            if p.span != expr.span
        )
        yield Finding(
            expr.span,
            f"{what} pays {_written(ctx, prices[0])} in full every {each}: the amount is "
            f"money, not a rate, on a basis counted each {each}",
            help=_money_help(prices[0], each),
            notes=notes,
        )


@rule(
    "L141",
    "rate-scaled-by-period",
    "warning",
    "correctness",
    "a rate is divided or multiplied by a period factor (12, 365, 4, …): the basis already "
    "converts it",
)
def rate_scaled_by_period(ctx: LintContext) -> Iterator[Finding]:
    """`kr/year / 12`, `kr/month * 12`, `kr/day * 365` and the like, anywhere in the file."""
    reported: set = set()
    for decl in ctx.decls():
        for node, rate, how, factor in scaled_rates(ctx, decl):
            if node.span in reported:
                continue
            reported.add(node.span)
            text = expression_text(ctx, node)
            if how == "divide":
                effect = (
                    f"divides a rate per {rate.per} by {factor}, but the result is still a rate "
                    f"per {rate.per} and ERSL converts it to each unit's length by itself: the "
                    f"payment gets 1/{factor} of the figure"
                )
                fix = (
                    f"write the rate as the contract states it (per {rate.per}) without "
                    f"`/ {factor}`; if the figure is per a shorter period, give it that unit "
                    "(e.g. `400 kr/month`)"
                )
            else:
                effect = (
                    f"multiplies a rate per {rate.per} by {factor}, but the result is still a "
                    f"rate per {rate.per}: every {rate.per} pays {factor} times the figure"
                )
                fix = (
                    f"drop `* {factor}` and give the figure the period it is per "
                    "(e.g. `4800 kr/year`)"
                )
            yield Finding(node.span, f"`{text}` {effect}", help=fix)


@rule(
    "L142",
    "rate-times-other-period",
    "warning",
    "correctness",
    "a rate is multiplied by a duration other than one unit of its basis (`kr/year * 1 year` "
    "on a monthly basis)",
)
def rate_times_other_period(ctx: LintContext) -> Iterator[Finding]:
    """`rate * D` in a payment's amount or a pot, where D is not one unit of the basis."""
    for what, expr, length in _pots(ctx):
        if length is None:
            continue
        for source in money_sources(ctx, expr):
            if source.kind != "rate-times-duration":
                continue
            ratio = in_days(source.length) / in_days(length)
            if 0.5 < ratio < 2:
                continue
            each = _each(length)
            node = source.node
            rate = node.left if rate_of(ctx, node.left) is not None else node.right
            place = node.span if ctx.is_root(node) else expr.span
            yield Finding(
                place,
                f"{what} multiplies a rate by {describe_length(source.length)} on a basis "
                f"counted each {each}: every {each} pays {describe_length(source.length)} "
                "of the rate",
                help=f"write the rate alone (`{expression_text(ctx, rate)}`): "
                f"ERSL pays a rate for the length of each unit, one {each}",
            )
