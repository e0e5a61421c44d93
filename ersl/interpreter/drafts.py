"""A statement line before rounding: `LineDraft`."""

from __future__ import annotations

from fractions import Fraction

import attrs

from ersl import ast
from ersl.dates import Period
from ersl.exact import exact_sum, round_to


@attrs.define
class LineDraft:
    """A line before rounding: exact total, unit amounts, where it came from."""

    payee: object
    period: Period
    name: str
    kind: str
    decl: ast.Node
    units: list[Fraction] = attrs.field(factory=list)
    detail: dict = attrs.field(factory=dict)
    sources: list = attrs.field(factory=list)
    """The payment units behind the line (for explanations)."""
    _exact: tuple | None = attrs.field(default=None, repr=False)

    @property
    def exact(self) -> Fraction:
        """The exact total of the line (computed once the line is complete)."""
        if self._exact is None or self._exact[0] != len(self.units):
            self._exact = (len(self.units), exact_sum(self.units))
        return self._exact[1]

    @property
    def count(self) -> int:
        """The number of units."""
        return len(self.units)

    def rounded_units(self, increment: Fraction, mode: str) -> Fraction:
        """The sum of the units each rounded (for `rounding … per unit`)."""
        return exact_sum(round_to(u, increment, mode) for u in self.units)


@attrs.define
class TalliedLineDraft(LineDraft):
    """A line settled by the columnar engine: no unit objects, only each distinct unit
    amount with how many units have it (`tally`), or, when units are rounded per line,
    the count and exact total."""

    tally: tuple = ()
    unit_count: int = 0
    total: Fraction = Fraction(0)

    @property
    def exact(self) -> Fraction:
        """The exact total of the line."""
        return self.total

    @property
    def count(self) -> int:
        """The number of units."""
        return self.unit_count

    def rounded_units(self, increment: Fraction, mode: str) -> Fraction:
        """The sum of the units each rounded (for `rounding … per unit`)."""
        return exact_sum(round_to(amount, increment, mode) * n for amount, n in self.tally)
