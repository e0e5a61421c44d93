"""Benchmark: settle the primary-care example contract for one year of synthetic data.

    python benchmarks/bench_run.py                      # 100 000 patients, 500 000 visits
    python benchmarks/bench_run.py --patients 10000 --visits 50000
    python benchmarks/bench_run.py --engine reference  # the reference interpreter's batches
    python benchmarks/bench_run.py --input parquet     # the same data read from Parquet
    python benchmarks/bench_run.py --input csv         # … from a folder of CSV files

Generates deterministic data (benchmarks/generate.py) into a temporary folder (with
`--input parquet` also converted to one Parquet file, as `ersl data convert` does, and
with `--input csv` written as one CSV file per record type; the conversion is not
timed), then times reading and validating the data, settling
2022 and writing the JSON statement, and prints throughput (units per second) and
peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

from ersl.engines import DEFAULT_ENGINE, ENGINES  # noqa: E402


def _clock() -> float:
    """Wall-clock seconds (the settlement may use a second process)."""
    return time.perf_counter()


FEES = {
    "doctor": 400,
    "nurse": 250,
    "assistant_nurse": 200,
    "psychosocial": 400,
    "physiotherapist": 300,
    "occupational_therapist": 300,
    "dietitian": 250,
    "other": 200,
}


def main() -> None:
    """Generate, settle, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=500_000)
    parser.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="ersl run --engine"
    )
    parser.add_argument(
        "--input",
        choices=("jsonl", "parquet", "csv"),
        default="jsonl",
        help="the data the settlement reads (parquet, csv: converted from the JSON Lines)",
    )
    args = parser.parse_args()
    wall = time.perf_counter()

    import json

    import ersl.api as api

    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / "data.jsonl"
        t0 = _clock()
        with data_path.open("w", encoding="utf-8") as fh:
            for record in generate(args.patients, args.visits):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fees = Path(folder) / "fees.csv"
        fees.write_text(
            "key,value\n" + "".join(f"{k},{v}\n" for k, v in FEES.items()), encoding="utf-8"
        )
        contract = api.load(REPO / "examples" / "primary_care" / "contract.ersl")
        if args.input == "parquet":
            from ersl.data.write_parquet import dump_parquet

            parquet_path = Path(folder) / "data.parquet"
            dump_parquet(api.read_data([data_path], contract), parquet_path)
            data_path.unlink()
            data_path = parquet_path
        elif args.input == "csv":
            from ersl.data.dump import dump_csv

            folder_path = Path(folder) / "csv"
            dump_csv(api.read_data([data_path], contract), folder_path)
            data_path.unlink()
            data_path = folder_path
        t1 = _clock()
        data = api.read_data([data_path], contract, tables=args.engine == "columnar")
        t2 = _clock()
        cpu = time.process_time()
        # as `ersl run` does: units are not kept once their lines are made
        statement = contract.settle(
            data,
            "2022",
            {"visit_fee": str(fees)},
            keep_units=False,
            engine=args.engine,
        )
        t3 = _clock()
        cpu = time.process_time() - cpu
        statement.to_json()
        t4 = _clock()
    units = sum(line.units for line in statement.lines)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"data: {args.patients:,} patients, {args.visits:,} visits, {args.input} "
        f"(generated in {t1 - t0:.1f} s)"
    )
    print(f"read + validate: {t2 - t1:.1f} s")
    print(
        f"settle 2022:     {t3 - t2:.1f} s  ({units:,} units, {units / (t3 - t2):,.0f} units/s; "
        f"CPU {cpu:.1f} s, DuckDB's threads included)"
    )
    print(f"JSON statement:  {t4 - t3:.2f} s  ({len(statement.lines):,} lines)")
    print(f"data:            {getattr(data, 'table_report', None) or 'read as records'}")
    report = statement.run.engine_report
    print(f"engine {args.engine}:", "; ".join(f"{k}: {v}" for k, v in report.items()))
    print(f"total run:       {t4 - t1:.1f} s; peak memory of this process {peak:,.0f} MiB")
    print(f"wall clock for everything (incl. generating): {time.perf_counter() - wall:.1f} s")


if __name__ == "__main__":
    main()
