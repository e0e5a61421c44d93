"""Payments → one DuckDB query each: units as rows, lines as groups.

A `PaymentPlan` compiles a payment whose basis is `listed patient p at q each month`
or `Event e` into

    WITH days AS (the run's days or month starts, each with its line period),
    x AS (one row per unit: payee, line period, `where`, amount, problems)
    SELECT payee, period, count, sum(amount), any problem  GROUP BY payee, period

Amounts are exact: an integer numerator per unit over the plan's denominator
(`den`), summed as HUGEINT; a line's total is `Fraction(sum, den)`. Rates are
priced for the unit's duration (a listed month: per year ÷ 12, per month × 1, per
day × the days of the month). With `rounding … per unit` the groups are also split
by the unit's amount, so each distinct amount is rounded once in Python.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs
import duckdb

from ersl import ast
from ersl.columnar.compiler import Compiler
from ersl.columnar.expr import Scope, Val, scaled
from ersl.columnar.spans import span_amount, span_units
from ersl.columnar.store import Store
from ersl.columnar.store_tables import TableStore
from ersl.columnar.values import NotCompiled
from ersl.data.table_data import TableDataset


class Problem(Exception):
    """The query found a unit the reference path must settle (a none operand, a key in
    no band, a patient not yet born) or DuckDB raised (an overflow)."""


@attrs.frozen
class LineTotal:
    """One line's units: payee code, line period index, unit count, the exact total and,
    for `rounding … per unit`, each distinct unit amount with its count."""

    payee: int
    period: int
    count: int
    total: Fraction
    tally: tuple[tuple[Fraction, int], ...] = ()


class ColumnarEngine:
    """The columnar engine of one run: its data as DuckDB tables (`Store`)."""

    def __init__(self, data, checked) -> None:
        # Data straight from its files keeps its DuckDB tables (`TableStore`).
        self.store = TableStore(data) if isinstance(data, TableDataset) else Store(data)
        self.checked = checked
        self._listed_units: dict[tuple, str] = {}

    def listed_units(self, unit_days: list[tuple]) -> str:
        """A table of the listed patient-months on these unit days — `pat, prov, d,
        pidx, ps, pe` — made once and shared by every payment, cap and indicator of the
        run on the same days (a table, not a subquery, so that DuckDB knows its size
        when it plans the joins that attach fields to it)."""
        key = tuple(unit_days)
        name = self._listed_units.get(key)
        if name is None:
            name = f"listed_units_{len(self._listed_units) + 1}"
            listing = self.store.listing()
            query = (
                f"CREATE TEMP TABLE {name} AS WITH {_DAYS} "
                f"SELECT l.pat, l.prov, days.d, days.pidx, days.ps, days.pe FROM {listing} l "
                f"JOIN days ON l.s <= days.d AND days.d <= l.e"
            )
            try:
                _set_days(self.store.con, unit_days)
                self.store.con.execute(query)
            except duckdb.Error as error:
                raise Problem(f"DuckDB: {str(error).splitlines()[0]}") from None
            self._listed_units[key] = name
        return name

    def plan(
        self, payment: ast.Payment, consts, per_unit: bool, keyed: bool = False
    ) -> PaymentPlan:
        """The plan of a payment, or `NotCompiled` saying why it has none; `keyed`: its
        unit rows carry their record's key `k` (for bundle coverage)."""
        return PaymentPlan(self, payment, consts, per_unit, keyed)


