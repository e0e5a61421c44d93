"""Generic walks over the AST: child nodes, every node under a root, renaming a variable.

AST nodes are frozen attrs classes whose fields hold nodes, tuples of nodes or plain
values, so one reflective walk serves every rule.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ersl import ast


def children(node: ast.Node) -> Iterator[ast.Node]:
    """The nodes directly inside `node`, in field order."""
    return ast.children(node)


def nodes(root: ast.Node | None) -> Iterator[ast.Node]:
    """`root` and every node under it, depth first, parents before children."""
    if root is None:
        return
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(children(node))))


def mentions(root: ast.Node | None, name: str) -> bool:
    """Whether the name `name` is used anywhere under `root` (as a value or a call)."""
    for node in nodes(root):
        if isinstance(node, ast.Name) and node.name == name:
            return True
    return False


def rename(node, old: str, new: str):
    """A copy of `node` with every `Name(old)` replaced by `Name(new)` (spans kept).

    Used to read a cap's `applies to "P" v where C` in the variable of the capped
    payment's basis. Bindings inside aggregates that shadow `old` are left alone.
    """
    if old == new or node is None:
        return node
    if isinstance(node, ast.Name):
        return attrs.evolve(node, name=new) if node.name == old else node
    if isinstance(node, ast.AggregateArg) and node.collection.var.name == old:
        return node
    if not isinstance(node, ast.Node):
        return node
    changes = {}
    for field in attrs.fields(type(node)):
        if field.name == "span":
            continue
        value = getattr(node, field.name)
        if isinstance(value, ast.Node):
            renamed = rename(value, old, new)
            if renamed is not value:
                changes[field.name] = renamed
        elif isinstance(value, tuple) and any(isinstance(v, ast.Node) for v in value):
            renamed = tuple(rename(v, old, new) for v in value)
            if any(a is not b for a, b in zip(renamed, value, strict=True)):
                changes[field.name] = renamed
    return attrs.evolve(node, **changes) if changes else node
