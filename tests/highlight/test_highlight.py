"""Tests for the Pygments lexer `ersl.highlight.ErslLexer` and `ersl.highlight.highlight`."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import load_lexer_from_file
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, String, Token

from ersl.highlight import ErslLexer, highlight

REPO = Path(__file__).resolve().parents[2]
GRAMMAR = REPO / "grammar" / "ersl.lark"
HIGHLIGHT_PY = REPO / "ersl" / "highlight.py"
# CI checks the shared folder out beside the repository (`../shared`).
SPEC = Path(__file__).resolve().parents[3] / "shared" / "SPEC.md"


def _lexer() -> ErslLexer:
    """A lexer that neither strips nor adds newlines."""
    return ErslLexer(stripnl=False, ensurenl=False)


def _tokens(source: str) -> list[tuple[object, str]]:
    """The (token type, value) pairs of `source`, exactly as in the text."""
    return [(ttype, value) for _, ttype, value in _lexer().get_tokens_unprocessed(source)]


def _significant(source: str) -> list[tuple[object, str]]:
    """The tokens of `source` without whitespace."""
    return [(t, v) for t, v in _tokens(source) if v.strip()]


def _kind_of(source: str, value: str) -> object:
    """The token type of the first token of `source` whose text is `value`."""
    for ttype, text in _tokens(source):
        if text == value:
            return ttype
    raise AssertionError(f"no token {value!r} in {_tokens(source)!r}")


# --- sources: SPEC code blocks and the repository's .ersl files ------------------------------


def _spec_blocks() -> list[str]:
    if not SPEC.is_file():
        return []
    text = SPEC.read_text(encoding="utf-8")
    return re.findall(r"^```ersl[ \t]*\n(.*?)^```", text, re.S | re.M)


def _ersl_files() -> list[Path]:
    files: set[Path] = set()
    for folder in ("stdlib_rules", "examples", "tests", "benchmarks", "docs"):
        files.update((REPO / folder).rglob("*.ersl"))
    return sorted(files)


SPEC_BLOCKS = _spec_blocks()
ERSL_FILES = _ersl_files()


def _sources() -> list:
    params = [pytest.param(block, id=f"spec-block-{i}") for i, block in enumerate(SPEC_BLOCKS)]
    params += [
        pytest.param(path.read_text(encoding="utf-8"), id=str(path.relative_to(REPO)))
        for path in ERSL_FILES
    ]
    return params


def test_spec_blocks_found() -> None:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} not present")
    assert len(SPEC_BLOCKS) >= 5


@pytest.mark.parametrize("source", _sources())
def test_round_trip_and_no_errors(source: str) -> None:
    tokens = _tokens(source)
    assert "".join(value for _, value in tokens) == source
    errors = [(t, v) for t, v in tokens if t in Error]
    assert not errors, errors
    # Through the public API too, without newline preprocessing.
    assert "".join(value for _, value in _lexer().get_tokens(source)) == source


# --- keywords of the grammar ---------------------------------------------------------------------

_LARK_ITEM = re.compile(
    r"""
      //[^\n]*                         # comment
    | "(?P<string>(?:[^"\\\n]|\\.)*)"  # string literal
    | /(?:[^/\\\n]|\\.)+/[imslux]*     # regular expression
    | .                                # anything else
    """,
    re.X | re.S,
)


def _grammar_keywords() -> list[str]:
    """Every double-quoted literal of the grammar made only of letters and underscores."""
    text = GRAMMAR.read_text(encoding="utf-8")
    found = {
        m.group("string")
        for m in _LARK_ITEM.finditer(text)
        if m.group("string") and re.fullmatch(r"[A-Za-z_]+", m.group("string"))
    }
    return sorted(found)


def test_grammar_keywords_lex_as_keywords() -> None:
    if not GRAMMAR.is_file():
        pytest.skip("grammar/ersl.lark does not exist yet")
    keywords = _grammar_keywords()
    assert keywords, "no keyword literals found in the grammar"
    wrong = {}
    for word in keywords:
        # A keyword used as a clause word, between other tokens.
        kinds = {_kind_of(f"{word}\n", word), _kind_of(f"x {word} y", word)}
        bad = [k for k in kinds if k not in Keyword]
        if bad:
            wrong[word] = bad
    assert not wrong, f"grammar keywords not lexed as keywords: {wrong}"


def test_declaration_keywords() -> None:
    for word in ("contract", "payment", "cap", "indicator", "performance", "bundle", "param"):
        assert _kind_of(f"{word} ", word) is Keyword.Declaration
    for word in ("function", "record", "event", "span", "enum", "codeset", "extend", "use"):
        assert _kind_of(f"{word} ", word) is Keyword.Declaration
    assert _kind_of("test ", "test") is Keyword.Declaration
    assert _kind_of("property ", "property") is Keyword.Declaration


def test_contextual_words() -> None:
    src = "per listed patient p at q each month\namount month(today) + count(Visit v) + x.month"
    assert _kind_of(src, "month") is Keyword.Pseudo
    tokens = _significant(src)
    assert (Name.Builtin, "month") in tokens
    assert (Name.Builtin, "today") in tokens
    assert (Name.Builtin, "count") in tokens
    assert tokens[-1] == (Name.Attribute, "month")
    assert _kind_of("settle monthly", "monthly") is Keyword.Pseudo
    assert _kind_of("x: money per year", "money") is Keyword.Type


def test_constants_and_operators() -> None:
    src = "a otherwise none == true != false"
    assert _kind_of(src, "otherwise") in Keyword
    assert _kind_of(src, "none") is Keyword.Constant
    assert _kind_of(src, "true") is Keyword.Constant
    assert _kind_of(src, "false") is Keyword.Constant
    for op in ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "->", ".."):
        assert _kind_of(f"a {op} b", op) in Token.Operator, op


# --- specific token kinds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        "390 kr/year",
        "4 kr/month",
        "3000 kr/day",
        "415 tkr",
        "6.5 Mkr",
        "10 SEK",
        "2 MSEK",
        "225kr",
        "0.01 kr",
        "33 %",
        "33%",
        "3 pp",
        "900 days",
        "3 months",
        "2 years",
        "1 day",
        "1 month",
        "1 year",
        "6_500_000",
        "62.4",
        "1200",
    ],
)
def test_number_with_unit_is_one_token(literal: str) -> None:
    tokens = _significant(f"amount {literal} + x")
    assert tokens[1] == (tokens[1][0], literal), tokens
    assert tokens[1][0] in Number


def test_unit_kinds() -> None:
    assert _kind_of("x 390 kr/year", "390 kr/year") in Number
    assert _kind_of("x 33 %", "33 %") in Number
    assert _kind_of("6_500_000", "6_500_000") is Number.Integer
    assert _kind_of("6.5", "6.5") is Number.Float


def test_unit_needs_word_boundary() -> None:
    # `weight 1.5 when …`: `when` is not a unit; `5 daysx` is a number and a name.
    assert _significant("weight 1.5 when")[1] == (Number.Float, "1.5")
    assert _significant("5 daysx")[:2] == [(Number.Integer, "5"), (Name, "daysx")]
    # A newline never joins a number to a unit on the next line.
    assert _significant("at most 1\ndays")[2] == (Number.Integer, "1")


@pytest.mark.parametrize("literal", ["2022-01-01", "2022-03", "2022-12-31", "2022-Q1"])
def test_dates_outrank_numbers(literal: str) -> None:
    tokens = _significant(f"period {literal}")
    assert tokens[1] == (Literal.Date, literal)


def test_date_range() -> None:
    tokens = _significant("valid 2022-01-01 .. 2022-12-31")
    assert tokens[1:] == [
        (Literal.Date, "2022-01-01"),
        (Token.Operator, ".."),
        (Literal.Date, "2022-12-31"),
    ]


def test_comments() -> None:
    src = (
        "## Listing payment by age group\n"
        "# ersl: ignore[E101] agreed with the region\n"
        "# plain comment\n"
        "param x = 1 # trailing\n"
    )
    assert _kind_of(src, "## Listing payment by age group") is Comment.Special
    assert _kind_of(src, "# ersl: ignore[E101] agreed with the region") is Comment.Preproc
    assert _kind_of(src, "# plain comment") is Comment.Single
    assert _kind_of(src, "# trailing") is Comment.Single


def test_field_access_after_dot() -> None:
    src = 'o.kind == "blood_pressure" and v.date <= s.end and e.trigger != none'
    for field in ("kind", "date", "end", "trigger"):
        assert _kind_of(src, field) is Name.Attribute, field
    assert _kind_of(src, "o") is Name


def test_keyword_as_field_label() -> None:
    src = "event Visit { id: text, kind: text?, date: date }"
    assert _kind_of(src, "kind") is Name
    assert _significant(src)[-3:-1] == [(Token.Punctuation, ":"), (Keyword.Type, "date")]


def test_codeset_literals() -> None:
    src = 'codeset ischemic_heart: icd10 { "I10".."I15", "NFB*" }\nx = "I10"'
    tokens = _significant(src)
    assert (String.Symbol, '"I10"') in tokens
    assert (String.Symbol, '"I15"') in tokens
    assert (String.Symbol, '"NFB*"') in tokens
    # After the closing brace, strings are ordinary strings again.
    assert tokens[-1][0] in String and tokens[-1][0] is not String.Symbol


def test_codeset_multiline_with_comments() -> None:
    src = 'codeset hip_knee: kva {\n  "NFB*",   # hip\n  "NGB*"\n}\npayment "P" { }'
    tokens = _significant(src)
    assert (String.Symbol, '"NGB*"') in tokens
    assert (Name.Class, '"P"') in tokens


def test_declaration_names() -> None:
    for word in ("payment", "cap", "indicator", "performance", "bundle", "contract", "test"):
        src = f'{word} "Besöksersättning ålder" {{'
        assert _significant(src)[:2] == [
            (Keyword.Declaration, word),
            (Name.Class, '"Besöksersättning ålder"'),
        ]
    assert _kind_of('property "never \\"more\\" than its pot"', "property") is Keyword.Declaration


def test_strings_and_escapes() -> None:
    tokens = _significant('x = "a \\"quoted\\" \\\\ text"')
    assert (String.Escape, '\\"') in tokens
    assert (String.Escape, "\\\\") in tokens
    assert all(t not in Error for t, _ in tokens)


def test_unicode_identifiers() -> None:
    for ident in ("listningsersättning", "höft_knä", "_x1"):
        assert _significant(f"{ident} + 1")[0] == (Name, ident)


# --- properties ----------------------------------------------------------------------------------

_ERSL_ALPHABET = st.sampled_from(
    list('0123456789 \t\n\r-._%/"\\#{}()[],:=<>!+*?…')
    + ["kr", "tkr", "Mkr", "SEK", "pp", "days", "month", "year", "ersl: ignore[X]", "##"]
    + ["codeset", "payment", "cap", "extend record", "o.", "kind", "å", "ä", "ö", "\ufeff"]
)


def _normalised(text: str) -> str:
    """What `Lexer.get_tokens` does to its input before lexing (for str input)."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300)
