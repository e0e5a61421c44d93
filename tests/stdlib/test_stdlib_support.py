"""Helpers for the standard-library model tests (tests/test_stdlib_*.py): load a
stdlib model once, write records as JSON Lines, settle, and read lines by
(payee, period, name). This module holds no tests itself.

Expected amounts in the model tests are computed by hand in comments, each
with the seed figure it comes from.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import interp_helpers as _records

import ersl.api as api
from ersl.exact import format_amount

REPO = Path(__file__).resolve().parents[2]
STDLIB = REPO / "stdlib_rules"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEES = FIXTURES / "fees.csv"
"""Every profession's visit fee is 400 kr (the sources give no fees)."""


@functools.cache
def model(relative: str) -> api.Contract:
    """A stdlib model (`"stockholm/husläkare.ersl"`), loaded and checked once."""
    return api.load(STDLIB / relative)


def load_source(folder: Path, source: str, name: str = "contract.ersl") -> api.Contract:
    """A contract written to `folder` (it may `use stdlib "…"` models and code sets)."""
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return api.load(path)


def settle(
    contract: api.Contract,
    folder: Path,
    records: list[dict],
    period: str,
    params: dict | None = None,
    batches: bool = True,
) -> dict[tuple[str, str, str], str]:
    """Settle `period` against `records` (in batches, or unit by unit); the lines as
    {(payee, period, name): "12.34"}."""
    data_path = folder / "data.jsonl"
    data_path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    data = api.read_data([str(data_path)], contract)
    statement = contract.settle(data, period, params or {}, batches=batches)
    lines: dict[tuple[str, str, str], str] = {}
    for line in statement.lines:
        key = (line.payee, line.period, line.name)
        assert key not in lines, f"two lines for {key}"
        lines[key] = format_amount(line.amount)
    return lines


def named(lines: dict, name: str) -> dict:
    """The lines of one name, as {(payee, period): amount}."""
    return {(k[0], k[1]): v for k, v in lines.items() if k[2] == name}


# ---------------------------------------------------------------- records


# Record builders shared with the interpreter tests (tests/interp_helpers.py); here a
# patient's birth date is always given.
provider = _records.provider
attribute = _records.attribute
listing = _records.listing
visit = _records.visit


def patient(id: str, birth_date: str, **fields) -> dict:
    return _records.patient(id, birth_date, **fields)


def result(provider_id: str, indicator: str, period: str, value: str) -> dict:
    return {
        "type": "indicator_result",
        "provider": provider_id,
        "indicator": indicator,
        "period": period,
        "value": value,
    }


def observation(patient_id: str, date: str, kind: str, provider_id: str | None = None) -> dict:
    record = {"type": "observation", "patient": patient_id, "date": date, "kind": kind}
    if provider_id is not None:
        record["provider"] = provider_id
    return record
