"""Fixtures for the language-server tests: one `ersl lsp` per module, a project per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from .lsp_client import LspClient
from .lsp_fixtures import REPO, write_project


@pytest.fixture(scope="module")
def server():
    """A running `ersl lsp`, initialised, shut down after the module's tests."""
    client = LspClient(REPO)
    yield client
    client.close()
    assert client.stderr.decode().strip() == "", client.stderr.decode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the test contract, its fee file and its test file; the contract's path."""
    return write_project(tmp_path)
