"""Every ```ersl block of the documentation checks, and every ```console block runs.

The pages are `README.md` and `docs/**/*.md`; the directives a block may carry
(`<!-- ersl: … -->`) are described in `tests/docs_pages.py`. A block without one must
pass `ersl check` on its own; a deliberate mistake is marked with the one error code
it must give. A block holding `test` or `property` blocks of a contract (a worked
example with its contract header) has them run: they must pass, so the amounts the
pages show are the amounts ERSL pays. Pages with a `workspace` (the tutorial) are replayed in order in a copy of
their folder: each file they write is checked, each console block is run there and its
output compared, and at the end the files written must equal the ones shipped.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from docs_pages import REPO, Block, Page, pages, read_page, stdlib_lines

from ersl.checker import check_file
from ersl.cli import main
from ersl.errors import ErslError
from ersl.testing.model import PASSED, Options, load_file
from ersl.testing.runner import run_case

PAGES = [read_page(path) for path in pages()]
UPDATE = bool(os.environ.get("ERSL_UPDATE_DOCS"))
"""Set ERSL_UPDATE_DOCS=1 to write what console commands print into the pages."""
ERSL_BLOCKS = [block for page in PAGES for block in page.blocks if block.lang == "ersl"]


def _codes(path: Path) -> list[str]:
    """The codes `ersl check` reports for a file (empty when it checks)."""
    try:
        check_file(path)
    except ErslError as error:
        return [d.code for d in error.diagnostics]
    return []


def _expect(block: Block, path: Path, source: str) -> None:
    """The file checks, or gives exactly the code its `error` directive names."""
    codes = _codes(path)
    wanted = block.directives.get("error")
    shown = f"{block.where}: checked as\n{source}"
    if wanted:
        assert codes, f"{shown}\nchecks, but the block is marked `error {wanted}`"
        assert set(codes) == {wanted}, f"{shown}\ngives {codes}, not only {wanted}"
    else:
        assert not codes, f"{shown}\ngives {codes}"


def _excerpt(block: Block) -> None:
    """An `excerpt` is whole consecutive lines of a repository file, which checks."""
    path = REPO / block.directives["excerpt"]
    text = path.read_text(encoding="utf-8")
    assert f"\n{block.text}" in f"\n{text}", f"{block.where}: not an excerpt of {path}"
    assert _codes(path) == [], f"{block.where}: {path} does not check"


def _run_tests(block: Block, path: Path) -> None:
    """The `test` and `property` blocks of a block's source, if any, pass."""
    test_file = load_file(path)
    if test_file.error is not None and test_file.error.diagnostics[0].code == "E1000":
        return  # tests of no contract (an excerpt about syntax): checked, not run
    assert test_file.error is None, f"{block.where}: {test_file.error}"
    for case in test_file.cases:
        outcome = run_case(case, Options(examples=25, seed=0))
        assert outcome.status == PASSED, (
            f"{block.where}: {case.kind} {case.name!r}\n{outcome.message}"
        )


