"""Tests for `ersl fmt` (`ersl.fmt.format_source` and the `ersl fmt` command).

- Golden: `tests/fmt/fixtures/messy.ersl` (every construct, odd layout, comments
  everywhere) formats to `messy.expected.ersl`. Set ERSL_UPDATE_GOLDEN=1 to rewrite it.
- Properties, for every .ersl file in the repository, every ERSL block of the
  documentation (tests/docs_pages.py) and for
  generated programs: the AST is unchanged, formatting is idempotent, the
  comments are kept, and the layout does not depend on the spaces written.
- The command line: --check, --diff, stdin, refusal to write a file that does not parse.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter

import pytest
from conftest import REPO, repo_ersl_files
from docs_pages import ersl_blocks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ersl.cli import main
from ersl.errors import ErslError
from ersl.fmt import format_source
from ersl.syntax import parse

FIXTURES = REPO / "tests" / "fmt" / "fixtures"
MESSY = FIXTURES / "messy.ersl"
EXPECTED = FIXTURES / "messy.expected.ersl"


def _repo_sources() -> list[tuple[str, str]]:
    files = set(repo_ersl_files()) | set((REPO / "tests").rglob("*.ersl"))
    sources = []
    for path in sorted(files):
        text = path.read_text(encoding="utf-8")
        try:
            parse(text)
        except ErslError:  # fixtures of syntax errors
            continue
        sources.append((str(path.relative_to(REPO)), text))
    for block in ersl_blocks():
        try:
            parse(block.text)
        except ErslError:  # only a documented syntax error may fail to parse
            assert block.directives.get("error", "").startswith("E01"), block.where
            continue
        sources.append((block.where, block.text))
    return sources


SOURCES = _repo_sources()


def _comments(text: str) -> Counter:
    return Counter(c.text for c in parse(text).comments)


def check_formatting(text: str) -> str:
    """Assert the formatter's properties on `text`; return the formatted text."""
    out = format_source(text)
    before, after = parse(text), parse(out)
    assert after == before, "formatting changed the AST"
    assert _comments(out) == _comments(text), "formatting lost or added comments"
    assert format_source(out) == out, "formatting is not idempotent"
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n"))
    assert all(line == line.rstrip() for line in out.split("\n")), "trailing whitespace"
    return out


# ---------------------------------------------------------------- golden


def test_messy_file_matches_golden():
    out = format_source(MESSY.read_text(encoding="utf-8"), str(MESSY))
    if os.environ.get("ERSL_UPDATE_GOLDEN"):
        EXPECTED.write_text(out, encoding="utf-8", newline="")
    assert out == EXPECTED.read_text(encoding="utf-8")


def test_golden_is_a_fixed_point():
    expected = EXPECTED.read_text(encoding="utf-8")
    assert format_source(expected) == expected


def test_messy_file_covers_every_construct():
    """The messy fixture uses every rule of the grammar (so the golden test covers them)."""
    from lark import Tree

    from ersl.syntax.parser import parse_tree

    grammar = (REPO / "grammar" / "ersl.lark").read_text(encoding="utf-8")
    rules = set(re.findall(r"^\??!?([a-z][a-z_]*)\s*[:{]", grammar, re.M))
    rules |= set(re.findall(r"->\s*([a-z_]+)", grammar))
    tree, _ = parse_tree(MESSY.read_text(encoding="utf-8"))
    used = {t.data for t in tree.iter_subtrees() if isinstance(t, Tree)}
    # Rules that are always inlined or renamed by an alias never appear in a tree.
    inlined = {
        "type",
        "plain_type",
        "param_value",
        "band",
        "band_literal",
        "basis",
        "collection",
        "scoring",
        "expr",
        "otherwise",
        "or_test",
        "and_test",
        "not_test",
        "comparison",
        "sum",
        "product",
        "unary",
        "postfix",
        "atom",
        "aggregate",
        "given_clause",
        "expect_clause",
        "use",
        "above_clause",
        "code_item",
    }
    missing = sorted(rules - used - inlined)
    assert not missing, f"messy.ersl does not use: {missing}"


# ---------------------------------------------------------------- repository and documentation


@pytest.mark.parametrize("name,text", SOURCES, ids=[name for name, _ in SOURCES])
def test_repository_sources_format_cleanly(name, text):
    check_formatting(text)


