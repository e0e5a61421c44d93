"""Code-set membership (SPEC §3.2), and code patterns as table bands.

A range `"A".."B"` holds code `c` when `c` with dots removed, cut to the
length of the bounds, lies between them (`I12.9` → `I12` ∈ `I10..I15`); a
prefix `"NFB*"` holds every code starting with `NFB`; a single code holds
itself (dots ignored). A table keyed by codes uses the same patterns as bands
(`code_band`).
"""

from __future__ import annotations

from ersl import ast


def _plain(code: str) -> str:
    return code.replace(".", "").upper()


def _in_range(plain: str, low: str, high: str) -> bool:
    return low <= plain[: max(len(low), len(high))] <= high


def code_band(kind: str, low: str | None, high: str | None):
    """The test of one band of a table keyed by codes: `= "NFB49"` (a code),
    `= "NGB*"` (a prefix), `"I10" to "I15"` (a range) or `else`."""
    if kind == "else":
        return lambda code: True
    if kind == "range":
        lo, hi = _plain(low), _plain(high)
        return lambda code: _in_range(_plain(code), lo, hi)
    if low.endswith("*"):
        prefix = _plain(low[:-1])
        return lambda code: _plain(code).startswith(prefix)
    exact = _plain(low)
    return lambda code: _plain(code) == exact


def band_pattern(kind: str, low: str | None, high: str | None) -> tuple:
    """A code band as a pattern: ("else",), ("code", c), ("prefix", p) or
    ("range", low, high), codes without dots in upper case."""
    if kind == "else":
        return ("else",)
    if kind == "range":
        return ("range", _plain(low), _plain(high))
    if low.endswith("*"):
        return ("prefix", _plain(low[:-1]))
    return ("code", _plain(low))


def pattern_example(pattern: tuple) -> str | None:
    """A code the pattern holds (None for an empty range)."""
    if pattern[0] == "range":
        return pattern[1] if pattern[1] <= pattern[2] else None
    return "X" if pattern[0] == "else" else pattern[1]


def pattern_within(inner: tuple, outer: tuple) -> bool:
    """Whether every code `inner` holds, `outer` holds too. Exact for codes, prefixes
    and `else`; a range is judged within a prefix or a range of the same length only
    (otherwise: not within, which errs towards saying nothing)."""
    if outer[0] == "else":
        return True
    if inner[0] == "else":
        return False
    if inner[0] == "code":
        code = inner[1]
        if outer[0] == "code":
            return code == outer[1]
        if outer[0] == "prefix":
            return code.startswith(outer[1])
        return _in_range(code, outer[1], outer[2])
    if inner[0] == "prefix":
        prefix = inner[1]
        if outer[0] == "prefix":
            return prefix.startswith(outer[1])
        if outer[0] == "range":
            cut = max(len(outer[1]), len(outer[2]))
            return len(prefix) >= cut and _in_range(prefix, outer[1], outer[2])
        return False
    low, high = inner[1], inner[2]
    if outer[0] == "prefix":
        return low.startswith(outer[1]) and high.startswith(outer[1])
    if outer[0] == "range" and len(low) == len(high) == len(outer[1]) == len(outer[2]):
        return outer[1] <= low and high <= outer[2]
    return False


class CodeMatcher:
    """Decides membership of codes in one code set."""

    def __init__(self, codeset: ast.Codeset) -> None:
        self.name = codeset.name.name
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.ranges: list[tuple[str, str]] = []
        for item in codeset.items:
            if item.high is not None:
                self.ranges.append((_plain(item.low), _plain(item.high)))
            elif item.low.endswith("*"):
                self.prefixes.append(_plain(item.low[:-1]))
            else:
                self.exact.add(_plain(item.low))

    def holds(self, code: str) -> bool:
        """Whether `code` is in the set."""
        c = _plain(code)
        if c in self.exact or any(c.startswith(p) for p in self.prefixes):
            return True
        return any(_in_range(c, low, high) for low, high in self.ranges)

    def __repr__(self) -> str:
        return f"codeset {self.name}"
