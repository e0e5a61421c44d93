"""Exact arithmetic for ERSL: parsing, rounding, formatting and largest-remainder splits.

Every number that ERSL computes with -- money, decimals, percentages -- is a
:class:`fractions.Fraction`.  Floats are never accepted, because a float cannot hold
0.1 exactly and would make a statement depend on binary rounding.  Rounding happens
only where a contract says so (SPEC §4 "Exactness"), through :func:`round_to`.

This module is pure and depends only on the standard library.
"""

from __future__ import annotations

import math
import operator
import re
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "LIMIT",
    "MAX_DIGITS",
    "NumberTooLarge",
    "ROUNDING_MODES",
    "bounded_fraction",
    "format_amount",
    "format_decimal",
    "largest_remainder",
    "parse_decimal",
    "round_to",
    "to_fraction",
]

#: The rounding modes understood by :func:`round_to`.
ROUNDING_MODES = ("half_up", "half_even", "down")

#: One öre, the smallest unit of a printed amount.
_ORE = Fraction(1, 100)

# Optional sign, digits (underscores allowed between digits), optional fraction part.
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_DECIMAL_RE = re.compile(rf"(?P<sign>[+-]?)(?P<int>{_DIGITS})(?:\.(?P<frac>{_DIGITS}))?")


#: The most digits a written number may have before, and after, its decimal point.
MAX_DIGITS = 30

#: Every number ERSL reads lies strictly between -LIMIT and LIMIT.
LIMIT = 10**MAX_DIGITS


class NumberTooLarge(ValueError):
    """A number with more than `MAX_DIGITS` digits before or after its decimal point;
    ``detail`` says how many it has."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def _too_large(text: str, digits: int, where: str) -> NumberTooLarge:
    shown = text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}"
    detail = f"{digits} digits {where} the decimal point; ERSL reads at most {MAX_DIGITS}"
    return NumberTooLarge(f"number too large: {shown} has {detail}", f"it has {detail}")


def bounded_fraction(text: str) -> Fraction:
    """A JSON number (``1.5``, ``2e3``) as an exact Fraction, within the bounds of
    `parse_decimal`: at most `MAX_DIGITS` digits before and after the decimal point.
    An enormous exponent (``1e999999999``) raises `NumberTooLarge` without building
    the number."""
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(f"{text} is not a finite number")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    stripped = len(digits)
    while stripped > 1 and digits[stripped - 1] == 0:
        stripped -= 1
    if any(digits):
        exponent += len(digits) - stripped
        leading = exponent + stripped  # digits before the decimal point
        if leading > MAX_DIGITS:
            raise _too_large(text, leading, "before")
        if exponent < -MAX_DIGITS:
            raise _too_large(text, -exponent, "after")
    return Fraction(value)


def parse_decimal(text: str) -> Fraction:
    """Parse a decimal literal such as ``"62.4"``, ``"-3"`` or ``"6_500_000"`` exactly.

    Accepted: an optional ``+`` or ``-``, digits, and optionally ``.`` followed by
    digits.  Underscores may separate digits.  Exponents (``1e3``), a bare ``.5`` or
    ``5.``, surrounding spaces, ``nan`` and ``inf`` are rejected with a ``ValueError``;
    more than `MAX_DIGITS` digits before or after the point with `NumberTooLarge`.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    match = _DECIMAL_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a number; expected a number like 62.4, -3 or 6_500_000")
    whole = match["int"].replace("_", "")
    frac = (match["frac"] or "").replace("_", "")
    significant = len(whole.lstrip("0"))
    if significant > MAX_DIGITS:
        raise _too_large(text, significant, "before")
    if len(frac) > MAX_DIGITS:
        raise _too_large(text, len(frac), "after")
    value = Fraction(int(whole + frac), 10 ** len(frac))
    return -value if match["sign"] == "-" else value


def to_fraction(value: int | str | Fraction | Decimal) -> Fraction:
    """Convert an int, a decimal string, a Fraction or a Decimal to an exact Fraction.

    Strings are read with :func:`parse_decimal`.  A ``float`` raises ``TypeError``
    (it cannot be exact), and so does a ``bool`` (almost always a mistake).  A
    non-finite ``Decimal`` raises ``ValueError``.
    """
    if isinstance(value, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, float):
        raise TypeError(f"floats are not exact; pass {value!r} as a string or a Fraction instead")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        return parse_decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return Fraction(value)
    raise TypeError(f"expected an int, a decimal string or a Fraction, got {type(value).__name__}")


