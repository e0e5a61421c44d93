"""Analysing one open document with the real pipeline: load, check, lint.

The language server has no parser or checker of its own: a document is loaded with
`ersl.loader.load` (open documents stand in for the files on disk), checked with
`ersl.checker.analyse` (which keeps what it learned even when there are errors, for
hover and navigation) and, when it checks, linted with `ersl.lint.lint`. Parsing is
cached per text by the loader, so re-checking after an edit parses only the files
whose text changed.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import Path

import attrs

from ersl import ast
from ersl.checker import CheckedContract, analyse
from ersl.diagnostics import Diagnostic, SourceCache
from ersl.errors import ErslError
from ersl.lint import ConfigError, config_for, lint
from ersl.loader import display_path, load
from ersl.span import Span
from ersl.syntax import parse

INTERNAL = "E9000"
"""Code of the diagnostic shown when ERSL itself fails on a document (a bug to report)."""
BAD_LINT_CONFIG = "E9001"
"""Code of the diagnostic shown when `[tool.ersl.lint]` is invalid (the file is not linted)."""


@attrs.define
class Analysis:
    """What the pipeline found in one document at one version of its text."""

    path: Path
    shown: str
    text: str
    module: ast.Module | None
    """The document's syntax tree, or None if it does not parse."""
    checked: CheckedContract | None
    """The checker's symbols and facts (partial when there are errors), or None."""
    diagnostics: list[Diagnostic]
    """Syntax, checker and lint findings, in this document and in the files it uses."""
    depends: frozenset[Path] | None
    """Every file the document was checked with (itself included); None if loading failed."""
    sources: SourceCache

    @property
    def modules(self) -> list[ast.Module]:
        """Every module loaded with the document (imports first), or just the document."""
        if self.checked is not None:
            return self.checked.loaded.modules
        return [self.module] if self.module is not None else []

    def line(self, file: str, number: int) -> str | None:
        """Line `number` of the file a span names (this document's current text for it)."""
        return self.sources.line(file, number)


def _internal(shown: str, error: BaseException) -> Diagnostic:
    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    place = f" at {where[0].filename}:{where[0].lineno}" if where else ""
    return Diagnostic(
        INTERNAL,
        f"internal error in ERSL: {type(error).__name__}: {error}{place}",
        Span(shown, 1, 1, 1, 1),
        help="this is a bug in ERSL, not in your contract; please report it with the file",
    )


def _parse_alone(text: str, shown: str) -> ast.Module | None:
    try:
        return parse(text, shown)
    except ErslError:
        return None


def analyse_document(path: Path, text: str, overlay: Mapping[Path, str]) -> Analysis:
    """Load, check and lint the document `path` whose current text is `text`.

    `overlay` holds the texts of the other open documents. Never raises: a failure of
    ERSL itself becomes an `E9000` diagnostic.
    """
    shown = display_path(path)
    sources = SourceCache({shown: text})
    try:
        return _analyse(path, shown, text, overlay, sources)
    except Exception as error:  # noqa: BLE001 - an editor must get an answer, never a crash
        return Analysis(path, shown, text, None, None, [_internal(shown, error)], None, sources)


def _analyse(
    path: Path, shown: str, text: str, overlay: Mapping[Path, str], sources: SourceCache
) -> Analysis:
    try:
        loaded = load(path, text, overlay)
    except ErslError as error:
        module = _parse_alone(text, shown)
        error.sources.add(shown, text)
        return Analysis(path, shown, text, module, None, error.diagnostics, None, error.sources)
    result = analyse(loaded)
    depends = frozenset(Path(m.path).resolve() for m in loaded.modules) | {path}
    diagnostics = list(result.diagnostics)
    if not diagnostics:
        try:
            diagnostics = lint(result.checked, config_for(path))
        except ConfigError as problem:
            diagnostics = [
                Diagnostic(
                    BAD_LINT_CONFIG,
                    f"the lint configuration is invalid: {problem}",
                    Span(shown, 1, 1, 1, 1),
                    "warning",
                    help="fix [tool.ersl.lint] in pyproject.toml; the file was checked, not linted",
                )
            ]
    return Analysis(
        path, shown, text, loaded.root, result.checked, diagnostics, depends, loaded.sources
    )
