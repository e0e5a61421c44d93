"""Syntax highlighting for ERSL: a Pygments lexer and a `highlight` helper.

This module imports only Pygments and the standard library, because Pygments
(``pygmentize``, Sphinx, MkDocs, …) loads `ErslLexer` through the
``pygments.lexers`` entry point without importing the rest of ERSL.

The lexer is a pure regular-expression lexer: it does not parse. It follows
the lexical rules of the language (SPEC §2):

* a number with its unit is one token (``390 kr/year``, ``33 %``, ``3 pp``,
  ``900 days``, ``6.5 Mkr``), and dates (``2022-01-01``) and months
  (``2022-03``) are single tokens that outrank numbers;
* keywords are contextual: a keyword right after ``.`` (``o.kind``) or right
  before ``:`` (a field or parameter label such as ``kind: text?``) is a name;
* ``##`` documentation comments, ``# ersl: ignore[CODE] reason`` suppressions and
  plain ``#`` comments are distinguished;
* the string literals inside a ``codeset`` body are code literals.

Concatenating the values of the tokens from `ErslLexer.get_tokens_unprocessed`
always gives back the input text exactly.
"""

from __future__ import annotations

import re

from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter, TerminalFormatter
from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = [
    "BUILTINS",
    "CONSTANTS",
    "DATE_COLLECTIONS",
    "DECLARATION_KEYWORDS",
    "KEYWORDS",
    "PSEUDO_KEYWORDS",
    "TYPE_KEYWORDS",
    "ErslLexer",
    "highlight",
]

# Token sub-kinds for numbers with a unit. They are children of `Number`, so every
# Pygments style colours them as numbers; a style may still single them out.
Money = Number.Money
Percent = Number.Percent
Duration = Number.Duration

#: Keywords that start a declaration (or, for `extend`/`use`, a top-level form).
DECLARATION_KEYWORDS: tuple[str, ...] = (
    "bundle",
    "cap",
    "codeset",
    "contract",
    "enum",
    "event",
    "excluded",
    "extend",
    "function",
    "indicator",
    "param",
    "payment",
    "performance",
    "property",
    "record",
    "span",
    "test",
    "unreported",
    "use",
)

#: Names of built-in types (keywords in type positions).
TYPE_KEYWORDS: tuple[str, ...] = (
    "bool",
    "code",
    "date",
    "decimal",
    "duration",
    "int",
    "money",
    "percent",
    "pp",
    "text",
)

#: The literal constants.
CONSTANTS: tuple[str, ...] = ("true", "false", "none")

#: Every other keyword of the grammar (`grammar/ersl.lark`): clause keywords and the
#: operators spelled as words. tests/highlight/test_highlight.py checks that every keyword
#: literal of the grammar is highlighted as a keyword.
KEYWORDS: tuple[str, ...] = (
    "above",
    "after",
    "all",
    "amount",
    "and",
    "any",
    "applies",
    "as",
    "at",
    "before",
    "better",
    "bonus",
    "check",
    "covers",
    "data",
    "dated",
    "each",
    "else",
    "episode",
    "every",
    "excess",
    "exclude",
    "expect",
    "for",
    "from",
    "given",
    "if",
    "in",
    "includes",
    "indicators",
    "is",
    "kind",
    "least",
    "limit",
    "linear",
    "listed",
    "listing",
    "lower",
    "measure",
    "most",
    "not",
    "numerator",
    "of",
    "or",
    "otherwise",
    "over",
    "participant",
    "patient",
    "patients",
    "pay",
    "payee",
    "penalty",
    "per",
    "period",
    "population",
    "price",
    "provider",
    "reconcile",
    "reduce",
    "region",
    "reported",
    "rounding",
    "set",
    "settle",
    "stdlib",
    "table",
    "then",
    "to",
    "total",
    "trigger",
    "under",
    "valid",
    "version",
    "warranty",
    "weight",
    "when",
    "where",
    "within",
)

#: Words that are names to the parser but act as keywords in their clauses: period
#: words (`each month`), settlement and rounding options, payment kinds and the
#: `split` distribution keys. Highlighted as `Keyword.Pseudo`.
PSEUDO_KEYWORDS: tuple[str, ...] = (
    "by",
    "day",
    "days",
    "down",
    "equally",
    "fixed",
    "half_even",
    "half_up",
    "line",
    "month",
    "monthly",
    "months",
    "quarter",
    "quarterly",
    "unit",
    "variable",
    "week",
    "weeks",
    "year",
    "yearly",
    "years",
)

