"""Nodes of contract tests (`*_test.ersl`): `test` and `property` blocks, their
`given` records and `expect` lines."""

from __future__ import annotations

import datetime

import attrs

from ersl.ast.base import Ident, Node
from ersl.ast.declarations import Param
from ersl.ast.expressions import Expr


@attrs.frozen
class PeriodSpec(Node):
    """A run period as written: `2022`, `2022-03`, `2022-Q1`, `2022-01..2022-06`."""

    start: str
    end: str | None

    @property
    def text(self) -> str:
        """The period in its canonical textual form."""
        return self.start if self.end is None else f"{self.start}..{self.end}"


@attrs.frozen
class GivenField(Node):
    """`name value` inside a `given` record."""

    name: Ident
    value: Expr


@attrs.frozen
class GivenRecord(Node):
    """`visit V1 { patient P1, … }` inside `given`."""

    type: Ident
    id: Ident | None
    fields: tuple[GivenField, ...]


@attrs.frozen
class GivenListing(Node):
    """`listing P1 at VC1 from 2020-01-01 [to 2022-12-31]`."""

    patient: Ident
    provider: Ident
    start: datetime.date
    end: datetime.date | None


@attrs.frozen
class ExpectLine(Node):
    """`VC1 "Name" 2022-03 = 300.00 kr` (or `= none`)."""

    payee: Ident
    name: str
    period: PeriodSpec
    amount: Expr


@attrs.frozen
class ExpectTotal(Node):
    """`VC1 total 2022 = 1234.00 kr`."""

    payee: Ident
    period: PeriodSpec
    amount: Expr


@attrs.frozen
class Test(Node):
    """A contract test block."""

    name: str
    period: PeriodSpec | None
    params: tuple[Param, ...]
    given: tuple[GivenRecord | GivenListing, ...] | str | None
    expect: tuple[ExpectLine | ExpectTotal, ...] | str | None
    doc: str | None = None
    as_of: datetime.date | None = None
    """`as of DATE`: the given data as known on that date (docs/reference/time.md)."""


@attrs.frozen
class Property(Node):
    """A `property` block: an invariant checked on generated data."""

    name: str
    for_any_data: bool
    check: Expr | None
    every_provider: Ident | None
    period: PeriodSpec | None
    params: tuple[Param, ...]
    doc: str | None = None
