"""L201: a variable payment that no cap applies to (cost-control risk, seed 000)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.estimate import is_charge
from ersl.lint.framework import Finding, LintContext, rule

SEED = "000_9d4395d8d41cc7b8.txt"


@rule(
    "L201",
    "variable-payment-without-cap",
    "warning",
    "incentives",
    "a variable payment has no cap (cost-control risk)",
    sources=(SEED,),
)
def variable_payment_without_cap(ctx: LintContext) -> Iterator[Finding]:
    """`kind variable` payments (charges excepted) that no `cap … applies to` names."""
    capped = {
        name for cap in ctx.symbols.caps.values() if cap.applies for name in cap.applies.names
    }
    for payment in ctx.payments():
        if payment.kind is None or payment.kind.name != "variable":
            continue
        if payment.name in capped or charge(ctx, payment):
            continue
        yield Finding(
            ctx.head(payment),
            f'the variable payment "{payment.name}" has no cap: the region\'s cost grows '
            "with every unit produced",
            help=f'add `cap "…" for provider q each year {{ applies to "{payment.name}" … }}` '
            "(a ceiling above which units are paid less), or suppress this with the reason "
            "the volume is bounded",
        )


def charge(ctx: LintContext, payment: ast.Payment) -> bool:
    """Whether the payment only ever takes money back: an amount written negative, or
    `A - B` where the payment's `where` makes B larger than A (a ceiling written as a
    payment: `where E > K  amount K - E`)."""
    amount = payment.amount
    if is_charge(amount):
        return True
    if isinstance(amount, ast.Binary) and amount.op == "-" and payment.basis is not None:
        where = payment.basis.where
        at_least = ast.Binary(">=", amount.left, amount.right)
        return where is not None and ctx.conditions.never_holds(where, at_least)
    return False
