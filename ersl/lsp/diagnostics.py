"""ERSL diagnostics as LSP diagnostics: code, severity, range, help and related places.

LSP has no field for ERSL's `help:` line, so it follows the message on a line of its
own (`help: …`), as the terminal renderer prints it. A note becomes related
information. A problem found in another file (a `use`d file that does not parse, a
name declared twice across files) is shown on the `use` that leads to it, with the
real place as related information. `data` carries what the code actions need.
"""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from ersl import ast
from ersl.diagnostics import Diagnostic
from ersl.lint import RULES
from ersl.loader import resolve_use
from ersl.lsp.analysis import Analysis
from ersl.lsp.positions import path_to_uri, span_path, to_range

SOURCE = "ersl"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
UNUSED_SUPPRESSION = "L003"


def is_lint_finding(code: str) -> bool:
    """Whether `code` is a lint rule that a `# ersl: ignore[…]` comment can suppress."""
    rule = RULES.get(code)
    return rule is not None and rule.check is not None


def suggestion(diagnostic: Diagnostic) -> str | None:
    """The replacement a "did you mean `x`?" help proposes, if it has one."""
    match = _DID_YOU_MEAN.search(diagnostic.help or "")
    return match.group(1) if match else None


def _message(diagnostic: Diagnostic) -> str:
    return diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")


def _use_range(analysis: Analysis, elsewhere: Path) -> types.Range:
    """The range of the `use` in the document that leads to the file `elsewhere`."""
    decls = analysis.module.decls if analysis.module is not None else ()
    uses = [d for d in decls if isinstance(d, ast.Use)]
    for use in uses:
        if resolve_use(use, analysis.path) == elsewhere:
            return to_range(use.span, analysis.line)
    if uses:
        return to_range(uses[0].span, analysis.line)
    return types.Range(types.Position(0, 0), types.Position(0, 0))


def _related(
    analysis: Analysis, diagnostic: Diagnostic
) -> list[types.DiagnosticRelatedInformation]:
    return [
        types.DiagnosticRelatedInformation(
            types.Location(path_to_uri(span_path(n.span.file)), to_range(n.span, analysis.line)),
            n.message,
        )
        for n in diagnostic.notes
        if n.span.line > 0
    ]


def to_lsp(analysis: Analysis, diagnostic: Diagnostic) -> types.Diagnostic:
    """One ERSL diagnostic as an LSP diagnostic of the analysed document."""
    related = _related(analysis, diagnostic)
    elsewhere = span_path(diagnostic.span.file)
    message = _message(diagnostic)
    data: dict = {"lint": is_lint_finding(diagnostic.code)}
    if elsewhere == analysis.path or diagnostic.span.line <= 0:
        where = to_range(diagnostic.span, analysis.line)
        replacement = suggestion(diagnostic)
        if replacement is not None:
            data["replacement"] = replacement
    else:
        where = _use_range(analysis, elsewhere)
        message = f"in {diagnostic.span}: {message}"
        related.insert(
            0,
            types.DiagnosticRelatedInformation(
                types.Location(path_to_uri(elsewhere), to_range(diagnostic.span, analysis.line)),
                diagnostic.message,
            ),
        )
        data["lint"] = False
    return types.Diagnostic(
        range=where,
        message=message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Hint),
        code=diagnostic.code,
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if diagnostic.code == UNUSED_SUPPRESSION else None,
        data=data,
    )


def document_diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    """Every diagnostic of an analysis, as shown in its document."""
    return [to_lsp(analysis, d) for d in analysis.diagnostics]
