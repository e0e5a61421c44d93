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
        if is_rows_file(self.file):
            return f"{self.file}:row {self.line}"
        return f"{self.file}:{self.line}:{self.column}"


def is_rows_file(file: str) -> bool:
    """Whether places in ``file`` are rows, not lines: a Parquet file (by its suffix).

    A Parquet file has no text to point into, so its records are named
    ``file:row N`` (N counts the file's rows from 1), never ``file:line:column``.
    """
    return file[-8:].lower() == ".parquet"


def place(file: str, line: int) -> str:
    """A record's place for messages: ``file:line``, or ``file:row N`` in a Parquet file."""
    return f"{file}:row {line}" if is_rows_file(file) else f"{file}:{line}"


NO_SPAN = Span("<builtin>", 0, 0, 0, 0)
