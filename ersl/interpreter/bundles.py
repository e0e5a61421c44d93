"""Episodes of bundles and the events they cover (SPEC §3.8, normative).

Decided on all supplied data, whatever the run period: a trigger starts an
episode of its patient unless an earlier episode already covers it (same-day
triggers in event-id order); an episode covers the trigger, its `includes`
events in their windows (`at most K`: the first K by date, then id) and its
warranty events; an event covered by two episodes belongs to the earlier.
"""

from __future__ import annotations

import datetime

from ersl import ast
from ersl.dates import Period, period_containing
from ersl.interpreter.arithmetic import shift
from ersl.interpreter.env import Env, Episode


def _env(run, date: datetime.date, **bindings) -> Env:
    return Env(bindings, date, period_containing(date, "year"))


def _window(run, within: ast.Within | None, env: Env) -> tuple[datetime.date, datetime.date] | None:
    if within is None:
        return None
    return run.evaluator.window(within, env)


def compute_episodes(
    run, bundles: dict[str, ast.Bundle]
) -> tuple[dict[str, list[Episode]], dict[int, Episode]]:
    """All episodes per bundle, and for each covered record (by `id()`) its episode.

    An episode's `end` is the last day any of its windows (includes, warranty) reaches.
    """
    ev = run.evaluator
    episodes: dict[str, list[Episode]] = {name: [] for name in bundles}
    covered: dict[int, Episode] = {}
    triggers = []
    for name, bundle in bundles.items():
        if bundle.trigger is None:
            continue
        var = bundle.trigger.var.name
        for record in run.data.between(bundle.trigger.type.name):
            if bundle.valid is not None and not (
                bundle.valid.start <= record.date <= bundle.valid.end
            ):
                continue
            if ev.truth(bundle.trigger.where, _env(run, record.date, **{var: record})):
                triggers.append((record.date, record.id, name, record))
    for date, _, name, trigger in sorted(triggers, key=lambda t: (t[0], t[1], t[2])):
        if id(trigger) in covered:
            continue
        bundle = bundles[name]
        env = _env(run, date, **{bundle.trigger.var.name: trigger})
        patient = trigger["patient"]
        episode = Episode(name, trigger, patient, trigger["provider"], date, date)
        members = [trigger]
        for item in bundle.includes:
            found, window = _included(run, item, env, patient)
            members += found
            if window is not None:
                episode.end = max(episode.end, window[1])
        members += _warranty(run, bundle, env, patient, episode)
        for record in members:
            if id(record) not in covered:
                covered[id(record)] = episode
                episode.covered.append(record)
        episodes[name].append(episode)
    return episodes, covered


def _included(run, item: ast.Include, env: Env, patient):
    """Records an `includes` line covers, and its window (None: any date)."""
    ev = run.evaluator
    window = _window(run, item.within, env)
    start, end = window if window is not None else (None, None)
    found = []
    for record in run.data.by_patient(item.type.name, patient, start, end):
        if ev.truth(item.where, env.bind(**{item.var.name: record}).at(record.date)):
            found.append(record)
    if item.at_most is not None:
        limit = ev._operand(item.at_most, env)
        found = sorted(found, key=lambda r: (r.date, r.id))[: int(limit)]
    return found, window


def _warranty(run, bundle: ast.Bundle, env: Env, patient, episode: Episode) -> list:
    warranty = bundle.warranty
    if warranty is None or warranty.covers is None or warranty.period is None:
        return []
    ev = run.evaluator
    length = ev._operand(warranty.period, env)
    if warranty.extend_to is not None and ev.truth(warranty.extend_when, env):
        length = ev._operand(warranty.extend_to, env)
    end = shift(episode.start, length, 1)
    episode.end = max(episode.end, end)
    found = []
    covers = warranty.covers
    for record in run.data.by_patient(covers.type.name, patient, episode.start, end):
        if ev.truth(covers.where, env.bind(**{covers.var.name: record}).at(record.date)):
            found.append(record)
    return found


def charge_period(date: datetime.date, settle_unit: str) -> Period:
    """The settlement period a charge for an event dated `date` falls in."""
    return period_containing(date, settle_unit)