class Replay:
    """A page replayed in order in a temporary workspace."""

    def __init__(self, page: Page, tmp: Path) -> None:
        self.page = page
        self.folder = tmp / "workspace"
        self.folder.mkdir()
        self.written: dict[str, str] = {}
        self.mistakes: set[str] = set()
        """Files last written by a block marked `error`: deliberate, not shipped."""
        self.pending: dict[str, Block] = {}
        self.updates: list[tuple[Block, str]] = []
        """(console block, what its commands printed), for ERSL_UPDATE_DOCS."""

    def ersl(self, block: Block) -> None:
        d = block.directives
        if "excerpt" in d:
            _excerpt(block)
            return
        name = d.get("file") or d.get("append")
        if name:
            self.write(block, name)
            return
        self.flush()
        source = stdlib_lines(d.get("stdlib", ""))
        if "prelude" in d:
            source += d["prelude"] + "\n"
        source += block.text
        path = self.folder / "block.ersl"
        path.write_text(source, encoding="utf-8")
        _expect(block, path, source)
        if "error" not in d:
            _run_tests(block, path)

    def write(self, block: Block, name: str) -> None:
        """Apply a `file` or `append` block to the workspace. Files written one after
        the other are checked together (they may `use` each other), before one of them
        is written again or anything else runs."""
        if name in self.pending:
            self.flush()
        base = self.written.get(name, "") if "append" in block.directives else ""
        text = base + ("\n" if base else "") + block.text
        (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_text(text, encoding="utf-8")
        self.written[name] = text
        if block.lang == "ersl":
            self.pending[name] = block
        if "error" in block.directives:
            self.mistakes.add(name)
        else:
            self.mistakes.discard(name)

    def flush(self) -> None:
        """Check the ERSL files written since the last check."""
        for name, block in self.pending.items():
            _expect(block, self.folder / name, self.written[name])
        self.pending = {}

    def console(self, block: Block, capsys, monkeypatch) -> None:
        self.flush()
        wanted_exit = int(block.directives.get("exit", "0"))
        monkeypatch.chdir(self.folder)
        printed = []
        for command, expected in _commands(block):
            words = shlex.split(command)
            assert words[0] == "ersl", f"{block.where}: only `ersl` commands run: {command}"
            capsys.readouterr()
            code = main(words[1:])
            out = capsys.readouterr()
            actual = out.out + out.err
            printed.append(f"$ {command}\n{actual}")
            assert code == wanted_exit, f"{block.where}: `{command}` exited {code}"
            if not UPDATE:
                assert _normal(actual) == _normal(expected), (
                    f"{block.where}: `{command}` printed\n{actual}\n"
                    f"(ERSL_UPDATE_DOCS=1 writes what the commands print into the page)"
                )
        self.updates.append((block, "".join(printed)))

    def finish(self) -> None:
        """The page builds exactly the files of its workspace folder (its deliberate
        mistakes aside), each as shipped."""
        folder = REPO / self.page.workspace
        shipped = {
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith((".", "__")) for part in p.parts)
        }
        built = set(self.written) - self.mistakes
        assert built == shipped, (
            f"{self.page.path} builds {sorted(built)}, {self.page.workspace} has {sorted(shipped)}"
        )
        for name in sorted(built):
            assert (folder / name).read_text(encoding="utf-8") == self.written[name], (
                f"{self.page.path}: the {name} the page builds differs from {folder / name}"
            )


def _commands(block: Block) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.text.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            assert pairs, f"{block.where}: a console block starts with `$ `"
            pairs[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in pairs]


_TIMING = re.compile(r"^=* ?(.*?) in \d+(\.\d+)?s ?=*$")


def _normal(text: str) -> str:
    """Output as compared: no trailing spaces, timings and the rules around them dropped."""
    lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
    return "\n".join(_TIMING.sub(r"\1 in …s", line) for line in lines)


# ---------------------------------------------------------------------------------- tests


def test_there_are_blocks_to_check():
    assert len(ERSL_BLOCKS) > 100
    assert any(page.workspace for page in PAGES), "the tutorial is replayed"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.path.relative_to(REPO)) for p in PAGES])
def test_page(page: Page, tmp_path: Path, capsys, monkeypatch) -> None:
    """Each ersl block of the page checks (or gives its marked error); each console
    block prints what the page shows."""
    replay = Replay(page, tmp_path)
    failures = []
    for block in page.blocks:
        try:
            if block.lang == "ersl":
                replay.ersl(block)
            elif block.lang == "console":
                replay.console(block, capsys, monkeypatch)
            elif "file" in block.directives or "append" in block.directives:
                replay.write(block, block.directives.get("file") or block.directives["append"])
        except AssertionError as failure:  # report every block of the page, not the first
            failures.append(str(failure))
    try:
        replay.flush()
        if page.workspace:
            replay.finish()
    except AssertionError as failure:
        failures.append(str(failure))
    if UPDATE:
        _rewrite(page, replay.updates)
    assert not failures, "\n\n".join(failures)


def _rewrite(page: Page, updates: list[tuple[Block, str]]) -> None:
    """Put each console block's new text in the page (bottom up: line numbers hold)."""
    lines = page.path.read_text(encoding="utf-8").split("\n")
    for block, text in sorted(updates, key=lambda u: -u[0].line):
        body = text.rstrip("\n").split("\n")
        old = block.text.rstrip("\n").count("\n") + 1 if block.text else 0
        lines[block.line : block.line + old] = [line.rstrip() for line in body]
    page.path.write_text("\n".join(lines), encoding="utf-8")


def test_directives_are_only_where_they_mean_something():
    for page in PAGES:
        for block in page.blocks:
            d = block.directives
            if block.lang == "console":
                assert set(d) <= {"exit"}, block.where
            elif block.lang != "ersl":
                assert set(d) <= {"file", "append"}, block.where
            else:
                assert "exit" not in d, block.where
                if "excerpt" in d:
                    assert set(d) == {"excerpt"}, block.where
