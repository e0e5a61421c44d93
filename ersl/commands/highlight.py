"""`ersl highlight FILE [--format terminal|html] [-o FILE]`.

`terminal` colours the contract with ANSI escapes only where colour is shown: on
standard output when it is a terminal and neither `NO_COLOR` nor `TERM=dumb` is set
(otherwise the contract is written as it is), and always into `-o FILE`, where it was
asked for. `html` is a standalone page either way."""

from __future__ import annotations

import argparse
import sys

from ersl.diagnostics import Diagnostic, use_colour
from ersl.encoding import not_utf8
from ersl.errors import ErslError
from ersl.paths import write_output
from ersl.span import Span


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl highlight`."""
    parser.add_argument("file", help="an .ersl file")
    parser.add_argument(
        "--format",
        choices=("terminal", "html"),
        default="terminal",
        help="terminal: ANSI colours (on standard output only when it is a colour terminal); "
        "html: a standalone page",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output (terminal format: always coloured)",
    )


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
    plain = args.format == "terminal" and not args.output and not use_colour(sys.stdout)
    out = text if plain else highlight(text, args.format)
    if args.output:
        write_output(args.output, out)
    else:
        sys.stdout.write(out)
    return 0
