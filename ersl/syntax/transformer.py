"""The Transformer from Lark's parse tree to the ERSL AST (`ersl.ast`).

One method per grammar rule (or alias). Problems that the grammar cannot
express — a clause given twice, an impossible date like 2022-02-30 — are
collected as diagnostics rather than raised, so one parse reports them all.
"""

from __future__ import annotations

import datetime
import re

import attrs
from lark import Token, Transformer, v_args

from ersl import ast
from ersl.diagnostics import Diagnostic, Note
from ersl.exact import parse_decimal
from ersl.span import Span

_QUANTITY_RE = re.compile(r"(?P<num>\d[\d_]*(?:\.\d[\d_]*)?)[ \t]*(?P<unit>\S+)")
_ESCAPE_RE = re.compile(r"\\(.)")
_SINGLE_CLAUSES = {
    "contract": ("version", "region", "valid", "settle", "reconcile", "rounding"),
    "payment": ("kind", "per", "amount", "valid", "payee"),
    "cap": ("applies", "measure", "limit", "above", "valid"),
    "indicator": ("population", "numerator", "exclude"),
    "performance": ("bonus", "penalty", "indicators", "valid"),
    "bundle": ("trigger", "price", "includes", "warranty", "valid"),
    "warranty": ("covers", "period", "extend"),
    "test": ("period", "given", "expect"),
    "property": ("for", "check", "every", "period"),
}


def unescape(literal: str) -> str:
    """The value of a string literal: quotes removed, `\\"` and `\\\\` resolved."""
    body = literal[1:-1]
    return _ESCAPE_RE.sub(lambda m: m.group(1) if m.group(1) in '"\\' else m.group(0), body)


@attrs.define
class Clause:
    """A clause of a block before it is folded into its declaration."""

    key: str
    value: object
    span: Span


