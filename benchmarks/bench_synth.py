"""Benchmark: `ersl synth` of the Stockholm profile at region size (2.4 million patients).

Prints the seconds to generate the tables and to write each output form. Run:

    python benchmarks/bench_synth.py [--size N] [--seed S]
"""

from __future__ import annotations

import argparse
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
    t0 = time.perf_counter()
    con = generate(profile, args.size, args.seed)
    generated = time.perf_counter() - t0
    visits = con.execute("SELECT count(*) FROM visit").fetchone()[0]
    print(f"{args.size:,} patients, {visits:,} visits: generated in {generated:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for target in ("data.parquet", "data.jsonl", "folder"):
            t0 = time.perf_counter()
            write(con, Path(tmp) / target)
            print(f"  written as {target}: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
