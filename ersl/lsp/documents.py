"""The open documents and their analyses, re-checked incrementally.

An edit makes stale the analysis of the edited document and of every open document
that was checked with it (a test file that `use`s the edited contract, a contract that
`use`s an edited library file); nothing else is checked again. Analyses are made on
demand, so a hover right after an edit sees the new text even before the debounced
diagnostics are published. The other open documents' texts stand in for their files
on disk.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from ersl import ast
from ersl.lsp.analysis import Analysis, analyse_document
from ersl.lsp.positions import uri_to_path


@attrs.define
class OpenDocument:
    """A document the editor has open: its text, version and latest analysis."""

    uri: str
    path: Path
    text: str
    version: int | None
    analysis: Analysis | None = None
    """The analysis of the current text, or None when it is stale."""
    last_module: ast.Module | None = None
    """The syntax tree of the last text that parsed (for the outline while typing)."""
    last_checked: Analysis | None = None
    """The last analysis whose text parsed and loaded (names to complete while typing)."""


class DocumentStore:
    """The open documents by URI, with the dependencies between them."""

    def __init__(self) -> None:
        self._documents: dict[str, OpenDocument] = {}

    def __contains__(self, uri: str) -> bool:
        return uri in self._documents

    def get(self, uri: str) -> OpenDocument | None:
        """The open document `uri`, or None."""
        return self._documents.get(uri)

    def documents(self) -> list[OpenDocument]:
        """Every open document."""
        return list(self._documents.values())

    def open(self, uri: str, text: str, version: int | None) -> list[str]:
        """Register an opened document; return the documents to check again."""
        self._documents[uri] = OpenDocument(uri, uri_to_path(uri), text, version)
        return self._invalidate(self._documents[uri].path)

    def change(self, uri: str, text: str, version: int | None) -> list[str]:
        """Record a document's new text; return the documents to check again."""
        document = self._documents.get(uri)
        if document is None:
            return self.open(uri, text, version)
        if document.text == text:  # nothing to check again, but the new version is
            document.version = version  # published (clients wait for it) from the cache
            return [uri]
        document.text, document.version = text, version
        return self._invalidate(document.path)

    def close(self, uri: str) -> list[str]:
        """Forget a closed document; return the documents to check again (its file on disk
        now stands for it)."""
        document = self._documents.pop(uri, None)
        return self._invalidate(document.path) if document is not None else []

    def files_changed(self, paths: list[Path]) -> list[str]:
        """Files changed on disk; return the open documents to check again."""
        affected: list[str] = []
        for path in paths:
            affected += [uri for uri in self._invalidate(path.resolve()) if uri not in affected]
        return affected

    def _invalidate(self, path: Path) -> list[str]:
        """Mark stale every open document that is `path` or was checked with it."""
        affected = []
        for document in self._documents.values():
            analysis = document.analysis
            if (
                document.path == path
                or analysis is None
                or analysis.depends is None
                or path in analysis.depends
            ):
                document.analysis = None
                affected.append(document.uri)
        return affected

    def analysis(self, uri: str) -> Analysis | None:
        """The analysis of the current text of `uri` (made now if stale); None if not open."""
        document = self._documents.get(uri)
        if document is None:
            return None
        if document.analysis is None:
            overlay = {d.path: d.text for d in self._documents.values() if d is not document}
            document.analysis = analyse_document(document.path, document.text, overlay)
            if document.analysis.module is not None:
                document.last_module = document.analysis.module
            if document.analysis.checked is not None:
                document.last_checked = document.analysis
        return document.analysis