@given(st.text())
def test_round_trip_arbitrary_text(text: str) -> None:
    assert "".join(v for _, _, v in _lexer().get_tokens_unprocessed(text)) == text
    assert "".join(v for _, v in _lexer().get_tokens(text)) == _normalised(text)
    # With the default options Pygments strips surrounding newlines and adds a final one.
    default = "".join(v for _, v in ErslLexer().get_tokens(text))
    assert default == _normalised(text).strip("\n") + "\n"


@settings(max_examples=300)
@given(st.lists(_ERSL_ALPHABET, max_size=40).map("".join))
def test_round_trip_ersl_like_text(text: str) -> None:
    assert "".join(v for _, _, v in _lexer().get_tokens_unprocessed(text)) == text


# --- highlight() and loading ---------------------------------------------------------------------

_SAMPLE = 'payment "Besöksersättning" {\n  amount 390 kr/year  # rate\n}\n'


def test_highlight_html() -> None:
    html = highlight(_SAMPLE, "html")
    assert "<html" in html
    assert "<style" in html
    assert "Besöksersättning" in html
    assert "charset=utf-8" in html
    assert "<title>contract.ersl</title>" in highlight(_SAMPLE, "html", title="contract.ersl")


def test_highlight_terminal() -> None:
    out = highlight(_SAMPLE, "terminal")
    assert "\x1b[" in out
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == _SAMPLE


