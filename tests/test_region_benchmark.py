"""The region benchmark's population (benchmarks/region_data.py) is deterministic and
valid, and on it `ersl run` and the hand-written DuckDB script agree on every line
they share (benchmarks/region.py, at a small size; the figures are in docs/engine.md)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from region_data import generate  # noqa: E402

from ersl.checker import check_file  # noqa: E402
from ersl.data import read_data  # noqa: E402


def test_the_population_is_the_same_every_time_and_valid(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    rows = generate(a, 2_000)
    assert generate(b, 2_000) == rows
    # 2 000 listed: 20 clinics, 2 000 × 6.25 = 12 500 visits, 20 × (2 + 12) indicator results
    assert (rows["provider"], rows["patient"], rows["visit"]) == (20, 2_000, 12_500)
    assert rows["indicator_result"] == 280
    for name in rows:
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes()
    contract = check_file(REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl")
    data = read_data([a], contract)  # no error: every record is valid
    movers = duckdb.sql(
        f"SELECT patient FROM '{a}/listing.parquet' GROUP BY patient HAVING count(*) = 2"
    ).fetchall()
    assert movers  # some patients move during the year
    patient = data.patient(movers[0][0])
    first, second = data.listings(patient)
    assert first["end"] < second["start"] and second["start"].year == 2022
    assert first["provider"] is not second["provider"]
    assert data.patient("P00000000").attribute("cni", date(2022, 6, 1)) is not None


def test_ersl_and_the_hand_written_script_agree(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, REPO / "benchmarks" / "region.py", "--listed", "3000", "--data", tmp_path]
        + ["--generator", "sql"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if "overlapping lines agree" in x)
    agree, shared = line.split(": ")[1].split(" overlapping")[0].split(" of ")
    assert agree == shared and int(shared) > 1000
    assert "Besökstak insatser för psykisk hälsa" in (tmp_path / "out" / "duckdb.csv").read_text(
        encoding="utf-8"
    )
