"""Tests of the language server `ersl lsp` and the VS Code extension."""
