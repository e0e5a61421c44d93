"""Helpers for interpreter tests: settle a small inline contract against inline
records and return its lines keyed by (payee, period, name).

Used by test_interp_caps_performance.py, test_interp_bundles.py and
test_interp_splits.py. Expected amounts in those tests are computed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import interp_helpers as _records

import ersl.api
from ersl.exact import format_amount

# Record builders shared with interp_helpers (same shapes).
provider = _records.provider
listing = _records.listing
visit = _records.visit

HEADER = """contract "Test" {
  valid 2022-01-01 .. 2022-12-31
}
use stdlib "schema/sweden"
"""


def contract_text(body: str, header: str = HEADER) -> str:
    """A contract file: the header (valid 2022, monthly, yearly, 0.01 kr half_up per line)
    and the standard schema, then `body`."""
    return header + "\n" + body


@attrs.define
class Settled:
    """A settled statement, by (payee, period, name)."""

    amounts: dict[tuple[str, str, str], str]
    """Rounded amounts as the statement prints them (`"-27.50"`)."""
    kinds: dict[tuple[str, str, str], str]
    units: dict[tuple[str, str, str], int]
    statement: object

    def of(self, payee: str | None = None, name: str | None = None) -> dict:
        """The amounts of one payee and/or line name."""
        return {
            k: v
            for k, v in self.amounts.items()
            if (payee is None or k[0] == payee) and (name is None or k[2] == name)
        }


def settle(
    tmp_path: Path,
    body: str,
    records: list[dict],
    period: str = "2022",
    params: dict | None = None,
    header: str = HEADER,
) -> Settled:
    """Write `body` (after the standard header) and `records` (JSON Lines) to `tmp_path`,
    settle `period` and return the lines."""
    source = tmp_path / "contract.ersl"
    source.write_text(contract_text(body, header), encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    contract = ersl.api.load(source)
    dataset = ersl.api.read_data([data], contract)
    statement = contract.settle(dataset, period=period, params=params or {})
    amounts, kinds, units = {}, {}, {}
    for line in statement.lines:
        key = (line.payee, line.period, line.name)
        assert key not in amounts, f"two lines for {key}"
        amounts[key] = format_amount(line.amount)
        kinds[key] = line.kind
        units[key] = line.units
    return Settled(amounts, kinds, units, statement)


# ------------------------------------------------------------ record builders


def patient(id: str, birth_date: str = "1960-01-01", **fields) -> dict:
    return {"type": "patient", "id": id, "birth_date": birth_date, **fields}


def procedure(id: str, patient: str, provider: str, date: str, code: str, **fields) -> dict:
    return {
        "type": "procedure",
        "id": id,
        "patient": patient,
        "provider": provider,
        "date": date,
        "code": code,
        **fields,
    }


def observation(patient: str, date: str, kind: str, provider: str | None = None) -> dict:
    return {
        "type": "observation",
        "patient": patient,
        "provider": provider,
        "date": date,
        "kind": kind,
    }


def drug(patient: str, date: str, atc: str) -> dict:
    return {"type": "drug", "patient": patient, "date": date, "atc": atc}


def result(provider: str, indicator: str, period: str, value: str) -> dict:
    return {
        "type": "indicator_result",
        "provider": provider,
        "indicator": indicator,
        "period": period,
        "value": value,
    }
