"""`ersl report CONTRACT --data PATH… [--period P] [--param k=v] [--provider Q]
[--swedish] [-o FILE]`: the statement as a self-contained HTML report, with a
provider's marginal incentives when `--provider` is given. `ersl run --format html`
writes the same report without options; `ersl diff --format html` is the report of a
diff (docs/report.md)."""

from __future__ import annotations

import argparse

from ersl.commands import run as run_command
from ersl.paths import emit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl report`: those of `ersl run` (the report is always
    HTML) plus `--swedish` and `--provider`."""
    run_command.add_arguments(parser)
    parser.set_defaults(format="html")
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
    from ersl.errors import usage_error
    from ersl.tender.report import statement_report

    if args.format != "html":
        raise usage_error(
            "E0909",
            f"ersl report writes HTML, not {args.format}",
            f"for a {args.format} statement use ersl run --format {args.format}",
        )
    if args.paid or args.monthly_as_of:
        raise usage_error(
            "E0909",
            "ersl report shows one settlement",
            "leave out --paid and --monthly-as-of (ersl run writes corrections)",
        )
    statement = run_command.settle(args)
    incentives = None
    if args.provider:
        from ersl.api import Contract
        from ersl.tender.incentives import marginal

        contract = Contract(statement.run.checked)
        params = run_command.parse_params(args.param)
        incentives = marginal(contract, statement.run.data, statement.period, params, args.provider)
    text = statement_report(statement, statement.run.data, args.swedish, incentives)
    emit(args.output, text)
    return 0
