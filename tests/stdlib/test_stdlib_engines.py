"""Both engines settle every standard model alike.

The contract tests beside the models (stdlib_rules/**/*_test.ersl) settle unit by unit
(they keep every unit for coverage). Here each of their `test` blocks is settled again
in batches, as `ersl run` settles, and the statement must be byte-identical to the
unit-by-unit reference — so every model's payments, caps, indicators and bundles are
checked in both engines on the hand-computed cases. The examples' contract tests and the
columnar engine (`engine="columnar"`, issue 14) are checked the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ersl.api import Contract
from ersl.errors import ErslError
from ersl.testing.discovery import find_test_files
from ersl.testing.model import load_file
from ersl.testing.settling import default_period, given_data, params_of

REPO = Path(__file__).resolve().parents[2]
CASES = [
    (path, case)
    for path in find_test_files([REPO / "stdlib_rules", REPO / "examples"])
    for case in load_file(path).cases
    if case.kind == "test" and not isinstance(case.node.given, str)
]
IDS = [f"{p.relative_to(REPO).as_posix()}::{c.name}" for p, c in CASES]


@pytest.mark.parametrize(("path", "case"), CASES, ids=IDS)
def test_batches_settle_like_unit_by_unit(path, case):
    checked = case.file.checked
    contract = Contract(checked)
    period = case.node.period.text if case.node.period else default_period(checked.symbols.contract)
    data = given_data(case, checked)
    params = params_of(case, contract, case.node.params)
    reference = contract.settle(data, period, params, keep_units=True, batches=False)
    fast = contract.settle(data, period, params, keep_units=False, batches=True)
    assert fast.to_json() == reference.to_json()


def _outcome(contract, data, period, params, **how) -> str:
    try:
        return contract.settle(data, period, params, **how).to_json()
    except ErslError as error:
        return f"error: {error}"


@pytest.mark.parametrize(("path", "case"), CASES, ids=IDS)
def test_the_columnar_engine_settles_like_unit_by_unit(path, case):
    """Every contract test of the models and examples, settled by the columnar engine
    (`ersl run --engine columnar`): the same statement bytes, or the same error."""
    checked = case.file.checked
    contract = Contract(checked)
    period = case.node.period.text if case.node.period else default_period(checked.symbols.contract)
    data = given_data(case, checked)
    params = params_of(case, contract, case.node.params)
    reference = _outcome(contract, data, period, params, keep_units=True, batches=False)
    assert _outcome(contract, data, period, params, engine="columnar") == reference
