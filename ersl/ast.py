"""The ERSL abstract syntax tree.

One frozen attrs class per construct. Every node carries a `span` (where it was
written); spans are excluded from equality, so two parses of equivalent text
compare equal (the formatter's round-trip property relies on that).
Sequences are tuples, names that a diagnostic may point at are `Ident`s.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs

from ersl.span import NO_SPAN, Span


@attrs.frozen
class Node:
    """Base of every AST node: only the source span, which never affects equality."""

    span: Span = attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Ident(Node):
    """A name as written at one place (type name, binding, enum member, field)."""

    name: str


@attrs.frozen
class Comment(Node):
    """A source comment; `kind` is "line", "doc" (`##`) or "ignore" (`# ersl: ignore[…]`)."""

    text: str
    kind: str
    own_line: bool


# ----------------------------------------------------------------- types


@attrs.frozen
class NamedType(Node):
    """A type written as a name: `int`, `money`, `Patient`, `Mode`."""

    name: Ident


@attrs.frozen
class RateType(Node):
    """`money per year` (also per day, per month)."""

    base: Ident
    per: Ident


@attrs.frozen
class SetType(Node):
    """`set of T`."""

    element: TypeExpr


@attrs.frozen
class CodeType(Node):
    """`code icd10`: a code of one code system."""

    system: Ident


@attrs.frozen
class TableType(Node):
    """`table of K -> V`."""

    key: TypeExpr
    value: TypeExpr


@attrs.frozen
class OptionalType(Node):
    """`T?`: a value that may be none."""

    inner: TypeExpr


TypeExpr = NamedType | RateType | SetType | CodeType | TableType | OptionalType


# ----------------------------------------------------------------- expressions


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


# ----------------------------------------------------------------- declarations


@attrs.frozen
class DateRange(Node):
    """`A .. B`, both ends inclusive."""

    start: datetime.date
    end: datetime.date


@attrs.frozen
class Rounding(Node):
    """`rounding 0.01 kr half_up per line`."""

    increment: Expr
    mode: Ident
    scope: Ident


@attrs.frozen
class Contract(Node):
    """The `contract "…" { … }` header."""

    name: str
    version: str | None = None
    region: str | None = None
    valid: DateRange | None = None
    settle: Ident | None = None
    reconcile: Ident | None = None
    rounding: Rounding | None = None
    doc: str | None = None


@attrs.frozen
class Use(Node):
    """`use "file.ersl"` or `use stdlib "schema/sweden"`."""

    path: str
    stdlib: bool


@attrs.frozen
class EnumDecl(Node):
    """`enum Mode { physical, home, … }`."""

    name: Ident
    members: tuple[Ident, ...]
    doc: str | None = None


@attrs.frozen
class FieldDecl(Node):
    """`name: type` inside a record, event or span."""

    name: Ident
    type: TypeExpr


@attrs.frozen
class SchemaDecl(Node):
    """`record|event|span Name { fields }`, or `extend record Name { … }`."""

    kind: str
    name: Ident
    fields: tuple[FieldDecl, ...]
    extend: bool = False
    doc: str | None = None


@attrs.frozen
class CodeItem(Node):
    """`"I10"`, `"NFB*"` (prefix) or `"I10".."I15"` (range)."""

    low: str
    high: str | None


@attrs.frozen
class Codeset(Node):
    """`codeset name: system { items }`."""

    name: Ident
    system: Ident
    items: tuple[CodeItem, ...]
    doc: str | None = None


@attrs.frozen
class Band(Node):
    """A table key band: kind is "range", "over", "under", "eq" or "else"."""

    kind: str
    low: Expr | None = None
    high: Expr | None = None


@attrs.frozen
class TableEntry(Node):
    """`band -> value`."""

    band: Band
    value: Expr


@attrs.frozen
class TableValue(Node):
    """`table [of K] { band -> value … }`."""

    key_type: TypeExpr | None
    entries: tuple[TableEntry, ...]


@attrs.frozen
class DatedEntry(Node):
    """`from DATE -> value`."""

    start: datetime.date
    value: Expr | TableValue


@attrs.frozen
class DatedValue(Node):
    """`dated { from DATE -> value … }`."""

    entries: tuple[DatedEntry, ...]


ParamValue = Expr | TableValue | DatedValue


@attrs.frozen
class Param(Node):
    """`param name[: type] [= value]`; no value means required input."""

    name: Ident
    type: TypeExpr | None
    value: ParamValue | None
    doc: str | None = None


@attrs.frozen
class FunctionParam(Node):
    """`name: type` in a function's parameter list."""

    name: Ident
    type: TypeExpr


@attrs.frozen
class Function(Node):
    """`function f(params): type = body`."""

    name: Ident
    params: tuple[FunctionParam, ...]
    result: TypeExpr
    body: Expr
    doc: str | None = None


@attrs.frozen
class ListedBasis(Node):
    """`listed patient p at q each month [where C]`."""

    var: Ident
    provider_var: Ident
    each: Ident
    where: Expr | None


