"""Caps (SPEC §3.6, normative): per provider and cap period, deduct from the capped
payments' total A when the measure Q exceeds the limit L."""

from __future__ import annotations

from fractions import Fraction

from ersl import ast
from ersl.columnar.values import DIVIDES_BY_ZERO
from ersl.dates import Period
from ersl.exact import exact_sum
from ersl.interpreter.arithmetic import EvalError
from ersl.interpreter.batch_base import Fallback, attempt, true_rows
from ersl.interpreter.drafts import LineDraft
from ersl.interpreter.engine import cap_measure, cap_totals
from ersl.interpreter.env import Env
from ersl.interpreter.units import line_periods, valid_range


def cap_lines(settler, cap: ast.Cap) -> list[LineDraft]:
    """One deduction per provider and cap period where the measure exceeds the limit."""
    if cap.applies is None or settler.valid is None:
        return []
    ev = settler.run.evaluator
    unit_name = (cap.each.name if cap.each else None) or settler.reconcile_unit
    valid = valid_range(settler.run.contract.valid if settler.run.contract else None, cap.valid)
    if valid is None:
        return []
    applied = [settler.symbols.payments[n] for n in cap.applies.names]
    kind = applied[0].kind.name if applied and applied[0].kind else "variable"
    # A capped payment left unsettled (an optional parameter it reads was not given)
    # pays nothing, so it adds nothing to A; with none left there is nothing to cap.
    payments = [p for p in applied if p.name not in settler.unsettled]
    if not payments:
        return []
    drafts = []
    q = cap.provider_var.name
    for period in line_periods(unit_name, valid, settler.period):
        for provider in settler.run.data.providers():
            env = Env({q: provider}, period.end, period)
            try:
                a_total = capped_total(settler, cap, payments, provider, period)
                measure = cap_measure(settler, cap, provider, period)
                if measure is DIVIDES_BY_ZERO:  # as the reference's E0905 below: no line
                    continue
                try:
                    if measure is None:
                        measure = Fraction(ev._operand(cap.measure, env))
                except EvalError as error:
                    if error.code == "E0905":  # the measure divides by zero: no line
                        continue
                    raise
                limit = Fraction(ev._operand(cap.limit, env))
                rate = Fraction(ev._operand(cap.action.rate, env))
            except EvalError as error:
                raise settler.fail(
                    error, f'cap "{cap.name}"', cap, f"provider {provider.id}", period.end
                ) from None
            if measure <= limit:
                continue
            if cap.action.kind == "reduce_excess":
                deduction = rate * a_total * (measure - limit) / measure
            elif cap.action.kind == "reduce_all":
                deduction = rate * a_total
            else:
                deduction = (1 - rate) * a_total * (measure - limit) / measure
            draft = LineDraft(provider, period, cap.name, kind, cap, [-deduction])
            draft.detail = {"A": a_total, "Q": measure, "L": limit, "R": rate}
            drafts.append(draft)
    return drafts


def _units_by_payee(settler, payment: ast.Payment) -> dict:
    """A payment's units grouped by payee (computed once per run)."""
    groups = settler.units_by_payee.get(payment.name)
    if groups is None:
        groups = settler.units_by_payee[payment.name] = {}
        for unit in settler.units_of(payment):
            groups.setdefault(id(unit.payee), []).append(unit)
    return groups


def capped_total(settler, cap: ast.Cap, payments, provider, period: Period) -> Fraction:
    """A: the exact total, after weights, of the capped payments' units paid to the
    provider in the period that match `where` and are not covered by a bundle."""
    amounts = []
    for payment in payments:
        by_provider = cap_totals(settler, cap, payment)
        if by_provider is not None:
            amounts.extend(
                total
                for day, total in by_provider.get(provider.id, ())
                if period.start <= day <= period.end
            )
            continue
        blocks = settler.blocks_of(payment)
        if blocks is not None:
            try:
                amounts.extend(_from_blocks(settler.run, cap, payment, provider, period, blocks))
                continue
            except Fallback:
                pass
        units = [
            unit
            for unit in _units_by_payee(settler, payment).get(id(provider), ())
            if period.start <= unit.date <= period.end
            and settler.covering_unit(payment, unit) is None
        ]
        if cap.applies.var is None or cap.applies.where is None:
            amounts.extend(unit.amount for unit in units)
        else:
            amounts.extend(_matching(settler.run, cap, payment, provider, units))
    return exact_sum(amounts)


def _from_blocks(run, cap: ast.Cap, payment, provider, period: Period, blocks) -> list:
    """The amounts `capped_total` adds, read from a payment settled in batches (its
    units are never covered by a bundle: such payments are settled unit by unit)."""
    if not run.batching():
        raise Fallback
    where = None
    if cap.applies.var is not None and cap.applies.where is not None:
        where = run.batch.truths(cap.applies.where)
    var = payment.basis.var.name
    out = []
    with attempt(run, f'cap "{cap.name}"'):
        for block in blocks:
            batch = block.batch
            if batch.period.end < period.start or period.end < batch.period.start:
                continue
            dates = batch.dates
            rows = [i for i in block.rows_of(provider) if period.start <= dates[i] <= period.end]
            if rows and where is not None:
                taken = batch.take(rows)
                columns = dict(taken.columns)
                columns[cap.applies.var.name] = taken.columns[var]
                columns[cap.provider_var.name] = [provider] * taken.n
                rows = [rows[i] for i in true_rows(where(taken.with_columns(columns)))]
            out.extend(block.amounts[i] for i in rows)
    return out


def _bindings(cap: ast.Cap, payment: ast.Payment, provider, unit) -> dict:
    """What the cap's `where` sees for a unit: its bindings, the cap's variable for the
    unit's record, and the cap's provider."""
    var = payment.basis.var.name if payment.basis is not None else None
    return {
        **unit.bindings,
        cap.applies.var.name: unit.bindings.get(var),
        cap.provider_var.name: provider,
    }


def _matching(run, cap: ast.Cap, payment: ast.Payment, provider, units) -> list[Fraction]:
    """The amounts of the units the cap's `where` holds for, unit by unit."""
    where = run.evaluator._truth_fn(cap.applies.where)
    return [
        unit.amount
        for unit in units
        if where(Env(_bindings(cap, payment, provider, unit), unit.date, unit.period))
    ]
