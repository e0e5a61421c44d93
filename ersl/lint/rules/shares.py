"""L111: a percentage used as a share lies outside 0–100 %.

Shares are: the `reduce R` / `pay P` of a cap, the levels of a `linear` or `above`
scoring (a result is a share of a population), and a percentage multiplied into a
performance pot or into `paid(…)` (a pot as a share of a payment). Weights are
factors, not shares, and may exceed 100 %.
"""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl import types as T
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.values import constants
from ersl.lint.walk import nodes
from ersl.lint.wording import expression_text, percent


def _outside(values) -> list:
    return [v for v in values if v < 0 or v > 1]


def _finding(ctx, node, values, what: str) -> Finding:
    bad = _outside(values)[0]
    text = expression_text(ctx, node)
    via = f"`{text}` is {percent(bad)}" if isinstance(node, ast.Name) else f"`{text}`"
    return Finding(
        node.span,
        f"{via}: {what} must lie between 0 % and 100 %",
        help="a share of something cannot be negative or more than all of it; "
        "check the figure (was a weight or a factor meant?)",
    )


def _is_percent(ctx, node) -> bool:
    if isinstance(node, ast.Quantity):
        return node.unit == "%"
    t = ctx.facts.types.get(id(node))
    return t is not None and T.strip_optional(t) == T.PERCENT


def _share_factors(ctx, root, only_paid: bool):
    """Percent factors of `*` in `root`; with `only_paid`, only those multiplying `paid(…)`."""
    for node in nodes(root):
        if not (isinstance(node, ast.Binary) and node.op == "*"):
            continue
        for factor, other in ((node.left, node.right), (node.right, node.left)):
            if not _is_percent(ctx, factor):
                continue
            if only_paid and not (isinstance(other, ast.Call) and other.func.name == "paid"):
                continue
            yield factor


@rule(
    "L111",
    "share-out-of-range",
    "error",
    "correctness",
    "a percentage used as a share (cap reduction, scoring level, pot) is outside 0–100 %",
)
def share_out_of_range(ctx: LintContext) -> Iterator[Finding]:
    """Judge each share position's written value(s)."""
    for cap in ctx.decls(ast.Cap):
        if cap.action is not None:
            values = constants(cap.action.rate, ctx.symbols)
            if values and _outside(values):
                what = (
                    "the share paid above the limit"
                    if cap.action.kind == "pay_excess"
                    else "the share a cap reduces"
                )
                yield _finding(ctx, cap.action.rate, values, what)
    for performance in ctx.decls(ast.Performance):
        for ref in performance.indicators:
            for level in (ref.scoring.low, ref.scoring.high):
                values = constants(level, ctx.symbols)
                if values and _outside(values):
                    yield _finding(ctx, level, values, "a scoring level (a share of a population)")
        for pot in (performance.bonus, performance.penalty):
            for factor in _share_factors(ctx, pot, only_paid=False):
                values = constants(factor, ctx.symbols)
                if values and _outside(values):
                    yield _finding(ctx, factor, values, "a pot's share")
    for payment in ctx.payments():
        for factor in _share_factors(ctx, payment.amount, only_paid=True):
            values = constants(factor, ctx.symbols)
            if values and _outside(values):
                yield _finding(ctx, factor, values, "a share of a paid line")
