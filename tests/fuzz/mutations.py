"""Hypothesis strategies that mutate the repository's own files and command lines.

The seeds are the repository's contracts and test files (`stdlib_rules/`, `examples/`;
the two very large Stockholm files are left out to keep an input fast), its data files
and the command lines of its examples. A mutant is a seed changed by one to three
operations: a token deleted, duplicated or swapped with another; a random character
inserted (NUL, a byte-order mark, CR, a non-ASCII digit, any other); a huge number; a
deep nesting; line ends turned into CRLF; the text truncated.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
#: Seeds larger than this are left out: each input must settle in well under a second.
MAX_SEED_BYTES = 20_000

TOKEN_RE = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'  # a text
    r"|#[^\n]*"  # a comment
    r"|\d{4}-\d{2}(?:-\d{2})?"  # a date or month
    r"|\d[\d_]*(?:\.\d[\d_]*)?"  # a number
    r"|[^\W\d]\w*"  # a word
    r"|->|\.\.|==|!=|<=|>="  # two-character symbols
    r"|\S"  # any other character
)
#: Characters that broke ERSL before issue 17, and a few more.
NASTY_CHARACTERS = (
    "\0",
    "\ufeff",
    "\r",
    "\r\n",
    "\t",
    "\x0c",
    "\u2028",
    "١٢٣",
    "１２",
    "٣",
    "é",
    "😀",
    '"',
    "#",
    "{",
    "}",
    "(",
    ")",
    ",",
    "\\",
)
HUGE_NUMBERS = ("9" * 31, "9" * 5000, "0." + "1" * 40, "1e999999999", "4294967296", "1" * 200)


def _seeds(pattern: str, contract_test_files: bool) -> tuple[tuple[str, str], ...]:
    found = []
    for folder in ("stdlib_rules", "examples"):
        for path in sorted((REPO / folder).rglob(pattern)):
            if path.name.endswith("_test.ersl") != contract_test_files:
                continue
            if path.stat().st_size > MAX_SEED_BYTES:
                continue
            found.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    return tuple(found)


@lru_cache(maxsize=1)
def contract_seeds() -> tuple[tuple[str, str], ...]:
    """(repository path, text) of every contract and library file used as a seed."""
    return _seeds("*.ersl", contract_test_files=False)


@lru_cache(maxsize=1)
def contract_test_file_seeds() -> tuple[tuple[str, str], ...]:
    """(repository path, text) of the example test files used as seeds (they run fast)."""
    return tuple(
        s for s in _seeds("*_test.ersl", contract_test_files=True) if s[0].startswith("examples")
    )


def tokens(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, roughly as ERSL reads it."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def nesting(draw) -> str:
    """Something nested deeply: parentheses, `not`s, calls, braces, `otherwise`."""
    depth = draw(st.sampled_from((50, 199, 260, 1000, 5000)))
    kind = draw(st.sampled_from(("paren", "not", "call", "brace", "otherwise", "minus")))
    if kind == "paren":
        return "(" * depth + "1" + ")" * depth
    if kind == "not":
        return "not " * depth + "true"
    if kind == "call":
        return "year(" * depth + "d" + ")" * depth
    if kind == "brace":
        return "{" * depth + "1" + "}" * depth
    if kind == "minus":
        return "-" * depth + "1"
    return "1 otherwise " * depth + "1"


OPERATIONS = (
    "delete",
    "duplicate",
    "swap",
    "character",
    "huge",
    "nest",
    "crlf",
    "truncate",
    "line",
)


@st.composite
def mutated(draw, text: str, operations: tuple[str, ...] = OPERATIONS) -> str:
    """`text` changed by one to three mutation operations."""
    for _ in range(draw(st.integers(1, 3))):
        spans = tokens(text)
        operation = draw(st.sampled_from(operations))
        if operation == "truncate" or not spans:
            text = text[: draw(st.integers(0, len(text)))]
            continue
        if operation == "crlf":
            text = text.replace("\n", "\r\n")
            continue
        i = draw(st.integers(0, len(spans) - 1))
        start, end = spans[i]
        if operation == "delete":
            text = text[:start] + text[end:]
        elif operation == "duplicate":
            text = text[:end] + " " + text[start:end] + text[end:]
        elif operation == "swap":
            j = draw(st.integers(0, len(spans) - 1))
            (a, b), (c, d) = sorted([spans[i], spans[j]])
            if b <= c:
                text = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
        elif operation == "character":
            char = draw(st.one_of(st.sampled_from(NASTY_CHARACTERS), st.characters()))
            at = draw(st.sampled_from((start, end)))
            text = text[:at] + char + text[at:]
        elif operation == "huge":
            text = text[:start] + draw(st.sampled_from(HUGE_NUMBERS)) + text[end:]
        elif operation == "nest":
            text = text[:start] + nesting(draw) + text[end:]
        elif operation == "line":
            lines = text.split("\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(k, lines[draw(st.integers(0, len(lines) - 1))])
            text = "\n".join(lines)
    return text


@st.composite
def contracts(draw) -> tuple[str, str]:
    """(seed path, mutated text) of a contract or library file."""
    path, text = draw(st.sampled_from(contract_seeds()))
    return path, draw(mutated(text))


@st.composite
def contract_test_files(draw) -> tuple[str, str]:
    """(seed path, mutated text) of an example's test file."""
    path, text = draw(st.sampled_from(contract_test_file_seeds()))
    return path, draw(mutated(text))


