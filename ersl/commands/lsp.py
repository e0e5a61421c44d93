"""`ersl lsp`: the language server (LSP over standard input and output) for editors.

Editors start it themselves (see docs/editors.md); it runs until the editor exits.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl lsp`."""
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="talk over standard input and output (the only transport; accepted because "
        "some clients pass it)",
    )
    parser.add_argument(
        "--debounce-ms",
        type=int,
        default=200,
        metavar="MS",
        help="publish diagnostics this long after the last edit (default: 200)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until the client exits."""
    from ersl.lsp import serve

    serve(max(args.debounce_ms, 0) / 1000)
    return 0
