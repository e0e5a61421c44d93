"""Provider-level expressions for every provider × period in one query.

A provider-level expression — a cap's measure, a performance bonus, the `where` and
amount of a `provider q each …` payment — is evaluated once per provider and period,
so its rows are few; what costs are its aggregates (`count(listed patients p at q)`,
`count(Visit v where … q …)`) and monthly averages. `ProviderExprs` compiles those
*leaves* into columns of one DuckDB query over providers × periods (a monthly
average's argument as a list with one value per month of the period) and evaluates
the structure around them in Python — arithmetic, comparisons, `and`/`or`/`not`,
`if`, `otherwise`, parameters, durations, `monthly_average`, `split` — with the
interpreter's own exact arithmetic, handed in by the bridge as `ops` (this package
does not import the interpreter). Divisions by values from the data are exact
`Fraction` divisions there.

A value the reference would report (a none operand, a division by zero, no month in
the period) raises `NoValue` for that row: the caller lets the reference evaluate
it. So does a leaf whose own check holds on the row (a none inside an aggregate,
`year(q.start_date)` of a clinic without one) when the structure reads it: behind a
false `and` it is never read, as the reference never evaluates it. A DuckDB error
makes the whole query `NotCompiled`.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import duckdb

from ersl import ast
from ersl.columnar.compiler import Compiler
from ersl.columnar.expr import Scope, Val
from ersl.columnar.values import BandTable, Mapping, NotCompiled, NoValue, Rate
from ersl.dates import month_start_dates

_MAX_INLINE = 8
"""How deep user functions are inlined (the checker rules out recursion)."""


class Ctx:
    """One row's evaluation context: its columns, the context date (`today`), the
    period's month starts, the month a monthly average is at, and `split` totals."""

    __slots__ = ("data", "today", "months", "month", "split", "period")

    def __init__(self, data, today: datetime.date, months: list, period, split=None) -> None:
        self.data = data
        self.today = today
        self.months = months
        self.month: int | None = None
        self.split = split
        self.period = period

    def at_month(self, index: int) -> Ctx:
        """The context on the first day of the period's `index`-th month."""
        inner = Ctx(self.data, self.months[index], self.months, self.period, self.split)
        inner.month = index
        return inner


