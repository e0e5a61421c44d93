"""The README's "Try a tender" commands run as written (on smaller populations, and
with the example paths made absolute so the outputs go to a temporary folder)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from ersl.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_the_try_a_tender_commands_run(tmp_path, monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try a tender", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.startswith(".venv/bin/ersl ")]
    assert [shlex.split(c)[1] for c in commands] == ["synth", "run", "diff", "synth", "incentives"]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        command = re.sub(r"--size \d+", "--size 1500", command.split("#")[0])
        args = [a.replace("examples/", f"{REPO}/examples/") for a in shlex.split(command)[1:]]
        assert main(args) == 0, command
    html = (tmp_path / "impact.html").read_text(encoding="utf-8")
    assert "parameter age_rate changed: band 0 to 5" in html
    assert "parameter cni_rate changed: value" in html and "parameter acg_rate changed" in html
    out = capsys.readouterr().out
    assert "what one more unit pays" in out
