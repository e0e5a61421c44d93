"""L202: capitation that does not depend on the patient (selection risk, seeds 001, 000)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.walk import mentions, nodes

SEEDS = ("001_cdbefeeac885d020.txt", "000_9d4395d8d41cc7b8.txt")


def _listed_headcount(node, symbols, depth: int = 0) -> tuple[bool, bool]:
    """(counts listed patients, some count filters them by a condition) in an expression."""
    counts = filtered = False
    for n in nodes(node):
        if not isinstance(n, ast.Call):
            continue
        if n.func.name == "listed_count":
            counts = True
        for arg in n.args:
            if isinstance(arg, ast.AggregateArg) and isinstance(
                arg.collection, ast.ListedCollection
            ):
                counts = True
                filtered |= arg.collection.where is not None
        if n.func.name in symbols.functions and depth < 8:
            c, f = _listed_headcount(symbols.functions[n.func.name].body, symbols, depth + 1)
            counts, filtered = counts or c, filtered or f
    return counts, filtered


def capitation(payment: ast.Payment, symbols) -> bool | None:
    """None if `payment` is not capitation; else whether it depends on the patient."""
    basis = payment.basis
    parts = (
        [payment.amount] + [w.factor for w in payment.weights] + [w.when for w in payment.weights]
    )
    if isinstance(basis, ast.ListedBasis):
        parts.append(basis.where)
        return any(mentions(part, basis.var.name) for part in parts)
    if isinstance(basis, ast.SpanBasis) and basis.type.name == "Listing":
        parts.append(basis.where)
        return any(
            isinstance(n, ast.FieldAccess)
            and n.name.name == "patient"
            and isinstance(n.obj, ast.Name)
            and n.obj.name == basis.var.name
            for part in parts
            for n in nodes(part)
        )
    if isinstance(basis, ast.ProviderBasis) and payment.amount is not None:
        counts, filtered = _listed_headcount(payment.amount, symbols)
        if counts:
            return filtered
    return None


@rule(
    "L202",
    "capitation-without-risk-adjustment",
    "warning",
    "incentives",
    "capitation does not vary with the patient's care needs (selection risk)",
    sources=SEEDS,
)
def capitation_without_risk_adjustment(ctx: LintContext) -> Iterator[Finding]:
    """Reported when no capitation payment of the contract depends on the patient."""
    kinds = {
        name: capitation(payment, ctx.symbols) for name, payment in ctx.symbols.payments.items()
    }
    if any(kinds.values()):
        return
    for payment in ctx.payments():
        if kinds.get(payment.name) is False:
            yield Finding(
                ctx.head(payment),
                f'"{payment.name}" pays the same for every listed patient: nothing in the '
                "contract's capitation depends on the patient's care needs",
                help="weight the capitation by the patient, e.g. by age "
                "(`amount age_rate(age(p))`), CNI (`cni_rate * p.cni`) or ACG (`acg_rate * p.acg`)",
            )
