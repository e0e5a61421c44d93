"""Settling a payment in batches: the same lines as unit-by-unit settlement, faster.

`payment_lines` walks a payment's units a line period at a time — every listed
patient of a month, every visit of a month — and prices them with the batch
forms of the contract's expressions (`ersl.interpreter.batch`). It is used by
`ersl run` (nothing traced for explanations): listed patients and events are
read straight into columns, other bases' units are grouped into batches. It
returns None when only the unit-by-unit path can settle the payment (a `split`,
bundle coverage) or when a batch gave up on a problem; the unit-by-unit path
then settles it and reports any error with the declaration, entity and date,
exactly as without batches.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction

from ersl import ast
from ersl.dates import month_start_dates
from ersl.exact import products
from ersl.interpreter.arithmetic import rate_times_duration
from ersl.interpreter.batch_base import Batch, Fallback, attempt, true_rows
from ersl.interpreter.bundles import coverage_by
from ersl.interpreter.drafts import LineDraft
from ersl.interpreter.units import (
    iterate_units,
    line_period_of,
    one_month,
    performer,
    run_range,
    valid_range,
)
from ersl.interpreter.values import RateValue


def payment_lines(settler, payment: ast.Payment, capped: bool) -> list[LineDraft] | None:
    """The payment's draft lines settled in batches, or None for the unit-by-unit path.

    When `capped`, the paid units are also kept, a `Block` per batch, for its caps.
    """
    run = settler.run
    if settler.keep_units or not run.batching() or payment.basis is None:
        return None
    if ast.split_calls(payment.amount):
        return None
    valid = valid_range(run.contract.valid if run.contract else None, payment.valid)
    if valid is None:
        return None
    try:
        with attempt(run, payment.name):
            return _settle(settler, payment, _batches(payment.basis, settler, valid), capped)
    except Fallback:
        return None


def _batches(basis: ast.Basis, settler, valid):
    """(batch, payees, records, duration) per line period (per month for listed patients)."""
    run = settler.run
    days = run_range(valid, settler.period)
    if days is None:
        return
    line_period = line_period_of(valid, settler.settle_unit)
    if isinstance(basis, ast.ListedBasis):
        for first in month_start_dates(*days):
            providers, patients = run.listed_columns(first)
            columns = {basis.var.name: patients, basis.provider_var.name: providers}
            batch = Batch.on(columns, len(patients), first, line_period(first))
            yield batch, providers, None, one_month(first)
        return
    if not isinstance(basis, ast.EventBasis):
        yield from _unit_batches(basis, settler, valid)
        return
    records = run.data.between(basis.type.name, *days)
    if not records:
        return
    provider_at = records[0].info.index.get("provider")
    all_dates = [record.values[records[0].info.date_index] for record in records]
    start = 0
    while start < len(records):  # records are in date order: line periods are runs
        period = line_period(all_dates[start])
        stop = bisect_right(all_dates, period.end, lo=start)
        group = records[start:stop]
        dates = all_dates[start:stop]
        if provider_at is None:
            payees = [None] * len(group)
        else:
            payees = [record.values[provider_at] for record in group]
        yield Batch({basis.var.name: list(group)}, dates, period), payees, group, None
        start = stop


def _unit_batches(basis: ast.Basis, settler, valid):
    """Batches of any other basis (spans, participants, providers, episodes): its units,
    grouped by line period and duration, as columns."""
    groups: dict[tuple, list] = {}
    units = iterate_units(basis, settler.run, valid, settler.period, settler.settle_unit)
    for unit in units:
        groups.setdefault((unit.period, id(unit.duration)), []).append(unit)
    for (period, _), group in groups.items():
        names = list(group[0].bindings)
        columns = {name: [unit.bindings[name] for unit in group] for name in names}
        batch = Batch(columns, [unit.date for unit in group], period)
        payees = [unit.payee for unit in group]
        yield batch, payees, [unit.record for unit in group], group[0].duration


def _settle(settler, payment: ast.Payment, batches, capped: bool) -> list[LineDraft]:
    bev = settler.run.batch
    kind = payment.kind.name if payment.kind else "variable"
    where = None if payment.basis.where is None else bev.truths(payment.basis.where)
    amount = _money_fn(bev, payment.amount)
    weights = [(bev.truths(w.when), bev.compile(w.factor)) for w in payment.weights]
    payee_fn = None if payment.payee is None else bev.compile(payment.payee)
    drafts: dict[tuple[str, str], LineDraft] = {}
    blocks: list[Block] = []
    by = coverage_by(payment) if settler.symbols.bundles else None
    charges: list[tuple] = []  # made only once the whole payment is settled
    for batch, payees, records, duration in batches:
        if where is not None:
            rows = true_rows(where(batch))
            if len(rows) < batch.n:
                batch = batch.take(rows)
                payees = [payees[i] for i in rows]
                records = None if records is None else [records[i] for i in rows]
        if batch.n == 0:
            continue
        values = amount(batch, duration)
        for when, factor in weights:
            rows = true_rows(when(batch))
            if rows:
                for i, value in zip(rows, factor(batch.take(rows)), strict=True):
                    values[i] = values[i] * _fraction(value)
        if payee_fn is not None:
            payees = payee_fn(batch)
        if None in payees:
            raise ValueError("a unit has no payee")  # the unit-by-unit path says which
        if by is not None:
            batch, payees, values = _bundle_coverage(
                settler, by, batch, payees, records, values, payee_fn is None, charges, capped
            )
        _add_to_lines(drafts, payees, values, batch.period, payment, kind)
        if capped:
            blocks.append(Block(batch, payees, values))
    for charge in charges:
        settler.charge(*charge)
    if capped:
        settler.store_blocks(payment.name, blocks)
    return list(drafts.values())


def _bundle_coverage(settler, by, batch, payees, records, values, charge, charges, capped):
    """SPEC §3.8 for a batch of events (`by` "event") or of days of spans ("day"): a
    covered unit is not paid when its performer is the bundle provider; otherwise it is
    paid and (unless a `payee` clause redirects it) charged to the bundle provider.
    Returns the paid units. A cap skips covered units, which `Block` cannot tell apart:
    a capped payment with covered units is left to the unit-by-unit path."""
    coverage = settler.episodes()[1]
    dates = batch.dates
    paid, uncovered = [], []
    for i, record in enumerate(records):
        if by == "day":
            episode = coverage.of_day(record, dates[i])
        else:
            episode = coverage.of_record(record)
        if episode is None:
            paid.append(i)
            uncovered.append(i)
            continue
        if performer(record) is episode.provider:
            continue
        if charge:
            charges.append((episode, batch.dates[i], values[i]))
        paid.append(i)
    if capped and len(uncovered) < len(paid):
        raise ValueError("a capped payment with covered events")  # kept unit by unit
    if len(paid) == batch.n:
        return batch, payees, values
    return batch.take(paid), [payees[i] for i in paid], [values[i] for i in paid]


def _money_fn(bev, node: ast.Expr):
    """`fn(batch, duration)`: each unit's amount as a Fraction. A rate × a number is
    priced as (the rate × the duration) × the number — equal, exactly, and one
    product per unit instead of two."""
    if isinstance(node, ast.Binary) and node.op == "*":
        for rate, number in ((node.left, node.right), (node.right, node.left)):
            if bev.is_rate(rate) and bev.is_number(number):
                money, numbers = _money_fn(bev, rate), bev.compile(number)
                return lambda batch, duration: products(money(batch, duration), numbers(batch))
    values = bev.compile(node)
    if bev.is_rate(node):
        return lambda batch, duration: _rates_as_money(values(batch), duration)
    return lambda batch, duration: _money(values(batch), duration)


def _rates_as_money(rates: list, duration) -> list[Fraction]:
    """Rates × the batch's duration; rate objects shared by many units (a table's band
    value) are converted once."""
    distinct = {id(rate): rate for rate in rates}
    money = {key: rate_times_duration(rate, duration) for key, rate in distinct.items()}
    return list(map(money.__getitem__, map(id, rates)))


def _money(values: list, duration) -> list:
    """Each unit's amount as a Fraction: rates × the unit's duration (shared rate
    objects, e.g. a table's band value, are converted once)."""
    out = []
    converted: dict[int, Fraction] = {}
    for value in values:
        if type(value) is Fraction:
            out.append(value)
        elif type(value) is RateValue:
            money = converted.get(id(value))
            if money is None:
                money = converted[id(value)] = rate_times_duration(value, duration)
            out.append(money)
        else:
            out.append(Fraction(value))
    return out


def _fraction(value) -> Fraction:
    return value if type(value) is Fraction else Fraction(value)


def _add_to_lines(drafts: dict, payees: list, values: list, period, payment, kind: str) -> None:
    """Add a batch's amounts to the lines of their payees (one line per payee and period)."""
    n = len(payees)
    # Listed patients come provider by provider: add whole runs of one payee at a time.
    starts = [0] + [i for i in range(1, n) if payees[i] is not payees[i - 1]]
    if len(starts) * 4 <= n:
        runs = [(payees[a], values[a:b]) for a, b in zip(starts, [*starts[1:], n], strict=True)]
    else:
        by_payee: dict = {}
        for payee, value in zip(payees, values, strict=True):
            amounts = by_payee.get(payee)
            if amounts is None:
                amounts = by_payee[payee] = []
            amounts.append(value)
        runs = list(by_payee.items())
    for payee, amounts in runs:
        key = (payee.id, period.label)
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = LineDraft(payee, period, payment.name, kind, payment)
        draft.units.extend(amounts)


class Block:
    """The paid units of one batch of a capped payment: the batch (after `where`),
    each unit's payee and amount. Caps read these instead of unit objects."""

    __slots__ = ("batch", "payees", "amounts", "_rows")

    def __init__(self, batch: Batch, payees: list, amounts: list) -> None:
        self.batch = batch
        self.payees = payees
        self.amounts = amounts
        self._rows: dict | None = None

    def rows_of(self, payee) -> list[int]:
        """The indexes of the units paid to `payee`."""
        if self._rows is None:
            self._rows = {}
            for i, p in enumerate(self.payees):
                self._rows.setdefault(id(p), []).append(i)
        return self._rows.get(id(payee), [])