#: Built-in functions, highlighted as such when called (`name(`), and `today`.
BUILTINS: tuple[str, ...] = (
    "abs",
    "age",
    "age_in_year",
    "count",
    "days",
    "exists",
    "listed_at",
    "listed_count",
    "max",
    "mean",
    "min",
    "month",
    "month_end",
    "month_start",
    "monthly_average",
    "paid",
    "rank",
    "region_mean",
    "reported",
    "round",
    "size",
    "split",
    "sum",
    "value",
    "year",
)

#: Built-in collections of dates, written like a type in an aggregate (`MonthEnd d`).
DATE_COLLECTIONS: tuple[str, ...] = ("MonthEnd", "MonthStart")

# Identifiers: a Unicode letter or `_`, then letters, digits and `_`.
_IDENT = r"[^\W\d]\w*"
# A string literal on one line, with `\"` and `\\` (any backslash escape is accepted).
_STRING = r'"(?:[^"\\\n]|\\.)*"'
# Digits with `_` separators and an optional fraction (as the grammar's NUMBER).
_NUMBER = r"\d[\d_]*(?:\.\d[\d_]*)?"
# Horizontal whitespace allowed between a number and its unit.
_GAP = r"[ \t]*"
# The word boundary used after keywords and word units.
_END = r"(?!\w)"


def _keyword_rule(names: tuple[str, ...], token: object) -> tuple[object, object]:
    """A rule matching any of `names` as a whole word."""
    return (words(names, prefix=r"(?<!\w)", suffix=_END), token)


