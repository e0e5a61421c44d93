"""Helpers for the interpreter tests (tests/test_interp_*.py): write a small contract
and JSON Lines data into a temporary folder, settle it, and look at the lines.

Every contract gets a standard header (`valid` 2022 unless told otherwise) and
`use stdlib "schema/sweden"`, so a test writes only the declarations it is about.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs

import ersl.api as api
from ersl.cli import main

Key = tuple[str, str, str]


def contract(
    body: str,
    *,
    valid: str = "2022-01-01 .. 2022-12-31",
    settle: str | None = None,
    reconcile: str | None = None,
    rounding: str | None = None,
    name: str = "Test",
    version: str | None = "t1",
) -> str:
    """A contract source: header, the standard schema, then `body`."""
    clauses = []
    if version is not None:
        clauses.append(f'  version "{version}"')
    clauses.append(f"  valid {valid}")
    if settle:
        clauses.append(f"  settle {settle}")
    if reconcile:
        clauses.append(f"  reconcile {reconcile}")
    if rounding:
        clauses.append(f"  rounding {rounding}")
    header = f'contract "{name}" {{\n' + "\n".join(clauses) + "\n}\n"
    return header + 'use stdlib "schema/sweden"\n\n' + body.strip("\n") + "\n"


# ---------------------------------------------------------------- records


def provider(id: str, **fields) -> dict:
    return {"type": "provider", "id": id, **fields}


def patient(id: str, birth_date: str = "1980-06-15", **fields) -> dict:
    return {"type": "patient", "id": id, "birth_date": birth_date, **fields}


def attribute(patient_id: str, start: str, **values) -> dict:
    return {"type": "patient_attribute", "patient": patient_id, "from": start, **values}


def listing(patient_id: str, provider_id: str, start: str, end: str | None = None) -> dict:
    record = {"type": "listing", "patient": patient_id, "provider": provider_id, "start": start}
    if end is not None:
        record["end"] = end
    return record


def visit(
    id: str,
    patient_id: str,
    provider_id: str,
    date: str,
    profession: str = "doctor",
    mode: str = "physical",
    **fields,
) -> dict:
    return {
        "type": "visit",
        "id": id,
        "patient": patient_id,
        "provider": provider_id,
        "date": date,
        "profession": profession,
        "mode": mode,
        **fields,
    }


def stay(id: str, patient_id: str, provider_id: str, start: str, end: str, **fields) -> dict:
    return {
        "type": "stay",
        "id": id,
        "patient": patient_id,
        "provider": provider_id,
        "start": start,
        "end": end,
        **fields,
    }


def jsonl(records: list[dict]) -> str:
    """Records as JSON Lines text."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# ---------------------------------------------------------------- settling


@attrs.define
class Settled:
    """A settled statement, in the shapes tests want to look at."""

    lines: dict[Key, str]
    """(payee, period, name) -> amount as printed ("101.42")."""
    units: dict[Key, int]
    json: dict
    text: str
    statement: object
    contract_path: Path


def write_files(
    folder: Path, source: str, records: list[dict], contract_name: str = "contract.ersl"
) -> tuple[Path, Path]:
    """Write the contract and its data; returns (contract path, data path)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / contract_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    data = folder / "data.jsonl"
    data.write_text(jsonl(records), encoding="utf-8")
    return path, data


def settle(
    folder: Path,
    source: str,
    records: list[dict],
    period: str = "2022",
    params: dict[str, object] | None = None,
) -> Settled:
    """Write, load, read and settle through the Python API."""
    path, data_path = write_files(folder, source, records)
    loaded = api.load(path)
    data = api.read_data([str(data_path)], loaded)
    statement = loaded.settle(data, period, params or {})
    text = statement.to_json()
    parsed = json.loads(text)
    lines = {(ln["payee"], ln["period"], ln["name"]): ln["amount"] for ln in parsed["lines"]}
    units = {(ln["payee"], ln["period"], ln["name"]): ln["units"] for ln in parsed["lines"]}
    return Settled(lines, units, parsed, text, statement, path)


def run_cli(
    capsys,
    folder: Path,
    source: str,
    records: list[dict],
    period: str = "2022",
    params: list[str] = (),
    extra: list[str] = (),
) -> tuple[int, str, str]:
    """`ersl run` through `ersl.cli.main`; returns (exit code, stdout, stderr)."""
    path, data_path = write_files(folder, source, records)
    argv = ["run", str(path), "--data", str(data_path), "--period", period, "--format", "json"]
    for item in params:
        argv += ["--param", item]
    capsys.readouterr()
    code = main([*argv, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code: int, out: str, err: str, *needles: str) -> None:
    """Exit 2, no statement, no traceback, and a message containing every needle."""
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err
    for needle in needles:
        assert needle in err, (needle, err)
