"""The grammar's terminals in words, for syntax error messages.

The terminal names and keywords are asked of the parser itself, so the
messages follow the grammar when it changes. Nothing here ever shows a Lark
terminal name to the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

import attrs
from lark import Token

from ersl.syntax.error_words import (
    BLOCK_PREFIXES,
    CLAUSE_WORDS,
    DECL_WORDS,
    HEADER_WORDS,
    TERMINAL_WORDS,
)
from ersl.syntax.parser import get_parser


@attrs.frozen
class Vocabulary:
    """The grammar's terminals: literal text by name, name by literal text, keywords."""

    literal: dict[str, str]
    type_of: dict[str, str]
    keywords: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary of the grammar `parse` uses (built once)."""
    literal = {t.name: t.pattern.value for t in get_parser().terminals if t.pattern.type == "str"}
    type_of = {value: name for name, value in literal.items()}
    keywords = frozenset(name for name, value in literal.items() if value.isalpha())
    return Vocabulary(literal, type_of, keywords)


def terminal(value: str) -> str:
    """The terminal name of a literal (`"{"` -> its name), or a name that never matches."""
    return vocabulary().type_of.get(value, f"<{value}>")


def header_terminals() -> set[str]:
    """Terminals that may stand between a block's keyword and its `{`."""
    return {"STRING", "NAME"} | {terminal(word) for word in HEADER_WORDS}


def keyword_words(terminals: Iterable[str]) -> set[str]:
    """The text of those of `terminals` that are keywords."""
    vocab = vocabulary()
    return {vocab.literal[name] for name in terminals if name in vocab.keywords}


def describe_terminal(name: str) -> str:
    """One terminal in words: `` `amount` ``, `` `{` ``, "a name", "a date (YYYY-MM-DD)"."""
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    literal = vocabulary().literal.get(name)
    if literal is not None:
        return f"`{literal}`"
    return "something else"


def join_words(words: list[str], last: str = "or") -> str:
    """`a, b or c` (or with another last word); "something else" for no words."""
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def describe_expected(accepts: Iterable[str]) -> str:
    """What the parser accepts, in words, with values, operators and declarations grouped."""
    vocab = vocabulary()
    rest = set(accepts)
    groups: list[str] = []
    starters = {"NAME", "NUMBER", "QUANTITY", "DATE", "MONTH", "STRING"} | {
        terminal(v) for v in ("true", "false", "none", "(", "-", "not", "if", "{")
    }
    operators = {
        terminal(v)
        for v in ("+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=")
        + ("and", "or", "in", "not", "otherwise", ".", "(")
    }
    decls = {terminal(v) for v in DECL_WORDS}
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
    words = sorted(keyword_words(rest))
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
    return join_words(groups)


def describe_found(token: Token) -> str:
    """The token the parser stopped at, in words: `` `amount` ``, "the end of the line"."""
    if token.type == "_NL":
        return "the end of the line"
    if token.type == "$END":
        return "the end of the file"
    if token.type == "STRING":
        text = str(token)
        return f"the text {text if len(text) <= 32 else text[:30] + '…' + chr(34)}"
    value = str(token)
    if token.type in ("NUMBER", "QUANTITY") or token.type in vocabulary().literal:
        return f"`{value}`"
    return f"`{value}`" if len(value) <= 40 else f"`{value[:38]}…`"


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


def closest_keyword(word: str, candidates: Iterable[str]) -> str | None:
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


@cache
def block_clauses(kind: str) -> tuple[str, ...]:
    """The clause keywords a block of this kind accepts (asked of the parser itself)."""
    parser = get_parser().parse_interactive(BLOCK_PREFIXES[kind])
    for _ in parser.iter_parse():
        pass
    words = keyword_words(parser.accepts())
    return tuple(sorted(words & CLAUSE_WORDS | (words & {"param", "for"})))
