"""Benchmark: bundles and span bases on both engines (the hip-and-knee example at scale).

    python benchmarks/bench_bundles.py                    # 20 000 patients
    python benchmarks/bench_bundles.py --patients 5000 --each-day

Generates deterministic hip-and-knee data (per patient: a pre-operative visit, a
procedure — two in three a hip or knee replacement that triggers the bundle — a stay
the day after, at the operating clinic or another, of 1 to 8 days, three other
visits during the year) and settles `examples/hip_knee/contract.ersl` for 2022 with
`ersl run --engine columnar` and `--engine reference`, each in a fresh process, one
after the other. `--each-day` pays the stays per day (`Stay s each day`, 3 000
kr/day) instead of per stay. Prints each run's wall time, peak memory and engine
report, and whether the statements are byte-identical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTRACT = REPO / "examples" / "hip_knee" / "contract.ersl"


def generate(patients: int, path: Path, seed: int = 7) -> int:
    """Write the data as JSON Lines; returns the number of records."""
    rng = random.Random(seed)
    providers = [f"H{i}" for i in range(20)]
    first = dt.date(2022, 1, 1)
    count = 0
    with path.open("w", encoding="utf-8") as out:

        def write(record: dict) -> None:
            nonlocal count
            out.write(json.dumps(record) + "\n")
            count += 1

        for provider in providers:
            write({"type": "provider", "id": provider})
        for i in range(patients):
            patient = f"P{i}"
            write({"type": "patient", "id": patient, "birth_date": "1950-01-01"})
            day = first + dt.timedelta(rng.randrange(330))
            at = rng.choice(providers)
            visit = {"type": "visit", "patient": patient, "profession": "doctor"}
            visit["mode"] = "physical"
            before = (day - dt.timedelta(10)).isoformat()
            write({**visit, "id": f"V{i}a", "provider": at, "date": before, "kind": "preop"})
            code = rng.choice(["NFB49", "NGB29", "NHA09"])
            write(
                {
                    "type": "procedure",
                    "id": f"O{i}",
                    "patient": patient,
                    "provider": at,
                    "date": day.isoformat(),
                    "code": code,
                }
            )
            length = rng.randrange(8)
            write(
                {
                    "type": "stay",
                    "id": f"S{i}",
                    "patient": patient,
                    "provider": rng.choice([at, rng.choice(providers)]),
                    "start": (day + dt.timedelta(1)).isoformat(),
                    "end": (day + dt.timedelta(1 + length)).isoformat(),
                    "ward": rng.choice(["rehab", "medicin"]),
                }
            )
            for k in range(3):
                date = (first + dt.timedelta(rng.randrange(365))).isoformat()
                kind = rng.choice(["followup", "other"])
                where = rng.choice(providers)
                write({**visit, "id": f"V{i}_{k}", "provider": where, "date": date, "kind": kind})
    return count


_CHILD = (
    "import resource, sys\n"
    "from ersl.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
"""`ersl run` in a fresh process that prints its own peak resident memory (KB) last."""


def settle(contract: Path, data: Path, engine: str, out: Path) -> tuple[float, int, str]:
    """(wall seconds, peak KB, engine report) of `ersl run` in a fresh process."""
    command = [sys.executable, "-c", _CHILD, "run", str(contract), "--data", str(data)]
    command += ["--engine", engine, "-v", "--format", "csv", "-o", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    *report, peak = done.stderr.splitlines()
    return wall, int(peak), "\n".join(report)


def main(argv: list[str] | None = None) -> int:
    """Generate, settle on both engines, compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--each-day", action="store_true", help="pay stays per day")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        data = folder / "data.jsonl"
        records = generate(args.patients, data)
        contract = CONTRACT
        if args.each_day:
            text = CONTRACT.read_text(encoding="utf-8")
            text = text.replace("per    Stay s\n", "per    Stay s each day\n")
            text = text.replace("3000 kr * days(s.end - s.start)", "3000 kr/day")
            contract = folder / "contract.ersl"
            contract.write_text(text, encoding="utf-8")
        print(f"{args.patients} patients, {records} records")
        outputs = []
        for engine in ("columnar", "reference"):
            out = folder / f"{engine}.csv"
            wall, peak, report = settle(contract, data, engine, out)
            print(f"{engine}: {wall:.1f} s wall, peak {peak / 1024:.0f} MiB")
            print("".join(f"  {line}\n" for line in report.splitlines()), end="")
            outputs.append(out.read_bytes())
        same = outputs[0] == outputs[1]
        lines = outputs[0].count(b"\n")
        print(f"statements byte-identical: {same} ({lines} lines)")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
