"""The wheel: built from the checkout, installed into a fresh virtual environment,
it carries the grammar and the standard library and works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CONTRACT = """
contract "Utanför repot" { valid 2022-01-01 .. 2022-12-31 }
use stdlib "schema/sweden"
use stdlib "functions/listing"
payment "Besök" {
  kind variable
  per Visit v where v.mode == physical
  amount 100 kr
}
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the built wheel installed (dependencies from the package index)."""
    if os.environ.get("ERSL_SKIP_WHEEL_TEST"):
        pytest.skip("ERSL_SKIP_WHEEL_TEST is set")
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("ersl-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_ersl_check_from_installed_wheel_outside_repo(installed, tmp_path):
    contract = tmp_path / "kontrakt.ersl"
    contract.write_text(CONTRACT, encoding="utf-8")
    result = subprocess.run(
        [str(installed / "bin" / "ersl"), "check", str(contract)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_grammar_and_stdlib_load_from_the_package(installed, tmp_path):
    code = (
        "from ersl.resources import grammar_path, stdlib_root\n"
        "print(grammar_path()); print(stdlib_root())\n"
    )
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    grammar, stdlib = result.stdout.split()
    assert "site-packages" in grammar and grammar.endswith("ersl/grammar/ersl.lark")
    assert "site-packages" in stdlib and Path(stdlib, "schema", "sweden.ersl").exists()


def test_parser_cache_is_not_written_into_the_package(installed, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    code = "from ersl.syntax import parse; parse('param x = 1 kr')\nimport ersl, os; print(os.path.dirname(ersl.__file__))"
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    package = Path(result.stdout.strip())
    assert not list(package.rglob("*.lark-cache"))
    assert list((cache / "ersl").glob("*.lark-cache"))


def test_pygments_finds_the_lexer_from_the_wheel(installed, tmp_path):
    code = (
        "from pygments.lexers import get_lexer_by_name, get_lexer_for_filename\n"
        "print(get_lexer_by_name('ersl').name, get_lexer_for_filename('x.ersl').name)"
    )
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["ERSL", "ERSL"], result.stderr


LSP_CLIENT = """
import asyncio, sys
from pathlib import Path
from lsprotocol import types
from pygls.lsp.client import LanguageClient

async def main(ersl, contract):
    client = LanguageClient("wheel-test", "1")
    await client.start_io(ersl, "lsp")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=None)
    )
    client.initialized(types.InitializedParams())
    uri = Path(contract).resolve().as_uri()
    text = Path(contract).read_text(encoding="utf-8")
    item = types.TextDocumentItem(uri=uri, language_id="ersl", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    line = text.split("\\n").index("  per Visit v where v.mode == physical")
    found = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), types.Position(line, 7))
    )
    print(found.uri)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_language_server_navigates_into_the_packaged_stdlib(installed, tmp_path):
    contract = tmp_path / "kontrakt.ersl"
    contract.write_text(CONTRACT, encoding="utf-8")
    result = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            LSP_CLIENT,
            str(installed / "bin" / "ersl"),
            str(contract),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    uri = result.stdout.strip()
    assert "site-packages" in uri and uri.endswith("ersl/stdlib_rules/schema/sweden.ersl"), uri
