"""Transformer rules for expressions and literals (one method per grammar rule or alias)."""

from __future__ import annotations

from lark import v_args

from ersl import ast
from ersl.diagnostics import Diagnostic
from ersl.syntax.transform_base import AstBuilder, first_str, present, unescape, value_rule


def _binary(op: str):
    """The rule method for a binary operator: its first and last children are the operands."""

    def rule(self: AstBuilder, meta, children):
        return ast.Binary(op, children[0], children[-1], span=self._span(meta))

    return rule


def _unary(op: str):
    """The rule method for a prefix operator."""

    def rule(self: AstBuilder, meta, children):
        return ast.Unary(op, children[0], span=self._span(meta))

    return rule


@v_args(meta=True)
class ExpressionRules(AstBuilder):
    """Operators, calls, field access, names and literals."""

    # ------------------------------------------------------------ operators
    def if_expr(self, meta, children):
        cond, then, otherwise = children
        return ast.If(cond, then, otherwise, span=self._span(meta))

    otherwise_op = _binary("otherwise")
    or_op = _binary("or")
    and_op = _binary("and")
    not_op = _unary("not")
    in_op = _binary("in")
    not_in_op = _binary("not in")
    add = _binary("+")
    sub = _binary("-")
    mul = _binary("*")
    div = _binary("/")
    neg = _unary("-")
    comparator = value_rule(first_str)

    def compare(self, meta, children):
        left, op, right = children
        return ast.Binary(op, left, right, span=self._span(meta))

    # ------------------------------------------------------------ access and calls
    def field(self, meta, children):
        obj, name = children
        return ast.FieldAccess(obj, self._ident(name), span=self._span(meta))

    def call(self, meta, children):
        func, *args = children
        return ast.Call(self._ident(func), present(args), span=self._span(meta))

    def aggregate_of(self, meta, children):
        return ast.AggregateArg(None, children[0], span=self._span(meta))

    def aggregate_for(self, meta, children):
        value, collection = children
        return ast.AggregateArg(value, collection, span=self._span(meta))

    def named_argument(self, meta, children):
        if len(children) == 1:  # `to: …` — the keyword itself is filtered out
            span = self._span(meta)
            return ast.NamedArg(self._keyword_ident("to", span), children[0], span=span)
        name, value = children
        return ast.NamedArg(self._ident(name), value, span=self._span(meta))

    def by_argument(self, meta, children):
        return ast.ByArg(children[0], span=self._span(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]), span=self._span(meta))

    # ------------------------------------------------------------ literals
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
        return ast.SetLit(present(children), span=self._span(meta))