def _check_increment(increment: Fraction) -> Fraction:
    increment = to_fraction(increment)
    if increment <= 0:
        raise ValueError(
            f"the rounding increment must be positive, got {format_decimal(increment)}"
        )
    return increment


def _check_mode(mode: str) -> None:
    if mode not in ROUNDING_MODES:
        raise ValueError(
            f"unknown rounding mode {mode!r}; expected one of {', '.join(ROUNDING_MODES)}"
        )


def round_to(x: Fraction, increment: Fraction, mode: str) -> Fraction:
    """Round ``x`` to a whole multiple of ``increment`` (which must be positive).

    Modes:

    * ``"half_up"``: to the nearest multiple; an exact half goes away from zero
      (0.005 -> 0.01, -0.005 -> -0.01 at increment 0.01).
    * ``"half_even"``: to the nearest multiple; an exact half goes to the even multiple.
    * ``"down"``: toward zero (truncation).

    The result is exact: ``result / increment`` is an integer.
    """
    x = to_fraction(x)
    increment = _check_increment(increment)
    _check_mode(mode)
    steps = x / increment
    magnitude = abs(steps)
    whole = math.floor(magnitude)  # whole increments in |x|
    rest = magnitude - whole  # 0 <= rest < 1
    if mode == "down":
        n = whole
    elif mode == "half_up":
        n = whole + 1 if rest >= Fraction(1, 2) else whole
    else:  # half_even
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
            n = whole + 1
        else:
            n = whole
    return (-n if steps < 0 else n) * increment


def format_amount(x: Fraction) -> str:
    """Print a whole number of öre with exactly two decimals: ``"1234.50"``, ``"-3.00"``.

    Zero is always ``"0.00"`` (never ``"-0.00"``).  Raises ``ValueError`` when ``x`` is
    not a whole number of öre; round it with :func:`round_to` first.
    """
    x = to_fraction(x)
    ore = x / _ORE
    if ore.denominator != 1:
        raise ValueError(
            f"{format_decimal(x)} is not a whole number of öre; round it to 0.01 before printing"
        )
    n = ore.numerator
    kronor, rest = divmod(abs(n), 100)
    sign = "-" if n < 0 else ""
    return f"{sign}{kronor}.{rest:02d}"


def format_decimal(x: Fraction) -> str:
    """Render ``x`` exactly and readably, for explanations.

    If ``x`` has a finite decimal expansion (its reduced denominator has no prime
    factors other than 2 and 5) it is printed in full with no trailing zeros:
    ``"3"``, ``"0.125"``, ``"-62.4"``.  Otherwise no finite decimal is exact, so it is
    printed as a reduced fraction: ``"1/3"``, ``"-7/6"``.  Either form reads back
    exactly (:func:`parse_decimal` or ``Fraction``).
    """
    x = to_fraction(x)
    den = x.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{x.numerator}/{x.denominator}"
    places = max(twos, fives)
    if places == 0:
        return str(x.numerator)
    scaled = abs(x) * 10**places  # an integer, since the denominator divides 10**places
    digits = str(scaled.numerator).rjust(places + 1, "0")
    whole, frac = digits[:-places], digits[-places:].rstrip("0")
    sign = "-" if x < 0 else ""
    return f"{sign}{whole}.{frac}"


def largest_remainder(
    parts: list[tuple[str, Fraction]], increment: Fraction, mode: str
) -> dict[str, Fraction]:
    """Round several exact amounts together so they sum to their rounded total (SPEC §3.9).

    1. The exact total is rounded once: ``target = round_to(total, increment, mode)``.
    2. Each part gets its floor to the increment (toward minus infinity, so this also
       works for negative and mixed-sign amounts); its remainder is the part minus
       that floor, in ``[0, increment)``.
    3. The increments still missing, ``(target - sum of floors) / increment``, are
       handed out one each to the parts with the largest remainders.  Equal
       remainders are decided by key, the key that sorts first (code points, plain
       ``str`` order) getting the increment.

    The result sums exactly to ``target``, and each part differs from its exact
    amount by less than one increment (a part with no remainder is never raised).
    Keys must be distinct.  Empty input gives ``{}``.
    """
    increment = _check_increment(increment)
    _check_mode(mode)
    amounts: dict[str, Fraction] = {}
    for key, amount in parts:
        if key in amounts:
            raise ValueError(f"{key!r} appears twice in a largest-remainder split")
        amounts[key] = to_fraction(amount)
    target = round_to(sum(amounts.values(), Fraction(0)), increment, mode)
    result = {key: math.floor(a / increment) * increment for key, a in amounts.items()}
    missing = (target - sum(result.values(), Fraction(0))) / increment
    # |target - total| < increment, so 0 <= missing <= number of non-zero remainders.
    assert missing.denominator == 1 and 0 <= missing <= len(result)
    by_remainder = sorted(amounts, key=lambda key: (-(amounts[key] - result[key]), key))
    for key in by_remainder[: int(missing)]:
        result[key] += increment
    return result


