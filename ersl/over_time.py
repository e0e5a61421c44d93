"""Settlement over time (issue 18, ``docs/reference/time.md``): settling as of a date, the
correction statement against what was already paid and what changed it, and a period
paid month by month.

Part of the api layer: it reads data (`ersl.data.read_data` with ``as_of``) and settles
(`Contract.settle`) as often as it needs — the statement as of an earlier date is
settled again to tell which records changed a correction line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import attrs

from ersl.api import Contract
from ersl.data import read_data
from ersl.dates import month_end, parse_period, periods_in
from ersl.engines import DEFAULT_ENGINE
from ersl.errors import usage_error
from ersl.exact import format_amount
from ersl.paid import PaidStatement, correction_statement, last_as_of, read_paid
from ersl.statement import Statement

PAYMENTS_FORMAT = "ersl.payments/1"


@attrs.define
class Settlement:
    """What a settlement over time needs again: the contract, the data paths, the
    parameters, whether to skip bad records and the engine (`Contract.settle`)."""

    contract: Contract
    paths: Sequence[str | os.PathLike]
    params: dict[str, object] = attrs.field(factory=dict)
    skip_invalid: bool = False
    engine: str = DEFAULT_ENGINE

    _settled: dict = attrs.field(factory=dict, init=False, repr=False)
    _traced: dict = attrs.field(factory=dict, init=False, repr=False)

    def settle(self, period: str, as_of: date | None = None) -> Statement:
        """The statement of ``period`` settled with the records known as of ``as_of``."""
        data = read_data(self.paths, self.contract.checked, self.skip_invalid, as_of=as_of)
        return self.contract.settle(data, period, self.params, engine=self.engine)

    def records_by_line(self, statement: Statement) -> dict[tuple[str, str, str], set[str]]:
        """`_records_by_line`, remembered per statement (explaining several lines traces
        each settlement once)."""
        key = id(statement)
        if key not in self._traced:
            self._traced[key] = (statement, _records_by_line(statement))
        return self._traced[key][1]

    def settled(self, period: str, as_of: date | None) -> Statement:
        """`settle`, remembered: explaining several correction lines settles the
        statement of an earlier date once."""
        key = (period, as_of)
        if key not in self._settled:
            self._settled[key] = self.settle(period, as_of)
        return self._settled[key]

    def corrections(
        self, period: str, paid: Sequence[PaidStatement], as_of: date | None = None
    ) -> Statement:
        """The correction statement of ``period`` as of ``as_of`` against ``paid``; its
        lines explain what changed them (`explain_correction`)."""
        fresh = self.settle(period, as_of)
        statement = correction_statement(fresh, list(paid))

        def explainer(stmt: Statement, payee: str, name: str, line_period: str | None) -> dict:
            return explain_correction(self, fresh, stmt, list(paid), payee, name, line_period)

        statement.explainer = explainer
        return statement

    def monthly(self, period: str, as_of_day: int | None = None) -> list[Payment]:
        """Each month of ``period`` paid as of its last day (or ``as_of_day`` of the next
        month): the year to date settled as then known, minus what earlier months paid;
        then a reconciliation with every record known (caps and bonuses of the year)."""
        whole = _period(period)
        payments: list[Payment] = []
        paid: list[PaidStatement] = []
        for month in periods_in(whole.start, whole.end, "month"):
            first = f"{whole.start:%Y-%m}"
            label = first if month.label == first else f"{first}..{month.label}"
            as_of = _payment_date(month.end, as_of_day)
            statement = correction_statement(self.settle(label, as_of), paid)
            payments.append(Payment(as_of.isoformat(), label, statement))
            paid.append(paid_of(statement, f"payment {as_of.isoformat()}"))
        final = correction_statement(self.settle(whole.label), paid)
        payments.append(Payment(None, whole.label, final))
        return payments


def _period(text: str):
    try:
        return parse_period(text)
    except ValueError as problem:
        raise usage_error("E0908", f"`{text}` is not a period: {problem}") from None


def _payment_date(month_last: date, day: int | None) -> date:
    if day is None:
        return month_last
    following = month_end(date.fromordinal(month_last.toordinal() + 1))
    return following.replace(day=min(day, following.day))


def paid_of(statement: Statement, path: str) -> PaidStatement:
    """A statement (a settlement or corrections) as a paid statement."""
    amounts: dict[tuple[str, str, str], Fraction] = {}
    units: dict[tuple[str, str, str], int] = {}
    for line in statement.lines:
        amounts[line.sort_key()] = amounts.get(line.sort_key(), Fraction(0)) + line.amount
        units[line.sort_key()] = units.get(line.sort_key(), 0) + line.units
    return PaidStatement(
        path, statement.contract_name, statement.period, statement.as_of, amounts, units
    )


@attrs.define
class Payment:
    """One payment of a month-by-month run: the as-of date it was settled with (None:
    the reconciliation with every record), the period settled, the correction statement."""

    as_of: str | None
    period: str
    statement: Statement


def payments_text(contract_name: str, period: str, payments: list[Payment]) -> str:
    """What was paid when: per payment its lines (payee, period, name, amount) and total."""
    out = [f"{contract_name} — paid month by month, {period}"]
    grand = Fraction(0)
    for payment in payments:
        out.append("")
        when = (
            f"paid {payment.as_of} (data as of {payment.as_of}, {payment.period})"
            if payment.as_of is not None
            else f"reconciliation after {period} (all data)"
        )
        out.append(when)
        total = Fraction(0)
        month = None if payment.as_of is None else payment.period[-7:]
        for line in payment.statement.lines:
            earlier = month is None or line.paid != 0 or line.period < month
            note = (
                f"  (correction: due {format_amount(line.due)}, paid {format_amount(line.paid)})"
                if earlier
                else ""
            )
            out.append(
                f"  {line.payee}  {line.period}  {line.name}  {format_amount(line.amount)}{note}"
            )
            total += line.amount
        if not payment.statement.lines:
            out.append("  (nothing to pay)")
        out.append(f"  total {format_amount(total)}")
        grand += total
    out.append("")
    out.append(f"paid in all: {format_amount(grand)}")
    return "\n".join(out) + "\n"


def payments_dict(contract_name: str, period: str, payments: list[Payment]) -> dict:
    """The month-by-month run as JSON (`ersl.payments/1`): each payment's as-of date,
    period and its statement (`ersl.statement/1`)."""
    return {
        "format": PAYMENTS_FORMAT,
        "contract": contract_name,
        "period": period,
        "payments": [
            {"as_of": p.as_of, "period": p.period, "statement": p.statement.to_dict()}
            for p in payments
        ],
    }


def read_paid_files(paths: Sequence[str]) -> list[PaidStatement]:
    """The earlier statements given with `--paid`."""
    return [read_paid(p) for p in paths]


# ---------------------------------------------------------------------- explanations


def explain_correction(
    settlement: Settlement,
    fresh: Statement,
    statement: Statement,
    paid: list[PaidStatement],
    payee: str,
    name: str,
    period: str | None,
) -> dict:
    """A correction line explained: the fresh line's explanation (when it is still due),
    due and paid, the statements paid, and the records registered, corrected or
    withdrawn since the earlier statement's as-of date that changed it, with the lines
    of the contract each was behind then and now."""
    from ersl.interpreter.explain import FORMAT, explain_line, matching_lines

    view = Statement(
        statement.contract_name,
        statement.contract_version,
        statement.contract_sha256,
        statement.period,
        list(statement.lines),
        explanations=fresh.explanations,
        run=fresh.run,
    )
    due = {line.sort_key(): line for line in fresh.lines}
    items = []
    for line in matching_lines(view, payee, name, period):
        key = line.sort_key()
        item = explain_line(view, due[key]) if key in due else {}
        item["line"] = line.to_dict()
        item["correction"] = _correction(settlement, fresh, paid, key)
        items.append(item)
    return {"format": FORMAT, "lines": items}


def _correction(
    settlement: Settlement,
    fresh: Statement,
    paid: list[PaidStatement],
    key: tuple[str, str, str],
) -> dict:
    line = next(line for line in correction_statement(fresh, paid).lines if line.sort_key() == key)
    known = last_as_of(paid, key)
    result: dict = {
        "due": format_amount(line.due),
        "paid": format_amount(line.paid),
        "amount": format_amount(line.amount),
        "paid_in": [p.path for p in paid if key in p.amounts],
        "paid_as_of": known,
    }
    history = fresh.run.data.history if fresh.run is not None else None
    if history is None:
        result["changes"] = []
        result["note"] = "the data carry no registration dates: no record changed it"
        return result
    since = date.fromisoformat(known) if known else None
    now = fresh.run.data.as_of
    changes = history.between(since, now)
    before = settlement.settled(fresh.period, since) if since is not None else None
    behind_now = settlement.records_by_line(fresh)
    behind_then = settlement.records_by_line(before) if before is not None else {}
    payee, line_period, _name = key
    found = []
    for change in changes:
        ids = {change.id, change.target} - {None}
        now_in = _lines_of(behind_now, ids, payee, line_period)
        then_in = _lines_of(behind_then, ids, payee, line_period)
        if _is_payment(fresh, key[2]):
            if key[2] not in now_in and key[2] not in then_in:
                continue
        elif not _concerns(change, history, payee, line_period):
            continue
        found.append(
            {
                "record": change.describe(),
                "lines_then": then_in,
                "lines_now": now_in,
            }
        )
    result["changes"] = found
    return result


def _lines_of(behind: dict, ids: set, payee: str, period: str) -> list[str]:
    """The names of the payee's payment lines within ``period`` (a yearly cap's: the
    months of its year) that the records ``ids`` were behind."""
    try:
        window = parse_period(period)
    except ValueError:
        return []
    names = set()
    for (p, per, name), records in behind.items():
        if p != payee or not ids & records:
            continue
        try:
            inside = window.covers(parse_period(per))
        except ValueError:
            inside = False
        if inside:
            names.add(name if per == period else f"{name} {per}")
    return sorted(names)


def _is_payment(statement: Statement, name: str) -> bool:
    """Whether the line name is a payment's (a payment's lines trace their records)."""
    return statement.run is not None and name in statement.run.symbols.payments


def _concerns(change, history, payee: str, period: str) -> bool:
    """Whether a changed record (for a withdrawal: the record withdrawn) is dated in the
    line's period and refers to the payee — for cap and performance lines, which trace
    no records."""
    record = change.record
    if record is None:
        versions = [
            c.record
            for c in history.changes
            if c.type == change.type and c.id == change.target and c.record is not None
        ]
        record = versions[-1] if versions else None
    if record is None or record.date is None:
        return False
    try:
        window = parse_period(period)
    except ValueError:
        return False
    if record.date not in window:
        return False
    return any(getattr(value, "id", value) == payee for value in record.values)


def _records_by_line(statement: Statement) -> dict[tuple[str, str, str], set[str]]:
    """Per payment line of a settlement: the ids of the records behind it."""
    from ersl import ast
    from ersl.interpreter.explain import record_of

    run = statement.run
    result: dict[tuple[str, str, str], set[str]] = {}
    for key, draft in statement.explanations.items():
        if not isinstance(draft.decl, ast.Payment):
            continue
        units = run.settler.traced_sources(draft)
        result[key] = {record_of(unit)[1] for unit in units}
    return result