class PaymentPlan:
    """A compiled payment: the query of its units and how to read its lines."""

    def __init__(
        self,
        engine: ColumnarEngine,
        payment: ast.Payment,
        consts,
        per_unit: bool,
        keyed: bool = False,
    ):
        self.engine = engine
        self.payment = payment
        self.per_unit = per_unit
        self.keyed = keyed
        self.uncovered: str | None = None
        """For a payment bundles cover (`ersl.columnar.bundles`), the SQL condition on a
        unit row `x` that no episode covers it: a cap's A leaves covered units out."""
        store = engine.store
        checked = engine.checked
        compiler = self.compiler = Compiler(store, checked.symbols, checked.facts, consts)
        basis = payment.basis
        if isinstance(basis, ast.ListedBasis):
            if basis.each is not None and basis.each.name != "month":
                raise NotCompiled(f"listed patients each {basis.each.name}")
            bindings = {
                basis.var.name: Val("u.pat", "entity", entity="Patient"),
                basis.provider_var.name: Val("u.prov", "entity", entity="Provider"),
            }
            payee = Val("u.prov", "entity", entity="Provider")
        elif isinstance(basis, (ast.EventBasis, ast.SpanBasis)):
            type_name = basis.type.name
            info = store.data.info(type_name)
            if info.kind not in ("event", "span"):
                raise NotCompiled(f"{type_name} is not an event or span type")
            bindings = {basis.var.name: Val("u", "event", entity=type_name)}
            payee = None
            if "provider" in info.index:
                payee = compiler.compile_field(Val("u", "event", entity=type_name), "provider")
        elif isinstance(basis, ast.ParticipantBasis):
            info = store.data.info(basis.type.name)
            if info.kind != "event":
                raise NotCompiled(f"{basis.type.name} is not an event type")
            payee = Val("u.part", "entity", entity="Provider")
            bindings = {
                basis.var.name: Val("u", "event", entity=basis.type.name),
                basis.provider_var.name: payee,
            }
        else:
            raise NotCompiled(f"the basis {type(basis).__name__} has no columnar form")
        scope = Scope(bindings, "u.d", period=("u.ps", "u.pe"))
        where = "TRUE" if basis.where is None else compiler.condition(basis.where, scope)
        where_checks, compiler.checks = compiler.checks, []
        amount = self._amount(compiler.strict(compiler.compile(payment.amount, scope)), basis)
        for weight in payment.weights:
            when = compiler.condition(weight.when, scope)
            factor = compiler.strict(compiler.compile(weight.factor, scope))
            if factor.kind != "num":
                raise NotCompiled("a weight that is not a number")
            amount = Val(
                f"(CASE WHEN {when} THEN {amount.sql} * {factor.sql} "
                f"ELSE {scaled(amount, amount.den * factor.den)} END)",
                "num",
                amount.den * factor.den,
            )
        if payment.payee is not None:
            payee = compiler.strict(compiler.compile(payment.payee, scope))
        if payee is None or payee.kind != "entity" or payee.entity != "Provider":
            raise NotCompiled("a payee that is not a provider")
        payee = compiler.strict(payee)
        unit_checks = compiler.checks
        compiler.checks = []
        self.scope, self.basis, self.payee = scope, basis, payee
        self.den = amount.den
        self.where, self.amount = where, amount
        bad = " OR ".join(where_checks) or "FALSE"
        if unit_checks:
            bad = f"({bad}) OR ({where} AND ({' OR '.join(unit_checks)}))"
        self.bad = bad

    def _select(self, extra: str = "", unit_days: list[tuple] | None = None) -> str:
        """The unit rows: payee, line period, date, `where`, amount, problems (and `extra`
        columns), with every join the compiled expressions need; listed months on
        `unit_days` come from the run's shared table of them."""
        compiler = self.compiler
        if unit_days is not None and isinstance(self.basis, ast.ListedBasis):
            units = self.engine.listed_units(unit_days)
        else:
            units = self._units(self.basis, self.engine.store, compiler)
        return (
            f"SELECT {self.payee.sql} AS payee, u.pidx AS pidx, u.d AS d, {self.where} AS w, "
            f"{self.amount.sql} AS a, coalesce({self.bad}, TRUE) AS bad{extra} "
            f"FROM {units} u {' '.join(compiler.joins)}"
        )

    def _amount(self, amount: Val, basis) -> Val:
        """The unit's money: rates × the unit's duration (a listed month)."""
        if isinstance(basis, ast.SpanBasis):
            return span_amount(amount, basis)
        if amount.kind == "num":
            return amount
        if amount.kind != "rate" or not isinstance(basis, ast.ListedBasis):
            raise NotCompiled(f"an amount that is a {amount.kind} on this basis")
        if amount.per == "year":
            return Val(amount.sql, "num", amount.den * 12)
        if amount.per == "month":
            return Val(amount.sql, "num", amount.den)
        return Val(f"({amount.sql} * dayofmonth(last_day(u.d)))", "num", amount.den)

    def _units(self, basis, store: Store, compiler: Compiler) -> str:
        """The unit rows: `pat, prov, d, pidx` for listed months; the event table's
        columns with `pidx` for events in the run."""
        if isinstance(basis, ast.ListedBasis):
            listing = store.listing()
            return (
                f"(SELECT l.pat, l.prov, days.d, days.pidx, days.ps, days.pe FROM {listing} l "
                f"JOIN days ON l.s <= days.d AND days.d <= l.e)"
            )
        fields = frozenset(compiler.event_fields.get("u", ()))
        if isinstance(basis, ast.ParticipantBasis):
            return participant_units(basis, store, fields)
        if isinstance(basis, ast.SpanBasis):
            return span_units(basis, store, fields, self.keyed)
        if self.keyed:
            table, _ = store.keyed_event_table(basis.type.name, fields)
        else:
            table, _ = store.event_table(basis.type.name, fields)
        return f"(SELECT e.*, days.pidx, days.ps, days.pe FROM {table} e JOIN days ON e.d = days.d)"

    def run(self, unit_days: list[tuple]) -> list[LineTotal]:
        """The line totals for units on these days (each with its line period index);
        `Problem` when a unit needs the reference path."""
        con = self.engine.store.con
        days = _DAYS
        keys = "payee, pidx, a" if self.per_unit else "payee, pidx"
        query = (
            f"WITH {days}, x AS ({self._select(unit_days=unit_days)}) "
            f"SELECT {keys}, count(*) FILTER (WHERE w), sum(a) FILTER (WHERE w), bool_or(bad) "
            f"FROM x GROUP BY {keys}"
        )
        rows = _fetch(con, query, unit_days)
        lines: dict[tuple[int, int], list] = {}
        for row in rows:
            payee, pidx = row[0], row[1]
            count, total = row[-3], row[-2]
            if not count:
                continue
            entry = lines.setdefault((payee, pidx), [0, 0, []])
            entry[0] += count
            entry[1] += total
            if self.per_unit:
                entry[2].append((Fraction(row[2], self.den), count))
        return [
            LineTotal(payee, pidx, count, Fraction(total, self.den), tuple(sorted(tally)))
            for (payee, pidx), (count, total, tally) in lines.items()
        ]

    def cap_totals(
        self, cap: ast.Cap, unit_days: list[tuple]
    ) -> dict[int, list[tuple[datetime.date, Fraction]]]:
        """What a cap's A adds from this payment: per payee code, the exact total of
        the units of each day (`applies to … where` holding, with the cap's variable
        bound to the unit's record and its provider to the payee)."""
        compiler = self.compiler
        applies = cap.applies
        cap_where = "TRUE"
        checks = "FALSE"  # the `where`'s problems (none, not born, …): on the unit's row
        if applies.var is not None and applies.where is not None:
            var = self.basis.var.name
            bindings = dict(self.scope.bindings)
            bindings[applies.var.name] = self.scope.bindings[var]
            bindings[cap.provider_var.name] = self.payee
            cap_where = compiler.condition(applies.where, Scope(bindings, self.scope.today))
            checks = " OR ".join(compiler.checks) or checks
            compiler.checks = []
        extra, only = f", {cap_where} AS c, coalesce({checks}, TRUE) AS cbad", ""
        if self.uncovered is not None:
            extra, only = f"{extra}, u.k AS k", f"WHERE {self.uncovered} "
        query = (
            f"WITH {_DAYS}, x AS ({self._select(extra, unit_days)}) "
            f"SELECT payee, d, sum(a) FILTER (WHERE w AND c), bool_or(bad OR (w AND cbad)) "
            f"FROM x {only}GROUP BY payee, d"
        )
        out: dict[int, list] = {}
        for payee, day, total, _ in _fetch(self.engine.store.con, query, unit_days):
            if total is not None:
                out.setdefault(payee, []).append((day, Fraction(total, self.den)))
        return out


