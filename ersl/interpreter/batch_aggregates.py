"""Aggregates in batches: `count`, `exists` and `sum` over collections, and the
members of an indicator's population, for many units at once.

A collection is expanded for a whole batch: every unit's candidate records
(its window, through the same indexes as `Run.candidates`) become one inner
batch, each row carrying its unit's bindings and the member's. The collection's
`where` is then one batch evaluation instead of one closure call per record.
As everywhere in batches, any problem raises and the caller redoes the work
unit by unit (`ersl.interpreter.batch`).
"""

from __future__ import annotations

from ersl import ast
from ersl.interpreter.arithmetic import add, shift
from ersl.interpreter.batch_base import Batch, Fallback, attempt, true_rows
from ersl.interpreter.env import Env
from ersl.interpreter.values import zero_of


def expand(bev, collection: ast.Collection, batch: Batch) -> tuple[list[int], Batch]:
    """The members of `collection` for every unit of `batch` that pass its `where`:
    (the unit each member belongs to, one batch of all members)."""
    run = bev.run
    var = collection.var.name
    owners: list[int] = []
    members: list = []
    if isinstance(collection, ast.ListedCollection):
        providers = bev.compile(collection.at)(batch)
        seen: dict = {}
        for i, (provider, on) in enumerate(zip(providers, batch.dates, strict=True)):
            if provider is None:
                raise Fallback
            patients = seen.get((id(provider), on))
            if patients is None:
                patients = seen[(id(provider), on)] = run.data.listed_patients(provider, on)
            owners.extend([i] * len(patients))
            members.extend(patients)
    else:
        for i, records in enumerate(_candidates(bev, collection, batch)):
            owners.extend([i] * len(records))
            members.extend(records)
    inner = _inner(batch, owners, var, members)
    if collection.where is None or inner.n == 0:
        return owners, inner
    kept = true_rows(bev.truths(collection.where)(inner))
    if len(kept) == inner.n:
        return owners, inner
    return [owners[i] for i in kept], inner.take(kept)


def _inner(batch: Batch, owners: list[int], var: str, members: list) -> Batch:
    columns = {name: [column[i] for i in owners] for name, column in batch.columns.items()}
    columns[var] = members
    if batch.date is not None:
        return Batch.on(columns, len(members), batch.date, batch.period, batch.split)
    dates = [batch.dates[i] for i in owners]
    return Batch(columns, dates, batch.period, batch.split)


def _candidates(bev, collection: ast.EventCollection, batch: Batch):
    """Each unit's candidate records, as `Run.candidates` finds them."""
    run = bev.run
    type_name = collection.type.name
    windows = _windows(bev, collection.within, batch)
    series = run.symbols.date_series(type_name)
    if series is not None:  # `MonthEnd d`: the dates of each unit's window
        seen_dates: dict = {}
        for window in windows:
            dates = seen_dates.get(window)
            if dates is None:
                dates = seen_dates[window] = series(*window)
            yield dates
        return
    plan = run._plan(collection)
    if plan is None:
        seen: dict = {}
        for window in windows:
            records = seen.get(window)
            if records is None:
                records = seen[window] = run.data.between(type_name, *window)
            yield records
        return
    field, other = plan
    by_ref = run.data.by_ref
    for entity, window in zip(bev.compile(other)(batch), windows, strict=True):
        yield () if entity is None else by_ref(type_name, field, entity, *window)


def _windows(bev, within: ast.Within | None, batch: Batch) -> list[tuple]:
    """Each unit's closed window (`Evaluator.window`)."""
    if within is None:
        return [(batch.period.start, batch.period.end)] * batch.n
    lengths = bev.compile(within.length)(batch)
    anchors = batch.dates if within.anchor is None else bev.compile(within.anchor)(batch)
    sign = 1 if within.direction == "after" else -1
    seen: dict = {}
    out = []
    for anchor, length in zip(anchors, lengths, strict=True):
        window = seen.get((anchor, id(length)))
        if window is None:
            moved = shift(anchor, length, sign, clamp=True)
            window = seen[(anchor, id(length))] = (anchor, moved) if sign == 1 else (moved, anchor)
        out.append(window)
    return out


def _count(bev, node: ast.Call):
    collection = node.args[0].collection

    def count(batch: Batch) -> list:
        counts = [0] * batch.n
        for owner in expand(bev, collection, batch)[0]:
            counts[owner] += 1
        return counts

    return count


def _exists(bev, node: ast.Call):
    collection = node.args[0].collection

    def exists(batch: Batch) -> list:
        found = [False] * batch.n
        for owner in expand(bev, collection, batch)[0]:
            found[owner] = True
        return found

    return exists


def _sum(bev, node: ast.Call):
    arg = node.args[0]
    if not isinstance(arg, ast.AggregateArg) or arg.value is None:
        return bev.per_row(node)
    value_fn = bev.compile(arg.value)
    zero = zero_of(bev.types.get(id(node)))

    def sums(batch: Batch) -> list:
        owners, inner = expand(bev, arg.collection, batch)
        totals: list = [None] * batch.n
        for owner, value in zip(owners, value_fn(inner), strict=True):
            if value is None:
                raise Fallback
            total = totals[owner]
            totals[owner] = value if total is None else add(total, value)
        return [zero if total is None else total for total in totals]

    return sums


AGGREGATES = {"count": _count, "exists": _exists, "sum": _sum}
"""Batch forms of the aggregate built-ins (`ersl.interpreter.batch` registers them)."""


def aggregate_for(run, node: ast.Call, env: Env):
    """An aggregate built-in for one env through its batch form, or `Fallback` when
    only the scalar path can (something traced, a problem to report)."""
    if not run.batching():
        raise Fallback
    batch = Batch({name: [value] for name, value in env.bindings.items()}, [env.date], env.period)
    batch.split = env.split
    with attempt(run, run.text(node)):
        return run.batch.compile(node)(batch)[0]
