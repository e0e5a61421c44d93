"""Edits and commands: formatting, quick fixes, and running a test block.

- Formatting is `ersl fmt` (`ersl.fmt.format_source`): one edit replacing the whole
  document; a document that does not parse is left as it is.
- Quick fixes: apply a diagnostic's "did you mean `x`?"; suppress a lint finding with
  `# ersl: ignore[CODE] <reason>` on a line of its own above it (the placeholder
  reason is to be replaced by the real one).
- Code lenses "Run test" above each `test` and `property` block run it with the same
  runner as `ersl test` (`ersl.lsp.runTest`); the outcome is shown and returned.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from lsprotocol import types

from ersl import ast
from ersl.errors import ErslError
from ersl.fmt import format_source
from ersl.lsp.positions import LineText, client_column, code_point_column, to_range
from ersl.span import Span

RUN_TEST = "ersl.lsp.runTest"
REASON_PLACEHOLDER = "<reason: why this finding is accepted>"


def _whole(text: str) -> types.Range:
    lines = text.split("\n")
    end = client_column(lines[-1], len(lines[-1]))
    return types.Range(types.Position(0, 0), types.Position(len(lines) - 1, end))


def format_document(text: str, shown: str) -> list[types.TextEdit] | None:
    """The edit that formats the document as `ersl fmt` does; None if it does not parse."""
    try:
        formatted = format_source(text, shown)
    except ErslError:
        return None
    if formatted == text:
        return []
    return [types.TextEdit(_whole(text), formatted)]


# ------------------------------------------------------------------ quick fixes


def _range_text(text: str, where: types.Range) -> str:
    lines = text.split("\n")
    if where.start.line != where.end.line or where.start.line >= len(lines):
        return ""
    line = lines[where.start.line]
    start = code_point_column(line, where.start.character)
    return line[start : code_point_column(line, where.end.character)]


_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[^\W\d]\w*')


def _misspelt(original: str, replacement: str) -> tuple[int, int, str] | None:
    """Where in `original` the word (or quoted name) that `replacement` corrects stands:
    the token most like it (the checker's "did you mean" uses the same likeness)."""
    best = None
    for match in _TOKEN.finditer(original):
        token = match.group(0)
        quoted = token.startswith('"')
        word = token[1:-1] if quoted else token
        likeness = difflib.SequenceMatcher(None, word.lower(), replacement.lower()).ratio()
        if word != replacement and likeness >= 0.6 and (best is None or likeness > best[0]):
            new = f'"{replacement}"' if quoted else replacement
            best = (likeness, match.start(), match.end(), new)
    return best[1:] if best else None


def _replace(uri: str, text: str, diagnostic: types.Diagnostic) -> types.CodeAction | None:
    replacement = (diagnostic.data or {}).get("replacement")
    where = diagnostic.range
    original = _range_text(text, where) if replacement else ""
    found = _misspelt(original, replacement) if original else None
    if found is None:
        return None
    start, end, new = found
    line = text.split("\n")[where.start.line]
    first = code_point_column(line, where.start.character)
    at = types.Range(
        types.Position(where.start.line, client_column(line, first + start)),
        types.Position(where.start.line, client_column(line, first + end)),
    )
    return types.CodeAction(
        title=f"Replace with `{new}`",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(at, new)]}),
    )


def _suppress(uri: str, text: str, diagnostic: types.Diagnostic) -> types.CodeAction | None:
    if not (diagnostic.data or {}).get("lint"):
        return None
    line = diagnostic.range.start.line
    lines = text.split("\n")
    source = lines[line] if line < len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    comment = f"{indent}# ersl: ignore[{diagnostic.code}] {REASON_PLACEHOLDER}\n"
    edit = types.TextEdit(types.Range(types.Position(line, 0), types.Position(line, 0)), comment)
    return types.CodeAction(
        title=f"Suppress {diagnostic.code} here (give the reason)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def code_actions(
    uri: str, text: str, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics the editor asks about."""
    actions = []
    for diagnostic in diagnostics:
        if diagnostic.source != "ersl":
            continue
        for make in (_replace, _suppress):
            action = make(uri, text, diagnostic)
            if action is not None:
                actions.append(action)
    return actions


# ------------------------------------------------------------------ tests


def code_lenses(uri: str, module: ast.Module, line_text: LineText) -> list[types.CodeLens]:
    """A "Run test" lens above each `test` and `property` block."""
    lenses = []
    for decl in module.decls:
        if isinstance(decl, (ast.Test, ast.Property)):
            word = "property" if isinstance(decl, ast.Property) else "test"
            start = decl.span.column
            span = Span(decl.span.file, decl.span.line, start, decl.span.line, start + len(word))
            command = types.Command(
                title=f"▶ Run {word}", command=RUN_TEST, arguments=[uri, decl.name]
            )
            lenses.append(types.CodeLens(range=to_range(span, line_text), command=command))
    return lenses


def run_test(path: Path, name: str) -> dict:
    """Run the test or property `name` of the saved file `path` as `ersl test` would.

    Returns `status` (passed, failed or error) and `message` (the failure text).
    """
    from ersl.testing import Session, collect, run_session

    if not path.is_file():
        return {"status": "error", "message": f"{path} does not exist (save the file first)"}
    session = collect([path])
    for test_file in session.file_errors:
        return {"status": "error", "message": test_file.error.render()}
    cases = [case for case in session.selected if case.name == name]
    if not cases:
        return {"status": "error", "message": f'there is no test "{name}" in {path.name}'}
    outcome = run_session(Session(session.files, cases)).outcomes[0]
    return {"status": outcome.status, "message": outcome.message or f'"{name}" passed'}
