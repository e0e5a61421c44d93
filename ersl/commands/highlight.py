"""`ersl highlight FILE [--format terminal|html]`."""

from __future__ import annotations

import argparse
import sys

from ersl.diagnostics import Diagnostic
from ersl.encoding import not_utf8
from ersl.errors import ErslError
from ersl.span import Span


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl highlight`."""
    parser.add_argument("file", help="an .ersl file")
    parser.add_argument("--format", choices=("terminal", "html"), default="terminal")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")


def run(args: argparse.Namespace) -> int:
    """Print the file highlighted for a terminal or as a standalone HTML page."""
    from ersl.highlight import highlight

    try:
        with open(args.file, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        with open(args.file, "rb") as fh:
            raise ErslError(not_utf8(args.file, fh.read())) from None
    except OSError as error:
        raise ErslError(
            Diagnostic("E0001", f"cannot read {args.file}: {error}", Span(args.file, 0, 0, 0, 0))
        ) from None
    out = highlight(text, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(out)
    else:
        sys.stdout.write(out)
    return 0
