"""Document symbols: the outline of a contract file.

Payments, caps, indicators, performance and bundles (the statement lines), tests and
properties, and the declarations they use: parameters, functions, code sets, types
with their fields and enums with their members. While a document does not parse,
the outline of its last text that did is shown.
"""

from __future__ import annotations

from lsprotocol import types

from ersl import ast
from ersl.lsp.positions import LineText, to_range
from ersl.span import Span

S = types.SymbolKind
_STRING_NAMED = {
    ast.Payment: (S.Method, "payment"),
    ast.Cap: (S.Operator, "cap"),
    ast.Indicator: (S.Property, "indicator"),
    ast.Performance: (S.Event, "performance"),
    ast.Bundle: (S.Package, "bundle"),
    ast.Test: (S.Class, "test"),
    ast.Property: (S.Class, "property"),
}


def _symbol(name, detail, kind, span: Span, selection: Span, line_text: LineText, children=()):
    whole = to_range(span, line_text)
    chosen = to_range(selection, line_text)
    if not (whole.start.line <= chosen.start.line and chosen.end.line <= whole.end.line):
        chosen = types.Range(whole.start, whole.start)
    return types.DocumentSymbol(
        name=name or "?",
        detail=detail,
        kind=kind,
        range=whole,
        selection_range=chosen,
        children=list(children) or None,
    )


def _header(span: Span) -> Span:
    """The first line of a declaration, for its name (string names have no span of their own)."""
    return Span(span.file, span.line, span.column, span.line, span.column + 1)


def _fields(decl: ast.SchemaDecl, line_text: LineText) -> list[types.DocumentSymbol]:
    return [
        _symbol(f.name.name, None, S.Field, f.span, f.name.span, line_text) for f in decl.fields
    ]


def _declaration(decl, line_text: LineText) -> types.DocumentSymbol | None:
    """The outline entry of one top-level declaration."""
    match decl:
        case ast.Contract(name=name):
            return _symbol(name, "contract", S.Namespace, decl.span, _header(decl.span), line_text)
        case ast.Use(path=path):
            detail = "use stdlib" if decl.stdlib else "use"
            return _symbol(path, detail, S.File, decl.span, decl.span, line_text)
        case ast.EnumDecl(name=name, members=members):
            children = [
                _symbol(m.name, None, S.EnumMember, m.span, m.span, line_text) for m in members
            ]
            return _symbol(name.name, "enum", S.Enum, decl.span, name.span, line_text, children)
        case ast.SchemaDecl(name=name, kind=kind):
            detail = f"extend {kind}" if decl.extend else kind
            children = _fields(decl, line_text)
            return _symbol(name.name, detail, S.Struct, decl.span, name.span, line_text, children)
        case ast.Codeset(name=name, system=system):
            detail = f"codeset: {system.name}"
            return _symbol(name.name, detail, S.Constant, decl.span, name.span, line_text)
        case ast.Param(name=name):
            return _symbol(name.name, "param", S.Variable, decl.span, name.span, line_text)
        case ast.Function(name=name):
            return _symbol(name.name, "function", S.Function, decl.span, name.span, line_text)
    for cls, (kind, word) in _STRING_NAMED.items():
        if isinstance(decl, cls):
            detail = word
            if isinstance(decl, ast.Payment) and decl.kind is not None:
                detail = f"payment ({decl.kind.name})"
            return _symbol(decl.name, detail, kind, decl.span, _header(decl.span), line_text)
    return None


def outline(module: ast.Module, line_text: LineText) -> list[types.DocumentSymbol]:
    """The document symbols of a module, in source order."""
    found = (_declaration(decl, line_text) for decl in module.decls)
    return [symbol for symbol in found if symbol is not None]