# ---------------------------------------------------------------- layout rules


@pytest.mark.parametrize(
    "source,expected",
    [
        ("param  x=1+2*3", "param x = 1 + 2 * 3\n"),
        ("param x = (1 + 2) * 3", "param x = (1 + 2) * 3\n"),
        ("param x = ((1 * 2)) + (3)", "param x = 1 * 2 + 3\n"),
        ("param x = 1 - (2 - 3) - 4", "param x = 1 - (2 - 3) - 4\n"),
        ("param x = (1 - 2) - 3", "param x = 1 - 2 - 3\n"),
        ("param x = a / (b * c)", "param x = a / (b * c)\n"),
        ("param x = -(a + b) - -c", "param x = -(a + b) - -c\n"),
        ("param x = - (-c)", "param x = - -c\n"),
        ("param x = not (a and b) or not c", "param x = not (a and b) or not c\n"),
        ("param x = (a or b) and c", "param x = (a or b) and c\n"),
        ("param x = a or (b and c)", "param x = a or b and c\n"),
        ("param x = (a == b) == c", "param x = (a == b) == c\n"),
        ("param x = (a otherwise b) + 1", "param x = (a otherwise b) + 1\n"),
        (
            "param x = a otherwise (if c then 1 else 2)",
            "param x = a otherwise (if c then 1 else 2)\n",
        ),
        ("param x = (if c then 1 else 2) + 1", "param x = (if c then 1 else 2) + 1\n"),
        ("param x = (a.b).c", "param x = a.b.c\n"),
        ("param x = (a + b).c", "param x = (a + b).c\n"),
        ("param x = 390kr/year + 33%  +3 pp", "param x = 390 kr/year + 33 % + 3 pp\n"),
        ("param x = 6_500_000   kr", "param x = 6_500_000 kr\n"),
        ('param x = "a\\"b\\\\c"', 'param x = "a\\"b\\\\c"\n'),
        ("param x = {a,b ,c}", "param x = {a, b, c}\n"),
        ("param x = f( a ,to:1 , by  b )", "param x = f(a, to: 1, by b)\n"),
    ],
)
def test_expression_layout(source, expected):
    assert format_source(source) == expected


def test_clause_keywords_and_arrows_are_aligned():
    source = (
        'payment "P" { kind fixed per listed patient p at q each month amount t(age(p)) }\n'
        "param t = table of int { 0 to 5 -> 1 kr/year, 75 and over -> 2 kr/year }\n"
    )
    assert format_source(source) == (
        'payment "P" {\n'
        "  kind   fixed\n"
        "  per    listed patient p at q each month\n"
        "  amount t(age(p))\n"
        "}\n"
        "\n"
        "param t = table of int {\n"
        "  0 to 5      -> 1 kr/year\n"
        "  75 and over -> 2 kr/year\n"
        "}\n"
    )


def test_long_conditions_break_at_and_or():
    condition = " and ".join(f"v.field_{i} == {i}" for i in range(8))
    out = check_formatting(f'payment "P" {{ per Visit v where {condition} }}')
    lines = out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[1] == "  per Visit v where v.field_0 == 0"
    assert lines[2].lstrip().startswith("and v.field_1 == 1")
    assert lines[2].index("and") == lines[1].index("v.field_0")


def test_long_conditions_in_list_blocks_break_only_at_and_or():
    condition = " or ".join(f'x.kind == "kind number {i}"' for i in range(6))
    source = f'bundle "B" {{ includes {{ Visit x where {condition} within 9 days }} }}'
    out = check_formatting(source)
    assert any(line.lstrip().startswith("or x.kind") for line in out.splitlines())


def test_given_records_inline_when_they_fit():
    short = 'test "t" { given { visit V1 { patient P1, provider VC1 } } }'
    assert "    visit V1 { patient P1, provider VC1 }\n" in format_source(short)
    fields = ", ".join(f"field_{i} {i}" for i in range(15))
    long = f'test "t" {{ given {{ visit V1 {{ {fields} }} }} }}'
    out = check_formatting(long)
    assert "    visit V1 {\n      field_0 0\n      field_1 1\n" in out


