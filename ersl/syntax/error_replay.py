"""Replaying a failed parse, and the facts the syntax error rules look at.

`replay` parses the text again with Lark's interactive parser (the same parser
and post-lexer as `parse`), records the tokens before the error and stops where
the parse fails. The `Situation` it returns answers the rules' questions: the
offending token and the ones before it, the brackets still open, what the
parser accepts there, and *repair probes* — whether the parser would take some
tokens next, or whether an edit of the text lets the parse get past the
offending line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy

import attrs
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ersl.diagnostics import Diagnostic, Note
from ersl.span import Span
from ersl.syntax.error_words import BLOCK_PREFIXES
from ersl.syntax.grammar_words import header_terminals, keyword_words, terminal, vocabulary
from ersl.syntax.parser import get_parser

_WORD_RE = re.compile(r"^[^\W\d]\w*$")
# Keywords and symbols never suggested as "missing here": they fit almost anywhere.
_NOT_INSERTED = frozenset(
    "( ) } , - not if true false none + * / == != < <= > >= and or in otherwise .".split()
)


def token_span(path: str, token: Token) -> Span:
    """The span of a Lark token."""
    end_line = token.end_line or token.line
    end_column = token.end_column or token.column + max(len(str(token)), 1)
    return Span(path, token.line, token.column, end_line, end_column)


@attrs.define
class Situation:
    """Everything the rules look at: the error, the tokens before it, the parser there."""

    text: str
    path: str
    kind: str  # "token", "eof" or "char"
    token: Token | None
    history: list[Token]
    parser: object | None  # lark InteractiveParser at the error
    accepts: frozenset[str]
    offset: int
    line: int
    column: int

    # -- positions
    def span(self, width: int | None = None) -> Span:
        """The span of the offending token (or character, or end of file)."""
        if self.kind == "token" and self.token is not None:
            if self.token.type == "_NL":
                prev = self.prev
                if prev is not None:
                    return Span(
                        self.path,
                        prev.end_line,
                        prev.end_column,
                        prev.end_line,
                        prev.end_column + 1,
                    )
            return token_span(self.path, self.token)
        return Span(self.path, self.line, self.column, self.line, self.column + (width or 1))

    def line_end_offset(self, line: int) -> int:
        """Offset of the end of `line` (1-based) in the text."""
        offset = 0
        for _ in range(line - 1):
            found = self.text.find("\n", offset)
            if found < 0:
                return len(self.text)
            offset = found + 1
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end

    def line_text(self, line: int) -> str:
        """The text of `line` (1-based)."""
        lines = self.text.split("\n")  # Lark counts lines by "\n" only
        return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else ""

    def fixed_line(self, line: int, start_col: int, end_col: int, replacement: str) -> str:
        """The source line with columns [start_col, end_col) replaced, for a `help:` example."""
        text = self.line_text(line)
        fixed = text[: start_col - 1] + replacement + text[end_col - 1 :]
        fixed = fixed.strip()
        if len(fixed) > 70:
            lo = max(start_col - 1 - (len(text) - len(text.lstrip())) - 30, 0)
            fixed = "…" + fixed[lo : lo + 66] + "…"
        return fixed

    # -- tokens
    @property
    def at_token(self) -> bool:
        """Whether the parse stopped at a token (not a character or the end of the file)."""
        return self.kind == "token" and self.token is not None

    @property
    def significant(self) -> list[Token]:
        """The tokens before the error, new lines left out."""
        return [t for t in self.history if t.type != "_NL"]

    @property
    def prev(self) -> Token | None:
        """The last token before the error (not a new line)."""
        sig = self.significant
        return sig[-1] if sig else None

    @property
    def word(self) -> str | None:
        """The offending token's text when it is a word (a name or a keyword)."""
        if self.at_token and _WORD_RE.match(str(self.token)):
            return str(self.token)
        return None

    @property
    def keyword(self) -> str | None:
        """The offending token's text when the lexer read it as a keyword."""
        if self.at_token and self.token.type in vocabulary().keywords:
            return str(self.token)
        return None

    def accepted_keywords(self) -> set[str]:
        """The keywords the parser accepts at the error."""
        return keyword_words(self.accepts)

    def first_on_line(self) -> Token | None:
        """The first token on the offending line."""
        if self.token is None:
            return None
        for tok in self.significant:
            if tok.line == self.token.line:
                return tok
        return self.token

    def same_line(self) -> bool:
        """Whether the offending token is on the line where the previous token ends."""
        prev = self.prev
        return prev is not None and self.token is not None and prev.end_line == self.token.line

    # -- brackets and blocks
    def open_brackets(self) -> list[int]:
        """Indexes in `history` of the `{` and `(` that are still open, outermost first."""
        stack: list[int] = []
        for index, tok in enumerate(self.history):
            if tok.type in (terminal("{"), terminal("(")):
                stack.append(index)
            elif tok.type in (terminal("}"), terminal(")")) and stack:
                stack.pop()
        return stack

    def open_braces(self) -> list[int]:
        """Indexes of the open `{` only."""
        return [i for i in self.open_brackets() if self.history[i].type == terminal("{")]

    def block_kind(self, brace_index: int) -> str | None:
        """The kind of clause block a `{` opens (`payment`, `cap`, …), if it opens one."""
        j = brace_index - 1
        while j >= 0 and self.history[j].type in header_terminals():
            j -= 1
        if j >= 0:
            word = str(self.history[j])
            if word in BLOCK_PREFIXES and self.history[j].type in vocabulary().keywords:
                return word
        return None

    def block_label(self, brace_index: int) -> str:
        """A short description of the block or set a bracket opens."""
        brace = self.history[brace_index]
        if brace.type == terminal("("):
            return "this `(`"
        keywords = vocabulary().keywords
        prev = self.history[brace_index - 1] if brace_index > 0 else None
        if prev is None or prev.type not in (header_terminals() | keywords):
            return "the set opened here"
        if prev.type in keywords and str(prev) in ("in", "not", "and", "or"):
            return "the set opened here"
        head = self.line_text(brace.line)[: brace.column - 1].strip()
        if not head:
            return "the block opened here"
        if len(head) > 40:
            head = head[:38] + "…"
        return f"the block `{head} {{`"

    def unclosed_notes(self, indexes: list[int]) -> tuple[Note, ...]:
        """A note for each of these open brackets, innermost first."""
        return tuple(
            Note(token_span(self.path, self.history[i]), f"{self.block_label(i)} is not closed")
            for i in reversed(indexes)
        )

    def last_closer_note(self, message: str) -> tuple[Note, ...]:
        """A note at the last `}` before the error, if there is one."""
        closers = [t for t in self.significant if t.type == terminal("}")]
        return (Note(token_span(self.path, closers[-1]), message),) if closers else ()

    # -- probes
    def _fed(self, tokens: list[Token | str]):
        """A copy of the parser at the error, fed these tokens; None if it rejects them."""
        if self.parser is None:
            return None
        cursor = self.parser.copy(deepcopy_values=False)
        conf = copy(cursor.parser_state.parse_conf)
        conf.callbacks = {}
        cursor.parser_state.parse_conf = conf
        try:
            for item in tokens:
                cursor.feed_token(item if isinstance(item, Token) else Token(item, ""))
        except UnexpectedInput:
            return None
        return cursor

    def feeds(self, tokens: list[Token | str]) -> bool:
        """Whether the parser at the error would accept these tokens in turn."""
        return self._fed(tokens) is not None

    def accepts_after(self, tokens: list[Token | str]) -> frozenset[str]:
        """What the parser would accept after these tokens (empty if it rejects them)."""
        cursor = self._fed(tokens)
        return frozenset(cursor.accepts()) if cursor is not None else frozenset()

    def passes_line(self, edit_at: int, remove: int, insert: str) -> bool:
        """Whether the text, edited at `edit_at`, parses past the offending line."""
        if self.token is None:
            return False
        edited = self.text[:edit_at] + insert + self.text[edit_at + remove :]
        stop = error_offset(edited)
        if stop is None:
            return True
        return stop - len(insert) + remove > self.line_end_offset(self.token.line)

    def insertable(self) -> str | None:
        """The one keyword or symbol that, inserted before the offending token, lets it parse."""
        if not self.at_token or self.token.type in ("_NL", "$END", terminal("}")):
            return None
        literal = vocabulary().literal
        found = [
            literal[name]
            for name in sorted(self.accepts)
            if name in literal
            and literal[name] not in _NOT_INSERTED
            and self.feeds([Token(name, literal[name]), self.token])
        ]
        return found[0] if len(found) == 1 else None


