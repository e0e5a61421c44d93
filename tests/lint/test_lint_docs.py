"""The rule pages: one per rule plus an index, shipped in the package (`ersl/lint/docs/`)
and copied unchanged to `docs/lint/`; each page's example triggers its rule exactly as
the page shows, and its fix does not."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

from ersl.lint import RULES, LintConfig, lint_file
from ersl.lint.docs import DOCS, page, sync

CODES = sorted(RULES)


def section(text: str, name: str) -> str:
    """The body of `## name`, ignoring `##` lines inside code blocks."""
    out, inside, fence = [], False, False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            inside = line == f"## {name}"
            continue
        if inside:
            out.append(line)
    return "\n".join(out) + "\n"


def first_block(text: str, lang: str) -> str:
    match = re.search(rf"```{lang}\n(.*?)```", text, re.S)
    assert match, f"no ```{lang} block"
    return match.group(1)


def test_docs_lint_is_a_copy_of_the_packaged_pages():
    differ = sync(REPO / "docs" / "lint", check=True)
    assert differ == [], "run `python -m ersl.lint.docs` to update docs/lint/"


def test_one_page_per_rule_and_an_index():
    names = sorted(p.stem for p in DOCS.glob("*.md"))
    assert names == sorted(CODES + ["index"])


@pytest.mark.parametrize("code", CODES)
def test_page_structure(code):
    rule = RULES[code]
    text = page(code)
    assert text.startswith(f"# {code} {rule.name} — ")
    assert f"Severity: **{rule.severity}** · Category: {rule.category}" in text
    for heading in ("What", "Why", "Example", "Fix"):
        assert section(text, heading).strip(), f"{code}: empty `## {heading}`"
    for source in rule.sources:  # incentive rules cite the seed documents
        assert source in section(text, "Why")
    if rule.category == "incentives":
        assert rule.sources


def test_index_lists_every_rule_as_registered():
    text = page("index")
    rows = re.findall(
        r"^\| \[(L\d+)\]\(\1\.md\) \| (\S+) \| (\w+) \| (\w+) \| (.*) \|$", text, re.M
    )
    assert [r[0] for r in rows] == CODES
    for code, name, severity, category, summary in rows:
        rule = RULES[code]
        assert (name, severity, category, summary) == (
            rule.name,
            rule.severity,
            rule.category,
            rule.summary,
        )


@pytest.mark.parametrize("code", CODES)
def test_example_triggers_as_shown_and_fix_does_not(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = page(code)
    example = section(text, "Example")
    shown = first_block(example.split("is reported as", 1)[1], "text").splitlines()[0]
    (tmp_path / "contract.ersl").write_text(first_block(example, "ersl"), encoding="utf-8")
    findings = lint_file("contract.ersl", LintConfig()).findings
    heads = [f"{f.span}: {f.severity}[{f.code}]: {f.message}" for f in findings]
    assert shown in heads
    (tmp_path / "contract.ersl").write_text(
        first_block(section(text, "Fix"), "ersl"), encoding="utf-8"
    )
    fixed = lint_file("contract.ersl", LintConfig()).findings
    assert [f for f in fixed if f.code == code] == []


def test_pages_ship_in_the_wheel(tmp_path):
    """`ersl lint --explain` reads the pages from the package, so the wheel must hold them."""
    if os.environ.get("ERSL_SKIP_WHEEL_TEST"):
        pytest.skip("ERSL_SKIP_WHEEL_TEST is set")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)]
        + [str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("ersl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in DOCS.glob("*.md"):
        assert f"ersl/lint/docs/{path.name}" in names
