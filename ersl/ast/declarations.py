"""Declaration nodes: the contract header, imports, schema, code sets, parameters,
tables, dated values, functions, bases, payments, caps, indicators, performance and
bundles."""

from __future__ import annotations

import datetime

import attrs

from ersl.ast.base import Ident, Node, TypeExpr
from ersl.ast.expressions import Collection, Expr, Within


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
    """`linear MIN to TARGET`, `above MIN`, `at least MIN` (kind `at_least`) or
    `if reported`."""

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
    """`performance "Name" for provider q [each P] { bonus|penalty, indicators,
    [unreported excluded] }`."""

    name: str
    provider_var: Ident
    each: Ident | None
    bonus: Expr | None
    penalty: Expr | None
    indicators: tuple[IndicatorRef, ...]
    valid: DateRange | None
    doc: str | None = None
    unreported: Ident | None = None
    """`unreported excluded` (the word `excluded`, spanning the clause): a reported
    indicator without a value is left out with its weight; without the clause it scores
    0 and keeps its weight."""


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
