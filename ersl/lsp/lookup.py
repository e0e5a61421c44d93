"""What a place in a contract refers to: the shared ground of hover, definition and
references.

The checker records what every name it resolved refers to and the type of every
expression (`ersl.checker.expressions.Facts`, keyed by node). This module finds the
node at a place, reads those facts, and falls back on the symbol table for names the
checker did not reach (a file with errors). Statement lines and indicators are named
by strings (`paid("Besök", q)`, `applies to "Besök"`); their places are found in the
source text of the node that holds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs

from ersl import ast
from ersl import types as T
from ersl.checker import BUILTINS
from ersl.loader import display_path, resolve_use
from ersl.lsp.analysis import Analysis
from ersl.lsp.positions import contains
from ersl.span import Span

LINE_DECLS = (ast.Payment, ast.Cap, ast.Performance, ast.Bundle)
NAMED_BY_STRING = (*LINE_DECLS, ast.Indicator, ast.Test, ast.Property)
INDICATOR_FUNCTIONS = frozenset({"value", "rank", "region_mean"})
# Attributes that hold the name of a schema type (`per Visit v`, `count(Stay s …)`).
_TYPE_HOLDERS = (
    ast.EventBasis,
    ast.SpanBasis,
    ast.ParticipantBasis,
    ast.Trigger,
    ast.Include,
    ast.EventCollection,
)


@attrs.frozen
class Target:
    """What one place refers to.

    `kind` is one of: param, function, builtin, codeset, enum, member, schema, field,
    binding, line, indicator, test, file, expr. `span` is the referring text itself,
    `definition` where the thing is declared (None for built-ins and expressions).
    """

    kind: str
    name: str
    span: Span
    definition: Span | None = None
    type: T.Type | None = None
    node: object = None


# ------------------------------------------------------------------ walking


def children(node: ast.Node) -> Iterator[ast.Node]:
    """The nodes directly inside `node`, in source order."""
    return (item for item in ast.children(node) if not isinstance(item, ast.Comment))


def chain_at(module: ast.Module, line: int, column: int) -> list[ast.Node]:
    """The nodes containing the place, outermost (the module) first."""
    chain: list[ast.Node] = [module]
    while True:
        inner = [c for c in children(chain[-1]) if contains(c.span, line, column)]
        if not inner:
            return chain
        # the narrowest child: at a boundary (`a+b` at the `+`) the deeper one wins
        chain.append(min(inner, key=lambda c: (c.span.end_line - c.span.line, _width(c.span))))


def _width(span: Span) -> int:
    return span.end_column - span.column


def chains(root: ast.Node) -> Iterator[list[ast.Node]]:
    """Every node under `root` with the nodes around it, depth first: each chain runs from
    `root` to the node. The list is reused for the next node: copy it to keep it."""
    path: list[ast.Node] = []
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        path.append(node)
        yield path
        stack.extend((child, depth + 1) for child in reversed(list(children(node))))


# ------------------------------------------------------------------ strings naming lines


def quoted_span(analysis: Analysis, within: Span, value: str) -> Span | None:
    """The span of the string literal `"value"` written inside `within`."""
    literal = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    for number in range(within.line, within.end_line + 1):
        text = analysis.line(within.file, number)
        if text is None:
            return None
        start = within.column - 1 if number == within.line else 0
        found = text.find(literal, start)
        if found >= 0:
            return Span(within.file, number, found + 1, number, found + 1 + len(literal))
    return None


def _string_refs(node: ast.Node) -> list[tuple[str, str]]:
    """(kind, name) of the strings that name a line, indicator or test inside `node`."""
    match node:
        case ast.Indicator(name=name):
            return [("indicator", name)]
        case ast.Test(name=name) | ast.Property(name=name):
            return [("test", name)]
        case ast.Payment(name=n) | ast.Cap(name=n) | ast.Performance(name=n) | ast.Bundle(name=n):
            return [("line", n)]
        case ast.AppliesTo(names=names):
            return [("line", n) for n in names]
        case ast.IndicatorRef(name=name):
            return [("indicator", name)]
        case ast.ExpectLine(name=name):
            return [("line", name.removesuffix(": charge"))]
        case ast.EpisodeBasis(bundle=bundle):
            return [("line", bundle)]
        case ast.Call(func=func, args=(ast.StringLit(value=value), *_)) if func.name == "paid":
            return [("line", value)]
        case ast.Call(func=func, args=args) if func.name in INDICATOR_FUNCTIONS and args:
            last = args[-1]
            return [("indicator", last.value)] if isinstance(last, ast.StringLit) else []
    return []


def _named_decl(analysis: Analysis, kind: str, name: str) -> ast.Node | None:
    checked = analysis.checked
    if checked is not None:
        s = checked.symbols
        if kind == "line":
            for table in (s.payments, s.caps, s.performances, s.bundles):
                if name in table:
                    return table[name]
            return None
        if kind == "indicator":
            return s.indicators.get(name)
    tests = (ast.Test, ast.Property) if kind == "test" else NAMED_BY_STRING
    for module in analysis.modules:
        for decl in module.decls:
            if isinstance(decl, tests) and decl.name == name:
                return decl
    return None


def _string_targets(analysis: Analysis, node: ast.Node) -> Iterator[Target]:
    for kind, name in _string_refs(node):
        span = quoted_span(analysis, node.span, name)
        if span is None:
            continue
        decl = _named_decl(analysis, kind, name)
        definition = quoted_span(analysis, decl.span, name) if decl is not None else None
        yield Target(kind, name, span, definition or (decl.span if decl else None), None, decl)


# ------------------------------------------------------------------ names and idents


def _binders(node: ast.Node) -> Iterator[ast.Ident]:
    """The variables `node` binds for what is inside it (a basis, a collection, …)."""
    if isinstance(node, ast.Module):
        return
    for holder in (node, *children(node)):
        for attribute in ("var", "provider_var", "every_provider"):
            ident = getattr(holder, attribute, None)
            if isinstance(ident, ast.Ident):
                yield ident
        if isinstance(holder, ast.FunctionParam):
            yield holder.name


def binders_in_scope(chain: list[ast.Node]) -> list[ast.Ident]:
    """The variables visible at the end of `chain`, innermost first, each name once."""
    seen: dict[str, ast.Ident] = {}
    for node in reversed(chain):
        for ident in _binders(node):
            seen.setdefault(ident.name, ident)
    return list(seen.values())


def _binder(chain: list[ast.Node], name: str) -> ast.Ident | None:
    for node in reversed(chain):
        for ident in _binders(node):
            if ident.name == name:
                return ident
    return None


def _schema_target(analysis: Analysis, ident: ast.Ident, by_data_name: bool = False) -> Target:
    symbols = analysis.checked.symbols if analysis.checked else None
    if symbols is not None:
        schema = symbols.schema.get(ident.name)
        if schema is None and by_data_name:
            schema = symbols.schema_by_data_name().get(ident.name)
        if schema is not None:
            return Target("schema", schema.name, ident.span, schema.span, schema.type, schema)
        if ident.name in symbols.enums:
            decl = symbols.enums[ident.name]
            return Target("enum", ident.name, ident.span, decl.name.span, T.EnumT(ident.name), decl)
    return Target("schema", ident.name, ident.span, None)


def _field_target(analysis: Analysis, record: T.Type | None, ident: ast.Ident) -> Target:
    symbols = analysis.checked.symbols if analysis.checked else None
    record = T.strip_optional(record) if record is not None else None
    if symbols is not None and isinstance(record, T.RecordT):
        schema = symbols.schema.get(record.name)
        if schema is not None and ident.name in schema.fields:
            return Target(
                "field",
                ident.name,
                ident.span,
                schema.field_spans[ident.name],
                schema.fields[ident.name],
                schema,
            )
    return Target("field", ident.name, ident.span)


def _value_target(analysis: Analysis, kind: str, name: str, span: Span, node) -> Target | None:
    """A parameter, function, code set or built-in called `name` (from the symbol table)."""
    checked = analysis.checked
    if checked is None:
        return None
    s = checked.symbols
    if kind in ("param", "table") or (kind == "" and name in s.params):
        param = s.params.get(name)
        if param is not None:
            return Target("param", name, span, param.name.span, s.param_types.get(name), param)
    if kind == "function" or (kind == "" and name in s.functions):
        function = s.functions.get(name)
        if function is not None:
            result = s.function_types.get(name, ((), None))[1]
            return Target("function", name, span, function.name.span, result, function)
    if kind == "codeset" or (kind == "" and name in s.codesets):
        codeset = s.codesets.get(name)
        if codeset is not None:
            return Target(
                "codeset", name, span, codeset.name.span, T.CodesetT(codeset.system.name), codeset
            )
    if kind == "builtin" or (kind == "" and name in BUILTINS):
        if name in BUILTINS:
            return Target("builtin", name, span, None, BUILTINS[name].value, BUILTINS[name])
    return None


def _member_target(analysis: Analysis, enum: str, member: str, span: Span) -> Target | None:
    decl = analysis.checked.symbols.enums.get(enum) if analysis.checked else None
    if decl is None:
        return None
    for ident in decl.members:
        if ident.name == member:
            return Target("member", member, span, ident.span, T.EnumT(enum), decl)
    return None


def _name_target(analysis: Analysis, chain: list[ast.Node], node: ast.Name) -> Target | None:
    facts = analysis.checked.facts if analysis.checked else None
    ref = facts.refs.get(id(node)) if facts else None
    kind, what = ref if ref else ("", None)
    typ = facts.types.get(id(node)) if facts else None
    if kind == "enum":
        return _member_target(analysis, what[0], what[1], node.span)
    if kind == "binding" or (not kind and _binder(chain, node.name) is not None):
        binder = _binder(chain, node.name)
        return Target("binding", node.name, node.span, binder.span if binder else None, typ, binder)
    found = _value_target(analysis, kind, node.name, node.span, node)
    if found is None and not kind and analysis.checked is not None:
        owners = analysis.checked.symbols.enum_of_member(node.name)
        if len(owners) == 1:
            return _member_target(analysis, owners[0], node.name, node.span)
    return found


def _ident_target(analysis: Analysis, chain: list[ast.Node], ident: ast.Ident) -> Target | None:
    parent = chain[-2] if len(chain) > 1 else None
    symbols = analysis.checked.symbols if analysis.checked else None
    facts = analysis.checked.facts if analysis.checked else None
    match parent:
        case ast.Call(func=func) if func is ident:
            ref = facts.refs.get(id(parent)) if facts else None
            return _value_target(analysis, ref[0] if ref else "", ident.name, ident.span, parent)
        case ast.FieldAccess(name=name, obj=obj) if name is ident:
            record = facts.types.get(id(obj)) if facts else None
            return _field_target(analysis, record, ident)
        case ast.NamedType():
            return _schema_target(analysis, ident)
        case ast.GivenRecord(type=type_) if type_ is ident:
            return _schema_target(analysis, ident, by_data_name=True)
        case ast.GivenField() if len(chain) > 2 and isinstance(chain[-3], ast.GivenRecord):
            record = _schema_target(analysis, chain[-3].type, by_data_name=True)
            return _field_target(analysis, record.type, ident)
        case ast.EnumDecl(members=members) if ident in members:
            enum = T.EnumT(parent.name.name)
            return Target("member", ident.name, ident.span, ident.span, enum, parent)
        case ast.FieldDecl(name=name) if name is ident:
            schema = chain[-3] if len(chain) > 2 else None
            record = _schema_target(analysis, schema.name) if schema is not None else None
            return _field_target(analysis, record.type if record else None, ident)
        case ast.SchemaDecl(name=name) | ast.EnumDecl(name=name) if name is ident:
            return _schema_target(analysis, ident)
        case ast.Param(name=name) if name is ident and symbols is not None:
            return _value_target(analysis, "param", ident.name, ident.span, parent)
        case ast.Function(name=name) | ast.Codeset(name=name) if name is ident:
            return _value_target(analysis, "", ident.name, ident.span, parent)
    if parent is not None and getattr(parent, "type", None) is ident:
        if isinstance(parent, _TYPE_HOLDERS):
            return _schema_target(analysis, ident)
    if parent is not None and ident in tuple(_binders(parent)):
        return Target(
            "binding", ident.name, ident.span, ident.span, _binder_type(analysis, chain, ident)
        )
    return None


def _binder_type(analysis: Analysis, chain: list[ast.Node], ident: ast.Ident) -> T.Type | None:
    """The type of a variable where it is bound, read from a use of it in its declaration."""
    facts = analysis.checked.facts if analysis.checked else None
    if facts is None or len(chain) < 2:
        return None
    for inner in chains(chain[1]):
        node = inner[-1]
        if isinstance(node, ast.Name) and node.name == ident.name:
            if facts.refs.get(id(node)) == ("binding", ident.name) and id(node) in facts.types:
                return facts.types[id(node)]
    return None


# ------------------------------------------------------------------ entry points


def _resolve(analysis: Analysis, chain: list[ast.Node]) -> Target | None:
    node = chain[-1]
    if isinstance(node, ast.Name):
        return _name_target(analysis, chain, node)
    if isinstance(node, ast.Ident):
        return _ident_target(analysis, chain, node)
    if isinstance(node, ast.Use):
        module = chain[0]
        target = resolve_use(node, Path(module.path).resolve())
        return Target("file", node.path, node.span, Span(display_path(target), 1, 1, 1, 1))
    return None


def target_at(analysis: Analysis, module: ast.Module, line: int, column: int) -> Target | None:
    """What the place (1-based line, code-point column) in `module` refers to, if anything.

    Outside any name, the innermost expression with a known type is the target (kind
    `expr`), so a hover can still show a type.
    """
    chain = chain_at(module, line, column)
    for node in reversed(chain):
        for target in _string_targets(analysis, node):
            if contains(target.span, line, column):
                return target
    found = _resolve(analysis, chain)
    if found is not None:
        return found
    facts = analysis.checked.facts if analysis.checked else None
    for node in reversed(chain):
        if facts is not None and id(node) in facts.types:
            return Target("expr", "", node.span, None, facts.types[id(node)], node)
    return None


def targets(analysis: Analysis) -> Iterator[Target]:
    """Every reference and declaration in every module of the analysis."""
    for module in analysis.modules:
        for chain in chains(module):
            node = chain[-1]
            yield from _string_targets(analysis, node)
            found = _resolve(analysis, chain)
            if found is not None:
                yield found
