"""The Python API (SPEC §7)::

import ersl
contract = ersl.load("contract.ersl")                 # raises ersl.ErslError with diagnostics
data = ersl.read_data(["events.jsonl"], contract)     # validated
statement = contract.settle(data, period="2022", params={"visit_fee": "200 kr"})
statement.to_json(); statement.lines; statement.explain(payee="VC1", name="…")
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

from ersl import ast
from ersl import types as T
from ersl.checker import CheckedContract, check_file
from ersl.data import Dataset
from ersl.data import read_data as _read_data
from ersl.data.table_data import NeedsRecords, TableDataset, read_tables
from ersl.dates import parse_period
from ersl.diagnostics import Diagnostic, did_you_mean
from ersl.engines import DEFAULT_ENGINE, ENGINES
from ersl.errors import ErslError, usage_error
from ersl.gcpause import bulk_work
from ersl.stability import preliminary_lines
from ersl.statement import Statement


class Contract:
    """A loaded and checked contract, ready to settle."""

    def __init__(self, checked: CheckedContract) -> None:
        self.checked = checked

    @property
    def name(self) -> str:
        """The contract's name from its header."""
        contract = self.checked.symbols.contract
        return contract.name if contract else self.checked.root.path

    def settle(
        self,
        data: Dataset,
        period: str,
        params: dict[str, object] | None = None,
        keep_units: bool = False,
        batches: bool = True,
        engine: str = DEFAULT_ENGINE,
    ) -> Statement:
        """Settle `period` against `data`; `params` give required or overridden parameters
        as ERSL text (`"200 kr"`), a CSV path for tables, or AST values.

        By default payments are settled in batches and units are not kept: explaining a
        line prices its payment again unit by unit for that line's period.
        `keep_units=True` settles payments unit by unit and keeps every unit with what
        priced it (contract-test coverage reads them). `batches=False` evaluates every
        unit and aggregate one by one, the reference that batch evaluation is tested
        against (same statement, slower). `engine="columnar"` settles the payments the
        columnar compiler handles with DuckDB (docs/engine.md); `statement.run.engine_report`
        says which payments it settled and why the others went the batch path."""
        from ersl.interpreter.run import Run
        from ersl.interpreter.settle import Settler

        if self.checked.symbols.contract is None:
            raise usage_error(
                "E0907",
                f"{self.checked.root.path} has no `contract` header, so it cannot be settled",
                "settle a contract file; library files are used by contracts",
            )
        try:
            run_period = parse_period(period)
        except ValueError as problem:
            raise usage_error(
                "E0908",
                f"`{period}` is not a period: {problem}",
                "write 2022, 2022-03, 2022-Q1, 2022-01..2022-06 or 2021..2022",
            ) from None
        if engine not in ENGINES:
            raise usage_error("E0909", f"`{engine}` is not an engine", "use columnar or reference")
        overrides = {name: self.param_value(name, value) for name, value in (params or {}).items()}
        if isinstance(data, TableDataset) and data.records_read is not None:
            data = data.records_read  # settled once already, from records
        run = Run(self.checked, data, overrides)
        run.batches = batches
        run.engine = engine
        settler = Settler(run, run_period)
        settler.keep_units = keep_units
        try:
            with bulk_work():
                statement = settler.statement()
            statement.run = run
            as_of = getattr(data, "as_of", None)
            if as_of is not None:
                statement.as_of = as_of.isoformat()
            statement.preliminary = preliminary_lines(self.checked.symbols, statement, data)
        except NeedsRecords as need:
            if not isinstance(data, TableDataset):
                raise
            # Records of a big type are needed: read them and settle again from scratch
            # (records compare by identity: never mix two readings in one settlement).
            del run, settler
            records = data.as_records_with(bulk_work)
            records.table_report = f"read as records because {need.args[0]}"
            return self.settle(records, period, params, keep_units, batches, engine)
        if isinstance(data, TableDataset) and statement.explainer is not None:
            statement.explainer = _explain_with_records(statement.explainer)
        return statement

    def param_value(self, name: str, value: object):
        """Turn a command-line or API parameter value into a run-time value or AST."""
        symbols = self.checked.symbols
        if name not in symbols.params:
            raise usage_error(
                "E0910",
                f"the contract has no parameter `{name}`",
                did_you_mean(name, symbols.params),
            )
        if isinstance(value, ast.Node):
            return value
        text = str(value)
        wanted = symbols.param_types.get(name, T.ERROR)
        if isinstance(wanted, T.TableT) and text.lower().endswith(".csv"):
            return _table_from_csv(name, text, wanted, self)
        return _parse_value(name, text, self.checked)


