"""Go to definition and find references, across `use`d files and the standard library.

A definition may be in the document, in a file it `use`s or in the standard library
(inside the installed package when ERSL is installed from a wheel). References are
looked for in every module checked with the document and with each other open
document, so the uses of a contract's parameter in its open `*_test.ersl` file are
found too.
"""

from __future__ import annotations

from lsprotocol import types

from ersl.lsp.analysis import Analysis
from ersl.lsp.lookup import Target, targets
from ersl.lsp.positions import path_to_uri, span_path, to_range
from ersl.span import Span


def location(analysis: Analysis, span: Span) -> types.Location:
    """The LSP location of a span, in whichever file it names."""
    return types.Location(path_to_uri(span_path(span.file)), to_range(span, analysis.line))


def definition(analysis: Analysis, target: Target) -> types.Location | None:
    """Where the target is declared; None for built-ins and expressions."""
    if target.definition is None:
        return None
    return location(analysis, target.definition)


def _key(span: Span) -> tuple:
    return (span_path(span.file), span.line, span.column, span.end_line, span.end_column)


def references(
    analyses: list[Analysis], target: Target, include_declaration: bool
) -> list[types.Location]:
    """Every place in these analyses that refers to what `target` refers to."""
    if target.definition is None:
        return []
    wanted = _key(target.definition)
    seen: set[tuple] = set()
    found: list[types.Location] = []
    for analysis in analyses:
        for other in targets(analysis):
            if other.definition is None or other.kind != target.kind:
                continue
            if _key(other.definition) != wanted:
                continue
            key = _key(other.span)
            if key in seen or (not include_declaration and key == wanted):
                continue
            seen.add(key)
            found.append(location(analysis, other.span))
    found.sort(key=lambda loc: (loc.uri, loc.range.start.line, loc.range.start.character))
    return found
