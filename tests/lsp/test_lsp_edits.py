"""`ersl lsp` over a pipe: formatting, quick fixes, the outline and running a test block."""

from __future__ import annotations

import subprocess
import sys

from lsprotocol import types

from ersl.lsp.actions import REASON_PLACEHOLDER

from .lsp_fixtures import CONTRACT, CONTRACT_TEST, apply_edits, where

MESSY = CONTRACT.replace("  kind   variable", "    kind variable").replace(
    "param avgift = dated {", "param   avgift=dated{"
)


def test_formatting_equals_ersl_fmt(server, project):
    uri = server.open(project, MESSY)
    edits = server.formatting(uri)
    assert edits, "the messy text must change"
    by_cli = subprocess.run(
        [sys.executable, "-P", "-m", "ersl", "fmt", "-"],
        input=MESSY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert apply_edits(MESSY, edits) == by_cli == CONTRACT


def test_formatting_leaves_a_formatted_or_broken_document_alone(server, project):
    uri = server.open(project)
    assert list(server.formatting(uri)) == []
    server.change(uri, CONTRACT + "\nparam x = (\n")
    assert server.formatting(uri) is None


def test_quick_fix_applies_did_you_mean(server, project):
    text = CONTRACT.replace("avgift * tillägg", "avgift * tilläg")
    uri = server.open(project, text)
    (unknown,) = [d for d in server.diagnostics(uri) if d.code == "E0300"]
    (action,) = server.code_actions(uri, [unknown])
    assert action.title == "Replace with `tillägg`"
    assert action.kind == types.CodeActionKind.QuickFix
    assert apply_edits(text, action.edit.changes[uri]) == CONTRACT


def test_quick_fix_of_a_line_name_keeps_the_quotes(server, project):
    test_path = project.parent / "contract_test.ersl"
    text = CONTRACT_TEST.replace('"Besök" 2022-03', '"Besk" 2022-03')
    uri = server.open(test_path, text)
    (unknown,) = [d for d in server.diagnostics(uri) if d.code == "E1101" or "Besk" in d.message]
    (action,) = [a for a in server.code_actions(uri, [unknown]) if "Replace" in a.title]
    assert apply_edits(text, action.edit.changes[uri]) == CONTRACT_TEST


def test_quick_fix_suppresses_a_lint_finding_with_a_reason_placeholder(server, project):
    uri = server.open(project)
    (finding,) = server.diagnostics(uri)
    (action,) = server.code_actions(uri, [finding])
    assert action.title == "Suppress L201 here (give the reason)"
    fixed = apply_edits(CONTRACT, action.edit.changes[uri])
    comment = f"# ersl: ignore[L201] {REASON_PLACEHOLDER}\n"
    assert fixed == CONTRACT.replace('payment "Besök" {', comment + 'payment "Besök" {')
    # with the suppression (and its placeholder reason) the finding is gone
    server.change(uri, fixed)
    assert server.diagnostics(uri) == []


def test_a_checker_error_gets_no_suppression(server, project):
    text = CONTRACT.replace("amount avgift * tillägg", "amount avgift + 1.5")
    uri = server.open(project, text)
    (error,) = [d for d in server.diagnostics(uri) if d.code == "E0400"]
    assert list(server.code_actions(uri, [error])) == []


def test_outline_lists_the_declarations(server, project):
    uri = server.open(project)
    symbols = server.symbols(uri)
    assert [(s.name, s.detail) for s in symbols] == [
        ("Testavtal", "contract"),
        ("schema/sweden", "use stdlib"),
        ("avgifter.ersl", "use"),
        ("avgift", "param"),
        ("åldersersättning", "param"),
        ("Besök", "payment (variable)"),
        ("Listning", "payment (fixed)"),
    ]
    besök = symbols[5]
    assert besök.kind == types.SymbolKind.Method
    assert (besök.range.start.line, besök.range.end.line) == (20, 24)
    # while the text does not parse, the last outline stays
    server.change(uri, CONTRACT + "\npayment {\n")
    assert [s.name for s in server.symbols(uri)][-1] == "Listning"


def test_code_lens_runs_a_test_block(server, project):
    test_path = project.parent / "contract_test.ersl"
    uri = server.open(test_path)
    (lens,) = server.code_lenses(uri)
    assert lens.command.title == "▶ Run test"
    assert lens.range.start.line == where(CONTRACT_TEST, "test ")[0]
    result = server.execute(lens.command.command, *lens.command.arguments)
    assert result == {"status": "passed", "message": '"Ett besök i mars" passed'}
    assert server.messages[-1].message == '"Ett besök i mars" passed'


def test_running_a_failing_or_unsaved_test(server, project):
    test_path = project.parent / "contract_test.ersl"
    wrong = CONTRACT_TEST.replace("= 300 kr", "= 301 kr")
    test_path.write_text(wrong, encoding="utf-8")
    uri = server.open(test_path)
    failed = server.execute("ersl.lsp.runTest", uri, "Ett besök i mars")
    assert failed["status"] == "failed"
    assert "301" in failed["message"] and "300" in failed["message"]
    server.change(uri, CONTRACT_TEST)
    unsaved = server.execute("ersl.lsp.runTest", uri, "Ett besök i mars")
    assert unsaved == {"status": "error", "message": "save the file first: tests run from disk"}
    missing = server.execute("ersl.lsp.runTest", uri + "x", "Ett besök i mars")
    assert missing["status"] == "error"
