"""Amounts and percentages as text, exact: `1234.50` (plain) or `1 234,50 kr` (Swedish).

Every amount of a diff or report is a whole number of öre (a sum of rounded statement
lines) or is rounded half up to the öre for display (per listed patient); percentages
are rounded half up to one decimal. No binary float is involved.
"""

from __future__ import annotations

from fractions import Fraction

from ersl.exact import format_amount, round_to

#: A narrow no-break space groups thousands in Swedish (`1 234,50 kr`).
GROUP = "\u00a0"


def ore(value: Fraction) -> Fraction:
    """`value` rounded half up to the öre."""
    return round_to(Fraction(value), Fraction(1, 100), "half_up")


def amount(value: Fraction | None, swedish: bool = False, sign: bool = False) -> str:
    """`1234.50`, or `1 234,50 kr` with `swedish`; `+` before a positive change with
    `sign`; an empty text for None."""
    if value is None:
        return ""
    text = format_amount(ore(value))
    if sign and ore(value) > 0:
        text = "+" + text
    if not swedish:
        return text
    minus = text[0] if text[0] in "+-" else ""
    whole, decimals = text.lstrip("+-").split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{'−' if minus == '-' else minus}{GROUP.join(groups)},{decimals}{GROUP}kr"


def percent(value: Fraction | None, swedish: bool = False, sign: bool = True) -> str:
    """`+3.2 %` (`+3,2 %` with `swedish`); an empty text for None (no old amount)."""
    if value is None:
        return ""
    rounded = round_to(Fraction(value), Fraction(1, 10), "half_up")
    tenths = abs(rounded * 10).numerator
    text = f"{tenths // 10}.{tenths % 10}"
    if swedish:
        text = text.replace(".", ",")
    prefix = "-" if rounded < 0 else ("+" if sign and rounded > 0 else "")
    if swedish and prefix == "-":
        prefix = "−"
    return f"{prefix}{text}{GROUP if swedish else ' '}%"


def decimal_text(value: Fraction | None, places: int = 2) -> str:
    """A mean (e.g. listed patients) rounded half up to `places` decimals."""
    if value is None:
        return ""
    rounded = round_to(Fraction(value), Fraction(1, 10**places), "half_up")
    scaled = abs(rounded * 10**places).numerator
    whole, rest = divmod(scaled, 10**places)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{whole}.{rest:0{places}d}" if places else f"{sign}{whole}"
