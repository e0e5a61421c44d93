"""The clauses of block declarations, and their list blocks, for `ersl fmt`.

The AST folds a block's clauses into fields; their written order and full
spans (keyword included) come from the parse tree, one tree child per clause.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

import attrs

from ersl import ast
from ersl.fmt.comments import Child
from ersl.fmt.doc import WIDTH, Doc, flat_width
from ersl.fmt.expr import IF, string
from ersl.span import Span


class BlockPrinter(Protocol):
    """What the clause builders need of the file printer (:mod:`ersl.fmt.printer`)."""

    indent: int

    def expr(self, node: object, min_prec: int = IF, nl: bool = False) -> Doc:
        """An expression."""

    def where(self, cond: object | None, nl: bool) -> Doc:
        """` where C`, or nothing."""

    def within(self, node: ast.Within | None, nl: bool) -> Doc:
        """A `within` window, or nothing."""

    def collection(self, node: object, nl: bool) -> Doc:
        """An aggregate's collection."""

    def line_target(self, make: Callable[[], Doc], node: object, inside: list, trail: list):
        """A one-line target with its comments; returns (doc, extras)."""

    def block(self, opener: Doc, children: list[Child], inside: list, trail: list, **options):
        """A `{ … }` target; returns (doc, extras)."""

    def param(self, decl: ast.Param, keyword: str, inside: list, trail: list):
        """A `param` declaration or test parameter; returns (doc, extras)."""

    def clause_block(self, opener: str, decl: object, tree, inside: list, trail: list):
        """A block of keyword clauses; returns (doc, extras)."""


KEYWORDS = {
    "version_clause": "version",
    "region_clause": "region",
    "valid_clause": "valid",
    "settle_clause": "settle",
    "reconcile_clause": "reconcile",
    "rounding_clause": "rounding",
    "kind_clause": "kind",
    "per_clause": "per",
    "amount_clause": "amount",
    "weight_clause": "weight",
    "payee_clause": "payee",
    "applies_clause": "applies to",
    "measure_clause": "measure",
    "limit_clause": "limit",
    "reduce_excess": "above",
    "reduce_all": "above",
    "pay_excess": "above",
    "population_clause": "population",
    "numerator_clause": "numerator",
    "exclude_clause": "exclude",
    "bonus_clause": "bonus",
    "penalty_clause": "penalty",
    "indicators_clause": "indicators",
    "unreported_clause": "unreported",
    "trigger_clause": "trigger",
    "price_clause": "price",
    "includes_clause": "includes",
    "warranty_clause": "warranty",
    "covers_clause": "covers",
    "period_clause": "period",
    "extend_clause": "extend",
    "test_period": "period",
    "test_as_of": "as of",
    "param": "param",
    "given_file": "given",
    "given_block": "given",
    "expect_file": "expect",
    "expect_block": "expect",
    "for_any_data": "for any data",
    "check_clause": "check",
    "for_every": "for every provider",
}
_UNALIGNED = {"for_any_data", "for_every"}
_BLOCKS = {"indicators_clause", "includes_clause", "warranty_clause", "given_block", "expect_block"}


@attrs.define
class ClauseSpec:
    """One clause as written: keyword, full span, and how to print it after its prefix."""

    keyword: str
    span: Span
    aligned: bool
    block: bool
    has_value: bool
    build: Callable[[str, list, list], tuple[Doc, list]]


def _span(tree, path: str) -> Span:
    meta = tree.meta
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def clause_specs(p: BlockPrinter, decl: object, tree) -> list[ClauseSpec]:
    """The clauses of a block declaration (or of a warranty), in written order."""
    specs = []
    counters = {"weight": 0, "param": 0}
    for child in tree.children:
        rule = getattr(child, "data", None)
        if rule not in KEYWORDS:
            continue
        build = _builder(p, decl, rule, child, counters)
        specs.append(
            ClauseSpec(
                KEYWORDS[rule],
                _span(child, decl.span.file),
                rule not in _UNALIGNED,
                rule in _BLOCKS,
                rule != "for_any_data",
                build,
            )
        )
    return specs


def _value(p: BlockPrinter, make: Callable[[], Doc], node: object) -> Callable:
    """A clause whose value is one line (wrapping at `and`/`or`)."""

    def build(prefix: str, inside: list, trail: list):
        return p.line_target(lambda: [prefix, make()], node, inside, trail)

    return build


def _text(p: BlockPrinter, text: str) -> Callable:
    return _value(p, lambda: text, None)


