"""Benchmark: the language server re-checking `stdlib_rules/stockholm/husläkare.ersl`
after an edit (target: under 200 ms, so diagnostics feel live).

Two figures, each over a series of edits (a figure of the file changed to a new value each
time, so the edited text is always parsed anew):

- in process: the server's document store after an edit — load (parsing only the
  edited text; the used files' parses are cached), check, lint, and the LSP
  diagnostics made from them;
- over the protocol: `ersl lsp` in a subprocess with no debounce, the time from sending
  `textDocument/didChange` to receiving the `publishDiagnostics` of that version,
  alone and with `husläkare_test.ersl` (which uses the contract) open too, so that
  both are checked again.

    python benchmarks/bench_lsp.py [--edits 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from ersl.lsp.diagnostics import document_diagnostics
from ersl.lsp.documents import DocumentStore
from ersl.lsp.positions import path_to_uri

REPO = Path(__file__).resolve().parent.parent
CONTRACT = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"
TESTS = REPO / "stdlib_rules" / "stockholm" / "husläkare_test.ersl"
FIGURE = "953 kr/year"  # the first band of "Listningsersättning ålder" 2016


def edited_texts(count: int, series: int = 0) -> list[str]:
    """`count` versions of the contract, each with the figure changed to a new value (a
    text never seen before, so nothing of the edited file comes from a cache)."""
    text = CONTRACT.read_text(encoding="utf-8")
    assert FIGURE in text
    return [text.replace(FIGURE, f"{10_000 * (series + 1) + i} kr/year", 1) for i in range(count)]


def summary(name: str, seconds: list[float]) -> str:
    """Median, 90th percentile and worst, in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return (
        f"{name:<48} median {statistics.median(ms):6.1f} ms   p90 {p90:6.1f} ms"
        f"   max {ms[-1]:6.1f} ms   ({len(ms)} edits)"
    )


def in_process(count: int) -> list[float]:
    """Seconds per re-check in the document store, after each edit."""
    store = DocumentStore()
    uri = path_to_uri(CONTRACT)
    store.open(uri, CONTRACT.read_text(encoding="utf-8"), 1)
    store.analysis(uri)  # the first check parses the used files once
    times = []
    for version, text in enumerate(edited_texts(count, 0), start=2):
        start = time.perf_counter()
        store.change(uri, text, version)
        document_diagnostics(store.analysis(uri))
        times.append(time.perf_counter() - start)
    return times


async def over_the_protocol(count: int, with_tests: bool) -> list[float]:
    """Seconds from didChange to the publishDiagnostics of that version."""
    client = LanguageClient("bench", "1")
    published: dict[tuple[str, int | None], asyncio.Event] = {}
    counts: dict[str, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        counts[params.uri] = counts.get(params.uri, 0) + 1
        published.setdefault((params.uri, params.version), asyncio.Event()).set()

    def arrived(uri: str, version: int) -> asyncio.Event:
        return published.setdefault((uri, version), asyncio.Event())

    await client.start_io(sys.executable, "-m", "ersl", "lsp", "--debounce-ms", "0", cwd=str(REPO))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=None)
    )
    client.initialized(types.InitializedParams())
    uri = path_to_uri(CONTRACT)
    opened = [(uri, CONTRACT)] + ([(path_to_uri(TESTS), TESTS)] if with_tests else [])
    for doc_uri, path in opened:
        item = types.TextDocumentItem(
            uri=doc_uri, language_id="ersl", version=1, text=path.read_text(encoding="utf-8")
        )
        client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        await asyncio.wait_for(arrived(doc_uri, 1).wait(), 60)
    times = []
    tests_uri = path_to_uri(TESTS)
    for version, text in enumerate(edited_texts(count, 1 + with_tests), start=2):
        done = arrived(uri, version)
        before = counts.get(tests_uri, 0)
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await asyncio.wait_for(done.wait(), 60)
        if with_tests:  # the test file, checked again with the edited contract
            while counts.get(tests_uri, 0) <= before:
                await asyncio.sleep(0.001)
        times.append(time.perf_counter() - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> None:
    """Print the re-check figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    count = parser.parse_args().edits
    lines = len(CONTRACT.read_text(encoding="utf-8").splitlines())
    print(f"re-check of {CONTRACT.relative_to(REPO)} ({lines} lines) after an edit")
    print(summary("in process (load, check, lint, diagnostics)", in_process(count)))
    print(
        summary(
            "over the protocol: didChange → diagnostics",
            asyncio.run(over_the_protocol(count, with_tests=False)),
        )
    )
    print(
        summary(
            "  … with husläkare_test.ersl open too (both)",
            asyncio.run(over_the_protocol(count, with_tests=True)),
        )
    )


if __name__ == "__main__":
    main()
