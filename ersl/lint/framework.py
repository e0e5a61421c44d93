"""The rule framework: a rule is a function registered with its code, severity,
category and one-line summary; it reads a `LintContext` and yields `Finding`s.

Adding a rule means one module in `ersl/lint/rules/` (imported automatically),
one doc page `ersl/lint/docs/CODE.md` (copied to `docs/lint/`) and its tests::

    @rule("L199", "my-rule", "warning", "correctness", "one line saying what it finds")
    def my_rule(ctx: LintContext) -> Iterator[Finding]:
        for payment in ctx.payments():
            if ...:
                yield Finding(ctx.head(payment), "what is wrong", help="how to fix it")
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator

import attrs

from ersl import ast
from ersl.diagnostics import Note
from ersl.span import Span

SEVERITIES = ("error", "warning", "info")
CATEGORIES = ("correctness", "incentives", "style")
DATE_FORMAT = "%Y-%m-%d"


@attrs.frozen
class Finding:
    """What a rule reports: a place, a message, an optional help line and notes."""

    span: Span
    message: str
    help: str | None = None
    notes: tuple[Note, ...] = ()


@attrs.frozen
class Rule:
    """A lint rule: stable code, kebab-case name, default severity, category, summary."""

    code: str
    name: str
    severity: str
    category: str
    summary: str
    check: Callable[[LintContext], Iterable[Finding]] | None
    sources: tuple[str, ...] = ()
    """Seed documents the rule's reasoning rests on (incentive rules)."""


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: str,
    category: str,
    summary: str,
    sources: tuple[str, ...] = (),
):
    """Register the decorated function as the check of rule `code`."""
    assert severity in SEVERITIES, severity
    assert category in CATEGORIES, category

    def register(check):
        assert code not in RULES, f"rule {code} registered twice"
        RULES[code] = Rule(code, name, severity, category, summary, check, sources)
        return check

    return register


def meta_rule(code: str, name: str, severity: str, summary: str) -> None:
    """Register a rule whose findings the engine itself makes (suppression comments)."""
    RULES[code] = Rule(code, name, severity, "style", summary, None)


class LintContext:
    """What a rule sees: the checked contract, its root module and helpers.

    Rules report only on declarations of the linted file (`ctx.root`); imported files
    are linted when they are given to `ersl lint` themselves. Whole-contract facts
    (which caps apply to a payment, the estimated total) use every loaded module.
    """

    def __init__(self, checked, config) -> None:
        from ersl.lint.conditions import ConditionAnalyzer

        self.checked = checked
        self.config = config
        self.symbols = checked.symbols
        self.facts = checked.facts
        self.root: ast.Module = checked.root
        self.path = self.root.path
        self.conditions = ConditionAnalyzer(checked.facts, checked.symbols)
        self.cache: dict = {}

    # ------------------------------------------------------------ selection
    def is_root(self, node: ast.Node) -> bool:
        """Whether `node` was written in the linted file."""
        return node.span.file == self.path

    def decls(self, kind: type | tuple[type, ...] | None = None) -> Iterator:
        """Declarations of the linted file, optionally only those of `kind`."""
        for decl in self.root.decls:
            if kind is None or isinstance(decl, kind):
                yield decl

    def payments(self) -> Iterator[ast.Payment]:
        """Payments declared in the linted file."""
        return self.decls(ast.Payment)

    @property
    def is_contract(self) -> bool:
        """Whether the linted file is a contract (has a `contract` header)."""
        return self.root.contract is not None

    @property
    def valid(self) -> ast.DateRange | None:
        """The contract's `valid` range (None for library files)."""
        contract = self.symbols.contract
        return contract.valid if contract is not None else None

    # ------------------------------------------------------------ places
    def line_text(self, number: int) -> str:
        """Line `number` of the linted file ('' when unavailable)."""
        return self.checked.loaded.sources.line(self.path, number) or ""

    def head(self, decl: ast.Node) -> Span:
        """The first line of a declaration, up to its `{` (e.g. `payment "Besök"`)."""
        span = decl.span
        text = self.checked.loaded.sources.line(span.file, span.line) or ""
        start = span.column - 1
        rest = text[start:]
        end = rest.find("{")
        rest = rest[:end] if end >= 0 else rest
        width = len(rest.rstrip()) or 1
        return Span(span.file, span.line, span.column, span.line, span.column + width)


def show_date(d: datetime.date) -> str:
    """A date as written in ERSL."""
    return d.strftime(DATE_FORMAT)


def declaration_kind(decl: ast.Node) -> str:
    """`payment`, `cap`, `performance`, `bundle`, … for messages."""
    return type(decl).__name__.lower()
