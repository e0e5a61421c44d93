"""Check that both spikes write the statement `ersl run` writes, byte for byte.

    python benchmarks/spike/verify.py --patients 20000 --visits 100000
    python benchmarks/spike/verify.py --patients 20000 --visits 400000 --seed 2   # caps fire

Generates the data (benchmarks/generate.py), converts it to Parquet, settles 2022 of
`stdlib_rules/stockholm/husläkare.ersl` with `ersl run --format csv` (with and without
the 80+ weight) and with each spike from JSON Lines and from Parquet, and compares.
Exit code 1 when any statement differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

sys.path.insert(0, str(HERE))
from common import FEES_CSV  # noqa: E402


def write_data(folder: Path, patients: int, visits: int, seed: int) -> tuple[Path, Path, Path]:
    """The JSON Lines file, its Parquet folder and the fee table."""
    data = folder / "data.jsonl"
    with data.open("w", encoding="utf-8") as fh:
        for record in generate(patients, visits, seed=seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    parquet = folder / "parquet"
    subprocess.run([sys.executable, HERE / "to_parquet.py", data, parquet], check=True)
    fees = folder / "fees.csv"
    fees.write_text(FEES_CSV, encoding="utf-8")
    return data, parquet, fees


def main() -> None:
    """Settle with `ersl run` and both spikes; report line agreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ersl = Path(sys.executable).parent / "ersl"
    contract = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, parquet, fees = write_data(folder, args.patients, args.visits, args.seed)
        for weight in (None, "1.5"):
            reference = folder / "reference.csv"
            command = [ersl, "run", contract, "--data", data, "--period", "2022"]
            command += ["--param", f"besöksersättning={fees}", "--format", "csv", "-o", reference]
            spike_options = ["--fees", fees]
            if weight:
                command += ["--param", f"besöksvikt_80_år={weight}"]
                spike_options += ["--weight-80", weight]
            subprocess.run(command, check=True)
            expected = reference.read_text(encoding="utf-8").splitlines()
            caps = sum("Besökstak" in line for line in expected)
            print(
                f"weight {weight or 'none'}: ersl run gave {len(expected) - 1} lines ({caps} cap)"
            )
            for library in ("polars", "duckdb"):
                for source in (data, parquet):
                    out = folder / "spike.csv"
                    subprocess.run(
                        [sys.executable, HERE / f"spike_{library}.py", source, *spike_options]
                        + ["--out", out],
                        check=True,
                        stdout=subprocess.DEVNULL,
                    )
                    got = out.read_text(encoding="utf-8").splitlines()
                    equal = sum(a == b for a, b in zip(got, expected, strict=False)) - 1
                    same = got == expected
                    failed |= not same
                    kind = "Parquet" if source.is_dir() else "JSONL"
                    verdict = "identical" if same else "DIFFERENT"
                    print(
                        f"  {library:7} {kind:8} {equal}/{len(expected) - 1} lines equal, {verdict}"
                    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
