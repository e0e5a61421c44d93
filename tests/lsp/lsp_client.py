"""A synchronous LSP client for the tests: `ersl lsp` in a subprocess, driven over a pipe.

The pygls `LanguageClient` runs on an event loop in a background thread; the test
calls plain methods that send a request or notification and wait for the answer.
Diagnostics the server publishes are kept by URI, with every version received.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from ersl.lsp.positions import path_to_uri

TIMEOUT = 60.0


class LspClient:
    """A running `ersl lsp` and a client talking to it."""

    def __init__(
        self, cwd: Path, debounce_ms: int = 50, encodings: list[str] | None = None
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("ersl-tests", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.messages: list[types.ShowMessageParams] = []
        self.logs: list[str] = []
        self.stderr = bytearray()
        self._changed = threading.Condition()
        self._versions: dict[str, int] = {}
        self._register()
        # -P: run the installed ersl, not a checkout that happens to be the working folder
        command = [sys.executable, "-P", "-m", "ersl", "lsp", "--debounce-ms", str(debounce_ms)]
        self.call(self.client.start_io(*command, cwd=str(cwd)))
        self.call(self._drain_stderr())
        self.result = self.call(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(
                        general=types.GeneralClientCapabilities(position_encodings=encodings)
                    ),
                    root_uri=path_to_uri(cwd),
                    process_id=None,
                )
            )
        )
        self.notify(self.client.initialized, types.InitializedParams())

    def _register(self) -> None:
        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            with self._changed:
                self.published.setdefault(params.uri, []).append(params)
                self._changed.notify_all()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def show(params: types.ShowMessageParams) -> None:
            self.messages.append(params)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            self.logs.append(params.message)

    async def _drain_stderr(self) -> None:
        stream = self.client._server.stderr

        async def drain() -> None:
            while chunk := await stream.read(4096):
                self.stderr.extend(chunk)

        self._drain = asyncio.ensure_future(drain())

    # -------------------------------------------------------------- plumbing

    def call(self, coroutine, timeout: float = TIMEOUT):
        """Run a coroutine on the client's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def notify(self, method, params) -> None:
        """Send a notification from the client's loop."""

        async def send() -> None:
            method(params)

        self.call(send())

    @property
    def alive(self) -> bool:
        """Whether the server process is still running."""
        server = self.client._server
        return server is not None and server.returncode is None

    def close(self) -> None:
        """Shut the server down as an editor does, and stop the loop."""
        try:
            if self.alive:
                self.call(self.client.shutdown_async(None), timeout=10)
                self.notify(self.client.exit, None)
                self.call(self.client.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    # -------------------------------------------------------------- documents

    def open(self, path: Path, text: str | None = None) -> str:
        """Open `path` (with `text`, or its text on disk); return its URI."""
        text = path.read_text(encoding="utf-8") if text is None else text
        return self.open_uri(path_to_uri(path), text)

    def open_uri(self, uri: str, text: str) -> str:
        """Open the document `uri` with `text`; return the URI."""
        self._versions[uri] = 1
        item = types.TextDocumentItem(uri=uri, language_id="ersl", version=1, text=text)
        self.notify(self.client.text_document_did_open, types.DidOpenTextDocumentParams(item))
        return uri

    def change(self, uri: str, text: str, at: types.Range | None = None) -> None:
        """Replace the whole text (or the range `at`) of an open document."""
        self._versions[uri] += 1
        if at is None:
            change = types.TextDocumentContentChangeWholeDocument(text=text)
        else:
            change = types.TextDocumentContentChangePartial(range=at, text=text)
        params = types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=self._versions[uri], uri=uri), [change]
        )
        self.notify(self.client.text_document_did_change, params)

    def save(self, uri: str) -> None:
        """Tell the server the document was saved."""
        params = types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        self.notify(self.client.text_document_did_save, params)

    def version(self, uri: str) -> int:
        """The version of an open document the client last sent."""
        return self._versions[uri]

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = TIMEOUT):
        """The diagnostics of `uri` published for `version` (default: the client's latest)."""
        wanted = self._versions.get(uri, 0) if version is None else version
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [p for p in self.published.get(uri, []) if (p.version or 0) >= wanted]
                if found:
                    return list(found[-1].diagnostics)
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    raise AssertionError(
                        f"no diagnostics for {uri} version {wanted} "
                        f"(server stderr: {self.stderr.decode()})"
                    )
                self._changed.wait(min(left, 0.5))

    def diagnostics_after(self, uri: str, count: int, timeout: float = TIMEOUT):
        """The diagnostics of `uri` published after the first `count` publications."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.published.get(uri, [])) <= count:
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    raise AssertionError(f"no new diagnostics for {uri}")
                self._changed.wait(min(left, 0.5))
            return list(self.published[uri][-1].diagnostics)

    def close_document(self, uri: str) -> None:
        """Tell the server the document was closed."""
        params = types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        self.notify(self.client.text_document_did_close, params)

    # -------------------------------------------------------------- requests

    @staticmethod
    def _where(uri: str, line: int, character: int):
        return types.TextDocumentIdentifier(uri), types.Position(line, character)

    def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        """textDocument/hover at a 0-based position."""
        doc, pos = self._where(uri, line, character)
        return self.call(
            self.client.text_document_hover_async(
                types.HoverParams(text_document=doc, position=pos)
            )
        )

    def definition(self, uri: str, line: int, character: int):
        """textDocument/definition at a 0-based position."""
        doc, pos = self._where(uri, line, character)
        params = types.DefinitionParams(text_document=doc, position=pos)
        return self.call(self.client.text_document_definition_async(params))

    def references(self, uri: str, line: int, character: int, declaration: bool = True):
        """textDocument/references at a 0-based position."""
        doc, pos = self._where(uri, line, character)
        params = types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=declaration),
            text_document=doc,
            position=pos,
        )
        return self.call(self.client.text_document_references_async(params))

    def completion(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        """textDocument/completion at a 0-based position (the items, list or not)."""
        doc, pos = self._where(uri, line, character)
        result = self.call(
            self.client.text_document_completion_async(
                types.CompletionParams(text_document=doc, position=pos)
            )
        )
        return result.items if isinstance(result, types.CompletionList) else (result or [])

    def symbols(self, uri: str):
        """textDocument/documentSymbol."""
        params = types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        return self.call(self.client.text_document_document_symbol_async(params))

    def formatting(self, uri: str):
        """textDocument/formatting."""
        params = types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
        return self.call(self.client.text_document_formatting_async(params))

    def code_actions(self, uri: str, diagnostics: list[types.Diagnostic]):
        """textDocument/codeAction for these diagnostics (over the first one's range)."""
        where = diagnostics[0].range
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=where,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
        return self.call(self.client.text_document_code_action_async(params))

    def code_lenses(self, uri: str):
        """textDocument/codeLens."""
        params = types.CodeLensParams(types.TextDocumentIdentifier(uri))
        return self.call(self.client.text_document_code_lens_async(params))

    def execute(self, command: str, *arguments):
        """workspace/executeCommand."""
        params = types.ExecuteCommandParams(command=command, arguments=list(arguments))
        return self.call(self.client.workspace_execute_command_async(params), timeout=300)
