"""What the parts of the Transformer (`ersl.syntax.transformer.ToAst`) share.

`AstBuilder` holds the file's path and the problems found so far, and the
helpers every part uses: spans, names, dates, numbers and folding a block's
clauses. `clause_rule` and `value_rule` make the many rule methods that only
pick a value out of their children — a clause is then one line,
`price_clause = clause_rule("price", first)`.

The parts subclass `AstBuilder` and are each decorated `@v_args(meta=True)`:
Lark applies `v_args` only to the methods a class defines itself, not to those
it inherits.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import attrs
from lark import Token, Transformer

from ersl import ast
from ersl.diagnostics import Diagnostic, Note
from ersl.exact import MAX_DIGITS, NumberTooLarge, parse_decimal
from ersl.span import Span

_QUANTITY_RE = re.compile(r"(?P<num>[0-9][0-9_]*(?:\.[0-9][0-9_]*)?)[ \t]*(?P<unit>\S+)")
_ESCAPE_RE = re.compile(r"\\(.)")
# The clauses each block may give only once (`weight` may repeat anywhere).
_SINGLE_CLAUSES = {
    "contract": ("version", "region", "valid", "settle", "reconcile", "rounding"),
    "payment": ("kind", "per", "amount", "valid", "payee"),
    "cap": ("applies", "measure", "limit", "above", "valid"),
    "indicator": ("population", "numerator", "exclude"),
    "performance": ("bonus", "penalty", "indicators", "unreported", "valid"),
    "bundle": ("trigger", "price", "includes", "warranty", "valid"),
    "warranty": ("covers", "period", "extend"),
    "test": ("period", "as of", "given", "expect"),
    "property": ("for", "check", "every", "period"),
}


def unescape(literal: str) -> str:
    """The value of a string literal: quotes removed, `\\"` and `\\\\` resolved."""
    body = literal[1:-1]
    return _ESCAPE_RE.sub(lambda m: m.group(1) if m.group(1) in '"\\' else m.group(0), body)


def present(children) -> tuple:
    """The children that are there (optional parts left out by the grammar are None)."""
    return tuple(c for c in children if c is not None)


@attrs.define
class Clause:
    """A clause of a block before it is folded into its declaration."""

    key: str
    value: object
    span: Span


class AstBuilder(Transformer):
    """The state and helpers of the Transformer: the path, the problems found, spans."""

    def __init__(self, path: str) -> None:
        super().__init__(visit_tokens=False)
        self.path = path
        self.errors: list[Diagnostic] = []

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

    def _keyword_ident(self, word: str, span: Span) -> ast.Ident:
        """An identifier for a keyword at the start of `span` (the grammar drops the token)."""
        end = span.column + len(word)
        return ast.Ident(word, span=Span(span.file, span.line, span.column, span.line, end))

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

    def _value(self, text: str, token: Token):
        """The exact value of a number's digits; E0127 (and 0) when it is too large."""
        try:
            return parse_decimal(text)
        except NumberTooLarge as error:
            self.errors.append(
                Diagnostic(
                    "E0127",
                    str(error),
                    self._tspan(token),
                    help=f"ERSL numbers have at most {MAX_DIGITS} digits before and "
                    f"{MAX_DIGITS} after the decimal point",
                )
            )
            return parse_decimal("0")

    def _number(self, token: Token) -> ast.Number:
        return ast.Number(self._value(str(token), token), str(token), span=self._tspan(token))

    def _quantity(self, token: Token) -> ast.Quantity:
        match = _QUANTITY_RE.fullmatch(str(token))
        assert match is not None, token
        return ast.Quantity(
            self._value(match["num"], token), match["unit"], str(token), span=self._tspan(token)
        )

    def _clauses(self, block: str, children) -> dict[str, object]:
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


# ------------------------------------------------------------------ table-made rule methods
Reader = Callable[[AstBuilder, list], object]


def first(builder: AstBuilder, children: list) -> object:
    """The first child as it is."""
    return children[0]


def first_str(builder: AstBuilder, children: list) -> str:
    """The first child's text (a token)."""
    return str(children[0])


def first_text(builder: AstBuilder, children: list) -> str:
    """The value of the first child, a string literal."""
    return unescape(children[0])


def first_name(builder: AstBuilder, children: list) -> ast.Ident | None:
    """The first child, a name token, as an identifier."""
    return builder._ident(children[0])


def all_present(builder: AstBuilder, children: list) -> tuple:
    """The children that are there, as a tuple."""
    return present(children)


def clause_rule(key: str, read: Reader):
    """A rule method that wraps what `read` takes from its children in `Clause(key, …)`."""

    def rule(self: AstBuilder, meta, children):
        return Clause(key, read(self, children), self._span(meta))

    return rule


def value_rule(read: Reader):
    """A rule method that returns what `read` takes from its children."""

    def rule(self: AstBuilder, meta, children):
        return read(self, children)

    return rule
