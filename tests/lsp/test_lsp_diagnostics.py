"""`ersl lsp` over a pipe: initialisation and diagnostics (syntax, checker, lint)."""

from __future__ import annotations

from lsprotocol import types

from ersl.lsp.positions import path_to_uri

from .lsp_client import LspClient
from .lsp_fixtures import CONTRACT, REPO, where


def _range(diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return r.start.line, r.start.character, r.end.line, r.end.character


def test_initialize_advertises_the_features(server):
    caps = server.result.capabilities
    assert server.result.server_info.name == "ersl"
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.document_symbol_provider and caps.document_formatting_provider
    assert list(caps.completion_provider.trigger_characters) == [".", '"', "/"]
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert caps.code_lens_provider is not None
    assert list(caps.execute_command_provider.commands) == ["ersl.lsp.runTest"]
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.position_encoding == types.PositionEncodingKind.Utf16


def test_a_type_error_is_shown_at_its_range_with_code_and_help(server, project):
    text = CONTRACT.replace("amount avgift * tillägg", "amount avgift + 1.5")
    uri = server.open(project, text)
    (found,) = [d for d in server.diagnostics(uri) if d.code == "E0400"]
    # `amount avgift + 1.5` is line 24 (0-based 23); the sum starts after `  amount ` at
    # character 9 and `avgift + 1.5` is 12 characters long: 9 .. 21.
    assert _range(found) == (23, 9, 23, 21)
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.source == "ersl"
    assert found.message.startswith("cannot add a money value and a decimal value")
    assert "\nhelp: give the number its unit" in found.message


def test_a_syntax_error_is_shown_with_its_code_and_help(server, project):
    text = CONTRACT.replace("  kind   variable\n", "  kind   variable\n  amont 1 kr\n")
    uri = server.open(project, text)
    (found,) = server.diagnostics(uri)
    assert found.code == "E0115"
    assert found.message.endswith("help: did you mean `amount`?")
    # the misspelt keyword on line 23 (0-based 22), characters 2 .. 7
    assert _range(found) == (22, 2, 22, 7)


def test_a_lint_finding_has_its_severity_and_code(server, project):
    uri = server.open(project)
    (found,) = server.diagnostics(uri)
    assert found.code == "L201"
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.data == {"lint": True}
    # `payment "Besök"` on line 21 (0-based 20): 7 + 1 + 7 = 15 characters
    assert _range(found) == (20, 0, 20, 15)


def test_a_note_becomes_related_information(server, project):
    text = CONTRACT + "\nparam avgift = 1 kr\n"
    uri = server.open(project, text)
    (twice,) = [d for d in server.diagnostics(uri) if d.code == "E0202"]
    (first,) = twice.related_information
    assert first.message == "first declared here"
    assert first.location.uri == uri
    line, char = where(text, "param avgift", offset=len("param "))
    assert (first.location.range.start.line, first.location.range.start.character) == (line, char)


def test_an_error_in_a_used_file_is_shown_on_its_use(server, project):
    fees = project.parent / "avgifter.ersl"
    fees.write_text("param tillägg = 1.5 +\n", encoding="utf-8")
    uri = server.open(project)
    (found,) = server.diagnostics(uri)
    assert found.code == "E0101"
    # shown on `use "avgifter.ersl"` (line 7, 0-based 6, 19 characters)
    assert _range(found) == (6, 0, 6, 19)
    assert found.message.startswith(f"in {fees}:1:")
    (real,) = found.related_information
    assert real.location.uri == path_to_uri(fees)
    assert real.location.range.start.line == 0


def test_diagnostics_follow_the_latest_edit(server, project):
    uri = server.open(project)
    server.diagnostics(uri)
    broken = CONTRACT.replace("amount avgift * tillägg", "amount avgift * ")
    for text in (broken, CONTRACT.replace("tillägg", "tilläg", 1), CONTRACT):
        server.change(uri, text)
    # the edits came within the debounce delay: the last version is what is published
    (found,) = server.diagnostics(uri)
    assert found.code == "L201"


def test_an_edit_that_leaves_the_text_as_it_was_is_published_for_its_version(server, project):
    uri = server.open(project)
    (before,) = server.diagnostics(uri)
    server.change(uri, CONTRACT)  # the same text again: a new version, nothing to re-check
    (after,) = server.diagnostics(uri, version=server.version(uri), timeout=10)
    assert before.code == after.code == "L201"
    assert before.message == after.message


def test_an_incremental_edit_is_applied_to_the_text(server, project):
    uri = server.open(project)
    server.diagnostics(uri)
    line, char = where(CONTRACT, "tillägg")
    at = types.Range(types.Position(line, char), types.Position(line, char + len("tillägg")))
    server.change(uri, "tilläg", at)
    (found,) = [d for d in server.diagnostics(uri) if d.code == "E0300"]
    assert _range(found) == (line, char, line, char + len("tilläg"))
    assert found.data["replacement"] == "tillägg"


def test_editing_a_used_file_checks_the_files_that_use_it_again(server, project):
    fees = project.parent / "avgifter.ersl"
    contract_uri = server.open(project)
    fees_uri = server.open(fees)
    assert [d.code for d in server.diagnostics(contract_uri)] == ["L201"]
    published = len(server.published[contract_uri])
    # the open, unsaved text of the fee file stands in for the file on disk
    server.change(fees_uri, "param tillägg = 1.5 kr\n")
    server.diagnostics(fees_uri)
    found = server.diagnostics_after(contract_uri, published)
    assert [d.code for d in found] == ["E0400"]


def test_closing_a_document_clears_its_diagnostics(server, project):
    uri = server.open(project, CONTRACT + "\nparam x =\n")
    assert server.diagnostics(uri)
    published = len(server.published[uri])
    server.close_document(uri)
    assert server.diagnostics_after(uri, published) == []


def test_ranges_count_utf16_units(server, tmp_path):
    uri = server.open(tmp_path / "emoji.ersl", 'param t = {"😀", 1 kr}\n')
    (found,) = server.diagnostics(uri)
    assert found.code == "E0400"
    # `1 kr` is at characters 16..19 (0-based); the emoji before it is two UTF-16 units
    assert _range(found) == (0, 17, 0, 21)


def test_a_client_that_prefers_utf8_gets_byte_columns(tmp_path):
    client = LspClient(REPO, encodings=[types.PositionEncodingKind.Utf8])
    try:
        assert client.result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        uri = client.open(tmp_path / "emoji.ersl", 'param t = {"😀", 1 kr}\n')
        (found,) = client.diagnostics(uri)
        # `1 kr` at characters 16..19; the emoji before it is four UTF-8 bytes
        assert _range(found) == (0, 19, 0, 23)
    finally:
        client.close()


def test_an_untitled_document_is_checked(server):
    uri = "untitled:Untitled-1"
    server.open_uri(uri, "param x = 1 kr +\n")
    (found,) = server.diagnostics(uri)
    assert found.code == "E0101"
