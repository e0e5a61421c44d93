"""Reading the documentation's Markdown pages: fenced blocks and their directives.

Every ```ersl block in `docs/` and `README.md` is checked (`tests/test_docs_blocks.py`),
and every ```console block is run. A block may be preceded by a directive comment, on
the line (or lines) just before its fence, saying what it needs or shows:

    <!-- ersl: stdlib schema/sweden, functions/listing; error E0400 -->

Directives, separated by `;`:

| directive | meaning |
|---|---|
| `stdlib A, B` | the block is checked after `use stdlib "A"`, `use stdlib "B"` |
| `prelude TEXT` | the block is checked after the ERSL `TEXT` (one line) |
| `error CODE` | checking must fail, and every diagnostic must have the code `CODE` |
| `excerpt PATH` | the block is whole lines copied from the repository file `PATH`, which must check |
| `file NAME` | the block is the whole of the file `NAME` of the page's workspace (a temporary folder when the page has none) |
| `append NAME` | the block is added, after a blank line, to the end of the file `NAME` of the page's workspace |
| `exit N` | (console) every command of the block exits with `N` instead of 0 |
| `workspace PATH` | (a comment of its own) the page builds the files of the repository folder `PATH`: it is replayed in an empty folder, where `file`/`append` blocks write and console blocks run, and at the end the files it wrote (less those last written by an `error` block) must be exactly `PATH`'s files, byte for byte |

A directive comment may run over several lines (a `prelude` keeps its line breaks).
A block without a directive must check on its own. `file` and `append` blocks written
one after the other are checked together (so they may `use` each other), each with its
own `error`, before one of them is written again or any other block is checked or run. A ```console block holds commands
after `$ ` and, after each, its exact output; the commands are `ersl` commands run in
the page's workspace (or the repository root).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<lang>[\w+-]*)[ \t]*$")
_DIRECTIVE = re.compile(r"^[ \t]*<!--[ \t]*ersl:(?P<body>.*?)-->[ \t]*$")
_DIRECTIVE_START = re.compile(r"^[ \t]*<!--[ \t]*ersl:")
_DIRECTIVE_MULTI = re.compile(r"^[ \t]*<!--[ \t]*ersl:(?P<body>.*?)-->[ \t]*$", re.S)
KNOWN = {
    "stdlib",
    "prelude",
    "error",
    "excerpt",
    "file",
    "append",
    "exit",
    "workspace",
}


@dataclass
class Block:
    """A fenced code block of a page, with the directives written before it."""

    page: Path
    line: int
    """The line of the opening fence (1-based)."""
    lang: str
    text: str
    directives: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """`docs/page.md:12`, for test ids and messages."""
        return f"{self.page.relative_to(REPO).as_posix()}:{self.line}"


@dataclass
class Page:
    """A Markdown page: its blocks in order and its page-level directives."""

    path: Path
    blocks: list[Block]
    workspace: str | None = None


def parse_directives(body: str, where: str) -> dict[str, str]:
    """`stdlib a, b; error E0400` → {"stdlib": "a, b", "error": "E0400"}."""
    found: dict[str, str] = {}
    for part in body.split(";"):
        part = part.strip()
        if not part:
            continue
        name, value = re.match(r"(\S+)\s*(.*)", part, re.S).groups()
        if name not in KNOWN:
            raise ValueError(f"{where}: unknown directive `{name}` (known: {sorted(KNOWN)})")
        found[name] = value.strip()
    return found


def read_page(path: Path) -> Page:
    """The blocks of a Markdown page and their directives."""
    lines = path.read_text(encoding="utf-8").split("\n")
    page = Page(path, [])
    pending: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _DIRECTIVE.match(line)
        if directive is None and _DIRECTIVE_START.match(line):  # over several lines
            end = next(j for j in range(i, len(lines)) if "-->" in lines[j])
            body = "\n".join(lines[i : end + 1])
            directive = _DIRECTIVE_MULTI.match(body)
            i = end
        if directive:
            parsed = parse_directives(directive["body"], f"{path}:{i + 1}")
            if "workspace" in parsed:
                page.workspace = parsed.pop("workspace")
            pending.update(parsed)
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence and fence["lang"] is not None:
            indent, ticks = fence["indent"], fence["fence"]
            body: list[str] = []
            j = i + 1
            while j < len(lines) and lines[j].strip() != ticks:
                text = lines[j]
                body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
                j += 1
            text = "\n".join(body) + "\n" if body else ""
            page.blocks.append(Block(path, i + 1, fence["lang"], text, pending))
            pending = {}
            i = j + 1
            continue
        if line.strip():
            pending = {}  # a directive belongs to the block right after it
        i += 1
    return page


def pages() -> list[Path]:
    """Every documentation page: `README.md` and the Markdown files under `docs/`."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def ersl_blocks() -> list[Block]:
    """Every ```ersl block of the documentation, in page order."""
    return [block for path in pages() for block in read_page(path).blocks if block.lang == "ersl"]


def stdlib_lines(value: str) -> str:
    """`schema/sweden, functions/p4p` → the `use stdlib` lines."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    return "".join(f'use stdlib "{name}"\n' for name in names)
