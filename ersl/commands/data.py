"""`ersl data convert IN… -o data.parquet [--contract C.ersl] [--skip-invalid]`.

Reads JSON Lines, CSV (files or folders) or Parquet event data, validated against a
schema — the contract's with ``--contract``, else the standard schema
(``stdlib "schema/sweden"``) — and writes it as one typed Parquet file
(:func:`ersl.data.write_parquet.dump_parquet`): the same records always give the
same bytes, and reading the file gives the same records.
"""

from __future__ import annotations

import argparse
import os
import sys

from ersl.errors import usage_error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register `ersl data` and its sub-command `convert`."""
    sub = parser.add_subparsers(dest="data_command", metavar="convert", parser_class=type(parser))
    sub.required = True
    convert = sub.add_parser(
        "convert",
        help="turn JSON Lines/CSV event data into one Parquet file (validated)",
        description="Read event data (JSON Lines, CSV files or folders, Parquet), validate it "
        "against the schema and write it as one typed Parquet file.",
    )
    convert.add_argument("inputs", nargs="+", metavar="IN", help="data files or folders")
    convert.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the Parquet file to write (.parquet)"
    )
    convert.add_argument(
        "--contract",
        metavar="FILE",
        help="validate against this contract's schema (its extended fields included); "
        "default: the standard schema, stdlib schema/sweden",
    )
    convert.add_argument(
        "--skip-invalid",
        action="store_true",
        help="leave bad records out (listed: file:line and reason, the first 10) instead of "
        "failing",
    )


def run(args: argparse.Namespace) -> int:
    """Run `ersl data convert`."""
    import ersl.api as api
    from ersl.data.write_parquet import dump_parquet
    from ersl.resources import stdlib_root

    if not args.output.lower().endswith(".parquet"):
        raise usage_error(
            "E0909",
            f"the output {args.output} is not a .parquet file",
            "name the output file.parquet, e.g. -o data.parquet",
        )
    output = os.path.abspath(args.output)
    for path in args.inputs:
        if os.path.exists(path) and os.path.abspath(path) == output:
            raise usage_error(
                "E0909",
                f"the output {args.output} is also an input",
                "write the Parquet file to a new name",
            )
    contract_file = args.contract or str(stdlib_root() / "schema" / "sweden.ersl")
    contract = api.load(contract_file)
    data = api.read_data(args.inputs, contract, skip_invalid=args.skip_invalid)
    if data.skipped:
        print(data.skip_report(), file=sys.stderr)
    if data.history is not None:  # docs/reference/time.md: the file holds no history
        print(
            "ersl data convert: warning: the data carry registration dates, corrections or "
            "withdrawals; the Parquet file holds the records in force now (the latest "
            "version of each), without `registered`: settle --as-of from the original files",
            file=sys.stderr,
        )
    folder = os.path.dirname(output)
    if not os.path.isdir(folder):
        raise usage_error(
            "E0909",
            f"cannot write {args.output}: the folder {folder} does not exist",
            "create the folder first, or write the file elsewhere",
        )
    try:
        rows = dump_parquet(data, args.output)
    except Exception as err:  # DuckDB's IO errors: a plain message, never a traceback
        import duckdb

        if not isinstance(err, (OSError, duckdb.Error)):
            raise
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise usage_error("E0909", f"cannot write {args.output}: {detail}") from None
    print(f"wrote {rows} record{'s' if rows != 1 else ''} to {args.output}", file=sys.stderr)
    return 0
