"""Payments per provider and period (`provider q each month|quarter|year`), `split`
included, from one query over providers × periods.

Units are few — one per provider and period — so the plan is the line level: the
basis's `where`, the amount, its `split` shares and weights are `ProviderExprs`
(aggregates and monthly averages in SQL for every provider × period at once, the
rest in Python with the interpreter's exact arithmetic). A `split` shares its pot
over the units of the line period whose `where` holds: the plan first evaluates the
`where` and the `by` values of every unit, then each unit's amount with the totals,
exactly as the reference's settler does (`Settler._split_totals`); the statement's
largest-remainder rounding of split lines is the settler's own.

Anything the reference would report (a none, a division by zero, `split` by values
that add up to zero) raises `Problem`: the payment goes the reference path.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from ersl import ast
from ersl.columnar.plan import Problem
from ersl.columnar.provider_exprs import ProviderExprs
from ersl.columnar.values import NotCompiled, NoValue


@attrs.frozen
class ProviderUnit:
    """One paid unit: provider code, period index and its exact amount."""

    provider: int
    period: int
    amount: Fraction


class ProviderPaymentPlan:
    """A compiled `provider q each …` payment."""

    def __init__(self, engine, payment: ast.Payment, consts, ops) -> None:
        basis = payment.basis
        if not isinstance(basis, ast.ProviderBasis):
            raise NotCompiled(f"the basis {type(basis).__name__} is not per provider")
        if payment.payee is not None:
            raise NotCompiled("a `payee` on a provider basis")
        self.ops = ops
        exprs = self.exprs = ProviderExprs(engine, basis.var.name, consts, ops)
        self.where = None if basis.where is None else exprs.build(basis.where)
        exprs.allow_split = True
        self.amount = exprs.build(payment.amount)
        exprs.allow_split = False
        self.weights = [(exprs.build(w.when), exprs.build(w.factor)) for w in payment.weights]

    def run(self, providers: list[int], periods: list) -> list[ProviderUnit]:
        """The paid units of every provider in the periods (period by period, providers
        in order); `Problem` when a unit needs the reference path."""
        rows = self.exprs.rows(providers, periods)
        ops = self.ops
        try:
            paid = [row for row in rows if self.where is None or _holds(self.where(row[2]))]
            totals = self._split_totals(paid)
            units = []
            for q, i, ctx in paid:
                ctx.split = totals.get(i)
                value = ops.money(self.amount(ctx), ctx.period)
                for when, factor in self.weights:
                    if _holds(when(ctx)):
                        value = value * ops.fraction(factor(ctx))
                units.append(ProviderUnit(q, i, value))
        except NoValue:
            raise Problem("a provider the reference path reports (none, zero)") from None
        return units

    def _split_totals(self, paid: list) -> dict[int, dict]:
        """Per period index, for each `split` call: (Σ of its `by` values, units)."""
        splits = self.exprs.splits
        if not splits:
            return {}
        groups: dict[int, list] = {}
        for _, i, ctx in paid:
            groups.setdefault(i, []).append(ctx)
        totals: dict[int, dict] = {}
        for i, group in groups.items():
            entry = {}
            for key, by in splits:
                total = Fraction(0)
                if by is not None:
                    for ctx in group:
                        total += self.ops.fraction(by(ctx))
                entry[key] = (total, len(group))
            totals[i] = entry
        return totals


def _holds(value) -> bool:
    if value is None:
        raise NoValue
    return bool(value)
