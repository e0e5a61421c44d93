"""Running `test` blocks (SPEC §7): settle the given data, compare with `expect`.

`run_case` runs one test or property and returns its `Outcome`; `ersl test` and
the pytest plugin both call it, so they report the same outcomes with the same
failure text. A test passes when every expectation holds. It fails when one
does not, and also when it cannot run: its data is invalid, a data or expected
file cannot be read, or settlement stops with a run-time error — the failure
text is then that diagnostic.
"""

from __future__ import annotations

import time

from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.testing import expectations
from ersl.testing.coverage import hits_of
from ersl.testing.model import ERROR, FAILED, PASSED, Options, Outcome, TestCase
from ersl.testing.properties import run_property
from ersl.testing.report import error_text, failure_text
from ersl.testing.settling import confined, settle_test


def run_test(case: TestCase, options: Options) -> Outcome:
    """Run one `test` block."""
    test = case.node
    sources = case.file.checked.loaded.sources
    try:
        statement, period = settle_test(case, options.as_of)
    except ErslError as error:
        return Outcome(case, FAILED, error_text(case, error, options.colour))
    hits = set()
    if options.coverage:
        hits = hits_of(statement)
    if isinstance(test.expect, str):
        try:
            confined(case, test.expect, test.span)
        except ErslError as error:
            return Outcome(case, FAILED, error_text(case, error, options.colour), hits=hits)
        path = case.file.path.parent / test.expect
        try:
            mismatches = expectations.check_file(path, statement, test.span)
        except expectations.ExpectedFileError as problem:
            error = ErslError(Diagnostic("E1002", str(problem), test.span), sources)
            return Outcome(case, FAILED, error_text(case, error, options.colour), hits=hits)
    elif test.expect:
        mismatches = expectations.check_block(test.expect, statement, statement.run, period)
    else:
        mismatches = []
    if not mismatches:
        return Outcome(case, PASSED, hits=hits)
    text = failure_text(case, mismatches, sources, options.colour)
    return Outcome(case, FAILED, text, hits=hits)


def run_case(case: TestCase, options: Options | None = None) -> Outcome:
    """Run one test or property; never raises for a failing or erroring case."""
    options = options or Options()
    started = time.perf_counter()
    try:
        if case.kind == "property":
            outcome = run_property(case, options)
        else:
            outcome = run_test(case, options)
    except Exception as error:  # noqa: BLE001 - a bug in ERSL: report it, run the other tests
        outcome = Outcome(
            case,
            ERROR,
            f'internal error while running {case.kind} "{case.name}": '
            f"{type(error).__name__}: {error}\n"
            "This is a bug in ERSL, not in your contract. Please report it with the test file.\n",
        )
    outcome.duration = time.perf_counter() - started
    return outcome


__all__ = ["run_case", "run_test"]
