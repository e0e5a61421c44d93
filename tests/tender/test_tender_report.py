"""The HTML report (issue 15 §3): self-contained, deterministic, the expected charts;
and in a real browser — headless Chromium (the Debian package, installed by .ci/run)
over the DevTools protocol — no console error, every chart rendered with its marks,
sortable tables, and a screenshot written to tmp/artifacts/ as a test artefact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ersl.api as api
from ersl.cli import main
from ersl.tender.diff import Side, compare
from ersl.tender.report import diff_report, statement_report

from .chromium import Browser, find

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = (FIXTURES / "old.ersl").read_text(encoding="utf-8")
ARTIFACTS = REPO / "tmp" / "artifacts"


@pytest.fixture(scope="module")
def impact(tmp_path_factory):
    """fixtures/diff/old.ersl with the fee raised 100 → 120 kr (test_tender_diff.py)."""
    new_path = tmp_path_factory.mktemp("r") / "new.ersl"
    new_path.write_text(OLD.replace("= 100 kr", "= 120 kr"), encoding="utf-8")
    old, new = api.load(FIXTURES / "old.ersl"), api.load(new_path)
    data = api.read_data([FIXTURES / "data.jsonl"], old)
    return compare(Side(old, "old.ersl", "2022"), Side(new, "new.ersl", "2022"), data)


#: Marks of the diff report of `impact`: totals by kind 2 kinds × old/new = 4; shares:
#: fixed and variable on the old, new and sources' rows = 6; providers A, B × old/new
#: = 4; per listed: 12 bins × old/new = 24.
CHART_MARKS = [4, 6, 4, 24]


def test_the_report_is_self_contained(impact):
    html = diff_report(impact)
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<script>" in html
    assert not re.search(r"<link|<img|\bsrc=|\bhref=|@import|url\(", html)
    # the only URL is the SVG namespace, which is a name, never fetched
    assert set(re.findall(r"https?://[^\"' ]+", html)) == {"http://www.w3.org/2000/svg"}
    assert html == diff_report(impact)  # deterministic


def test_the_charts_and_tables_of_a_diff(impact):
    html = diff_report(impact)
    charts = re.findall(r"<svg .*?</svg>", html)
    assert [c.count('class="mark"') for c in charts] == CHART_MARKS
    # old and new bars of provider A: 4000.00 and 4080.00 kr
    assert "A — old: 4000.00</title>" in html and "A — new: 4080.00</title>" in html
    assert html.count('<table class="sortable">') == 2
    assert '<td class="n" data-v="80.00"><span class="up">+80.00</span></td>' in html
    assert "<b>[1]</b> parameter fee changed: value" in html


def test_swedish_numbers(impact):
    html = diff_report(impact, swedish=True)
    assert "5\u00a0300,00\u00a0kr → 5\u00a0400,00\u00a0kr" in html
    assert 'data-v="4000.00">4\u00a0000,00\u00a0kr' in html  # sorting keeps the plain value


def test_the_statement_report_and_the_commands(tmp_path):
    contract = api.load(FIXTURES / "old.ersl")
    data = api.read_data([FIXTURES / "data.jsonl"], contract)
    statement = contract.settle(data, "2022")
    html = statement_report(statement, data)
    charts = re.findall(r"<svg .*?</svg>", html)
    # kinds: fixed, variable = 2; shares: statement 2 + sources 2 = 4; payees A, B = 2;
    # per listed: 12 bins
    assert [c.count('class="mark"') for c in charts] == [2, 4, 2, 12]
    out = tmp_path / "run.html"
    args = [str(FIXTURES / "old.ersl"), "--data", str(FIXTURES / "data.jsonl"), "--period", "2022"]
    assert main(["run", *args, "--format", "html", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == html
    assert main(["report", *args, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == html


# ---------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    executable = find()
    assert executable, "install Chromium (apt-get install -y chromium; .ci/run does)"
    opened = Browser(executable)
    yield opened
    opened.close()


def test_the_diff_report_in_chromium(impact, browser, tmp_path):
    page = tmp_path / "diff.html"
    page.write_text(diff_report(impact, swedish=True), encoding="utf-8")
    browser.load(page.as_uri())
    assert browser.errors() == []
    marks = browser.evaluate(
        "Array.from(document.querySelectorAll('svg.chart')).map("
        "s => s.querySelectorAll('rect.mark').length)"
    )
    assert marks == CHART_MARKS
    # rendered: every chart has a size on the page, and the bars of A are drawn
    sizes = browser.evaluate(
        "Array.from(document.querySelectorAll('svg.chart')).map("
        "s => [s.getBoundingClientRect().width > 100, s.getBoundingClientRect().height > 30])"
    )
    assert sizes == [[True, True]] * 4
    widths = browser.evaluate(
        "Array.from(document.querySelectorAll('svg.chart')[2].querySelectorAll('rect.mark'))"
        ".map(r => Math.round(r.getBBox().width) > 0)"
    )
    assert widths == [True] * 4
    # sorting: a click on "change" sorts the providers ascending (B +20 before A +80),
    # a second click descending
    first_column = (
        "Array.from(document.querySelectorAll('table.sortable')[0].tBodies[0].rows)"
        ".map(r => r.cells[0].textContent)"
    )
    click = "document.querySelectorAll('table.sortable')[0].tHead.rows[0].cells[4].click()"
    browser.evaluate(click)
    assert browser.evaluate(first_column) == ["B", "A"]
    browser.evaluate(click)
    assert browser.evaluate(first_column) == ["A", "B"]
    assert browser.errors() == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = browser.screenshot()
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    (ARTIFACTS / "report-diff.png").write_bytes(shot)


def test_a_page_with_an_error_is_caught(browser, tmp_path):
    """The check itself: a script error on a page is reported."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    browser.events.clear()
    browser.load(page.as_uri())
    assert any("undefinedFunction" in e for e in browser.errors()), browser.events


def test_ersl_report_refuses_other_formats_and_corrections(capsys):
    args = ["report", str(FIXTURES / "old.ersl"), "--data", str(FIXTURES / "data.jsonl")]
    assert main([*args, "--format", "json"]) == 2
    assert "ersl report writes HTML, not json" in capsys.readouterr().err
    assert main([*args, "--monthly-as-of"]) == 2
    assert "leave out --paid and --monthly-as-of" in capsys.readouterr().err
