"""Source positions: every AST node and diagnostic points at a `Span`."""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A range of source text: 1-based lines and columns, end exclusive-column.

    `file` is the path as the user gave it (or `<string>`).
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def merge(self, other: Span) -> Span:
        """The smallest span covering both `self` and `other` (same file)."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.file, start[0], start[1], end[0], end[1])

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_SPAN = Span("<builtin>", 0, 0, 0, 0)
