"""The wheel: built from the checkout, installed into a fresh virtual environment,
it carries the grammar and the standard library and works outside the repository."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
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
def built(tmp_path_factory) -> Path:
    """The wheel and the sdist built from the checkout (their folder)."""
    if os.environ.get("ERSL_SKIP_WHEEL_TEST"):
        pytest.skip("ERSL_SKIP_WHEEL_TEST is set")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    return dist


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh venv with the built wheel installed (dependencies from the package index,
    no test extra)."""
    (wheel,) = built.glob("ersl-*.whl")
    env_dir = tmp_path_factory.mktemp("wheel") / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_wheel_and_sdist_carry_the_licence_and_the_typing_marker(built):
    (wheel,) = built.glob("ersl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ersl/py.typed" in names
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert zipfile.ZipFile(wheel).read(f"{dist_info}/licenses/LICENSE").decode() == licence
    (sdist,) = built.glob("ersl-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "ersl/py.typed", "README.md"} <= members


def test_wheel_metadata(built):
    (wheel,) = built.glob("ersl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(name))
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues"}
    assert all(u.startswith("https://") for u in urls.values())
    runtime = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert any(r.startswith("hypothesis") for r in runtime)  # property blocks need it
    assert any(r.lower().startswith("xlsxwriter") for r in runtime)  # --format xlsx


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


PROPERTY_TESTS = """
use "kontrakt.ersl"

property "a visit is never paid negatively" {
  for any data
  check paid("Besök", q) >= 0 kr
  for every provider q
}
"""


def test_properties_and_python_m_ersl_work_without_the_test_extra(installed, tmp_path):
    """`property` blocks are part of the language: the installed package (no test extra)
    runs them, and `python -m ersl` is the same command as `ersl`."""
    (tmp_path / "kontrakt.ersl").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "kontrakt_test.ersl").write_text(PROPERTY_TESTS, encoding="utf-8")
    python = str(installed / "bin" / "python")
    result = subprocess.run(
        [python, "-m", "ersl", "test", "--examples", "5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout
