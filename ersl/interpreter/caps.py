"""Caps (SPEC §3.6, normative): per provider and cap period, deduct from the capped
payments' total A when the measure Q exceeds the limit L."""

from __future__ import annotations

from fractions import Fraction

from ersl import ast
from ersl.dates import Period
from ersl.exact import exact_sum
from ersl.interpreter.arithmetic import EvalError
from ersl.interpreter.batch import Batch, Fallback, true_rows
from ersl.interpreter.drafts import LineDraft
from ersl.interpreter.evaluate import Env
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
    payments = [settler.symbols.payments[n] for n in cap.applies.names]
    kind = payments[0].kind.name if payments and payments[0].kind else "variable"
    drafts = []
    q = cap.provider_var.name
    for period in line_periods(unit_name, valid, settler.period):
        for provider in settler.run.data.providers():
            env = Env({q: provider}, period.end, period)
            try:
                a_total = capped_total(settler, cap, payments, provider, period)
                try:
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
        units = [
            unit
            for unit in _units_by_payee(settler, payment).get(id(provider), ())
            if period.start <= unit.date <= period.end and settler.covering(unit.record) is None
        ]
        if cap.applies.var is None or cap.applies.where is None:
            amounts.extend(unit.amount for unit in units)
            continue
        try:
            amounts.extend(_matching_in_batches(settler.run, cap, payment, provider, units))
        except Fallback:
            amounts.extend(_matching(settler.run, cap, payment, provider, units))
    return exact_sum(amounts)


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


def _matching_in_batches(run, cap: ast.Cap, payment, provider, units) -> list[Fraction]:
    """`_matching` with `where` evaluated for each line period's units at once."""
    if not run.batching() or not units:
        raise Fallback
    where = run.batch.truths(cap.applies.where)
    before = dict(run.bands_hit)
    out = []
    try:
        start = 0
        while start < len(units):
            period = units[start].period
            stop = start
            while stop < len(units) and units[stop].period is period:
                stop += 1
            group = units[start:stop]
            rows = [_bindings(cap, payment, provider, unit) for unit in group]
            columns = {name: [row[name] for row in rows] for name in rows[0]}
            batch = Batch(columns, [unit.date for unit in group], period)
            out.extend(group[i].amount for i in true_rows(where(batch)))
            start = stop
    except Exception:  # noqa: BLE001 - the unit-by-unit path reports whatever it was
        run.bands_hit.clear()
        run.bands_hit.update(before)
        run.bulk_fallbacks.append(f'cap "{cap.name}"')
        raise Fallback from None
    return out
