"""What was already paid, and the correction statement (issue 18, ``docs/reference/time.md``).

`read_paid` reads an earlier statement in the ``ersl.statement/1`` JSON format (as
``ersl run --format json`` wrote it); `correction_statement` turns a fresh settlement
and the statements already paid into the lines still to pay: for every payee, period
and name, the amount now due minus the sum of what the paid statements hold for it,
kind ``correction``, lines of zero left out. Paid statements may themselves be
correction statements (their lines count as paid too), so a year paid month by month
is corrected by giving every earlier statement.
"""

from __future__ import annotations

import json
from fractions import Fraction

import attrs

from ersl.dates import parse_period
from ersl.diagnostics import Diagnostic
from ersl.errors import COMMAND_LINE, ErslError
from ersl.exact import parse_decimal
from ersl.span import Span
from ersl.statement import FORMAT, Line, Statement


@attrs.frozen
class PaidStatement:
    """An earlier statement as read: where from, its contract, period, as-of date
    (None if it records none) and amount and units per (payee, period, name)."""

    path: str
    contract_name: str
    period: str
    as_of: str | None
    amounts: dict[tuple[str, str, str], Fraction]
    units: dict[tuple[str, str, str], int]

    def describe(self) -> dict:
        """The statement as a correction statement lists it: path, period, as-of date."""
        return {"file": self.path, "period": self.period, "as_of": self.as_of}


def _bad(path: str, message: str, help: str | None = None) -> ErslError:
    return ErslError(Diagnostic("E0920", f"{path}: {message}", Span(path, 1, 1, 1, 1), help=help))


def read_paid(path: str) -> PaidStatement:
    """Read an earlier statement (``ersl.statement/1`` JSON); raises `ErslError` (E0920)
    naming the file and what is wrong."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as error:
        raise ErslError(
            Diagnostic("E0920", f"cannot read {path}: {error.strerror or error}", COMMAND_LINE)
        ) from None
    except UnicodeDecodeError:
        raise _bad(
            path, "is not UTF-8 text", "give a statement written by `ersl run --format json`"
        ) from None
    try:
        data = json.loads(text, parse_float=str)
    except json.JSONDecodeError as error:
        raise _bad(
            path,
            f"malformed JSON: {error.msg} (line {error.lineno})",
            "give a statement written by `ersl run --format json`",
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(
            path,
            f'is not a statement: expected "format": "{FORMAT}"',
            "give a statement written by `ersl run --format json`",
        )
    contract = data.get("contract")
    name = contract.get("name") if isinstance(contract, dict) else None
    lines = data.get("lines")
    if not isinstance(name, str) or not isinstance(lines, list):
        raise _bad(path, 'a statement has a "contract" with a "name" and a list of "lines"')
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, str):
        raise _bad(path, f'"as_of" should be a date YYYY-MM-DD, not {as_of!r}')
    amounts: dict[tuple[str, str, str], Fraction] = {}
    units: dict[tuple[str, str, str], int] = {}
    for number, line in enumerate(lines, 1):
        try:
            key = (line["payee"], line["period"], line["name"])
            amount = parse_decimal(str(line["amount"]))
            count = int(line.get("units", 0))
        except (KeyError, TypeError, ValueError):
            raise _bad(
                path,
                f'line {number} of "lines" is not a statement line: expected payee, period, '
                "name and amount",
            ) from None
        if not all(isinstance(k, str) for k in key):
            raise _bad(path, f'line {number} of "lines": payee, period and name are text')
        amounts[key] = amounts.get(key, Fraction(0)) + amount
        units[key] = units.get(key, 0) + count
    return PaidStatement(path, name, str(data.get("period", "")), as_of, amounts, units)


def check_contract(fresh: Statement, paid: list[PaidStatement]) -> None:
    """Every paid statement comes from the same contract (by name), else E0920."""
    for p in paid:
        if p.contract_name != fresh.contract_name:
            raise _bad(
                p.path,
                f'is a statement of "{p.contract_name}", not of "{fresh.contract_name}"',
                "give the statements paid under this contract",
            )


def paid_totals(
    paid: list[PaidStatement],
) -> tuple[dict[tuple[str, str, str], Fraction], dict[tuple[str, str, str], int]]:
    """Per (payee, period, name): the amount and units of every paid statement summed."""
    amounts: dict[tuple[str, str, str], Fraction] = {}
    units: dict[tuple[str, str, str], int] = {}
    for p in paid:
        for key, amount in p.amounts.items():
            amounts[key] = amounts.get(key, Fraction(0)) + amount
            units[key] = units.get(key, 0) + p.units.get(key, 0)
    return amounts, units


def _covers(paid: PaidStatement, label: str) -> bool:
    try:
        return parse_period(paid.period).covers(parse_period(label))
    except ValueError:
        return False


def last_as_of(paid: list[PaidStatement], key: tuple[str, str, str]) -> str | None:
    """What was known when the line ``key`` was last paid: the latest as-of date of the
    paid statements holding it, else of those whose period covers its period (they
    settled it and found nothing to pay), else of all of them."""
    holding = (
        [p for p in paid if key in p.amounts] or [p for p in paid if _covers(p, key[1])] or paid
    )
    dates = [p.as_of for p in holding if p.as_of is not None]
    return max(dates) if dates else None


def _within(label: str, settled) -> bool:
    """Whether a paid line's period lies in the settled period (other lines are not
    corrected by this settlement)."""
    try:
        return settled.covers(parse_period(label))
    except ValueError:
        return False


def correction_statement(fresh: Statement, paid: list[PaidStatement]) -> Statement:
    """The lines still to pay: for every (payee, period, name) of the fresh settlement
    or of a paid statement (within the settled period), due − paid as a `correction`
    line; zero lines left out.
    Paid plus corrections equal the fresh settlement, line for line."""
    check_contract(fresh, paid)
    amounts, units = paid_totals(paid)
    settled = parse_period(fresh.period)
    amounts = {k: v for k, v in amounts.items() if _within(k[1], settled)}
    due = {line.sort_key(): line for line in fresh.lines}
    lines = []
    for key in sorted(set(due) | set(amounts)):
        line = due.get(key)
        now = line.amount if line is not None else Fraction(0)
        before = amounts.get(key, Fraction(0))
        if now == before:
            continue
        payee, period, name = key
        lines.append(
            Line(
                payee,
                period,
                name,
                "correction",
                (line.units if line is not None else 0) - units.get(key, 0),
                now - before,
                line.source if line is not None else "",
                exact=line.exact if line is not None else Fraction(0),
                due=now,
                paid=before,
            )
        )
    statement = Statement(
        fresh.contract_name,
        fresh.contract_version,
        fresh.contract_sha256,
        fresh.period,
        lines,
        explanations=fresh.explanations,
        run=fresh.run,
        notices=list(fresh.notices),
        as_of=fresh.as_of,
        paid=[p.describe() for p in paid],
        preliminary=list(fresh.preliminary),
    )
    return statement
