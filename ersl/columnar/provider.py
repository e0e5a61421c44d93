"""Provider-level expressions (a cap's measure) for every provider and period at once.

A cap's measure is evaluated per provider and cap period, and its aggregates —
`count(Visit v where … q …)`, `monthly_average(count(listed patients p at q))` — are
what costs. `ProviderValues` compiles the aggregates and every other part SQL can
compute into columns of one query over providers × periods, and does the divisions
in Python with exact `Fraction`s (a divisor from the data has no denominator fixed
at compile time). A row whose value cannot be computed (a division by zero, a none)
is None: the reference evaluates that provider and period, and reports what it finds.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import duckdb

from ersl import ast
from ersl.columnar.compiler import Compiler
from ersl.columnar.expr import Scope, Val
from ersl.columnar.values import NotCompiled
from ersl.dates import month_start_dates


class _NoValue(Exception):
    """This row's value is for the reference to compute (a division by zero, a none)."""


class ProviderValues:
    """A numeric expression in the scope of one provider (`var`) and one period (the
    context date is the period's last day, as for caps)."""

    def __init__(self, engine, node: ast.Expr, var: str, consts) -> None:
        self.engine = engine
        checked = engine.checked
        self.compiler = Compiler(engine.store, checked.symbols, checked.facts, consts)
        self.columns: list[str] = []
        provider = Val("u.prov", "entity", entity="Provider")
        scope = Scope({var: provider}, "u.d", period=("u.ps", "u.pe"))
        self.value = self._build(node, scope)

    def _column(self, val: Val):
        """A numeric SQL value as a column of the query; its reader."""
        if val.kind != "num":
            raise NotCompiled(f"a provider-level {val.kind}")
        k = len(self.columns)
        self.columns.append(val.sql)
        den = val.den

        def read(row, months):
            if row[k] is None:
                raise _NoValue
            return Fraction(row[k], den)

        return read

    def _build(self, node: ast.Expr, scope: Scope):
        """A function (row, months) → Fraction computing `node` from the row's columns."""
        compiler = self.compiler
        if isinstance(node, ast.Binary) and node.op in ("+", "-", "*", "/"):
            left, right = self._build(node.left, scope), self._build(node.right, scope)
            return _ARITHMETIC[node.op](left, right)
        if isinstance(node, ast.Call):
            kind, target = compiler.refs[id(node)]
            if kind == "function":
                if scope.depth >= 8:
                    raise NotCompiled("functions nested too deeply")
                decl = compiler.symbols.functions[target]
                args = [compiler.strict(compiler.compile(a, scope)) for a in node.args]
                bindings = {p.name.name: a for p, a in zip(decl.params, args, strict=True)}
                inner = Scope(bindings, scope.today, scope.depth + 1, scope.period)
                return self._build(decl.body, inner)
            if kind == "builtin" and target == "monthly_average":
                return self._monthly_average(node, scope)
        return self._column(compiler.strict(compiler.compile(node, scope)))

    def _monthly_average(self, node: ast.Call, scope: Scope):
        """The mean over the first days of the period's months of the argument on each
        (`monthly_average`): a sum per row in SQL, divided by the number of months."""
        compiler = self.compiler
        sub = Compiler(compiler.store, compiler.symbols, compiler.facts, compiler.consts)
        sub.alias_base = compiler.alias_base + 10
        sub.joins_prefix = "mm"
        inner = Scope(scope.bindings, "mm.d", scope.depth, scope.period)
        val = sub.strict(sub.compile(node.args[0], inner))
        if val.kind != "num":
            raise NotCompiled("a monthly average of something that is not a number")
        source = f"months mm {' '.join(sub.joins)}"
        window = f"mm.d BETWEEN {scope.period[0]} AND {scope.period[1]}"
        if sub.checks:
            compiler.checks.append(
                f"coalesce((SELECT bool_or({' OR '.join(sub.checks)}) FROM {source} "
                f"WHERE {window}), FALSE)"
            )
        total = self._column(
            Val(
                f"(SELECT coalesce(sum(x), 0) FROM (SELECT {val.sql} AS x FROM {source} "
                f"WHERE {window}))",
                "num",
                val.den,
            )
        )

        def average(row, months):
            if not months:
                raise _NoValue
            return total(row, months) / len(months)

        return average

    def values(self, providers: list[int], periods: list) -> dict[tuple[int, int], Fraction | None]:
        """The value per (provider code, period index); None where the reference must
        compute it. Raises `NotCompiled` when the query meets a problem."""
        if not periods or not providers:
            return {}
        months = month_start_dates(min(p.start for p in periods), max(p.end for p in periods))
        rows_in = [(q, i) for q in providers for i in range(len(periods))]
        checks = " OR ".join(self.compiler.checks) or "FALSE"
        columns = "".join(f", {c}" for c in self.columns)
        query = (
            "WITH pp AS (SELECT unnest($1::INTEGER[]) AS prov, unnest($2::INTEGER[]) AS pidx, "
            "DATE '0001-01-01' + (unnest($3::INTEGER[]) - 1) AS ps, "
            "DATE '0001-01-01' + (unnest($4::INTEGER[]) - 1) AS pe), "
            "months AS (SELECT DATE '0001-01-01' + (unnest($5::INTEGER[]) - 1) AS d) "
            f"SELECT u.prov, u.pidx{columns}, coalesce({checks}, TRUE) "
            f"FROM (SELECT *, pe AS d FROM pp) u {' '.join(self.compiler.joins)}"
        )
        params = [
            [q for q, _ in rows_in],
            [i for _, i in rows_in],
            [periods[i].start.toordinal() for _, i in rows_in],
            [periods[i].end.toordinal() for _, i in rows_in],
            [m.toordinal() for m in months] or [datetime.date(1, 1, 1).toordinal()],
        ]
        try:
            rows = self.engine.store.con.execute(query, params).fetchall()
        except duckdb.Error as error:
            raise NotCompiled(f"DuckDB: {str(error).splitlines()[0]}") from None
        if any(row[-1] for row in rows):
            raise NotCompiled("a provider the reference path reports (none)")
        out: dict[tuple[int, int], Fraction | None] = {}
        month_lists = [month_start_dates(p.start, p.end) for p in periods]
        for row in rows:
            data = row[2:-1]
            try:
                out[(row[0], row[1])] = self.value(data, month_lists[row[1]])
            except _NoValue:
                out[(row[0], row[1])] = None
        return out


