"""Closed periods and later data (issue 18, ``docs/reference/time.md``): which statement lines can
move when records of later periods arrive, and which lines of a statement are therefore
preliminary.

A line of a period normally depends only on records of its own window or of a
look-back. Two things make it depend on later data:

* a **look-ahead window** — ``within N after`` in a collection: a line counts records
  dated up to ``N`` after its context date, so after the period's end;
* the **end of a span chosen by its start** — an aggregate over spans (chosen by their
  start) whose value reads ``x.end`` while its condition never looks at ``x.end``: an
  enrolment that started in the period may end, and be registered as ended, later.

`unstable_parts` finds both in a checked contract (the lint rule L160 reports them);
`preliminary_lines` marks the lines of a statement whose data are not complete yet: a
look-ahead line until the data are known up to its period's end plus the look-ahead, a
span-end line while a span of the type that started in its period is still open.
Without registration dates and ``--as-of`` nothing is marked.

Part of the api layer (it reads the checked contract's AST and a statement's data).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs

from ersl import ast
from ersl.dates import add_days, add_months, parse_period


@attrs.frozen
class Unstable:
    """A part of a line's rule that reads later data: ``reason`` is ``look-ahead`` (a
    ``within … after`` window; ``ahead`` is its length as (n, unit) when constant) or
    ``span-end`` (``span_type``'s end read for spans chosen by start)."""

    line: str
    decl: ast.Node
    node: ast.Node
    reason: str
    ahead: tuple[int, str] | None = None
    span_type: str | None = None


def _line_decls(symbols) -> Iterator[tuple[str, ast.Node, list[ast.Node]]]:
    """(line name, declaration, the expressions it settles with) of every settled line."""
    for payment in symbols.payments.values():
        yield payment.name, payment, [payment]
    for cap in symbols.caps.values():
        yield cap.name, cap, [cap]
    for performance in symbols.performances.values():
        roots: list[ast.Node] = [performance]
        for ref in performance.indicators:
            indicator = symbols.indicators.get(ref.name)
            if indicator is not None:
                roots.append(indicator)
        yield performance.name, performance, roots


def _walk(root: ast.Node, functions: dict, seen: set[str]) -> Iterator[ast.Node]:
    """Every node under ``root`` and under the bodies of the functions it calls."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Call):
            name = node.func.name
            function = functions.get(name)
            if function is not None and name not in seen:
                seen.add(name)
                stack.append(function.body)
        stack.extend(reversed(list(ast.children(node))))


def _ahead(length: ast.Node) -> tuple[int, str] | None:
    """A window's length as (n, days|months) when it is a constant, else None."""
    if isinstance(length, ast.Quantity) and length.value.denominator == 1:
        unit = length.unit.rstrip("s")
        n = int(length.value)
        if unit == "day":
            return n, "days"
        if unit == "week":
            return 7 * n, "days"
        if unit == "month":
            return n, "months"
        if unit == "year":
            return 12 * n, "months"
    return None


def _reads_end(root: ast.Node | None, var: str, functions: dict, depth: int = 0) -> bool:
    """Whether ``root`` reads ``var.end``, also through functions ``var`` is passed to."""
    if root is None or depth > 8:
        return False
    stack = [root]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, ast.FieldAccess)
            and isinstance(node.obj, ast.Name)
            and node.obj.name == var
            and node.name.name == "end"
        ):
            return True
        if isinstance(node, ast.Call):
            function = functions.get(node.func.name)
            if function is not None:
                for param, arg in zip(function.params, node.args, strict=False):
                    if isinstance(arg, ast.Name) and arg.name == var:
                        if _reads_end(function.body, param.name.name, functions, depth + 1):
                            return True
        stack.extend(ast.children(node))
    return False


def unstable_parts(symbols) -> list[Unstable]:
    """The parts of the contract's settled lines that read data of later periods."""
    found: list[Unstable] = []
    spans = {name for name, s in symbols.schema.items() if s.kind == "span"}
    for name, decl, roots in _line_decls(symbols):
        seen: set[str] = set()
        for root in roots:
            for node in _walk(root, symbols.functions, seen):
                if isinstance(node, ast.Within) and node.direction == "after":
                    found.append(
                        Unstable(name, decl, node, "look-ahead", ahead=_ahead(node.length))
                    )
                elif isinstance(node, ast.AggregateArg) and isinstance(
                    node.collection, ast.EventCollection
                ):
                    collection = node.collection
                    var = collection.var.name
                    if (
                        collection.type.name in spans
                        and _reads_end(node.value, var, symbols.functions)
                        and not _reads_end(collection.where, var, symbols.functions)
                    ):
                        found.append(
                            Unstable(name, decl, node, "span-end", span_type=collection.type.name)
                        )
    return found


def _complete_on(period_end: date, ahead: tuple[int, str]) -> date:
    n, unit = ahead
    return add_days(period_end, n) if unit == "days" else add_months(period_end, n)


def preliminary_lines(symbols, statement, data) -> list[tuple[str, str, str]]:
    """(payee, period, name) of the statement's lines whose data are not complete as of
    the data's as-of date (or its latest registration): see the module docstring."""
    known = getattr(data, "as_of", None)
    history = getattr(data, "history", None)
    if known is None and history is not None:
        known = history.latest()
    if known is None:
        return []
    parts: dict[str, list[Unstable]] = {}
    for part in unstable_parts(symbols):
        parts.setdefault(part.line, []).append(part)
    if not parts:
        return []
    marked = []
    for line in statement.lines:
        unstable = parts.get(line.name)
        if not unstable:
            continue
        try:
            period = parse_period(line.period)
        except ValueError:
            continue
        if any(_incomplete(part, period, known, data) for part in unstable):
            marked.append(line.sort_key())
    return marked


def _incomplete(part: Unstable, period, known: date, data) -> bool:
    if part.reason == "look-ahead":
        return part.ahead is None or known < _complete_on(period.end, part.ahead)
    spans = data.between(part.span_type, period.start, period.end)
    return any(span["end"] is None or span["end"] > known for span in spans)
