"""Turning Lark's parse errors into diagnostics a contract writer understands.

`describe_syntax_error(error, text, path)` returns one `Diagnostic` that says,
in words, what was found and what was expected (never a Lark terminal name),
points at the exact line and column, and gives a `help:` line with the likely
fix. The classes of mistakes and their codes are listed in
`ersl.syntax.error_catalogue` (and in `docs/errors.md`).

Mechanism
---------
Lark's `UnexpectedInput.match_examples` was tried first and rejected: it keys
on LALR state numbers, so one example is needed for every state a mistake can
occur in (a missing `}` alone can surface in dozens of states), the examples
silently stop matching whenever the grammar changes, and it re-parses every
example on every error. Instead the classifier replays the failed parse with
Lark's interactive parser (the same parser and post-lexer as `parse`) and
looks at

* the offending token (or character, or the end of the file),
* the tokens before it (the replay records them), including the brackets that
  are still open,
* the set of terminals the parser accepts at that point, and
* *repair probes*: whether the parser would accept the token after a `,`, or
  whether inserting a `}` / replacing a word by a keyword lets the parse get
  past the offending line.

Ordered rules (`_RULES`) over these facts give the class; the first that
matches wins. The rules survive grammar changes because they speak about
tokens and what the parser accepts, not about state numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from copy import copy
from functools import cache, lru_cache

import attrs
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ersl.diagnostics import Diagnostic, Note
from ersl.span import Span
from ersl.syntax.error_catalogue import (
    CHARACTER_HELP,
    CLAUSE_EXAMPLES,
    RATE_PERIODS,
    UNIT_LIST,
    UNIT_WORDS,
)
from ersl.syntax.parser import get_parser

__all__ = [
    "block_clauses",
    "classify",
    "describe_expected",
    "describe_syntax_error",
    "describe_terminal",
]

# Regex terminals in words (string terminals are shown as themselves, in backticks).
TERMINAL_WORDS = {
    "STRING": 'a text in quotes ("…")',
    "NAME": "a name",
    "NUMBER": "a number",
    "QUANTITY": "an amount with its unit (e.g. 390 kr, 33 %, 900 days)",
    "DATE": "a date (YYYY-MM-DD)",
    "MONTH": "a month (YYYY-MM)",
    "QUARTER": "a quarter (YYYY-Qn)",
    "_NL": "a new line",
    "$END": "the end of the file",
}

DECL_WORDS = frozenset(
    "contract use enum record event span extend codeset param function payment cap "
    "indicator performance bundle test property".split()
)
CLAUSE_WORDS = frozenset(
    "version region valid settle reconcile rounding kind per amount weight payee applies "
    "measure limit above population numerator exclude bonus penalty indicators trigger "
    "price includes warranty covers period extend given expect check".split()
)
# Blocks whose body is a sequence of clauses, and a header that opens each (for probing).
BLOCK_PREFIXES = {
    "contract": 'contract "x" {',
    "payment": 'payment "x" {',
    "cap": 'cap "x" for provider q {',
    "indicator": 'indicator "x" for provider q {',
    "performance": 'performance "x" for provider q {',
    "bundle": 'bundle "x" {',
    "warranty": 'bundle "x" { warranty {',
    "test": 'test "x" {',
    "property": 'property "x" {',
}
_HEADER_WORDS = ("for", "provider", "each", "lower", "is", "better")
_VALUE_TYPES = {"NAME", "NUMBER", "QUANTITY", "STRING", "DATE", "MONTH"}
_VALUE_KEYWORDS = CLAUSE_WORDS | {
    "where",
    "when",
    "within",
    "then",
    "else",
    "linear",
    "reduce",
    "pay",
}
_PLACEHOLDER_WORDS = {"where": "condition", "when": "condition", "per": "basis", "valid": "dates"}
_DATEISH_RE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[-/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<c>\d{1,4}))?(?![\d])|(?P<compact>\d{8})(?!\d)"
)
_GLUED_RANGE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ \t]*[-\u2013\u2014][ \t]*(\d{4}-\d{2}-\d{2})")
_RANGE_WORDS = {"to", "till", "tom", "until", "through", "thru", "t.o.m"}
_GROUPED_RE = re.compile(r"\d{1,3}(?:[ \t]\d{3})+(?:\.\d+)?")
_UNIT_AFTER_RE = re.compile(
    r"[ \t]*(?:(?:tkr|Mkr|MSEK|kr|SEK)(?:/(?:year|month|day))?|%|pp|days?|weeks?|months?|years?)(?!\w)"
)
_WORD_RE = re.compile(r"^[^\W\d]\w*$")


# ------------------------------------------------------------------ vocabulary
@attrs.frozen
class _Vocabulary:
    """The grammar's terminals: literal text by name, name by literal text, keywords."""

    literal: dict[str, str]
    type_of: dict[str, str]
    keywords: frozenset[str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    literal = {t.name: t.pattern.value for t in get_parser().terminals if t.pattern.type == "str"}
    type_of = {value: name for name, value in literal.items()}
    keywords = frozenset(name for name, value in literal.items() if value.isalpha())
    return _Vocabulary(literal, type_of, keywords)


def _t(value: str) -> str:
    """The terminal name of a literal (`"{"` -> its name), or a name that never matches."""
    return _vocabulary().type_of.get(value, f"<{value}>")


def _header_types() -> set[str]:
    """Terminals that may stand between a block's keyword and its `{`."""
    return {"STRING", "NAME"} | {_t(word) for word in _HEADER_WORDS}


def describe_terminal(name: str) -> str:
    """One terminal in words: `` `amount` ``, `` `{` ``, "a name", "a date (YYYY-MM-DD)"."""
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    literal = _vocabulary().literal.get(name)
    if literal is not None:
        return f"`{literal}`"
    return "something else"


def _join(words: list[str], last: str = "or") -> str:
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def describe_expected(accepts: Iterable[str]) -> str:
    """What the parser accepts, in words, with values, operators and declarations grouped."""
    vocab = _vocabulary()
    rest = set(accepts)
    groups: list[str] = []
    starters = {"NAME", "NUMBER", "QUANTITY", "DATE", "MONTH", "STRING"} | {
        _t(v) for v in ("true", "false", "none", "(", "-", "not", "if", "{")
    }
    operators = {
        _t(v)
        for v in ("+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=")
        + ("and", "or", "in", "not", "otherwise", ".", "(")
    }
    decls = {_t(v) for v in DECL_WORDS}
    if {"NAME", "NUMBER", "QUANTITY"} <= rest:
        groups.append("a value")
        rest -= starters
    tail: list[str] = []
    if len(rest & operators) >= 4:
        tail.append("an operator")
        rest -= operators
    if len(rest & decls) >= 8:
        groups.append("a declaration (`contract`, `use`, `param`, `payment`, `cap`, …)")
        rest -= decls
    for name in ("NAME", "STRING", "NUMBER", "QUANTITY", "DATE", "MONTH", "QUARTER"):
        if name in rest:
            groups.append(TERMINAL_WORDS[name])
            rest.discard(name)
    words = sorted(vocab.literal[n] for n in rest if n in vocab.keywords)
    if len(words) > 10:
        groups.append("a keyword such as " + ", ".join(f"`{w}`" for w in words[:8]))
    else:
        groups.extend(f"`{w}`" for w in words)
    rest -= vocab.keywords
    for name in sorted(rest, key=lambda n: vocab.literal.get(n, "~" + n)):
        if name in ("_NL", "$END"):
            continue
        described = describe_terminal(name)
        if described != "something else":
            groups.append(described)
    groups += tail
    for name in ("_NL", "$END"):
        if name in rest:
            groups.append(TERMINAL_WORDS[name])
    return _join(groups)


def _found(token: Token) -> str:
    if token.type == "_NL":
        return "the end of the line"
    if token.type == "$END":
        return "the end of the file"
    if token.type == "STRING":
        text = str(token)
        return f"the text {text if len(text) <= 32 else text[:30] + '…' + chr(34)}"
    value = str(token)
    if token.type in ("NUMBER", "QUANTITY") or token.type in _vocabulary().literal:
        return f"`{value}`"
    return f"`{value}`" if len(value) <= 40 else f"`{value[:38]}…`"


# ------------------------------------------------------------------ the situation
@attrs.define
class _Situation:
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

    # -- tokens
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
        if self.kind == "token" and self.token is not None and _WORD_RE.match(str(self.token)):
            return str(self.token)
        return None

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

    def open_brackets(self) -> list[int]:
        """Indexes in `history` of the `{` and `(` that are still open, outermost first."""
        stack: list[int] = []
        for index, tok in enumerate(self.history):
            if tok.type in (_t("{"), _t("(")):
                stack.append(index)
            elif tok.type in (_t("}"), _t(")")) and stack:
                stack.pop()
        return stack

    def open_braces(self) -> list[int]:
        """Indexes of the open `{` only."""
        return [i for i in self.open_brackets() if self.history[i].type == _t("{")]

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
        stop = _error_offset(edited)
        if stop is None:
            return True
        return stop - len(insert) + remove > self.line_end_offset(self.token.line)


def token_span(path: str, token: Token) -> Span:
    """The span of a Lark token."""
    end_line = token.end_line or token.line
    end_column = token.end_column or token.column + max(len(str(token)), 1)
    return Span(path, token.line, token.column, end_line, end_column)


def _error_offset(text: str) -> int | None:
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


def _end_of_file(text: str) -> tuple[int, int]:
    """Line and column just after the last character of the last non-blank line."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return 1, 1
    return len(lines), len(lines[-1].rstrip()) + 1


def _replay(text: str, path: str, error: UnexpectedInput) -> _Situation:
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
        line, column = _end_of_file(text)
        return _Situation(
            text, path, "eof", caught.token, history, parser, accepts, len(text), line, column
        )
    if isinstance(caught, UnexpectedToken):
        token = caught.token
        if history and history[-1] is token:
            history.pop()
        return _Situation(
            text,
            path,
            "token",
            token,
            history,
            parser,
            accepts,
            token.start_pos or 0,
            token.line,
            token.column,
        )
    offset = getattr(caught, "pos_in_stream", None)
    line = getattr(caught, "line", None)
    column = getattr(caught, "column", None)
    if offset is None or offset < 0 or line is None or line < 1:
        line, column = _end_of_file(text)
        offset = len(text)
    allowed = getattr(caught, "allowed", None)
    if not accepts and allowed:
        accepts = frozenset(allowed)
    return _Situation(text, path, "char", None, history, parser, accepts, offset, line, column)


# ------------------------------------------------------------------ helpers
def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (edits and transpositions), case-insensitive."""
    a, b = a.lower(), b.lower()
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate keyword nearest to `word`, if it is plausibly a misspelling."""
    best: tuple[int, str] | None = None
    for candidate in sorted(set(candidates)):
        if candidate == word:
            continue
        distance = _distance(word, candidate)
        if word.lower() == candidate.lower():
            distance = 0
        if len(word) < 4:  # short words: a swapped pair of letters, or one letter left out
            swapped = sorted(word.lower()) == sorted(candidate.lower())
            limit = 1 if swapped or len(candidate) == len(word) + 1 else 0
        else:
            limit = 1 if len(word) < 6 else 2
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def _accepted_keywords(s: _Situation) -> set[str]:
    vocab = _vocabulary()
    return {vocab.literal[n] for n in s.accepts if n in vocab.keywords}


def _block_kind(s: _Situation, brace_index: int) -> str | None:
    """The kind of clause block a `{` opens (`payment`, `cap`, …), if it opens one."""
    j = brace_index - 1
    while j >= 0 and s.history[j].type in _header_types():
        j -= 1
    if j >= 0:
        word = str(s.history[j])
        if word in BLOCK_PREFIXES and s.history[j].type in _vocabulary().keywords:
            return word
    return None


def _block_label(s: _Situation, brace_index: int) -> str:
    """A short description of the block or set a bracket opens."""
    brace = s.history[brace_index]
    if brace.type == _t("("):
        return "this `(`"
    prev = s.history[brace_index - 1] if brace_index > 0 else None
    if prev is None or prev.type not in (_header_types() | _vocabulary().keywords):
        return "the set opened here"
    if prev.type in _vocabulary().keywords and str(prev) in ("in", "not", "and", "or"):
        return "the set opened here"
    head = s.line_text(brace.line)[: brace.column - 1].strip()
    if not head:
        return "the block opened here"
    if len(head) > 40:
        head = head[:38] + "…"
    return f"the block `{head} {{`"


@cache
def block_clauses(kind: str) -> tuple[str, ...]:
    """The clause keywords a block of this kind accepts (asked of the parser itself)."""
    prefix = BLOCK_PREFIXES[kind]
    parser = get_parser().parse_interactive(prefix)
    for _ in parser.iter_parse():
        pass
    vocab = _vocabulary()
    words = {vocab.literal[n] for n in parser.accepts() if n in vocab.keywords}
    return tuple(sorted(words & CLAUSE_WORDS | (words & {"param", "for"})))


def _diag(
    code: str,
    message: str,
    span: Span,
    help: str | None = None,
    notes: tuple[Note, ...] = (),
) -> Diagnostic:
    return Diagnostic(code, message, span, help=help, notes=notes)


def _line_fix(s: _Situation, line: int, start_col: int, end_col: int, replacement: str) -> str:
    """The source line with columns [start_col, end_col) replaced, for a `help:` example."""
    text = s.line_text(line)
    fixed = text[: start_col - 1] + replacement + text[end_col - 1 :]
    fixed = fixed.strip()
    if len(fixed) > 70:
        lo = max(start_col - 1 - (len(text) - len(text.lstrip())) - 30, 0)
        fixed = "…" + fixed[lo : lo + 66] + "…"
    return fixed


# ------------------------------------------------------------------ the rules
Rule = Callable[[_Situation], Diagnostic | None]


def _unterminated_string(s: _Situation) -> Diagnostic | None:
    if s.kind != "char" or s.text[s.offset : s.offset + 1] != '"':
        return None
    rest = s.line_end_offset(s.line) - s.offset
    return _diag(
        "E0114",
        'this text is not closed: the `"` at its end is missing',
        s.span(max(rest, 1)),
        help='close the text with `"` on the same line; a quote inside a text is written `\\"`',
    )


def _percent_operator(s: _Situation) -> Diagnostic | None:
    if s.kind != "char" or s.text[s.offset : s.offset + 1] != "%":
        return None
    return _diag(
        "E0121",
        "`%` is not an operator",
        s.span(),
        help="`%` belongs right after a number, as in `33 %`; ERSL has no remainder "
        "operator — to take a share of a value, multiply: `fee * 33 %`",
    )


def _foreign_character(s: _Situation) -> Diagnostic | None:
    if s.kind != "char":
        return None
    char = s.text[s.offset : s.offset + 1]
    prev = s.prev
    if (
        char in "\u2013\u2014"
        and prev is not None
        and prev.type == "DATE"
        and _t("..") in s.accepts
    ):
        return _range_diag(s, s.span())
    if char in CHARACTER_HELP:
        name, advice = CHARACTER_HELP[char]
        if char in "&|" and s.text[s.offset + 1 : s.offset + 2] == char:
            name = f"`{char * 2}`"
            return _diag("E0126", f"ERSL does not use {name}", s.span(2), help=advice)
        return _diag("E0126", f"ERSL does not use {name}", s.span(), help=advice)
    if char.isprintable() and not char.isspace():
        name = f"`{char}`"
    else:
        name = f"the character U+{ord(char):04X}" if char else "this character"
    return _diag(
        "E0126",
        f"ERSL does not use {name}",
        s.span(),
        help=f"remove it; expected {describe_expected(s.accepts)} here",
    )


def _range_diag(s: _Situation, span: Span) -> Diagnostic:
    return _diag(
        "E0119",
        "a range of dates is written with `..` between the dates",
        span,
        help="write e.g. `valid 2022-01-01 .. 2022-12-31`",
    )


def _date_written_wrongly(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None:
        return None
    wants_date = "DATE" in s.accepts
    wants_month = "MONTH" in s.accepts
    prev = s.prev
    # A range written with `-`, `to`, `till` or nothing between the dates.
    if prev is not None and prev.type == "DATE" and _t("..") in s.accepts:
        if (
            s.token.type in (_t("-"), "DATE")
            or str(s.token).lower() in _RANGE_WORDS
            or _GLUED_RANGE_RE.match(s.text, prev.start_pos or 0)
        ):
            return _range_diag(s, s.span())
    start = s.offset
    if (
        prev is not None
        and prev.type == "NUMBER"
        and len(str(prev)) == 4
        and prev.end_pos == s.token.start_pos
        and str(s.token) in ("-", "/", ".")
    ):
        # `period 2022-3`: the year was read as a number, the rest does not fit
        start = prev.start_pos or 0
        shape = _DATEISH_RE.match(s.text, start)
        wants_date = bool(shape and (shape.group("c") or shape.group("compact")))
        wants_month = not wants_date
    elif not (wants_date or wants_month) or s.token.type not in ("NUMBER", "QUANTITY", "MONTH"):
        return None
    glued = _GLUED_RANGE_RE.match(s.text, start)
    if glued:
        line, column = (s.line, s.column) if start == s.offset else (prev.line, prev.column)
        span = Span(s.path, line, column, line, column + len(glued.group(0)))
        return _diag(
            "E0119",
            "a range of dates is written with `..` between the dates",
            span,
            help=f"write `{glued.group(1)} .. {glued.group(2)}`",
        )
    match = _DATEISH_RE.match(s.text, start)
    if not match:
        return None
    written = match.group(0)
    fixed = _fix_date(match, wants_date)
    line, column = (s.line, s.column) if start == s.offset else (prev.line, prev.column)
    span = Span(s.path, line, column, line, column + len(written))
    what = "date" if wants_date else "month"
    form = "YYYY-MM-DD" if wants_date else "YYYY-MM"
    help = f"write {what}s as {form}, with two-digit month" + (" and day" if wants_date else "")
    if fixed:
        help += f": `{fixed}`"
    return _diag("E0119", f"`{written}` is not written as a {what}", span, help=help)


def _fix_date(match: re.Match, wants_date: bool) -> str | None:
    if match.group("compact"):
        digits = match.group("compact")
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    a, b, c = match.group("a"), match.group("b"), match.group("c")
    if c is None:
        if len(a) == 4:
            return f"{a}-{int(b):02d}" if not wants_date else f"{a}-{int(b):02d}-01"
        return None
    if len(a) == 4:
        year, month, day = a, b, c
    elif len(c) == 4:  # day/month/year, as written in Sweden and most of Europe
        year, month, day = c, b, a
    else:
        return None
    if not wants_date:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _equals_for_comparison(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None or s.token.type != _t("="):
        return None
    if _t("==") not in s.accepts:
        return None
    fix = _line_fix(s, s.token.line, s.token.column, s.token.end_column, "==")
    return _diag(
        "E0112",
        "`=` gives a value; to compare, write `==`",
        s.span(),
        help=f"write `{fix}`",
    )


def _colon_equals_mixup(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None:
        return None
    tok = s.token
    sig = s.significant
    last3 = [t.type for t in sig[-3:]]
    value_start = {"NUMBER", "QUANTITY", "STRING", "DATE", "MONTH"} | {
        _t(v) for v in ("-", "dated", "true", "false", "none", "(", "{", "=")
    }
    # param visit_fee: 225 kr   /   param x := 3
    if last3 == [_t("param"), "NAME", _t(":")] and tok.type in value_start:
        name = str(sig[-2])
        if tok.type == _t("="):
            colon = sig[-1]
            fix = _line_fix(s, colon.line, colon.column, tok.end_column, "=")
            return _diag(
                "E0118",
                "write `=`, not `:=`, to give a parameter its value",
                s.span(),
                f"write `{fix}`",
            )
        colon = sig[-1]
        fix = _line_fix(s, colon.line, colon.column, colon.end_column, " =")
        return _diag(
            "E0118",
            f"`:` gives the type of `{name}`; its value comes after `=`",
            token_span(s.path, colon),
            help=f"write `{fix}`, or with a type, `param {name}: TYPE = …`",
        )
    # expect { VC1 "X" 2022-03 == 300 kr }: the lexer reads `==` there as two `=`
    prev = s.prev
    if (
        tok.type == _t("=")
        and prev is not None
        and prev.type == _t("=")
        and prev.end_pos == tok.start_pos
    ):
        fix = _line_fix(s, prev.line, prev.column, tok.end_column, "=")
        span = Span(s.path, prev.line, prev.column, tok.line, tok.end_column)
        return _diag("E0118", "`==` compares; to give a value, write `=`", span, f"write `{fix}`")
    # param age_rate: table of int {   /   param x: money per year dated {
    param_index = next((i for i in range(len(sig) - 1, -1, -1) if sig[i].type == _t("param")), None)
    if (
        param_index is not None
        and len(sig) - param_index <= 12
        and len(sig) > param_index + 2
        and sig[param_index + 2].type == _t(":")
        and all(t.type != _t("=") for t in sig[param_index:])
        and tok.type in value_start
        and tok.type != _t("=")
    ):
        name = str(sig[param_index + 1])
        if tok.type == _t("{") and any(t.type == _t("table") for t in sig[param_index:]):
            return _diag(
                "E0118",
                f"the bands of table `{name}` follow `=`",
                s.span(),
                help=f"write `param {name} = table of … {{` (the type goes after `=` "
                "with the bands), or `param "
                f"{name}: table of K -> V` for a table given as input",
            )
        if _t("=") not in s.accepts:
            return None
        return _diag(
            "E0118",
            f"`=` is missing between the type of `{name}` and its value",
            s.span(),
            help=f"write `param {name}: TYPE = VALUE`",
        )
    # record Patient { id = text }
    if (
        tok.type == _t("=")
        and _t(":") in s.accepts
        and s.prev is not None
        and s.prev.type == "NAME"
    ):
        fix = _line_fix(s, tok.line, tok.column, tok.end_column, ":")
        return _diag(
            "E0118", "a field's type follows `:`, not `=`", s.span(), help=f"write `{fix}`"
        )
    # param x == 3, or `==` in a test's expected line
    if tok.type == _t("==") and _t("=") in s.accepts:
        fix = _line_fix(s, tok.line, tok.column, tok.end_column, "=")
        return _diag(
            "E0118", "`==` compares; to give a value, write `=`", s.span(), help=f"write `{fix}`"
        )
    return None


def _extra_brace(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None or s.token.type != _t("}") or s.open_braces():
        return None
    notes: tuple[Note, ...] = ()
    closers = [t for t in s.significant if t.type == _t("}")]
    if closers:
        notes = (Note(token_span(s.path, closers[-1]), "the block above is closed here"),)
    return _diag(
        "E0111",
        "this `}` closes no block",
        s.span(),
        help="remove it, or add the `{` that should open its block",
        notes=notes,
    )


def _extra_paren(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None or s.token.type != _t(")"):
        return None
    if any(s.history[i].type == _t("(") for i in s.open_brackets()):
        return None
    return _diag(
        "E0120",
        "this `)` has no matching `(`",
        s.span(),
        help="remove it, or add the `(` that it closes",
    )


def _clause_without_value(s: _Situation) -> Diagnostic | None:
    sig = s.significant
    if not sig or s.token is None:
        return None
    keywords = _vocabulary().keywords
    ends = {_t("}"), _t(")"), _t(","), "_NL", "$END"} | keywords
    keyword: Token | None = None
    # `amount }`, `amount` at the end of the file, `valid payee …`
    if (
        sig[-1].type in keywords
        and str(sig[-1]) in _VALUE_KEYWORDS
        and s.token.type in ends
        and s.accepts & _VALUE_TYPES
    ):
        keyword = sig[-1]
    # `amount` alone on its line, followed by `weight 1.5 …`: `weight` was read as its value
    elif (
        s.kind == "token"
        and len(sig) >= 2
        and sig[-1].type == "NAME"
        and str(sig[-1]) in CLAUSE_WORDS
        and sig[-2].type in keywords
        and str(sig[-2]) in CLAUSE_WORDS | {"where", "when"}
        and sig[-1].line > sig[-2].end_line
    ):
        keyword = sig[-2]
    if keyword is None:
        return None
    word = str(keyword)
    what = _PLACEHOLDER_WORDS.get(word, "value")
    example = CLAUSE_EXAMPLES.get(word)
    help = f"write the {what} after `{word}`" + (f", e.g. `{example}`" if example else "")
    return _diag("E0116", f"`{word}` has no {what}", token_span(s.path, keyword), help=help)


def _glued_keyword(s: _Situation) -> Diagnostic | None:
    """A keyword read as the start of a longer word (`patients` read as `patient` + `s`)."""
    if s.kind != "token" or s.token is None:
        return None
    keywords = _vocabulary().keywords
    tokens = s.significant[-2:] + [s.token]
    for first, second in zip(tokens, tokens[1:], strict=False):
        if (
            first.type in keywords
            and second.start_pos is not None
            and first.end_pos == second.start_pos
            and str(second)[:1].isalnum()
        ):
            word = str(first) + str(second)
            span = Span(s.path, first.line, first.column, second.end_line, second.end_column)
            return _diag(
                "E0115",
                f"`{word}` is not a keyword here",
                span,
                help=f"did you mean `{first}`?",
            )
    return None


def _misspelt_keyword(s: _Situation) -> Diagnostic | None:
    word = s.word
    if word is None or s.token is None or s.token.type != "NAME":
        return None
    suggestion = _closest(word, _accepted_keywords(s))
    if suggestion is None:
        return None
    return _diag(
        "E0115",
        f"`{word}` is not a keyword ERSL knows here",
        s.span(),
        help=f"did you mean `{suggestion}`?",
    )


def _missing_separator(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None or not s.same_line():
        return None
    if _t(",") not in s.accepts or s.token.type in ("_NL", "$END"):
        return None
    candidates: list[Token] = [s.token]
    if s.word is not None and s.token.type != "NAME":
        candidates.append(Token("NAME", str(s.token)))
    if not any(s.feeds([Token(_t(","), ","), c]) for c in candidates):
        return None
    prev = s.prev
    assert prev is not None
    help = "separate the items with `,`"
    if "_NL" in s.accepts:
        help += " or put each on its own line"
    return _diag(
        "E0117",
        f"`,` missing between {_found(prev)} and {_found(s.token)}",
        s.span(),
        help=help,
    )


def _number_issues(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None:
        return None
    tok = s.token
    prev = s.prev
    sig = s.significant
    # 390 kr per year
    rate = None
    if (
        tok.type == _t("per")
        and prev is not None
        and prev.type == "QUANTITY"
        and "kr" in str(prev).lower() + "sek"
    ):
        after = re.match(r"[ \t]+([^\W\d]\w*)", s.text[tok.end_pos or 0 :])
        if after and after.group(1).lower() in RATE_PERIODS:
            end_col = (tok.end_column or tok.column) + after.end()
            rate = (prev, tok.line, end_col, after.group(1))
    elif (
        len(sig) >= 3
        and sig[-3].type == "QUANTITY"
        and sig[-2].type == _t("per")
        and str(sig[-1]).lower() in RATE_PERIODS
        and sig[-3].line == sig[-1].line
    ):
        rate = (sig[-3], sig[-1].line, sig[-1].end_column, str(sig[-1]))
    if rate is not None:
        quantity, line, end_col, period = rate
        span = Span(s.path, quantity.line, quantity.column, line, end_col)
        fixed = f"{str(quantity).strip()}/{RATE_PERIODS[period.lower()]}"
        return _diag(
            "E0113",
            "a rate is written as one amount, with `/` between the unit and the period",
            span,
            help=f"write `{fixed}`",
        )
    if prev is None or prev.type != "NUMBER" or not s.same_line():
        return None
    between = s.text[(prev.end_pos or 0) : (tok.start_pos or 0)]
    # 6 500 000 kr
    if (
        tok.type in ("NUMBER", "QUANTITY")
        and between in (" ", "\u00a0")
        and re.match(r"\d{3}(?!\d)", str(tok))
        and not _insertable(s)
    ):
        grouped = _GROUPED_RE.match(s.text, prev.start_pos or 0)
        written = grouped.group(0) if grouped else f"{prev} {tok}"
        unit = _UNIT_AFTER_RE.match(s.text, (prev.start_pos or 0) + len(written))
        fixed = written.replace(" ", "_").replace("\t", "_") + (unit.group(0) if unit else "")
        return _diag(
            "E0125",
            "a number cannot contain spaces",
            Span(s.path, prev.line, prev.column, prev.line, prev.column + len(written)),
            help=f"group thousands with `_` or not at all: `{fixed}`",
        )
    # 1,5 kr
    if (
        tok.type == _t(",")
        and not between
        and s.text[tok.end_pos or 0 : (tok.end_pos or 0) + 1].isdigit()
    ):
        rest = re.match(r"\d[\d_]*", s.text[tok.end_pos or 0 :])
        digits = rest.group(0) if rest else ""
        unit = _UNIT_AFTER_RE.match(s.text, (tok.end_pos or 0) + len(digits))
        fixed = f"{prev}.{digits}" + (unit.group(0) if unit else "")
        return _diag(
            "E0125",
            "decimals are written with a point, not a comma",
            Span(s.path, prev.line, prev.column, prev.line, tok.end_column + len(digits)),
            help=f"write `{fixed}`",
        )
    # 390 kronor
    word = s.word
    if word is None:
        return None
    unit = UNIT_WORDS.get(word.lower())
    if unit is None and (tok.type != "NAME" or _insertable(s)):
        return None
    if unit is not None:
        if unit.lower() == word.lower():
            message = f"`{word}` is not a unit; units are case-sensitive"
        else:
            message = f"`{word}` is not a unit in ERSL"
        return _diag("E0113", message, s.span(), help=f"write `{prev} {unit}`")
    return _diag(
        "E0113",
        f"`{word}` after the number `{prev}` is not a unit",
        s.span(),
        help=f"write the unit right after the number ({UNIT_LIST}), "
        "or add the operator that is missing",
    )


def _unit_word(s: _Situation) -> Diagnostic | None:
    """A number followed by a word that is a unit in other spellings (`390 kronor`)."""
    prev, word = s.prev, s.word
    if prev is None or prev.type != "NUMBER" or word is None or not s.same_line():
        return None
    if word.lower() not in UNIT_WORDS:
        return None
    return _number_issues(s)


def _clause_outside_block(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None or s.open_braces():
        return None
    word = str(s.token)
    if s.token.type not in _vocabulary().keywords or word not in CLAUSE_WORDS - DECL_WORDS:
        return None
    if len(s.accepts & {_t(w) for w in DECL_WORDS}) < 8:  # not between declarations
        return None
    notes: tuple[Note, ...] = ()
    closers = [t for t in s.significant if t.type == _t("}")]
    if closers:
        notes = (
            Note(
                token_span(s.path, closers[-1]),
                "the block above is closed here; is this `}` too early?",
            ),
        )
    return _diag(
        "E0122",
        f"`{word}` is a clause, but it is outside any block",
        s.span(),
        help=f"move `{word}` inside the `{{ }}` of the declaration it belongs to",
        notes=notes,
    )


def _missing_paren(s: _Situation) -> Diagnostic | None:
    stack = s.open_brackets()
    if not stack or s.history[stack[-1]].type != _t("("):
        return None
    if _t(")") not in s.accepts or s.token is None:
        return None
    paren = s.history[stack[-1]]
    found = "the end of the file" if s.kind == "eof" else _found(s.token)
    return _diag(
        "E0120",
        f"`)` missing before {found}",
        s.span(),
        help="add the `)` that closes the `(` shown in the note",
        notes=(Note(token_span(s.path, paren), "this `(` is not closed"),),
    )


def _missing_brace(s: _Situation) -> Diagnostic | None:
    braces = s.open_braces()
    stack = s.open_brackets()
    if not braces or stack[-1] != braces[-1]:
        return None
    index = braces[-1]
    brace = s.history[index]
    label = _block_label(s, index)
    what = "set" if label.startswith("the set") else "block"
    if s.kind == "eof":
        if not s.feeds([_t("}")]):
            return None
        notes = tuple(
            Note(token_span(s.path, s.history[i]), f"{_block_label(s, i)} is not closed")
            for i in reversed(braces[-3:])
        )
        count = f" ({len(braces)} blocks are not closed)" if len(braces) > 1 else ""
        return _diag(
            "E0110",
            f"`}}` missing at the end of the file{count}",
            s.span(),
            help=f"close the {what} with `}}`",
            notes=notes,
        )
    if s.kind != "token" or s.token is None:
        return None
    first = s.first_on_line()
    if first is None or first.line <= brace.line:
        return None
    is_decl = s.token is first and str(s.token) in DECL_WORDS and s.token.type != "NAME"
    if not is_decl and not s.passes_line(first.start_pos or 0, 0, "}\n"):
        return None
    return _diag(
        "E0110",
        f"`}}` missing before {_found(first)}",
        token_span(s.path, first),
        help=f"add the `}}` that closes the {what} before this line",
        notes=(Note(token_span(s.path, brace), f"{label} is not closed"),),
    )


def _wrong_block(s: _Situation) -> Diagnostic | None:
    if s.kind != "token" or s.token is None:
        return None
    word = str(s.token)
    if s.token.type not in _vocabulary().keywords or word not in CLAUSE_WORDS:
        return None
    if s.first_on_line() is not s.token:
        return None
    braces = s.open_braces()
    if not braces:
        return None
    kind = _block_kind(s, braces[-1])
    if kind is None:
        return None
    clauses = block_clauses(kind)
    if word in clauses:
        return None
    homes = [k for k in BLOCK_PREFIXES if word in block_clauses(k)]
    help = f"the clauses of a {kind} are " + _join([f"`{c}`" for c in clauses], "and")
    if homes:
        help += f"; `{word}` belongs in " + _join([f"a {k}" for k in homes])
    return _diag("E0123", f"a {kind} has no `{word}` clause", s.span(), help=help)


def _unquoted_name(s: _Situation) -> Diagnostic | None:
    if s.word is None or "STRING" not in s.accepts or "NAME" in s.accepts:
        return None
    assert s.token is not None
    prev = s.prev
    list_item = prev is None or prev.type in (_t("{"), _t(","))
    if not s.same_line() and not (list_item and s.token.type == "NAME"):
        return None  # a word on the next line: the name is missing, not unquoted
    after = s.text[s.token.end_pos or 0 :].lstrip(" \t")
    if after.startswith('"'):
        return None  # an extra word before the quoted name
    # The name runs up to the first word or symbol that may follow a quoted name here.
    vocab = _vocabulary()
    after_name = s.accepts_after([Token("STRING", '"x"')])
    stops = {vocab.literal[n] for n in after_name if n in vocab.literal}
    rest = s.line_text(s.token.line)[s.token.column - 1 :]
    words = []
    for piece in re.findall(r"\w+|[^\w\s]+", rest):
        if piece in stops or not (piece[0].isalnum() or piece[0] in "_-/."):
            break
        words.append(piece)
    name = rest[: _prefix_length(rest, words)] if words else str(s.token)
    after = f"after `{prev}` " if prev is not None and prev.type in _vocabulary().keywords else ""
    fix = _line_fix(s, s.token.line, s.token.column, s.token.column + len(name), f'"{name}"')
    return _diag(
        "E0124",
        f"the name {after}is a text and needs quotes",
        s.span(),
        help=f"write `{fix}`",
    )


def _prefix_length(text: str, pieces: list[str]) -> int:
    """Length of the start of `text` that holds these pieces (and the spaces between)."""
    position = 0
    for piece in pieces:
        position = text.index(piece, position) + len(piece)
    return position


def _misspelt_earlier_word(s: _Situation) -> Diagnostic | None:
    """A misspelt keyword read as a name, with the parse failing a little later."""
    if s.kind != "token" or s.token is None:
        return None
    keywords = {_vocabulary().literal[n] for n in _vocabulary().keywords}
    words = [t for t in s.significant[-3:] if t.type == "NAME" and t.line == s.token.line]
    for tok in reversed(words):
        suggestion = _closest(str(tok), keywords)
        if suggestion is None:
            continue
        if s.passes_line(tok.start_pos or 0, len(str(tok)), suggestion):
            return _diag(
                "E0115",
                f"`{tok}` is not a keyword ERSL knows here",
                token_span(s.path, tok),
                help=f"did you mean `{suggestion}`?",
            )
    return None


def _file_ends_early(s: _Situation) -> Diagnostic | None:
    if s.kind != "eof":
        return None
    notes = tuple(
        Note(token_span(s.path, s.history[i]), f"{_block_label(s, i)} is not closed")
        for i in reversed(s.open_brackets())
    )
    return _diag(
        "E0101",
        "the file ends too early",
        s.span(),
        help=f"expected {describe_expected(s.accepts)}",
        notes=notes[:2],
    )


_NOT_INSERTED = frozenset(
    "( ) } , - not if true false none + * / == != < <= > >= and or in otherwise .".split()
)


def _insertable(s: _Situation) -> str | None:
    """The one keyword or symbol that, inserted before the offending token, lets it parse."""
    if s.kind != "token" or s.token is None or s.token.type in ("_NL", "$END", _t("}")):
        return None
    literal = _vocabulary().literal
    found = [
        literal[name]
        for name in sorted(s.accepts)
        if name in literal
        and literal[name] not in _NOT_INSERTED
        and s.feeds([Token(name, literal[name]), s.token])
    ]
    return found[0] if len(found) == 1 else None


def _generic(s: _Situation) -> Diagnostic:
    if s.kind == "char":  # pragma: no cover - _foreign_character handles every character
        return _diag("E0100", "unexpected character", s.span())
    assert s.token is not None
    missing = _insertable(s)
    help = f"is `{missing}` missing before {_found(s.token)}?" if missing else None
    token = s.token
    if (
        missing
        and missing.isalpha()
        and token.type in _vocabulary().keywords
        and s.passes_line(token.start_pos or 0, len(str(token)), missing)
    ):
        help = f"write `{missing}` here instead of `{token}`"
    return _diag(
        "E0100",
        f"expected {describe_expected(s.accepts)}, found {_found(s.token)}",
        s.span(),
        help=help,
    )


_RULES: tuple[Rule, ...] = (
    _unterminated_string,
    _percent_operator,
    _foreign_character,
    _glued_keyword,
    _date_written_wrongly,
    _equals_for_comparison,
    _colon_equals_mixup,
    _extra_brace,
    _extra_paren,
    _clause_without_value,
    _unit_word,
    _misspelt_keyword,
    _missing_separator,
    _number_issues,
    _clause_outside_block,
    _missing_paren,
    _missing_brace,
    _wrong_block,
    _unquoted_name,
    _misspelt_earlier_word,
    _file_ends_early,
)


def classify(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """Run the rules on a parse error; raises if a rule has a bug (used by the tests)."""
    situation = _replay(text, path, error)
    for rule in _RULES:
        found = rule(situation)
        if found is not None:
            return found
    return _generic(situation)


def describe_syntax_error(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """A diagnostic for a Lark parse error: where, what was found, what was expected, the fix."""
    try:
        return classify(error, text, path)
    except Exception:  # noqa: BLE001 - a bug here must not hide the user's syntax error
        return _fallback(error, text, path)


def _fallback(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """A plain diagnostic built from the Lark error alone."""
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END":
        line, column = _end_of_file(text)
        return Diagnostic(
            "E0101", "the file ends too early", Span(path, line, column, line, column + 1)
        )
    line = getattr(error, "line", 1) or 1
    column = getattr(error, "column", 1) or 1
    if line < 1 or column < 1:
        line, column = _end_of_file(text)
    expected = getattr(error, "expected", None) or getattr(error, "allowed", None) or ()
    found = _found(token) if token is not None else "an unexpected character"
    return Diagnostic(
        "E0100",
        f"expected {describe_expected(expected)}, found {found}",
        Span(path, line, column, line, column + 1),
    )
