"""Time both spikes (and optionally `ersl run`) on one data set, several runs each.

    python benchmarks/spike/measure.py DATA.jsonl PARQUET_FOLDER --fees fees.csv --runs 3 [--reference]

Each run is a fresh process; wall time and peak RSS come from the process itself
(read / compute split) and from `os.wait4` (whole process). Prints one JSON line per
run and a summary (best, worst) per configuration. The machine is shared, so the
spread between runs is part of the result.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTRACT = HERE.parents[1] / "stdlib_rules" / "stockholm" / "husläkare.ersl"


def run(command: list) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command} failed ({status})")
    return wall, usage.ru_maxrss / 1024, out


def main() -> None:
    """Run every configuration `--runs` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("parquet", type=Path)
    parser.add_argument("--fees", type=Path, required=True)
    parser.add_argument("--weight-80", default="1.5")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--reference", action="store_true", help="also time `ersl run`")
    parser.add_argument(
        "--skip", action="append", default=[], help="a configuration to leave out ('polars jsonl')"
    )
    args = parser.parse_args()
    configs = [
        (f"{library} {kind}", [sys.executable, HERE / f"spike_{library}.py", source])
        for library in ("polars", "duckdb")
        for kind, source in (("jsonl", args.jsonl), ("parquet", args.parquet))
        if f"{library} {kind}" not in args.skip
    ]
    results: dict[str, list[dict]] = {}
    for _ in range(args.runs):
        for name, command in configs:
            command = [*command, "--fees", args.fees, "--weight-80", args.weight_80]
            wall, peak, out = run(command)
            report = json.loads(out.strip().splitlines()[-1])
            report.update(config=name, wall_s=round(wall, 2), process_peak_mib=round(peak))
            print(json.dumps(report, ensure_ascii=False), flush=True)
            results.setdefault(name, []).append(report)
    if args.reference:
        ersl = Path(sys.executable).parent / "ersl"
        for _ in range(args.runs):
            command = [ersl, "run", CONTRACT, "--data", args.jsonl, "--period", "2022"]
            command += ["--param", f"besöksersättning={args.fees}"]
            command += ["--param", f"besöksvikt_80_år={args.weight_80}", "--format", "csv"]
            command += ["-o", os.devnull]
            wall, peak, _ = run(command)
            report = {
                "config": "ersl run",
                "wall_s": round(wall, 2),
                "process_peak_mib": round(peak),
            }
            print(json.dumps(report), flush=True)
            results.setdefault("ersl run", []).append(report)
    print("\nconfig              wall best–worst   read   compute   peak MiB")
    for name, reports in results.items():
        walls = sorted(r["wall_s"] for r in reports)
        best = min(reports, key=lambda r: r["wall_s"])
        read = f"{best['read_s']:6.2f}" if "read_s" in best else "     –"
        compute = f"{best['compute_s']:9.2f}" if "compute_s" in best else "        –"
        peaks = sorted(r["process_peak_mib"] for r in reports)
        print(
            f"{name:18} {walls[0]:6.2f}–{walls[-1]:<6.2f} {read} {compute}   {peaks[0]}–{peaks[-1]}"
        )


if __name__ == "__main__":
    main()
