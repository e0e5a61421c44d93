"""The pytest plugin (`pytest11` entry point `ersl`), tested with `pytester`.

Collection of `*_test.ersl` (one item per `test` and `property` block), pass and
fail counts, the failure text, `reportinfo`, collection errors, `-p no:ersl`, no
start-up cost and no effect in projects without contract tests, and the same
outcomes as `ersl test` on the same files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from contract_test_cases import HEADER, VISIT_82

from ersl.cli import main

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"

TESTS = (
    HEADER
    + VISIT_82
    + """\

test "a 70-year-old's visit gets the 80+ weight" {
  period 2022-03
  given {
    provider VC1 {}
    patient  P1 { birth_date 1952-01-15 }
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession doctor, mode physical }
  }
  expect {
    VC1 "Besök" 2022-03 = 300.00 kr
  }
}

property "visits are never paid more than 300 kr" {
  check paid("Besök", q) >= 0 kr
  for every provider q
}
"""
)


# Hypothesis's own pytest plugin costs about a second per inner run; ours needs none of it.
QUIET = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider")


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Import and build ERSL's machinery before pytester's inner runs: pytester restores
    `sys.modules` after each, so what an inner run imports first would be imported (and
    the grammar built) again and again."""
    import hypothesis.strategies  # noqa: F401

    import ersl.pytest_plugin  # noqa: F401
    import ersl.testing.coverage  # noqa: F401
    import ersl.testing.properties  # noqa: F401
    import ersl.testing.report  # noqa: F401
    from ersl.checker import check_file
    from ersl.testing.runner import run_case  # noqa: F401

    check_file(FIXTURES / "clinic.ersl")


@pytest.fixture
def contracts(pytester):
    """The fixture contracts in pytester's folder."""
    for path in FIXTURES.glob("*.ersl"):
        (pytester.path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return pytester


def test_collects_one_item_per_block_pointing_at_it(contracts):
    contracts.makefile(".ersl", clinic_test=TESTS)
    items, _ = contracts.inline_genitems(*QUIET)
    assert [item.nodeid for item in items] == [
        "clinic_test.ersl::an 82-year-old's visit gets the 80+ weight",
        "clinic_test.ersl::a 70-year-old's visit gets the 80+ weight",
        "clinic_test.ersl::visits are never paid more than 300 kr",
    ]
    assert [item.reportinfo()[1:] for item in items] == [
        (2, 'test "an 82-year-old\'s visit gets the 80+ weight"'),
        (14, 'test "a 70-year-old\'s visit gets the 80+ weight"'),
        (26, 'property "visits are never paid more than 300 kr"'),
    ]
    assert Path(items[0].reportinfo()[0]).name == "clinic_test.ersl"
    assert items[1].location == (
        "clinic_test.ersl",
        14,
        'test "a 70-year-old\'s visit gets the 80+ weight"',
    )
    assert all(item.get_closest_marker("ersl") for item in items)


def test_pass_and_fail_counts_and_the_failure_text(contracts):
    contracts.makefile(".ersl", clinic_test=TESTS)
    result = contracts.runpytest("--ersl-examples", "20", *QUIET)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            '*_ test "a 70-year-old\'s visit gets the 80+ weight" _*',
            'VC1 "Besök" 2022-03: expected 300.00 kr, actual 200.00 kr, difference -100.00 kr',
            'clinic_test.ersl:23:5: VC1 "Besök" 2022-03',
            "  expected: 300.00 kr",
            "  actual:   200.00 kr",
            "  how the actual amount was computed:",
            '    "Besök" for VC1, 2022-03: 200.00 kr (variable)',
            "*FAILED clinic_test.ersl::a 70-year-old's visit gets the 80+ weight*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "ErslTestFailure" not in result.stdout.str()


def test_an_invalid_file_is_a_collection_error(contracts):
    contracts.makefile(
        ".ersl",
        broken_test='use "clinic.ersl"\n\ntest "t" {\n  expect { VC1 "Besk" 2022-03 = 1.00 kr }\n}\n',
    )
    result = contracts.runpytest(*QUIET)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting broken_test.ersl*",
            'broken_test.ersl:4:12: error[E0304]: the contract has no line named "Besk"',
            "help: did you mean `Besök`?",
        ]
    )


