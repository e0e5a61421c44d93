"""`ersl explain CONTRACT --data … --payee VC1 --name NAME [--period P] [--line-period P]
[--format text|json] [-o FILE]`."""

from __future__ import annotations

import argparse
import json
import sys

from ersl.commands import run as run_command
from ersl.paths import write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl explain` (those of `ersl run` plus the line)."""
    run_command.add_arguments(parser)
    parser.add_argument("--payee", required=True, help="the payee of the line (a provider id)")
    parser.add_argument("--name", required=True, help="the line's name")
    parser.add_argument(
        "--line-period",
        dest="line_period",
        help="only the line of this period (YYYY-MM, YYYY-Qn or YYYY)",
    )
    # The options shared with `ersl run` say what they do here.
    for action in parser._actions:
        if action.dest == "format":
            action.choices = ("text", "json")
            action.help = "text (indented, for people) or json (ersl.explanation/1)"
        elif action.dest == "output":
            action.help = "write the explanation to FILE instead of standard output"


def run(args: argparse.Namespace) -> int:
    """Settle, then explain the chosen line(s)."""
    from ersl.errors import usage_error
    from ersl.interpreter.explain import render_text

    if args.monthly_as_of:
        raise usage_error(
            "E0909",
            "`ersl explain` explains one statement's line",
            "explain a month's payment with --as-of and --paid instead of --monthly-as-of",
        )
    statement = run_command.settle(args)
    # The settlement's explainer: a correction statement's also says what changed a line.
    tree = statement.explain(args.payee, args.name, args.line_period)
    text = (
        json.dumps(tree, ensure_ascii=False, indent=2) + "\n"
        if args.format == "json"
        else render_text(tree)
    )
    if args.output:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
