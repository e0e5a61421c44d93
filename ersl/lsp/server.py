"""The protocol wiring: a pygls `LanguageServer` with ERSL's features registered.

Every request is answered: a handler that fails (a bug in ERSL) logs the error to the
client and answers "nothing here" instead of an error, and an analysis that fails
becomes an `E9000` diagnostic. Diagnostics are published at once when a document is
opened or saved and `debounce` seconds after the last edit of a burst; they are made
for the edited document and for the open documents that use it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ersl.lsp import actions
from ersl.lsp.analysis import Analysis
from ersl.lsp.completion import Request, complete
from ersl.lsp.diagnostics import document_diagnostics
from ersl.lsp.documents import DocumentStore
from ersl.lsp.hover import hover
from ersl.lsp.lookup import target_at
from ersl.lsp.navigation import definition, references
from ersl.lsp.outline import outline
from ersl.lsp.positions import from_position, set_encoding, uri_to_path
from ersl.version import __version__

DEBOUNCE = 0.2
"""Seconds of quiet after an edit before its diagnostics are published."""
TRIGGER_CHARACTERS = [".", '"', "/"]
log = logging.getLogger("ersl.lsp")


class ErslLanguageServer(LanguageServer):
    """The ERSL language server: the open documents and the pending re-checks."""

    def __init__(self, debounce: float = DEBOUNCE) -> None:
        super().__init__("ersl", __version__, types.TextDocumentSyncKind.Incremental)
        self.store = DocumentStore()
        self.debounce = debounce
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def report(self, what: str, error: BaseException) -> None:
        """Tell the client (its log) that a handler failed: a bug in ERSL."""
        detail = "".join(traceback.format_exception(error)).strip()
        log.error("%s failed: %s", what, detail)
        self.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Error, message=f"ersl: {what} failed: {detail}"
            )
        )

    # -------------------------------------------------------------- diagnostics

    def publish(self, uri: str) -> None:
        """Check `uri` (if stale) and publish its diagnostics now."""
        self._timers.pop(uri, None)
        document = self.store.get(uri)
        if document is None:
            return
        try:
            analysis = self.store.analysis(uri)
            found = document_diagnostics(analysis)
        except Exception as error:  # noqa: BLE001 - the server must keep running
            self.report(f"checking {uri}", error)
            return
        params = types.PublishDiagnosticsParams(
            uri=uri, diagnostics=found, version=document.version
        )
        self.text_document_publish_diagnostics(params)

    def schedule(self, uris: list[str], now: str | None = None) -> None:
        """Publish `now` at once and the others after the debounce delay."""
        loop = asyncio.get_running_loop()
        for uri in uris:
            if uri == now:
                self.publish(uri)
                continue
            timer = self._timers.pop(uri, None)
            if timer is not None:
                timer.cancel()
            self._timers[uri] = loop.call_later(self.debounce, self.publish, uri)

    # -------------------------------------------------------------- helpers for requests

    def at(self, uri: str, position: types.Position):
        """The analysis of `uri` and the 1-based line and column of `position` in it."""
        analysis = self.store.analysis(uri)
        if analysis is None:
            return None, 0, 0
        line, column = from_position(analysis.text, position)
        return analysis, line, column

    def target(self, uri: str, position: types.Position):
        """The analysis of `uri` and what the place refers to (None if nothing)."""
        analysis, line, column = self.at(uri, position)
        if analysis is None or analysis.module is None:
            return analysis, None
        return analysis, target_at(analysis, analysis.module, line, column)

    def open_analyses(self) -> list[Analysis]:
        """The analyses of every open document."""
        found = (self.store.analysis(d.uri) for d in self.store.documents())
        return [a for a in found if a is not None]


def guarded(server: ErslLanguageServer, what: str, default=None):
    """Run a handler; if it fails, report the bug and answer `default`."""

    def decorate(handler):
        @functools.wraps(handler)
        def run(*args):
            try:
                return handler(*args)
            except Exception as error:  # noqa: BLE001 - every request gets an answer
                server.report(what, error)
                return default

        return run

    return decorate


def build_server(debounce: float = DEBOUNCE) -> ErslLanguageServer:
    """A language server with every ERSL feature registered."""
    server = ErslLanguageServer(debounce)
    _register_sync(server)
    _register_requests(server)
    return server


def _register_sync(server: ErslLanguageServer) -> None:
    @server.feature(types.INITIALIZED)
    @guarded(server, "initialized")
    def initialized(params: types.InitializedParams) -> None:
        set_encoding(server.server_capabilities.position_encoding or "utf-16")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(server, "didOpen")
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server.schedule(server.store.open(item.uri, item.text, item.version), now=item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(server, "didChange")
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = server.workspace.get_text_document(uri)
        server.schedule(server.store.change(uri, document.source, document.version))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded(server, "didSave")
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        affected = server.store.files_changed([uri_to_path(uri)])
        server.schedule(affected + ([uri] if uri not in affected else []), now=uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(server, "didClose")
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        affected = server.store.close(uri)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        server.schedule(affected)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(server, "didChangeWatchedFiles")
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [uri_to_path(change.uri) for change in params.changes]
        server.schedule(server.store.files_changed(paths))


def _register_requests(server: ErslLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(server, "hover")
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        analysis, target = server.target(params.text_document.uri, params.position)
        return hover(analysis, target) if target is not None else None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(server, "definition")
    def on_definition(params: types.DefinitionParams) -> types.Location | None:
        analysis, target = server.target(params.text_document.uri, params.position)
        return definition(analysis, target) if target is not None else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(server, "references", [])
    def on_references(params: types.ReferenceParams) -> list[types.Location]:
        analysis, target = server.target(params.text_document.uri, params.position)
        if target is None:
            return []
        others = [a for a in server.open_analyses() if a is not analysis]
        include = params.context.include_declaration
        return references([analysis, *others], target, include)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS),
    )
    @guarded(server, "completion", [])
    def on_completion(params: types.CompletionParams) -> list[types.CompletionItem]:
        uri = params.text_document.uri
        document = server.store.get(uri)
        if document is None:
            return []
        line, column = from_position(document.text, params.position)
        server.store.analysis(uri)
        last = document.last_checked
        overlay = {d.path: d.text for d in server.store.documents() if d is not document}
        return complete(Request(document.path, document.text, line, column, overlay, last))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(server, "documentSymbol", [])
    def on_symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        uri = params.text_document.uri
        analysis = server.store.analysis(uri)
        document = server.store.get(uri)
        module = document.last_module if document is not None else None
        return outline(module, analysis.line) if module is not None else []

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(server, "formatting")
    def on_formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = server.store.get(params.text_document.uri)
        if document is None:
            return None
        return actions.format_document(document.text, str(document.path))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded(server, "codeAction", [])
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        document = server.store.get(params.text_document.uri)
        if document is None:
            return []
        return actions.code_actions(document.uri, document.text, params.context.diagnostics)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    @guarded(server, "codeLens", [])
    def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        analysis = server.store.analysis(uri)
        if analysis is None or analysis.module is None:
            return []
        return actions.code_lenses(uri, analysis.module, analysis.line)

    @server.command(actions.RUN_TEST)
    @guarded(server, "runTest", {"status": "error", "message": "the test could not be run"})
    def on_run_test(uri: str, name: str) -> dict:
        document = server.store.get(uri)
        path = uri_to_path(uri)
        if document is not None and path.is_file():
            if document.text != path.read_text(encoding="utf-8"):
                result = {"status": "error", "message": "save the file first: tests run from disk"}
                server.window_show_message(
                    types.ShowMessageParams(
                        type=types.MessageType.Warning, message=result["message"]
                    )
                )
                return result
        result = actions.run_test(path, name)
        kind = types.MessageType.Info if result["status"] == "passed" else types.MessageType.Error
        server.window_show_message(types.ShowMessageParams(type=kind, message=result["message"]))
        return result


def serve(debounce: float = DEBOUNCE) -> None:
    """Run the language server over standard input and output until the client exits."""
    build_server(debounce).start_io()
