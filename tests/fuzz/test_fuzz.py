"""Fuzzing ERSL with mutants of its own files and command lines (issue 17).

Each test draws mutants (see `mutations`) and runs every command that reads them
in-process (see `harness`): `check`, `lint`, `fmt`, `highlight` on contracts; `test` on
test files; `run` on data files; any command on mutated command lines. An input fails
on an internal error (exit 3), an exception escaping, a time over the limit, or a
formatter that is not idempotent or changes the AST.

The CI run is short and deterministic (a fixed seed: about a minute in all). A long run:

    ERSL_FUZZ_EXAMPLES=2500 pytest tests/fuzz -p no:cacheprovider

draws 2 500 inputs per test; docs/reliability.md records the figures of such a run.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from harness import check_formatter, run_command
from hypothesis import HealthCheck, given, settings
from mutations import REPO, argument_lists, contract_test_files, contracts, data_files

DIAGNOSTIC_RE = re.compile(r"^\S.*:\d+:\d+: error\[E\d{4}\]: \S|^\S.*: error\[E\d{4}\]: \S", re.M)
LEAK_RE = re.compile(r"\$END|__ANON|\b_NL\b|\b_CONT\b|\b_SKIPNL\b|\bUnexpected(Token|Character)")

#: Inputs per test; the CI defaults are small, `ERSL_FUZZ_EXAMPLES` sets every test's.
LONG = os.environ.get("ERSL_FUZZ_EXAMPLES")


def fuzz_settings(ci_examples: int):
    """Deterministic in CI (derandomized, no example database), no deadline: the
    harness's own time limit judges each input."""
    return settings(
        max_examples=int(LONG) if LONG else ci_examples,
        derandomize=not LONG,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A temporary folder, made the working directory: whatever a mutated command line
    writes lands there. Each input starts from a fresh copy of the tutorial
    (`_fresh_tutorial`)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fresh_tutorial(folder: Path) -> None:
    """Empty `folder` and copy the tutorial into it. The folder is shared by every input
    of one run: without this, a swapped `highlight out.html -o clinic.ersl` followed by
    `highlight clinic.ersl -o out.html` grows the files about 5.5 times a round, until
    an honest linear-time command runs over the time limit."""
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    for path in (REPO / "examples" / "tutorial").iterdir():
        shutil.copy(path, folder / path.name)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


@fuzz_settings(200)
@given(contracts())
def test_mutated_contracts(tmp_path_factory, seed_and_text):
    """check, lint, fmt --check and highlight on a mutated contract; fmt's promises."""
    _, text = seed_and_text
    folder = tmp_path_factory.mktemp("contract")
    path = str(_write(folder, "contract.ersl", text))
    code, out = run_command(["check", path])
    # a diagnostic in words, with its place: never a terminal name of the grammar
    assert code == 0 or DIAGNOSTIC_RE.search(out), out
    assert not LEAK_RE.search(out), out
    for argv in (["lint", path], ["fmt", "--check", path], ["highlight", path]):
        run_command(argv)
    check_formatter(text)


@fuzz_settings(40)
@given(contract_test_files())
def test_mutated_test_files(tmp_path_factory, seed_and_text):
    """`ersl test` on a mutated test file, in a copy of its example's folder."""
    seed, text = seed_and_text
    folder = tmp_path_factory.mktemp("tests")
    (folder / "pyproject.toml").write_text("", encoding="utf-8")
    for path in (REPO / seed).parent.iterdir():
        shutil.copy(path, folder / path.name)
    path = str(_write(folder, Path(seed).name, text))
    run_command(["test", path, "--examples", "2", "--max-size", "2"])
    run_command(["check", path])
    check_formatter(text)


@fuzz_settings(100)
@given(data_files())
def test_mutated_data(tmp_path_factory, drawn):
    """`ersl run` of an example on a mutated copy of its data or its fees table."""
    example, name, text = drawn
    folder = tmp_path_factory.mktemp("data")
    source = REPO / "examples" / example
    for path in source.iterdir():
        shutil.copy(path, folder / path.name)
    _write(folder, name, text)
    contract = (
        str(folder / "contract.ersl") if example != "tutorial" else str(folder / "clinic.ersl")
    )
    argv = [
        "run",
        contract,
        "--data",
        str(folder / "data.jsonl"),
        "--period",
        "2019" if example == "tutorial" else "2022",
    ]
    if (folder / "fees.csv").exists():
        argv += ["--param", f"visit_fee={folder / 'fees.csv'}"]
    run_command(argv)
    run_command([*argv, "--skip-invalid", "--format", "json"])


@fuzz_settings(150)
@given(argument_lists())
def test_mutated_command_lines(workdir, argv):
    """Any command of the tutorial with its arguments mutated."""
    _fresh_tutorial(workdir)
    run_command(argv)


# ------------------------------------------------------------------ the harness itself
def test_the_harness_fails_on_an_internal_error(monkeypatch):
    from harness import FuzzFailure

    import ersl.commands.check as check

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "run", broken)
    with pytest.raises(FuzzFailure, match="internal error"):
        run_command(["check", "x.ersl"])


def test_the_harness_fails_on_a_hang(monkeypatch):
    import time

    import harness

    import ersl.commands.check as check

    def slow(args):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(check, "run", slow)
    monkeypatch.setattr(harness, "LIMIT", 0.2)
    with pytest.raises(harness.FuzzFailure, match="hang"):
        harness.run_command(["check", "x.ersl"])


def test_the_harness_fails_on_a_formatter_that_changes_the_ast(monkeypatch):
    import harness

    monkeypatch.setattr(harness, "format_source", lambda text: "param y = 2\n")
    with pytest.raises(harness.FuzzFailure, match="changed the AST"):
        harness.check_formatter("param x = 1\n")
