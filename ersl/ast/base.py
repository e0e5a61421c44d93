"""The foundation of the AST: the `Node` base class, names, comments and written types,
and the generic walk over any node."""

from __future__ import annotations

import attrs

from ersl.span import NO_SPAN, Span


@attrs.frozen
class Node:
    """Base of every AST node: only the source span, which never affects equality."""

    span: Span = attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Ident(Node):
    """A name as written at one place (type name, binding, enum member, field)."""

    name: str


@attrs.frozen
class Comment(Node):
    """A source comment; `kind` is "line", "doc" (`##`) or "ignore" (`# ersl: ignore[…]`)."""

    text: str
    kind: str
    own_line: bool


# ----------------------------------------------------------------- types


@attrs.frozen
class NamedType(Node):
    """A type written as a name: `int`, `money`, `Patient`, `Mode`."""

    name: Ident


@attrs.frozen
class RateType(Node):
    """`money per year` (also per day, per month)."""

    base: Ident
    per: Ident


@attrs.frozen
class DurationType(Node):
    """`duration in months` (also in days, weeks, years): a duration counted in one unit."""

    base: Ident
    unit: Ident


@attrs.frozen
class SetType(Node):
    """`set of T`."""

    element: TypeExpr


@attrs.frozen
class CodeType(Node):
    """`code icd10`: a code of one code system."""

    system: Ident


@attrs.frozen
class TableType(Node):
    """`table of K -> V`."""

    key: TypeExpr
    value: TypeExpr


@attrs.frozen
class OptionalType(Node):
    """`T?`: a value that may be none."""

    inner: TypeExpr


TypeExpr = NamedType | RateType | DurationType | SetType | CodeType | TableType | OptionalType


def children(node: Node):
    """The nodes directly inside `node`, in field (source) order."""
    for attribute in getattr(type(node), "__attrs_attrs__", ()):
        value = getattr(node, attribute.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Node):
                yield child


def walk(node: Node | None):
    """Every node under `node`, itself included, depth first (nothing for None)."""
    if node is None:
        return
    yield node
    for child in children(node):
        yield from walk(child)
