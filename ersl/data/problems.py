"""Data errors: collected while reading, located and rendered at the end.

Part of the data layer (:mod:`ersl.data`). A `Problem` records what is wrong
with a record and where (file, line, field); exact columns are found only for
the problems shown, by reading just those lines back (data files may be huge).
`ProblemLog` is the reader's half that keeps, sorts and renders them.
"""

from __future__ import annotations

import json
import re

from ersl.diagnostics import Diagnostic, Note, SourceCache
from ersl.errors import ErslError
from ersl.span import Span, is_rows_file

#: How many errors are shown before "… and N more".
MAX_ERRORS = 50
MAX_KEPT = 10_000  # problems kept in memory (the rest are only counted)


class Problem:
    """A data error waiting for its exact position (columns are found at the end)."""

    __slots__ = ("code", "message", "file", "line", "field", "column", "help", "notes")

    def __init__(
        self,
        code: str,
        message: str,
        file: str,
        line: int,
        field: str | None = None,
        column: int | None = None,
        help: str | None = None,
        notes: tuple[tuple[str, int, str | None, str], ...] = (),
    ) -> None:
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.column = column
        self.help = help
        self.notes = notes


class DataSources(SourceCache):
    """Quotes data lines in diagnostics, keeping only the lines needed (files may be huge)."""

    def __init__(self, lines: dict[str, dict[int, str]]) -> None:
        super().__init__()
        self._lines = lines

    def line(self, name: str, number: int) -> str | None:
        """Line ``number`` of ``name`` if it was fetched."""
        return self._lines.get(name, {}).get(number)


def fetch_lines(wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """Physical lines ``wanted`` per file, each file read once."""
    found: dict[str, dict[int, str]] = {}
    for file, numbers in wanted.items():
        got: dict[int, str] = {}
        if is_rows_file(file):  # Parquet: rows, no text to quote
            found[file] = got
            continue
        last = max(numbers)
        try:
            with open(file, encoding="utf-8-sig", errors="replace", newline="") as fh:
                for number, text in enumerate(fh, 1):
                    if number in numbers:
                        got[number] = text.rstrip("\r\n")
                    if number >= last:
                        break
        except OSError:
            pass
        found[file] = got
    return found


_CELL_END = {sep: re.compile(rf'"(?:[^"]|"")*"|[^{sep}]*') for sep in ",;"}


def csv_cells(text: str, separator: str = ",") -> list[tuple[int, int]]:
    """1-based (start, end-exclusive) columns of the cells of one CSV line."""
    cells = []
    pos = 0
    cell_end = _CELL_END[separator]
    while True:
        match = cell_end.match(text, pos)
        end = match.end() if match else pos
        cells.append((pos + 1, end + 1))
        if end >= len(text) or text[end] != separator:
            break
        pos = end + 1
    return cells


def json_field_span(text: str, field: str) -> tuple[int, int] | None:
    """1-based columns of ``"field": value`` in a JSON line, or None."""
    match = re.search(r'"' + re.escape(field) + r'"\s*:\s*', text)
    if match is None:
        return None
    try:
        _, end = json.JSONDecoder().raw_decode(text, match.end())
    except ValueError:
        end = match.end()
    return match.start() + 1, end + 1


class ProblemLog:
    """Keeps the problems of one read and turns them into diagnostics."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.fatal_count = 0  # problems that no --skip-invalid can skip (unreadable input)
        self.files: dict[str, int] = {}  # file -> order in which it was read
        self.csv_headers: dict[str, list[str]] = {}
        self.csv_separators: dict[str, str] = {}

    def problem(self, problem: Problem) -> None:
        """Record one problem."""
        self.problem_count += 1
        if len(self.problems) < MAX_KEPT:
            self.problems.append(problem)

    def fatal(self, code: str, message: str, file: str, help: str | None = None) -> None:
        """Record a problem with a whole input (it cannot be skipped)."""
        self.fatal_count += 1
        self.problem(Problem(code, message, file, 1, column=1, help=help))

    # ------------------------------------------------------------------ diagnostics
    def sorted_problems(self) -> list[Problem]:
        """The kept problems by input file order, line and code."""
        rank = self.files

        def key(p: Problem) -> tuple:
            return (rank.get(p.file, len(rank)), p.file, p.line, p.code, p.message)

        return sorted(self.problems, key=key)

    def diagnostics(
        self, problems: list[Problem], limit: int | None
    ) -> tuple[DataSources, list[Diagnostic]]:
        """Located diagnostics of ``problems`` (the first ``limit``, then a count)."""
        shown = problems if limit is None else problems[:limit]
        if limit is not None and len(problems) > limit:
            nxt = problems[limit]
            more = self.problem_count - limit
            shown = shown + [
                Problem(
                    "E0899",
                    f"… and {more} more data error{'s' if more != 1 else ''}, from this line on",
                    nxt.file,
                    nxt.line,
                    column=1,
                    help="fix the errors above first, or skip bad records with --skip-invalid",
                )
            ]
        wanted: dict[str, set[int]] = {}
        for p in shown:
            wanted.setdefault(p.file, set()).add(p.line)
            for file, line, _, _ in p.notes:
                wanted.setdefault(file, set()).add(line)
        lines = fetch_lines(wanted)
        diagnostics = []
        for p in shown:
            span = self.span(p.file, p.line, p.field, p.column, lines)
            notes = tuple(
                Note(self.span(file, line, field, None, lines), message)
                for file, line, field, message in p.notes
            )
            diagnostics.append(Diagnostic(p.code, p.message, span, help=p.help, notes=notes))
        rank = self.files
        diagnostics.sort(
            key=lambda d: (
                d.code == "E0899",
                rank.get(d.span.file, len(rank)),
                d.span.file,
                d.span.line,
                d.span.column,
                d.code,
            )
        )
        return DataSources(lines), diagnostics

    def span(
        self,
        file: str,
        line: int,
        field: str | None,
        column: int | None,
        lines: dict[str, dict[int, str]],
    ) -> Span:
        """The span of a field (JSON key and value, or CSV cell), else the whole line."""
        text = lines.get(file, {}).get(line, "")
        whole = Span(file, line, 1, line, max(len(text), 1) + 1)
        if column is not None:
            if column == 1:
                return whole
            return Span(file, line, column, line, column + 1)
        if field is None:
            return whole
        header = self.csv_headers.get(file)
        if header is not None:
            cells = csv_cells(text, self.csv_separators.get(file, ","))
            i = header.index(field) if field in header else -1
            if 0 <= i < len(cells):
                start, end = cells[i]
                return Span(file, line, start, line, max(end, start + 1))
            return whole
        found = json_field_span(text, field)
        if found is None:
            return whole
        return Span(file, line, found[0], line, found[1])

    def error(self) -> ErslError:
        """The `ErslError` listing the problems (the first `MAX_ERRORS`)."""
        problems = self.sorted_problems()
        sources, diagnostics = self.diagnostics(problems, MAX_ERRORS)
        return ErslError(diagnostics, sources)
