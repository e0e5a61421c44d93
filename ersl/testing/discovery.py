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

PATTERN = "*_test.ersl"
SKIPPED_DIRS = {"__pycache__", "node_modules", "build", "dist", "site-packages"}


class DiscoveryError(ValueError):
    """A path given to `ersl test` does not exist."""


def is_test_file(path: Path) -> bool:
    """Whether a file name is that of a contract test file."""
    return path.name.endswith("_test.ersl")


def find_test_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The test files under `paths` (see the module docstring)."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if path.is_file():
            found[path] = None
        elif path.is_dir():
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


class _Parser:
    """`or` of `and` of `not`-prefixed words or parenthesised expressions."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self):
        left = self.conjunction()
        while self._peek() == "or":
            self.pos += 1
            right = self.conjunction()
            left = (lambda a, b: lambda t: a(t) or b(t))(left, right)
        return left

    def conjunction(self):
        left = self.negation()
        while self._peek() == "and":
            self.pos += 1
            right = self.negation()
            left = (lambda a, b: lambda t: a(t) and b(t))(left, right)
        return left

    def negation(self):
        token = self._peek()
        if token == "not":
            self.pos += 1
            inner = self.negation()
            return lambda t: not inner(t)
        if token == "(":
            self.pos += 1
            inner = self.expression()
            if self._peek() != ")":
                raise SyntaxError("missing )")
            self.pos += 1
            return inner
        if token is None or token in ("and", "or", ")"):
            raise SyntaxError("expected a word")
        self.pos += 1
        word = token.lower()
        return lambda t: word in t


__all__ = ["PATTERN", "DiscoveryError", "find_test_files", "is_test_file", "keyword_matcher"]
