"""Run-time values. Numbers of every unit are exact `Fraction`s (or ints);
rates and durations keep their unit so that `rate × duration` is exact.

| ERSL type | Python value |
|---|---|
| int | int |
| decimal, percent (33 % = 33/100), pp (3 pp = 3/100), money (kr) | Fraction |
| money per day/month/year | `RateValue(amount, per)` |
| duration | `DurationValue(count, "days" or "months")` (a year is 12 months, a week 7 days) |
| date | datetime.date; month: `(year, month)` tuple |
| text, code, enum member | str |
| set | frozenset |
| record, event, span | the data layer's record object |
| none | None |
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from ersl import ast

MONEY_SCALE = {"kr": 1, "SEK": 1, "tkr": 1_000, "Mkr": 1_000_000, "MSEK": 1_000_000}
DURATION_SCALE = {
    "day": (1, "days"),
    "days": (1, "days"),
    "week": (7, "days"),
    "weeks": (7, "days"),
    "month": (1, "months"),
    "months": (1, "months"),
    "year": (12, "months"),
    "years": (12, "months"),
}


@attrs.frozen
class RateValue:
    """An amount of money per day, month or year."""

    amount: Fraction
    per: str

    def __str__(self) -> str:
        from ersl.exact import format_decimal

        return f"{format_decimal(self.amount)} kr/{self.per}"


@attrs.frozen
class DurationValue:
    """A length of time in days or in months."""

    count: Fraction
    unit: str
    days: int | None = attrs.field(default=None, eq=False)
    """For the length of a calendar period in months: its actual number of days
    (a rate per day on a monthly or yearly basis uses the actual days, SPEC §3.5)."""

    def __str__(self) -> str:
        from ersl.exact import format_decimal

        return f"{format_decimal(self.count)} {self.unit}"


def quantity_value(node: ast.Quantity):
    """The run-time value of a number with its unit."""
    unit = node.unit
    money, _, per = unit.partition("/")
    if money in MONEY_SCALE:
        amount = node.value * MONEY_SCALE[money]
        return RateValue(amount, per) if per else amount
    if unit in ("%", "pp"):
        return node.value / 100
    scale, kind = DURATION_SCALE[unit]
    return DurationValue(node.value * scale, kind)


def number_value(node: ast.Number):
    """An int for integer literals written without a point, otherwise a Fraction."""
    if node.value.denominator == 1 and "." not in node.text:
        return int(node.value)
    return node.value


def zero_of(t) -> object:
    """The zero of a static type (`ersl.types`): what `sum` of no values gives —
    0 kr/year for rates, 0 days/months for durations, 0 for numbers."""
    from ersl import types as T

    t = T.strip_optional(t) if t is not None else None
    if isinstance(t, T.Rate):
        return RateValue(Fraction(0), t.per)
    if isinstance(t, T.Duration):
        return DurationValue(Fraction(0), t.unit)
    return 0
