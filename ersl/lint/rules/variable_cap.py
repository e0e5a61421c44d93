"""L201: a variable payment that no cap applies to (cost-control risk, seed 000)."""

from __future__ import annotations

from collections.abc import Iterator

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
        if is_charge(payment.amount) or payment.name in capped:
            continue
        yield Finding(
            ctx.head(payment),
            f'the variable payment "{payment.name}" has no cap: the region\'s cost grows '
            "with every unit produced",
            help=f'add `cap "…" for provider q each year {{ applies to "{payment.name}" … }}` '
            "(a ceiling above which units are paid less), or suppress this with the reason "
            "the volume is bounded",
        )
