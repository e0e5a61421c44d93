"""Layout: which newlines matter, and where the comments are.

The lexer turns every run of newlines into one `_NL` token (newlines that
continue an item, or that precede `}` or `,`, are already swallowed by the
grammar's `_CONT` and `_SKIPNL` terminals). This post-lexer keeps `_NL` only
where it separates items of a *list block* (SPEC §2) and drops it everywhere
else: in clause blocks, at top level and inside parentheses.

A `{` opens a list block when it follows one of the list keywords (table,
dated, includes, indicators, given, expect, enum, record, event, span,
codeset) or when it appears directly inside another list block (a `given`
record's body, a set literal). Comments are collected from every newline,
comment and continuation token for the formatter and the linter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lark import Token

LIST_KEYWORDS = frozenset(
    {
        "TABLE",
        "DATED",
        "INCLUDES",
        "INDICATORS",
        "GIVEN",
        "EXPECT",
        "ENUM",
        "RECORD",
        "EVENT",
        "SPAN",
        "CODESET",
    }
)
# `given` and `expect` name a file instead of opening a list block when a text follows.
_FILE_FORMS = ("GIVEN", "EXPECT")
_OPEN = {"{", "(", "["}
_CLOSE = {"}", ")", "]"}
_COMMENT_RE = re.compile(r"#[^\n]*")

LIST, CLAUSE, PAREN = "list", "clause", "paren"


class RawComment:
    """A comment found by the lexer: its text and 1-based position."""

    __slots__ = ("text", "line", "column", "own_line")

    def __init__(self, text: str, line: int, column: int, own_line: bool) -> None:
        self.text = text
        self.line = line
        self.column = column
        self.own_line = own_line


class CommentCollector:
    """Lexer callback that records comments inside whitespace-like tokens."""

    def __init__(self, text: str = "") -> None:
        self.comments: list[RawComment] = []
        self._lines = text.split("\n")

    def _alone(self, line: int, column: int) -> bool:
        """Whether only whitespace precedes `column` on source line `line`."""
        if 1 <= line <= len(self._lines):
            return not self._lines[line - 1][: column - 1].strip()
        return column == 1

    def __call__(self, token: Token) -> Token:
        if token.type == "COMMENT":
            own = self._alone(token.line, token.column)
            self._add(token.value, token.line, token.column, own_line=own)
            return token
        if "#" not in token.value:
            return token
        line, column = token.line, token.column
        first = True
        for piece in token.value.split("\n"):
            match = _COMMENT_RE.search(piece)
            if match:
                col = (column if first else 1) + match.start()
                own = not first or self._alone(line, col)
                self._add(match.group(0), line, col, own_line=own)
            line += 1
            first = False
        return token

    def _add(self, text: str, line: int, column: int, own_line: bool) -> None:
        self.comments.append(RawComment(text.rstrip(), line, column, own_line))


class Layout:
    """Lark post-lexer implementing the newline rules of SPEC §2."""

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        """Filter `_NL` tokens by the kind of block they appear in."""
        stack: list[str] = []
        pending_list = False
        previous: Token | None = None
        for token in stream:
            if token.type == "_NL":
                context = stack[-1] if stack else CLAUSE
                if context != LIST or previous is None or previous.value in ("{", ","):
                    continue
                if previous.type == "_NL":
                    continue
                previous = token
                yield token
                continue
            value = token.value
            if token.type in LIST_KEYWORDS:
                pending_list = True
            elif token.type == "STRING" and previous is not None and previous.type in _FILE_FORMS:
                pending_list = False  # `given "data.jsonl"`, `expect "e.json"`: no block follows
            elif value in _OPEN and token.type != "STRING":
                if value == "{":
                    inside_list = bool(stack) and stack[-1] == LIST
                    stack.append(LIST if pending_list or inside_list else CLAUSE)
                    pending_list = False
                else:
                    stack.append(PAREN)
            elif value in _CLOSE and token.type != "STRING":
                if stack:
                    stack.pop()
                pending_list = False
            elif value == "->" and token.type != "STRING":
                pending_list = False
            previous = token
            yield token
