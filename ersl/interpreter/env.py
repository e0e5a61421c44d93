"""The context of one evaluation (`Env`), the episode value of bundle bases
(`Episode`), and how any run-time value reads in a message (`describe`)."""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs

from ersl.data.records import Entity, Record
from ersl.dates import Period
from ersl.exact import format_decimal


class Env:
    """The context of one evaluation: bindings, context date, enclosing period.

    `split` holds, for each `split` call node, (Σ of the `by` values, number of units).
    """

    __slots__ = ("bindings", "date", "period", "split")

    def __init__(self, bindings: dict, date: datetime.date, period: Period, split=None) -> None:
        self.bindings = bindings
        self.date = date
        self.period = period
        self.split = split

    def at(self, date: datetime.date) -> Env:
        """The same context on another date."""
        return Env(self.bindings, date, self.period, self.split)

    def bind(self, **more: object) -> Env:
        """The same context with extra bindings."""
        return Env({**self.bindings, **more}, self.date, self.period, self.split)


@attrs.define
class Episode:
    """One episode of a bundle: its trigger event and coverage window."""

    bundle: str
    trigger: Record
    patient: Entity
    provider: Entity
    start: datetime.date
    end: datetime.date
    covered: list[Record] = attrs.field(factory=list)

    @property
    def id(self) -> str:
        """Episodes are identified by their trigger."""
        return self.trigger.id

    def __getitem__(self, field: str):
        return {
            "trigger": self.trigger,
            "patient": self.patient,
            "provider": self.provider,
            "start": self.start,
            "end": self.end,
        }[field]


def describe(value) -> str:
    """A value as a person reads it in an error message or explanation."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction)):
        return format_decimal(Fraction(value))
    if isinstance(value, (Record, Episode)):
        return f"{getattr(value, 'type', 'episode').lower()} {value.id}"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(describe(v) for v in value)) + "}"
    return str(value)
