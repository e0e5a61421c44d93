"""L120 conditions that never hold, L121 weights that never apply, L122 declarations
never in force. The reasoning is `ersl.lint.conditions` (sound: no false alarms)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule, show_date
from ersl.lint.walk import nodes, rename


def basis_var(basis) -> str | None:
    """The variable a basis binds for its unit (`v` in `per Visit v`)."""
    return getattr(basis, "var", None).name if getattr(basis, "var", None) else None


def _never(ctx: LintContext, *conditions) -> bool:
    return ctx.conditions.never_holds(*conditions)


def _cap_never_applies(ctx: LintContext, cap: ast.Cap) -> bool:
    """Whether the cap's `where` contradicts the `where` of every payment it names."""
    applies = cap.applies
    if applies is None or applies.where is None or applies.var is None:
        return False
    checked = 0
    for name in applies.names:
        payment = ctx.symbols.payments.get(name)
        if payment is None or payment.basis is None:
            return False
        var = basis_var(payment.basis)
        if var is None:
            return False
        where = payment.basis.where
        # the cap's provider variable must not mean something else in the payment
        if cap.provider_var.name != var and any(
            isinstance(n, ast.Name) and n.name == cap.provider_var.name for n in nodes(where)
        ):
            return False
        if not _never(ctx, rename(applies.where, applies.var.name, var), where):
            return False
        checked += 1
    return checked > 0


@rule(
    "L120",
    "condition-never-holds",
    "error",
    "correctness",
    "a payment, cap, bundle, indicator or aggregate has a condition that can never hold",
)
def condition_never_holds(ctx: LintContext) -> Iterator[Finding]:
    """Each `where`/`trigger`/`covers`/numerator condition of the linted file."""
    reported: set[int] = set()

    def finding(node, message, help=None) -> Finding:
        reported.add(id(node))
        return Finding(node.span, message, help=help or _HELP)

    for payment in ctx.payments():
        where = payment.basis.where if payment.basis is not None else None
        if where is not None and _never(ctx, where):
            yield finding(
                where,
                f'the `where` condition of "{payment.name}" can never hold, '
                "so the payment never pays",
            )
    for cap in ctx.decls(ast.Cap):
        where = cap.applies.where if cap.applies is not None else None
        if where is None:
            continue
        if _never(ctx, where):
            yield finding(
                where,
                f'the `where` condition of the cap "{cap.name}" can never hold, '
                "so the cap never applies",
            )
        elif _cap_never_applies(ctx, cap):
            yield finding(
                where,
                f'the cap "{cap.name}" never applies: its `where` contradicts the `where` of '
                + ", ".join(f'"{n}"' for n in cap.applies.names),
            )
    for bundle in ctx.decls(ast.Bundle):
        trigger = bundle.trigger.where if bundle.trigger is not None else None
        if trigger is not None and _never(ctx, trigger):
            yield finding(
                trigger,
                f'the trigger condition of the bundle "{bundle.name}" can '
                "never hold, so no episode ever starts",
            )
            continue
        for item in bundle.includes:
            if item.where is not None and _never(ctx, trigger, item.where):
                yield finding(item.where, "this `includes` line can never match an event")
        warranty = bundle.warranty
        if warranty is not None and warranty.covers is not None:
            covers = warranty.covers.where
            if covers is not None and _never(ctx, trigger, covers):
                yield finding(covers, f'the warranty of "{bundle.name}" can never cover an event')
    for indicator in ctx.decls(ast.Indicator):
        population = indicator.population
        where = population.where if population is not None else None
        if where is not None and _never(ctx, where):
            yield finding(
                where,
                f'the population of "{indicator.name}" is always empty: its `where` can never hold',
            )
        elif indicator.numerator is not None and _never(ctx, where, indicator.numerator):
            yield finding(
                indicator.numerator,
                f'the numerator of "{indicator.name}" can never '
                "hold for its population, so the result is always 0 %",
            )
    for decl in ctx.decls():
        for node in nodes(decl):
            if isinstance(node, ast.AggregateArg):
                where = node.collection.where
                if where is not None and id(where) not in reported and _never(ctx, where):
                    yield finding(
                        where, f"this `where` can never hold, so `{_agg(node)}` finds nothing"
                    )


_HELP = "check the comparisons: together they exclude every value"


def _agg(node: ast.AggregateArg) -> str:
    c = node.collection
    if isinstance(c, ast.ListedCollection):
        return f"listed patients {c.var.name} at …"
    return f"{c.type.name} {c.var.name} where …"


@rule(
    "L121",
    "weight-never-applies",
    "warning",
    "correctness",
    "a weight's `when` condition can never hold for the payment's units",
)
def weight_never_applies(ctx: LintContext) -> Iterator[Finding]:
    """`weight F when C` where C (with the payment's `where`) can never hold."""
    for payment in ctx.payments():
        where = payment.basis.where if payment.basis is not None else None
        if where is not None and _never(ctx, where):
            continue  # L120 already says the payment never pays
        for weight in payment.weights:
            if _never(ctx, weight.when):
                yield Finding(
                    weight.when.span,
                    "this weight never applies: its `when` condition can never hold",
                    help=_HELP,
                )
            elif where is not None and _never(ctx, where, weight.when):
                yield Finding(
                    weight.when.span,
                    f'this weight never applies: its `when` contradicts the `where` of "{payment.name}"',
                    help="units that pass the payment's `where` never meet this condition",
                )


@rule(
    "L122",
    "never-in-force",
    "error",
    "correctness",
    "a declaration's `valid` range lies outside the contract's `valid` range",
)
def never_in_force(ctx: LintContext) -> Iterator[Finding]:
    """A `valid A .. B` that does not meet the header's range pays nothing."""
    contract = ctx.valid
    if contract is None:
        return
    for decl in ctx.decls((ast.Payment, ast.Cap, ast.Performance, ast.Bundle)):
        valid = decl.valid
        if valid is None or valid.end < valid.start:
            continue
        if valid.end < contract.start or valid.start > contract.end:
            yield Finding(
                valid.span,
                f'"{decl.name}" is valid {show_date(valid.start)} .. {show_date(valid.end)}, '
                f"outside the contract's {show_date(contract.start)} .. {show_date(contract.end)}, "
                "so it never applies",
                help="correct the dates (a typo in the year?) or remove the declaration",
            )
