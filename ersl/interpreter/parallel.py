"""Settling a large run with a second process (fork).

A *leaf* payment is one whose lines nothing else reads and whose amount reads no
other line: no cap applies to it, no `paid` names it or is called by it, it uses
no indicator results, and no bundle covers its events. Its lines are per
settlement period, so the run's settlement periods can be split between this
process and a forked worker: the worker settles the leaf payments for the first
periods, this process for the rest, while it also computes every other line.
The split point balances the estimated units of both processes. The worker
returns, per line, the number of units, the exact total and the sum of rounded
units — exact values — so the statement is byte-identical to a one-process run
(tests/test_parallel.py). Lines from the worker keep no units, which is why
`ersl explain` and the Python API settle in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from fractions import Fraction

from ersl import ast
from ersl.dates import Period

_WORK = None  # (settler, period, names) the forked worker reads; set just before forking
MIN_UNITS = 200_000  # below this, forking costs more than it saves
_LINE_READERS = ("paid", "value", "rank", "region_mean")


def available() -> bool:
    """Whether a second process can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _reads_lines(node) -> bool:
    if isinstance(node, ast.Call) and node.func.name in _LINE_READERS:
        return True
    for attribute in getattr(type(node), "__attrs_attrs__", ()):
        value = getattr(node, attribute.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, ast.Node) and _reads_lines(child):
                return True
    return False


def leaf_payments(settler) -> list[ast.Payment]:
    """Payments that can be settled period by period in another process."""
    symbols = settler.symbols
    referenced: set[str] = set()
    for cap in symbols.caps.values():
        if cap.applies is not None:
            referenced.update(cap.applies.names)
    for uses in settler.run.checked.facts.depends.values():
        referenced.update(t.removeprefix("line:") for t in uses if t.startswith("line:"))
    bundles = bool(symbols.bundles)
    return [
        payment
        for name, payment in symbols.payments.items()
        if name not in referenced
        and isinstance(
            payment.basis, (ast.ListedBasis, ast.SpanBasis, ast.EventBasis, ast.ParticipantBasis)
        )
        and not (bundles and isinstance(payment.basis, ast.EventBasis))
        and not _reads_lines(payment)
    ]


def estimate_units(settler, payment: ast.Payment) -> int:
    """A rough count of a payment's units in the run, to balance the two processes."""
    data = settler.run.data
    period = settler.period
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    basis = payment.basis
    if isinstance(basis, ast.ListedBasis):
        return len(data.records("Listing")) * months
    if isinstance(basis, (ast.EventBasis, ast.ParticipantBasis)):
        return len(data.between(basis.type.name, period.start, period.end))
    if isinstance(basis, ast.SpanBasis):
        per = months if basis.each.name == "month" else months * 30
        return len(data.records(basis.type.name)) * per
    return len(data.providers()) * months


def _other_work(settler, leaves: set[str]) -> int:
    """Estimated units of everything this process computes besides the leaves."""
    total = sum(
        estimate_units(settler, p)
        for name, p in settler.symbols.payments.items()
        if name not in leaves and p.basis is not None
    )
    patients = len(settler.run.data.patients())
    total += patients * len(settler.symbols.performances)  # populations
    for cap in settler.symbols.caps.values():  # measures scan the capped events again
        total += sum(
            estimate_units(settler, settler.symbols.payments[n])
            for n in (cap.applies.names if cap.applies else ())
            if n in settler.symbols.payments
        )
    return total


def _work() -> list[tuple]:
    settler, period, names = _WORK
    from ersl.interpreter.settle import Settler

    sub = Settler(settler.run, period, attach=False)
    run = settler.run
    rows = []
    for name in names:
        for draft in sub.lines(name):
            rows.append(
                (
                    name,
                    draft.payee.id,
                    (draft.period.start, draft.period.end, draft.period.label),
                    draft.kind,
                    draft.count,
                    draft.exact,
                    draft.rounded_units(run.increment, run.rounding_mode),
                )
            )
    return rows


def compute_in_parallel(settler) -> None:
    """Settle the leaf payments' first periods in a forked worker, the rest here."""
    global _WORK
    if not available():
        return
    leaves = [p for p in leaf_payments(settler) if p.name not in settler._lines]
    leaf_units = sum(estimate_units(settler, p) for p in leaves)
    if not leaves or leaf_units < MIN_UNITS:
        return
    from ersl.interpreter.units import line_periods, valid_range

    valid = valid_range(settler.run.contract.valid if settler.run.contract else None)
    periods = line_periods(settler.settle_unit, valid, settler.period) if valid else []
    if len(periods) < 2:
        return
    other = _other_work(settler, {p.name for p in leaves})
    share = min(1.0, max(0.0, (leaf_units + other) / (2 * leaf_units)))
    cut = min(len(periods) - 1, max(1, round(share * len(periods))))
    first = Period(periods[0].start, periods[cut - 1].end, "worker")
    rest = Period(periods[cut].start, periods[-1].end, "main")
    names = [p.name for p in leaves]
    _WORK = (settler, first, names)
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(1) as pool:
            pending = pool.apply_async(_work)
            from ersl.interpreter.settle import Settler

            mine = Settler(settler.run, rest, attach=False)
            local = {name: mine.lines(name) for name in names}
            for name in settler.symbols.line_names():
                if name not in local:
                    settler.lines(name)
            rows = pending.get()
    finally:
        _WORK = None
    _adopt(settler, local, rows)


def _adopt(settler, local: dict[str, list], rows: list[tuple]) -> None:
    from ersl.interpreter.settle import LineDraft

    providers = {p.id: p for p in settler.run.data.providers()}
    drafts = {name: list(found) for name, found in local.items()}
    for name, payee, (start, end, label), kind, count, exact, rounded in rows:
        payment = settler.symbols.payments[name]
        draft = LineDraft(providers[payee], Period(start, end, label), name, kind, payment)
        draft.summary = (count, Fraction(exact), Fraction(rounded))
        drafts[name].append(draft)
    settler._lines.update(drafts)
