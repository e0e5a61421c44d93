"""Span bases (`Stay s each day`, `Enrolment e each month`) as unit rows.

As the reference iterates them (`ersl.interpreter.units`): a span is a unit on each
day — or each first day of a month — that lies within both the span (its start to
its end, inclusive; an open span has no end) and the run's days (the run period cut
to the `valid` ranges). The unit's context date is that day; its line period the
day's; its performer the span's `provider`. Here that is one range join of the span
table with the run's days (`days`: every day, or every month start, of the run). The
checker makes sure the span has an `end` and the basis is `each day` or `each month`.

A rate is priced for one unit as `ersl.interpreter.arithmetic.rate_times_duration`
prices it: a day is one day (a rate per day × 1; the checker allows no other rate by
the day), a month one calendar month (per year ÷ 12, per month × 1, per day × the
days of that month).
"""

from __future__ import annotations

from ersl import ast
from ersl.columnar.expr import Val
from ersl.columnar.store import FOREVER, Store, date_sql
from ersl.columnar.values import NotCompiled


def span_units(basis: ast.SpanBasis, store: Store, fields: frozenset[str], keyed: bool) -> str:
    """The unit rows of a span basis: the span table's columns (`k` too when `keyed`),
    `d` the unit's day (not the span's start: that is `f_start`), and the day's line
    period (`pidx`, `ps`, `pe`)."""
    fields = fields | {"end"}
    if keyed:
        table, _ = store.keyed_event_table(basis.type.name, fields)
    else:
        table, _ = store.event_table(basis.type.name, fields)
    return (
        f"(SELECT e.* EXCLUDE (d), days.d, days.pidx, days.ps, days.pe FROM {table} e "
        f"JOIN days ON e.d <= days.d AND days.d <= coalesce(e.f_end, {date_sql(FOREVER)}))"
    )


def span_amount(amount: Val, basis: ast.SpanBasis) -> Val:
    """A unit's money from its amount: a rate × one day or one calendar month."""
    if amount.kind == "num":
        return amount
    if amount.kind != "rate":
        raise NotCompiled(f"an amount that is a {amount.kind} on a span basis")
    if amount.per == "year":
        return Val(amount.sql, "num", amount.den * 12)
    if amount.per == "day" and basis.each.name == "month":
        return Val(f"({amount.sql} * dayofmonth(last_day(u.d)))", "num", amount.den)
    return Val(amount.sql, "num", amount.den)
