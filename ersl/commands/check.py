"""`ersl check FILE…`: parse, resolve and type-check; exit 0 if all are valid, 1 if not."""

from __future__ import annotations

import argparse
import json
import sys

from ersl.diagnostics import render_all, use_colour
from ersl.errors import ErslError

UNREADABLE = ("E0001", "E0002")  # a file given on the command line cannot be read: exit 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl check`."""
    parser.add_argument("files", nargs="+", metavar="FILE", help=".ersl files to check")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Check each file; print diagnostics; exit 1 if any file has errors."""
    from ersl.checker import check_file

    found = []
    failed = 0
    unreadable = False
    for path in args.files:
        try:
            check_file(path)
        except ErslError as error:
            failed += 1
            found.append(error)
            # the file itself could not be read (E0001 has no line; E0002 points at a byte)
            unreadable |= any(
                d.code in UNREADABLE and (d.code == "E0002" or d.span.line == 0)
                for d in error.diagnostics
            )
            if args.format == "text":
                print(error.render(colour=use_colour(sys.stdout)), file=sys.stdout)
                print(file=sys.stdout)
    if args.format == "json":
        items = [d.to_dict() for error in found for d in error.diagnostics]
        print(json.dumps(items, ensure_ascii=False, indent=2))
    elif failed:
        count = sum(len(e.diagnostics) for e in found)
        print(
            f"{count} error{'s' if count != 1 else ''} in {failed} of {len(args.files)} file{'s' if len(args.files) != 1 else ''}"
        )
    else:
        print(f"ok: {len(args.files)} file{'s' if len(args.files) != 1 else ''} checked")
    if unreadable:
        return 2
    return 1 if failed else 0


__all__ = ["add_arguments", "run", "render_all"]
