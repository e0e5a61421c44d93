"""`Module`, one parsed file, and `Decl`, any top-level declaration."""

from __future__ import annotations

import attrs

from ersl.ast.base import Comment, Node
from ersl.ast.contract_tests import Property, Test
from ersl.ast.declarations import (
    Bundle,
    Cap,
    Codeset,
    Contract,
    EnumDecl,
    Function,
    Indicator,
    Param,
    Payment,
    Performance,
    SchemaDecl,
    Use,
)

Decl = (
    Contract
    | Use
    | EnumDecl
    | SchemaDecl
    | Codeset
    | Param
    | Function
    | Payment
    | Cap
    | Indicator
    | Performance
    | Bundle
    | Test
    | Property
)


@attrs.frozen
class Module(Node):
    """One parsed file: its declarations in order, and its comments."""

    path: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False)

    @property
    def contract(self) -> Contract | None:
        """The contract header, if this is a contract file."""
        for decl in self.decls:
            if isinstance(decl, Contract):
                return decl
        return None
