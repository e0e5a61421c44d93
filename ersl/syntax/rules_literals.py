"""Syntax error rules for how things are written: characters, texts, numbers, dates, units.

Each rule takes the `Situation` at a parse error and returns a `Diagnostic`
when the mistake is its kind, else None; `ersl.syntax.syntax_errors` runs them
in order.
"""

from __future__ import annotations

import re

from lark import Token

from ersl.diagnostics import Diagnostic
from ersl.span import Span
from ersl.syntax.error_replay import Situation
from ersl.syntax.error_words import CHARACTER_HELP, RATE_PERIODS, UNIT_LIST, UNIT_WORDS
from ersl.syntax.grammar_words import describe_expected, terminal

_DATEISH_RE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[-/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<c>\d{1,4}))?(?![\d])|(?P<compact>\d{8})(?!\d)"
)
_GLUED_RANGE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ \t]*[-\u2013\u2014][ \t]*(\d{4}-\d{2}-\d{2})")
_RANGE_WORDS = {"to", "till", "tom", "until", "through", "thru", "t.o.m"}
_GROUPED_RE = re.compile(r"\d{1,3}(?:[ \t]\d{3})+(?:\.\d+)?")
_UNIT_AFTER_RE = re.compile(
    r"[ \t]*(?:(?:tkr|Mkr|MSEK|kr|SEK)(?:/(?:year|month|day))?|%|pp|days?|weeks?|months?|years?)(?!\w)"
)


# ------------------------------------------------------------------ characters and texts
def unterminated_string(s: Situation) -> Diagnostic | None:
    """A `"` that opens a text with no closing `"` on its line."""
    if s.kind != "char" or s.text[s.offset : s.offset + 1] != '"':
        return None
    rest = s.line_end_offset(s.line) - s.offset
    return Diagnostic(
        "E0114",
        'this text is not closed: the `"` at its end is missing',
        s.span(max(rest, 1)),
        help='close the text with `"` on the same line; a quote inside a text is written `\\"`',
    )


def percent_operator(s: Situation) -> Diagnostic | None:
    """`%` used as a (remainder) operator."""
    if s.kind != "char" or s.text[s.offset : s.offset + 1] != "%":
        return None
    return Diagnostic(
        "E0121",
        "`%` is not an operator",
        s.span(),
        help="`%` belongs right after a number, as in `33 %`; ERSL has no remainder "
        "operator — to take a share of a value, multiply: `fee * 33 %`",
    )


def foreign_character(s: Situation) -> Diagnostic | None:
    """A character that is no part of ERSL (`&&`, `;`, curly quotes, a dash between dates)."""
    if s.kind != "char":
        return None
    char = s.text[s.offset : s.offset + 1]
    prev = s.prev
    if (
        char in "\u2013\u2014"
        and prev is not None
        and prev.type == "DATE"
        and terminal("..") in s.accepts
    ):
        return _date_range(s.span())
    foreign_digit = _foreign_digit(s)
    if foreign_digit is not None:
        return foreign_digit
    if char in CHARACTER_HELP:
        name, advice = CHARACTER_HELP[char]
        if char in "&|" and s.text[s.offset + 1 : s.offset + 2] == char:
            name = f"`{char * 2}`"
            return Diagnostic("E0126", f"ERSL does not use {name}", s.span(2), help=advice)
        return Diagnostic("E0126", f"ERSL does not use {name}", s.span(), help=advice)
    if char.isprintable() and not char.isspace():
        name = f"`{char}`"
    else:
        name = f"the character U+{ord(char):04X}" if char else "this character"
    return Diagnostic(
        "E0126",
        f"ERSL does not use {name}",
        s.span(),
        help=f"remove it; expected {describe_expected(s.accepts)} here",
    )


def _foreign_digit(s: Situation) -> Diagnostic | None:
    """A digit other than 0-9 (`١٢٣`, `１２`) in the word at the error: numbers are ASCII."""
    word = re.match(r"\w*", s.text[s.offset :]).group(0)
    for index, char in enumerate(word):
        if char.isdigit() and not "0" <= char <= "9":
            column = s.column + index  # the word is on the error's line
            return Diagnostic(
                "E0126",
                f"`{char}` (U+{ord(char):04X}) is not a digit ERSL reads",
                Span(s.path, s.line, column, s.line, column + 1),
                help="write numbers with the digits 0 to 9",
            )
    return None


# ------------------------------------------------------------------ dates
def _date_range(span: Span, help: str = "write e.g. `valid 2022-01-01 .. 2022-12-31`"):
    return Diagnostic(
        "E0119", "a range of dates is written with `..` between the dates", span, help=help
    )


def date_written_wrongly(s: Situation) -> Diagnostic | None:
    """A date or month not written YYYY-MM-DD / YYYY-MM, or a range without `..`."""
    if not s.at_token:
        return None
    wants_date = "DATE" in s.accepts
    wants_month = "MONTH" in s.accepts
    prev = s.prev
    # A range written with `-`, `to`, `till` or nothing between the dates.
    if prev is not None and prev.type == "DATE" and terminal("..") in s.accepts:
        if (
            s.token.type in (terminal("-"), "DATE")
            or str(s.token).lower() in _RANGE_WORDS
            or _GLUED_RANGE_RE.match(s.text, prev.start_pos or 0)
        ):
            return _date_range(s.span())
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
    line, column = (s.line, s.column) if start == s.offset else (prev.line, prev.column)
    glued = _GLUED_RANGE_RE.match(s.text, start)
    if glued:
        span = Span(s.path, line, column, line, column + len(glued.group(0)))
        return _date_range(span, help=f"write `{glued.group(1)} .. {glued.group(2)}`")
    match = _DATEISH_RE.match(s.text, start)
    if not match:
        return None
    written = match.group(0)
    fixed = _fix_date(match, wants_date)
    span = Span(s.path, line, column, line, column + len(written))
    what = "date" if wants_date else "month"
    form = "YYYY-MM-DD" if wants_date else "YYYY-MM"
    help = f"write {what}s as {form}, with two-digit month" + (" and day" if wants_date else "")
    if fixed:
        help += f": `{fixed}`"
    return Diagnostic("E0119", f"`{written}` is not written as a {what}", span, help=help)


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


