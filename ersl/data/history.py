"""Registration history: when each record reached the region, its corrections and
withdrawals, and the records known as of a date (issue 18, ``docs/data.md``).

Part of the data layer (:mod:`ersl.data`). Three fields, outside the schema, may be
written on any record:

* ``registered`` — the date the record reached the region (absent: known from the
  start);
* ``replaces`` — the id of an earlier record of the same type that this record
  corrects (from its ``registered`` date on, the earlier one is no longer in force);
* ``withdraws`` — on a record with no other field than ``type`` and ``registered``:
  the id of a record removed from its ``registered`` date on.

A record with the same id as another and a later ``registered`` is a correction too
(a new version). Nothing is overwritten: the reader keeps every version, and
:func:`select` picks, as of a date, the latest version of each record registered on or
before it. :class:`History` is what a `Dataset` keeps of it, to explain corrections.
Problems (a correction of an unknown id, a record corrected before it arrived, a
record replaced twice, a correction without a date, an event registered before it
happened) are reported with the codes E0820–E0824.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ersl.data.problems import Problem, ProblemLog
from ersl.data.records import Record, TypeInfo
from ersl.data.values import show

#: The registration fields, read on every record type whose schema does not use the name.
META_FIELDS = ("registered", "replaces", "withdraws")

_START = date.min
"""The registration date of a record without ``registered`` (known from the start)."""


class Change:
    """One registration of the history: a record that arrived, corrected or withdrew
    another. ``action`` is ``registered``, ``corrected`` (a new version of the same id),
    ``replaces`` (``target`` is the replaced id) or ``withdraws`` (``target`` is the
    withdrawn id); ``record`` is the record (None for a withdrawal)."""

    __slots__ = ("type", "id", "registered", "action", "target", "record", "_location")

    def __init__(
        self,
        type: str,
        id: str,
        registered: date | None,
        action: str,
        target: str | None,
        record: Record | None,
        location: str | None = None,
    ) -> None:
        self.type = type
        self.id = id
        self.registered = registered
        self.action = action
        self.target = target
        self.record = record
        self._location = location

    @property
    def location(self) -> str:
        """``file:line`` of the record (or the withdrawal)."""
        if self._location is None and self.record is not None:
            return self.record.location
        return self._location or ""

    def describe(self) -> str:
        """`visit V7 registered 2022-05-10 (data.jsonl:12)`, or how it corrected another."""
        when = "from the start" if self.registered is None else self.registered.isoformat()
        what = {
            "registered": f"{self.type} {self.id} registered {when}",
            "corrected": f"{self.type} {self.id} corrected {when} (a new version)",
            "replaces": f"{self.type} {self.id} registered {when}, replacing {self.target}",
            "withdraws": f"{self.type} {self.target} withdrawn {when}",
        }[self.action]
        return f"{what} ({self.location})"

    def __repr__(self) -> str:
        return f"Change({self.describe()})"


class History:
    """Every registration of a run's data (all versions, never overwritten) and the
    date the `Dataset` was selected as of (None: everything known)."""

    def __init__(self, changes: list[Change], as_of: date | None) -> None:
        self.changes = sorted(
            changes, key=lambda c: (c.registered or _START, c.type, c.id, c.action, c.target or "")
        )
        self.as_of = as_of

    def between(self, after: date | None, until: date | None) -> list[Change]:
        """The changes registered after ``after`` (None: from the start, i.e. any with a
        date) and on or before ``until`` (None: open)."""
        return [
            c
            for c in self.changes
            if c.registered is not None
            and (after is None or c.registered > after)
            and (until is None or c.registered <= until)
        ]

    def latest(self) -> date | None:
        """The latest registration date, or None when no record has one."""
        dates = [c.registered for c in self.changes if c.registered is not None]
        return max(dates) if dates else None


class Withdrawal:
    """A withdrawal as read: its type, the id it withdraws, its date and place."""

    __slots__ = ("info", "target", "registered", "file", "line")

    def __init__(self, info: TypeInfo, target: str, registered: date, file: str, line: int):
        self.info = info
        self.target = target
        self.registered = registered
        self.file = file
        self.line = line

    @property
    def location(self) -> str:
        """``file:line`` of the withdrawal."""
        return f"{self.file}:{self.line}"


def _when(day: date | None) -> str:
    return "from the start (no `registered`)" if day is None else day.isoformat()


def select(
    log: Any,
    recs: dict[str, list[Record]],
    infos: dict[str, TypeInfo],
    meta: dict[int, tuple[date | None, str | None]],
    withdrawals: list[Withdrawal],
    as_of: date | None,
) -> History:
    """Check the registration fields and keep in ``recs`` only the records in force as
    of ``as_of`` (None: everything registered); report problems to ``log`` (the
    reader: a record with a problem is dropped, so `--skip-invalid` skips it)."""
    changes: list[Change] = []
    by_type: dict[str, list[Withdrawal]] = {}
    for w in withdrawals:
        by_type.setdefault(w.info.data_name, []).append(w)
    for data_name, items in recs.items():
        info = infos[data_name]
        wds = by_type.get(data_name, [])
        if not any(id(r) in meta for r in items) and not wds:
            continue
        recs[data_name] = _select_type(log, info, items, meta, wds, as_of, changes)
    return History(changes, as_of)


def _registered(meta, record: Record) -> date | None:
    entry = meta.get(id(record))
    return None if entry is None else entry[0]


def _select_type(
    log: Any,
    info: TypeInfo,
    items: list[Record],
    meta: dict[int, tuple[date | None, str | None]],
    withdrawals: list[Withdrawal],
    as_of: date | None,
    changes: list[Change],
) -> list[Record]:
    """The records of one type in force as of ``as_of`` (phase 1.5 of reading)."""
    name = info.data_name
    registered = {id(r): (meta.get(id(r)) or (None, None))[0] for r in items}
    # By registration, then id: which of two clashing corrections is reported does
    # not depend on the order of the input.
    items = sorted(items, key=lambda r: (registered[id(r)] or _START, r.id))
    withdrawals = sorted(withdrawals, key=lambda w: (w.registered, w.target, w.line))
    versions: dict[str, list[Record]] = {}
    for r in items:
        versions.setdefault(r.id, []).append(r)
    for group in versions.values():
        group.sort(key=lambda r: registered[id(r)] or _START)

    def first_registered(target: str) -> date:
        return registered[id(versions[target][0])] or _START

    # Events happen before they are registered.
    for r in items:
        day = registered[id(r)]
        if day is not None and info.kind == "event" and r.date is not None and day < r.date:
            log.problem(
                Problem(
                    "E0824",
                    f"{name} {show(r.id)} is registered on {day.isoformat()}, before it "
                    f"happened ({r.date.isoformat()})",
                    r._file,
                    r._line,
                    field="registered",
                    help="`registered` is the date the record reached the region, on or "
                    "after the event's date",
                )
            )
            log._drop(r)
    # Corrections: what each replaces must exist and be registered no later.
    replaced_by: dict[str, Record] = {}
    for r in items:
        entry = meta.get(id(r))
        target = None if entry is None else entry[1]
        if target is None:
            continue
        day = entry[0]
        if target not in versions or target == r.id:
            help = (
                "a record corrects itself by its id and a later `registered`; "
                "`replaces` names another record"
                if target == r.id
                else f"name the id of an earlier {name} record"
            )
            log.problem(
                Problem(
                    "E0820",
                    f"`replaces` of {name} {show(r.id)} names "
                    + (
                        "the record itself"
                        if target == r.id
                        else f"no {name} record: {show(target)}"
                    ),
                    r._file,
                    r._line,
                    field="replaces",
                    help=help,
                )
            )
            log._drop(r)
            continue
        if day is not None and first_registered(target) > day:
            first = versions[target][0]
            _too_early(log, "replaces", r._file, r._line, name, target, day, first, meta)
            log._drop(r)
            continue
        other = replaced_by.get(target)
        if other is not None:
            _twice(log, name, target, r._file, r._line, other.location, "replaced")
            log._drop(r)
            continue
        replaced_by[target] = r
    withdrawn: dict[str, Withdrawal] = {}
    for w in withdrawals:
        if w.target not in versions:
            log.problem(
                Problem(
                    "E0820",
                    f"the withdrawal names no {name} record: {show(w.target)}",
                    w.file,
                    w.line,
                    field="withdraws",
                    help=f"name the id of a {name} record to withdraw",
                )
            )
            log.bad_records += 1
            continue
        if first_registered(w.target) > w.registered:
            first = versions[w.target][0]
            _too_early(log, "withdraws", w.file, w.line, name, w.target, w.registered, first, meta)
            log.bad_records += 1
            continue
        other_w = withdrawn.get(w.target)
        if other_w is not None:
            _twice(log, name, w.target, w.file, w.line, other_w.location, "withdrawn")
            log.bad_records += 1
            continue
        successor = replaced_by.get(w.target)
        if successor is not None and (_registered(meta, successor) or _START) <= w.registered:
            log.problem(
                Problem(
                    "E0822",
                    f"{name} {show(w.target)} is withdrawn on {w.registered.isoformat()}, "
                    f"after {successor.id} replaced it ({successor.location})",
                    w.file,
                    w.line,
                    field="withdraws",
                    help=f"withdraw the record in force: {show(successor.id)}",
                )
            )
            log.bad_records += 1
            continue
        withdrawn[w.target] = w
    # The history, and the records in force as of the date.
    for id_, group in versions.items():
        for k, r in enumerate(group):
            if id(r) in log.dropped:
                continue
            entry = meta.get(id(r))
            target = None if entry is None else entry[1]
            action = "replaces" if target is not None else "corrected" if k else "registered"
            changes.append(Change(name, id_, registered[id(r)], action, target, r))
    for w in withdrawn.values():
        changes.append(
            Change(name, w.target, w.registered, "withdraws", w.target, None, w.location)
        )

    def known(day: date | None) -> bool:
        return as_of is None or day is None or day <= as_of

    kept: list[Record] = []
    for id_, group in versions.items():
        if len(group) == 1:  # the usual case: one version
            r = group[0]
            visible = [r] if known(registered[id(r)]) and id(r) not in log.dropped else []
        else:
            visible = [r for r in group if known(registered[id(r)]) and id(r) not in log.dropped]
        if not visible:
            continue
        # Versions registered the same day stay together: E0812 reports them.
        last_day = registered[id(visible[-1])]
        current = [r for r in visible if registered[id(r)] == last_day]
        w = withdrawn.get(id_)
        if w is not None and known(w.registered) and (last_day or _START) <= w.registered:
            continue
        successor = replaced_by.get(id_)
        if successor is not None and known(registered[id(successor)]):
            continue
        kept.extend(current)
    return kept


def _too_early(
    log: ProblemLog,
    field: str,
    file: str,
    line: int,
    name: str,
    target: str,
    day: date,
    first: Record,
    meta: dict[int, tuple[date | None, str | None]],
) -> None:
    verb = "replaced" if field == "replaces" else "withdrawn"
    log.problem(
        Problem(
            "E0821",
            f"{name} {show(target)} is {verb} on {day.isoformat()}, before it was "
            f"registered ({_when(_registered(meta, first))})",
            file,
            line,
            field="registered",
            help="a correction is registered on or after the record it corrects",
            notes=((first._file, first._line, "registered", "the record is registered here"),),
        )
    )


def _twice(
    log: ProblemLog, name: str, target: str, file: str, line: int, other: str, how: str
) -> None:
    field = "replaces" if how == "replaced" else "withdraws"
    log.problem(
        Problem(
            "E0822",
            f"{name} {show(target)} is {how} twice: also at {other}",
            file,
            line,
            field=field,
            help=f"a record is {how} once; to correct a correction, name the correction's id",
        )
    )


def missing_date(kind: str) -> str:
    """The message of E0823: a correction or withdrawal without ``registered``."""
    return f"a {kind} needs `registered`: the date it reached the region"