def test_highlight_keeps_leading_blank_lines() -> None:
    out = highlight("\n\nparam x = 1\n", "terminal")
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == "\n\nparam x = 1\n"


def test_highlight_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown highlight format"):
        highlight(_SAMPLE, "pdf")


def test_lexer_metadata_and_loading() -> None:
    assert ErslLexer.name == "ERSL"
    assert ErslLexer.aliases == ["ersl"]
    assert ErslLexer.filenames == ["*.ersl"]
    assert ErslLexer.mimetypes == ["text/x-ersl"]
    lexer = load_lexer_from_file(str(HIGHLIGHT_PY), "ErslLexer")
    assert lexer.name == "ERSL"
    assert ErslLexer.analyse_text('contract "X" {\n}\n') > 0
    assert ErslLexer.analyse_text("def f(): pass\n") == 0


def test_module_imports_only_pygments_and_stdlib() -> None:
    tree = ast.parse(HIGHLIGHT_PY.read_text(encoding="utf-8"))
    modules = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports in ersl.highlight"
            modules.add((node.module or "").split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"pygments", "__future__"}
    assert modules <= allowed, modules - allowed


def test_highlight_command_terminal_and_html(tmp_path, capsys):
    from ersl.cli import main

    path = tmp_path / "k.ersl"
    path.write_text('payment "P" { kind fixed per Visit v amount 390 kr }\n', encoding="utf-8")
    assert main(["highlight", str(path)]) == 0
    assert "\x1b[" in capsys.readouterr().out
    out_file = tmp_path / "k.html"
    assert main(["highlight", str(path), "--format", "html", "-o", str(out_file)]) == 0
    html = out_file.read_text(encoding="utf-8")
    assert "<html" in html and "390 kr" in html


def test_highlight_command_unreadable_file(tmp_path, capsys):
    from ersl.cli import main

    assert main(["highlight", str(tmp_path / "missing.ersl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_built_in_functions_and_date_collections_are_the_checkers() -> None:
    """Every built-in the checker knows is highlighted as one (issue 12 added
    `reported`, `month_start`, `month_end` and the date collections)."""
    from ersl.checker.builtins import BUILTINS as CHECKED
    from ersl.dates import DATE_SERIES
    from ersl.highlight import BUILTINS, DATE_COLLECTIONS

    assert set(BUILTINS) == {name for name, b in CHECKED.items() if b.check is not None}
    assert set(DATE_COLLECTIONS) == set(DATE_SERIES)
    tokens = _significant("count(MonthEnd d within 12 months) + month_end(today)")
    assert (Name.Builtin, "MonthEnd") in tokens
    assert (Name.Builtin, "month_end") in tokens
