"""Source text to AST: the Lark parser, the layout rules and the Transformer.

`parse(text, path)` is the one entry point; it returns an `ast.Module` or
raises `ErslError` with rendered diagnostics. Lark exceptions never escape.
`expected_at(prefix)` tells an editor what the parser accepts at the cursor.
"""

from __future__ import annotations

import re

import attrs
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from ersl import ast
from ersl.diagnostics import Diagnostic, SourceCache
from ersl.encoding import not_utf8
from ersl.errors import ErslError
from ersl.nesting import MAX_NESTING, ensure_recursion_room
from ersl.span import Span
from ersl.syntax.expected import Expected, expected_at
from ersl.syntax.layout import RawComment
from ersl.syntax.parser import parse_tree
from ersl.syntax.syntax_errors import describe_syntax_error
from ersl.syntax.transformer import ToAst

_IGNORE_RE = re.compile(r"#\s*ersl:\s*ignore\b")

__all__ = ["Expected", "expected_at", "parse", "parse_file"]


def _comment(raw: RawComment, path: str) -> ast.Comment:
    if raw.text.startswith("##"):
        kind = "doc"
    elif _IGNORE_RE.match(raw.text):
        kind = "ignore"
    else:
        kind = "line"
    span = Span(path, raw.line, raw.column, raw.line, raw.column + len(raw.text))
    return ast.Comment(raw.text, kind, raw.own_line, span=span)


def _attach_docs(decls: list, comments: list[ast.Comment]) -> list:
    """Give each declaration the `##` lines written directly above it — only the first
    declaration of a line: a second one on the same line has nothing directly above it
    (and `ersl fmt`, which puts it on a line of its own, must not change that)."""
    docs = {c.span.line: c for c in comments if c.kind == "doc" and c.own_line}
    result = []
    started: set[int] = set()
    for decl in decls:
        first_on_line = decl.span.line not in started
        started.add(decl.span.line)
        if not hasattr(decl, "doc") or not first_on_line:
            result.append(decl)
            continue
        lines = []
        line = decl.span.line - 1
        while line in docs:
            lines.append(docs[line].text[2:].strip())
            line -= 1
        if lines:
            decl = attrs.evolve(decl, doc="\n".join(reversed(lines)))
        result.append(decl)
    return result


def _too_deep(tree, path: str) -> Diagnostic | None:
    """E0130 at the first node nested deeper than `MAX_NESTING` levels (an iterative walk)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            line, column = (1, 1) if meta.empty else (meta.line, meta.column)
            return Diagnostic(
                "E0130",
                f"this is nested deeper than {MAX_NESTING} levels",
                Span(path, line, column, line, column + 1),
                help="write the expression in steps: name its parts with `param` or a function",
            )
        stack.extend((child, depth + 1) for child in node.children if hasattr(child, "children"))
    return None


def parse(text: str, path: str = "<string>") -> ast.Module:
    """Parse ERSL source into an `ast.Module`; raise `ErslError` on syntax errors."""
    sources = SourceCache({path: text})
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        tree, collector = parse_tree(text)
    except UnexpectedInput as error:
        raise ErslError(describe_syntax_error(error, text, path), sources) from None
    except LarkError as error:  # pragma: no cover - defensive: other Lark failures
        span = Span(path, 1, 1, 1, 1)
        raise ErslError(Diagnostic("E0100", f"could not parse: {error}", span), sources) from None
    too_deep = _too_deep(tree, path)
    if too_deep is not None:
        raise ErslError(too_deep, sources)
    ensure_recursion_room()
    transformer = ToAst(path)
    try:
        decls = transformer.transform(tree)
    except VisitError as error:
        raise error.orig_exc from None
    if transformer.errors:
        raise ErslError(transformer.errors, sources)
    comments = [_comment(raw, path) for raw in collector.comments]
    decls = _attach_docs(decls, comments)
    end = text.count("\n") + 1
    return ast.Module(path, tuple(decls), tuple(comments), span=Span(path, 1, 1, end, 1))


def parse_file(path: str) -> ast.Module:
    """Read and parse one file; unreadable or non-UTF-8 files raise `ErslError`."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ErslError(
            Diagnostic("E0001", f"file not found: {path}", Span(path, 0, 0, 0, 0))
        ) from None
    except UnicodeDecodeError:
        with open(path, "rb") as fh:
            raise ErslError(not_utf8(path, fh.read())) from None
    except OSError as error:
        raise ErslError(
            Diagnostic("E0001", f"cannot read {path}: {error.strerror}", Span(path, 0, 0, 0, 0))
        ) from None
    return parse(text, path)
