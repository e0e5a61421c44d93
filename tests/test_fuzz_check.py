"""Mutated contracts never crash `ersl check` (issue 2, acceptance).

Hypothesis takes a valid ERSL file — a code block of SPEC.md or an `.ersl` file
of the repository — and mutates it: deletes a token, inserts or substitutes a
token from the grammar's vocabulary, swaps two tokens, duplicates a line or
truncates the text. `ersl check` must then end with exit 0 or 1, and on 1 print
a rendered diagnostic (`path:line:col: error[CODE]: message` and a caret
line), never a traceback and never exit 3. Messages must not leak Lark's
terminal names.

`CHECK` selects how a mutant is checked: the CLI in-process (the acceptance
criterion) or only the parser (`_check_with_parse`); switching is one line.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from ersl.cli import main
from ersl.errors import ErslError
from ersl.syntax import parse
from ersl.syntax.parser import get_parser
from ersl.syntax.syntax_errors import classify

REPO = Path(__file__).resolve().parents[1]
SPEC = Path(__file__).resolve().parents[2] / "shared" / "SPEC.md"
EXAMPLES = int(os.environ.get("ERSL_FUZZ_EXAMPLES", "2000"))

# SPEC blocks 6 and 7 hold `…` placeholders; these make them valid ERSL.
PLACEHOLDERS = (
    ("weight   …", "weight   1.5 when true"),
    ("{ … }", "{ population listed patients p at q  numerator true }"),
    ("…", "false"),
)
DIAGNOSTIC_RE = re.compile(r"^\S.*:\d+:\d+: error\[E\d{4}\]: \S", re.M)
CARET_RE = re.compile(r"^ *\d* \| +\^+", re.M)
TOKEN_RE = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'  # a text
    r"|#[^\n]*"  # a comment
    r"|\d{4}-\d{2}(?:-\d{2})?"  # a date or month
    r"|\d[\d_]*(?:\.\d[\d_]*)?(?:[ \t]*(?:[tM]?kr|M?SEK)(?:/(?:year|month|day))?|[ \t]*%"
    r"|[ \t]*(?:pp|days?|weeks?|months?|years?)(?!\w))?"  # a number with its unit
    r"|[^\W\d]\w*"  # a word
    r"|->|\.\.|==|!=|<=|>="  # two-character symbols
    r"|\S"  # any other character
)
EXTRA_VOCABULARY = (
    "x",
    "v.mode",
    "fee(v.profession)",
    "390 kr",
    "390 kr/year",
    "33 %",
    "3 pp",
    "900 days",
    "2022-01-01",
    "2022-03",
    "2022-1-1",
    "1.5",
    "6 500",
    "1,5",
    '"text"',
    '"unterminated',
    "%",
    "&&",
    "!",
    "“",
    "…",
    "\u00a0",
    "kronor",
    "amout",
    "paymnet",
    "\n",
    "\n\n",
    "# comment\n",
)


def _check_with_cli(path: Path) -> tuple[int, str]:
    """Run `ersl check PATH` in-process; return the exit code and everything printed."""
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["check", str(path)])
    return code, out.getvalue()


def _check_with_parse(path: Path) -> tuple[int, str]:
    """Only parse (for use while `ersl check` does not exist): only ErslError may escape."""
    try:
        parse(path.read_text(encoding="utf-8"), str(path))
    except ErslError as error:
        return 1, error.render()
    return 0, ""


CHECK = _check_with_cli


def _spec_blocks() -> list[str]:
    if not SPEC.exists():
        return []
    blocks = re.findall(r"```ersl\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    result = []
    for block in blocks:
        for old, new in PLACEHOLDERS:
            block = block.replace(old, new)
        result.append(block)
    return result


def _repo_files() -> list[str]:
    texts = []
    for path in sorted(REPO.rglob("*.ersl")):
        parts = path.relative_to(REPO).parts
        if any(p.startswith(".") or p in ("node_modules", "build", "dist") for p in parts):
            continue
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return texts


@lru_cache(maxsize=1)
def corpus() -> tuple[str, ...]:
    """The valid files to mutate: SPEC blocks (placeholders replaced) and the repo's .ersl files."""
    return tuple(t for t in _spec_blocks() + _repo_files() if t.strip())


