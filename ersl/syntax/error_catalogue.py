"""The catalogue of syntax errors: stable codes, titles, examples and fixes.

Every class of syntax error ERSL recognises has an entry here with a small
contract showing the mistake and the same contract corrected. The entries are
the single source for `docs/errors.md` ("Syntax errors") and for the tests,
which check that each example is reported with its code and that each fix
parses (and `tests/test_docs_blocks.py`, that each fix passes `ersl check`). The classifier itself lives in `ersl.syntax.syntax_errors`.

The word lists that feed the messages and `help:` lines (units, keywords with
example clauses, characters other languages use) live in
`ersl.syntax.error_words`; they are re-exported here under their old names.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from ersl.syntax.error_words import (
    CHARACTER_HELP,
    CLAUSE_EXAMPLES,
    RATE_PERIODS,
    UNIT_LIST,
    UNIT_WORDS,
)

__all__ = [
    "BY_CODE",
    "CATALOGUE",
    "CHARACTER_HELP",
    "CLAUSE_EXAMPLES",
    "RATE_PERIODS",
    "UNIT_LIST",
    "UNIT_WORDS",
    "ErrorClass",
    "markdown_section",
    "update_docs",
]


@attrs.frozen
class ErrorClass:
    """One class of syntax error: its code, a title, what it means, an example and its fix."""

    code: str
    title: str
    explanation: str
    example: str
    fixed: str


CATALOGUE: tuple[ErrorClass, ...] = (
    ErrorClass(
        "E0100",
        "Unexpected word or symbol",
        "The parser found something it cannot use at this point. The message says "
        "what was expected there.",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr +\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr + 10 kr\n}\n',
    ),
    ErrorClass(
        "E0101",
        "The file ends too early",
        "The file ends in the middle of a declaration or an expression.",
        "param rate = 390 kr *\n",
        "param rate = 390 kr * 2\n",
    ),
    ErrorClass(
        "E0102",
        "Not a date in the calendar",
        "The date has the right form (YYYY-MM-DD) but does not exist.",
        'contract "Vårdval" {\n  valid 2022-02-30 .. 2022-12-31\n}\n',
        'contract "Vårdval" {\n  valid 2022-02-28 .. 2022-12-31\n}\n',
    ),
    ErrorClass(
        "E0103",
        "A clause given twice",
        "A block has the same single clause twice (only `weight` may repeat).",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   fixed\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0110",
        "Block not closed (missing `}`)",
        "A block opened with `{` is not closed before the next declaration or the "
        "end of the file. The error points where the `}` is missing; a note shows "
        "where the block opened.",
        'use stdlib "schema/sweden"\n\npayment "A" {\n  kind   fixed\n  per    Visit v\n  amount 100 kr\n\n'
        'payment "B" {\n  kind   fixed\n  per    Visit v\n  amount 50 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "A" {\n  kind   fixed\n  per    Visit v\n  amount 100 kr\n}\n\n'
        'payment "B" {\n  kind   fixed\n  per    Visit v\n  amount 50 kr\n}\n',
    ),
    ErrorClass(
        "E0111",
        "Extra `}`",
        "A `}` closes a block that is not open — usually one `}` too many, or a "
        "block closed twice.",
        'use stdlib "schema/sweden"\n\npayment "A" {\n  kind   fixed\n  per    Visit v\n  amount 100 kr\n}\n}\n',
        'use stdlib "schema/sweden"\n\npayment "A" {\n  kind   fixed\n  per    Visit v\n  amount 100 kr\n}\n',
    ),
    ErrorClass(
        "E0112",
        "`=` used to compare",
        "A single `=` gives a value (in `param`, tables and tests); comparing uses `==`.",
        'use stdlib "schema/sweden"\n\npayment "Hembesök" {\n  kind   variable\n  per    Visit v where v.mode = home\n  amount 390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Hembesök" {\n  kind   variable\n  per    Visit v where v.mode == home\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0113",
        "Unit missing or not known",
        "A number is followed by a word that is not an ERSL unit, or a rate is "
        "written with `per`. Units follow the number directly: `kr`, `tkr`, `Mkr`, "
        "`SEK`, `MSEK`, rates `kr/day`, `kr/month`, `kr/year`, `%`, `pp`, `days`, "
        "`weeks`, `months`, `years`. (A number where an amount is needed, such as "
        "`amount 390` or `within 900 before x`, is grammatical; the type checker "
        "reports it.)",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kronor\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0114",
        "Text not closed",
        'A text starts with `"` but has no closing `"` on the same line.',
        'use stdlib "schema/sweden"\n\npayment "Besök {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0115",
        "Misspelt keyword",
        "A word is not a keyword the parser can accept here, but is close to one "
        "that it can; the help suggests it.",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amout  390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0116",
        "Clause without its value",
        "A clause keyword such as `amount`, `kind` or `limit` is followed directly "
        "by `}`, another clause or the end of the file. The error points at the "
        "keyword whose value is missing.",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0117",
        "Missing `,` or new line between items",
        "Two items of a list (enum members, set elements, record fields, "
        "arguments) follow each other on one line without a `,`.",
        "enum Mode { physical home, video }\n",
        "enum Mode { physical, home, video }\n",
    ),
    ErrorClass(
        "E0118",
        "`:` and `=` mixed up",
        "In `param`, `:` gives the type and `=` the value (`param fee: money = 225 kr`); "
        "in a record, event or span a field's type follows `:`; `==` compares, and "
        "does not give a value.",
        "param visit_fee: 225 kr\n",
        "param visit_fee = 225 kr\n",
    ),
    ErrorClass(
        "E0119",
        "Date written wrongly",
        "Dates are written YYYY-MM-DD with two-digit month and day, months YYYY-MM, "
        "and a range of dates `A .. B`.",
        'contract "Vårdval" {\n  valid 2022-1-1 .. 2022-12-31\n}\n',
        'contract "Vårdval" {\n  valid 2022-01-01 .. 2022-12-31\n}\n',
    ),
    ErrorClass(
        "E0120",
        "Unbalanced parentheses",
        "A `(` is not closed before the clause ends, or a `)` has no matching `(`. "
        "A note shows where the open `(` is.",
        'use stdlib "schema/sweden"\n\nparam fee: table of Profession -> money\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount fee(v.profession\n  weight 1.5 when age(v.patient) >= 80\n}\n',
        'use stdlib "schema/sweden"\n\nparam fee: table of Profession -> money\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount fee(v.profession)\n  weight 1.5 when age(v.patient) >= 80\n}\n',
    ),
    ErrorClass(
        "E0121",
        "`%` used as an operator",
        "`%` is part of a percentage literal (`33 %`) and never an operator; ERSL "
        "has no remainder operator. To take a share, multiply by a percentage.",
        "param fee = 390 kr\nparam share = fee % 33\n",
        "param fee = 390 kr\nparam share = fee * 33 %\n",
    ),
    ErrorClass(
        "E0122",
        "Clause outside any block",
        "A clause such as `amount` or `kind` stands at the top level of the file, "
        "outside the `{ }` of a declaration — often because a `}` above closes the "
        "block too early.",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n}\n  amount 390 kr\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0123",
        "Clause that does not belong to this block",
        "The clause exists, but in another kind of block (for example `price` "
        "belongs to a bundle, not a payment). The help lists the clauses of the block.",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  price  390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0124",
        "Name without quotes",
        "The names of contracts, payments, caps, indicators, performance and "
        "bundles, and the paths in `use`, are texts in double quotes.",
        'use stdlib "schema/sweden"\n\npayment Besöksersättning {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besöksersättning" {\n  kind   variable\n  per    Visit v\n  amount 390 kr\n}\n',
    ),
    ErrorClass(
        "E0125",
        "Number written with a comma or spaces",
        "Decimals are written with a point (`1.5`), and thousands may be grouped "
        "with `_` (`6_500_000 kr`) but not with spaces.",
        "param pot = 6 500 000 kr\n",
        "param pot = 6_500_000 kr\n",
    ),
    ErrorClass(
        "E0126",
        "Character ERSL does not use",
        "A character that is no part of ERSL, often from another language (`&&`, "
        "`||`, `!`, `;`, `'`) or copied from a word processor (curly quotes, dashes, "
        "non-breaking spaces).",
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v where v.mode == home && v.kind == "x"\n  amount 390 kr\n}\n',
        'use stdlib "schema/sweden"\n\npayment "Besök" {\n  kind   variable\n  per    Visit v where v.mode == home and v.kind == "x"\n  amount 390 kr\n}\n',
    ),
)

BY_CODE: dict[str, ErrorClass] = {entry.code: entry for entry in CATALOGUE}


def markdown_section() -> str:
    """The "Syntax errors" section of `docs/errors.md`, generated from the catalogue.

    Regenerate it after changing an entry or a message with
    `python -c "from ersl.syntax.error_catalogue import update_docs; update_docs()"`;
    a test checks that the docs contain exactly this text.
    """
    from ersl.errors import ErslError
    from ersl.syntax import parse

    out = [
        "## Syntax errors",
        "",
        "Codes E0100–E0199 are reported while reading a file, before any name or type "
        "is checked. Each message says in words what was found and what was expected, "
        "points at the line and column where the parser stopped (at the end of the file: "
        "just after the last line), and gives the likely fix under `help:`. Where the fix "
        "belongs elsewhere the position says so: a missing `}` points at the first word of "
        "the line it must precede, a clause without a value at its keyword, a badly "
        "written number or date at its first character. Only the first syntax error of a "
        "file is reported.",
        "",
        "How the classes are recognised: the parse is replayed token by token with "
        "Lark's interactive parser, and ordered rules look at the offending token, the "
        "tokens before it, the brackets still open and what the parser accepts there; "
        "some rules try a small repair (insert `,` or `}`, replace a word by a keyword) "
        "and keep it when the parse then gets past the offending line. "
        "(Lark's `match_examples` was not used: it keys on parser state numbers, which "
        "change with every grammar edit.)",
        "",
    ]
    for entry in CATALOGUE:
        out += [f"### {entry.code} — {entry.title}", "", entry.explanation, ""]
        # the directive tells the docs test (tests/docs_pages.py) the code this must give
        out += [f"<!-- ersl: error {entry.code} -->", "```ersl"]
        out += [entry.example.rstrip("\n"), "```", ""]
        try:
            parse(entry.example, "contract.ersl")
        except ErslError as error:
            out += ["is reported as", "", "```text", error.render(), "```", ""]
        out += ["Fix:", "", "```ersl", entry.fixed.rstrip("\n"), "```", ""]
    return "\n".join(out)


def update_docs(path: str = "docs/errors.md") -> None:
    """Replace the "## Syntax errors" section of `path` (up to the next `## ` heading)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8") if file.exists() else "# Error codes\n\n"
    section = markdown_section().rstrip("\n") + "\n\n"
    match = re.search(r"^## Syntax errors\n.*?(?=^## |\Z)", text, re.M | re.S)
    if match:
        text = text[: match.start()] + section + text[match.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    file.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
