"""Settling a contract test's data: its period, its parameters and its `given` data
(shared by `test` blocks and `property` blocks)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ersl import ast
from ersl import types as T
from ersl.api import Contract
from ersl.data import read_data
from ersl.dates import parse_period
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.paths import OutsideRoot, confine, project_root
from ersl.span import Span
from ersl.testing.given import from_block, read_given
from ersl.testing.model import TestCase


def default_period(header: ast.Contract | None) -> str | None:
    """The contract's `valid` range as a period: `2022`, `2022-03` or `2022-01..2022-06`."""
    if header is None or header.valid is None:
        return None
    start, end = header.valid.start, header.valid.end
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    if start.month == 1 and end.month == 12:
        first, last = f"{start:%Y}", f"{end:%Y}"
    return first if first == last else f"{first}..{last}"


def confined(case: TestCase, written: str, span: Span) -> Path:
    """The file a path written in a test file names; E1003 (an `ErslError`) when it is
    absolute or leads outside the project root, before the file is read."""
    root = case.file.root or project_root(case.file.path)
    try:
        return confine(written, case.file.path.parent, root)
    except OutsideRoot as error:
        raise ErslError(
            Diagnostic(
                "E1003",
                str(error),
                span,
                help="data, expected and parameter files of a test are named relative to "
                "the test file, inside the project (the nearest folder with pyproject.toml "
                "or .git, or --root)",
            ),
            case.file.checked.loaded.sources,
        ) from None


def params_of(case: TestCase, contract, params: tuple[ast.Param, ...]) -> dict[str, object]:
    """Parameter overrides: AST values, or a CSV file (relative to the test file) for a table."""
    symbols = contract.checked.symbols
    result: dict[str, object] = {}
    for param in params:
        name, value = param.name.name, param.value
        wanted = symbols.param_types.get(name)
        if isinstance(value, ast.StringLit) and isinstance(wanted, T.TableT):
            confined(case, value.value, value.span)
            result[name] = str(case.file.path.parent / value.value)
        else:
            result[name] = value
    return result


def given_data(case: TestCase, checked, as_of: date | None = None):
    """The data of a test: its `given` records, its data file, or nothing (as known on
    ``as_of``, when given: docs/reference/time.md)."""
    given = case.node.given
    sources = checked.loaded.sources
    if isinstance(given, str):
        confined(case, given, case.node.span)
        return read_data([case.file.path.parent / given], checked, as_of=as_of)
    records = from_block(given or (), checked.symbols)
    return read_given(records, checked, sources=sources, as_of=as_of)


def settle_test(case: TestCase, as_of: date | None = None):
    """Settle a test's data for its period (as known on ``as_of``): (statement, run
    period)."""
    checked = case.file.checked
    contract = Contract(checked)
    test = case.node
    period = (
        test.period.text if test.period is not None else default_period(checked.symbols.contract)
    )
    if period is None:
        raise ErslError(
            Diagnostic(
                "E1001",
                f'the test "{test.name}" needs a `period`: the contract has no `valid` range',
                test.span,
            )
        )
    # The test's own `as of` wins over `ersl test --as-of`.
    data = given_data(case, checked, test.as_of if test.as_of is not None else as_of)
    # coverage reads every unit's trace (bands and weights that priced it)
    params = params_of(case, contract, test.params)
    statement = contract.settle(data, period, params, keep_units=True)
    return statement, parse_period(period)
