"""Turning Lark's parse errors into diagnostics a contract writer understands."""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ersl.diagnostics import Diagnostic
from ersl.span import Span

# Terminal names in words, for "expected …" messages.
TERMINAL_WORDS = {
    "STRING": "a text in quotes",
    "NAME": "a name",
    "NUMBER": "a number",
    "QUANTITY": "an amount with its unit (e.g. 390 kr/year, 33 %, 900 days)",
    "DATE": "a date (YYYY-MM-DD)",
    "MONTH": "a month (YYYY-MM)",
    "QUARTER": "a quarter (YYYY-Qn)",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "_NL": "a new line",
    "$END": "the end of the file",
}


def _words(expected: set[str]) -> str:
    names = []
    for term in sorted(expected):
        if term in TERMINAL_WORDS:
            names.append(TERMINAL_WORDS[term])
        elif term.isupper() and term.isalpha():
            names.append(f"`{term.lower()}`")
    names = sorted(set(names))
    if not names:
        return "something else"
    if len(names) > 6:
        return ", ".join(names[:6]) + " or another clause"
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def describe_syntax_error(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """A diagnostic for a Lark parse error: where, what was found, what was expected."""
    line = getattr(error, "line", 1) or 1
    column = getattr(error, "column", 1) or 1
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        span = Span(path, line, column, line, column + 1)
        return Diagnostic(
            "E0101",
            "the file ends too early",
            span,
            help=f"expected {_words(set(error.expected))}; is a `}}` missing?",
        )
    if isinstance(error, UnexpectedEOF):
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        return Diagnostic(
            "E0101", "the file ends too early", Span(path, line, column, line, column + 1)
        )
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        span = Span(path, line, column, line, column + 1)
        return Diagnostic(
            "E0100",
            f"unexpected character `{char}`",
            span,
            help=f"expected {_words(set(error.allowed or ()))}",
        )
    token = error.token
    width = max(len(str(token)), 1)
    span = Span(path, line, column, line, column + width)
    found = "a new line" if token.type == "_NL" else f"`{token}`"
    return Diagnostic(
        "E0100",
        f"unexpected {found}",
        span,
        help=f"expected {_words(set(error.expected))}",
    )
