"""Contract tests (SPEC §7): `*_test.ersl` files with `test` and `property` blocks.

One runner serves `ersl test` and the pytest plugin, so both report the same
outcomes with the same failure text:

- `discovery`: finding `*_test.ersl` files, `-k` selection;
- `model`: test files, cases, options, outcomes; loading and checking a file;
- `given`: inline `given` records as data (read by the data layer's own reader);
- `runner`: running a `test` block: settle, compare with `expect`;
- `expectations`: expected lines, totals, absences and statement files;
- `properties`, `generate`: `property` blocks with Hypothesis on generated data,
  counterexamples as ready-to-paste `test` blocks;
- `coverage`: which payments, bands, weights, caps, indicators and bundle
  clauses the tests exercised;
- `report`, `junit`: failure text, the session summary, JUnit XML and JSON.

Modules are imported on first use: importing `ersl.testing` is cheap.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from ersl.testing.model import ERROR, FAILED, PASSED, Options, Outcome, TestCase, TestFile


@attrs.define
class Session:
    """A run of `ersl test`: the files found, the outcomes, and whether anything ran."""

    files: list[TestFile]
    selected: list[TestCase]
    outcomes: list[Outcome] = attrs.field(factory=list)
    deselected: int = 0

    @property
    def file_errors(self) -> list[TestFile]:
        """Files that did not load or check."""
        return [f for f in self.files if f.error is not None]

    @property
    def failed(self) -> list[Outcome]:
        """The outcomes that failed."""
        return [o for o in self.outcomes if o.status != PASSED]


def collect(paths, keyword: str | None = None) -> Session:
    """Find and load the test files under `paths`; select cases with `-k`."""
    from ersl.paths import is_dir, project_root_set
    from ersl.testing.discovery import find_test_files, keyword_matcher
    from ersl.testing.model import load_file

    folders = [Path(p).resolve() for p in paths if is_dir(p)]
    files = []
    for path in find_test_files(paths):
        # without pyproject.toml or .git above it, a file's project is the folder given
        within = [f for f in folders if path.resolve().is_relative_to(f)]
        with project_root_set(fallback=within[0] if within else None):
            files.append(load_file(path))
    cases = [case for f in files for case in f.cases]
    selected = cases
    if keyword:
        matches = keyword_matcher(keyword)
        selected = [case for case in cases if matches(case.nodeid)]
    return Session(files, selected, deselected=len(cases) - len(selected))


def run_session(session: Session, options: Options | None = None, progress=None) -> Session:
    """Run every selected case; `progress(outcome)` is called after each."""
    from ersl.testing.runner import run_case

    options = options or Options()
    for case in session.selected:
        outcome = run_case(case, options)
        session.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return session


__all__ = [
    "ERROR",
    "FAILED",
    "PASSED",
    "Options",
    "Outcome",
    "Session",
    "TestCase",
    "TestFile",
    "collect",
    "run_session",
]
