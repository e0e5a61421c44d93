"""Neutral compile-time values: what the interpreter's bridge hands the compiler for
literals and parameters (the compiler does not import the interpreter), and
`NotCompiled`, the reason a payment has no plan."""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs

from ersl import ast


class NotCompiled(Exception):
    """The compiler has no columnar form for something; the message says what."""


@attrs.frozen
class Rate:
    """An amount of money (kr, exact) per `day`, `month` or `year`."""

    amount: Fraction
    per: str


@attrs.frozen
class Duration:
    """A length of time: `count` days or months (a year is 12 months)."""

    count: Fraction
    unit: str


@attrs.frozen
class Band:
    """One band of a table parameter: its kind (`eq`, `range`, `over`, `under`,
    `else`), its bounds and its value as AST nodes (compiled in the unit's context)."""

    kind: str
    low: ast.Expr | None
    high: ast.Expr | None
    value: ast.Expr


@attrs.frozen
class BandTable:
    """A table parameter written in the contract: bands tried in order (`codes`: a
    table keyed by codes, whose text bands are code patterns)."""

    name: str
    bands: tuple[Band, ...]
    codes: bool = False


@attrs.frozen
class Mapping:
    """A table given as input (`--param fee=fees.csv`): exact keys to constant values."""

    name: str
    values: dict


Constant = (
    Fraction
    | int
    | Rate
    | Duration
    | str
    | bool
    | datetime.date
    | frozenset
    | BandTable
    | Mapping
    | None
)
"""What a literal or a parameter's value is at compile time (a set: of constants)."""


class NoValue(Exception):
    """A provider-level row whose value the reference path must compute and report
    (a none operand, a division by zero, a period without a month); `code` is the
    reference's error code when the arithmetic knows it (E0905: a division by zero)."""

    def __init__(self, code: str | None = None) -> None:
        super().__init__(code)
        self.code = code


DIVIDES_BY_ZERO = "divides by zero"
"""A cap measure's value where it divides by zero: the reference pays no cap line."""
