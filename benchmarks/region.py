"""Region-scale benchmark: Region Stockholm's primary care for a year, ERSL against a
hand-written exact DuckDB script, on the same Parquet population (not a timed test).

    python benchmarks/region.py --listed 100000
    python benchmarks/region.py --listed 2400000 --data /tmp/region2400k --skip-ersl

1. Generates the population straight to Parquet, `<type>.parquet` files in a folder:
   by default with `ersl synth stockholm --size N` (its sourced rates: about 3.3
   visits per patient), or with `--generator sql` by `benchmarks/region_data.py`
   (6.25 visits per patient: ≈ 15 M visits for Stockholm's 2.4 M). A population is
   reused when `--data` already holds one made with the same arguments.
2. Settles `stdlib_rules/stockholm/husläkare.ersl` for 2022 with `ersl run --data
   FOLDER --format csv` (the engine on this branch; `--engine NAME` is passed on when
   `ersl run` has that option).
3. In the same run settles the same lines with the hand-written exact DuckDB script
   `benchmarks/spike/spike_duckdb.py` (capitation by age, CNI and ACG, the age
   extras, visit fees, the visit cost responsibility, the psychosocial visit cap, the
   health-promotion split); `--polars` also runs `spike_polars.py`.
4. Prints each one's wall time and peak memory (the child process's maximum resident
   set), the load average, how many of the overlapping statement lines agree, and the
   ratio ERSL ÷ hand-written.

The performance lines (quality bonus, penalty, care guarantee) are ERSL's only: the
script assumes no reported indicator results, the population has them. Lines of
payments the script does not model (e.g. the 80+ supplement, team visits) are
counted, not compared. Each program runs as a fresh process, one after the other.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from region_data import generate  # noqa: E402

CONTRACT = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"
FEES_CSV = (
    "key,value\ndoctor,400\nnurse,250\nassistant_nurse,200\npsychosocial,400\n"
    "physiotherapist,300\noccupational_therapist,300\ndietitian,250\nother,200\n"
)
"""`besöksersättning` (a required parameter of the model): the figures of the spike."""
ERSL_ONLY = {"Kvalitetsersättning", "Vite kvalitet", "Bonus vårdgaranti"}


def measure(command: list) -> tuple[float, float, int, str]:
    """Run ``command``: wall seconds, peak resident memory (GB), exit code, stderr."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return wall, usage.ru_maxrss / 1024 / 1024, os.waitstatus_to_exitcode(status), text


def lines_of(path: Path) -> dict[tuple[str, str, str], list[str]]:
    """The statement CSV's lines by (payee, period, name)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return {(r[0], r[1], r[2]): r for r in rows[1:]}


def synth(folder: Path, patients: int, seed: int) -> dict:
    """`ersl synth stockholm` into ``folder`` as `<type>.parquet` files; rows per file."""
    import duckdb

    command = [sys.executable, "-m", "ersl", "synth", "stockholm", "--size", str(patients)]
    command += ["--seed", str(seed), "-o", str(folder), "--folder-format", "parquet"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = duckdb.connect()
    rows = {
        f.stem: con.execute(f"SELECT count(*) FROM '{f}'").fetchall()[0][0]
        for f in sorted(folder.glob("*.parquet"))
    }
    con.close()
    return rows


def population(folder: Path, listed: int, visits_per: float, seed: int, generator: str) -> dict:
    """The population in ``folder``: generated, or reused if it is the same one."""
    marker = folder / "population.json"
    wanted = {"listed": listed, "visits_per": visits_per, "seed": seed, "generator": generator}
    if marker.exists() and json.loads(marker.read_text())["args"] == wanted:
        return json.loads(marker.read_text())
    for old in folder.glob("*.parquet"):
        old.unlink()
    start = time.perf_counter()
    if generator == "synth":
        rows = synth(folder, listed, seed)
    else:
        rows = generate(folder, listed, visits_per, seed)
    seconds = time.perf_counter() - start
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    found = {"args": wanted, "rows": rows, "seconds": round(seconds, 1), "mb": round(size / 1e6)}
    marker.write_text(json.dumps(found))
    return found


def has_option(option: str) -> bool:
    """Whether `ersl run` has ``option`` (e.g. --engine)."""
    out = subprocess.run(
        [sys.executable, "-m", "ersl", "run", "--help"], capture_output=True, text=True
    )
    return option in out.stdout


def main() -> None:
    """Generate, settle both ways, compare and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listed", type=int, default=100_000, help="patients")
    parser.add_argument(
        "--generator",
        choices=["synth", "sql"],
        default="synth",
        help="synth: `ersl synth stockholm` (its sourced visit rates: ≈ 3.3 visits per "
        "patient, 4 %% unlisted); sql: benchmarks/region_data.py (--visits-per, 6.25: "
        "≈ 15 M visits for 2.4 M)",
    )
    parser.add_argument(
        "--visits-per", type=float, default=6.25, help="visits per patient (--generator sql)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="keep the population in this folder")
    parser.add_argument("--engine", help="passed to `ersl run --engine` when it has the option")
    parser.add_argument("--skip-ersl", action="store_true", help="only the hand-written script")
    parser.add_argument("--polars", action="store_true", help="also the polars script")
    args = parser.parse_args()
    temporary = args.data is None
    folder = Path(tempfile.mkdtemp(prefix="ersl-region-")) if temporary else args.data
    try:
        report = run(args, folder)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False))