Rule = Callable[[Situation], Diagnostic | None]


def error_offset(text: str) -> int | None:
    """Where parsing `text` fails (an offset), or None if it parses."""
    try:
        get_parser().parse(text)
    except UnexpectedCharacters as error:
        return error.pos_in_stream
    except UnexpectedToken as error:
        if error.token.type == "$END":
            return len(text)
        return error.token.start_pos or 0
    except UnexpectedInput:
        return 0
    return None


def end_of_file(text: str) -> tuple[int, int]:
    """Line and column just after the last character of the last non-blank line."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return 1, 1
    return len(lines), len(lines[-1].rstrip()) + 1


def replay(text: str, path: str, error: UnexpectedInput) -> Situation:
    """Parse `text` again, token by token, and stop where the parse fails."""
    parser = get_parser().parse_interactive(text)
    history: list[Token] = []
    caught: UnexpectedInput | None = None
    try:
        for tok in parser.iter_parse():
            history.append(tok)
        parser.feed_eof(history[-1] if history else None)
    except UnexpectedInput as again:
        caught = again
    if caught is None:  # cannot happen: the text failed to parse before
        caught, history, parser = error, [], getattr(error, "interactive_parser", None)
    try:
        accepts = frozenset(parser.accepts()) if parser is not None else frozenset()
    except Exception:  # noqa: BLE001 - a probe must never hide the real error
        accepts = frozenset(getattr(caught, "expected", None) or ())
    if isinstance(caught, UnexpectedToken) and caught.token.type == "$END":
        line, column = end_of_file(text)
        return Situation(
            text, path, "eof", caught.token, history, parser, accepts, len(text), line, column
        )
    if isinstance(caught, UnexpectedToken):
        token = caught.token
        if history and history[-1] is token:
            history.pop()
        offset = token.start_pos or 0
        return Situation(
            text, path, "token", token, history, parser, accepts, offset, token.line, token.column
        )
    offset = getattr(caught, "pos_in_stream", None)
    line = getattr(caught, "line", None)
    column = getattr(caught, "column", None)
    if offset is None or offset < 0 or line is None or line < 1:
        line, column = end_of_file(text)
        offset = len(text)
    allowed = getattr(caught, "allowed", None)
    if not accepts and allowed:
        accepts = frozenset(allowed)
    return Situation(text, path, "char", None, history, parser, accepts, offset, line, column)
