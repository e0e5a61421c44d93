"""Calendar helpers for ERSL: month arithmetic, ages, and settlement periods.

All dates are :class:`datetime.date`; all periods are closed (both ends inclusive).
Month and year arithmetic clamps to the end of the month (SPEC §3.4):
2022-01-31 + 1 month = 2022-02-28.  Ages follow SPEC §6.2: a 29 February birthday
falls on 1 March in common years.

This module is pure and depends only on the standard library.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

__all__ = [
    "PERIOD_UNITS",
    "Period",
    "add_days",
    "add_months",
    "add_years",
    "age",
    "age_in_year",
    "clip",
    "days_in",
    "days_in_month",
    "month_start_dates",
    "months_in",
    "parse_date",
    "parse_period",
    "period_containing",
    "periods_in",
    "years_in",
]

#: The calendar units a period can be counted in.
PERIOD_UNITS = ("month", "quarter", "year")

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEAR_RE = re.compile(r"[0-9]{4}")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_RE = re.compile(r"([0-9]{4})-[Qq]([0-9])")
_PERIOD_HINT = "expected a period like 2022, 2022-03, 2022-Q2, 2022-01..2022-06 or 2021..2022"


# ---------------------------------------------------------------------------
# Dates and date arithmetic


def parse_date(text: str) -> date:
    """Parse a date written strictly as ``YYYY-MM-DD`` (e.g. ``"2022-03-01"``).

    Raises ``ValueError`` with a plain-language message for anything else, including
    days that do not exist such as ``"2022-02-30"``.
    """
    match = _DATE_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a date; expected a date like 2022-03-01")
    year, month, day = (int(g) for g in match.groups())
    if year < 1 or not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a real date; expected a date like 2022-03-01")
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        raise ValueError(
            f"{text!r} is not a real date: {year:04d}-{month:02d} has {last} days; "
            "expected a date like 2022-03-01"
        )
    return date(year, month, day)


def days_in_month(year: int, month: int) -> int:
    """The number of days in the given month (28-31)."""
    return calendar.monthrange(year, month)[1]


def add_days(d: date, n: int) -> date:
    """``d`` plus ``n`` days (``n`` may be negative)."""
    return d + timedelta(days=n)


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, clamped to the end of the month.

    2022-01-31 + 1 month = 2022-02-28; 2022-03-31 - 1 month = 2022-02-28.
    ``n`` may be negative.
    """
    year, month0 = divmod(d.year * 12 + (d.month - 1) + n, 12)
    month = month0 + 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def add_years(d: date, n: int) -> date:
    """``d`` plus ``n`` years, clamped to the end of the month.

    2020-02-29 + 1 year = 2021-02-28.  Equal to ``add_months(d, 12 * n)``.
    """
    return add_months(d, 12 * n)


def _birthday_in(birth: date, year: int) -> date:
    """The day in ``year`` on which someone born on ``birth`` has a birthday."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, birth.month, birth.day)


def age(birth: date, on: date) -> int:
    """Completed years on ``on`` of someone born on ``birth`` (SPEC §6.2).

    A 29 February birthday falls on 1 March in common years: born 2000-02-29, the
    age is 20 on 2021-02-28 and 21 on 2021-03-01.  Raises ``ValueError`` when ``on``
    is before ``birth``.
    """
    if on < birth:
        raise ValueError(f"{on.isoformat()} is before the birth date {birth.isoformat()}")
    years = on.year - birth.year
    if on < _birthday_in(birth, on.year):
        years -= 1
    return years


def age_in_year(birth: date, on: date) -> int:
    """The age reached during ``on``'s year: ``on.year - birth.year`` (SPEC §6.2)."""
    return on.year - birth.year


# ---------------------------------------------------------------------------
# Periods


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of days ``start .. end`` (both inclusive) with a display label.

    Calendar periods are labelled ``YYYY``, ``YYYY-MM`` or ``YYYY-Qn``; a range parsed
    by :func:`parse_period` keeps its normalised text (``"2022-01..2022-06"``).
    """

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"period {self.label!r} ends ({self.end.isoformat()}) "
                f"before it starts ({self.start.isoformat()})"
            )

    def __contains__(self, d: object) -> bool:
        """Whether the date ``d`` lies in the period (ends included)."""
        return isinstance(d, date) and self.start <= d <= self.end

    def covers(self, other: Period) -> bool:
        """Whether every day of ``other`` lies in this period."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end


def _year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year:04d}")


def _month_period(year: int, month: int) -> Period:
    last = days_in_month(year, month)
    return Period(date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}")


def _quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    last = first + 2
    return Period(
        date(year, first, 1),
        date(year, last, days_in_month(year, last)),
        f"{year:04d}-Q{quarter}",
    )