DATA_OPERATIONS = ("delete", "duplicate", "swap", "character", "huge", "crlf", "truncate", "line")


@st.composite
def data_files(draw) -> tuple[str, str, str]:
    """(example folder, data file name, mutated text): JSON Lines, a CSV table, or a
    line nested thousands deep / with an enormous exponent / blank lines."""
    example = draw(st.sampled_from(("tutorial", "primary_care", "hospital", "hip_knee")))
    folder = REPO / "examples" / example
    names = ["data.jsonl"] + (["fees.csv"] if (folder / "fees.csv").exists() else [])
    name = draw(st.sampled_from(names))
    text = (folder / name).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(("mutate", "mutate", "mutate", "deep", "exponent", "blank")))
    if kind == "deep":
        depth = draw(st.sampled_from((100, 10_000, 100_000)))
        text += '{"type": "patient", "id": "X", "cni": ' + "[" * depth + "]" * depth + "}\n"
    elif kind == "exponent":
        number = draw(st.sampled_from(("1e999999999", "1e-999999999", "1e100000", "-0e99999")))
        text += f'{{"type": "patient", "id": "X", "birth_date": "1950-01-01", "cni": {number}}}\n'
    elif kind == "blank":
        text = text.replace("\n", "\n\n", draw(st.integers(1, 3)))
    return example, name, draw(mutated(text, DATA_OPERATIONS))


#: Values an argument may be replaced with. Paths are relative: the harness runs in a
#: temporary folder, so nothing is ever written into the repository.
ODD_VALUES = (
    "",
    "-",
    "--",
    "inf",
    "nan",
    "-1",
    "0",
    "abc",
    "9" * 40,
    "999999",
    "2019-13",
    "2019-Q5",
    "2019..2018",
    "1e999999999",
    "missing/out.txt",
    ".",
    "a" * 300,
    "a\0b",
    "x=",
    "=1",
    "cni_rate=" + "9" * 5000,
    "visit_fee=missing.csv",
    "١٢٣",
)
OPTIONS = (
    "--period",
    "--param",
    "--data",
    "--format",
    "-o",
    "--skip-invalid",
    "--payee",
    "--name",
    "--line-period",
    "-k",
    "--junit-xml",
    "--coverage",
    "--coverage-threshold",
    "--coverage-xml",
    "--examples",
    "--seed",
    "--max-size",
    "--check",
    "--diff",
    "--fail-on",
    "--select",
    "--ignore",
    "--root",
    "--explain",
    "--help",
)

#: Command lines of the tutorial, run in a folder holding a copy of it.
BASE_ARGUMENTS = (
    ("check", "clinic.ersl"),
    ("check", "--format", "json", "clinic.ersl", "clinic_test.ersl"),
    ("lint", "clinic.ersl"),
    ("lint", "--format", "json", "clinic.ersl"),
    ("fmt", "--check", "clinic.ersl"),
    ("fmt", "--diff", "clinic.ersl"),
    ("highlight", "clinic.ersl", "-o", "out.html", "--format", "html"),
    (
        "run",
        "clinic.ersl",
        "--data",
        "data.jsonl",
        "--period",
        "2019-03",
        "--param",
        "visit_fee=fees.csv",
    ),  # fmt: skip
    (
        "run",
        "clinic.ersl",
        "--data",
        "data.jsonl",
        "--period",
        "2019",
        "--param",
        "visit_fee=fees.csv",
        "--format",
        "csv",
        "-o",
        "out.csv",
    ),  # fmt: skip
    (
        "explain",
        "clinic.ersl",
        "--data",
        "data.jsonl",
        "--period",
        "2019-03",
        "--param",
        "visit_fee=fees.csv",
        "--payee",
        "VC1",
        "--name",
        "Besöksersättning",
    ),  # fmt: skip
    ("test", "clinic_test.ersl", "--examples", "2", "-k", "capitation"),
    (
        "test",
        "clinic_test.ersl",
        "--examples",
        "2",
        "--coverage-threshold",
        "50",
        "--junit-xml",
        "junit.xml",
        "-k",
        "not cap",
    ),  # fmt: skip
)


@st.composite
def argument_lists(draw) -> list[str]:
    """A tutorial command line with one to three arguments deleted, duplicated,
    swapped, replaced by an odd value or an option, or added."""
    argv = list(draw(st.sampled_from(BASE_ARGUMENTS)))
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(("delete", "duplicate", "swap", "replace", "add")))
        i = draw(st.integers(1, len(argv) - 1)) if len(argv) > 1 else 0
        if operation == "delete" and len(argv) > 1:
            del argv[i]
        elif operation == "duplicate":
            argv.insert(i, argv[i])
        elif operation == "swap" and len(argv) > 2:
            j = draw(st.integers(1, len(argv) - 1))
            argv[i], argv[j] = argv[j], argv[i]
        elif operation == "replace":
            argv[i] = draw(st.sampled_from(ODD_VALUES))
        else:
            value = draw(st.one_of(st.sampled_from(OPTIONS), st.sampled_from(ODD_VALUES)))
            argv.insert(i + 1 if argv else 0, value)
    if argv and argv[0] == "lsp":  # the language server would wait for an editor
        argv[0] = "check"
    return argv
