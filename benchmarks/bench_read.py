"""Reading and validating event data: wall time and peak memory of `read_data`, one input.

    python benchmarks/bench_read.py /tmp/region100k            # a Parquet folder
    python benchmarks/bench_read.py /tmp/region100k.jsonl      # the same as JSON Lines
    python benchmarks/bench_read.py /tmp/region100k --dump-jsonl /tmp/region100k.jsonl

Reads with the standard schema (`stdlib schema/sweden`), as `ersl run` does for
the Stockholm model, in this process (run it once per input: peak memory is the
process's). `--dump-jsonl` also writes the canonical JSON Lines of what was read,
for comparing the formats on the same records.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import ersl.api as api  # noqa: E402
from ersl.data import dump_jsonl  # noqa: E402


def main() -> None:
    """Read once, print seconds, records and peak memory as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument(
        "--contract", type=Path, default=REPO / "stdlib_rules" / "schema" / "sweden.ersl"
    )
    parser.add_argument("--dump-jsonl", type=Path)
    args = parser.parse_args()
    contract = api.load(args.contract)
    start = time.perf_counter()
    data = api.read_data(args.data, contract)
    seconds = time.perf_counter() - start
    records = sum(len(data.records(n)) for n in data.type_names())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    if args.dump_jsonl:
        args.dump_jsonl.write_text(dump_jsonl(data), encoding="utf-8")
    print(
        json.dumps(
            {
                "data": [str(p) for p in args.data],
                "read_s": round(seconds, 2),
                "records": records,
                "peak_gb": round(peak, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
