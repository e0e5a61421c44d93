"""Benchmark: `check`, `fmt` and `lint` on long inputs grow linearly (issue 17).

Builds contracts of growing size — one very long line (a set literal of N numbers),
many comment lines with Windows line ends (CRLF), many small declarations — and prints
the seconds each command takes in-process and the time per 1 000 tokens, which stays
roughly constant when the work is linear. Run:

    python benchmarks/bench_long_inputs.py [--sizes 10000,50000,200000]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from ersl.cli import main


def long_line(n: int) -> str:
    """One line of about 2n tokens: `param xs = {1, 2, …}`."""
    return "param xs = {" + ", ".join(str(i) for i in range(n)) + "}\n"


def comment_run_crlf(n: int) -> str:
    """A parameter, n comment lines and another parameter, all with CRLF."""
    return "param x = 1\r\n" + "# c\r\n" * n + "param y = 2\r\n"


def declarations(n: int) -> str:
    """n parameters of about 8 tokens each, a line each."""
    return "".join(f"param p{i}: money = {i} kr  # {i}\n" for i in range(n // 8))


SHAPES = {"long line": long_line, "CRLF comments": comment_run_crlf, "declarations": declarations}


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        main(argv)
    return time.perf_counter() - started


def run(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for shape, build in SHAPES.items():
            for n in sizes:
                path = Path(folder) / "long.ersl"
                path.write_bytes(build(n).encode("utf-8"))
                figures = []
                for argv in (
                    ["check", str(path)],
                    ["fmt", "--check", str(path)],
                    ["lint", str(path)],
                ):
                    seconds = timed(argv)
                    figures.append(f"{argv[0]} {seconds:6.2f} s ({seconds / n * 1000:.3f} s/1k)")
                print(f"{shape:14s} n={n:7d}  " + "  ".join(figures), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,50000,200000")
    args = parser.parse_args()
    run([int(s) for s in args.sizes.split(",")])