def _parse_single_period(text: str, whole: str) -> Period:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-Qn``; ``whole`` is the full input, for messages."""
    if _YEAR_RE.fullmatch(text):
        year = int(text)
        if year >= 1:
            return _year_period(year)
    elif match := _MONTH_RE.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if year >= 1 and 1 <= month <= 12:
            return _month_period(year, month)
    elif match := _QUARTER_RE.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        if year >= 1 and 1 <= quarter <= 4:
            return _quarter_period(year, quarter)
    raise ValueError(f"{whole!r} is not a period; {_PERIOD_HINT}")


def parse_period(text: str) -> Period:
    """Parse a settlement period (SPEC §6.1).

    Accepted forms: ``2022`` (a year), ``2022-03`` (a month), ``2022-Q2`` (a quarter,
    ``q`` accepted), and ranges ``A..B`` of any two of those, e.g. ``2022-01..2022-06``
    or ``2021..2022``, running from the first day of A to the last day of B.  Spaces
    around the input and around ``..`` are ignored.  A single period's label is its
    canonical form (``2022-Q2``); a range's label is the normalised text
    (``2022-01..2022-06``).  Raises ``ValueError`` on bad input or when a range ends
    before it starts.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    pieces = [piece.strip() for piece in text.strip().split("..")]
    if len(pieces) == 1:
        return _parse_single_period(pieces[0], text)
    if len(pieces) != 2:
        raise ValueError(f"{text!r} is not a period; {_PERIOD_HINT}")
    first = _parse_single_period(pieces[0], text)
    last = _parse_single_period(pieces[1], text)
    if last.end < first.start:
        raise ValueError(
            f"period {text!r} ends before it starts: {last.label} is before {first.label}"
        )
    return Period(first.start, last.end, f"{first.label}..{last.label}")


def _check_unit(unit: str) -> None:
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unknown period unit {unit!r}; expected month, quarter or year")


def period_containing(d: date, unit: str) -> Period:
    """The calendar month, quarter or year (``unit``) that contains the date ``d``."""
    _check_unit(unit)
    if unit == "month":
        return _month_period(d.year, d.month)
    if unit == "quarter":
        return _quarter_period(d.year, (d.month - 1) // 3 + 1)
    return _year_period(d.year)


def periods_in(start: date, end: date, unit: str) -> list[Period]:
    """The whole calendar periods of ``unit`` that overlap ``[start, end]``, in order.

    The periods are not clipped: ``periods_in(2022-01-15, 2022-02-10, "month")`` is
    ``[2022-01, 2022-02]`` in full.  Empty when ``end`` is before ``start``.
    """
    _check_unit(unit)
    result: list[Period] = []
    if end < start:
        return result
    period = period_containing(start, unit)
    while period.start <= end:
        result.append(period)
        if period.end == date.max:
            break
        period = period_containing(add_days(period.end, 1), unit)
    return result


def _month_starts(start: date, end: date) -> Iterator[date]:
    index = start.year * 12 + (start.month - 1) + (0 if start.day == 1 else 1)
    while True:
        year, month0 = divmod(index, 12)
        if year > end.year or (year == end.year and month0 + 1 > end.month):
            return
        yield date(year, month0 + 1, 1)
        index += 1


def month_start_dates(start: date, end: date) -> list[date]:
    """The first days of months that lie within ``[start, end]``, in order.

    ``month_start_dates(2022-01-15, 2022-03-01)`` is ``[2022-02-01, 2022-03-01]``.
    """
    return list(_month_starts(start, end))


def month_start(d: date) -> date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return d.replace(day=days_in_month(d.year, d.month))


def month_end_dates(start: date, end: date) -> list[date]:
    """The last days of months that lie within ``[start, end]``, in order.

    ``month_end_dates(2022-01-15, 2022-03-30)`` is ``[2022-01-31, 2022-02-28]``.
    """
    result = []
    d = month_end(start)
    while d <= end:
        result.append(d)
        d = month_end(add_days(d, 1))
    return result


DATE_SERIES = {"MonthStart": month_start_dates, "MonthEnd": month_end_dates}
"""Collections of dates an aggregate can range over (`count(MonthEnd d where … within
12 months before X)`): the first or last days of months inside the window."""


def clip(period: Period, start: date | None = None, end: date | None = None) -> Period | None:
    """The part of ``period`` inside ``[start, end]``, or ``None`` if they do not overlap.

    ``None`` for ``start`` or ``end`` means unbounded on that side.  The clipped
    period keeps the original label, since a line clipped to a contract's ``valid``
    range still belongs to its calendar period (SPEC §6.1).
    """
    new_start = period.start if start is None else max(period.start, start)
    new_end = period.end if end is None else min(period.end, end)
    if new_end < new_start:
        return None
    return Period(new_start, new_end, period.label)


def days_in(period: Period) -> int:
    """The number of days in ``period``, both ends included."""
    return (period.end - period.start).days + 1


def months_in(period: Period) -> Fraction:
    """The length of ``period`` in calendar months, exactly.

    Each calendar month wholly inside the period counts 1.  A month only partly
    inside counts the days inside divided by that month's days: 2022-01-15 ..
    2022-02-28 is 17/31 + 1 = 48/31 months.  So a month is always one month,
    whether it has 28 or 31 days, and a rate per month over a partial month is paid
    for the share of that month's days actually covered.
    """
    total = Fraction(0)
    for month in periods_in(period.start, period.end, "month"):
        inside = clip(month, period.start, period.end)
        assert inside is not None  # periods_in only returns overlapping months
        total += Fraction(days_in(inside), days_in(month))
    return total


def years_in(period: Period) -> Fraction:
    """The length of ``period`` in years, where a year is 12 months (SPEC §3.5).

    Equal to ``months_in(period) / 12``.
    """
    return months_in(period) / 12
