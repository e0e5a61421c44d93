"""MkDocs hooks for the ERSL documentation site (`mkdocs.yml`: `hooks:`).

The pages are written to be read on GitHub as well as on the site, so they link to
repository files with relative paths (`../../stdlib_rules/stockholm/husläkare.ersl`).
Those files are outside `docs/`; for the site this hook makes a page for each one
(its text in a highlighted code block, ERSL through ERSL's own Pygments lexer) under
`repository/`, and points the links there. It also writes the Pygments style sheet the
highlighted blocks use. A link to a repository path that does not exist is left alone,
so `mkdocs build --strict` reports it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files
from pygments.formatters import HtmlFormatter

REPO = Path(__file__).resolve().parent.parent
PREFIX = "repository"
"""Where the pages of repository files go in the site."""

STYLE = "friendly"
"""The Pygments style of code blocks."""

_LINK = re.compile(r"(\]\()(?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?(\))")
_FENCE = re.compile(r"^\s*```")
_LANGUAGES = {".ersl": "ersl", ".json": "json", ".jsonl": "json", ".csv": "text", ".py": "python"}


def _outside_target(page_uri: str, target: str) -> str | None:
    """The repository path a relative link of the page at `page_uri` (inside docs/)
    points to, when it leads out of docs/ to an existing file; else None."""
    if "://" in target or target.startswith(("/", "mailto:")):
        return None
    joined = posixpath.normpath(posixpath.join("docs", posixpath.dirname(page_uri), target))
    if not joined.startswith("../") and not joined.startswith("docs/") and joined != "docs":
        path = REPO / joined
        if path.is_file() and joined.split("/")[0] in ("stdlib_rules", "examples", "grammar"):
            return joined
    return None


def _links(markdown: str):
    """The Markdown links outside fenced code blocks: (match, ...) per line."""
    inside = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            yield from _LINK.finditer(line)


def _page_for(path: str) -> str:
    """The site page of a repository file, e.g. `repository/examples/x/contract.ersl.md`."""
    return f"{PREFIX}/{path}.md"


def _content(path: str) -> str:
    text = (REPO / path).read_text(encoding="utf-8")
    language = _LANGUAGES.get(Path(path).suffix, "text")
    fence = "````" if "```" in text else "```"
    return (
        f"# `{path}`\n\n"
        f"The file `{path}` of the ERSL repository, shown here as it was when the site "
        f"was built.\n\n{fence}{language}\n{text.rstrip()}\n{fence}\n"
    )


def on_files(files: Files, config) -> Files:
    """Add a page for every repository file the pages link to, and the style sheet."""
    wanted = set()
    for file in files.documentation_pages():
        markdown = Path(file.abs_src_path).read_text(encoding="utf-8")
        for match in _links(markdown):
            target = _outside_target(file.src_uri, match["target"])
            if target:
                wanted.add(target)
    for target in sorted(wanted):
        files.append(File.generated(config, _page_for(target), content=_content(target)))
    style = HtmlFormatter(style=STYLE).get_style_defs(".highlight")
    files.append(File.generated(config, "css/pygments.css", content=style))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Point links to repository files at their pages in the site."""
    page_uri = page.file.src_uri

    def rewrite(match: re.Match) -> str:
        target = _outside_target(page_uri, match["target"])
        if target is None:
            return match[0]
        relative = posixpath.relpath(_page_for(target), posixpath.dirname(page_uri) or ".")
        return f"{match[1]}{relative}{match['anchor'] or ''}{match[4]}"

    out, inside = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            inside = not inside
        out.append(line if inside else _LINK.sub(rewrite, line))
    return "\n".join(out)
