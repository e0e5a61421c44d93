"""The columnar engine's bridge for bundles (SPEC §3.8): a payment a bundle may cover,
settled by the columnar engine (`ersl.columnar.bundles`).

The episodes are the interpreter's own (`Settler.episodes`, built by
`ersl.interpreter.bundles`), from the triggers the columnar engine finds in one query
per bundle (`trigger_keys`; a trigger without a columnar form is found by the
interpreter). What they cover becomes plain rows (`Covered`: record keys, runs of
days, episode indexes, provider codes) for the engine's query; the charges it returns
are made on the settler, as the reference makes them.
"""

from __future__ import annotations

from ersl import ast
from ersl.columnar import NotCompiled
from ersl.columnar.bundles import Covered, trigger_keys
from ersl.columnar.bundles import covered_totals as covered_query
from ersl.columnar.plan import Problem
from ersl.dates import add_days
from ersl.errors import ErslError


def covered_totals(
    settler, payment: ast.Payment, plan, pairs: list, by: str, capped: bool, constants
) -> list:
    """The line totals of a payment a bundle may cover (`by` "event" or "day"), its
    charges made on the settler (a `capped` payment keeps its coverage for its cap).

    The episodes are the interpreter's own (`Settler.episodes`); an error finding them
    sends the payment to the batch path, which reports it where the reference does.
    `constants(run, day)` makes the compiler's constants
    (`ersl.interpreter.engine.Constants`)."""
    try:
        episodes, coverage = settler.episodes(_triggers(settler, constants))
    except ErslError as error:
        raise Problem(f"finding the episodes: {error.diagnostics[0].message}") from None
    for name in episodes:
        settler.run.engine_report.setdefault(f"bundle {name}", _LINE_LEVEL)
    ordered = [e for name in sorted(episodes) for e in episodes[name]]
    covered = _covered_rows(settler.run.data, payment.basis.type.name, ordered, coverage, by)
    totals, charges = covered_query(plan, pairs, covered, by, payment.payee is None, capped)
    for charge in charges:
        for _ in range(charge.count):
            settler.charge(ordered[charge.episode], charge.day, charge.amount)
    return totals


_LINE_LEVEL = "episodes and charges at line level"


def _triggers(settler, constants) -> dict[str, list]:
    """Per bundle, the records its trigger holds for, found by the columnar engine
    (`trigger_keys`); a bundle whose trigger has no columnar form, or meets a record
    the reference reports, is left out (the interpreter finds its triggers)."""
    run = settler.run
    found: dict[str, list] = {}
    if settler.episodes_known():
        return found
    for name, bundle in settler.symbols.bundles.items():
        if bundle.trigger is None or name in settler.unsettled:
            continue
        records = run.data.records(bundle.trigger.type.name)
        key = f"bundle {name}"
        if not records:
            found[name] = []
            continue
        try:
            consts = constants(run, records[0].date)
            keys = trigger_keys(run.columnar, bundle.trigger, bundle.valid, consts)
        except (NotCompiled, Problem) as reason:
            run.engine_report[key] = f"triggers: reference ({reason}); {_LINE_LEVEL}"
            continue
        run.engine_report[key] = f"triggers: columnar; {_LINE_LEVEL}"
        found[name] = [records[k] for k in keys]
    return found


def _covered_rows(data, type_name: str, episodes: list, coverage, by: str) -> list[Covered]:
    """What the episodes cover of a type's records, as `Covered` rows: whole records
    (`by` "event"), or disjoint runs of days of spans, each day to the earliest episode
    covering it (`Coverage.of_day`)."""
    name = data.info(type_name).name
    providers = data.providers()
    codes = {id(p): i for i, p in enumerate(providers)}
    index = {id(e): i for i, e in enumerate(episodes)}
    keys: dict[int, int] | None = None
    rows: list[Covered] = []
    seen: set[int] = set()
    for episode in episodes:
        for record in episode.covered:
            if record.info.name != name or id(record) in seen:
                continue
            seen.add(id(record))
            if keys is None:
                keys = {id(r): k for k, r in enumerate(data.records(name))}
            key = keys[id(record)]
            if by == "event":
                owner = coverage.of_record(record)
                rows.append(Covered(key, None, None, index[id(owner)], _code(codes, owner)))
                continue
            taken: list[tuple] = []
            for first, last, owner in coverage.days.get(id(record), ()):
                for low, high in _uncovered(first, last, taken):
                    rows.append(Covered(key, low, high, index[id(owner)], _code(codes, owner)))
                taken.append((first, last))
    return rows


def _code(codes: dict, episode) -> int | None:
    return None if episode.provider is None else codes[id(episode.provider)]


def _uncovered(first, last, taken: list[tuple]) -> list[tuple]:
    """The runs of days `first`..`last` outside every (first, last) in `taken`."""
    runs = [(first, last)]
    for low, high in taken:
        out = []
        for a, b in runs:
            if high < a or b < low:
                out.append((a, b))
                continue
            if a < low:
                out.append((a, add_days(low, -1)))
            if high < b:
                out.append((add_days(high, 1), b))
        runs = out
    return runs
