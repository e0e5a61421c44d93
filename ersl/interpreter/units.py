"""Iterating the units of a basis (SPEC §3.5): *which units there are*.

Each basis yields `Unit`s inside a date range: the bindings the amount sees,
the context date, the payee, the line period and (for rates) the duration of
one unit. Nothing here computes amounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from fractions import Fraction

from ersl import ast
from ersl.dates import (
    Period,
    add_days,
    clip,
    days_in,
    days_in_month,
    month_start_dates,
    months_in,
    period_containing,
    periods_in,
)
from ersl.interpreter.arithmetic import ONE
from ersl.interpreter.values import DurationValue

SETTLE_UNITS = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
ONE_MONTH = DurationValue(Fraction(1), "months")
ONE_DAY = DurationValue(Fraction(1), "days")


_MONTHS: dict[datetime.date, DurationValue] = {}


def one_month(first: datetime.date) -> DurationValue:
    """One calendar month starting on `first`, knowing its actual days (for kr/day)."""
    duration = _MONTHS.get(first)
    if duration is None:
        duration = _MONTHS[first] = DurationValue(
            ONE, "months", days_in_month(first.year, first.month)
        )
    return duration


class Unit:
    """One unit of a payment: who, when, which line; its amount once priced.

    `record` is the event (or episode) the unit is about, for bundle coverage;
    `about` names it in error messages (`patient P1 at VC1`, `visit V7`);
    `base` is the amount before weights (rates already × the unit's duration);
    `trace` records what pricing touched, for explanations.
    """

    __slots__ = (
        "bindings",
        "date",
        "payee",
        "period",
        "duration",
        "record",
        "about",
        "amount",
        "overridden",
        "base",
        "trace",
    )

    def __init__(self, bindings, date, payee, period, duration, record, about) -> None:
        self.bindings = bindings
        self.date = date
        self.payee = payee
        self.period = period
        self.duration = duration
        self.record = record
        self.about = about
        self.amount = _ZERO
        self.overridden = False
        self.base = _ZERO
        self.trace = ()


_ZERO = Fraction(0)


def _label(entity) -> str:
    return f"{getattr(entity, 'type', 'record').lower()} {entity.id}"


def iterate_units(
    basis: ast.Basis,
    run,
    valid: tuple[datetime.date, datetime.date],
    run_period: Period,
    settle_unit: str,
) -> Iterator[Unit]:
    """The units of `basis` whose context date lies in the run period and the valid range.

    A unit's `period` is its line's calendar period clipped to the valid range
    (the settler keeps only lines whose period the run covers).
    """
    data = run.data
    start, end = max(valid[0], run_period.start), min(valid[1], run_period.end)
    if end < start:
        return

    line_period = line_period_of(valid, settle_unit)
    match basis:
        case ast.ListedBasis(var=p, provider_var=q):
            pv, qv = p.name, q.name
            for first in month_start_dates(start, end):
                period = line_period(first)
                duration = one_month(first)
                for provider, patient in run.listed_on(first):
                    yield Unit(
                        {pv: patient, qv: provider},
                        first,
                        provider,
                        period,
                        duration,
                        None,
                        ("patient", patient, provider),
                    )
        case ast.SpanBasis(type=type_, var=var, each=each):
            for record in data.between(type_.name, None, end):
                span_end = record["end"]
                first_day = max(record.date, start)
                last_day = end if span_end is None else min(span_end, end)
                if last_day < first_day:
                    continue
                if each.name == "day":
                    day = first_day
                    while day <= last_day:
                        yield Unit(
                            {var.name: record},
                            day,
                            performer(record),
                            line_period(day),
                            ONE_DAY,
                            record,
                            _label(record),
                        )
                        day = add_days(day, 1)
                else:
                    for first in month_start_dates(first_day, last_day):
                        yield Unit(
                            {var.name: record},
                            first,
                            performer(record),
                            line_period(first),
                            one_month(first),
                            record,
                            _label(record),
                        )
        case ast.EventBasis(type=type_, var=var):
            for record in data.between(type_.name, start, end):
                yield Unit(
                    {var.name: record},
                    record.date,
                    performer(record),
                    line_period(record.date),
                    None,
                    record,
                    _label(record),
                )
        case ast.ParticipantBasis(provider_var=q, type=type_, var=var):
            for record in data.between(type_.name, start, end):
                for provider in sorted(record["participants"] or (), key=lambda e: e.id):
                    yield Unit(
                        {q.name: provider, var.name: record},
                        record.date,
                        provider,
                        line_period(record.date),
                        None,
                        record,
                        f"{_label(record)} ({provider.id})",
                    )
        case ast.ProviderBasis(var=q, each=each):
            for whole in periods_in(start, end, each.name):
                period = clip(whole, *valid)
                if not covers(run_period, period):
                    continue
                duration = DurationValue(months_in(period), "months", days_in(period))
                for provider in data.providers():
                    yield Unit(
                        {q.name: provider},
                        period.end,
                        provider,
                        period,
                        duration,
                        None,
                        f"provider {provider.id}",
                    )
        case ast.EpisodeBasis(var=var, bundle=bundle):
            for episode in run.episodes_of(bundle):
                if start <= episode.start <= end:
                    yield Unit(
                        {var.name: episode},
                        episode.start,
                        episode.provider,
                        line_period(episode.start),
                        None,
                        episode,
                        f"episode {episode.id}",
                    )


def run_range(
    valid: tuple[datetime.date, datetime.date], run_period: Period
) -> tuple[datetime.date, datetime.date] | None:
    """The days both the valid range and the run period cover, or None."""
    start, end = max(valid[0], run_period.start), min(valid[1], run_period.end)
    return None if end < start else (start, end)


def line_period_of(valid: tuple[datetime.date, datetime.date], settle_unit: str):
    """A function giving the line period of a date: its calendar period (month, quarter,
    year) clipped to the valid range, remembered per date."""
    periods: dict[datetime.date, Period] = {}

    def line_period(d: datetime.date) -> Period:
        period = periods.get(d)
        if period is None:
            period = periods[d] = clip(period_containing(d, settle_unit), *valid)
        return period

    return line_period


def performer(record):
    """The provider who performed an event (its `provider` field), or None."""
    try:
        return record["provider"]
    except KeyError:
        return None


def covers(run_period: Period, period: Period) -> bool:
    """Whether the run covers the whole of a line's period (SPEC §6.1)."""
    return run_period.start <= period.start and period.end <= run_period.end


def valid_range(*ranges: ast.DateRange | None) -> tuple[datetime.date, datetime.date] | None:
    """The intersection of the `valid` ranges given; None if they do not overlap."""
    start, end = datetime.date.min, datetime.date.max
    for valid in ranges:
        if valid is not None:
            start, end = max(start, valid.start), min(end, valid.end)
    return (start, end) if start <= end else None


def line_periods(
    unit: str, valid: tuple[datetime.date, datetime.date], run_period: Period
) -> list[Period]:
    """Calendar periods of `unit` (month, quarter, year), clipped to the valid range,
    that the run covers whole: the periods of caps and performance lines."""
    start, end = max(valid[0], run_period.start), min(valid[1], run_period.end)
    if end < start:
        return []
    periods = (clip(whole, *valid) for whole in periods_in(start, end, unit))
    return [p for p in periods if covers(run_period, p)]
