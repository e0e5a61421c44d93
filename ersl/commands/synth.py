"""`ersl synth PROFILE [--size N] [--seed S] -o data.jsonl|data.parquet|folder/`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ersl.errors import usage_error
from ersl.resources import stdlib_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl synth`."""
    parser.add_argument(
        "profile",
        help="a profile file (TOML, docs/synth.md) or the name of a standard profile "
        "(stockholm = stdlib_rules/profiles/stockholm.toml)",
    )
    parser.add_argument(
        "--size", type=int, metavar="N", help="patients to generate (default: the profile's size)"
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="the seed (default 1)")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="X.jsonl (one JSON Lines file), X.parquet (one Parquet file with a type column) "
        "or a folder (one CSV file per record type)",
    )
    parser.add_argument(
        "--folder-format",
        choices=("csv", "parquet"),
        default="csv",
        help="the files of a folder output: <type>.csv (default) or <type>.parquet",
    )


def profile_path(name: str) -> str:
    """A profile path as given, or the standard profile of that name."""
    if Path(name).exists() or name.endswith(".toml"):
        return name
    shipped = stdlib_root() / "profiles" / f"{name}.toml"
    if shipped.exists():
        return str(shipped)
    known = sorted(p.stem for p in (stdlib_root() / "profiles").glob("*.toml"))
    raise usage_error(
        "E1502",
        f"no profile file `{name}` and no standard profile of that name",
        "give a .toml file or one of: " + ", ".join(known),
    )


def run(args: argparse.Namespace) -> int:
    """Generate the population and say what was written."""
    from ersl.tender.profile import read_profile
    from ersl.tender.synth import synthesise

    if args.size is not None and args.size < 1:
        raise usage_error("E1502", f"--size {args.size}: give at least 1 patient")
    profile = read_profile(profile_path(args.profile))
    size = args.size or profile.size
    try:
        written = synthesise(
            profile, args.output, size, args.seed, folder_format=args.folder_format
        )
    except OSError as error:  # a folder that cannot be made or written: the user's path
        reason = error.strerror or str(error)
        raise usage_error("E0912", f"cannot write {args.output}: {reason}") from None
    where = written[0] if len(written) == 1 else Path(args.output)
    print(
        f"wrote {size:,} patients of {profile.name} (seed {args.seed}) to {where}".replace(
            ",", " "
        ),
        file=sys.stderr,
    )
    return 0
