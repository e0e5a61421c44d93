"""Transformer rules for `test` and `property` blocks: their periods, given data and
expected lines (one method per grammar rule or alias)."""

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
    first_text,
    present,
    unescape,
    value_rule,
)


@v_args(meta=True)
class ContractTestRules(AstBuilder):
    """Tests with given data and expected amounts, and properties checked on any data."""

    def _parts(self, block: str, children) -> tuple[str, dict[str, object], tuple]:
        """The name, the clauses and the `param`s of a test or a property."""
        name, *rest = children
        params = tuple(p for p in rest if isinstance(p, ast.Param))
        return unescape(name), self._clauses(block, rest), params

    def test(self, meta, children):
        name, c, params = self._parts("test", children)
        return ast.Test(
            name,
            c.get("period"),
            params,
            c.get("given"),
            c.get("expect"),
            as_of=c.get("as of"),
            span=self._span(meta),
        )

    test_period = clause_rule("period", first)

    def test_as_of(self, meta, children):
        (day,) = children
        return Clause("as of", self._date(day), self._span(meta))

    period_point = value_rule(first_str)

    def period_spec(self, meta, children):
        start, end = children
        return ast.PeriodSpec(start, end, span=self._span(meta))

    # ------------------------------------------------------------ given
    given_file = clause_rule("given", first_text)
    given_block = clause_rule("given", all_present)

    def given_record(self, meta, children):
        type_, id_, *fields = children
        return ast.GivenRecord(
            self._ident(type_), self._ident(id_), present(fields), span=self._span(meta)
        )

    def given_listing_record(self, meta, children):
        id_, *fields = children
        span = self._span(meta)
        listing = self._keyword_ident("listing", span)
        return ast.GivenRecord(listing, self._ident(id_), present(fields), span=span)

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

    # ------------------------------------------------------------ expect
    expect_file = clause_rule("expect", first_text)
    expect_block = clause_rule("expect", all_present)

    def expect_line(self, meta, children):
        payee, name, period, amount = children
        return ast.ExpectLine(
            self._ident(payee), unescape(name), period, amount, span=self._span(meta)
        )

    def expect_total(self, meta, children):
        payee, period, amount = children
        return ast.ExpectTotal(self._ident(payee), period, amount, span=self._span(meta))

    # ------------------------------------------------------------ properties
    for_any_data = clause_rule("for", lambda builder, children: True)
    check_clause = clause_rule("check", first)
    for_every = clause_rule("every", first_name)

    # Last: within the class body, this name hides the builtin `property`.
    def property(self, meta, children):
        name, c, params = self._parts("property", children)
        return ast.Property(
            name,
            "for" in c,
            c.get("check"),
            c.get("every"),
            c.get("period"),
            params,
            span=self._span(meta),
        )
