"""The interpreter's exact arithmetic for the columnar engine's line level.

`ersl.columnar.provider_exprs` evaluates provider-level expressions (caps' measures,
performance bonuses, provider-basis payments and their `split`s) in Python around
the columns DuckDB computes; it does not import the interpreter, so the bridge hands
it `LINE_OPS`: the very functions the reference evaluates with (`arithmetic`,
`builtins.split_share`). Anything the reference would report — a none operand, a
division by zero — raises `NoValue`: the reference computes that row and reports it.
"""

from __future__ import annotations

from fractions import Fraction

from ersl.columnar.values import Duration, NoValue, Rate
from ersl.dates import days_in, months_in
from ersl.interpreter.arithmetic import BINARY, EvalError, compare, negate, rate_times_duration
from ersl.interpreter.builtins import split_share
from ersl.interpreter.values import DurationValue, RateValue


class LineOps:
    """Interpreter values and arithmetic for `ersl.columnar.provider_exprs`."""

    @staticmethod
    def value(neutral):
        """A compiler's neutral constant (`ersl.columnar.values`) as the interpreter's
        value."""
        if isinstance(neutral, Rate):
            return RateValue(neutral.amount, neutral.per)
        if isinstance(neutral, Duration):
            return DurationValue(neutral.count, neutral.unit)
        return neutral

    @staticmethod
    def binary(op: str, a, b):
        """`a op b` for `+ - * /`, as the reference computes it."""
        if a is None or b is None:
            raise NoValue
        try:
            return BINARY[op](a, b)
        except EvalError as error:
            raise NoValue(error.code) from None

    @staticmethod
    def compare(op: str, a, b) -> bool:
        """`a op b` for comparisons: `==`/`!=` by value (none equals only none)."""
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        try:
            return compare(op, a, b)
        except EvalError:
            raise NoValue from None

    @staticmethod
    def negate(a):
        """`-a`."""
        if a is None:
            raise NoValue
        return negate(a)

    @staticmethod
    def split(pot, share, total, units: int):
        """One unit's part of a `split` pot (`builtins.split_share`)."""
        if pot is None:
            raise NoValue
        return split_share(pot, share, total, units)

    @staticmethod
    def money(value, period) -> Fraction:
        """A provider unit's amount as money: a rate × the period's length (as
        `units.iterate_units` gives a provider unit its duration)."""
        if value is None:
            raise NoValue
        if isinstance(value, RateValue):
            duration = DurationValue(months_in(period), "months", days_in(period))
            return rate_times_duration(value, duration)
        return value if type(value) is Fraction else Fraction(value)

    @staticmethod
    def fraction(value) -> Fraction:
        """A number as an exact Fraction (a weight's factor, a `split` share)."""
        if value is None:
            raise NoValue
        return value if type(value) is Fraction else Fraction(value)


LINE_OPS = LineOps()
"""The one instance the bridge hands the compiler."""
