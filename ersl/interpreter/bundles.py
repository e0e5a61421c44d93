"""Episodes of bundles and the events they cover (SPEC §3.8, normative).

Decided on all supplied data, whatever the run period: a trigger starts an
episode of its patient unless an earlier episode already covers it (same-day
triggers in event-id order); an episode covers the trigger, its `includes`
events in their windows (`at most K`: the first K by date, then id) and its
warranty events; an event covered by two episodes belongs to the earlier.

Spans are covered day by day (issue 12): an `includes` line ending `at most N days`
covers the first N days of its matching spans (by date, then id, over all of them),
any other covered span all its days. A day covered by two episodes belongs to the
earlier. A per-day payment (`Stay s each day`) treats a covered day as SPEC §3.8
treats a covered event; a span counts as a covered event when its first day is.
"""

from __future__ import annotations

import datetime

from ersl import ast
from ersl.dates import Period, add_days, period_containing
from ersl.interpreter.arithmetic import EvalError, shift
from ersl.interpreter.env import Env, Episode
from ersl.interpreter.values import DurationValue


class Coverage:
    """What the episodes cover: records (events, and spans by their first day) and the
    days of spans, each with the episode it belongs to."""

    def __init__(self) -> None:
        self.records: dict[int, Episode] = {}
        self.days: dict[int, list[tuple[datetime.date, datetime.date, Episode]]] = {}

    def add(self, episode: Episode, record, first, last) -> None:
        """Cover `record` (its days `first`..`last` for a span; None: all of them)."""
        if id(record) not in self.records:
            self.records[id(record)] = episode
            episode.covered.append(record)
        if record.info.date_field == "start":  # a span
            end = record["end"]
            first = record.date if first is None else first
            last = (datetime.date.max if end is None else end) if last is None else last
            self.days.setdefault(id(record), []).append((first, last, episode))

    def of_record(self, record) -> Episode | None:
        """The episode covering an event (a span: its first day), if any."""
        return self.records.get(id(record))

    def of_day(self, record, day: datetime.date) -> Episode | None:
        """The episode covering one day of a span (the earliest that does), if any."""
        for first, last, episode in self.days.get(id(record), ()):
            if first <= day <= last:
                return episode
        return None


def _env(run, date: datetime.date, **bindings) -> Env:
    return Env(bindings, date, period_containing(date, "year"))


def _window(run, within: ast.Within | None, env: Env) -> tuple[datetime.date, datetime.date] | None:
    if within is None:
        return None
    return run.evaluator.window(within, env)


def compute_episodes(
    run, bundles: dict[str, ast.Bundle], found: dict[str, list] | None = None
) -> tuple[dict[str, list[Episode]], Coverage]:
    """All episodes per bundle, and what they cover.

    `found`: per bundle, the records its trigger holds for (`trigger_records`), when
    they are known already (the columnar engine finds them in one query); the other
    bundles' are found here. An episode's `end` is the last day any of its windows
    (includes, warranty) reaches.
    """
    episodes: dict[str, list[Episode]] = {name: [] for name in bundles}
    coverage = Coverage()
    triggers = []
    for name, bundle in bundles.items():
        if bundle.trigger is None:
            continue
        records = (found or {}).get(name)
        if records is None:
            records = trigger_records(run, bundle)
        triggers += [(record.date, record.id, name, record) for record in records]
    for date, _, name, trigger in sorted(triggers, key=lambda t: (t[0], t[1], t[2])):
        if coverage.of_record(trigger) is not None:
            continue
        bundle = bundles[name]
        env = _env(run, date, **{bundle.trigger.var.name: trigger})
        patient = trigger["patient"]
        episode = Episode(name, trigger, patient, trigger["provider"], date, date)
        members = [(trigger, None, None)]
        for item in bundle.includes:
            found, window = _included(run, item, env, patient)
            members += found
            if window is not None:
                episode.end = max(episode.end, window[1])
        members += [
            (record, None, None) for record in _warranty(run, bundle, env, patient, episode)
        ]
        for record, first, last in members:
            coverage.add(episode, record, first, last)
        episodes[name].append(episode)
    return episodes, coverage


def trigger_records(run, bundle: ast.Bundle) -> list:
    """The records of the trigger's type, on any date inside the bundle's `valid`
    range, that its `where` holds for (on the record's date), by date then id."""
    ev = run.evaluator
    var = bundle.trigger.var.name
    found = []
    for record in run.data.between(bundle.trigger.type.name):
        if bundle.valid is not None and not (bundle.valid.start <= record.date <= bundle.valid.end):
            continue
        if ev.truth(bundle.trigger.where, _env(run, record.date, **{var: record})):
            found.append(record)
    return found


def _included(run, item: ast.Include, env: Env, patient):
    """What an `includes` line covers — (record, first day, last day) with None days
    for a whole record — and its window (None: any date)."""
    ev = run.evaluator
    window = _window(run, item.within, env)
    start, end = window if window is not None else (None, None)
    found = []
    for record in run.data.by_patient(item.type.name, patient, start, end):
        if ev.truth(item.where, env.bind(**{item.var.name: record}).at(record.date)):
            found.append(record)
    if item.at_most is None:
        return [(record, None, None) for record in found], window
    limit = ev._operand(item.at_most, env)
    found = sorted(found, key=lambda r: (r.date, r.id))
    if isinstance(limit, DurationValue):
        return _first_days(found, limit), window
    return [(record, None, None) for record in found[: int(limit)]], window


def _first_days(spans: list, limit: DurationValue) -> list:
    """`at most N days`: the first N days of the spans, in order."""
    if limit.count.denominator != 1:
        raise EvalError(f"`at most {limit}` must be a whole number of days")
    left = int(limit.count)
    out = []
    for span in spans:
        if left <= 0:
            break
        end = span["end"]
        length = left if end is None else min(left, (end - span.date).days + 1)
        if length > 0:
            out.append((span, span.date, add_days(span.date, length - 1)))
            left -= length
    return out


def _warranty(run, bundle: ast.Bundle, env: Env, patient, episode: Episode) -> list:
    warranty = bundle.warranty
    if warranty is None or warranty.covers is None or warranty.period is None:
        return []
    ev = run.evaluator
    length = ev._operand(warranty.period, env)
    if warranty.extend_to is not None and ev.truth(warranty.extend_when, env):
        length = ev._operand(warranty.extend_to, env)
    end = shift(episode.start, length, 1, clamp=True)
    episode.end = max(episode.end, end)
    found = []
    covers = warranty.covers
    for record in run.data.by_patient(covers.type.name, patient, episode.start, end):
        if ev.truth(covers.where, env.bind(**{covers.var.name: record}).at(record.date)):
            found.append(record)
    return found


def coverage_by(payment: ast.Payment) -> str | None:
    """How bundle coverage applies to a payment's units: "event" (per-event payments),
    "day" (per-day payments of spans) or None (the other bases)."""
    basis = payment.basis
    if isinstance(basis, ast.EventBasis):
        return "event"
    if isinstance(basis, ast.SpanBasis) and basis.each.name == "day":
        return "day"
    return None


def charge_period(date: datetime.date, settle_unit: str) -> Period:
    """The settlement period a charge for an event dated `date` falls in."""
    return period_containing(date, settle_unit)
