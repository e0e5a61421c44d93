"""`ersl run CONTRACT --data PATH… [--period P] [--param k=v] [--as-of DATE]
[--paid STATEMENT…] [--monthly-as-of] [--format text|json|csv|xlsx] [-o FILE]`."""

from __future__ import annotations

import argparse
import sys

from ersl.commands.period_checks import period_warnings
from ersl.diagnostics import Diagnostic, render_all, use_colour
from ersl.engines import DEFAULT_ENGINE, ENGINES
from ersl.errors import COMMAND_LINE, ErslError, usage_error
from ersl.paths import emit, write_output

FORMATS = ("text", "json", "csv", "xlsx", "html")


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
        help="JSON Lines, CSV or Parquet files, or folders of CSV and Parquet files",
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
        help="text (a table per payee), json (ersl.statement/1), csv, xlsx (an Excel "
        "workbook: give -o FILE) or html (a self-contained report with charts, docs/report.md)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the statement to FILE")
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        help="settle with the records registered on or before DATE, each in its latest "
        "version then (docs/reference/time.md)",
    )
    parser.add_argument(
        "--paid",
        nargs="+",
        default=[],
        metavar="STATEMENT",
        help="earlier statements (JSON) already paid: write the correction statement, "
        "due minus paid per line (docs/reference/time.md)",
    )
    parser.add_argument(
        "--monthly-as-of",
        dest="monthly_as_of",
        action="store_true",
        help="pay the period month by month, each month as of its last day, corrections "
        "carried, then reconcile with all data; print what was paid when (docs/reference/time.md)",
    )
    parser.add_argument(
        "--payment-day",
        dest="payment_day",
        type=int,
        metavar="N",
        help="with --monthly-as-of: each month is paid as of day N of the following month "
        "(default: the month's last day)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="columnar: settle the payments the columnar compiler handles with DuckDB, the "
        "others by the reference path; reference: the reference interpreter's batches "
        f"(default: {DEFAULT_ENGINE})",
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


def _period(args: argparse.Namespace, contract) -> str:
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
    return period


def settle(args: argparse.Namespace, tables: bool = False):
    """Load, read data and settle (as of a date, against what was paid); shared by
    `run` and `explain`. ``tables``: with the columnar engine, Parquet data may go
    straight into DuckDB tables (`ersl.data.table_data`)."""
    import ersl.api as api

    contract = api.load(contract_path(args))
    as_of_text = getattr(args, "as_of", None)  # commands without --as-of (report) settle all
    as_of = api.parse_as_of(as_of_text) if as_of_text else None
    if getattr(args, "paid", None):
        from ersl.over_time import Settlement, read_paid_files

        paid = read_paid_files(args.paid)
        settlement = Settlement(
            contract,
            args.data,
            parse_params(args.param),
            args.skip_invalid,
            getattr(args, "engine", DEFAULT_ENGINE),
        )
        statement = settlement.corrections(_period(args, contract), paid, as_of)
        _warn(contract, statement)
        return statement
    engine = getattr(args, "engine", DEFAULT_ENGINE)
    data = api.read_data(
        args.data,
        contract,
        skip_invalid=args.skip_invalid,
        as_of=as_of,
        tables=tables and engine == "columnar",
    )
    if data.skipped:
        print(data.skip_report(), file=sys.stderr)
    if data.blank_lines:
        print(data.blank_report(), file=sys.stderr)
    period = _period(args, contract)
    # Settled in batches without keeping units; `ersl explain` prices the explained
    # line's payment again unit by unit (Settler.traced_sources).
    statement = contract.settle(data, period, parse_params(args.param), engine=engine)
    if getattr(args, "verbose", False):
        print(engine_report(statement.run, engine), file=sys.stderr, end="")
    _warn(contract, statement)
    return statement


def _warn(contract, statement) -> None:
    warnings = period_warnings(contract.checked.symbols, statement.period)
    if warnings:
        colour = use_colour(sys.stderr)
        print(render_all(warnings, colour=colour), file=sys.stderr)


def monthly(args: argparse.Namespace) -> int:
    """`--monthly-as-of`: pay the period month by month and print what was paid when."""
    import json

    import ersl.api as api
    from ersl.over_time import Settlement, payments_dict, payments_text

    if args.paid or args.as_of:
        raise usage_error(
            "E0909",
            "--monthly-as-of settles each month as of its own date",
            "leave out --as-of and --paid",
        )
    if args.format not in ("text", "json"):
        raise usage_error("E0909", "--monthly-as-of prints text or json", "use --format json")
    if args.payment_day is not None and not 1 <= args.payment_day <= 31:
        raise usage_error(
            "E0909", f"--payment-day {args.payment_day}: give a day of the month, 1 to 31"
        )
    contract = api.load(contract_path(args))
    period = _period(args, contract)
    settlement = Settlement(
        contract,
        args.data,
        parse_params(args.param),
        args.skip_invalid,
        getattr(args, "engine", DEFAULT_ENGINE),
    )
    payments = settlement.monthly(period, args.payment_day)
    text = (
        json.dumps(payments_dict(contract.name, period, payments), ensure_ascii=False, indent=2)
        + "\n"
        if args.format == "json"
        else payments_text(contract.name, period, payments)
    )
    emit(args.output, text)
    return 0


def engine_report(run, engine: str) -> str:
    """Which engine settled each payment (`--verbose`), one line each in the contract's
    order, then the caps and indicators the columnar engine computed; payments not
    settled (no line asked for them) are not listed."""
    lines = [f"engine: {engine}"]
    table_report = getattr(run.data, "table_report", None)
    if table_report:
        lines.append(f"data: {table_report}")
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
    if args.monthly_as_of:
        return monthly(args)
    if args.payment_day is not None:
        raise usage_error("E0909", "--payment-day goes with --monthly-as-of")
    # The html report reads the data's records: it is read as records from the start.
    statement = settle(args, tables=args.format != "html")
    if args.format == "xlsx":
        data = statement.to_xlsx()
        if args.output:
            write_output(args.output, data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        return 0
    if args.format == "html":
        from ersl.tender.report import statement_report

        text = statement_report(statement, getattr(statement.run, "data", None))
    else:
        text = {"json": statement.to_json, "csv": statement.to_csv, "text": statement.to_text}[
            args.format
        ]()
    if args.output:
        write_output(args.output, text, newline="")
    else:
        sys.stdout.write(text)
    return 0
