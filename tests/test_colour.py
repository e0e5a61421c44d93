"""Colour: only on a terminal, never with `NO_COLOR` or `TERM=dumb`, in every command;
`ersl highlight` without `-o` colours only a terminal."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO

from ersl.cli import main
from ersl.diagnostics import use_colour

CONTRACT = REPO / "examples" / "primary_care" / "contract.ersl"
ESC = "\x1b["
BROKEN = 'contract "T" { valid 2022-01-01 .. 2022-12-31 }\nparam x = 1 kr + 1\n'
WARNED = (
    'contract "T" { valid 2022-01-01 .. 2022-12-31 }\nuse stdlib "schema/sweden"\n'
    'payment "B" {\n  kind variable\n  per Visit v\n  amount 1 kr\n}\n'
)


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def terminal(monkeypatch):
    """Call it to make standard output and error terminals, with no colour setting in the
    environment (a call, since capsys puts its streams in place only when the test runs)."""

    def make(**env):
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)

    return make


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: set to a non-empty value
        (True, {"TERM": "dumb"}, False),
        (True, {"TERM": "xterm"}, True),
    ],
)
def test_use_colour(monkeypatch, tty, env, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert use_colour(Stream(tty)) is expected


def highlight(capsys, *args) -> str:
    capsys.readouterr()
    assert main(["highlight", str(CONTRACT), *args]) == 0
    return capsys.readouterr().out


def test_highlight_colours_a_terminal(terminal, capsys):
    terminal()
    assert ESC in highlight(capsys)


def test_highlight_writes_plain_text_elsewhere(capsys):
    """Piped into a file or another program: the contract exactly, no escapes."""
    assert highlight(capsys) == CONTRACT.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_highlight_respects_no_color_and_dumb_terminals(terminal, capsys, name, value):
    terminal(**{name: value})
    assert highlight(capsys) == CONTRACT.read_text(encoding="utf-8")


def test_highlight_into_a_file_is_coloured_as_asked(tmp_path, capsys):
    out = tmp_path / "contract.ansi"
    assert highlight(capsys, "-o", str(out)) == ""
    assert ESC in out.read_text(encoding="utf-8")
    assert "<html" in highlight(capsys, "--format", "html")


def commands(tmp_path):
    broken = tmp_path / "broken.ersl"
    broken.write_text(BROKEN, encoding="utf-8")
    warned = tmp_path / "warned.ersl"
    warned.write_text(WARNED, encoding="utf-8")
    syntax = tmp_path / "syntax.ersl"
    syntax.write_text("param x = \n", encoding="utf-8")
    tests = tmp_path / "broken_test.ersl"
    tests.write_text('use "broken.ersl"\ntest "t" { period 2022 }\n', encoding="utf-8")
    return {
        "check": ["check", str(broken)],
        "lint": ["lint", str(warned)],
        "fmt": ["fmt", "--check", str(syntax)],
        "run": ["run", str(broken), "--data", str(tmp_path)],
        "test": ["test", str(tests)],
    }


@pytest.mark.parametrize("command", ["check", "lint", "fmt", "run", "test"])
def test_every_command_colours_a_terminal(terminal, tmp_path, capsys, command):
    """The control case: on a terminal each command's diagnostics are coloured…"""
    terminal()
    capsys.readouterr()
    main(commands(tmp_path)[command])
    out, err = capsys.readouterr()
    assert ESC in out + err


@pytest.mark.parametrize("command", ["check", "lint", "fmt", "run", "test"])
@pytest.mark.parametrize(("name", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_no_command_colours_with_no_color_or_a_dumb_terminal(
    terminal, tmp_path, capsys, command, name, value
):
    """…and with NO_COLOR or TERM=dumb none is, though the streams are terminals."""
    terminal(**{name: value})
    capsys.readouterr()
    main(commands(tmp_path)[command])
    out, err = capsys.readouterr()
    assert ESC not in out + err
    assert "error" in out + err or "warning" in out + err
