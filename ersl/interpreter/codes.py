"""Code-set membership (SPEC §3.2).

A range `"A".."B"` holds code `c` when `c` with dots removed, cut to the
length of the bounds, lies between them (`I12.9` → `I12` ∈ `I10..I15`); a
prefix `"NFB*"` holds every code starting with `NFB`; a single code holds
itself (dots ignored).
"""

from __future__ import annotations

from ersl import ast


def _plain(code: str) -> str:
    return code.replace(".", "").upper()


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
        for low, high in self.ranges:
            cut = c[: max(len(low), len(high))]
            if low <= cut <= high:
                return True
        return False

    def __repr__(self) -> str:
        return f"codeset {self.name}"
