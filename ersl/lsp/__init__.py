"""The ERSL language server (`ersl lsp`): live help in editors, over the Language Server
Protocol, built on pygls and lsprotocol.

It reuses the real pipeline — the loader, the checker and the linter, no second parser —
and adds what an editor needs on top:

- `analysis`: one document loaded, checked and linted (never raises);
- `documents`: the open documents, re-checked incrementally with those that use them;
- `positions`: spans and LSP ranges, paths and URIs;
- `diagnostics`: ERSL diagnostics as LSP diagnostics;
- `lookup`: what a place refers to (hover, definition and references share it);
- `hover`, `navigation`, `completion`, `outline`: the requests;
- `actions`: formatting, quick fixes, code lenses and running a test;
- `server`: the protocol wiring.
"""

from __future__ import annotations

from ersl.lsp.server import build_server, serve

__all__ = ["build_server", "serve"]