def _divide(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        raise _NoValue
    return a / b


def _binary(op):
    def make(left, right):
        return lambda row, months: op(left(row, months), right(row, months))

    return make


_ARITHMETIC = {
    "+": _binary(lambda a, b: a + b),
    "-": _binary(lambda a, b: a - b),
    "*": _binary(lambda a, b: a * b),
    "/": _binary(_divide),
}


class IndicatorCounts:
    """An indicator's population and numerator sizes for every provider in one period:
    the listed patients at the provider on the period's last day that pass the
    population's `where` and are not excluded, and those of them the numerator holds."""

    def __init__(self, engine, indicator: ast.Indicator, consts) -> None:
        population = indicator.population
        if not isinstance(population, ast.ListedCollection) or population.within is not None:
            raise NotCompiled("a population that is not listed patients")
        self.engine = engine
        checked = engine.checked
        outer = Compiler(engine.store, checked.symbols, checked.facts, consts)
        provider = Val("u.prov", "entity", entity="Provider")
        scope = Scope({indicator.provider_var.name: provider}, "u.d", period=("u.ps", "u.pe"))
        at = outer.strict(outer.compile(population.at, scope))
        if at.kind != "entity" or at.entity != "Provider":
            raise NotCompiled("a population at something other than a provider")
        sub = Compiler(engine.store, checked.symbols, checked.facts, consts)
        sub.alias_base, sub.joins_prefix = 1, "m1"
        bindings = dict(scope.bindings)
        bindings[population.var.name] = Val("m1.pat", "entity", entity="Patient")
        inner = Scope(bindings, "u.d", period=scope.period)
        member = "TRUE" if population.where is None else sub.condition(population.where, inner)
        if indicator.exclude is not None:
            member = f"({member} AND NOT {sub.condition(indicator.exclude, inner)})"
        numerator = sub.condition(indicator.numerator, inner)
        source = f"{engine.store.listing()} m1 {' '.join(sub.joins)}"
        window = f"m1.prov = {at.sql} AND m1.s <= u.d AND u.d <= m1.e"
        checks = outer.checks + (
            [
                f"coalesce((SELECT bool_or({' OR '.join(sub.checks)}) FROM {source} WHERE {window}), FALSE)"
            ]
            if sub.checks
            else []
        )
        self.select = (
            f"(SELECT count(*) FROM {source} WHERE {window} AND {member}), "
            f"(SELECT count(*) FROM {source} WHERE {window} AND {member} AND {numerator}), "
            f"coalesce({' OR '.join(checks) or 'FALSE'}, TRUE)"
        )
        self.joins = outer.joins

    def counts(self, providers: list[int], period) -> dict[int, tuple[int, int]]:
        """(population, numerator) per provider code; `NotCompiled` on a problem."""
        query = (
            "WITH u0 AS (SELECT unnest($1::INTEGER[]) AS prov) "
            f"SELECT u.prov, {self.select} FROM (SELECT prov, DATE '{period.start}' AS ps, "
            f"DATE '{period.end}' AS pe, DATE '{period.end}' AS d FROM u0) u "
            f"{' '.join(self.joins)}"
        )
        try:
            rows = self.engine.store.con.execute(query, [providers]).fetchall()
        except duckdb.Error as error:
            raise NotCompiled(f"DuckDB: {str(error).splitlines()[0]}") from None
        if any(row[-1] for row in rows):
            raise NotCompiled("a member the reference path reports (none)")
        return {row[0]: (row[1], row[2]) for row in rows}
