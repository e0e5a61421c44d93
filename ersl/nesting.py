"""How deeply ERSL lets text nest, and the Python recursion room that depth needs.

Contracts, test files, `-k` expressions and data lines may nest (parentheses, operator
chains, `otherwise`, blocks, JSON arrays). The parser is iterative, but the
Transformer, the checker, the formatter and the interpreter walk the tree
recursively, several Python frames per level. ERSL therefore refuses a parse tree
deeper than `MAX_NESTING` levels with a diagnostic (docs/reliability.md), and makes
sure the interpreter allows `RECURSION_ROOM` frames, enough for every walk of a tree
of that depth.
"""

from __future__ import annotations

import sys

#: The deepest parse tree ERSL accepts; an expression may nest at least 200 levels.
MAX_NESTING = 250

#: The Python recursion limit every walk of a `MAX_NESTING`-deep tree fits in.
RECURSION_ROOM = 8000


def ensure_recursion_room() -> None:
    """Raise the interpreter's recursion limit to `RECURSION_ROOM` (never lower it)."""
    if sys.getrecursionlimit() < RECURSION_ROOM:
        sys.setrecursionlimit(RECURSION_ROOM)


__all__ = ["MAX_NESTING", "RECURSION_ROOM", "ensure_recursion_room"]