def run(args: argparse.Namespace, folder: Path) -> dict:
    """The benchmark on the population in ``folder``."""
    found = population(folder, args.listed, args.visits_per, args.seed, args.generator)
    rows = found["rows"]
    print(
        f"population: {rows['patient']:,} patients, {rows['listing']:,} listings, "
        f"{rows['patient_attribute']:,} attribute records, {rows['visit']:,} visits, "
        f"{rows['indicator_result']:,} indicator results; {found['mb']} MB of Parquet, "
        f"generated by {args.generator} in {found['seconds']} s",
        flush=True,
    )
    work = folder / "out"  # beside the data: a data folder's CSV files are data
    work.mkdir(exist_ok=True)
    fees = work / "fees.csv"
    fees.write_text(FEES_CSV, encoding="utf-8")
    report: dict = {"listed": args.listed, "population": found, "load_before": os.getloadavg()}
    results = {}
    programs = []
    if not args.skip_ersl:
        command = [sys.executable, "-m", "ersl", "run", CONTRACT, "--data", folder]
        command += ["--period", "2022", "--param", f"besöksersättning={fees}", "--format", "csv"]
        if args.engine and has_option("--engine"):
            command += ["--engine", args.engine, "--verbose"]
        programs.append(("ersl", command))
    libraries = ["duckdb"] + (["polars"] if args.polars else [])
    for library in libraries:
        script = HERE / "spike" / f"spike_{library}.py"
        programs.append((library, [sys.executable, script, folder, "--fees", fees]))
    for name, command in programs:
        out = work / f"{name}.csv"
        wall, peak, code, err = measure([*command, "-o" if name == "ersl" else "--out", out])
        if code != 0:
            raise SystemExit(f"{name} failed ({code}):\n{err}")
        (work / f"{name}.err").write_text(err, encoding="utf-8")  # --verbose: the engine's account
        results[name] = {"wall_s": round(wall, 1), "peak_gb": round(peak, 2), "lines": out}
        print(f"{name}: {wall:.1f} s wall, {peak:.2f} GB peak", flush=True)
    report["load_after"] = os.getloadavg()
    if "ersl" in results:
        ersl = lines_of(results["ersl"]["lines"])
        for library in libraries:
            script = lines_of(results[library]["lines"])
            shared = [k for k in script if k in ersl and k[2] not in ERSL_ONLY]
            agree = sum(script[k] == ersl[k] for k in shared)
            results[library]["agreeing"] = f"{agree}/{len(shared)}"
            results[library]["ratio"] = round(
                results["ersl"]["wall_s"] / results[library]["wall_s"], 1
            )
            print(
                f"{library}: {agree} of {len(shared)} overlapping lines agree with ERSL "
                f"(ERSL: {len(ersl)} lines, the script: {len(script)}); "
                f"ERSL ÷ {library} = {results[library]['ratio']}",
                flush=True,
            )
    for result in results.values():
        result["lines"] = len(lines_of(result["lines"]))
    report["results"] = results
    return report


if __name__ == "__main__":
    main()