class ProviderExprs:
    """Builds provider-level expressions (scope: one provider bound to `var`, the
    context date the period's last day) into functions of a row's `Ctx`; `rows`
    runs the one query their leaves need."""

    def __init__(self, engine, var: str, consts, ops, allow_split: bool = False) -> None:
        self.engine = engine
        self.consts = consts
        self.ops = ops
        checked = engine.checked
        self.compiler = Compiler(engine.store, checked.symbols, checked.facts, consts)
        self.refs = checked.facts.refs
        self.symbols = checked.symbols
        self.columns: list[str] = []
        provider = Val("u.prov", "entity", entity="Provider")
        self.scope = Scope({var: provider}, "u.d", period=("u.ps", "u.pe"))
        self.allow_split = allow_split
        self.splits: list[tuple[int, object]] = []
        """The `split` calls built: (id of the call, the function of its `by` or None)."""
        self._subs = 0

    # ------------------------------------------------------------ building
    def build(self, node: ast.Expr, scope: Scope | None = None, month: bool = False):
        """A function (ctx) → the interpreter value of `node` for one row."""
        scope = self.scope if scope is None else scope
        method = getattr(self, "_p_" + type(node).__name__, None)
        if method is not None:
            built = method(node, scope, month)
            if built is not None:
                return built
        return self._leaf(node, scope, month)

    def _p_Binary(self, node: ast.Binary, scope: Scope, month: bool):
        op = node.op
        if op in ("in", "not in"):
            return None
        left = self.build(node.left, scope, month)
        right = self.build(node.right, scope, month)
        ops = self.ops
        if op == "and":
            return lambda ctx: _truth(left(ctx)) and _truth(right(ctx))
        if op == "or":
            return lambda ctx: _truth(left(ctx)) or _truth(right(ctx))
        if op == "otherwise":

            def otherwise(ctx):
                value = left(ctx)
                return right(ctx) if value is None else value

            return otherwise
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return lambda ctx: ops.compare(op, left(ctx), right(ctx))
        return lambda ctx: ops.binary(op, left(ctx), right(ctx))

    def _p_Unary(self, node: ast.Unary, scope: Scope, month: bool):
        operand = self.build(node.operand, scope, month)
        if node.op == "not":
            return lambda ctx: not _truth(operand(ctx))
        return lambda ctx: self.ops.negate(operand(ctx))

    def _p_If(self, node: ast.If, scope: Scope, month: bool):
        cond = self.build(node.cond, scope, month)
        then = self.build(node.then, scope, month)
        otherwise = self.build(node.otherwise, scope, month)
        return lambda ctx: then(ctx) if _truth(cond(ctx)) else otherwise(ctx)

    def _constant(self, node: ast.Expr, scope: Scope, month: bool):
        value = self.ops.value(self.consts.literal(node))
        return lambda ctx: value

    _p_Number = _p_Quantity = _constant

    def _p_Name(self, node: ast.Name, scope: Scope, month: bool):
        kind, target = self.refs[id(node)]
        if kind != "param":
            return None
        entries = self.consts.param(target)
        if any(isinstance(v, (BandTable, Mapping)) for _, v in entries):
            raise NotCompiled(f"the table `{target}` is used as a value")
        values = [(start, self.ops.value(v)) for start, v in entries]

        def param(ctx):
            found = values[0][1]
            for start, value in values:
                if start <= ctx.today:
                    found = value
            return found

        return param

    def _p_Call(self, node: ast.Call, scope: Scope, month: bool):
        kind, target = self.refs[id(node)]
        if kind == "function":
            if scope.depth >= _MAX_INLINE:
                raise NotCompiled("functions nested too deeply")
            decl = self.symbols.functions[target]
            before = (len(self.compiler.joins), len(self.compiler.checks))
            # inside a monthly average the arguments' `today` is the month's first day,
            # and they must not need a join or a check of the outer query
            outer = Scope(
                scope.bindings, "mm.d" if month else scope.today, scope.depth, scope.period
            )
            args = [self.compiler.compile(a, outer) for a in node.args]
            if month and (len(self.compiler.joins), len(self.compiler.checks)) != before:
                raise NotCompiled("a function argument inside a monthly average reads the data")
            bindings = {p.name.name: a for p, a in zip(decl.params, args, strict=True)}
            inner = Scope(bindings, scope.today, scope.depth + 1, scope.period)
            return self.build(decl.body, inner, month)
        if kind == "builtin" and target == "monthly_average":
            return self._monthly_average(node, scope, month)
        if kind == "builtin" and target == "split":
            return self._split(node, scope, month)
        return None

    def _monthly_average(self, node: ast.Call, scope: Scope, month: bool):
        """The mean over the first days of the period's months of the argument on each,
        added and divided with the interpreter's arithmetic."""
        if month:
            raise NotCompiled("a monthly average inside a monthly average")
        value = self.build(node.args[0], scope, True)
        ops = self.ops

        def average(ctx):
            if not ctx.months:
                raise NoValue
            total = None
            for index in range(len(ctx.months)):
                item = value(ctx.at_month(index))
                total = item if total is None else ops.binary("+", total, item)
            return ops.binary("/", total, len(ctx.months))

        return average

    def _split(self, node: ast.Call, scope: Scope, month: bool):
        """`split(pot, equally|by X)`: the pot shared over the units of the line period
        (totals from `Ctx.split`), with the interpreter's split."""
        if month or not self.allow_split:
            raise NotCompiled("`split` outside a payment's amount")
        pot = self.build(node.args[0], scope)
        how = node.args[1]
        by = self.build(how.value, scope) if isinstance(how, ast.ByArg) else None
        self.splits.append((id(node), by))
        key, ops = id(node), self.ops

        def share(ctx):
            total, units = ctx.split[key]
            if by is None:
                return ops.split(pot(ctx), None, None, units)
            value = by(ctx)
            if total == 0 or value is None:
                raise NoValue
            return ops.split(pot(ctx), value, total, units)

        return share

    def _leaf(self, node: ast.Expr, scope: Scope, month: bool):
        """A part SQL computes: a column (per month of the period inside a monthly
        average), read as the interpreter's value."""
        if not month:
            compiler = self.compiler
            mark = len(compiler.checks)
            val = compiler.compile(node, scope)
            own, compiler.checks = compiler.checks[mark:], compiler.checks[:mark]
            bad = self._column(f"coalesce({' OR '.join(own)}, TRUE)") if own else None
            return self._reader(self._column(val.sql), val, bad=bad)
        compiler = self.compiler
        sub = Compiler(compiler.store, compiler.symbols, compiler.facts, compiler.consts)
        self._subs += 1
        sub.alias_base = compiler.alias_base + 10
        sub.joins_prefix = f"mm{self._subs}"
        bindings = {name: v for name, v in scope.bindings.items()}
        val = sub.compile(node, Scope(bindings, "mm.d", scope.depth, scope.period))
        source = f"months mm {' '.join(sub.joins)}"
        window = f"mm.d BETWEEN {scope.period[0]} AND {scope.period[1]}"
        bad = None
        if sub.checks:
            bad = self._column(
                f"coalesce((SELECT bool_or({' OR '.join(sub.checks)}) FROM {source} "
                f"WHERE {window}), FALSE)"
            )
        column = self._column(
            f"(SELECT list(x ORDER BY d) FROM (SELECT mm.d AS d, {val.sql} AS x "
            f"FROM {source} WHERE {window}))"
        )
        return self._reader(column, val, by_month=True, bad=bad)

    def _column(self, sql: str) -> int:
        self.columns.append(sql)
        return len(self.columns) - 1

    def _reader(self, k: int, val: Val, by_month: bool = False, bad: int | None = None):
        """A function reading column `k` of a row as the interpreter's value (`NoValue`
        where column `bad`, the leaf's checks, holds)."""
        if val.kind in ("event", "duration"):
            raise NotCompiled(f"a provider-level {val.kind}")
        den, per, ops = val.den, val.per, self.ops
        if val.kind == "num":

            def convert(x):
                return None if x is None else Fraction(x, den)
        elif val.kind == "rate":

            def convert(x):
                return None if x is None else ops.value(Rate(Fraction(x, den), per))
        else:

            def convert(x):
                return x

        if by_month:
            read = lambda ctx: convert(ctx.data[k][ctx.month])  # noqa: E731
        else:
            read = lambda ctx: convert(ctx.data[k])  # noqa: E731
        if bad is None:
            return read

        def checked(ctx):
            if ctx.data[bad]:
                raise NoValue
            return read(ctx)

        return checked

    # ------------------------------------------------------------ the query
    def rows(self, providers: list[int], periods: list) -> list[tuple[int, int, Ctx]]:
        """(provider code, period index, context) for every provider × period; raises
        `NotCompiled` when DuckDB fails or a leaf's check holds (a none the reference
        reports)."""
        if not periods or not providers:
            return []
        months = month_start_dates(min(p.start for p in periods), max(p.end for p in periods))
        pairs = [(q, i) for i in range(len(periods)) for q in providers]
        checks = " OR ".join(self.compiler.checks) or "FALSE"
        columns = "".join(f", {c}" for c in self.columns)
        query = (
            "WITH pp AS (SELECT unnest($1::INTEGER[]) AS prov, unnest($2::INTEGER[]) AS pidx, "
            "unnest($6::INTEGER[]) AS n, "
            "DATE '0001-01-01' + (unnest($3::INTEGER[]) - 1) AS ps, "
            "DATE '0001-01-01' + (unnest($4::INTEGER[]) - 1) AS pe), "
            "months AS (SELECT DATE '0001-01-01' + (unnest($5::INTEGER[]) - 1) AS d) "
            f"SELECT u.n{columns}, coalesce({checks}, TRUE) "
            f"FROM (SELECT *, pe AS d FROM pp) u {' '.join(self.compiler.joins)}"
        )
        params = [
            [q for q, _ in pairs],
            [i for _, i in pairs],
            [periods[i].start.toordinal() for _, i in pairs],
            [periods[i].end.toordinal() for _, i in pairs],
            [m.toordinal() for m in months] or [datetime.date(1, 1, 1).toordinal()],
            list(range(len(pairs))),
        ]
        try:
            fetched = self.engine.store.con.execute(query, params).fetchall()
        except duckdb.Error as error:
            raise NotCompiled(f"DuckDB: {str(error).splitlines()[0]}") from None
        if any(row[-1] for row in fetched):
            raise NotCompiled("a provider the reference path reports (none)")
        month_lists = [month_start_dates(p.start, p.end) for p in periods]
        out: list = [None] * len(pairs)
        for row in fetched:
            q, i = pairs[row[0]]
            out[row[0]] = (q, i, Ctx(row[1:-1], periods[i].end, month_lists[i], periods[i]))
        return out


def _truth(value) -> bool:
    """A condition's value; none is for the reference to report."""
    if value is None:
        raise NoValue
    return value
