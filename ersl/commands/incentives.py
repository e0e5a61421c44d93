"""`ersl incentives CONTRACT --data PATH… --provider Q [--period P] [--param k=v]
[--format text|json|csv] [-o FILE]`: what one more unit of each kind pays provider Q."""

from __future__ import annotations

import argparse
import csv
import io
import json

from ersl.commands import run as run_command
from ersl.paths import emit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of `ersl incentives`."""
    parser.add_argument("contract", nargs="?", help="the contract file")
    parser.add_argument("--data", nargs="+", required=True, metavar="PATH", help="event data")
    parser.add_argument("--provider", required=True, metavar="Q", help="the provider's id")
    parser.add_argument("--period", help="the period (default: the contract's valid range)")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value"
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
    parser.add_argument("--skip-invalid", action="store_true", help="skip bad data records")
    parser.add_argument("--swedish", action="store_true", help="Swedish numbers: 1 234,50 kr")


def incentives_of(args: argparse.Namespace):
    """Settle the base run and every perturbation (ersl.tender.incentives)."""
    import ersl.api as api
    from ersl.tender.incentives import marginal

    contract = api.load(run_command.contract_path(args))
    data = api.read_data(args.data, contract, skip_invalid=args.skip_invalid)
    period = args.period or run_command.default_period(contract)
    return marginal(contract, data, period, run_command.parse_params(args.param), args.provider)


def to_text(result, swedish: bool = False) -> str:
    """A table: group, one more …, change, the payments that changed."""
    from ersl.tender.numbers import amount

    rows = [("group", "one more", "change", "payments")]
    for r in result.rows:
        payments = ", ".join(f"{n} {amount(c, swedish, True)}" for n, c in r.payments)
        rows.append((r.group, r.label, amount(r.change, swedish, True), payments))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{result.provider}, {result.period}: total {amount(result.base_total, swedish)}; "
        "what one more unit pays:"
    ]
    for row in rows:
        lines.append(
            f"  {row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2].rjust(widths[2])}"
            f"  {row[3]}".rstrip()
        )
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def to_dict(result) -> dict:
    """`ersl.incentives/1`: the provider, period, base total and the rows."""
    from ersl.tender.numbers import amount

    return {
        "format": "ersl.incentives/1",
        "provider": result.provider,
        "period": result.period,
        "total": amount(result.base_total),
        "rows": [
            {
                "group": r.group,
                "one_more": r.label,
                "change": amount(r.change),
                "payments": [{"name": n, "change": amount(c)} for n, c in r.payments],
            }
            for r in result.rows
        ],
        "notes": list(result.notes),
    }


def to_csv(result) -> str:
    """One row per perturbation and payment name (`name` empty for the total)."""
    from ersl.tender.numbers import amount

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["group", "one_more", "name", "change"])
    for r in result.rows:
        writer.writerow([r.group, r.label, "", amount(r.change)])
        for n, c in r.payments:
            writer.writerow([r.group, r.label, n, amount(c)])
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Compute and print or write the marginal incentives."""
    result = incentives_of(args)
    if args.format == "json":
        text = json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = to_csv(result)
    else:
        text = to_text(result, args.swedish)
    emit(args.output, text)
    return 0
