"""`ersl report CONTRACT --data PATH… [--period P] [--param k=v] [--provider Q]
[--swedish] [-o FILE]`: the statement as a self-contained HTML report, with a
provider's marginal incentives when `--provider` is given. `ersl run --format html`
writes the same report without options; `ersl diff --format html` is the report of a
diff (docs/report.md)."""

from __future__ import annotations

import argparse
import sys

from ersl.commands import run as run_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl report`."""
    parser.add_argument("contract", nargs="?", help="the contract file")
    parser.add_argument("--data", nargs="+", required=True, metavar="PATH", help="event data")
    parser.add_argument("--period", help="the period (default: the contract's valid range)")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--skip-invalid", action="store_true", help="skip bad data records")
    parser.add_argument(
        "--swedish", action="store_true", help="Swedish numbers: 1 234,50 kr (default 1234.50)"
    )
    parser.add_argument(
        "--provider",
        metavar="Q",
        help="add the marginal incentives of provider Q (ersl incentives)",
    )


def run(args: argparse.Namespace) -> int:
    """Settle and write the HTML report."""
    from ersl.tender.report import statement_report

    statement = run_command.settle(args)
    incentives = None
    if args.provider:
        from ersl.api import Contract
        from ersl.tender.incentives import marginal

        contract = Contract(statement.run.checked)
        params = run_command.parse_params(args.param)
        incentives = marginal(contract, statement.run.data, statement.period, params, args.provider)
    text = statement_report(statement, statement.run.data, args.swedish, incentives)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
