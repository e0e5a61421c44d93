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

from ersl import ast
from ersl import types as T
from ersl.errors import ErslError
from ersl.testing.model import ERROR, FAILED, PASSED, Options, Outcome, TestCase


def default_period(header: ast.Contract | None) -> str | None:
    """The contract's `valid` range as a period: `2022`, `2022-03` or `2022-01..2022-06`."""
    if header is None or header.valid is None:
        return None
    start, end = header.valid.start, header.valid.end
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    if start.month == 1 and end.month == 12:
        first, last = f"{start:%Y}", f"{end:%Y}"
    return first if first == last else f"{first}..{last}"


def params_of(case: TestCase, contract, params: tuple[ast.Param, ...]) -> dict[str, object]:
    """Parameter overrides: AST values, or a CSV file (relative to the test file) for a table."""
    symbols = contract.checked.symbols
    result: dict[str, object] = {}
    for param in params:
        name, value = param.name.name, param.value
        wanted = symbols.param_types.get(name)
        if isinstance(value, ast.StringLit) and isinstance(wanted, T.TableT):
            result[name] = str(case.file.path.parent / value.value)
        else:
            result[name] = value
    return result


def given_data(case: TestCase, checked):
    """The data of a test: its `given` records, its data file, or nothing."""
    from ersl.data import read_data
    from ersl.testing.given import from_block, read_given

    given = case.node.given
    sources = checked.loaded.sources
    if isinstance(given, str):
        return read_data([case.file.path.parent / given], checked)
    records = from_block(given or (), checked.symbols)
    return read_given(records, checked, sources=sources)


def settle_test(case: TestCase):
    """Settle a test's data for its period: (statement, run period)."""
    from ersl.api import Contract
    from ersl.dates import parse_period

    checked = case.file.checked
    contract = Contract(checked)
    test = case.node
    period = (
        test.period.text if test.period is not None else default_period(checked.symbols.contract)
    )
    if period is None:
        raise ErslError(
            _diagnostic(
                "E1001",
                f'the test "{test.name}" needs a `period`: the contract has no `valid` range',
                test.span,
            )
        )
    data = given_data(case, checked)
    # coverage reads every unit's trace (bands and weights that priced it)
    params = params_of(case, contract, test.params)
    statement = contract.settle(data, period, params, keep_units=True)
    return statement, parse_period(period)


def _diagnostic(code: str, message: str, span, help=None):
    from ersl.diagnostics import Diagnostic

    return Diagnostic(code, message, span, help=help)


def run_test(case: TestCase, options: Options) -> Outcome:
    """Run one `test` block."""
    from ersl.testing import expectations
    from ersl.testing.report import error_text, failure_text

    test = case.node
    sources = case.file.checked.loaded.sources
    try:
        statement, period = settle_test(case)
    except ErslError as error:
        return Outcome(case, FAILED, error_text(case, error, options.colour))
    hits = set()
    if options.coverage:
        from ersl.testing.coverage import hits_of

        hits = hits_of(statement)
    if isinstance(test.expect, str):
        path = case.file.path.parent / test.expect
        try:
            mismatches = expectations.check_file(path, statement, test.span)
        except expectations.ExpectedFileError as problem:
            error = ErslError(_diagnostic("E1002", str(problem), test.span), sources)
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
            from ersl.testing.properties import run_property

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


__all__ = ["default_period", "run_case", "run_test", "settle_test"]