def test_blank_lines():
    source = (
        'use "a"\n\n\n\nuse "b"\nuse "c"\nparam x = 1\n\n'
        'payment "P" {\n  kind fixed\n\n\n  amount 1\n\n}\n'
        "record R { a: int }\nrecord S { b: int }\n"
    )
    assert format_source(source) == (
        'use "a"\n\nuse "b"\nuse "c"\n\nparam x = 1\n\n'
        'payment "P" {\n  kind   fixed\n\n  amount 1\n}\n\n'
        "record R { a: int }\nrecord S { b: int }\n"
    )


def test_comments_keep_their_places():
    source = (
        "# file comment\n"
        "\n"
        "## doc of x\n"
        "param x = 1   # trailing\n"
        'payment "P" {   # opener\n'
        "  # before kind\n"
        "  kind fixed # kind\n"
        "  # closing\n"
        "}  # after\n"
    )
    assert check_formatting(source) == (
        "# file comment\n"
        "\n"
        "## doc of x\n"
        "param x = 1  # trailing\n"
        "\n"
        'payment "P" {  # opener\n'
        "  # before kind\n"
        "  kind fixed  # kind\n"
        "  # closing\n"
        "}  # after\n"
    )
    assert parse(source).decls[0].doc == "doc of x"


def test_comments_inside_a_condition_stay_with_their_operand():
    source = (
        'payment "P" {\n'
        "  per Visit v where a == 1  # first\n"
        "      # about b\n"
        "      and b == 2\n"
        "      and c == 3  # last\n"
        "}\n"
    )
    assert check_formatting(source) == (
        'payment "P" {\n'
        "  per Visit v where a == 1  # first\n"
        "                    # about b\n"
        "                    and b == 2\n"
        "                    and c == 3  # last\n"
        "}\n"
    )


def test_comments_inside_a_call_move_to_the_end_of_the_item():
    source = "param x = f(1, # one\n  2, # two\n  3)\nparam y = 2\n"
    out = check_formatting(source)
    assert out == "# one\nparam x = f(1, 2, 3)  # two\nparam y = 2\n"


def test_a_moved_doc_comment_does_not_become_documentation():
    source = "param x = f(1, ## not a doc\n  2) # two\n"
    out = check_formatting(source)
    assert parse(out).decls[0].doc is None


def test_list_items_that_would_continue_the_previous_item_get_a_comma():
    members = ", ".join(f"member_{i}" for i in range(12))
    source = f"enum E {{ a, in, or, {members} }}"
    out = check_formatting(source)
    assert "  a,\n  in,\n  or\n" in out


def test_files_end_with_one_newline():
    assert format_source("param x = 1\n\n\n") == "param x = 1\n"
    assert format_source("param x = 1") == "param x = 1\n"
    assert format_source("") == ""
    assert format_source("# only a comment") == "# only a comment\n"
    # a byte-order mark goes; Windows line ends stay (issue 17)
    assert format_source("\ufeffparam x = 1\r\n") == "param x = 1\r\n"


def test_syntax_errors_raise_like_parse():
    with pytest.raises(ErslError) as caught:
        format_source("param x = ", "bad.ersl")
    assert "bad.ersl:1:" in str(caught.value)


# ---------------------------------------------------------------- whitespace does not matter


def _respace(text: str, data) -> str:
    """`text` with the spaces between its tokens changed (no newline added or removed)."""
    from ersl.highlight import ErslLexer

    lexer = ErslLexer(stripnl=False, ensurenl=False)
    out = []
    for _, value in lexer.get_tokens(text):
        if value and not value.strip() and "\n" not in value:
            value = data.draw(st.sampled_from([" ", "  ", "\t", "    "]))
        out.append(value)
    return "".join(out)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_layout_does_not_depend_on_spaces(data):
    candidates = [text for _, text in SOURCES] + [MESSY.read_text(encoding="utf-8")]
    text = data.draw(st.sampled_from(candidates))
    assert format_source(_respace(text, data)) == format_source(text)


# ---------------------------------------------------------------- generated programs