@v_args(meta=True)
class ToAst(Transformer):
    """Transforms the parse tree of one file into an `ast.Module`."""

    def __init__(self, path: str) -> None:
        super().__init__(visit_tokens=False)
        self.path = path
        self.errors: list[Diagnostic] = []

    # ------------------------------------------------------------ helpers
    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, token: Token) -> Span:
        return Span(self.path, token.line, token.column, token.end_line, token.end_column)

    def _ident(self, token: Token | None) -> ast.Ident | None:
        if token is None:
            return None
        return ast.Ident(str(token), span=self._tspan(token))

    def _date(self, token: Token) -> datetime.date:
        try:
            return datetime.date.fromisoformat(str(token))
        except ValueError:
            self.errors.append(
                Diagnostic(
                    "E0102",
                    f"`{token}` is not a date in the calendar",
                    self._tspan(token),
                    help="write a real date as YYYY-MM-DD, e.g. 2022-02-28",
                )
            )
            return datetime.date(1, 1, 1)

    def _clauses(self, block: str, children, span: Span) -> dict[str, object]:
        """Fold clause children into a dict, reporting single clauses given twice."""
        found: dict[str, Clause] = {}
        repeated: dict[str, list] = {"weight": []}
        for child in children:
            if not isinstance(child, Clause):
                continue
            if child.key in repeated:
                repeated[child.key].append(child.value)
                continue
            if child.key in found and child.key in _SINGLE_CLAUSES.get(block, ()):
                self.errors.append(
                    Diagnostic(
                        "E0103",
                        f"the `{child.key}` clause is given twice in this {block}",
                        child.span,
                        help=f"keep one `{child.key}` clause",
                        notes=(Note(found[child.key].span, "first given here"),),
                    )
                )
                continue
            found[child.key] = child
        result: dict[str, object] = {key: clause.value for key, clause in found.items()}
        result["weights"] = tuple(repeated["weight"])
        return result

    # ------------------------------------------------------------ module
    def start(self, meta, children):
        return [c for c in children if c is not None]

    # ------------------------------------------------------------ header
    def contract(self, meta, children):
        name, *rest = children
        c = self._clauses("contract", rest, self._span(meta))
        return ast.Contract(
            unescape(name),
            version=c.get("version"),
            region=c.get("region"),
            valid=c.get("valid"),
            settle=c.get("settle"),
            reconcile=c.get("reconcile"),
            rounding=c.get("rounding"),
            span=self._span(meta),
        )

    def version_clause(self, meta, children):
        return Clause("version", unescape(children[0]), self._span(meta))

    def region_clause(self, meta, children):
        return Clause("region", unescape(children[0]), self._span(meta))

    def valid_clause(self, meta, children):
        return Clause("valid", children[0], self._span(meta))

    def settle_clause(self, meta, children):
        return Clause("settle", self._ident(children[0]), self._span(meta))

    def reconcile_clause(self, meta, children):
        return Clause("reconcile", self._ident(children[0]), self._span(meta))

    def rounding_clause(self, meta, children):
        increment, mode, scope = children
        rounding = ast.Rounding(
            increment, self._ident(mode), self._ident(scope), span=self._span(meta)
        )
        return Clause("rounding", rounding, self._span(meta))

    def date_range(self, meta, children):
        start, end = children
        return ast.DateRange(self._date(start), self._date(end), span=self._span(meta))

    def use_stdlib(self, meta, children):
        return ast.Use(unescape(children[0]), True, span=self._span(meta))

    def use_file(self, meta, children):
        return ast.Use(unescape(children[0]), False, span=self._span(meta))

    # ------------------------------------------------------------ schema
    def enum_decl(self, meta, children):
        name, *members = children
        members = tuple(self._ident(m) for m in members if m is not None)
        return ast.EnumDecl(self._ident(name), members, span=self._span(meta))

    def schema_kind(self, meta, children):
        return str(children[0])

    def schema_decl(self, meta, children):
        kind, name, *fields = children
        fields = tuple(f for f in fields if f is not None)
        return ast.SchemaDecl(kind, self._ident(name), fields, span=self._span(meta))

    def extend_decl(self, meta, children):
        kind, name, *fields = children
        fields = tuple(f for f in fields if f is not None)
        return ast.SchemaDecl(kind, self._ident(name), fields, extend=True, span=self._span(meta))

    def field_decl(self, meta, children):
        name, type_ = children
        return ast.FieldDecl(self._ident(name), type_, span=self._span(meta))

    def optional_type(self, meta, children):
        return ast.OptionalType(children[0], span=self._span(meta))

    def named_type(self, meta, children):
        return ast.NamedType(self._ident(children[0]), span=self._span(meta))

    def rate_type(self, meta, children):
        base, per = children
        return ast.RateType(self._ident(base), self._ident(per), span=self._span(meta))

    def set_type(self, meta, children):
        return ast.SetType(children[0], span=self._span(meta))

    def code_type(self, meta, children):
        return ast.CodeType(self._ident(children[0]), span=self._span(meta))

    def table_type(self, meta, children):
        key, value = children
        return ast.TableType(key, value, span=self._span(meta))

    def codeset(self, meta, children):
        name, system, *items = children
        items = tuple(i for i in items if i is not None)
        return ast.Codeset(self._ident(name), self._ident(system), items, span=self._span(meta))

    def code_single(self, meta, children):
        return ast.CodeItem(unescape(children[0]), None, span=self._span(meta))

    def code_range(self, meta, children):
        low, high = children
        return ast.CodeItem(unescape(low), unescape(high), span=self._span(meta))

    # ------------------------------------------------------------ values
    def param(self, meta, children):
        name, type_, value = children
        return ast.Param(self._ident(name), type_, value, span=self._span(meta))

    def table_value(self, meta, children):
        key_type, *entries = children
        entries = tuple(e for e in entries if e is not None)
        return ast.TableValue(key_type, entries, span=self._span(meta))

    def table_entry(self, meta, children):
        band, value = children
        return ast.TableEntry(band, value, span=self._span(meta))

    def band_range(self, meta, children):
        low, high = children
        return ast.Band("range", low, high, span=self._span(meta))

    def band_over(self, meta, children):
        return ast.Band("over", children[0], span=self._span(meta))

    def band_under(self, meta, children):
        return ast.Band("under", None, children[0], span=self._span(meta))

    def band_eq(self, meta, children):
        return ast.Band("eq", children[0], span=self._span(meta))

    def band_else(self, meta, children):
        return ast.Band("else", span=self._span(meta))

    def signed_number(self, meta, children):
        return children[0]

    def negative_number(self, meta, children):
        node = children[0]
        return attrs.evolve(node, value=-node.value, text="-" + node.text, span=self._span(meta))

    def number_token(self, meta, children):
        token = children[0]
        if token.type == "QUANTITY":
            return self._quantity(token)
        return self._number(token)

    def dated_value(self, meta, children):
        entries = tuple(e for e in children if e is not None)
        return ast.DatedValue(entries, span=self._span(meta))

    def dated_entry(self, meta, children):
        start, value = children
        return ast.DatedEntry(self._date(start), value, span=self._span(meta))

    def function(self, meta, children):
        name = children[0]
        params = tuple(c for c in children[1:-2] if isinstance(c, ast.FunctionParam))
        result, body = children[-2], children[-1]
        return ast.Function(self._ident(name), params, result, body, span=self._span(meta))

    def function_param(self, meta, children):
        name, type_ = children
        return ast.FunctionParam(self._ident(name), type_, span=self._span(meta))

    # ------------------------------------------------------------ payments
    def payment(self, meta, children):
        name, *rest = children
        c = self._clauses("payment", rest, self._span(meta))
        return ast.Payment(
            unescape(name),
            kind=c.get("kind"),
            basis=c.get("per"),
            amount=c.get("amount"),
            weights=c["weights"],
            valid=c.get("valid"),
            payee=c.get("payee"),
            span=self._span(meta),
        )

    def kind_clause(self, meta, children):
        return Clause("kind", self._ident(children[0]), self._span(meta))

    def per_clause(self, meta, children):
        return Clause("per", children[0], self._span(meta))

    def amount_clause(self, meta, children):
        return Clause("amount", children[0], self._span(meta))

    def weight_clause(self, meta, children):
        factor, when = children
        return Clause("weight", ast.Weight(factor, when, span=self._span(meta)), self._span(meta))

    def payee_clause(self, meta, children):
        return Clause("payee", children[0], self._span(meta))

    def where(self, meta, children):
        return children[0]

    def listed_basis(self, meta, children):
        var, provider, each, where = children
        return ast.ListedBasis(
            self._ident(var),
            self._ident(provider),
            self._ident(each),
            where,
            span=self._span(meta),
        )

    def span_basis(self, meta, children):
        type_, var, each, where = children
        return ast.SpanBasis(
            self._ident(type_), self._ident(var), self._ident(each), where, span=self._span(meta)
        )

    def event_basis(self, meta, children):
        type_, var, where = children
        return ast.EventBasis(self._ident(type_), self._ident(var), where, span=self._span(meta))

    def participant_basis(self, meta, children):
        provider, type_, var, where = children
        return ast.ParticipantBasis(
            self._ident(provider),
            self._ident(type_),
            self._ident(var),
            where,
            span=self._span(meta),
        )

    def provider_basis(self, meta, children):
        var, each, where = children
        return ast.ProviderBasis(self._ident(var), self._ident(each), where, span=self._span(meta))

    def episode_basis(self, meta, children):
        var, bundle, where = children
        return ast.EpisodeBasis(self._ident(var), unescape(bundle), where, span=self._span(meta))

    # ------------------------------------------------------------ caps
    def cap(self, meta, children):
        name, var, each, *rest = children
        c = self._clauses("cap", rest, self._span(meta))
        return ast.Cap(
            unescape(name),
            self._ident(var),
            self._ident(each),
            applies=c.get("applies"),
            measure=c.get("measure"),
            limit=c.get("limit"),
            action=c.get("above"),
            valid=c.get("valid"),
            span=self._span(meta),
        )

    def applies_clause(self, meta, children):
        names = tuple(unescape(c) for c in children[:-2])
        var, where = children[-2], children[-1]
        node = ast.AppliesTo(names, self._ident(var), where, span=self._span(meta))
        return Clause("applies", node, self._span(meta))

    def measure_clause(self, meta, children):
        return Clause("measure", children[0], self._span(meta))

    def limit_clause(self, meta, children):
        return Clause("limit", children[0], self._span(meta))

    def _action(self, kind, meta, children):
        node = ast.CapAction(kind, children[0], span=self._span(meta))
        return Clause("above", node, self._span(meta))

    def reduce_excess(self, meta, children):
        return self._action("reduce_excess", meta, children)

    def reduce_all(self, meta, children):
        return self._action("reduce_all", meta, children)

    def pay_excess(self, meta, children):
        return self._action("pay_excess", meta, children)

    # ------------------------------------------------------------ indicators
    def indicator(self, meta, children):
        name, lower, *rest = children
        span = self._span(meta)
        if rest and rest[0] == "reported":
            return ast.Indicator(
                unescape(name), lower is not None, True, None, None, None, None, span=span
            )
        var, *clauses = rest
        c = self._clauses("indicator", clauses, span)
        return ast.Indicator(
            unescape(name),
            lower is not None,
            False,
            self._ident(var),
            c.get("population"),
            c.get("numerator"),
            c.get("exclude"),
            span=span,
        )

    def lower_is_better(self, meta, children):
        return True

    def reported_marker(self, meta, children):
        return "reported"

    def population_clause(self, meta, children):
        return Clause("population", children[0], self._span(meta))

    def numerator_clause(self, meta, children):
        return Clause("numerator", children[0], self._span(meta))

    def exclude_clause(self, meta, children):
        return Clause("exclude", children[0], self._span(meta))

    def listed_collection(self, meta, children):
        var, at, where, within = children
        return ast.ListedCollection(self._ident(var), at, where, within, span=self._span(meta))

    def event_collection(self, meta, children):
        type_, var, where, within = children
        return ast.EventCollection(
            self._ident(type_), self._ident(var), where, within, span=self._span(meta)
        )

    def within(self, meta, children):
        length, direction, anchor = children
        return ast.Within(length, direction, anchor, span=self._span(meta))

    def window_direction(self, meta, children):
        return str(children[0])

    def performance(self, meta, children):
        name, var, each, *rest = children
        c = self._clauses("performance", rest, self._span(meta))
        return ast.Performance(
            unescape(name),
            self._ident(var),
            self._ident(each),
            bonus=c.get("bonus"),
            penalty=c.get("penalty"),
            indicators=c.get("indicators", ()),
            valid=c.get("valid"),
            span=self._span(meta),
        )

    def bonus_clause(self, meta, children):
        return Clause("bonus", children[0], self._span(meta))

    def penalty_clause(self, meta, children):
        return Clause("penalty", children[0], self._span(meta))

    def indicators_clause(self, meta, children):
        refs = tuple(c for c in children if c is not None)
        return Clause("indicators", refs, self._span(meta))

    def indicator_ref(self, meta, children):
        name, scoring, weight = children
        return ast.IndicatorRef(unescape(name), scoring, weight, span=self._span(meta))

    def linear_scoring(self, meta, children):
        low, high = children
        return ast.Scoring("linear", low, high, span=self._span(meta))

    def above_scoring(self, meta, children):
        return ast.Scoring("above", children[0], span=self._span(meta))

    def reported_scoring(self, meta, children):
        return ast.Scoring("reported", span=self._span(meta))

    # ------------------------------------------------------------ bundles
    def bundle(self, meta, children):
        name, *rest = children
        c = self._clauses("bundle", rest, self._span(meta))
        return ast.Bundle(
            unescape(name),
            trigger=c.get("trigger"),
            price=c.get("price"),
            weights=c["weights"],
            includes=c.get("includes", ()),
            warranty=c.get("warranty"),
            valid=c.get("valid"),
            span=self._span(meta),
        )

    def trigger_clause(self, meta, children):
        type_, var, where = children
        node = ast.Trigger(self._ident(type_), self._ident(var), where, span=self._span(meta))
        return Clause("trigger", node, self._span(meta))

    def price_clause(self, meta, children):
        return Clause("price", children[0], self._span(meta))

    def includes_clause(self, meta, children):
        items = tuple(c for c in children if c is not None)
        return Clause("includes", items, self._span(meta))

    def include_item(self, meta, children):
        type_, var, where, within, at_most = children
        return ast.Include(
            self._ident(type_), self._ident(var), where, within, at_most, span=self._span(meta)
        )

    def at_most(self, meta, children):
        return children[0]

    def warranty_clause(self, meta, children):
        c = self._clauses("warranty", children, self._span(meta))
        extend = c.get("extend")
        node = ast.Warranty(
            c.get("covers"),
            c.get("period"),
            extend[0] if extend else None,
            extend[1] if extend else None,
            span=self._span(meta),
        )
        return Clause("warranty", node, self._span(meta))

    def covers_clause(self, meta, children):
        type_, var, where = children
        node = ast.Trigger(self._ident(type_), self._ident(var), where, span=self._span(meta))
        return Clause("covers", node, self._span(meta))

    def period_clause(self, meta, children):
        return Clause("period", children[0], self._span(meta))

    def extend_clause(self, meta, children):
        return Clause("extend", (children[0], children[1]), self._span(meta))

    # ------------------------------------------------------------ tests
    def test(self, meta, children):
        name, *rest = children
        span = self._span(meta)
        c = self._clauses("test", rest, span)
        params = tuple(p for p in rest if isinstance(p, ast.Param))
        return ast.Test(
            unescape(name), c.get("period"), params, c.get("given"), c.get("expect"), span=span
        )

    def test_period(self, meta, children):
        return Clause("period", children[0], self._span(meta))

    def period_spec(self, meta, children):
        start, end = children
        return ast.PeriodSpec(start, end, span=self._span(meta))

    def period_point(self, meta, children):
        return str(children[0])

    def given_file(self, meta, children):
        return Clause("given", unescape(children[0]), self._span(meta))

    def given_block(self, meta, children):
        items = tuple(c for c in children if c is not None)
        return Clause("given", items, self._span(meta))

    def given_record(self, meta, children):
        type_, id_, *fields = children
        fields = tuple(f for f in fields if f is not None)
        return ast.GivenRecord(self._ident(type_), self._ident(id_), fields, span=self._span(meta))

    def given_listing_record(self, meta, children):
        id_, *fields = children
        fields = tuple(f for f in fields if f is not None)
        span = self._span(meta)
        listing = ast.Ident(
            "listing", span=Span(span.file, span.line, span.column, span.line, span.column + 7)
        )
        return ast.GivenRecord(listing, self._ident(id_), fields, span=span)

    def given_listing(self, meta, children):
        patient, provider, start, end = children
        return ast.GivenListing(
            self._ident(patient),
            self._ident(provider),
            self._date(start),
            self._date(end) if end is not None else None,
            span=self._span(meta),
        )

    def given_field(self, meta, children):
        name, value = children
        return ast.GivenField(self._ident(name), value, span=self._span(meta))

    def expect_file(self, meta, children):
        return Clause("expect", unescape(children[0]), self._span(meta))

    def expect_block(self, meta, children):
        items = tuple(c for c in children if c is not None)
        return Clause("expect", items, self._span(meta))

    def expect_line(self, meta, children):
        payee, name, period, amount = children
        return ast.ExpectLine(
            self._ident(payee), unescape(name), period, amount, span=self._span(meta)
        )

    def expect_total(self, meta, children):
        payee, period, amount = children
        return ast.ExpectTotal(self._ident(payee), period, amount, span=self._span(meta))

    def property(self, meta, children):
        name, *rest = children
        span = self._span(meta)
        c = self._clauses("property", rest, span)
        params = tuple(p for p in rest if isinstance(p, ast.Param))
        return ast.Property(
            unescape(name),
            "for" in c,
            c.get("check"),
            c.get("every"),
            c.get("period"),
            params,
            span=span,
        )

    def for_any_data(self, meta, children):
        return Clause("for", True, self._span(meta))

    def check_clause(self, meta, children):
        return Clause("check", children[0], self._span(meta))

    def for_every(self, meta, children):
        return Clause("every", self._ident(children[0]), self._span(meta))

    # ------------------------------------------------------------ expressions
    def _binary(self, op, meta, children):
        left, right = children[0], children[-1]
        return ast.Binary(op, left, right, span=self._span(meta))

    def if_expr(self, meta, children):
        cond, then, otherwise = children
        return ast.If(cond, then, otherwise, span=self._span(meta))

    def otherwise_op(self, meta, children):
        return self._binary("otherwise", meta, children)

    def or_op(self, meta, children):
        return self._binary("or", meta, children)

    def and_op(self, meta, children):
        return self._binary("and", meta, children)

    def not_op(self, meta, children):
        return ast.Unary("not", children[0], span=self._span(meta))

    def compare(self, meta, children):
        left, op, right = children
        return ast.Binary(op, left, right, span=self._span(meta))

    def comparator(self, meta, children):
        return str(children[0])

    def in_op(self, meta, children):
        return self._binary("in", meta, children)

    def not_in_op(self, meta, children):
        return self._binary("not in", meta, children)

    def add(self, meta, children):
        return self._binary("+", meta, children)

    def sub(self, meta, children):
        return self._binary("-", meta, children)

    def mul(self, meta, children):
        return self._binary("*", meta, children)

    def div(self, meta, children):
        return self._binary("/", meta, children)

    def neg(self, meta, children):
        return ast.Unary("-", children[0], span=self._span(meta))

    def field(self, meta, children):
        obj, name = children
        return ast.FieldAccess(obj, self._ident(name), span=self._span(meta))

    def call(self, meta, children):
        func, *args = children
        args = tuple(a for a in args if a is not None)
        return ast.Call(self._ident(func), args, span=self._span(meta))

    def aggregate_of(self, meta, children):
        return ast.AggregateArg(None, children[0], span=self._span(meta))

    def aggregate_for(self, meta, children):
        value, collection = children
        return ast.AggregateArg(value, collection, span=self._span(meta))

    def named_argument(self, meta, children):
        if len(children) == 1:  # `to: …` — the keyword itself is filtered out
            span = self._span(meta)
            name = ast.Ident(
                "to", span=Span(span.file, span.line, span.column, span.line, span.column + 2)
            )
            return ast.NamedArg(name, children[0], span=span)
        name, value = children
        return ast.NamedArg(self._ident(name), value, span=self._span(meta))

    def by_argument(self, meta, children):
        return ast.ByArg(children[0], span=self._span(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]), span=self._span(meta))

    def _number(self, token: Token) -> ast.Number:
        return ast.Number(parse_decimal(str(token)), str(token), span=self._tspan(token))

    def _quantity(self, token: Token) -> ast.Quantity:
        match = _QUANTITY_RE.fullmatch(str(token))
        assert match is not None, token
        return ast.Quantity(
            parse_decimal(match["num"]), match["unit"], str(token), span=self._tspan(token)
        )

    def number(self, meta, children):
        return self._number(children[0])

    def quantity(self, meta, children):
        return self._quantity(children[0])

    def date(self, meta, children):
        return ast.DateLit(self._date(children[0]), span=self._span(meta))

    def month(self, meta, children):
        text = str(children[0])
        year, month = int(text[:4]), int(text[5:7])
        if not 1 <= month <= 12:
            self.errors.append(
                Diagnostic(
                    "E0102",
                    f"`{text}` is not a month in the calendar",
                    self._tspan(children[0]),
                    help="write a month as YYYY-MM with MM from 01 to 12",
                )
            )
        return ast.MonthLit(year, month, span=self._span(meta))

    def string(self, meta, children):
        return ast.StringLit(unescape(children[0]), span=self._span(meta))

    def true(self, meta, children):
        return ast.BoolLit(True, span=self._span(meta))

    def false(self, meta, children):
        return ast.BoolLit(False, span=self._span(meta))

    def none(self, meta, children):
        return ast.NoneLit(span=self._span(meta))

    def set_literal(self, meta, children):
        items = tuple(c for c in children if c is not None)
        return ast.SetLit(items, span=self._span(meta))