@lru_cache(maxsize=1)
def vocabulary() -> tuple[str, ...]:
    """Every literal of the grammar (keywords and symbols) plus sample values and mistakes."""
    literals = sorted({t.pattern.value for t in get_parser().terminals if t.pattern.type == "str"})
    return tuple(literals) + EXTRA_VOCABULARY


def terminal_names() -> set[str]:
    """Lark's names for the grammar's terminals, which must never reach a user."""
    return {t.name for t in get_parser().terminals} | {"$END"}


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in TOKEN_RE.finditer(text)]


@st.composite
def mutants(draw) -> str:
    """A corpus file with one to three random mutations applied."""
    text = draw(st.sampled_from(corpus()))
    for _ in range(draw(st.integers(1, 3))):
        tokens = _tokens(text)
        kind = draw(st.sampled_from(("delete", "insert", "replace", "swap", "line", "truncate")))
        if not tokens or kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        i = draw(st.integers(0, len(tokens) - 1))
        start, end = tokens[i]
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "insert":
            word = draw(st.sampled_from(vocabulary()))
            text = text[:start] + word + draw(st.sampled_from(("", " "))) + text[start:]
        elif kind == "replace":
            text = text[:start] + draw(st.sampled_from(vocabulary())) + text[end:]
        elif kind == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            (a, b), (c, d) = sorted([tokens[i], tokens[j]])
            if b <= c:
                text = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
        else:
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, max(len(lines) - 1, 0)))
            if lines:
                lines.insert(k, lines[k] if lines[k].endswith("\n") else lines[k] + "\n")
            text = "".join(lines)
    return text


def _leaks(output: str, names: set[str]) -> list[str]:
    """Terminal names found in diagnostic text (outside quoted source)."""
    found = []
    for line in output.splitlines():
        if re.match(r"^ *\d* \|", line):  # quoted source and caret lines
            continue
        if "__ANON" in line or "$END" in line or "__anon" in line:
            found.append(line)
            continue
        unquoted = re.sub(r"`[^`]*`|\"[^\"]*\"", "", line)
        for word in re.findall(r"\b_?[A-Z][A-Z_0-9]+\b", unquoted):
            if word in names:
                found.append(line)
    return found


@pytest.fixture(scope="module")
def folder():
    """One temporary folder for all examples (Hypothesis forbids function-scoped tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="ersl-fuzz-") as name:
        yield Path(name)


@pytest.mark.skipif(not corpus(), reason="no corpus: SPEC.md is absent and the repo has no .ersl")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=mutants())
def test_mutated_files_check_cleanly(folder, text):
    """A mutated file checks with exit 0 or 1 and a rendered diagnostic, never a crash."""
    path = folder / "mutant.ersl"
    path.write_text(text, encoding="utf-8")
    code, output = CHECK(path)
    assert code in (0, 1), f"exit {code}\n{output}"
    assert "Traceback" not in output
    if code == 1:
        assert DIAGNOSTIC_RE.search(output), output
        assert CARET_RE.search(output), output
    leaks = _leaks(output, terminal_names())
    assert not leaks, leaks


def test_corpus_is_valid_syntax():
    """Every corpus file parses, so mutations start from valid ERSL."""
    for text in corpus():
        parse(text, "corpus.ersl")


def test_leak_detector_finds_terminal_names():
    """The terminal-name detector itself works."""
    names = terminal_names()
    assert _leaks("x.ersl:1:1: error[E0100]: expected RPAR, found NAME", names)
    assert _leaks("help: expected `__anon_0`", names)
    assert not _leaks('x.ersl:1:1: error[E0100]: expected `)`, found "AMOUNT"', names)


@pytest.mark.skipif(not corpus(), reason="no corpus: SPEC.md is absent and the repo has no .ersl")
@settings(
    max_examples=max(EXAMPLES // 8, 50), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(text=mutants())
def test_syntax_classifier_never_needs_its_fallback(text):
    """The syntax-error rules themselves never raise (the fallback only guards users)."""
    try:
        get_parser().parse(text)
    except UnexpectedInput as error:
        diagnostic = classify(error, text, "mutant.ersl")
        assert diagnostic.code.startswith("E01")
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
        assert diagnostic.span.line <= max(text.count("\n") + 1, 1)
