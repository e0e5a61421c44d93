"""Benchmark: parse and check every file of stdlib_rules/ (and examples/).

Prints the time for a cold start (grammar compiled from scratch, no cache), a
warm start (compiled parser loaded from the user cache) and the steady-state
throughput of parse + check in lines per second. Run:

    python benchmarks/bench_check.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
t0 = time.perf_counter()
from ersl.checker import check_file
for path in sys.argv[1:]:
    check_file(path)
print(time.perf_counter() - t0)
"""


def files(tests: bool = False) -> list[Path]:
    """The library and example files to check (with `tests`, their `*_test.ersl` too)."""
    found = sorted((REPO / "stdlib_rules").rglob("*.ersl")) + sorted(
        (REPO / "examples").rglob("*.ersl")
    )
    return [p for p in found if tests or not p.name.endswith("_test.ersl")]


def run_fresh(paths: list[Path], cache_home: str) -> float:
    """Seconds for a fresh interpreter to import ERSL and check `paths`."""
    env = {**os.environ, "XDG_CACHE_HOME": cache_home}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return float(out.stdout.strip())


def main() -> None:
    """Print cold, warm and steady-state figures."""
    paths = files()
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths)
    with tempfile.TemporaryDirectory() as cache:
        cold = run_fresh(paths, cache)
        warm = min(run_fresh(paths, cache) for _ in range(3))
    from ersl.checker import check_file

    check_file(paths[0])
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for path in paths:
            check_file(path)
    steady = (time.perf_counter() - start) / rounds
    print(f"files: {len(paths)}, lines: {lines}")
    print(f"cold start (compile grammar, parse + check all): {cold:.3f} s")
    print(f"warm start (cached parser, parse + check all):   {warm:.3f} s")
    print(f"steady state: {steady * 1000:.1f} ms per pass, {lines / steady:,.0f} lines/s")
    everything = files(tests=True)
    with tempfile.TemporaryDirectory() as cache:
        run_fresh(everything, cache)
        warm_all = min(run_fresh(everything, cache) for _ in range(3))
    print(
        f"with the {len(everything) - len(paths)} *_test.ersl files too, warm start: {warm_all:.3f} s"
    )


if __name__ == "__main__":
    main()
