"""Text encodings: every file ERSL reads is UTF-8 (a byte-order mark is allowed), and a
file that is not gets one message, the same in every command.

The usual culprit is Windows-1252, the encoding of Excel's "CSV (comma delimited)"
and of older Windows editors, in which `å`, `ä` and `ö` are single bytes that UTF-8
cannot read; Excel's "Unicode text" is UTF-16. The message names the first bad byte
(line and column), what it is in Windows-1252 when that reads it, and how to save the
file as UTF-8.
"""

from __future__ import annotations

import codecs
import os

from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.span import Span

NOT_UTF8 = "E0002"
"""The code of a file that is not UTF-8, whatever reads it (contract, data, parameter)."""

HELP = "save it as UTF-8 (in a text editor: Save As, encoding UTF-8)"
CSV_HELP = 'save it as UTF-8: in Excel choose Save As → "CSV UTF-8 (comma delimited)"'


def help_for(file: str) -> str:
    """How to save `file` as UTF-8 (Excel's way for a CSV file)."""
    return CSV_HELP if file.lower().endswith(".csv") else HELP


def _first_bad_byte(data: bytes) -> tuple[int, int, int]:
    """(line, column, byte) of the first byte UTF-8 cannot read (1-based, columns in
    characters)."""
    try:
        data.decode("utf-8-sig")
        start = len(data)
    except UnicodeDecodeError as error:
        start = error.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    return line, column, data[start] if start < len(data) else 0


def not_utf8_message(file: str, data: bytes) -> str:
    """`FILE is not UTF-8 text: …`, naming the first byte UTF-8 cannot read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"{file} is not UTF-8 text: it is UTF-16 (Excel's “Unicode text”)"
    _, _, byte = _first_bad_byte(data)
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return f"{file} is not UTF-8 text: the byte 0x{byte:02X} is not UTF-8"
    char = bytes([byte]).decode("cp1252")
    return f"{file} is not UTF-8 text: the byte 0x{byte:02X} is `{char}` in Windows-1252"


def not_utf8_place(file: str, data: bytes) -> tuple[int, int]:
    """(line, column) of the first byte of `data` that UTF-8 cannot read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return 1, 1
    line, column, _ = _first_bad_byte(data)
    return line, column


def decode(data: bytes, file: str) -> str:
    """The text of a UTF-8 file (without its byte-order mark); `ErslError` if not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ErslError(not_utf8(file, data)) from None


def not_utf8(file: str, data: bytes, span: Span | None = None) -> Diagnostic:
    """The diagnostic of a file that is not UTF-8: at `span` (a `use` naming it), by
    default at its first byte UTF-8 cannot read."""
    if span is None:
        line, column = not_utf8_place(file, data)
        span = Span(file, line, column, line, column + 1)
    return Diagnostic(NOT_UTF8, not_utf8_message(file, data), span, help=help_for(file))


def read_text(path: str | os.PathLike, file: str | None = None) -> str:
    """A UTF-8 text file's contents, line ends kept (OSError passes through)."""
    with open(path, "rb") as fh:
        data = fh.read()
    return decode(data, file if file is not None else os.fspath(path))
