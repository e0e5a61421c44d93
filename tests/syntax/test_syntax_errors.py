"""Syntax errors in words: each class of the catalogue, with code, exact position and wording.

Positions are counted by hand from each input (1-based line and column of the
offending token; at the end of the file, just after the last character of the
last non-blank line).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lark.exceptions import UnexpectedInput

from ersl.diagnostics import SourceCache, render
from ersl.errors import ErslError
from ersl.syntax import parse
from ersl.syntax.error_catalogue import BY_CODE, CATALOGUE, markdown_section, update_docs
from ersl.syntax.parser import get_parser
from ersl.syntax.syntax_errors import (
    block_clauses,
    classify,
    describe_expected,
    describe_syntax_error,
    describe_terminal,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def diagnose(text: str):
    """The one diagnostic `parse` reports for `text`."""
    with pytest.raises(ErslError) as caught:
        parse(text, "c.ersl")
    assert len(caught.value.diagnostics) == 1
    return caught.value.diagnostics[0]


# (id, source, code, line, column, words in the message, words in the help, note line:col)
CASES = [
    # E0100 -- generic, with the expected thing in words
    (
        "generic-value",
        'payment "A" {\n  kind   variable\n  amount 390 kr +\n}\n',
        "E0100",
        4,
        1,
        ["expected a value", "found `}`"],
        [],
        None,
    ),
    (
        "generic-missing-keyword",
        'cap "C" provider q each year {\n}\n',
        "E0100",
        1,
        9,
        ["expected `for`", "found `provider`"],
        ["`for` missing"],
        None,
    ),
    (
        "generic-wrong-keyword",
        'payment "A" {\n  amount 100 kr\n  weight 2 if age(p) > 80\n}\n',
        "E0100",
        3,
        12,
        ["`when`", "found `if`"],
        ["`when`", "instead of `if`"],
        None,
    ),
    (
        "generic-table-arrow",
        "param t = table of int {\n  0 to 5 -> 390 kr/year\n  6 to 64 310 kr/year\n}\n",
        "E0100",
        3,
        11,
        ["expected `->`", "`310 kr/year`"],
        ["`->` missing"],
        None,
    ),
    # E0101 -- the file ends too early
    (
        "eof-operator",
        "param rate = 390 kr *\n",
        "E0101",
        1,
        22,
        ["ends too early"],
        ["a value"],
        None,
    ),
    ("eof-if", "param x = if a then b", "E0101", 1, 22, ["ends too early"], ["`else`"], None),
    # E0110 -- missing }
    (
        "brace-before-next-declaration",
        'payment "A" {\n  kind   fixed\n  amount 100 kr\n\npayment "B" {\n  kind   fixed\n}\n',
        "E0110",
        5,
        1,
        ["`}` missing", "`payment`"],
        ["closes the block"],
        (1, 13),
    ),
    (
        "brace-at-end-of-file",
        'payment "A" {\n  kind   fixed\n  amount 100 kr\n\n',
        "E0110",
        3,
        16,
        ["`}` missing", "end of the file"],
        ["`}`"],
        (1, 13),
    ),
    (
        "brace-inner-list",
        'bundle "B" {\n  includes {\n    Visit x where x.kind == "preop" within 90 days before\n'
        "  price 100 kr\n}\n",
        "E0110",
        4,
        3,
        ["`}` missing", "`price`"],
        [],
        (2, 12),
    ),
    (
        "brace-given-record",
        'test "t" {\n  given {\n    visit V1 { patient P1, provider VC1\n'
        "    visit V2 { patient P1 }\n  }\n}\n",
        "E0110",
        4,
        5,
        ["`}` missing before `visit`"],
        ["closes the block"],
        (3, 14),
    ),
    (
        "brace-set",
        'payment "A" {\n  per Visit v where v.mode in {physical, home\n  amount 1 kr\n}\n',
        "E0110",
        3,
        3,
        ["`}` missing before `amount`"],
        ["closes the set"],
        (2, 31),
    ),
    (
        "brace-two-blocks-at-end",
        'bundle "B" {\n  warranty {\n    period 2 years\n',
        "E0110",
        3,
        19,
        ["`}` missing", "2 blocks"],
        [],
        (2, 12),
    ),
    # E0111 -- extra }
    (
        "extra-brace",
        'payment "A" {\n  kind fixed\n}\n}\n',
        "E0111",
        4,
        1,
        ["closes no block"],
        ["remove"],
        (3, 1),
    ),
    # E0112 -- = for ==
    (
        "equals-compare",
        'payment "Hembesök" {\n  kind variable\n  per  Visit v where v.mode = home\n}\n',
        "E0112",
        3,
        29,
        ["`==`", "compare"],
        ["v.mode == home"],
        None,
    ),
    (
        "equals-compare-weight",
        'payment "A" {\n  amount 1 kr\n  weight 2 when age(v.patient) = 80\n}\n',
        "E0112",
        3,
        32,
        ["`==`"],
        ["age(v.patient) == 80"],
        None,
    ),
    # E0113 -- units
    (
        "unit-swedish-word",
        'payment "Besök" {\n  kind   variable\n  amount 390 kronor\n}\n',
        "E0113",
        3,
        14,
        ["`kronor`", "not a unit"],
        ["`390 kr`"],
        None,
    ),
    (
        "unit-days",
        'bundle "B" {\n  includes { Visit x within 90 dagar before }\n}\n',
        "E0113",
        2,
        32,
        ["`dagar`", "not a unit"],
        ["`90 days`"],
        None,
    ),
    (
        "unit-case",
        'payment "A" {\n  amount 390 Kr\n}\n',
        "E0113",
        2,
        14,
        ["`Kr`", "case-sensitive"],
        ["`390 kr`"],
        None,
    ),
    (
        "unit-unknown",
        'cap "C" for provider q {\n  limit 1.9 besök\n}\n',
        "E0113",
        2,
        13,
        ["`besök`", "not a unit"],
        ["`kr`", "`%`", "`days`"],
        None,
    ),
    (
        "rate-with-per",
        'payment "A" {\n  amount 390 kr per year\n}\n',
        "E0113",
        2,
        10,
        ["rate", "one amount"],
        ["`390 kr/year`"],
        None,
    ),
    (
        "rate-with-per-top-level",
        "param rate = 390 kr per year\n",
        "E0113",
        1,
        14,
        ["rate"],
        ["`390 kr/year`"],
        None,
    ),
    # E0114 -- unterminated text
    (
        "unterminated-text",
        'payment "Besök {\n  kind variable\n}\n',
        "E0114",
        1,
        9,
        ["not closed", '`"`'],
        ["same line"],
        None,
    ),
    (
        "unterminated-text-condition",
        'payment "A" {\n  per Visit v where v.kind != "a\n}\n',
        "E0114",
        2,
        31,
        ["not closed"],
        [],
        None,
    ),
    # E0115 -- misspelt keywords
    (
        "misspelt-clause",
        'payment "Besök" {\n  kind  variable\n  amout 390 kr\n}\n',
        "E0115",
        3,
        3,
        ["`amout`"],
        ["did you mean `amount`?"],
        None,
    ),
    (
        "misspelt-declaration",
        'paymnet "A" {\n  kind fixed\n}\n',
        "E0115",
        1,
        1,
        ["`paymnet`"],
        ["did you mean `payment`?"],
        None,
    ),
    (
        "misspelt-capitalised",
        'Payment "A" { kind fixed }\n',
        "E0115",
        1,
        1,
        ["`Payment`"],
        ["did you mean `payment`?"],
        None,
    ),
    (
        "misspelt-where",
        'payment "A" {\n  per Visit v whre v.mode == home\n}\n',
        "E0115",
        2,
        15,
        ["`whre`"],
        ["did you mean `where`?"],
        None,
    ),
    (
        "misspelt-read-as-name",
        'payment "A" {\n  per listd patient p at q each month\n}\n',
        "E0115",
        2,
        7,
        ["`listd`"],
        ["did you mean `listed`?"],
        None,
    ),
    (
        "keyword-with-extra-letters",
        'payment "A" {\n  per listed patients p at q each month\n}\n',
        "E0115",
        2,
        14,
        ["`patients`"],
        ["did you mean `patient`?"],
        None,
    ),
    (
        "misspelt-excess",
        'cap "C" for provider q each year {\n  limit 1.9\n  above reduce 33 % of exces\n}\n',
        "E0115",
        3,
        24,
        ["`exces`"],
        ["did you mean `excess`?"],
        None,
    ),
    # E0116 -- clause without value
    (
        "amount-then-brace",
        'payment "Besök" {\n  kind   variable\n  amount\n}\n',
        "E0116",
        3,
        3,
        ["`amount` has no value"],
        ["`amount 390 kr`"],
        None,
    ),
    (
        "amount-then-clause",
        'payment "A" {\n  amount\n  weight 1.5 when true\n}\n',
        "E0116",
        2,
        3,
        ["`amount` has no value"],
        [],
        None,
    ),
    (
        "kind-then-clause",
        'payment "A" {\n  kind\n  per Visit v\n}\n',
        "E0116",
        2,
        3,
        ["`kind` has no value"],
        ["`kind variable`"],
        None,
    ),
    (
        "amount-at-end-of-file",
        'payment "A" {\n  amount',
        "E0116",
        2,
        3,
        ["`amount` has no value"],
        [],
        None,
    ),
    (
        "where-without-condition",
        'payment "A" {\n  per Visit v where\n}\n',
        "E0116",
        2,
        15,
        ["`where` has no condition"],
        ["v.mode == home"],
        None,
    ),
    # E0117 -- missing comma
    (
        "enum-comma",
        "enum Mode { physical home, video }\n",
        "E0117",
        1,
        22,
        ["`,` missing", "`physical`", "`home`"],
        ["`,`", "own line"],
        None,
    ),
    (
        "set-comma",
        'payment "A" {\n  per Visit v where v.mode in {physical home}\n}\n',
        "E0117",
        2,
        41,
        ["`,` missing"],
        [],
        None,
    ),
    (
        "list-lines-comma",
        "enum Mode {\n  physical\n  home video\n}\n",
        "E0117",
        3,
        8,
        ["`,` missing", "`home`", "`video`"],
        [],
        None,
    ),
    (
        "applies-comma",
        'cap "C" for provider q {\n  applies to "A" "B"\n}\n',
        "E0117",
        2,
        18,
        ["`,` missing", '"A"', '"B"'],
        ["`,`"],
        None,
    ),
    # E0118 -- : and = mixed up
    (
        "param-colon-value",
        "param visit_fee: 225 kr\n",
        "E0118",
        1,
        16,
        ["`:`", "type", "`=`"],
        ["param visit_fee = 225 kr"],
        None,
    ),
    (
        "param-table-colon",
        "param age_rate: table of int {\n  0 to 5 -> 390 kr/year\n}\n",
        "E0118",
        1,
        30,
        ["`age_rate`", "`=`"],
        ["param age_rate = table of"],
        None,
    ),
    (
        "param-missing-equals",
        "param acg: money per year dated {\n  from 2021-02-01 -> 1133 kr/year\n}\n",
        "E0118",
        1,
        27,
        ["`=` is missing", "`acg`"],
        [],
        None,
    ),
    (
        "field-equals",
        "record Patient { id = text }\n",
        "E0118",
        1,
        21,
        ["`:`"],
        ["id : text"],
        None,
    ),
    (
        "param-double-equals",
        "param x == 3\n",
        "E0118",
        1,
        9,
        ["`==`", "`=`"],
        ["param x = 3"],
        None,
    ),
    (
        "expect-double-equals",
        'test "t" {\n  expect {\n    VC1 "Besök" 2022-03 == 300 kr\n  }\n}\n',
        "E0118",
        3,
        25,
        ["`==`"],
        ['VC1 "Besök" 2022-03 = 300 kr'],
        None,
    ),
    # E0119 -- dates
    (
        "date-one-digit",
        'contract "V" {\n  valid 2022-1-1 .. 2022-12-31\n}\n',
        "E0119",
        2,
        9,
        ["`2022-1-1`", "date"],
        ["`2022-01-01`"],
        None,
    ),
    (
        "date-european",
        'test "t" {\n  given {\n    listing P1 at VC1 from 1/3/2022\n  }\n}\n',
        "E0119",
        3,
        28,
        ["`1/3/2022`", "date"],
        ["`2022-03-01`"],
        None,
    ),
    (
        "date-compact",
        "param r = dated {\n  from 20220101 -> 1 kr\n}\n",
        "E0119",
        2,
        8,
        ["`20220101`"],
        ["`2022-01-01`"],
        None,
    ),
    (
        "month-one-digit",
        'test "t" {\n  period 2022-3\n}\n',
        "E0119",
        2,
        10,
        ["`2022-3`", "month"],
        ["`2022-03`"],
        None,
    ),
    (
        "range-dash",
        'contract "V" {\n  valid 2022-01-01 - 2022-12-31\n}\n',
        "E0119",
        2,
        20,
        ["range", "`..`"],
        ["2022-01-01 .. 2022-12-31"],
        None,
    ),
    (
        "range-en-dash",
        'contract "V" {\n  valid 2022-01-01–2022-12-31\n}\n',
        "E0119",
        2,
        19,
        ["range", "`..`"],
        [],
        None,
    ),
    (
        "range-to",
        'contract "V" {\n  valid 2022-01-01 to 2022-12-31\n}\n',
        "E0119",
        2,
        20,
        ["range"],
        [],
        None,
    ),
    # E0120 -- parentheses
    (
        "paren-missing",
        'payment "Besök" {\n  kind   variable\n  amount fee(v.profession\n'
        "  weight 1.5 when age(v.patient) >= 80\n}\n",
        "E0120",
        4,
        3,
        ["`)` missing", "`weight`"],
        ["`)`"],
        (3, 13),
    ),
    (
        "paren-missing-end-of-file",
        'payment "A" {\n  amount (1 + 2',
        "E0120",
        2,
        16,
        ["`)` missing", "end of the file"],
        [],
        (2, 10),
    ),
    (
        "paren-missing-multiline",
        'indicator "X" for provider q {\n  population listed patients p at q\n'
        "             where exists(Visit v where v.patient == p within 900 days\n"
        "  numerator true\n}\n",
        "E0120",
        4,
        3,
        ["`)` missing", "`numerator`"],
        [],
        (3, 26),
    ),
    (
        "paren-extra",
        'payment "A" {\n  amount f(x))\n}\n',
        "E0120",
        2,
        14,
        ["no matching `(`"],
        ["remove"],
        None,
    ),
    # E0121 -- % as an operator
    (
        "percent-operator",
        "param share = fee % 33\n",
        "E0121",
        1,
        19,
        ["`%`", "not an operator"],
        ["`33 %`", "multiply"],
        None,
    ),
    # E0122 -- clause outside a block
    (
        "clause-outside",
        'payment "Besök" {\n  kind variable\n}\n  amount 390 kr\n',
        "E0122",
        4,
        3,
        ["`amount`", "outside any block"],
        ["inside"],
        (3, 1),
    ),
    ("clause-at-top", "kind fixed\n", "E0122", 1, 1, ["`kind`", "outside any block"], [], None),
    # E0123 -- clause of another block
    (
        "wrong-block",
        'payment "Besök" {\n  kind  variable\n  price 390 kr\n}\n',
        "E0123",
        3,
        3,
        ["payment", "no `price` clause"],
        ["`amount`", "`kind`", "`per`", "a bundle"],
        None,
    ),
    (
        "wrong-block-contract",
        'contract "V" {\n  valid 2022-01-01 .. 2022-12-31\n  kind fixed\n}\n',
        "E0123",
        3,
        3,
        ["contract", "no `kind` clause"],
        ["`valid`", "a payment"],
        None,
    ),
    # E0124 -- names in quotes
    (
        "unquoted-name",
        "payment Besöksersättning {\n  kind variable\n}\n",
        "E0124",
        1,
        9,
        ["`payment`", "quotes"],
        ['payment "Besöksersättning" {'],
        None,
    ),
    (
        "unquoted-use",
        "use stdlib schema/sweden\n",
        "E0124",
        1,
        12,
        ["quotes"],
        ['use stdlib "schema/sweden"'],
        None,
    ),
    # E0125 -- number formats
    (
        "thousands-spaces",
        "param pot = 6 500 000 kr\n",
        "E0125",
        1,
        13,
        ["spaces"],
        ["`6_500_000 kr`"],
        None,
    ),
    (
        "decimal-comma",
        'payment "A" {\n  amount 1,5 kr\n}\n',
        "E0125",
        2,
        10,
        ["point", "comma"],
        ["`1.5 kr`"],
        None,
    ),
    # E0126 -- characters ERSL does not use
    (
        "double-ampersand",
        'payment "Besök" {\n  kind variable\n  per  Visit v where v.mode == home && v.kind == "x"\n}\n',
        "E0126",
        3,
        37,
        ["`&&`"],
        ["`and`"],
        None,
    ),
    (
        "bang",
        'payment "A" {\n  per Visit v where !v.x\n}\n',
        "E0126",
        2,
        21,
        ["`!`"],
        ["`not`"],
        None,
    ),
    ("curly-quote", "param x = “hej”\n", "E0126", 1, 11, ["curly quote"], ["straight"], None),
    (
        "semicolon",
        'payment "A" {\n  amount 390 kr;\n}\n',
        "E0126",
        2,
        16,
        ["`;`"],
        ["remove"],
        None,
    ),
    (
        "nbsp",
        "param x =\u00a01\n",
        "E0126",
        1,
        10,
        ["non-breaking space"],
        ["ordinary space"],
        None,
    ),
    ("euro", 'payment "A" {\n  amount €100\n}\n', "E0126", 2, 10, ["`€`"], ["kr"], None),
]


@pytest.mark.parametrize(
    "source, code, line, column, message_words, help_words, note",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_syntax_error_class(source, code, line, column, message_words, help_words, note):
    """Each case: the code, the exact line:column, and key words of message, help and note."""
    diagnostic = diagnose(source)
    assert diagnostic.code == code, diagnostic
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column), diagnostic
    for word in message_words:
        assert word in diagnostic.message, (word, diagnostic.message)
    for word in help_words:
        assert diagnostic.help and word in diagnostic.help, (word, diagnostic.help)
    if note is not None:
        assert diagnostic.notes, diagnostic
        assert (diagnostic.notes[0].span.line, diagnostic.notes[0].span.column) == note


def _lark_error(text: str) -> UnexpectedInput:
    try:
        get_parser().parse(text)
    except UnexpectedInput as error:
        return error
    raise AssertionError(f"parses: {text!r}")


@pytest.mark.parametrize("source", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_classifier_does_not_fall_back(source):
    """The rules, not the defensive fallback, produce every diagnostic above."""
    if "2022-02-30" in source:
        return
    error = _lark_error(source)
    assert classify(error, source, "c.ersl") == describe_syntax_error(error, source, "c.ersl")


def test_every_class_is_tested():
    """Every syntax class of the catalogue has at least one case above."""
    syntax_codes = {entry.code for entry in CATALOGUE} - {"E0102", "E0103"}
    assert syntax_codes <= {case[2] for case in CASES}


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.code for e in CATALOGUE])
def test_catalogue_example_and_fix(entry):
    """Each catalogue example is reported with its code, and its fix parses."""
    assert diagnose(entry.example).code == entry.code
    parse(entry.fixed, "fixed.ersl")


def test_docs_list_every_code():
    """docs/errors.md has a heading for every code of the catalogue."""
    text = DOCS.read_text(encoding="utf-8")
    assert text.startswith("# Error codes")
    assert "## Syntax errors" in text
    for entry in CATALOGUE:
        assert re.search(rf"^### {entry.code}\b", text, re.M), entry.code


def test_docs_syntax_section_is_current():
    """docs/errors.md holds the generated section (see `markdown_section` to regenerate)."""
    assert markdown_section() in DOCS.read_text(encoding="utf-8")


# ---------------------------------------------------------------- words, not terminal names
TERMINAL_NAMES = {t.name for t in get_parser().terminals} | {"$END"}


def leaked_names(text: str) -> set[str]:
    """Lark terminal names appearing in `text` outside backticks and quotes."""
    found = set()
    if re.search(r"__anon|\$END", text, re.I):
        found.add("__ANON/$END")
    unquoted = re.sub(r"`[^`]*`|\"[^\"]*\"", "", text)
    for word in re.findall(r"\b_?[A-Z][A-Z_0-9]+\b", unquoted):
        if word in TERMINAL_NAMES:
            found.add(word)
    return found


def test_no_terminal_names_in_any_message():
    """No message, help or note of any case names a Lark terminal."""
    sources = [case[1] for case in CASES] + [e.example for e in CATALOGUE]
    for source in sources:
        diagnostic = diagnose(source)
        for text in [diagnostic.message, diagnostic.help or ""] + [
            n.message for n in diagnostic.notes
        ]:
            assert not leaked_names(text), (source, text)


def test_every_parser_state_is_described_in_words():
    """For every state of the LALR table, what it expects is said without terminal names."""
    states = get_parser().parser.parser._parse_table.states
    for actions in states.values():
        expected = {name for name in actions if name.isupper()}
        words = describe_expected(expected)
        assert not leaked_names(words), (expected, words)
        assert "something else" not in words or not expected, (expected, words)


def test_every_terminal_has_words():
    """Every terminal the parser can expect has a description in words."""
    for terminal in get_parser().terminals:
        if terminal.name in ("WS", "COMMENT", "_CONT", "_SKIPNL"):
            continue
        assert describe_terminal(terminal.name) != "something else", terminal.name


def test_leak_detector():
    """The terminal-name detector itself works."""
    assert leaked_names("expected RPAR or __ANON_0")
    assert not leaked_names("expected `)` or a name, found `AMOUNT`")


# ---------------------------------------------------------------- rendering
def test_rendered_error_has_caret_and_help():
    """The full rendering: header, quoted line, caret and help."""
    source = 'payment "Besök" {\n  kind  variable\n  amout 390 kr\n}\n'
    with pytest.raises(ErslError) as caught:
        parse(source, "c.ersl")
    text = caught.value.render()
    assert text.splitlines()[0] == (
        "c.ersl:3:3: error[E0115]: `amout` is not a keyword ERSL knows here"
    )
    assert "3 |   amout 390 kr" in text
    assert "  |   ^^^^^" in text
    assert "help: did you mean `amount`?" in text


@pytest.mark.parametrize("source", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_rendered_output_has_caret_line(source):
    """Every rendered syntax error has a caret line."""
    diagnostic = diagnose(source)
    text = render(diagnostic, SourceCache({"c.ersl": source}))
    assert re.search(r"^ *\| +\^+$", text, re.M), text


def test_note_points_at_the_open_block():
    """A missing `}` shows where the block opened."""
    source = 'payment "A" {\n  kind   fixed\n  amount 100 kr\n\npayment "B" {\n  kind fixed\n}\n'
    with pytest.raises(ErslError) as caught:
        parse(source, "c.ersl")
    text = caught.value.render()
    assert 'c.ersl:1:13: note: the block `payment "A" {` is not closed' in text


# ---------------------------------------------------------------- details
def test_end_of_file_points_at_last_non_blank_line():
    """Trailing blank lines do not move the end-of-file position."""
    diagnostic = diagnose("param rate = 390 kr *\n\n\n   \n")
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 22)


def test_empty_and_comment_only_files_parse():
    """Files with no declarations are not syntax errors."""
    parse("", "c.ersl")
    parse("# nothing here\n", "c.ersl")


def test_block_clauses_come_from_the_grammar():
    """The clause lists in E0123's help come from the parser."""
    assert block_clauses("payment") == ("amount", "kind", "payee", "per", "valid", "weight")
    assert "price" in block_clauses("bundle")
    assert "covers" in block_clauses("warranty")


def test_every_catalogue_code_is_unique_and_documented_in_code():
    """Catalogue codes are unique and in the E01xx range."""
    codes = [entry.code for entry in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"E01\d\d", code) for code in codes)
    assert BY_CODE["E0110"].title.startswith("Block not closed")


def test_update_docs_keeps_other_sections(tmp_path):
    """Regenerating the docs replaces only the syntax section."""
    path = tmp_path / "errors.md"
    path.write_text("# Error codes\n\n## Syntax errors\n\nold\n\n## Type errors\n\nkept\n")
    update_docs(str(path))
    text = path.read_text()
    assert "old" not in text and "## Type errors\n\nkept\n" in text
    assert markdown_section() in text
