"""A statement as an Excel workbook (`ersl run --format xlsx`), written with XlsxWriter.

Three sheets: `lines` (one row per statement line, as in the CSV output), `totals`
(per payee: fixed, variable, performance, total) and `contract` (name, version,
SHA-256, period); a fourth, `notices`, when a line was not settled for a missing
optional parameter (name, kind, parameters, message, source). Amounts are numbers shown with two decimals (`#,##0.00`); each is
written from its exact two-decimal text as a `Decimal`, so the file holds exactly the
amount of the JSON statement — never a float computed from it. (Excel keeps 15
significant digits, so amounts are exact below 10 000 000 000 000 kr.) The header row
is bold and frozen, columns are as wide as their contents, and the same statement
gives the same bytes: the workbook's creation date is fixed and XlsxWriter dates every
part of the zip 1980-01-01.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from ersl.exact import format_amount

CREATED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
"""The workbook's creation date: fixed, so that a statement always gives the same bytes."""

LINE_COLUMNS = ("payee", "period", "name", "kind", "units", "amount", "source")
TOTAL_COLUMNS = ("payee", "fixed", "variable", "performance", "total")
NOTICE_COLUMNS = ("name", "kind", "parameters", "message", "source")
AMOUNT_FORMAT = "#,##0.00"
MAX_WIDTH = 80


def _amount(value) -> Decimal:
    return Decimal(format_amount(value))


def _width(values) -> int:
    return min(max(len(str(v)) for v in values) + 2, MAX_WIDTH)


def _sheet(workbook, name: str, columns, rows, formats: dict) -> None:
    """A sheet with a bold, frozen header row, an autofilter and fitted columns."""
    sheet = workbook.add_worksheet(name)
    sheet.write_row(0, 0, columns, formats["header"])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, Decimal):
                sheet.write_number(r, c, value, formats["amount"])
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    for c, column in enumerate(columns):
        shown = [column] + [
            f"{v:,.2f}" if isinstance(v, Decimal) else v for v in (row[c] for row in rows)
        ]
        sheet.set_column(c, c, _width(shown))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def to_xlsx(statement) -> bytes:
    """The workbook of `statement` (an `ersl.statement.Statement`) as bytes."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {"title": f"{statement.contract_name} — {statement.period}", "created": CREATED}
    )
    formats = {
        "header": workbook.add_format({"bold": True}),
        "amount": workbook.add_format({"num_format": AMOUNT_FORMAT}),
    }
    lines = [
        (line.payee, line.period, line.name, line.kind, line.units, _amount(line.amount))
        + (line.source,)
        for line in statement.lines
    ]
    _sheet(workbook, "lines", LINE_COLUMNS, lines, formats)
    # A correction statement's totals have a `correction` column before `total`.
    columns = ("payee", *statement.kinds(), "total")
    totals = [
        (payee, *(_amount(kinds[k]) for k in columns[1:]))
        for payee, kinds in statement.totals().items()
    ]
    _sheet(workbook, "totals", columns, totals, formats)
    about = [
        ("contract", statement.contract_name),
        ("version", statement.contract_version or ""),
        ("sha256", statement.contract_sha256),
        ("period", statement.period),
    ] + ([("as of", statement.as_of)] if statement.as_of is not None else [])
    _sheet(workbook, "contract", ("field", "value"), about, formats)
    if statement.notices:
        notices = [
            (n.name, n.kind, ", ".join(n.parameters), n.message, n.source)
            for n in statement.notices
        ]
        _sheet(workbook, "notices", NOTICE_COLUMNS, notices, formats)
    workbook.close()
    return out.getvalue()
