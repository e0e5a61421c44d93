"""What the test runner works with: test files, their test cases, options and outcomes.

A `TestFile` is one `*_test.ersl` file, loaded and checked once; its
`TestCase`s are its `test` and `property` blocks in source order. Running a
case gives an `Outcome` (passed or failed, with the failure text). A file that
does not load or check has an `error` instead of cases.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import attrs

from ersl import ast
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.span import Span

PASSED, FAILED, ERROR = "passed", "failed", "error"


@attrs.define
class Options:
    """How to run: the property example budget, seed and data size; coverage; colour."""

    examples: int = 100
    seed: int | None = None
    max_size: int = 6
    coverage: bool = False
    colour: bool = False
    as_of: date | None = None
    """`ersl test --as-of`: test blocks settle their data as known on this date."""


@attrs.define(eq=False)
class TestCase:
    """One `test` or `property` block of a test file."""

    __test__ = False  # not a pytest test class

    file: TestFile
    node: ast.Test | ast.Property

    @property
    def name(self) -> str:
        """The block's name as written."""
        return self.node.name

    @property
    def kind(self) -> str:
        """`test` or `property`."""
        return "property" if isinstance(self.node, ast.Property) else "test"

    @property
    def line(self) -> int:
        """The line the block starts on (1-based)."""
        return self.node.span.line

    @property
    def nodeid(self) -> str:
        """`path::name`, as pytest shows it."""
        return f"{self.file.display}::{self.name}"

    @property
    def where(self) -> str:
        """`path:line`."""
        return f"{self.file.display}:{self.line}"


@attrs.define(eq=False)
class TestFile:
    """A `*_test.ersl` file: checked once, then its cases run."""

    __test__ = False

    path: Path
    display: str
    checked: object | None = None
    error: ErslError | None = None
    cases: list[TestCase] = attrs.field(factory=list)
    root: Path | None = None
    """The project root the paths written in the file stay inside (`ersl.paths`)."""


@attrs.define(eq=False)
class Outcome:
    """The result of running one case."""

    case: TestCase
    status: str
    message: str = ""
    duration: float = 0.0
    hits: set = attrs.field(factory=set)
    """Coverage: keys of the contract parts this test exercised (`ersl.testing.coverage`)."""
    examples: int | None = None
    """For a property: how many generated data sets were checked (skipped ones excluded)."""

    @property
    def summary(self) -> str:
        """The first line of the failure message."""
        return self.message.splitlines()[0] if self.message else ""


def display_path(path: Path) -> str:
    """A path as shown: relative to the working directory when inside it, `/`-separated."""
    from ersl.loader import display_path as shown

    return shown(path).replace(os.sep, "/")


def runner_error(code: str, message: str, file: str, line: int = 0, help=None) -> ErslError:
    """A test-runner diagnostic (E10xx) about a file."""
    span = Span(file, line, 1 if line else 0, line, 1 if line else 0)
    return ErslError(Diagnostic(code, message, span, help=help))


def load_file(path: Path) -> TestFile:
    """Load and check a test file; find its contract header and its cases."""
    from ersl.checker import check_file
    from ersl.paths import project_root

    test_file = TestFile(path, display_path(path), root=project_root(path))
    try:
        checked = check_file(path)
    except ErslError as error:
        test_file.error = error
        return test_file
    header, problem = contract_header(checked)
    if problem is not None:
        test_file.error = problem
        return test_file
    checked.symbols.contract = header
    test_file.checked = checked
    nodes = sorted([*checked.symbols.tests, *checked.symbols.properties], key=lambda n: n.span.line)
    test_file.cases = [TestCase(test_file, node) for node in nodes]
    return test_file


def contract_header(checked) -> tuple[ast.Contract | None, ErslError | None]:
    """The header of the contract a test file tests: its own, or the one it `use`s."""
    if checked.symbols.contract is not None:
        return checked.symbols.contract, None
    root = checked.root
    headers = [m.contract for m in checked.loaded.modules if m.contract is not None]
    if len(headers) == 1:
        return headers[0], None
    if not (checked.symbols.tests or checked.symbols.properties):
        return None, None
    if not headers:
        return None, runner_error(
            "E1000",
            f"{root.path} has tests but no contract to test",
            root.path,
            help='`use` the contract under test, e.g. use "contract.ersl"',
        )
    names = ", ".join(f'"{h.name}" ({h.span.file})' for h in headers)
    return None, runner_error(
        "E1000",
        f"{root.path} uses {len(headers)} contracts ({names}); a test file tests one contract",
        root.path,
        help="split the tests into one file per contract",
    )


__all__ = [
    "ERROR",
    "FAILED",
    "PASSED",
    "Options",
    "Outcome",
    "TestCase",
    "TestFile",
    "load_file",
]
