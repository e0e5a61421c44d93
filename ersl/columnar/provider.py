"""Provider-level values (caps' measures, performance bonuses, indicator counts) for
every provider and period at once.

A cap's measure or a performance bonus is evaluated per provider and period, and
its aggregates — `count(Visit v where … q …)`,
`monthly_average(count(listed patients p at q))` — are what costs. `ProviderValues`
computes them with `ProviderExprs` (`provider_exprs`): the aggregates in one query
over providers × periods, the rest in Python with the interpreter's exact
arithmetic. A row whose value cannot be computed (a division by zero, a none) is
None: the reference evaluates that provider and period, and reports what it finds.
`IndicatorCounts` counts an indicator's population and numerator per provider.
"""

from __future__ import annotations

import duckdb

from ersl import ast
from ersl.columnar.compiler import Compiler
from ersl.columnar.expr import Scope, Val
from ersl.columnar.provider_exprs import ProviderExprs
from ersl.columnar.values import NotCompiled, NoValue


class ProviderValues:
    """An expression in the scope of one provider (`var`) and one period (the context
    date is the period's last day, as for caps and performance), for every provider
    and period in one query (`ProviderExprs`); `ops` is the interpreter's arithmetic
    the bridge hands in."""

    def __init__(self, engine, node: ast.Expr, var: str, consts, ops) -> None:
        self.exprs = ProviderExprs(engine, var, consts, ops)
        self.value = self.exprs.build(node)

    def values(
        self, providers: list[int], periods: list, zero: object = None
    ) -> dict[tuple[int, int], object]:
        """The interpreter's value per (provider code, period index); None where the
        reference must compute it — or `zero` where it divides by zero (a cap's
        measure: no line). Raises `NotCompiled` when the query meets a problem."""
        out: dict[tuple[int, int], object] = {}
        for q, i, ctx in self.exprs.rows(providers, periods):
            try:
                out[(q, i)] = self.value(ctx)
            except NoValue as missing:
                out[(q, i)] = zero if missing.code == "E0905" else None
        return out


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
