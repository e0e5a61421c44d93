"""Places: ERSL spans and LSP ranges, file paths and URIs.

ERSL spans count lines and columns from 1, columns in characters (code points), end
column exclusive. LSP counts from 0 and columns in the units of the position encoding
agreed at initialisation: UTF-16 code units by default (a character outside the Basic
Multilingual Plane is two), UTF-8 bytes or code points if the client prefers. Diagnostics name files as
`display_path` shows them (relative to the working directory when inside it), so a
span's file is resolved against the working directory of this process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ersl.span import Span

LineText = Callable[[str, int], str | None]
"""`line_text(file, number)`: line `number` (1-based) of a file as a span names it."""


_UNIT_COUNTERS = {
    "utf-8": lambda ch: len(ch.encode("utf-8")),
    "utf-16": lambda ch: 2 if ord(ch) > 0xFFFF else 1,
    "utf-32": lambda ch: 1,
}
_units = _UNIT_COUNTERS["utf-16"]


def set_encoding(kind: str) -> None:
    """Count columns in the position encoding agreed with the client (`utf-8`, `utf-16`
    or `utf-32`; LSP's default is UTF-16). One server process serves one client."""
    global _units
    _units = _UNIT_COUNTERS.get(getattr(kind, "value", kind), _UNIT_COUNTERS["utf-16"])


def client_column(line: str, column: int) -> int:
    """The client's column (in its encoding's units) of the code-point offset `column`
    (both 0-based) in `line`; past the end of the line each column is one unit."""
    prefix = line[:column]
    return sum(_units(ch) for ch in prefix) + max(column - len(line), 0)


def code_point_column(line: str, offset: int) -> int:
    """The code-point offset of the client's column `offset` (both 0-based) in `line`."""
    units = 0
    for index, ch in enumerate(line):
        if units >= offset:
            return index
        units += _units(ch)
    return len(line)


def to_position(line_text: str | None, line: int, column: int) -> types.Position:
    """The LSP position of 1-based `line` and `column` (a line of 0 stands for the file)."""
    if line <= 0:
        return types.Position(0, 0)
    col = max(column - 1, 0)
    return types.Position(line - 1, client_column(line_text, col) if line_text else col)


def to_range(span: Span, line_text: LineText) -> types.Range:
    """The LSP range of an ERSL span."""
    start = to_position(line_text(span.file, span.line), span.line, span.column)
    if span.line <= 0:
        return types.Range(start, start)
    end_line = max(span.end_line, span.line)
    end_column = span.end_column if end_line > span.line else max(span.end_column, span.column)
    end = to_position(line_text(span.file, end_line), end_line, end_column)
    return types.Range(start, end)


def from_position(text: str, position: types.Position) -> tuple[int, int]:
    """The 1-based line and code-point column of an LSP position in `text`."""
    lines = text.split("\n")
    if position.line >= len(lines):
        last = lines[-1] if lines else ""
        return len(lines), len(last) + 1
    line = lines[position.line].removesuffix("\r")
    return position.line + 1, code_point_column(line, position.character) + 1


def offset_of(text: str, line: int, column: int) -> int:
    """The offset in `text` of 1-based `line` and code-point `column`."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    return min(offset + column - 1, end)


def uri_to_path(uri: str) -> Path:
    """The absolute file path of a document URI (a non-file URI keeps its path part)."""
    path = to_fs_path(uri)
    return Path(path if path else uri).resolve()


def path_to_uri(path: Path) -> str:
    """The file URI of a path."""
    return from_fs_path(str(path.absolute())) or path.absolute().as_uri()


def span_path(file: str) -> Path:
    """The absolute path of a span's file (spans name files relative to the working folder)."""
    return Path(file).resolve()


def contains(span: Span, line: int, column: int) -> bool:
    """Whether the 1-based `line`, `column` lies inside `span` (its end included)."""
    if span.line <= 0:
        return False
    if (line, column) < (span.line, span.column):
        return False
    return (line, column) <= (span.end_line, span.end_column)
