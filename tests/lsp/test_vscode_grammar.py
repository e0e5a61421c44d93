"""The VS Code extension: its TextMate grammar is generated from the Pygments lexer's
keyword lists and colours every `.ersl` file of the repository as the lexer does.

The grammar is tokenised by a TextMate engine from npm (vscode-textmate with
vscode-oniguruma, VS Code's own), driven by `editors/vscode/scripts/tokenize.js`. Node is
required: without it the test fails and says so. The npm packages are installed into
`editors/vscode/node_modules` with `npm ci` when they are missing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pygments.token import Comment, Keyword, Name, String

from ersl.highlight import (
    BUILTINS,
    CONSTANTS,
    DECLARATION_KEYWORDS,
    KEYWORDS,
    PSEUDO_KEYWORDS,
    TYPE_KEYWORDS,
    ErslLexer,
)

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
GRAMMAR = EXTENSION / "syntaxes" / "ersl.tmLanguage.json"
_WORD = re.compile(r"[^\W\d]\w*")

# Pygments token type -> the TextMate scope the grammar must give the same word.
EXPECTED_SCOPE = {
    Keyword.Declaration: "keyword.declaration.ersl",
    Keyword: "keyword.other.ersl",
    Keyword.Type: "support.type.primitive.ersl",
    Keyword.Constant: "constant.language.ersl",
    Keyword.Pseudo: "keyword.other.option.ersl",
    Name.Builtin: "support.function.builtin.ersl",
    Name.Class: "entity.name.type.ersl",
    Name.Function: "entity.name.function.ersl",
    Name.Variable: "variable.other.declaration.ersl",
    Name.Constant: "entity.name.constant.ersl",
    Name.Namespace: "entity.name.namespace.ersl",
    Name.Attribute: "variable.other.member.ersl",
}
PLAIN_NAMES = {"variable.other.ersl", "variable.other.label.ersl"}


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_grammar", EXTENSION / "scripts" / "generate_grammar.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ersl_files() -> list[Path]:
    files: set[Path] = set()
    for folder in ("stdlib_rules", "examples", "tests", "benchmarks", "docs"):
        files.update((REPO / folder).rglob("*.ersl"))
    return sorted(files)


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with the extension's npm packages installed."""
    found = shutil.which("node")
    if found is None:
        pytest.fail(
            "node is not installed: the TextMate grammar is tested with vscode-textmate, "
            "which needs Node.js 18 or later (e.g. `apt-get install nodejs npm`)"
        )
    if not (EXTENSION / "node_modules" / "vscode-textmate").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not installed: run `npm ci` in editors/vscode")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=EXTENSION,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.fail(f"`npm ci` in editors/vscode failed:\n{done.stdout}\n{done.stderr}")
    return found


@pytest.fixture(scope="module")
def every_keyword_file(tmp_path_factory):
    """A file with every keyword of the lexer's lists alone on a line (and each built-in
    called), and the scope each must get: (path, {(line, start, end): scope})."""
    lines, expected = [], {}
    seen: set[str] = set()
    for names, scope in KEYWORD_LISTS:
        for name in names:
            if name in seen or name == "codeset":  # `codeset` opens a block: tested apart
                continue
            seen.add(name)
            expected[(len(lines), 0, len(name))] = scope
            lines.append(name)
    for name in BUILTINS:
        expected[(len(lines), 0, len(name))] = "support.function.builtin.ersl"
        lines.append(f"{name}(x)")
        expected[(len(lines) - 1, len(name) + 1, len(name) + 2)] = "variable.other.ersl"
    expected[(len(lines), 0, len("codeset"))] = "keyword.declaration.ersl"
    lines.append("codeset")
    path = tmp_path_factory.mktemp("keywords") / "every_keyword.ersl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, expected


@pytest.fixture(scope="module")
def textmate_words(node, every_keyword_file) -> dict[Path, dict[tuple[int, int, int], str]]:
    """For every .ersl file: the word tokens the TextMate grammar finds, with their scope."""
    files = [*_ersl_files(), every_keyword_file[0]]
    done = subprocess.run(
        [node, str(EXTENSION / "scripts" / "tokenize.js"), str(GRAMMAR), *map(str, files)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    tokens = json.loads(done.stdout)
    return {
        Path(name): {(line, start, end): scope for line, start, end, scope in words}
        for name, words in tokens.items()
    }


def _pygments_words(text: str):
    """(line, UTF-16 start, UTF-16 end, token type, word) of each word the lexer finds."""
    lexer = ErslLexer(stripnl=False, ensurenl=False)
    for offset, ttype, value in lexer.get_tokens_unprocessed(text):
        if not _WORD.fullmatch(value) or ttype in String or ttype in Comment:
            continue
        line = text.count("\n", 0, offset)
        start_of_line = text.rfind("\n", 0, offset) + 1
        before = text[start_of_line:offset]
        start = len(before.encode("utf-16-le")) // 2
        yield line, start, start + len(value.encode("utf-16-le")) // 2, ttype, value


def test_the_grammar_is_generated_from_the_lexer_keyword_lists():
    assert GRAMMAR.read_text(encoding="utf-8") == _generator().render(), (
        "run python3 editors/vscode/scripts/generate_grammar.py"
    )


# Each keyword list in the order the lexer tries them, with the scope it must get.
KEYWORD_LISTS = [
    (DECLARATION_KEYWORDS, "keyword.declaration.ersl"),
    (CONSTANTS, "constant.language.ersl"),
    (TYPE_KEYWORDS, "support.type.primitive.ersl"),
    (KEYWORDS, "keyword.other.ersl"),
    (PSEUDO_KEYWORDS, "keyword.other.option.ersl"),
]


def test_every_keyword_of_the_lexer_lists_gets_its_scope(every_keyword_file, textmate_words):
    path, expected = every_keyword_file
    assert textmate_words[path] == expected


def test_the_grammar_colours_every_ersl_file_as_the_lexer_does(textmate_words):
    files = _ersl_files()
    assert len(files) > 50 and set(files) <= set(textmate_words)
    mismatches = []
    checked_keywords = 0
    for path in files:
        found = textmate_words[path]
        for line, start, end, ttype, word in _pygments_words(path.read_text(encoding="utf-8")):
            scope = found.get((line, start, end))
            wanted = EXPECTED_SCOPE.get(ttype)
            if ttype in Keyword:
                checked_keywords += 1
            if wanted is not None and scope != wanted:
                mismatches.append(f"{path}:{line + 1}:{start + 1} `{word}` {ttype}: {scope}")
            elif wanted is None and scope not in PLAIN_NAMES:
                mismatches.append(f"{path}:{line + 1}:{start + 1} `{word}` {ttype}: {scope}")
    assert not mismatches, "\n".join(mismatches[:40])
    assert checked_keywords > 5000  # the comparison covers the repository's keywords


def test_the_extension_manifest_names_its_files():
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert language["extensions"] == [".ersl"]
    assert (EXTENSION / language["configuration"]).is_file()
    assert (EXTENSION / grammar["path"]).resolve() == GRAMMAR
    assert grammar["scopeName"] == json.loads(GRAMMAR.read_text("utf-8"))["scopeName"]
    assert (EXTENSION / manifest["main"]).is_file()
    config = json.loads((EXTENSION / "language-configuration.json").read_text("utf-8"))
    assert config["comments"] == {"lineComment": "#"}


def test_the_client_is_valid_javascript(node):
    done = subprocess.run(
        [node, "--check", str(EXTENSION / "extension.js")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