def exact_sum(values) -> Fraction:
    """The exact sum of many Fractions/ints, fast: numerators are added per
    denominator with integer arithmetic, and the few denominators combined at the end."""
    values = values if isinstance(values, list) else list(values)
    if _FAST and len(values) > 64:
        try:  # every value a Fraction: read both fields with C getters
            numerators = list(map(_NUMERATOR, values))
            denominators = list(map(_DENOMINATOR, values))
        except AttributeError:  # an int among them
            pass
        else:
            distinct = set(denominators)
            if len(distinct) <= 64:  # one common denominator keeps the products small
                common = math.lcm(*distinct)
                scale = {d: common // d for d in distinct}
                scaled = map(operator.mul, numerators, map(scale.__getitem__, denominators))
                return Fraction(sum(scaled), common)
    by_denominator: dict[int, int] = {}
    for value in values:
        if isinstance(value, int):
            by_denominator[1] = by_denominator.get(1, 0) + value
        else:
            d = value.denominator
            by_denominator[d] = by_denominator.get(d, 0) + value.numerator
    total = Fraction(0)
    for d, n in by_denominator.items():
        total += Fraction(n, d)
    return total


_NUMERATOR = operator.attrgetter("_numerator")
_DENOMINATOR = operator.attrgetter("_denominator")


def _fast_constructor_works() -> bool:
    try:
        probe = object.__new__(Fraction)
        probe._numerator, probe._denominator = 3, 4
        return probe == Fraction(3, 4) and hash(probe) == hash(Fraction(3, 4))
    except (AttributeError, TypeError):  # pragma: no cover - another Python's Fraction
        return False


_FAST = _fast_constructor_works()


def ratio(numerator: int, denominator: int) -> Fraction:
    """`Fraction(numerator, denominator)` for ints, several times faster on the hot path of a
    settlement (CPython's Fraction spends most of its time on type checks). Falls back to
    the plain constructor where Fraction's layout differs."""
    if not _FAST:  # pragma: no cover
        return Fraction(numerator, denominator)
    g = math.gcd(numerator, denominator)
    if denominator < 0:
        g = -g
    value = object.__new__(Fraction)
    value._numerator = numerator // g
    value._denominator = denominator // g
    return value


def products(left, right) -> list:
    """`[product(a, b) for a, b in zip(left, right)]`, with the Fraction fields read directly."""
    if not _FAST:  # pragma: no cover
        return list(map(product, left, right))
    gcd, new = math.gcd, object.__new__
    out = []
    append = out.append
    for a, b in zip(left, right, strict=True):
        if type(a) is Fraction:
            an, ad = a._numerator, a._denominator
        elif type(a) is int:
            if type(b) is int:
                append(a * b)
                continue
            an, ad = a, 1
        else:
            raise TypeError(f"cannot multiply {a!r}")
        if type(b) is Fraction:
            bn, bd = b._numerator, b._denominator
        elif type(b) is int:
            bn, bd = b, 1
        else:
            raise TypeError(f"cannot multiply {b!r}")
        n, d = an * bn, ad * bd
        g = gcd(n, d)
        value = new(Fraction)
        value._numerator, value._denominator = n // g, d // g
        append(value)
    return out


def product(a, b) -> Fraction:
    """`a * b` for Fractions and ints, exact, via `ratio` (two ints give an int)."""
    if type(a) is int and type(b) is int:
        return a * b
    return ratio(a.numerator * b.numerator, a.denominator * b.denominator)
