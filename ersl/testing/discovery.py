"""Finding `*_test.ersl` files and selecting tests with `-k`.

`find_test_files(paths)`: a file given by name is taken as it is (any `.ersl`
file); a folder is searched recursively for `*_test.ersl`, skipping hidden
folders (`.git`, `.venv`) and `__pycache__`, `node_modules`, `build`, `dist`
and `site-packages`. Files come sorted by path, each once.

`-k EXPR` works like pytest's: words are matched, case-insensitively, as
substrings of `path::name` of each test; `and`, `or`, `not` and parentheses
combine them. An expression that is not of that form (a test name with
quotes or other punctuation, say) is matched as one substring.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ersl.paths import is_dir, is_file

PATTERN = "*_test.ersl"
SKIPPED_DIRS = {"__pycache__", "node_modules", "build", "dist", "site-packages"}


class DiscoveryError(ValueError):
    """A path given to `ersl test` does not exist, or its `-k` expression nests too deeply."""


def is_test_file(path: Path) -> bool:
    """Whether a file name is that of a contract test file."""
    return path.name.endswith("_test.ersl")


def find_test_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The test files under `paths` (see the module docstring)."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if is_file(path):
            found[path] = None
        elif is_dir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                for name in sorted(files):
                    if name.endswith("_test.ersl"):
                        found[Path(root) / name] = None
        else:
            raise DiscoveryError(f"{given} does not exist")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return sorted(unique.values(), key=lambda p: str(p))


_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def keyword_matcher(expression: str) -> Callable[[str], bool]:
    """A predicate on `path::name` for a `-k` expression."""
    tokens = _TOKEN.findall(expression)
    try:
        parser = _Parser(tokens)
        tree = parser.expression()
        if parser.pos != len(tokens):
            raise SyntaxError(expression)
    except SyntaxError:
        needle = expression.strip().lower()
        return lambda text: needle in text.lower()
    return lambda text: tree(text.lower())


#: How deeply a `-k` expression may nest parentheses.
MAX_KEYWORD_NESTING = 200


class _Parser:
    """`or` of `and` of `not`-prefixed words or parenthesised expressions.

    Chains of `or`, `and` and `not` are built flat (no recursion per operator), and
    parentheses may nest at most `MAX_KEYWORD_NESTING` deep (a `DiscoveryError`).
    """

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self):
        parts = [self.conjunction()]
        while self._peek() == "or":
            self.pos += 1
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda t: any(part(t) for part in parts)

    def conjunction(self):
        parts = [self.negation()]
        while self._peek() == "and":
            self.pos += 1
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda t: all(part(t) for part in parts)

    def negation(self):
        negate = False
        while self._peek() == "not":
            self.pos += 1
            negate = not negate
        inner = self._operand()
        return (lambda t: not inner(t)) if negate else inner

    def _operand(self):
        token = self._peek()
        if token == "(":
            self.depth += 1
            if self.depth > MAX_KEYWORD_NESTING:
                raise DiscoveryError(
                    f"the -k expression nests parentheses deeper than {MAX_KEYWORD_NESTING} levels"
                )
            self.pos += 1
            inner = self.expression()
            if self._peek() != ")":
                raise SyntaxError("missing )")
            self.pos += 1
            self.depth -= 1
            return inner
        if token is None or token in ("and", "or", ")"):
            raise SyntaxError("expected a word")
        self.pos += 1
        word = token.lower()
        return lambda t: word in t


__all__ = ["PATTERN", "DiscoveryError", "find_test_files", "is_test_file", "keyword_matcher"]