def _builder(p: BlockPrinter, decl: object, rule: str, tree, counters: dict) -> Callable:
    """How to print the clause `rule` of `decl` (a function of prefix, inside, trail)."""
    expr = partial(p.expr, min_prec=IF, nl=True)
    if rule == "version_clause":
        return _text(p, string(decl.version))
    if rule == "region_clause":
        return _text(p, string(decl.region))
    if rule == "valid_clause":
        valid = decl.valid
        return _text(p, f"{valid.start.isoformat()} .. {valid.end.isoformat()}")
    if rule in ("settle_clause", "reconcile_clause"):
        value = decl.settle if rule == "settle_clause" else decl.reconcile
        return _text(p, value.name)
    if rule == "rounding_clause":
        r = decl.rounding
        return _value(p, lambda: [expr(r.increment), f" {r.mode.name} per {r.scope.name}"], None)
    if rule == "kind_clause":
        return _text(p, decl.kind.name)
    if rule == "per_clause":
        return _value(p, lambda: _basis(p, decl.basis), decl.basis)
    if rule == "weight_clause":
        weight = decl.weights[counters["weight"]]
        counters["weight"] += 1
        return _value(p, lambda: [expr(weight.factor), " when ", expr(weight.when)], weight)
    if rule == "applies_clause":
        return _value(p, lambda: _applies(p, decl.applies), decl.applies)
    if rule in ("reduce_excess", "reduce_all", "pay_excess"):
        action = decl.action
        verb = "pay" if rule == "pay_excess" else "reduce"
        what = "all" if rule == "reduce_all" else "excess"
        return _value(p, lambda: [f"{verb} ", expr(action.rate), f" of {what}"], action)
    if rule == "population_clause":
        return _value(p, lambda: p.collection(decl.population, True), decl.population)
    if rule in ("trigger_clause", "covers_clause"):
        trigger = decl.trigger if rule == "trigger_clause" else decl.covers
        make = partial(lambda t: [t.type.name, " ", t.var.name, p.where(t.where, True)], trigger)
        return _value(p, make, trigger)
    if rule == "extend_clause":
        node = (decl.extend_to, decl.extend_when)
        return _value(p, lambda: ["to ", expr(node[0]), " when ", expr(node[1])], node)
    if rule == "test_period":
        return _text(p, decl.period.text)
    if rule == "test_as_of":
        return _text(p, decl.as_of.isoformat())
    if rule == "param":
        param = decl.params[counters["param"]]
        counters["param"] += 1
        return lambda prefix, inside, trail: p.param(param, prefix, inside, trail)
    if rule in ("given_file", "expect_file"):
        value = decl.given if rule == "given_file" else decl.expect
        return _text(p, string(value))
    if rule == "for_any_data":
        return _text(p, "")
    if rule == "unreported_clause":
        return _text(p, "excluded")
    if rule == "for_every":
        return _text(p, decl.every_provider.name)
    if rule == "indicators_clause":
        return partial(_indicators, p, decl.indicators)
    if rule == "includes_clause":
        return partial(_includes, p, decl.includes)
    if rule == "warranty_clause":
        return partial(_warranty, p, decl.warranty, tree)
    if rule == "given_block":
        return partial(_given, p, decl.given)
    if rule == "expect_block":
        return partial(_expect, p, decl.expect)
    attribute = {
        "amount_clause": "amount",
        "payee_clause": "payee",
        "measure_clause": "measure",
        "limit_clause": "limit",
        "numerator_clause": "numerator",
        "exclude_clause": "exclude",
        "bonus_clause": "bonus",
        "penalty_clause": "penalty",
        "price_clause": "price",
        "period_clause": "period",
        "check_clause": "check",
    }[rule]
    node = getattr(decl, attribute)
    return _value(p, lambda: expr(node), node)


def _basis(p: BlockPrinter, basis: object) -> Doc:
    where = p.where(basis.where, True)
    if isinstance(basis, ast.ListedBasis):
        head = (
            f"listed patient {basis.var.name} at {basis.provider_var.name} each {basis.each.name}"
        )
    elif isinstance(basis, ast.SpanBasis):
        head = f"{basis.type.name} {basis.var.name} each {basis.each.name}"
    elif isinstance(basis, ast.EventBasis):
        head = f"{basis.type.name} {basis.var.name}"
    elif isinstance(basis, ast.ParticipantBasis):
        head = f"participant {basis.provider_var.name} of {basis.type.name} {basis.var.name}"
    elif isinstance(basis, ast.ProviderBasis):
        head = f"provider {basis.var.name} each {basis.each.name}"
    else:
        head = f"episode {basis.var.name} of {string(basis.bundle)}"
    return [head, where]


def _applies(p: BlockPrinter, applies: ast.AppliesTo) -> Doc:
    parts: list[Doc] = [", ".join(string(n) for n in applies.names)]
    if applies.var is not None:
        parts.extend([" ", applies.var.name, p.where(applies.where, True)])
    return parts


# ---------------------------------------------------------------- list blocks


