"""Shared test helpers: where the repository and fixtures are."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: CI machines are shared and a loaded core makes a 200 ms
# deadline fail at random; speed is measured by benchmarks/, not by tests.
settings.register_profile("ersl", deadline=None)
settings.load_profile("ersl")

REPO = Path(__file__).resolve().parent.parent


def repo_ersl_files() -> list[Path]:
    """Every .ersl file in stdlib_rules/ and examples/."""
    files = sorted((REPO / "stdlib_rules").rglob("*.ersl")) + sorted(
        (REPO / "examples").rglob("*.ersl")
    )
    return files


@pytest.fixture
def write(tmp_path):
    """Write files into a temporary folder: write("a.ersl", text) -> Path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