# ------------------------------------------------------------------ numbers and units
def number_issues(s: Situation) -> Diagnostic | None:
    """A rate written with `per`, or a number with spaces, a decimal comma or a wrong unit."""
    if not s.at_token:
        return None
    found = _rate_with_per(s)
    if found is not None:
        return found
    prev = s.prev
    if prev is None or prev.type != "NUMBER" or not s.same_line():
        return None
    return _number_with_spaces(s, prev) or _decimal_comma(s, prev) or _word_after_number(s, prev)


def unit_word(s: Situation) -> Diagnostic | None:
    """A number followed by a word that is a unit in other spellings (`390 kronor`)."""
    prev, word = s.prev, s.word
    if prev is None or prev.type != "NUMBER" or word is None or not s.same_line():
        return None
    if word.lower() not in UNIT_WORDS:
        return None
    return _word_after_number(s, prev)


def _rate_with_per(s: Situation) -> Diagnostic | None:
    """`390 kr per year`, at `per` or at the word after the period."""
    tok, prev, sig = s.token, s.prev, s.significant
    rate = None
    if (
        tok.type == terminal("per")
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
        and sig[-2].type == terminal("per")
        and str(sig[-1]).lower() in RATE_PERIODS
        and sig[-3].line == sig[-1].line
    ):
        rate = (sig[-3], sig[-1].line, sig[-1].end_column, str(sig[-1]))
    if rate is None:
        return None
    quantity, line, end_col, period = rate
    span = Span(s.path, quantity.line, quantity.column, line, end_col)
    fixed = f"{str(quantity).strip()}/{RATE_PERIODS[period.lower()]}"
    return Diagnostic(
        "E0113",
        "a rate is written as one amount, with `/` between the unit and the period",
        span,
        help=f"write `{fixed}`",
    )


def _number_with_spaces(s: Situation, prev: Token) -> Diagnostic | None:
    """`6 500 000 kr`."""
    tok = s.token
    between = s.text[(prev.end_pos or 0) : (tok.start_pos or 0)]
    if (
        tok.type not in ("NUMBER", "QUANTITY")
        or between not in (" ", "\u00a0")
        or not re.match(r"\d{3}(?!\d)", str(tok))
        or s.insertable()
    ):
        return None
    grouped = _GROUPED_RE.match(s.text, prev.start_pos or 0)
    written = grouped.group(0) if grouped else f"{prev} {tok}"
    unit = _unit_after(s, (prev.start_pos or 0) + len(written))
    fixed = written.replace(" ", "_").replace("\t", "_") + unit
    return _number_written_wrongly(
        s,
        prev,
        prev.column + len(written),
        "a number cannot contain spaces",
        f"group thousands with `_` or not at all: `{fixed}`",
    )


def _decimal_comma(s: Situation, prev: Token) -> Diagnostic | None:
    """`1,5 kr`."""
    tok = s.token
    between = s.text[(prev.end_pos or 0) : (tok.start_pos or 0)]
    end = tok.end_pos or 0
    if tok.type != terminal(",") or between or not s.text[end : end + 1].isdigit():
        return None
    rest = re.match(r"\d[\d_]*", s.text[end:])
    digits = rest.group(0) if rest else ""
    fixed = f"{prev}.{digits}" + _unit_after(s, end + len(digits))
    return _number_written_wrongly(
        s,
        prev,
        tok.end_column + len(digits),
        "decimals are written with a point, not a comma",
        f"write `{fixed}`",
    )


def _unit_after(s: Situation, offset: int) -> str:
    """The unit written at `offset` (spaces before it included), or ""."""
    unit = _UNIT_AFTER_RE.match(s.text, offset)
    return unit.group(0) if unit else ""


def _number_written_wrongly(
    s: Situation, number: Token, end_column: int, message: str, help: str
) -> Diagnostic:
    """E0125 for the number starting at `number` and ending (on its line) at `end_column`."""
    span = Span(s.path, number.line, number.column, number.line, end_column)
    return Diagnostic("E0125", message, span, help=help)


def _word_after_number(s: Situation, prev: Token) -> Diagnostic | None:
    """`390 kronor`, or a number followed by a word that is no unit."""
    word = s.word
    if word is None:
        return None
    unit = UNIT_WORDS.get(word.lower())
    if unit is None and (s.token.type != "NAME" or s.insertable()):
        return None
    if unit is not None:
        if unit.lower() == word.lower():
            message = f"`{word}` is not a unit; units are case-sensitive"
        else:
            message = f"`{word}` is not a unit in ERSL"
        return Diagnostic("E0113", message, s.span(), help=f"write `{prev} {unit}`")
    return Diagnostic(
        "E0113",
        f"`{word}` after the number `{prev}` is not a unit",
        s.span(),
        help=f"write the unit right after the number ({UNIT_LIST}), "
        "or add the operator that is missing",
    )
