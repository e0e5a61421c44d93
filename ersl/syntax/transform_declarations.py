"""Transformer rules for the contract header, `use`, schemas, code sets, parameters and
functions (one method per grammar rule or alias)."""

from __future__ import annotations

import attrs
from lark import v_args

from ersl import ast
from ersl.syntax.transform_base import (
    AstBuilder,
    Clause,
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
class DeclarationRules(AstBuilder):
    """The contract header, `use`, enums, records, code sets, parameters and functions."""

    # ------------------------------------------------------------ header
    def contract(self, meta, children):
        name, *rest = children
        c = self._clauses("contract", rest)
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

    version_clause = clause_rule("version", first_text)
    region_clause = clause_rule("region", first_text)
    valid_clause = clause_rule("valid", first)
    settle_clause = clause_rule("settle", first_name)
    reconcile_clause = clause_rule("reconcile", first_name)

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
        members = tuple(self._ident(m) for m in present(members))
        return ast.EnumDecl(self._ident(name), members, span=self._span(meta))

    schema_kind = value_rule(first_str)

    def schema_decl(self, meta, children):
        kind, name, *fields = children
        return ast.SchemaDecl(kind, self._ident(name), present(fields), span=self._span(meta))

    def extend_decl(self, meta, children):
        kind, name, *fields = children
        return ast.SchemaDecl(
            kind, self._ident(name), present(fields), extend=True, span=self._span(meta)
        )

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

    def duration_type(self, meta, children):
        base, unit = children
        return ast.DurationType(self._ident(base), self._ident(unit), span=self._span(meta))

    def set_type(self, meta, children):
        return ast.SetType(children[0], span=self._span(meta))

    def code_type(self, meta, children):
        return ast.CodeType(self._ident(children[0]), span=self._span(meta))

    def table_type(self, meta, children):
        key, value = children
        return ast.TableType(key, value, span=self._span(meta))

    def codeset(self, meta, children):
        name, system, *items = children
        return ast.Codeset(
            self._ident(name), self._ident(system), present(items), span=self._span(meta)
        )

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
        return ast.TableValue(key_type, present(entries), span=self._span(meta))

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

    signed_number = value_rule(first)

    def negative_number(self, meta, children):
        node = children[0]
        return attrs.evolve(node, value=-node.value, text="-" + node.text, span=self._span(meta))

    def number_token(self, meta, children):
        token = children[0]
        if token.type == "QUANTITY":
            return self._quantity(token)
        return self._number(token)

    def dated_value(self, meta, children):
        return ast.DatedValue(present(children), span=self._span(meta))

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