def _explain_with_records(explainer):
    """An explainer that says, as a usage error, that explaining needs the records (a
    statement settled from a `TableDataset`, whose big types are tables only)."""

    def explain(statement, *args, **kwargs):
        try:
            return explainer(statement, *args, **kwargs)
        except NeedsRecords as need:
            raise usage_error(
                "E0909",
                f"explaining this line needs the data's records: {need}",
                "read the data without tables=True to explain lines",
            ) from None

    return explain


def _parse_value(name: str, text: str, checked: CheckedContract):
    """Parse `text` as the value of parameter `name` and type-check it."""
    from ersl.checker.declarations import DeclarationChecker
    from ersl.checker.expressions import ExpressionChecker
    from ersl.checker.symbols import SymbolBuilder
    from ersl.syntax import parse

    where = f"--param {name}"
    try:
        module = parse(f"param {name} = {text}", where)
    except ErslError as error:
        shown = text if len(text) <= 60 else f"{text[:40]}…{text[-10:]}"
        reason = next((d.message for d in error.diagnostics if d.code == "E0127"), None)
        raise usage_error(
            "E0909",
            f"`{shown}` is not a value for the parameter `{name}`"
            + (f": {reason}" if reason else ""),
            "write a value as in a contract, e.g. 225 kr, 0.5, 33 %, 2022-01-01",
        ) from None
    value = module.decls[0].value
    errors: list[Diagnostic] = []
    builder = SymbolBuilder()
    builder.symbols = checked.symbols
    exprs = ExpressionChecker(checked.symbols, checked.facts, errors)
    decls = DeclarationChecker(builder, exprs)
    wanted = checked.symbols.param_types.get(name, T.ERROR)
    actual = decls.value_type(value, wanted, None)
    if errors or not T.assignable(actual, wanted):
        raise usage_error(
            "E0909",
            f"the parameter `{name}` is {wanted.describe()}, but `{text}` is {actual.describe()}",
            _value_hint(wanted),
        )
    return value


def _value_hint(wanted: T.Type) -> str | None:
    """How to write a value of the wanted type on the command line."""
    if wanted == T.MONEY:
        return "give the value with its unit, e.g. 225 kr"
    if isinstance(T.strip_optional(wanted), T.Duration):
        unit = T.strip_optional(wanted).unit
        example = "3months or 1year" if unit == "months" else "30days or 2weeks"
        return f"give a duration in {unit}, e.g. {example}"
    return None


def _table_from_csv(name: str, path: str, wanted: T.TableT, contract: Contract):
    """A table parameter from a CSV file with columns `key,value`."""
    from ersl.data.excel import decimal_point, delimiter, is_number
    from ersl.encoding import decode
    from ersl.interpreter.run import MappingTable

    try:
        with open(path, "rb") as fh:
            text = decode(fh.read(), path)  # UTF-8, with or without a byte-order mark
    except OSError as error:
        raise usage_error("E0001", f"cannot read {path}: {error}") from None
    separator = delimiter(text.partition("\n")[0])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        raise usage_error("E0909", f"{path}: malformed CSV: {error}") from None
    header = [c.strip() for c in rows[0]] if rows else []
    if header != ["key", "value"]:
        found = f"found `{separator.join(header)}`" if header else "the file is empty"
        raise usage_error(
            "E0909",
            f"{path}: the first row must be `key,value` (or `key;value`); {found}",
            "a table parameter's CSV file has two columns headed key and value",
        )
    values = {}
    key_type = wanted.key
    commas = separator == ";"  # Swedish Excel: decimal commas in number cells
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 2:
            raise usage_error(
                "E0909",
                f"{path}:{number}: expected 2 cells (key{separator}value), found {len(row)}",
                "quote a cell that contains the separator",
            )
        key_text, value_text = row[0].strip(), row[1].strip()
        if commas and is_number(key_type):
            key_text = decimal_point(key_text)
        if commas and is_number(wanted.value):
            value_text = decimal_point(value_text)
        key = _table_key(key_text, key_type, contract, f"{path}:{number}")
        value_type = wanted.value
        if value_type == T.MONEY and _is_plain_number(value_text):
            value_text += " kr"
        values[key] = _parse_cell(value_text, value_type, f"{path}:{number}")
    return MappingTable(name, values)


