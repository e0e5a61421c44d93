"""Locating the files ERSL ships: the grammar and the standard library.

In an installed wheel both live inside the package (`ersl/grammar`,
`ersl/stdlib_rules`); in a source checkout they are at the repository root.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _package_dir(name: str) -> Path | None:
    candidate = resources.files("ersl") / name
    if candidate.is_dir():
        return Path(str(candidate))
    return None


def grammar_path() -> Path:
    """Path of `ersl.lark`, from the installed package or the checkout."""
    packaged = _package_dir("grammar")
    if packaged is not None:
        return packaged / "ersl.lark"
    return _REPO_ROOT / "grammar" / "ersl.lark"


def stdlib_root() -> Path:
    """Folder holding the standard library (`use stdlib "…"` resolves here)."""
    packaged = _package_dir("stdlib_rules")
    if packaged is not None:
        return packaged
    return _REPO_ROOT / "stdlib_rules"
