"""Bundle coverage of a payment's units in the columnar engine (SPEC §3.8).

Which events — and which days of spans — the bundles' episodes cover is decided by
the interpreter's own episode construction (`ersl.interpreter.bundles`): it is
sequential per patient (first-come coverage, `at most K`, warranties) and reads only
the triggers and the events they cover. The interpreter's bridge hands the result
here as plain rows, `Covered`: a record's key (its position among the records of its
type, the `k` of `Store.keyed_event_table`), for days of spans the first and last
day, the episode's index and its provider's code. The rows of one record are
disjoint (the bridge resolves overlaps: a day belongs to the earliest episode).

`covered_totals` then settles the payment in one query: the unit rows left-joined to
the coverage on the key (and the day), a covered unit whose performer is the
episode's provider left out of its line, every other covered unit paid and — without
a `payee` clause — charged to the episode's provider, grouped by episode, day and
amount (the bridge turns those into charge lines).
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs
import duckdb

from ersl import ast
from ersl.columnar.compiler import Compiler
from ersl.columnar.expr import Scope, Val
from ersl.columnar.plan import _DAYS, ColumnarEngine, LineTotal, PaymentPlan, Problem, _fetch
from ersl.columnar.store import date_sql


@attrs.frozen
class Covered:
    """A record (or some of a span's days) covered by an episode: the record's key,
    the first and last day covered (None for a whole event), the episode's index and
    its provider's code (None when the episode has no provider)."""

    key: int
    first: datetime.date | None
    last: datetime.date | None
    episode: int
    provider: int | None


@attrs.frozen
class Charge:
    """Covered units an episode's provider is charged for: `count` units of `amount`
    on `day`, performed by another provider."""

    episode: int
    day: datetime.date
    amount: Fraction
    count: int


def trigger_keys(
    engine: ColumnarEngine, trigger: ast.Trigger, valid: ast.DateRange | None, consts
) -> list[int]:
    """The keys (`k`) of the records a bundle's trigger holds for — of its type, dated
    inside `valid` (any date without one), its `where` true on the record's date — in
    one query; `Problem` when the reference would report a record (none in `where`)."""
    store = engine.store
    checked = engine.checked
    compiler = Compiler(store, checked.symbols, checked.facts, consts)
    type_name = trigger.type.name  # an event or span type (the checker says so)
    scope = Scope({trigger.var.name: Val("u", "event", entity=type_name)}, "u.d")
    where = "TRUE" if trigger.where is None else compiler.condition(trigger.where, scope)
    bad = " OR ".join(compiler.checks) or "FALSE"
    table, _ = store.keyed_event_table(type_name, frozenset(compiler.event_fields.get("u", ())))
    inside = "TRUE"
    if valid is not None:
        inside = f"u.d BETWEEN {date_sql(valid.start)} AND {date_sql(valid.end)}"
    query = (
        f"SELECT u.k, {where}, coalesce({bad}, TRUE) FROM {table} u "
        f"{' '.join(compiler.joins)} WHERE {inside}"
    )
    try:
        rows = store.con.execute(query).fetchall()
    except duckdb.Error as error:
        raise Problem(f"DuckDB: {str(error).splitlines()[0]}") from None
    if any(row[2] for row in rows):
        raise Problem("a trigger the reference reports (none)")
    return sorted(k for k, holds, _ in rows if holds)


def covered_totals(
    plan: PaymentPlan,
    unit_days: list[tuple],
    covered: list[Covered],
    by: str,
    charge: bool,
    keep: bool = False,
) -> tuple[list[LineTotal], list[Charge]]:
    """The payment's line totals with coverage applied (`by` "event": a unit is covered
    with its record; "day": with its day of a span), and the charges (when `charge`:
    the payment has no `payee` clause). `keep`: the coverage stays in the database for
    the plan's caps (`PaymentPlan.uncovered`)."""
    if not plan.keyed:
        raise ValueError("coverage needs a plan with record keys")
    store = plan.engine.store
    table = store.temp_table(
        "covered",
        [
            ("k", "INTEGER", [c.key for c in covered]),
            ("f", "DATE", [c.first for c in covered]),
            ("l", "DATE", [c.last for c in covered]),
            ("ep", "INTEGER", [c.episode for c in covered]),
            ("prov", "INTEGER", [c.provider for c in covered]),
        ],
    )
    on = "c.k = x.k" + (" AND c.f <= x.d AND x.d <= c.l" if by == "day" else "")
    try:
        found = _query(plan, unit_days, table, on, charge)
    finally:
        if not keep:
            store.con.execute(f"DROP TABLE {table}")
    if keep:
        plan.uncovered = f"NOT EXISTS (SELECT 1 FROM {table} c WHERE {on})"
    return found


def _query(plan: PaymentPlan, unit_days, table: str, on: str, charge: bool):
    performer = "NULL"
    info = plan.engine.store.data.info(plan.basis.type.name)
    if "provider" in info.index:
        performer = plan.compiler.compile_field(
            plan.scope.bindings[plan.basis.var.name], "provider"
        )
        performer = performer.sql
    select = plan._select(f", u.k AS k, {performer} AS perf")
    line_keys = "payee, pidx, a" if plan.per_unit else "payee, pidx"
    paid = "w AND NOT skip"
    charged = f"w AND ep IS NOT NULL AND NOT skip AND {'TRUE' if charge else 'FALSE'}"
    query = (
        f"WITH {_DAYS}, x AS ({select}), "
        f"z AS (SELECT x.*, c.ep AS ep, "
        f"(c.ep IS NOT NULL AND x.perf IS NOT DISTINCT FROM c.prov) AS skip "
        f"FROM x LEFT JOIN {table} c ON {on}) "
        f"SELECT grouping(payee) AS g, payee, pidx, ep, d, a, "
        f"count(*) FILTER (WHERE {paid}), sum(a) FILTER (WHERE {paid}), "
        f"count(*) FILTER (WHERE {charged}), bool_or(bad) "
        f"FROM z GROUP BY GROUPING SETS (({line_keys}), (ep, d, a))"
    )
    rows = _fetch(plan.engine.store.con, query, unit_days)
    lines: dict[tuple[int, int], list] = {}
    charges = []
    den = plan.den
    for g, payee, pidx, ep, day, a, count, total, charged_count, _ in rows:
        if g:  # the charge grouping set
            if ep is not None and charged_count:
                charges.append(Charge(ep, day, Fraction(a, den), charged_count))
            continue
        if not count:
            continue
        entry = lines.setdefault((payee, pidx), [0, 0, []])
        entry[0] += count
        entry[1] += total
        if plan.per_unit:
            entry[2].append((Fraction(a, den), count))
    totals = [
        LineTotal(payee, pidx, count, Fraction(total, den), tuple(sorted(tally)))
        for (payee, pidx), (count, total, tally) in lines.items()
    ]
    return totals, sorted(charges, key=lambda c: (c.episode, c.day, c.amount))