NAMES = ["a", "b", "q", "rate", "x1", "_p", "ålder", "listningsersättning"]
FIELDS = ["kind", "date", "end", "start", "mode", "provider", "patient", "code", "value"]
TYPES = ["Visit", "Stay", "Procedure", "Drug", "MonthEnd"]
COMMENTS = ["# note", "# another note", "## doc line", "# ersl: ignore[W0101] on purpose", "#"]
QUANTITIES = [
    "390 kr/year",
    "390kr/year",
    "4 kr/month",
    "3000 kr/day",
    "33 %",
    "33%",
    "3 pp",
    "415 tkr",
    "6.5 Mkr",
    "100 SEK",
    "2 MSEK",
    "900 days",
    "1 day",
    "3 months",
    "2 years",
    "1 week",
]
NUMBERS = ["0", "1", "1.9", "62.40", "6_500_000"]
ATOMS = ["true", "false", "none", "2022-01-01", "2022-03", '"text"', '"a \\"quoted\\" \\\\ x"']
# (text, precedence) as in ersl.fmt.expr
IF, OTHERWISE, OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, POSTFIX, ATOM = range(1, 12)


def gap(draw, nl: bool, cont: bool = False) -> str:
    """Space between two tokens: where new lines are allowed, maybe lines and comments."""
    if not (nl or cont):
        return " "
    return draw(
        st.sampled_from(
            [" ", " ", " ", "  ", "\n   ", "\n\n ", "  # gap\n  ", "\n  # own line\n  "]
        )
    )


def wrap(draw, e: tuple[str, int], min_prec: int) -> str:
    text, prec = e
    if prec < min_prec or draw(st.integers(0, 9)) == 0:
        return f"({text})"
    return text