class ErslLexer(RegexLexer):
    """Pygments lexer for ERSL, the reimbursement-contract rules language.

    Registered as ``ersl`` (files ``*.ersl``, MIME type ``text/x-ersl``) through the
    ``pygments.lexers`` entry point, so ``pygmentize -l ersl`` and Sphinx
    ``.. code-block:: ersl`` work once the package is installed.
    """

    name = "ERSL"
    aliases = ["ersl"]
    filenames = ["*.ersl"]
    mimetypes = ["text/x-ersl"]
    url = "https://github.com/ersl-lang/ersl"  # ersl.version.HOMEPAGE (a test keeps them equal)
    version_added = ""

    flags = re.MULTILINE | re.UNICODE

    tokens = {
        "whitespace": [
            (r"\n", Whitespace),
            (r"[^\S\n]+", Whitespace),
        ],
        "comments": [
            (r"##[^\n]*", Comment.Special),
            (r"#[ \t]*ersl[ \t]*:[ \t]*ignore(?!\w)[^\n]*", Comment.Preproc),
            (r"#[^\n]*", Comment.Single),
        ],
        "literals": [
            # Dates, quarters and months outrank numbers (grammar: DATE, QUARTER, MONTH).
            (r"\d{4}-\d{2}-\d{2}(?![\w-])", Literal.Date),
            (r"\d{4}-Q[1-4](?!\w)", Literal.Date),
            (r"\d{4}-\d{2}(?![\w-])", Literal.Date),
            # A number with its unit is one token, whitespace before the unit optional
            # (grammar: QUANTITY).
            (
                _NUMBER + _GAP + r"(?:tkr|Mkr|MSEK|kr|SEK)(?:/(?:year|month|day))?" + _END,
                Money,
            ),
            (_NUMBER + _GAP + r"%", Percent),
            (_NUMBER + _GAP + r"pp" + _END, Percent),
            (_NUMBER + _GAP + r"(?:days?|weeks?|months?|years?)" + _END, Duration),
            (r"\d[\d_]*\.\d[\d_]*", Number.Float),
            (r"\d[\d_]*", Number.Integer),
        ],
        "strings": [
            (r'"', String, "string"),
        ],
        "string": [
            (r'[^"\\\n]+', String),
            (r'\\["\\]', String.Escape),
            (r"\\.", String.Escape),
            (r'"', String, "#pop"),
        ],
        "root": [
            include("whitespace"),
            include("comments"),
            include("literals"),
            # Declarations and their names.
            (
                r"(payment|cap|indicator|performance|bundle|contract|test|property)"
                r"(\s+)(" + _STRING + ")",
                bygroups(Keyword.Declaration, Whitespace, Name.Class),
            ),
            (
                r"(extend)(\s+)(record|event|span)(\s+)(" + _IDENT + ")",
                bygroups(
                    Keyword.Declaration, Whitespace, Keyword.Declaration, Whitespace, Name.Class
                ),
            ),
            (
                r"(record|event|span|enum)(\s+)(" + _IDENT + ")",
                bygroups(Keyword.Declaration, Whitespace, Name.Class),
            ),
            (
                r"(function)(\s+)(" + _IDENT + ")",
                bygroups(Keyword.Declaration, Whitespace, Name.Function),
            ),
            (
                r"(param)(\s+)(" + _IDENT + ")",
                bygroups(Keyword.Declaration, Whitespace, Name.Variable),
            ),
            (
                r"(codeset)(\s+)(" + _IDENT + ")",
                bygroups(Keyword.Declaration, Whitespace, Name.Constant),
                "codeset-head",
            ),
            (r"codeset" + _END, Keyword.Declaration, "codeset-head"),
            # Member access: any word after `.` is a field, even a keyword (`o.kind`).
            (r"\.\.", Operator),
            (r"(\.)([ \t]*)(" + _IDENT + ")", bygroups(Punctuation, Whitespace, Name.Attribute)),
            # A word labelled by `:` (record field, function parameter) is a name.
            (_IDENT + r"(?=[ \t]*:)", Name),
            # A built-in function when called (`month(d)`, `count(Visit v …)`).
            (words(BUILTINS, prefix=r"(?<!\w)", suffix=r"(?=[ \t]*\()"), Name.Builtin),
            (r"today" + _END, Name.Builtin),
            _keyword_rule(DATE_COLLECTIONS, Name.Builtin),
            _keyword_rule(DECLARATION_KEYWORDS, Keyword.Declaration),
            _keyword_rule(CONSTANTS, Keyword.Constant),
            _keyword_rule(TYPE_KEYWORDS, Keyword.Type),
            _keyword_rule(KEYWORDS, Keyword),
            _keyword_rule(PSEUDO_KEYWORDS, Keyword.Pseudo),
            (_IDENT, Name),
            include("strings"),
            (r"->|==|!=|<=|>=|[<>=+\-*/]", Operator),
            (r"[{}()\[\],:;?|.]", Punctuation),
            # The ellipsis stands for elided text in documentation examples.
            (r"…", Punctuation),
        ],
        "codeset-head": [
            include("whitespace"),
            include("comments"),
            (r":", Punctuation),
            (_IDENT, Name.Namespace),
            (r"\{", Punctuation, ("#pop", "codeset-body")),
            # Anything else: leave the code set header and lex normally.
            default("#pop"),
        ],
        "codeset-body": [
            include("whitespace"),
            include("comments"),
            (_STRING, String.Symbol),
            (r"\.\.", Operator),
            (r",", Punctuation),
            (r"\}", Punctuation, "#pop"),
            (r"\{", Punctuation, "#push"),
            include("root"),
        ],
    }

    def analyse_text(text: str) -> float:
        """Guess whether `text` is ERSL (used by `pygments.lexers.guess_lexer`)."""
        if re.search(r'^[ \t]*(?:contract|payment|performance|bundle)[ \t]+"', text, re.M):
            return 0.5
        if re.search(r"^[ \t]*codeset[ \t]+\w+[ \t]*:", text, re.M):
            return 0.3
        return 0.0


def highlight(source: str, fmt: str = "terminal", *, title: str = "ERSL") -> str:
    """Highlight ERSL `source`.

    `fmt` is ``"terminal"`` (ANSI colour escapes for a terminal) or ``"html"`` (a
    complete standalone UTF-8 HTML document with an embedded style sheet, suitable
    for reports; `title` is its title, e.g. the file name). Leading blank lines are
    kept so that line numbers match the file.
    """
    lexer = ErslLexer(stripnl=False)
    if fmt == "terminal":
        return _pygments_highlight(source, lexer, TerminalFormatter())
    if fmt == "html":
        # With an encoding the document declares its charset (and Pygments returns bytes).
        formatter = HtmlFormatter(
            full=True, noclasses=False, style="default", title=title, encoding="utf-8"
        )
        return _pygments_highlight(source, lexer, formatter).decode("utf-8")
    raise ValueError(f"unknown highlight format {fmt!r}; expected 'terminal' or 'html'")