def _aligned_rows(p: BlockPrinter, rows: list[list[Doc | None]], docs: list[list]) -> None:
    """Fill each row's placeholder with its cells, in aligned columns when all fit.

    The first column is followed by one space, the others by two. A row that
    cannot be printed flat, or a table wider than the page, is left unaligned.
    """
    columns = max((len(r) for r in rows), default=0)
    widths = [0] * columns
    fits = True
    for row in rows:
        for i, cell in enumerate(row):
            if cell is None:
                continue
            w = flat_width(cell)
            if w is None:
                fits = False
                break
            widths[i] = max(widths[i], w)
    if fits:
        total = sum(widths) + sum((1 if i == 1 else 2) for i in range(1, columns) if widths[i])
        fits = p.indent + total <= WIDTH
    for row, out in zip(rows, docs, strict=True):
        if not fits:
            cells = [c for c in row if c is not None]
            for i, cell in enumerate(cells):
                out.extend([" "] if i else [])
                out.append(cell)
            continue
        for i, cell in enumerate(row):
            if widths[i] == 0:
                continue
            if i:
                out.append(" " if i == 1 else "  ")
            if cell is None:
                out.append(" " * widths[i])
            else:
                out.extend([cell, " " * (widths[i] - flat_width(cell))])


def _row_block(p: BlockPrinter, opener: str, items: list, cells: Callable, inside, trail):
    """A list block of rows made of cells, aligned in columns (includes, indicators)."""
    rows: list[list] = []
    docs: list[list] = []
    children = []

    def make(item) -> Doc:
        out: list = []
        rows.append(cells(item))
        docs.append(out)
        return out

    for item in items:
        children.append(Child(item.span, partial(p.line_target, partial(make, item), item)))
    return p.block(opener, children, inside, trail, finalize=lambda: _aligned_rows(p, rows, docs))


def _includes(p: BlockPrinter, items: tuple, prefix: str, inside: list, trail: list):
    def cells(item: ast.Include) -> list:
        return [
            f"{item.type.name} {item.var.name}",
            None if item.where is None else ["where ", p.expr(item.where, IF, False)],
            None if item.within is None else p.within(item.within, False),
            None if item.at_most is None else ["at most ", p.expr(item.at_most, IF, False)],
        ]

    return _row_block(p, prefix, list(items), cells, inside, trail)


def _indicators(p: BlockPrinter, items: tuple, prefix: str, inside: list, trail: list):
    def cells(ref: ast.IndicatorRef) -> list:
        s = ref.scoring
        if s.kind == "linear":
            scoring: Doc = ["linear ", p.expr(s.low, IF, False), " to ", p.expr(s.high, IF, False)]
        elif s.kind == "above":
            scoring = ["above ", p.expr(s.low, IF, False)]
        elif s.kind == "at_least":
            scoring = ["at least ", p.expr(s.low, IF, False)]
        else:
            scoring = "if reported"
        weight = None if ref.weight is None else ["weight ", p.expr(ref.weight, IF, False)]
        return [string(ref.name), scoring, weight]

    return _row_block(p, prefix, list(items), cells, inside, trail)


def _warranty(
    p: BlockPrinter, warranty: ast.Warranty, tree, prefix: str, inside: list, trail: list
):
    return p.clause_block(prefix, warranty, tree, inside, trail)


def _given(p: BlockPrinter, items: tuple, prefix: str, inside: list, trail: list):
    type_width = max(
        (len(i.type.name if isinstance(i, ast.GivenRecord) else "listing") for i in items),
        default=0,
    )
    id_width = max(
        (len(i.id.name) for i in items if isinstance(i, ast.GivenRecord) and i.id is not None),
        default=0,
    )
    children = []
    for item in items:
        if isinstance(item, ast.GivenListing):
            text = (
                f"{'listing'.ljust(type_width)} {item.patient.name} at {item.provider.name}"
                f" from {item.start.isoformat()}"
            )
            if item.end is not None:
                text += f" to {item.end.isoformat()}"
            make = partial(lambda t: t, text)
            children.append(Child(item.span, partial(p.line_target, make, None)))
            continue
        opener = item.type.name.ljust(type_width) + " "
        if id_width:
            opener += (item.id.name if item.id is not None else "").ljust(id_width) + " "
        children.append(Child(item.span, partial(_given_record, p, item, opener)))
    return p.block(prefix, children, inside, trail)


def _given_record(p: BlockPrinter, item: ast.GivenRecord, opener: str, inside: list, trail: list):
    children = []
    for field in item.fields:
        make = partial(lambda f: [f.name.name, " ", p.expr(f.value, IF, False)], field)
        children.append(Child(field.span, partial(p.line_target, make, field.value)))
    return p.block(opener, children, inside, trail, inline=True)


def _expect(p: BlockPrinter, items: tuple, prefix: str, inside: list, trail: list):
    def cells(item) -> list[str]:
        name = "total" if isinstance(item, ast.ExpectTotal) else string(item.name)
        return [item.payee.name, name, item.period.text]

    widths = [max((len(cells(i)[k]) for i in items), default=0) for k in range(3)]
    children = []
    for item in items:
        head = " ".join(c.ljust(w) for c, w in zip(cells(item), widths, strict=True)) + " = "
        make = partial(lambda i, h: [h, p.expr(i.amount, IF, False)], item, head)
        children.append(Child(item.span, partial(p.line_target, make, item.amount)))
    return p.block(prefix, children, inside, trail)
