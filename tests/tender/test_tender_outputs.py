"""The tender commands' `-o FILE`: a path that cannot be written is a usage error (exit 2)
naming the path, as for every other command (docs/reliability.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ersl.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
CONTRACT = str(FIXTURES / "old.ersl")
DATA = str(FIXTURES / "data.jsonl")
PROFILE = str(Path(__file__).parents[2] / "stdlib_rules" / "profiles" / "stockholm.toml")
SETTLE = [CONTRACT, "--data", DATA, "--period", "2022"]

COMMANDS = {
    "diff": ["diff", *SETTLE, "--param-new", "fee=120kr"],
    "diff xlsx": ["diff", *SETTLE, "--param-new", "fee=120kr", "--format", "xlsx"],
    "report": ["report", *SETTLE],
    "incentives": ["incentives", *SETTLE, "--provider", "A"],
    "run html": ["run", *SETTLE, "--format", "html"],
    "run monthly": ["run", *SETTLE, "--monthly-as-of"],
    "synth": ["synth", PROFILE, "--size", "10"],
}


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_an_output_below_a_plain_file_is_a_usage_error(command, tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.write_text("a file, not a folder\n", encoding="utf-8")
    target = plain / "out.file"  # synth makes missing folders, but none below a file
    assert main([*COMMANDS[command], "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"error[E0912]: cannot write {target}" in err
    assert "internal error" not in err
