"""Transformer rules for the settlement blocks: payments and their bases, caps,
indicators, performance and bundles (one method per grammar rule or alias)."""

from __future__ import annotations

from lark import v_args

from ersl import ast
from ersl.syntax.transform_base import (
    AstBuilder,
    Clause,
    all_present,
    clause_rule,
    first,
    first_name,
    first_str,
    unescape,
    value_rule,
)


def _cap_action(kind: str):
    """The rule method for one form of a cap's `above` clause."""

    def rule(self: AstBuilder, meta, children):
        node = ast.CapAction(kind, children[0], span=self._span(meta))
        return Clause("above", node, self._span(meta))

    return rule


@v_args(meta=True)
class BlockRules(AstBuilder):
    """Payments, caps, indicators, performance and bundles, with their clauses."""

    # ------------------------------------------------------------ payments
    def payment(self, meta, children):
        name, *rest = children
        c = self._clauses("payment", rest)
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

    kind_clause = clause_rule("kind", first_name)
    per_clause = clause_rule("per", first)
    amount_clause = clause_rule("amount", first)
    payee_clause = clause_rule("payee", first)
    where = value_rule(first)

    def weight_clause(self, meta, children):
        factor, when = children
        return Clause("weight", ast.Weight(factor, when, span=self._span(meta)), self._span(meta))

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
        c = self._clauses("cap", rest)
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

    measure_clause = clause_rule("measure", first)
    limit_clause = clause_rule("limit", first)
    reduce_excess = _cap_action("reduce_excess")
    reduce_all = _cap_action("reduce_all")
    pay_excess = _cap_action("pay_excess")

    # ------------------------------------------------------------ indicators
    def indicator(self, meta, children):
        name, lower, *rest = children
        span = self._span(meta)
        if rest and rest[0] == "reported":
            return ast.Indicator(
                unescape(name), lower is not None, True, None, None, None, None, span=span
            )
        var, *clauses = rest
        c = self._clauses("indicator", clauses)
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

    population_clause = clause_rule("population", first)
    numerator_clause = clause_rule("numerator", first)
    exclude_clause = clause_rule("exclude", first)

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

    window_direction = value_rule(first_str)

    # ------------------------------------------------------------ performance
    def performance(self, meta, children):
        name, var, each, *rest = children
        c = self._clauses("performance", rest)
        return ast.Performance(
            unescape(name),
            self._ident(var),
            self._ident(each),
            bonus=c.get("bonus"),
            penalty=c.get("penalty"),
            indicators=c.get("indicators", ()),
            valid=c.get("valid"),
            unreported=c.get("unreported"),
            span=self._span(meta),
        )

    bonus_clause = clause_rule("bonus", first)
    penalty_clause = clause_rule("penalty", first)
    indicators_clause = clause_rule("indicators", all_present)

    def unreported_clause(self, meta, children):
        word = ast.Ident("excluded", span=self._span(meta))
        return Clause("unreported", word, self._span(meta))

    def indicator_ref(self, meta, children):
        name, scoring, weight = children
        return ast.IndicatorRef(unescape(name), scoring, weight, span=self._span(meta))

    def linear_scoring(self, meta, children):
        low, high = children
        return ast.Scoring("linear", low, high, span=self._span(meta))

    def above_scoring(self, meta, children):
        return ast.Scoring("above", children[0], span=self._span(meta))

    def at_least_scoring(self, meta, children):
        return ast.Scoring("at_least", children[0], span=self._span(meta))

    def reported_scoring(self, meta, children):
        return ast.Scoring("reported", span=self._span(meta))

    # ------------------------------------------------------------ bundles
    def bundle(self, meta, children):
        name, *rest = children
        c = self._clauses("bundle", rest)
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
        return Clause("trigger", self._trigger(meta, children), self._span(meta))

    def covers_clause(self, meta, children):
        return Clause("covers", self._trigger(meta, children), self._span(meta))

    def _trigger(self, meta, children) -> ast.Trigger:
        type_, var, where = children
        return ast.Trigger(self._ident(type_), self._ident(var), where, span=self._span(meta))

    price_clause = clause_rule("price", first)
    includes_clause = clause_rule("includes", all_present)
    at_most = value_rule(first)

    def include_item(self, meta, children):
        type_, var, where, within, at_most = children
        return ast.Include(
            self._ident(type_), self._ident(var), where, within, at_most, span=self._span(meta)
        )

    def warranty_clause(self, meta, children):
        c = self._clauses("warranty", children)
        extend = c.get("extend")
        node = ast.Warranty(
            c.get("covers"),
            c.get("period"),
            extend[0] if extend else None,
            extend[1] if extend else None,
            span=self._span(meta),
        )
        return Clause("warranty", node, self._span(meta))

    period_clause = clause_rule("period", first)

    def extend_clause(self, meta, children):
        return Clause("extend", (children[0], children[1]), self._span(meta))