def test_disabled_with_p_no_ersl(contracts):
    contracts.makefile(".ersl", clinic_test=TESTS)
    result = contracts.runpytest("-p", "no:ersl", *QUIET)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["*no tests ran*"])


def test_no_start_up_cost_and_nothing_done_without_contract_tests(tmp_path):
    """In a project without *_test.ersl files the plugin is loaded by pytest, imports
    nothing of ERSL's own machinery, and collects nothing."""
    (tmp_path / "test_plain.py").write_text(
        "import sys\n\n"
        "def test_nothing_heavy_was_imported():\n"
        "    assert 'ersl.pytest_plugin' in sys.modules\n"
        "    heavy = [m for m in ('lark', 'hypothesis.strategies', 'ersl.checker',\n"
        "             'ersl.testing', 'ersl.syntax', 'ersl.interpreter') if m in sys.modules]\n"
        "    assert heavy == [] or heavy == ['hypothesis.strategies'], heavy\n",
        encoding="utf-8",
    )
    (tmp_path / "notes_test.txt").write_text("not a contract test", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    # the plugin module alone is cheap to import
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ersl.pytest_plugin; print(sorted(m for m in sys.modules if m.startswith(('ersl', 'lark'))))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    loaded = eval(done.stdout)
    assert "lark" not in loaded and "ersl.checker" not in loaded and "ersl.testing" not in loaded


def test_ersl_test_and_pytest_report_the_same_outcomes(contracts, capsys):
    contracts.makefile(".ersl", clinic_test=TESTS)
    other = """\
use "bonus_broken.ersl"

test "four quality visits pay 400 kr" {
  period 2022
  given {
    provider Q1 {}
    patient  P1 { birth_date 1950-01-01 }
    visit    V1 { patient P1, provider Q1, date 2022-01-10, profession nurse, mode physical, kind "quality" }
    visit    V2 { patient P1, provider Q1, date 2022-02-10, profession nurse, mode physical, kind "quality" }
    visit    V3 { patient P1, provider Q1, date 2022-03-10, profession nurse, mode physical, kind "quality" }
    visit    V4 { patient P1, provider Q1, date 2022-04-10, profession nurse, mode physical, kind "quality" }
  }
  expect {
    Q1 "Kvalitetsbonus" 2022 = 400.00 kr
    Q1 "Kvalitetsbonus" 2022-01 = 100.00 kr
  }
}

property "no bonus is ever paid" {
  check paid("Kvalitetsbonus", q) == 0 kr
  for every provider q
}
"""
    sub = contracts.mkdir("sub")
    (sub / "bonus_test.ersl").write_text(
        other.replace('"bonus_broken.ersl"', '"../bonus_broken.ersl"'), encoding="utf-8"
    )
    reprec = contracts.inline_run("--ersl-examples", "20", *QUIET)
    capsys.readouterr()
    by_pytest = {
        report.nodeid: report.outcome
        for report in reprec.getreports("pytest_runtest_logreport")
        if report.when == "call"
    }
    code = main(["test", str(contracts.path), "--examples", "20", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    by_ersl = {
        f"{Path(t['file']).relative_to(contracts.path).as_posix() if Path(t['file']).is_absolute() else t['file']}::{t['name']}": t[
            "outcome"
        ]
        for t in report["tests"]
    }
    assert by_pytest == by_ersl
    assert by_pytest == {
        "clinic_test.ersl::an 82-year-old's visit gets the 80+ weight": "passed",
        "clinic_test.ersl::a 70-year-old's visit gets the 80+ weight": "failed",
        "clinic_test.ersl::visits are never paid more than 300 kr": "passed",
        "sub/bonus_test.ersl::four quality visits pay 400 kr": "passed",
        "sub/bonus_test.ersl::no bonus is ever paid": "failed",
    }
    assert code == 1


def test_the_plugin_is_registered_on_pytest11():
    import tomllib
    from importlib.metadata import entry_points

    pyproject = tomllib.loads((FIXTURES.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["pytest11"] == {"ersl": "ersl.pytest_plugin"}
    installed = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert installed.get("ersl") == "ersl.pytest_plugin"
