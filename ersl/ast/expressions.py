"""Expression nodes: literals, names, field access, calls, operators, `if`, and the
collections and windows that aggregates range over."""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs

from ersl.ast.base import Ident, Node, walk


@attrs.frozen
class Name(Node):
    """A reference to a parameter, binding, function, code set or enum member."""

    name: str


@attrs.frozen
class Number(Node):
    """A plain number, exact (`1.9`, `6_500_000`)."""

    value: Fraction
    text: str = attrs.field(eq=False)


@attrs.frozen
class Quantity(Node):
    """A number with its unit, one token: `390 kr/year`, `33 %`, `900 days`.

    `value` is the number as written, `unit` the unit as written (`tkr`, `Mkr`,
    `kr/year`, `%`, `pp`, `days`, …).
    """

    value: Fraction
    unit: str
    text: str = attrs.field(eq=False)


@attrs.frozen
class DateLit(Node):
    """A date literal `2022-01-01`."""

    value: datetime.date


@attrs.frozen
class MonthLit(Node):
    """A month literal `2022-03`."""

    year: int
    month: int


@attrs.frozen
class StringLit(Node):
    """A string literal (escapes already resolved)."""

    value: str


@attrs.frozen
class BoolLit(Node):
    """`true` or `false`."""

    value: bool


@attrs.frozen
class NoneLit(Node):
    """`none`, the absent value."""


@attrs.frozen
class SetLit(Node):
    """`{a, b, c}`."""

    items: tuple[Expr, ...]


@attrs.frozen
class FieldAccess(Node):
    """`obj.name`."""

    obj: Expr
    name: Ident


@attrs.frozen
class NamedArg(Node):
    """`to: 0.01 kr` inside a call."""

    name: Ident
    value: Expr


@attrs.frozen
class ByArg(Node):
    """`by E` inside `split(pot, by E)`."""

    value: Expr


@attrs.frozen
class Within(Node):
    """`within N [before|after [X]]`: a closed date window."""

    length: Expr
    direction: str | None
    anchor: Expr | None


@attrs.frozen
class ListedCollection(Node):
    """`listed patients p at q [where C] [within …]`."""

    var: Ident
    at: Expr
    where: Expr | None
    within: Within | None


@attrs.frozen
class EventCollection(Node):
    """`Visit v [where C] [within …]`: the records of one type."""

    type: Ident
    var: Ident
    where: Expr | None
    within: Within | None


Collection = ListedCollection | EventCollection


@attrs.frozen
class AggregateArg(Node):
    """The argument of an aggregate: `[E for] COLLECTION`."""

    value: Expr | None
    collection: Collection


@attrs.frozen
class Call(Node):
    """`f(args…)`: a built-in, a user function or a table lookup."""

    func: Ident
    args: tuple[Expr | NamedArg | ByArg | AggregateArg, ...]


@attrs.frozen
class Unary(Node):
    """`-x` or `not x`."""

    op: str
    operand: Expr


@attrs.frozen
class Binary(Node):
    """`a OP b` for arithmetic, comparison, `in`, `not in`, `and`, `or`, `otherwise`."""

    op: str
    left: Expr
    right: Expr


@attrs.frozen
class If(Node):
    """`if C then A else B`."""

    cond: Expr
    then: Expr
    otherwise: Expr


Expr = (
    Name
    | Number
    | Quantity
    | DateLit
    | MonthLit
    | StringLit
    | BoolLit
    | NoneLit
    | SetLit
    | FieldAccess
    | Call
    | Unary
    | Binary
    | If
)


def split_calls(node: Node | None) -> list[Call]:
    """The `split(…)` calls in an expression (a payment that shares a pot)."""
    return [n for n in walk(node) if isinstance(n, Call) and n.func.name == "split"]
