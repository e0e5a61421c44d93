"""The pytest plugin (entry point `pytest11`, name `ersl`): collects `*_test.ersl` files.

Each `test` and `property` block is one pytest item, run by the same runner as
`ersl test` (`ersl.testing`), so both report the same outcomes and the same
failure text. `reportinfo` points at the block's file and line.

Start-up costs nothing: this module imports only pytest; ERSL itself is
imported when the first `*_test.ersl` file is collected, so projects without
such files never load it. Disable the plugin with `-p no:ersl`.

Options: `--ersl-examples N` (examples per property, default 100),
`--ersl-seed N` (default 0), `--ersl-max-size N` (records per type, default 6),
`--ersl-root DIR` (the project root that paths written in ERSL files stay inside;
default: the nearest folder with pyproject.toml or .git, else pytest's rootdir).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line options."""
    group = parser.getgroup("ersl", "ERSL contract tests (*_test.ersl)")
    group.addoption(
        "--ersl-examples",
        type=int,
        default=100,
        metavar="N",
        help="examples per ERSL property (default 100)",
    )
    group.addoption(
        "--ersl-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed of the data generated for ERSL properties (default 0)",
    )
    group.addoption(
        "--ersl-max-size",
        type=int,
        default=6,
        metavar="N",
        help="at most N patients and N records per type in a property example (default 6)",
    )
    group.addoption(
        "--ersl-root",
        default=None,
        metavar="DIR",
        help="the project root the paths written in ERSL files stay inside (default: the "
        "nearest folder above the file holding pyproject.toml or .git, else pytest's rootdir)",
    )


def pytest_collect_file(file_path, parent):
    """Collect `*_test.ersl` files (nothing else)."""
    if file_path.name.endswith("_test.ersl"):
        return ErslFile.from_parent(parent, path=file_path)
    return None


class ErslFile(pytest.File):
    """A `*_test.ersl` file: one item per `test` or `property` block."""

    def collect(self):
        from ersl.paths import project_root_set
        from ersl.testing.model import load_file

        root = self.config.getoption("ersl_root")
        with project_root_set(root, fallback=self.config.rootpath):
            test_file = load_file(self.path)
        if test_file.error is not None:
            raise self.CollectError(test_file.error.render())
        for case in test_file.cases:
            yield ErslItem.from_parent(self, name=case.name, case=case)


class ErslTestFailure(Exception):
    """A failed contract test; its text is the runner's failure text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ErslItem(pytest.Item):
    """One `test` or `property` block."""

    def __init__(self, *, case, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.add_marker(pytest.mark.ersl)

    def runtest(self) -> None:
        from ersl.testing.model import Options
        from ersl.testing.runner import run_case

        config = self.config
        options = Options(
            examples=config.getoption("ersl_examples"),
            seed=config.getoption("ersl_seed"),
            max_size=config.getoption("ersl_max_size"),
        )
        outcome = run_case(self.case, options)
        if outcome.status != "passed":
            raise ErslTestFailure(outcome.message)

    def repr_failure(self, excinfo, style=None):
        """The runner's failure text (no Python traceback)."""
        if isinstance(excinfo.value, ErslTestFailure):
            return excinfo.value.message.rstrip()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        """The block's file and line (0-based for pytest), and what it is."""
        return self.path, self.case.line - 1, f'{self.case.kind} "{self.case.name}"'


def pytest_configure(config: pytest.Config) -> None:
    """Register the `ersl` marker (so `-m ersl` selects contract tests)."""
    config.addinivalue_line("markers", "ersl: an ERSL contract test from a *_test.ersl file")


__all__ = ["ErslFile", "ErslItem", "pytest_addoption", "pytest_collect_file"]
