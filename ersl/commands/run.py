"""`ersl run CONTRACT --data PATH… [--period P] [--param k=v] [--format text|json|csv|xlsx] [-o FILE]`."""

from __future__ import annotations

import argparse
import sys

from ersl.commands.period_checks import period_warnings
from ersl.diagnostics import Diagnostic, render_all, use_colour
from ersl.errors import COMMAND_LINE, ErslError, usage_error

FORMATS = ("text", "json", "csv", "xlsx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl run`."""
    parser.add_argument(
        "contract",
        nargs="?",
        help="the contract file (may also come after the options, even after --data)",
    )
    parser.add_argument(
        "--data",
        nargs="+",
        required=True,
        metavar="PATH",
        help="JSON Lines files, CSV files or folders of CSV files",
    )
    parser.add_argument(
        "--period",
        help="2022, 2022-03, 2022-Q1, 2022-01..2022-06 (default: the contract's valid range)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value (225kr) or a table from a CSV file (key,value)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (a table per payee), json (ersl.statement/1), csv, or xlsx (an Excel "
        "workbook: give -o FILE)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the statement to FILE")
    parser.add_argument(
        "--engine",
        choices=("columnar", "reference"),
        default="reference",
        help="columnar: settle the payments the columnar compiler handles with DuckDB, the "
        "others by the reference path; reference: the reference interpreter's batches "
        "(default: reference)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="say on standard error which engine settled each payment (and why a payment "
        "went the batch path)",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="skip bad data records; list them (file:line and reason, the first 10) and how many",
    )


def parse_params(items: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs from the command line."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ErslError(
                Diagnostic(
                    "E0909",
                    f"`--param {item}` should be NAME=VALUE",
                    COMMAND_LINE,
                    help="e.g. --param visit_fee=225kr",
                )
            )
        params[name.strip()] = value.strip()
    return params


def default_period(contract) -> str:
    """The contract's valid range as a period (whole months)."""
    valid = contract.checked.symbols.contract.valid
    return f"{valid.start:%Y-%m}..{valid.end:%Y-%m}"


def contract_path(args: argparse.Namespace) -> str:
    """The contract file: the positional argument, or — written after `--data`, which
    takes every path that follows — the one `.ersl` file among the data paths."""
    if args.contract is not None:
        return args.contract
    contracts = [p for p in args.data if p.endswith(".ersl")]
    if len(contracts) == 1:
        args.data = [p for p in args.data if p != contracts[0]]
        if args.data:
            return contracts[0]
    raise usage_error(
        "E0909",
        "give the contract file",
        "e.g. ersl run contract.ersl --data data.jsonl (the contract may also come last)",
    )


def settle(args: argparse.Namespace):
    """Load, read data and settle; shared by `run` and `explain`."""
    import ersl.api as api

    contract = api.load(contract_path(args))
    data = api.read_data(args.data, contract, skip_invalid=args.skip_invalid)
    if data.skipped:
        print(data.skip_report(), file=sys.stderr)
    header = contract.checked.symbols.contract
    period = args.period or (default_period(contract) if header and header.valid else None)
    if period is None:
        raise ErslError(
            Diagnostic(
                "E0908",
                "give the period to settle with --period",
                COMMAND_LINE,
                help="e.g. --period 2022",
            )
        )
    # Settled in batches without keeping units; `ersl explain` prices the explained
    # line's payment again unit by unit (Settler.traced_sources).
    engine = getattr(args, "engine", "reference")
    statement = contract.settle(data, period, parse_params(args.param), engine=engine)
    if getattr(args, "verbose", False):
        print(engine_report(statement.run, engine), file=sys.stderr, end="")
    warnings = period_warnings(contract.checked.symbols, statement.period)
    if warnings:
        colour = use_colour(sys.stderr)
        print(render_all(warnings, colour=colour), file=sys.stderr)
    return statement


def engine_report(run, engine: str) -> str:
    """Which engine settled each payment (`--verbose`), one line each in the contract's
    order, then the caps and indicators the columnar engine computed; payments not
    settled (no line asked for them) are not listed."""
    lines = [f"engine: {engine}"]
    names = [name for name in run.symbols.payments if name in run.engine_report]
    names += sorted(name for name in run.engine_report if name not in run.symbols.payments)
    for name in names:
        how = run.engine_report[name]
        if name in run.bulk_fallbacks:
            how += "; then unit by unit"
        lines.append(f"  {name}: {how}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Settle and print or write the statement."""
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        raise usage_error(
            "E0909",
            "an xlsx statement is a file, not text for a terminal",
            "write it to a file with -o statement.xlsx",
        )
    statement = settle(args)
    if args.format == "xlsx":
        data = statement.to_xlsx()
        if args.output:
            with open(args.output, "wb") as fh:
                fh.write(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        return 0
    text = {"json": statement.to_json, "csv": statement.to_csv, "text": statement.to_text}[
        args.format
    ]()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