@attrs.frozen
class SpanBasis(Node):
    """`Listing l each day|month [where C]`."""

    type: Ident
    var: Ident
    each: Ident
    where: Expr | None


@attrs.frozen
class EventBasis(Node):
    """`Visit v [where C]`."""

    type: Ident
    var: Ident
    where: Expr | None


@attrs.frozen
class ParticipantBasis(Node):
    """`participant q of Meeting m [where C]`."""

    provider_var: Ident
    type: Ident
    var: Ident
    where: Expr | None


@attrs.frozen
class ProviderBasis(Node):
    """`provider q each month|quarter|year [where C]`."""

    var: Ident
    each: Ident
    where: Expr | None


@attrs.frozen
class EpisodeBasis(Node):
    """`episode e of "Bundle" [where C]`."""

    var: Ident
    bundle: str
    where: Expr | None


Basis = ListedBasis | SpanBasis | EventBasis | ParticipantBasis | ProviderBasis | EpisodeBasis


@attrs.frozen
class Weight(Node):
    """`weight F when C`."""

    factor: Expr
    when: Expr


@attrs.frozen
class Payment(Node):
    """`payment "Name" { kind, per, amount, weight…, valid, payee }`."""

    name: str
    kind: Ident | None
    basis: Basis | None
    amount: Expr | None
    weights: tuple[Weight, ...]
    valid: DateRange | None
    payee: Expr | None
    doc: str | None = None


@attrs.frozen
class AppliesTo(Node):
    """`applies to "A", "B" [v [where C]]`."""

    names: tuple[str, ...]
    var: Ident | None
    where: Expr | None


@attrs.frozen
class CapAction(Node):
    """`above reduce R of excess|all` or `above pay P of excess`."""

    kind: str
    rate: Expr


@attrs.frozen
class Cap(Node):
    """`cap "Name" for provider q [each P] { … }`."""

    name: str
    provider_var: Ident
    each: Ident | None
    applies: AppliesTo | None
    measure: Expr | None
    limit: Expr | None
    action: CapAction | None
    valid: DateRange | None
    doc: str | None = None


@attrs.frozen
class Indicator(Node):
    """`indicator "Name" [lower is better] reported | for provider q { … }`."""

    name: str
    lower_is_better: bool
    reported: bool
    provider_var: Ident | None
    population: Collection | None
    numerator: Expr | None
    exclude: Expr | None
    doc: str | None = None


@attrs.frozen
class Scoring(Node):
    """`linear MIN to TARGET`, `above MIN` or `if reported`."""

    kind: str
    low: Expr | None = None
    high: Expr | None = None


@attrs.frozen
class IndicatorRef(Node):
    """One line of a performance's `indicators` block."""

    name: str
    scoring: Scoring
    weight: Expr | None


@attrs.frozen
class Performance(Node):
    """`performance "Name" for provider q [each P] { bonus|penalty, indicators }`."""

    name: str
    provider_var: Ident
    each: Ident | None
    bonus: Expr | None
    penalty: Expr | None
    indicators: tuple[IndicatorRef, ...]
    valid: DateRange | None
    doc: str | None = None


@attrs.frozen
class Trigger(Node):
    """`trigger Procedure op [where C]` (also a warranty's `covers`)."""

    type: Ident
    var: Ident
    where: Expr | None


@attrs.frozen
class Include(Node):
    """One `includes` line: `Visit x where C within N before [at most K]`."""

    type: Ident
    var: Ident
    where: Expr | None
    within: Within | None
    at_most: Expr | None


@attrs.frozen
class Warranty(Node):
    """`warranty { covers …, period D, extend to D2 when C }`."""

    covers: Trigger | None
    period: Expr | None
    extend_to: Expr | None
    extend_when: Expr | None


@attrs.frozen
class Bundle(Node):
    """`bundle "Name" { trigger, price, weight…, includes, warranty }`."""

    name: str
    trigger: Trigger | None
    price: Expr | None
    weights: tuple[Weight, ...]
    includes: tuple[Include, ...]
    warranty: Warranty | None
    valid: DateRange | None
    doc: str | None = None


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


Decl = (
    Contract
    | Use
    | EnumDecl
    | SchemaDecl
    | Codeset
    | Param
    | Function
    | Payment
    | Cap
    | Indicator
    | Performance
    | Bundle
    | Test
    | Property
)


@attrs.frozen
class Module(Node):
    """One parsed file: its declarations in order, and its comments."""

    path: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False)

    @property
    def contract(self) -> Contract | None:
        """The contract header, if this is a contract file."""
        for decl in self.decls:
            if isinstance(decl, Contract):
                return decl
        return None


def walk(node: Node | None):
    """Every node under `node`, itself included, depth first (nothing for None)."""
    if node is None:
        return
    yield node
    for attribute in getattr(type(node), "__attrs_attrs__", ()):
        value = getattr(node, attribute.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Node):
                yield from walk(child)


def split_calls(node: Node | None) -> list[Call]:
    """The `split(…)` calls in an expression (a payment that shares a pot)."""
    return [n for n in walk(node) if isinstance(n, Call) and n.func.name == "split"]
