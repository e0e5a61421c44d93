"""The rule pages: `ersl/lint/docs/*.md` is the source, shipped inside the package so that
`ersl lint --explain CODE` works from an installed wheel; `docs/lint/` in the repository
is a copy for reading on the web (a test keeps the two identical).

    python -m ersl.lint.docs            # copy the pages to docs/lint/
    python -m ersl.lint.docs --check    # exit 1 if docs/lint/ differs
"""

from __future__ import annotations

import sys
from pathlib import Path

from ersl.lint.framework import RULES

DOCS = Path(__file__).resolve().parent / "docs"
REPO_COPY = Path(__file__).resolve().parent.parent.parent / "docs" / "lint"


def page_path(code: str) -> Path:
    """Where the page of `code` (or `index`) is stored in the package."""
    return DOCS / f"{code}.md"


def page(code: str) -> str | None:
    """The markdown page of a rule (code or name, any case), or None."""
    code = resolve(code) or code
    path = page_path(code)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def resolve(name: str) -> str | None:
    """The code a user means by `name`: a code in any case, a rule name, or `index`."""
    if name.lower() == "index":
        return "index"
    if name.upper() in RULES:
        return name.upper()
    for rule in RULES.values():
        if rule.name == name.lower():
            return rule.code
    return None


def pages() -> list[Path]:
    """Every page in the package: index.md and one per rule."""
    return sorted(DOCS.glob("*.md"))


def sync(target: Path = REPO_COPY, check: bool = False) -> list[str]:
    """Copy the pages to `target` (or only compare with `check`); the names that differ."""
    differ = []
    wanted = {p.name: p.read_text(encoding="utf-8") for p in pages()}
    existing = {p.name for p in target.glob("*.md")} if target.is_dir() else set()
    for name, text in wanted.items():
        path = target / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            differ.append(name)
            if not check:
                target.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for name in sorted(existing - set(wanted)):
        differ.append(name)
        if not check:
            (target / name).unlink()
    return differ


def main(argv: list[str] | None = None) -> int:
    """`python -m ersl.lint.docs [--check] [TARGET]`."""
    import ersl.lint  # noqa: F401 - register the rules

    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    target = Path(rest[0]) if rest else REPO_COPY
    differ = sync(target, check)
    for name in differ:
        print(f"{'differs' if check else 'wrote'}: {target / name}")
    return 1 if check and differ else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
