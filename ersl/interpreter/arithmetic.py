"""Exact run-time arithmetic on ERSL values (the checker has already ruled out
combinations SPEC §4 forbids, so this module only computes)."""

from __future__ import annotations

import datetime
from fractions import Fraction

from ersl.dates import add_days, add_months
from ersl.exact import product, ratio
from ersl.interpreter.values import DurationValue, RateValue


class EvalError(Exception):
    """A run-time problem (division by zero, none used, missing data); the
    interpreter adds the declaration and the entity before reporting it."""

    def __init__(self, message: str, help: str | None = None, code: str = "E0900") -> None:
        super().__init__(message)
        self.message = message
        self.help = help
        self.code = code


def _num(x):
    return x if isinstance(x, (int, Fraction)) and not isinstance(x, bool) else None


ONE = Fraction(1)
"""The count of the shared one-month durations of monthly units (checked by identity)."""


def rate_times_duration(rate: RateValue, duration: DurationValue) -> Fraction:
    """Money for a rate over a duration: a year is 12 months; per-day rates use days
    (the actual days of a calendar period given in months)."""
    if duration.count is ONE and duration.unit == "months" and rate.per != "day":
        amount = rate.amount
        if rate.per == "month":
            return Fraction(amount)
        return ratio(amount.numerator, amount.denominator * 12)
    return _rate_times_duration(rate, duration)


def _rate_times_duration(rate: RateValue, duration: DurationValue) -> Fraction:
    if rate.per == "day":
        if duration.unit == "days":
            return Fraction(rate.amount * duration.count)
        if duration.days is None:  # pragma: no cover - the checker rejects kr/day × months
            raise EvalError(f"cannot multiply {rate} by {duration}: months differ in days")
        return Fraction(rate.amount * duration.days)
    per_months = 12 if rate.per == "year" else 1
    return Fraction(rate.amount * duration.count / per_months)


def add(a, b):
    """`a + b` for numbers, money, pp, rates, durations and date + duration."""
    if isinstance(a, datetime.date):
        return shift(a, b, 1)
    if isinstance(b, datetime.date):
        return shift(b, a, 1)
    if isinstance(a, RateValue):
        return RateValue(a.amount + b.amount, a.per)
    if isinstance(a, DurationValue):
        return DurationValue(a.count + b.count, a.unit)
    return a + b


def subtract(a, b):
    """`a - b`; date − date is a duration in days."""
    if isinstance(a, datetime.date) and isinstance(b, datetime.date):
        return DurationValue(Fraction((a - b).days), "days")
    if isinstance(a, datetime.date):
        return shift(a, b, -1)
    if isinstance(a, RateValue):
        return RateValue(a.amount - b.amount, a.per)
    if isinstance(a, DurationValue):
        return DurationValue(a.count - b.count, a.unit)
    return a - b


def shift(
    d: datetime.date, duration: DurationValue, sign: int, clamp: bool = False
) -> datetime.date:
    """A date moved by a duration; month arithmetic clamps to the month's end.

    A date beyond the calendar (before year 1, after 9999) is an error, or with
    `clamp` (the end of a `within` window) the calendar's first or last day."""
    count = duration.count * sign
    if count.denominator != 1:
        raise EvalError(f"cannot move a date by a fraction of a {duration.unit[:-1]} ({duration})")
    try:
        if duration.unit == "days":
            return add_days(d, int(count))
        return add_months(d, int(count))
    except (OverflowError, ValueError):
        if clamp:
            return datetime.date.max if count > 0 else datetime.date.min
        raise EvalError(
            f"{d.isoformat()} {'+' if sign > 0 else '-'} {duration} is outside the calendar "
            "(years 1 to 9999)",
            code="E0913",
        ) from None


def multiply(a, b):
    """`a * b` with units: rate × number, rate × duration → money, duration × number."""
    if isinstance(b, RateValue) or isinstance(b, DurationValue) and not isinstance(a, RateValue):
        a, b = b, a
    if isinstance(a, RateValue):
        if isinstance(b, DurationValue):
            return rate_times_duration(a, b)
        return RateValue(a.amount * b, a.per)
    if isinstance(a, DurationValue):
        return DurationValue(a.count * b, a.unit)
    return a * b


def divide(a, b):
    """`a / b`, exact; division by zero is a run-time error."""
    divisor = (
        b.amount if isinstance(b, RateValue) else b.count if isinstance(b, DurationValue) else b
    )
    if divisor == 0:
        raise EvalError("division by zero", code="E0905")
    if isinstance(a, RateValue):
        if isinstance(b, RateValue):
            return Fraction(a.amount) / b.amount
        return RateValue(Fraction(a.amount) / b, a.per)
    if isinstance(a, DurationValue):
        if isinstance(b, DurationValue):
            return Fraction(a.count) / b.count
        return DurationValue(Fraction(a.count) / b, a.unit)
    return Fraction(a) / b


def negate(a):
    """`-a`."""
    if isinstance(a, RateValue):
        return RateValue(-a.amount, a.per)
    if isinstance(a, DurationValue):
        return DurationValue(-a.count, a.unit)
    return -a


def compare(op: str, a, b) -> bool:
    """Comparisons; none equals only none, ordering a none is an error."""
    if op == "==":
        return _key(a) == _key(b)
    if op == "!=":
        return _key(a) != _key(b)
    if a is None or b is None:
        raise EvalError("a none value cannot be ordered", code="E0903")
    a, b = _key(a), _key(b)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _key(x):
    if isinstance(x, RateValue):
        return (x.per, x.amount)
    if isinstance(x, DurationValue):
        return x.count
    return getattr(x, "identity", x)


BINARY = {"+": add, "-": subtract, "*": multiply, "/": divide}


def scale_rate(rate: RateValue, factor) -> RateValue:
    """A rate times a plain number (`410 kr/year * p.cni`), exactly."""
    return RateValue(product(rate.amount, factor), rate.per)
