"""Where each comment goes when `ersl fmt` reprints a file.

The formatter prints a tree of *targets*: declarations, clauses, list items and
the operands of `and`/`or` chains. Every comment is given to exactly one target,
by its source position:

- an own-line comment leads the next target (printed on its own line before it);
- a trailing comment trails the target that ends on its line (printed at the end
  of that target's last line);
- a comment inside a target is passed down to the target's own children, and if
  none takes it, it stays with the target: the last such comment trails it, the
  others are printed on their own lines before it ("extras").

This module holds the position arithmetic; `ersl.fmt` builds the targets.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import attrs

from ersl import ast
from ersl.span import Span

Pos = tuple[int, int]


@attrs.define
class Child:
    """A target inside a block: its source span and how to print it.

    `build(inside, trail)` returns the target's document and its "extras", the
    comments to print on their own lines before it.
    """

    span: Span
    build: Callable[[list, list], tuple[object, list]]
    group: str | None = None  # one-line top-level declarations of a kind (see `ersl.fmt`)


def cpos(comment: ast.Comment) -> Pos:
    """Where a comment starts."""
    return (comment.span.line, comment.span.column)


def start(span: Span) -> Pos:
    """Where a span starts."""
    return (span.line, span.column)


def end(span: Span) -> Pos:
    """Where a span ends (exclusive)."""
    return (span.end_line, span.end_column)


def in_span(comment: ast.Comment, span: Span) -> bool:
    """Whether a comment lies inside `span`."""
    return start(span) <= cpos(comment) < end(span)


def by_position(comments: list[ast.Comment]) -> list[ast.Comment]:
    """Comments in source order."""
    return sorted(comments, key=cpos)


class _Places:
    """Where a position lies among spans in source order: in which one, after which
    one, before which one. Binary search when the spans are ordered and do not
    overlap (always, for children in order), else a scan; so sharing out the comments
    of a long file takes time in proportion to its size."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [start(s) for s in spans]
        self.ends = [end(s) for s in spans]
        self.ordered = all(
            self.starts[i] <= self.starts[i + 1] and self.ends[i] <= self.starts[i + 1]
            for i in range(len(spans) - 1)
        )

    def of(self, pos: Pos) -> tuple[int | None, int | None, int | None]:
        """(the span holding `pos`, the last ending at or before it, the first
        starting after it); None where there is none."""
        if not self.ordered:
            return self._scan(pos)
        n = len(self.spans)
        k = bisect.bisect_right(self.starts, pos) - 1
        inside = k if k >= 0 and pos < self.ends[k] else None
        p = bisect.bisect_right(self.ends, pos) - 1
        after = k + 1
        return inside, (p if p >= 0 else None), (after if after < n else None)

    def _scan(self, pos: Pos) -> tuple[int | None, int | None, int | None]:
        spans = self.spans
        index = next((i for i, s in enumerate(spans) if start(s) <= pos < end(s)), None)
        before = [i for i, s in enumerate(spans) if end(s) <= pos]
        after = [i for i, s in enumerate(spans) if start(s) > pos]
        return index, (before[-1] if before else None), (after[0] if after else None)


@attrs.define
class BlockSplit:
    """The comments of a block target shared out among its children.

    `opener` holds trailing comments on the block's header lines (before the
    first child); `closer` own-line comments after the last child, printed
    before the closing brace.
    """

    opener: list[ast.Comment]
    lead: list[list[ast.Comment]]
    inside: list[list[ast.Comment]]
    trail: list[list[ast.Comment]]
    closer: list[ast.Comment]


def split_block(comments: list[ast.Comment], spans: list[Span]) -> BlockSplit:
    """Share out the comments inside a block among its children (given in order)."""
    n = len(spans)
    places = _Places(spans)
    result = BlockSplit(
        [], [[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], []
    )
    for comment in by_position(comments):
        index, prev, nxt = places.of(cpos(comment))
        if index is not None:
            result.inside[index].append(comment)
            continue
        if prev is not None and not comment.own_line and spans[prev].end_line == comment.span.line:
            result.trail[prev].append(comment)
        elif prev is None and not comment.own_line:
            result.opener.append(comment)
        elif nxt is not None:
            result.lead[nxt].append(comment)
        else:
            result.closer.append(comment)
    return result


@attrs.define
class ChainTarget:
    """An operand of an `and`/`or` chain as a comment target.

    Only operands after the first can be led by own-line comments (they start a
    line when the chain is broken); only operands before the last can carry a
    trailing comment (they end a line).
    """

    expr: object
    lead_ok: bool
    trail_ok: bool


def split_chain(
    comments: list[ast.Comment], targets: list[ChainTarget]
) -> tuple[list[list[ast.Comment]], list[list[ast.Comment]], list[list[ast.Comment]], list]:
    """Share out comments among chain operands: (lead, inside, trail, leftovers)."""
    n = len(targets)
    lead: list[list[ast.Comment]] = [[] for _ in range(n)]
    inside: list[list[ast.Comment]] = [[] for _ in range(n)]
    trail: list[list[ast.Comment]] = [[] for _ in range(n)]
    leftovers: list[ast.Comment] = []
    spans = [t.expr.span for t in targets]
    places = _Places(spans)
    for comment in by_position(comments):
        index, prev, nxt = places.of(cpos(comment))
        if index is not None:
            inside[index].append(comment)
            continue
        if (
            prev is not None
            and not comment.own_line
            and spans[prev].end_line == comment.span.line
            and targets[prev].trail_ok
        ):
            trail[prev].append(comment)
        elif nxt is not None and targets[nxt].lead_ok and (prev is not None):
            lead[nxt].append(comment)
        else:
            leftovers.append(comment)
    return lead, inside, trail, leftovers
