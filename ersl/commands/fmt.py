"""`ersl fmt FILE… [--check] [--diff]` (being written)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl fmt`."""
    parser.add_argument("files", nargs="+")


def run(args: argparse.Namespace) -> int:
    """Not yet available."""
    print("ersl fmt: not available yet", flush=True)
    return 2
