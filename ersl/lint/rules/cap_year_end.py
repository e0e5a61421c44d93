"""L205: caps that leave the last part of a period unpaid (patient shifting, seed 003)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.values import constants
from ersl.lint.wording import percent

SEED = "003_69a00d45db5f6ba2.txt"
_RECONCILE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def _period(ctx: LintContext, cap: ast.Cap) -> str:
    if cap.each is not None:
        return cap.each.name
    contract = ctx.symbols.contract
    if contract is not None and contract.reconcile is not None:
        return _RECONCILE.get(contract.reconcile.name, "year")
    return "year"


@rule(
    "L205",
    "cap-leaves-period-end-unpaid",
    "warning",
    "incentives",
    "a cap pays nothing above its limit, or takes back pay for crossing it "
    "(patient-shifting risk near year end)",
    sources=(SEED,),
)
def cap_leaves_period_end_unpaid(ctx: LintContext) -> Iterator[Finding]:
    """`reduce 100 % of excess`, `pay 0 % of excess` and any `reduce R of all`."""
    for cap in ctx.decls(ast.Cap):
        action = cap.action
        if action is None:
            continue
        values = constants(action.rate, ctx.symbols)
        if not values:
            continue
        period = _period(ctx, cap)
        last = "the last months of the year" if period == "year" else f"the end of each {period}"
        unpaid = (action.kind == "reduce_excess" and min(values) >= 1) or (
            action.kind == "pay_excess" and max(values) <= 0
        )
        if unpaid:
            yield Finding(
                action.span,
                f'above its limit the cap "{cap.name}" pays nothing: once a provider reaches '
                f"the limit, {last} are unpaid, which invites sending patients elsewhere",
                help="pay a reduced share above the limit (e.g. `reduce 33 % of excess`) "
                "so that care near the end of the period is still paid",
            )
        elif action.kind == "reduce_all" and min(values) > 0:
            yield Finding(
                action.span,
                f'crossing the limit of "{cap.name}" takes back {percent(min(values))} of the '
                f"whole {period}'s payment: near {last.removeprefix('the ')} the provider loses "
                "money by treating one more patient",
                help="reduce only the excess (`reduce R of excess`) so that each unit above "
                "the limit is paid less, not the whole period",
            )
