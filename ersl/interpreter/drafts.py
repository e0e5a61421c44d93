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
    _exact: tuple | None = attrs.field(default=None, repr=False)
    summary: tuple | None = attrs.field(default=None, repr=False)
    """(count, exact total, sum of rounded units) when the line was computed in a
    worker process and its units are not kept (see `parallel`)."""
    """The payment units behind the line (for explanations)."""

    @property
    def exact(self) -> Fraction:
        """The exact total of the line (computed once the line is complete)."""
        if self.summary is not None:
            return self.summary[1]
        if self._exact is None or self._exact[0] != len(self.units):
            self._exact = (len(self.units), exact_sum(self.units))
        return self._exact[1]

    @property
    def count(self) -> int:
        """The number of units."""
        return self.summary[0] if self.summary is not None else len(self.units)

    def rounded_units(self, increment: Fraction, mode: str) -> Fraction:
        """The sum of the units each rounded (for `rounding … per unit`)."""
        if self.summary is not None:
            return self.summary[2]
        return exact_sum(round_to(u, increment, mode) for u in self.units)
