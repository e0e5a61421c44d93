"""Benchmark: `ersl synth` of the Stockholm profile at region size (2.4 million patients).

Prints the seconds (wall clock, and CPU seconds of all DuckDB threads) to generate the
tables and to write each output form. Run:

    python benchmarks/bench_synth.py [--size N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from ersl.tender.profile import read_profile
from ersl.tender.synth import generate, write

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    """Generate once, then write JSON Lines, one Parquet file and a CSV folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_400_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    profile = read_profile(REPO / "stdlib_rules" / "profiles" / "stockholm.toml")
    t0, c0 = time.perf_counter(), _cpu()
    con = generate(profile, args.size, args.seed)
    generated, cpu = time.perf_counter() - t0, _cpu() - c0
    visits = con.execute("SELECT count(*) FROM visit").fetchone()[0]
    print(
        f"{args.size:,} patients, {visits:,} visits: generated in {generated:.1f} s (CPU {cpu:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for target in ("data.parquet", "data.jsonl", "folder"):
            t0, c0 = time.perf_counter(), _cpu()
            write(con, Path(tmp) / target)
            print(
                f"  written as {target}: {time.perf_counter() - t0:.1f} s (CPU {_cpu() - c0:.1f} s)"
            )
    print(f"load average: {os.getloadavg()[0]:.1f}")


def _cpu() -> float:
    """CPU seconds of this process, all threads (user + system)."""
    times = os.times()
    return times.user + times.system


if __name__ == "__main__":
    main()
