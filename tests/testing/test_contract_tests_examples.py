"""The project's own contract tests: every `*_test.ersl` under examples/ and stdlib_rules/.

Plain `pytest` collects tests/ only (`testpaths`), so the pytest plugin never sees
these files; they run here, once, through the runner `ersl test` uses. `ersl test`
(default: the working directory) runs the same files from the repository root, and
`pytest examples` would collect them with the plugin instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ersl.cli import main
from ersl.testing.discovery import find_test_files
from ersl.testing.model import Options, load_file
from ersl.testing.runner import run_case

REPO = Path(__file__).resolve().parents[2]
FILES = find_test_files([REPO / "examples", REPO / "stdlib_rules"])


def test_the_examples_have_contract_tests():
    names = {p.relative_to(REPO).as_posix() for p in FILES}
    assert {
        "examples/primary_care/contract_test.ersl",
        "examples/hospital/contract_test.ersl",
        "examples/hip_knee/contract_test.ersl",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(REPO).as_posix() for p in FILES])
def test_contract_tests_pass(path):
    test_file = load_file(path)
    assert test_file.error is None, test_file.error.render()
    assert test_file.cases, f"{path} has no test or property blocks"
    outcomes = [run_case(case, Options(examples=50)) for case in test_file.cases]
    failures = [o.message for o in outcomes if o.status != "passed"]
    assert not failures, "\n\n".join(failures)


def test_the_example_contracts_are_fully_covered(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code = main(["test", "examples", "--coverage-threshold", "100", "--examples", "10"])
    out = capsys.readouterr().out
    assert code == 0, out
    for contract in ("primary_care", "hospital", "hip_knee"):
        assert f"examples/{contract}/contract.ersl: " in out
    assert "never exercised" not in out
    assert "coverage threshold 100 % reached" in out