@st.composite
def expressions(draw, depth: int = 3, nl: bool = True) -> tuple[str, int]:
    """A random expression as source text, with its precedence level."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        kind = draw(st.sampled_from(["name", "number", "quantity", "atom"]))
        if kind == "name":
            return draw(st.sampled_from(NAMES)), ATOM
        if kind == "number":
            return draw(st.sampled_from(NUMBERS)), ATOM
        if kind == "quantity":
            return draw(st.sampled_from(QUANTITIES)), ATOM
        return draw(st.sampled_from(ATOMS)), ATOM
    sub = expressions(depth - 1, nl)
    inner = expressions(depth - 1, True)  # inside parentheses a new line is always allowed
    kind = draw(
        st.sampled_from(
            ["binary"] * 6 + ["chain"] * 3 + ["not", "neg", "if", "field", "call", "set", "agg"]
        )
    )
    if kind == "binary":
        op = draw(
            st.sampled_from(
                ["otherwise", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"]
            )
        )
        level = {"otherwise": OTHERWISE, "+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT}.get(
            op, COMPARE
        )
        left_min = SUM if level == COMPARE else level
        right_min = SUM if level == COMPARE else level + 1
        left = wrap(draw, draw(sub), left_min)
        right = wrap(draw, draw(sub), right_min)
        return f"{left}{gap(draw, nl, op in ('otherwise', 'in', '+', '*', '/'))}{op} {right}", level
    if kind == "chain":
        op = draw(st.sampled_from(["and", "or"]))
        level = OR if op == "or" else AND
        count = draw(st.integers(2, 4))
        parts = [wrap(draw, draw(sub), level if i == 0 else level + 1) for i in range(count)]
        text = parts[0]
        for part in parts[1:]:
            text += f"{gap(draw, nl, True)}{op} {part}"
        return text, level
    if kind == "not":
        return f"not {wrap(draw, draw(sub), NOT)}", NOT
    if kind == "neg":
        return f"-{wrap(draw, draw(sub), UNARY)}", UNARY
    if kind == "if":
        c, t, e = (draw(sub)[0] for _ in range(3))
        return f"if {c}{gap(draw, nl)}then {t}{gap(draw, nl)}else {e}", IF
    if kind == "field":
        return f"{wrap(draw, draw(sub), POSTFIX)}.{draw(st.sampled_from(FIELDS))}", POSTFIX
    if kind == "call":
        args = draw(st.lists(inner, max_size=3))
        texts = [t for t, _ in args]
        extra = draw(st.sampled_from(["", "to: 0.01 kr", "by rate", "equally"]))
        if extra:
            texts.append(extra)
        sep = "," + gap(draw, True)
        return f"{draw(st.sampled_from(['f', 'round', 'split']))}({sep.join(texts)})", POSTFIX
    if kind == "set":
        items = [t for t, _ in draw(st.lists(sub, max_size=3))]
        return "{" + ", ".join(items) + "}", ATOM
    return draw(aggregates(depth - 1)), POSTFIX


@st.composite
def collections(draw, depth: int) -> str:
    """`listed patients p at q …` or `Visit v …` with optional where/within."""
    if draw(st.booleans()):
        head = f"listed patients p at {draw(st.sampled_from(['q', 'q.parent', 'f(q)']))}"
    else:
        head = f"{draw(st.sampled_from(TYPES))} v"
    if draw(st.booleans()):
        head += f"{gap(draw, True)}where {draw(expressions(depth, True))[0]}"
    if draw(st.booleans()):
        head += f"{gap(draw, True)}within {draw(st.sampled_from(['90 days', 'n', '1 year']))}"
        direction = draw(
            st.sampled_from(["", " before", " after", " before today", " after v.date"])
        )
        head += direction
    return head


@st.composite
def aggregates(draw, depth: int) -> str:
    function = draw(st.sampled_from(["count", "exists", "sum", "mean"]))
    collection = draw(collections(depth))
    if function in ("sum", "mean"):
        return f"{function}({draw(expressions(depth, True))[0]} for {collection})"
    return f"{function}({collection})"


def expr(draw, nl: bool = True, depth: int = 3) -> str:
    return draw(expressions(depth, nl))[0]


def comment_lines(draw) -> str:
    """Zero or more own-line comments (and maybe a blank line)."""
    lines = draw(st.lists(st.sampled_from(COMMENTS + [""]), max_size=2))
    return "".join(line + "\n" for line in lines)


def trailing(draw) -> str:
    return draw(st.sampled_from(["", "", "", "  # trailing", " ## trailing doc"]))


def clause_sep(draw) -> str:
    """Between the clauses of a clause block: newlines are not significant there."""
    return draw(
        st.sampled_from(["\n  ", "\n  ", " ", "  # after clause\n  ", "\n  # own\n  ", "\n\n  "])
    )


def list_sep(draw) -> str:
    """Between the items of a list block."""
    return draw(
        st.sampled_from(
            ["\n    ", "\n    ", ", ", " ,\n ", "  # item\n    ", "\n\n    # own\n    "]
        )
    )


def block(draw, head: str, items: list[str], sep, head_gap: bool = False) -> str:
    """`head { items }`; with `head_gap` the header may hold comments and new lines."""
    if head_gap:
        words = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', head)
        head = words[0]
        for word in words[1:]:
            head += gap(draw, True) + word
        head += draw(st.sampled_from(["", "", " # before brace\n", "\n"]))
    body = ""
    for i, item in enumerate(items):
        body += (sep(draw) if i else draw(st.sampled_from([" ", "\n  ", "  # opener\n  "]))) + item
    closing = draw(st.sampled_from([" ", "\n", "\n  # closing\n"])) if items else ""
    return f"{head} {{{body}{closing}}}"


TYPE_NAMES = [
    "int",
    "decimal",
    "money",
    "money per year",
    "duration in months",
    "set of int",
    "code icd10",
    "text?",
    "table of int -> money",
    "Mode?",
    "date",
]


def literal(draw) -> str:
    return draw(st.sampled_from(["0", "5", "-5", "1.5", "390 kr", "-2 kr", '"key"']))


@st.composite
def bands(draw) -> str:
    kind = draw(st.sampled_from(["range", "over", "under", "eq", "bare", "else"]))
    if kind == "range":
        return f"{literal(draw)} to {literal(draw)}"
    if kind == "over":
        return f"{literal(draw)} and over"
    if kind == "under":
        return f"under {literal(draw)}"
    if kind == "eq":
        return f"= {literal(draw)}"
    return draw(st.sampled_from(["doctor", "nurse"])) if kind == "bare" else "else"


@st.composite
def tables(draw) -> str:
    key = draw(st.sampled_from(["", " of int", " of Profession"]))
    entries = [f"{draw(bands())} -> {expr(draw, False, 2)}" for _ in range(draw(st.integers(0, 4)))]
    return block(draw, f"table{key}", entries, list_sep)


@st.composite
def params(draw, keyword: str = "param") -> str:
    text = f"{keyword} {draw(st.sampled_from(NAMES))}"
    if draw(st.booleans()):
        text += f": {draw(st.sampled_from(TYPE_NAMES))}"
    kind = draw(st.sampled_from(["none", "expr", "expr", "table", "dated"]))
    if kind == "expr":
        text += f" = {expr(draw)}"
    elif kind == "table":
        text += f" = {draw(tables())}"
    elif kind == "dated":
        entries = []
        for i in range(draw(st.integers(1, 3))):
            value = draw(tables()) if draw(st.booleans()) else expr(draw, False, 2)
            entries.append(f"from 202{i}-01-01 -> {value}")
        text += " = " + block(draw, "dated", entries, list_sep)
    return text


@st.composite
def bases(draw) -> str:
    where = f" where {expr(draw)}" if draw(st.booleans()) else ""
    return (
        draw(
            st.sampled_from(
                [
                    "listed patient p at q each month",
                    "Listing l each day",
                    "Visit v",
                    "participant q of Meeting m",
                    "provider q each year",
                    'episode e of "B"',
                ]
            )
        )
        + where
    )


def clause_block(draw, head: str, clauses: list[str]) -> str:
    clauses = draw(st.permutations(clauses))
    return block(draw, head, list(clauses), clause_sep, head_gap=True)


@st.composite
def declarations(draw) -> str:
    kind = draw(
        st.sampled_from(
            [
                "contract",
                "use",
                "enum",
                "schema",
                "codeset",
                "param",
                "function",
                "payment",
                "cap",
                "indicator",
                "performance",
                "bundle",
                "test",
                "property",
            ]
        )
    )
    name = draw(st.sampled_from(['"A"', '"Besöksersättning"', '"x \\" y"']))
    maybe = st.booleans()
    if kind == "contract":
        clauses = ["valid 2022-01-01 .. 2022-12-31"]
        for extra in [
            'version "v1"',
            'region "R"',
            "settle monthly",
            "reconcile yearly",
            "rounding 0.01 kr half_up per line",
        ]:
            if draw(maybe):
                clauses.append(extra)
        return clause_block(draw, f"contract {name}", clauses)
    if kind == "use":
        return draw(st.sampled_from(['use "a.ersl"', 'use stdlib "schema/sweden"']))
    if kind == "enum":
        return block(
            draw, "enum Mode", draw(st.lists(st.sampled_from(NAMES), max_size=4)), list_sep
        )
    if kind == "schema":
        fields = [
            f"{f}: {draw(st.sampled_from(TYPE_NAMES))}"
            for f in draw(st.lists(st.sampled_from(FIELDS), max_size=4))
        ]
        head = draw(st.sampled_from(["record R", "event E", "span S", "extend record Provider"]))
        return block(draw, head, fields, list_sep)
    if kind == "codeset":
        items = draw(st.lists(st.sampled_from(['"I10".."I15"', '"NFB*"', '"A01"']), max_size=3))
        return block(draw, "codeset c: icd10", items, list_sep)
    if kind == "param":
        return draw(params())
    if kind == "function":
        args = ", ".join(
            f"{n}: {draw(st.sampled_from(TYPE_NAMES))}"
            for n in draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
        )
        return f"function f({args}): decimal ={gap(draw, True)}{expr(draw)}"
    if kind == "payment":
        clauses = []
        for clause in [
            "kind fixed",
            f"per {draw(bases())}",
            f"amount {expr(draw)}",
            f"payee {expr(draw)}",
            "valid 2022-01-01 .. 2022-06-30",
        ]:
            if draw(maybe):
                clauses.append(clause)
        clauses += [
            f"weight {expr(draw)} when {expr(draw)}" for _ in range(draw(st.integers(0, 2)))
        ]
        return clause_block(draw, f"payment {name}", clauses)
    if kind == "cap":
        applies = 'applies to "A", "B"' + (f" v where {expr(draw)}" if draw(maybe) else "")
        action = draw(
            st.sampled_from(["reduce 33 % of excess", "reduce r of all", "pay 50 % of excess"])
        )
        clauses = [applies, f"measure {expr(draw)}", f"limit {expr(draw)}", f"above {action}"]
        each = draw(st.sampled_from(["", " each year"]))
        return clause_block(draw, f"cap {name} for provider q{each}", clauses)
    if kind == "indicator":
        lower = draw(st.sampled_from(["", " lower is better"]))
        if draw(maybe):
            return f"indicator {name}{lower} reported"
        clauses = [f"population {draw(collections(2))}", f"numerator {expr(draw)}"]
        if draw(maybe):
            clauses.append(f"exclude {expr(draw)}")
        return clause_block(draw, f"indicator {name}{lower} for provider q", clauses)
    if kind == "performance":
        refs = []
        for _ in range(draw(st.integers(0, 3))):
            scoring = draw(
                st.sampled_from(
                    [
                        "linear 70 % to 90 %",
                        "above 60 %",
                        "at least 85 %",
                        "if reported",
                        f"linear {expr(draw, False, 1)} to b",
                    ]
                )
            )
            weight = draw(st.sampled_from(["", " weight 1", " weight 2.5"]))
            refs.append(f"{name} {scoring}{weight}")
        clauses = [
            draw(st.sampled_from(["bonus", "penalty"])) + f" {expr(draw)}",
            block(draw, "indicators", refs, list_sep),
        ]
        if draw(maybe):
            clauses.append("unreported excluded")
        return clause_block(draw, f"performance {name} for provider q each year", clauses)
    if kind == "bundle":
        items = []
        for _ in range(draw(st.integers(0, 3))):
            item = f"{draw(st.sampled_from(TYPES))} x"
            if draw(maybe):
                item += f" where {expr(draw, False)}"
            if draw(maybe):
                item += draw(
                    st.sampled_from(
                        [
                            " within 90 days before",
                            " within 3 months after",
                            " within 1 year after op.date",
                        ]
                    )
                )
            if draw(maybe):
                item += draw(st.sampled_from([" at most 1", " at most 6 days"]))
            items.append(item)
        warranty = []
        for clause in [
            f"covers Procedure r where {expr(draw)}",
            "period 2 years",
            f"extend to 5 years when {expr(draw)}",
        ]:
            if draw(maybe):
                warranty.append(clause)
        clauses = [
            f"trigger Procedure op where {expr(draw)}",
            "price 56300 kr",
            block(draw, "includes", items, list_sep),
            clause_block(draw, "warranty", warranty),
        ]
        return clause_block(draw, f"bundle {name}", clauses)
    if kind == "test":
        given_items = []
        for _ in range(draw(st.integers(0, 3))):
            fields = [
                f"{f} {expr(draw, False, 1)}"
                for f in draw(st.lists(st.sampled_from(FIELDS), max_size=3))
            ]
            record = block(
                draw,
                draw(st.sampled_from(["visit V1", "patient P1", "provider", "listing L1"])),
                fields,
                list_sep,
            )
            given_items.append(
                draw(
                    st.sampled_from(
                        [
                            record,
                            "listing P1 at VC1 from 2020-01-01",
                            "listing P2 at VC1 from 2020-01-01 to 2021-12-31",
                        ]
                    )
                )
            )
        expect_items = [
            draw(
                st.sampled_from(
                    [
                        'VC1 "A" 2022-03 = 300.00 kr',
                        "VC1 total 2022 = none",
                        'VC2 "Lång rad" 2022-01..2022-03 = 1 kr',
                    ]
                )
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        clauses = [draw(st.sampled_from(["period 2022-03", "period 2022-Q1", "period 2022..2023"]))]
        clauses += [draw(params("param")) for _ in range(draw(st.integers(0, 2)))]
        clauses.append(
            draw(
                st.sampled_from(['given "data.jsonl"', block(draw, "given", given_items, list_sep)])
            )
        )
        clauses.append(
            draw(
                st.sampled_from(['expect "e.json"', block(draw, "expect", expect_items, list_sep)])
            )
        )
        return clause_block(draw, f"test {name}", clauses)
    clauses = ["for any data", f"check {expr(draw)}", "for every provider q"]
    return clause_block(draw, f"property {name}", clauses)


@st.composite
def programs(draw) -> str:
    text = comment_lines(draw)
    for _ in range(draw(st.integers(1, 4))):
        text += draw(declarations()) + trailing(draw) + "\n" + comment_lines(draw)
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_generated_programs_format_cleanly(source):
    check_formatting(source)


@settings(max_examples=200, deadline=None)
@given(expressions(4, True))
def test_generated_expressions_keep_their_meaning(e):
    check_formatting(f"param x = {e[0]}\n")


@settings(max_examples=200, deadline=None)
@given(expressions(4, False))
def test_generated_expressions_in_list_blocks_keep_their_meaning(e):
    check_formatting(f"param t = table {{ else -> {e[0]} }}\n")


# ---------------------------------------------------------------- command line


@pytest.fixture
def files(tmp_path):
    messy = tmp_path / "messy.ersl"
    messy.write_text("param   x=1\n", encoding="utf-8")
    clean = tmp_path / "clean.ersl"
    clean.write_text("param x = 1\n", encoding="utf-8")
    bad = tmp_path / "bad.ersl"
    bad.write_text("param x = \n", encoding="utf-8")
    return messy, clean, bad


def test_cli_check(files, capsys):
    messy, clean, _ = files
    assert main(["fmt", "--check", str(clean)]) == 0
    assert main(["fmt", "--check", str(messy), str(clean)]) == 1
    out = capsys.readouterr().out
    assert str(messy) in out and str(clean) not in out
    assert messy.read_text(encoding="utf-8") == "param   x=1\n"


def test_cli_diff(files, capsys):
    messy, clean, _ = files
    assert main(["fmt", "--diff", str(messy), str(clean)]) == 0
    out = capsys.readouterr().out
    assert "-param   x=1\n+param x = 1\n" in out
    assert f"--- {messy} (original)" in out
    assert str(clean) not in out
    assert messy.read_text(encoding="utf-8") == "param   x=1\n"
    assert main(["fmt", "--check", "--diff", str(messy)]) == 1


def test_cli_rewrites_in_place(files, capsys):
    messy, clean, _ = files
    stamp = clean.stat().st_mtime_ns
    assert main(["fmt", str(messy), str(clean)]) == 0
    assert messy.read_text(encoding="utf-8") == "param x = 1\n"
    assert clean.stat().st_mtime_ns == stamp
    assert main(["fmt", "--check", str(messy.parent / "messy.ersl")]) == 0


def test_cli_folder(files, capsys):
    messy, clean, bad = files
    bad.unlink()
    assert main(["fmt", "--check", str(messy.parent)]) == 1
    assert main(["fmt", str(messy.parent)]) == 0
    assert main(["fmt", "--check", str(messy.parent)]) == 0


def test_cli_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("param   x=1"))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == "param x = 1\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("param   x=1"))
    assert main(["fmt", "--check", "-"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("param x = 1\n"))
    assert main(["fmt", "--check", "-"]) == 0


def test_cli_refuses_a_file_that_does_not_parse(files, capsys):
    messy, _, bad = files
    assert main(["fmt", str(bad), str(messy)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1:" in err and "error[" in err
    assert bad.read_text(encoding="utf-8") == "param x = \n"
    assert messy.read_text(encoding="utf-8") == "param x = 1\n"  # the other file is formatted
    assert main(["fmt", "--check", str(bad)]) == 2


def test_cli_missing_file(tmp_path, capsys):
    assert main(["fmt", str(tmp_path / "nope.ersl")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_cli_keeps_bytes_stable(tmp_path):
    # Windows line ends stay Windows line ends (issue 17); the layout is still canonical
    path = tmp_path / "crlf.ersl"
    path.write_bytes(b"param x =  1\r\n# a\r\n# b\r\nparam y = 2\r\n")
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == b"param x = 1\r\n# a\r\n# b\r\nparam y = 2\r\n"
    assert main(["fmt", "--check", str(path)]) == 0


def test_every_repository_file_is_formatted():
    """The shipped library and the examples are kept in the canonical layout (issue 7, item 4)."""
    unformatted = [
        str(p.relative_to(REPO))
        for p in repo_ersl_files()
        if format_source(p.read_text(encoding="utf-8")) != p.read_text(encoding="utf-8")
    ]
    assert not unformatted, f"run `ersl fmt` on: {unformatted}"


def test_a_doc_comment_belongs_to_the_first_declaration_of_its_line():
    # found by the fuzz harness: `fmt` puts the second `param` on a line of its own, where
    # nothing is written above it; it must not have had the doc comment before either
    source = "## The pot.\nparam a param b: money\n"
    module = parse(source, "a.ersl")
    assert [d.doc for d in module.decls] == ["The pot.", None]
    check_formatting(source)
