"""`ersl lsp` never crashes: malformed documents, fuzzed edit sequences, failures inside.

The fuzzed edits insert and delete characters and tokens in real standard-library
files, sent as incremental changes; after each sequence every request must be
answered, the diagnostics of the last version published, and the server's text
must be the client's (checked through formatting).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from ersl.errors import ErslError
from ersl.fmt import format_source
from ersl.highlight import DECLARATION_KEYWORDS, KEYWORDS
from ersl.lsp import analysis as analysis_module
from ersl.lsp.analysis import BAD_LINT_CONFIG, INTERNAL, analyse_document
from ersl.lsp.positions import client_column
from ersl.resources import stdlib_root

from .lsp_client import LspClient
from .lsp_fixtures import REPO, apply_edits

MALFORMED = [
    "",
    "{",
    "}}}}",
    'payment "x" {',
    'payment "x" { amount }',
    "param = = =",
    '"unterminated',
    "\x00\x01\x02",
    "param x = " + "(" * 500,
    "param x = " + "(" * 3000 + "1" + ")" * 3000,
    "param x = 1 kr\r\nparam y = x +\r\n",
    "## only a comment",
    'use stdlib "no/such/file"\nuse "missing.ersl"\n',
    'use "self.ersl"\n',
    'test "t" { given { visit V1 { mode } } expect { VC1 "x" 2022 = 1 kr } }',
    "param 😀 = 1 kr\nparam x = 😀",
    "x" * 2_000,
]


def _answers_everything(server, uri: str, line: int, character: int) -> None:
    """Every request at the place is answered (an answer may be empty)."""
    server.hover(uri, line, character)
    server.definition(uri, line, character)
    server.references(uri, line, character)
    server.completion(uri, line, character)
    server.symbols(uri)
    server.formatting(uri)
    server.code_lenses(uri)
    assert server.alive


@pytest.mark.parametrize("text", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_document_gets_diagnostics_and_answers(server, tmp_path, text):
    path = tmp_path / "self.ersl"
    uri = server.open(path, text)
    found = server.diagnostics(uri)
    assert all(d.code != INTERNAL for d in found), [d.message for d in found]
    lines = text.split("\n")
    for line in (0, len(lines) - 1):
        for character in (0, len(lines[line]) // 2, len(lines[line]) + 3):
            _answers_everything(server, uri, line, character)
    server.close_document(uri)


def test_a_document_too_deep_for_ersl_is_answered(tmp_path):
    # 3000 nested minus signs are deeper than ERSL's parse-tree transformer can recurse:
    # the server reports that as a bug (E9000, its log) and goes on answering.
    client = LspClient(REPO)
    try:
        uri = client.open(tmp_path / "deep.ersl", "param x = " + "-" * 3000 + "1 kr\n")
        assert client.diagnostics(uri)
        _answers_everything(client, uri, 0, 1500)
        uri = client.open(tmp_path / "fine.ersl", "param x = 1 kr +\n")
        assert [d.code for d in client.diagnostics(uri)] == ["E0101"]
    finally:
        client.close()


def test_a_position_past_the_end_is_answered(server, project):
    uri = server.open(project)
    _answers_everything(server, uri, 10_000, 10_000)


# ------------------------------------------------------------------ fuzzed edits

FILES = sorted(
    p
    for p in stdlib_root().rglob("*.ersl")
    if p.stat().st_size < 20_000  # keep each example quick
)
TOKENS = [
    *DECLARATION_KEYWORDS,
    *KEYWORDS,
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    ":",
    "->",
    "=",
    "==",
    '"',
    "#",
    "\n",
    "  ",
    "100 kr",
    "2022-01-01",
    "v.",
    'payment "Ny" {\n  amount 1 kr\n}\n',
]
inserts = st.tuples(
    st.just("insert"),
    st.floats(0, 1),
    st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)),
)
deletions = st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40))


def _position(text: str, offset: int) -> types.Position:
    before = text[:offset]
    line = before.count("\n")
    start = before.rfind("\n") + 1
    return types.Position(line, client_column(text[start:].split("\n")[0], offset - start))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    file=st.sampled_from(FILES),
    edits=st.lists(st.one_of(inserts, deletions), min_size=1, max_size=6),
    probe=st.floats(0, 1),
)
def test_fuzzed_edit_sequences_never_crash_the_server(server, file, edits, probe):
    text = file.read_text(encoding="utf-8")
    uri = server.open(file, text)  # the server never writes: the file stays as it is
    for kind, where, what in edits:
        offset = int(where * len(text))
        end = min(offset + what, len(text)) if kind == "delete" else offset
        at = types.Range(_position(text, offset), _position(text, end))
        insert = what if kind == "insert" else ""
        server.change(uri, insert, at)
        text = text[:offset] + insert + text[end:]
    found = server.diagnostics(uri)
    assert all(d.code != INTERNAL for d in found), [d.message for d in found]
    place = _position(text, int(probe * len(text)))
    _answers_everything(server, uri, place.line, place.character)
    edits = server.formatting(uri)
    try:
        formatted = format_source(text)
    except ErslError:
        assert edits is None
    else:  # the server's text is the client's: formatting it gives the same result
        assert apply_edits(text, edits) == formatted
    server.close_document(uri)


# ------------------------------------------------------------------ failures inside ERSL


def test_a_failure_of_ersl_itself_becomes_an_internal_error_diagnostic(monkeypatch, tmp_path):
    def broken(loaded):
        raise KeyError("a bug")

    monkeypatch.setattr(analysis_module, "analyse", broken)
    path = tmp_path / "contract.ersl"
    found = analyse_document(path, "param x = 1 kr\n", {})
    (diagnostic,) = found.diagnostics
    assert diagnostic.code == INTERNAL == "E9000"
    assert diagnostic.message.startswith("internal error in ERSL: KeyError: 'a bug' at ")
    assert diagnostic.help.startswith("this is a bug in ERSL, not in your contract")
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)


def test_an_invalid_lint_configuration_is_a_diagnostic(server, project):
    config = project.parent / "pyproject.toml"
    config.write_text("[tool.ersl.lint]\nselect = 3\n", encoding="utf-8")
    uri = server.open(project)
    (found,) = [d for d in server.diagnostics(uri) if d.code == BAD_LINT_CONFIG]
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.message.startswith("the lint configuration is invalid: ")
    assert "pyproject.toml" in found.message
    assert found.message.endswith(
        "help: fix [tool.ersl.lint] in pyproject.toml; the file was checked, not linted"
    )


def test_the_internal_error_codes_are_documented():
    page = (Path(__file__).resolve().parents[2] / "docs" / "editors.md").read_text("utf-8")
    assert f"`{INTERNAL}`" in page and f"`{BAD_LINT_CONFIG}`" in page