def _is_plain_number(text: str) -> bool:
    from ersl.exact import parse_decimal

    try:
        parse_decimal(text)
        return True
    except ValueError:
        return False


def _table_key(text: str, key_type: T.Type, contract: Contract, where: str):
    from ersl.exact import parse_decimal

    if isinstance(key_type, T.EnumT):
        members = [m.name for m in contract.checked.symbols.enums[key_type.name].members]
        if text not in members:
            raise usage_error(
                "E0909",
                f"{where}: `{text}` is not a member of {key_type.name}",
                did_you_mean(text, members) or f"{key_type.name} has: {', '.join(members)}",
            )
        return text
    if key_type in (T.INT, T.DECIMAL):
        try:
            value = parse_decimal(text)
        except ValueError:
            raise usage_error("E0909", f"{where}: `{text}` is not a number") from None
        return int(value) if value.denominator == 1 and key_type == T.INT else value
    return text


def _parse_cell(text: str, wanted: T.Type, where: str):
    from ersl.data.excel import number_help
    from ersl.syntax import parse

    try:
        module = parse(f"param x = {text}", where)
    except ErslError:
        raise usage_error("E0909", f"{where}: `{text}` is not a value", number_help(text)) from None
    node = module.decls[0].value
    if not isinstance(node, (ast.Quantity, ast.Number)):
        raise usage_error("E0909", f"{where}: `{text}` is not a {wanted.describe()} value")
    from ersl.interpreter.values import number_value, quantity_value

    value = quantity_value(node) if isinstance(node, ast.Quantity) else number_value(node)
    unit_type = T.UNIT_TYPES.get(node.unit) if isinstance(node, ast.Quantity) else T.DECIMAL
    if not T.assignable(unit_type, wanted):
        raise usage_error(
            "E0909", f"{where}: `{text}` is {unit_type.describe()}, expected {wanted.describe()}"
        )
    return value


def load(path: str | os.PathLike) -> Contract:
    """Load and check a contract file (raises `ErslError` with diagnostics)."""
    return Contract(check_file(path))


def parse_as_of(text: str) -> date:
    """An as-of date (YYYY-MM-DD), or a usage error (E0909)."""
    from ersl.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as problem:
        raise usage_error(
            "E0909", f"--as-of {text}: {problem}", "give a date YYYY-MM-DD, e.g. 2022-03-05"
        ) from None


def read_data(
    paths,
    contract: Contract | CheckedContract,
    skip_invalid: bool = False,
    as_of: date | str | None = None,
    tables: bool = False,
) -> Dataset:
    """Read and validate event data for a contract (raises `ErslError` on bad input).

    ``as_of`` (a date or ``"YYYY-MM-DD"``) keeps the records registered on or before
    it, each in its latest version as of then (docs/reference/time.md); settling that data gives
    the statement as it was on that date.

    ``tables=True`` (for `engine="columnar"`): when DuckDB certainly reads the files as
    the reader does (Parquet, and JSON Lines and CSV files that meet the conditions of
    docs/data.md) and the data is provably clean, the result is a `TableDataset` —
    DuckDB tables straight from the files, records only of the small types (docs/engine.md); `Contract.settle` reads
    the records when a settlement needs them. Otherwise the data is read as records,
    and ``table_report`` says why."""
    checked = contract.checked if isinstance(contract, Contract) else contract
    if isinstance(as_of, str):
        as_of = parse_as_of(as_of)
    reason = None
    if tables:
        if skip_invalid:
            reason = "--skip-invalid is given"
        elif as_of is not None:
            reason = "--as-of is given"
        else:
            with bulk_work():
                found = read_tables(paths, checked)
            if isinstance(found, TableDataset):
                found.table_report = found.report()
                return found
            reason = found  # None: an input is no data file (the reader says so)
    with bulk_work():
        data = _read_data(paths, checked, skip_invalid=skip_invalid, as_of=as_of)
    if reason is not None:
        data.table_report = f"read as records because {reason}"
    return data


__all__ = ["Contract", "load", "read_data", "Path"]
