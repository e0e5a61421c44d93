"""The hand-written DuckDB settlement of the Stockholm model (benchmarks/spike, the
exact peer the columnar engine is measured against, docs/engine.md) writes the
statement lines `ersl run` writes, byte for byte, from JSON Lines and from Parquet
(the model's optional parts — the 80+ supplement, collaboration payments — not given)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPIKE = REPO / "benchmarks" / "spike"
CONTRACT = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """400 patients with 20 visits each (so the psychosocial visit cap fires), as JSON
    Lines and as Parquet, and the fee table."""
    sys.path[:0] = [str(REPO / "benchmarks"), str(SPIKE)]
    try:
        from common import FEES_CSV
        from generate import generate
    finally:
        del sys.path[:2]
    folder = tmp_path_factory.mktemp("spike")
    jsonl = folder / "data.jsonl"
    jsonl.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(400, 8000, seed=2)),
        encoding="utf-8",
    )
    parquet = folder / "parquet"
    subprocess.run([sys.executable, SPIKE / "to_parquet.py", jsonl, parquet], check=True)
    fees = folder / "fees.csv"
    fees.write_text(FEES_CSV, encoding="utf-8")
    return folder, jsonl, parquet, fees


def _lines(csv_text: str) -> str:
    """The statement's lines: the notices of unpaid optional parts (the 80+ supplement,
    the collaboration payments, …) are not lines the spike computes."""
    return "".join(row for row in csv_text.splitlines(True) if ",notice," not in row)


def test_the_duckdb_spike_writes_the_reference_statement(data):
    folder, jsonl, parquet, fees = data
    reference = folder / "reference.csv"
    command = [Path(sys.executable).parent / "ersl", "run", CONTRACT, "--data", jsonl]
    command += ["--period", "2022", "--param", f"besöksersättning={fees}"]
    command += ["--format", "csv", "-o", reference]
    options = ["--fees", fees]
    subprocess.run(command, check=True)
    expected = _lines(reference.read_text(encoding="utf-8"))
    # every kind of line the spike computes is there, the cap included
    for name in ("Listningsersättning ACG", "Kostnadsansvar", "Besökstak insatser för psykisk"):
        assert name in expected
    for source in (jsonl, parquet):
        out = folder / "spike.csv"
        subprocess.run(
            [sys.executable, SPIKE / "spike_duckdb.py", source, *options, "--out", out],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        assert out.read_text(encoding="utf-8") == expected