_DAYS = "days AS (SELECT * FROM ersl_days)"
"""The unit days of a query: each day (or month start), its line period's index, first
and last day (the window of an aggregate without `within`), from the table `_set_days`
fills."""


def _set_days(con, unit_days: list[tuple]) -> None:
    """Fill the table `ersl_days` with the unit days of the next query (day, period
    index, period's first and last day). A table rather than an `unnest` of
    parameters inside the query: DuckDB then knows how many days there are when it
    plans the query, and builds its hash joins on the smaller side (with an `unnest`
    it guessed, and hashed 2.5 M visits to probe 0.4 M listings — twice as slow)."""
    days = "DATE '0001-01-01' + (unnest(${}::INTEGER[]) - 1)"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ersl_days AS SELECT {days.format(1)} AS d, "
        f"unnest($2::INTEGER[]) AS pidx, {days.format(3)} AS ps, {days.format(4)} AS pe",
        _params(unit_days),
    )


def _fetch(con, query: str, unit_days: list[tuple]) -> list[tuple]:
    """Run a plan's query on the run's days (day, period index, period's first and last
    day); `Problem` when DuckDB raised or a row's last column (its problems) holds."""
    try:
        _set_days(con, unit_days)
        rows = con.execute(query).fetchall()
    except duckdb.Error as error:
        raise Problem(f"DuckDB: {str(error).splitlines()[0]}") from None
    if any(row[-1] for row in rows):
        raise Problem("a unit the reference path reports (none, no band, not born)")
    return rows


def _params(unit_days: list[tuple]) -> list[list[int]]:
    """The parameters of `_set_days`: each unit day, its line period's index, the period's
    first and last day (dates as day numbers)."""
    return [
        [row[0].toordinal() for row in unit_days],
        [row[1] for row in unit_days],
        [row[2].toordinal() for row in unit_days],
        [row[3].toordinal() for row in unit_days],
    ]


def participant_units(basis: ast.ParticipantBasis, store: Store, fields: frozenset[str]) -> str:
    """The unit rows of `participant q of Meeting m`: one per event in the run and
    provider among its `participants` (`part`, the payee), as
    `ersl.interpreter.units` iterates them; an event without participants has none."""
    table, kinds = store.event_table(basis.type.name, fields | {"participants"})
    if kinds["participants"].kind != "entityset":
        raise NotCompiled("participants that are not a set of providers")
    return (
        f"(SELECT *, unnest(f_participants) AS part FROM (SELECT e.*, days.pidx, days.ps, "
        f"days.pe FROM {table} e JOIN days ON e.d = days.d))"
    )
