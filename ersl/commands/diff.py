"""`ersl diff OLD.ersl [NEW.ersl] --data PATH… [--period P] [--period-new P]
[--param k=v] [--param-new k=v] [--format text|json|csv|xlsx|html] [-o FILE]`."""

from __future__ import annotations

import argparse
import sys

from ersl.commands.run import default_period, parse_params
from ersl.engines import DEFAULT_ENGINE, ENGINES
from ersl.errors import usage_error
from ersl.paths import emit, write_output

FORMATS = ("text", "json", "csv", "xlsx", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl diff`."""
    parser.add_argument("old", help="the old (current) contract")
    parser.add_argument(
        "new",
        nargs="?",
        help="the new contract (default: the old one, compared with --param-new or --period-new)",
    )
    parser.add_argument("--data", nargs="+", required=True, metavar="PATH", help="event data")
    parser.add_argument(
        "--period", help="the old side's period (default: the contract's valid range)"
    )
    parser.add_argument("--period-new", help="the new side's period (default: --period)")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of both sides",
    )
    parser.add_argument(
        "--param-new",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the new side (overrides --param there)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="the output format")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the diff to FILE")
    parser.add_argument(
        "--swedish", action="store_true", help="Swedish numbers in text and HTML: 1 234,50 kr"
    )
    parser.add_argument("--top", type=int, default=10, metavar="N", help="winners and losers shown")
    parser.add_argument("--skip-invalid", action="store_true", help="skip bad data records")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="settle both sides with the columnar engine or the reference (as ersl run)",
    )


def impact_of(args: argparse.Namespace):
    """Load both sides, read the data (once when the schemas agree) and compare."""
    import ersl.api as api
    from ersl.tender.diff import Side, compare

    old_contract = api.load(args.old)
    new_contract = api.load(args.new) if args.new and args.new != args.old else old_contract
    given_new = parse_params(args.param_new)
    if new_contract is old_contract and not given_new and not args.period_new:
        raise usage_error(
            "E1503",
            "nothing to compare: give a new contract, --param-new or --period-new",
            "e.g. ersl diff old.ersl new.ersl --data data.jsonl --period 2022",
        )
    period = args.period or _default(old_contract)
    old = Side(old_contract, args.old, period, parse_params(args.param), engine=args.engine)
    new = Side(
        new_contract,
        args.new or args.old,
        args.period_new or args.period or _default(new_contract),
        {**old.params, **given_new},
        engine=args.engine,
    )
    data = api.read_data(args.data, old_contract, skip_invalid=args.skip_invalid)
    if data.skipped:
        print(data.skip_report(), file=sys.stderr)
    same_schema = new_contract.checked.symbols.schema == old_contract.checked.symbols.schema
    data_new = data if same_schema else api.read_data(args.data, new_contract, args.skip_invalid)
    return compare(old, new, data, data_new)


def _default(contract) -> str:
    header = contract.checked.symbols.contract
    if header is None or header.valid is None:
        raise usage_error("E0908", "give the period to compare with --period", "e.g. --period 2022")
    return default_period(contract)


def run(args: argparse.Namespace) -> int:
    """Compare and print or write the diff."""
    from ersl.tender import diff_output

    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        raise usage_error(
            "E0909",
            "an xlsx diff is a file, not text for a terminal",
            "write it to a file with -o diff.xlsx",
        )
    impact = impact_of(args)
    if args.format == "xlsx":
        _write_bytes(args.output, diff_output.to_xlsx(impact))
        return 0
    if args.format == "html":
        from ersl.tender.report import diff_report

        text = diff_report(impact, swedish=args.swedish, top=args.top)
    elif args.format == "json":
        text = diff_output.to_json(impact)
    elif args.format == "csv":
        text = diff_output.to_csv(impact)
    else:
        text = diff_output.to_text(impact, swedish=args.swedish, top=args.top)
    emit(args.output, text)
    return 0


def _write_bytes(output: str | None, data: bytes) -> None:
    if output:
        write_output(output, data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
