"""Diagnostics: the one renderer every ERSL tool uses for errors and findings.

Text form::

    path:line:col: error[CODE]: message
       |
    12 |   amount 100 + 2
       |          ^^^^^^^
    help: ...

JSON form carries the same fields.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping

import attrs

from ersl.span import Span, is_rows_file


@attrs.frozen
class Note:
    """A secondary place shown with a diagnostic (e.g. the first declaration)."""

    span: Span
    message: str


@attrs.frozen
class Diagnostic:
    """One error, warning or lint finding, tied to a source span."""

    code: str
    message: str
    span: Span
    severity: str = "error"
    help: str | None = None
    notes: tuple[Note, ...] = ()

    def to_dict(self) -> dict:
        """The JSON form: code, severity, message, file, line, column, end line/column, help."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "help": self.help,
            "notes": [
                {
                    "message": n.message,
                    "file": n.span.file,
                    "line": n.span.line,
                    "column": n.span.column,
                }
                for n in self.notes
            ],
        }


class SourceCache:
    """Reads and remembers source files so diagnostics can quote lines."""

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self._texts: dict[str, list[str]] = {}
        for name, text in (texts or {}).items():
            self.add(name, text)

    def add(self, name: str, text: str) -> None:
        """Register the text of `name` (used for in-memory sources)."""
        # Lark counts lines by "\n" only; split the same way so positions agree
        # (form feeds and other Unicode line breaks stay inside their line).
        self._texts[name] = [line.removesuffix("\r") for line in text.split("\n")]

    def line(self, name: str, number: int) -> str | None:
        """Line `number` (1-based) of file `name`, or None if unavailable."""
        if name not in self._texts and is_rows_file(name):
            self._texts[name] = []  # a Parquet file: rows, no text to quote
        if name not in self._texts:
            try:
                # a file that is not UTF-8 is still quoted (E0002 points into it)
                with open(name, encoding="utf-8", errors="replace") as fh:
                    self.add(name, fh.read())
                    return self.line(name, number)
            except (OSError, ValueError):  # ValueError: a NUL in the name
                self._texts[name] = []
        lines = self._texts[name]
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return None


_COLOURS = {"error": "31", "warning": "33", "info": "36", "help": "32", "note": "34"}


def use_colour(stream=None) -> bool:
    """Colour only on a terminal that shows it: never when `NO_COLOR` is set (to anything
    but the empty string, https://no-color.org) or `TERM` is `dumb`. Every command asks
    this, for the stream it writes to."""
    stream = stream or sys.stderr
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _paint(text: str, colour: str | None, enabled: bool) -> str:
    if not enabled or colour is None:
        return text
    return f"\x1b[1;{colour}m{text}\x1b[0m"


def _excerpt(span: Span, sources: SourceCache, colour: bool, caret_colour: str) -> list[str]:
    text = sources.line(span.file, span.line)
    if text is None:
        return []
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    else:
        width = max(len(text.rstrip()) - start, 1)
    expanded = text.replace("\t", " ")
    caret = " " * start + "^" * max(width, 1)
    return [
        f"{gutter} |",
        f"{number} | {expanded}",
        f"{gutter} | {_paint(caret, caret_colour, colour)}",
    ]


def render(diagnostic: Diagnostic, sources: SourceCache | None = None, colour: bool = False) -> str:
    """Render one diagnostic as text: header, quoted line with caret, notes, help."""
    sources = sources or SourceCache()
    sev_colour = _COLOURS.get(diagnostic.severity, "31")
    head = _paint(f"{diagnostic.severity}[{diagnostic.code}]", sev_colour, colour)
    where = diagnostic.span.file if diagnostic.span.line == 0 else str(diagnostic.span)
    lines = [f"{where}: {head}: {diagnostic.message}"]
    lines += _excerpt(diagnostic.span, sources, colour, sev_colour)
    for note in diagnostic.notes:
        lines.append(f"{note.span}: {_paint('note', _COLOURS['note'], colour)}: {note.message}")
        lines += _excerpt(note.span, sources, colour, _COLOURS["note"])
    if diagnostic.help:
        lines.append(f"{_paint('help', _COLOURS['help'], colour)}: {diagnostic.help}")
    return "\n".join(lines)


def render_all(
    diagnostics: Iterable[Diagnostic],
    sources: SourceCache | None = None,
    colour: bool = False,
) -> str:
    """Render several diagnostics separated by blank lines."""
    sources = sources or SourceCache()
    return "\n\n".join(render(d, sources, colour) for d in diagnostics)


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON form of a list of diagnostics (stable key order)."""
    return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelt `name`, or None if nothing is close."""
    import difflib

    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    return f"did you mean `{close[0]}`?" if close else None
