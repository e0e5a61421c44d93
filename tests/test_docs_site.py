"""The documentation site: `mkdocs build --strict` passes, ERSL is highlighted by ERSL's
own Pygments lexer, and every page of the reference and the cookbook is in the menu.

`mkdocs.yml` builds `docs/` with `docs/site_hooks.py`, which gives the repository files
the pages link to (`../../stdlib_rules/…`) pages of their own. `--strict` turns every
warning — a broken link, a missing anchor — into a failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built once with --strict into a temporary folder."""
    folder = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return folder


def test_the_site_builds_strictly(site: Path) -> None:
    for page in (
        "index.html",
        "tutorial/index.html",
        "reference/index.html",
        "cookbook/index.html",
    ):
        assert (site / page).is_file(), page


def test_ersl_blocks_are_highlighted_by_the_ersl_lexer(site: Path) -> None:
    html = (site / "reference" / "payments" / "index.html").read_text(encoding="utf-8")
    # Keyword.Declaration, a declaration's name (Name.Class) and a rate as one Money token:
    # token kinds only ERSL's lexer gives these words.
    assert '<span class="kd">payment</span>' in html
    assert '<span class="nc">"Per listad"</span>' in html
    assert '<span class="m m-Money">120 kr/year</span>' in html
    assert ".highlight .kd" in (site / "css" / "pygments.css").read_text(encoding="utf-8")


def test_links_to_repository_files_have_pages(site: Path) -> None:
    html = (site / "cookbook" / "capitation" / "index.html").read_text(encoding="utf-8")
    assert "../../repository/stdlib_rules/stockholm/husl%C3%A4kare.ersl/" in html
    page = site / "repository" / "stdlib_rules" / "stockholm" / "husläkare.ersl" / "index.html"
    assert '<span class="kd">payment</span>' in page.read_text(encoding="utf-8")


def _nav_pages(items) -> set[str]:
    found: set[str] = set()
    for item in items:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                found |= _nav_pages(value) if isinstance(value, list) else {value}
    return found


def test_every_reference_and_cookbook_page_is_in_the_menu() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = _nav_pages(config["nav"])
    for folder in ("reference", "cookbook"):
        for page in sorted((REPO / "docs" / folder).glob("*.md")):
            assert f"{folder}/{page.name}" in listed, f"add docs/{folder}/{page.name} to mkdocs.yml"
    for page in sorted((REPO / "docs").glob("*.md")):
        assert page.name in listed, f"add docs/{page.name} to mkdocs.yml"
