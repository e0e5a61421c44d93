"""The compiler of the columnar engine: expressions (`ersl.columnar.expr`) with
aggregates — `count`/`exists`/`sum` over events or listed patients, as correlated
subqueries — membership of code sets and of set parameters, the size of a set, and
dates moved by a duration.

Kept apart from `expr` so that each module stays small; `plan` and `provider` use
`Compiler` from here.
"""

from __future__ import annotations

import attrs

from ersl import ast
from ersl.columnar import expr
from ersl.columnar.expr import Scope, Val, quote
from ersl.columnar.values import BandTable, Duration, NotCompiled


class Compiler(expr.Compiler):
    """`expr.Compiler` with aggregates and code sets."""

    def _c_Call(self, node: ast.Call, scope: Scope) -> Val:
        kind, target = self.refs[id(node)]
        if kind == "builtin" and target in ("count", "exists", "sum") and node.args:
            if isinstance(node.args[0], ast.AggregateArg) and len(node.args) == 1:
                return aggregate(self, node, target, scope)
        if kind == "builtin" and target == "days" and len(node.args) == 1:
            return days_of(self, node, scope)
        return super()._c_Call(node, scope)

    def _b_listed_count(self, node: ast.Call, scope: Scope) -> Val:
        """`listed_count(q, d)`: the listings at the provider that cover the day (as
        `Dataset.listed_count`)."""
        provider, day = self._arg(node, scope), self._arg(node, scope, 1)
        if provider.kind != "entity" or provider.entity != "Provider" or day.kind != "date":
            raise NotCompiled("listed_count of something other than a provider and a date")
        alias = f"lc{self.alias_base}"
        return Val(
            f"(SELECT CAST(count(*) AS HUGEINT) FROM {self.store.listing()} {alias} "
            f"WHERE {alias}.prov = {provider.sql} AND {alias}.s <= {day.sql} "
            f"AND {day.sql} <= {alias}.e)",
            "num",
        )

    def _in(self, node: ast.Binary, scope: Scope) -> Val:
        right = node.right
        if isinstance(right, ast.Name) and self.refs.get(id(right), ("",))[0] == "codeset":
            codeset = self.symbols.codesets[self.refs[id(right)][1]]
            return in_codeset(self, node, codeset, scope)
        return super()._in(node, scope)

    def _lookup(self, table, key: Val, scope: Scope) -> Val:
        """A table keyed by codes is looked up by the plain code (dots removed, upper
        case; kind `code`): its text bands are code patterns (`_band_test`)."""
        if isinstance(table, BandTable) and table.codes:
            if key.kind != "text":
                raise NotCompiled(f"a table keyed by codes looked up with a {key.kind}")
            self.checks.append(f"({key.sql} IS NOT NULL AND NOT {_ASCII.format(x=key.sql)})")
            key = Val(_PLAIN.format(x=key.sql), "code")
        return super()._lookup(table, key, scope)

    def _band_test(self, band, key: Val, scope: Scope) -> str:
        """A band of a table keyed by codes as a code pattern (`code_band` of
        `ersl.interpreter.codes`); any other band as `expr` tests it."""
        if key.kind != "code" or band.kind == "else":
            return super()._band_test(band, key, scope)
        low = None if band.low is None else self.consts.literal(band.low)
        high = None if band.high is None else self.consts.literal(band.high)
        if band.kind not in ("eq", "range") or not isinstance(low, str):
            raise NotCompiled(f"a `{band.kind}` band in a table keyed by codes")
        if band.kind == "range" and not isinstance(high, str):
            raise NotCompiled("a code range whose end is not text")
        return code_pattern(band.kind, low, high).format(c=key.sql)

    def set_members(self, node: ast.Expr, scope: Scope) -> list[Val]:
        """A set written out, or a set parameter with one value for the whole run
        (its members are constants; a dated set is left to the reference)."""
        if isinstance(node, ast.Name) and self.refs.get(id(node), ("",))[0] == "param":
            entries = self.consts.param(self.refs[id(node)][1])
            value = entries[0][1] if len(entries) == 1 else None
            if not isinstance(value, frozenset):
                raise NotCompiled("`in` a parameter that is dated or not a set")
            return [self.constant(member, None) for member in sorted(value, key=repr)]
        return super().set_members(node, scope)

    def _b_size(self, node: ast.Call, scope: Scope) -> Val:
        """`size(s)` of a set of codes, enum values, text or records: its number of
        members."""
        items = self._arg(node, scope)
        if items.kind not in ("textset", "entityset"):
            raise NotCompiled(f"`size` of a {items.kind}")
        return Val(f"CAST(len({items.sql}) AS HUGEINT)", "num")

    def _b_month_start(self, node: ast.Call, scope: Scope) -> Val:
        """`month_start(d)`: the first day of the date's month."""
        return Val(f"CAST(date_trunc('month', {self._date_arg(node, scope)}) AS DATE)", "date")

    def _b_month_end(self, node: ast.Call, scope: Scope) -> Val:
        """`month_end(d)`: the last day of the date's month."""
        return Val(f"last_day({self._date_arg(node, scope)})", "date")

    def _arithmetic(self, op: str, left: Val, right: Val, node: ast.Binary) -> Val:
        if op in ("+", "-") and left.kind == "date" and right.kind == "duration":
            return shifted(self, left, right, 1 if op == "+" else -1)
        if op == "+" and left.kind == "duration" and right.kind == "date":
            return shifted(self, right, left, 1)
        if op == "-" and left.kind == right.kind == "date":  # a duration in days
            return Val(f"CAST(({left.sql} - {right.sql}) AS HUGEINT)", "duration", per="days")
        return super()._arithmetic(op, left, right, node)


def shifted(compiler: Compiler, day: Val, length: Val, sign: int, window: bool = False) -> Val:
    """A date moved by a duration, as `ersl.interpreter.arithmetic.shift`: days, or
    calendar months clamped to the month's end (DuckDB's month interval does that).
    A fraction of a day or month is the reference's error: a check; so is a date
    outside years 1 to 9999, except for the end of a `window`, which the reference
    clamps to the calendar (a DuckDB date beyond it holds the same records)."""
    count = length.sql
    if length.den != 1:
        compiler.checks.append(f"(({length.sql}) % {length.den} <> 0)")
        count = f"(({length.sql}) // {length.den})"
    steps = f"CAST({'-' if sign < 0 else ''}({count}) AS INTEGER)"
    if length.per == "days":
        sql = f"({day.sql} + {steps})"
    else:
        sql = f"CAST({day.sql} + to_months({steps}) AS DATE)"
    if not window:
        compiler.checks.append(f"(NOT ({sql} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'))")
    return Val(sql, "date")


def aggregate(compiler: Compiler, node: ast.Call, how: str, scope: Scope) -> Val:
    """`count`/`exists`/`sum` over a collection as a correlated subquery: listed
    patients at a provider on `today`, or the events in the window (`within N days`
    of `today` or of an anchor, or the enclosing period). The members see the unit's
    bindings and date; a check in the collection makes the unit's checks hold."""
    arg = node.args[0]
    collection = arg.collection
    sub = type(compiler)(compiler.store, compiler.symbols, compiler.facts, compiler.consts)
    sub.alias_base = compiler.alias_base + 1
    sub.guard_checks = False
    alias = f"m{sub.alias_base}"
    sub.joins_prefix = alias
    bindings = dict(scope.bindings)
    if isinstance(collection, ast.ListedCollection):
        if collection.within is not None:
            raise NotCompiled("listed patients within a window")
        at = compiler.strict(compiler.compile(collection.at, scope))
        if at.kind != "entity" or at.entity != "Provider":
            raise NotCompiled("listed patients at something other than a provider")
        bindings[collection.var.name] = Val(f"{alias}.pat", "entity", entity="Patient")
        inner = Scope(bindings, scope.today, scope.depth, scope.period)
        cond = "TRUE" if collection.where is None else sub.condition(collection.where, inner)
        value = None if arg.value is None else sub.strict(sub.compile(arg.value, inner))
        source = f"{compiler.store.listing()} {alias} {' '.join(sub.joins)}"
        window = (
            f"{alias}.prov = {at.sql} AND {alias}.s <= {scope.today} AND {scope.today} <= {alias}.e"
        )
    elif compiler.symbols.date_series(collection.type.name) is not None:
        low, high = _window(compiler, collection.within, scope)
        bindings[collection.var.name] = Val(f"{alias}.d", "date")
        inner = Scope(bindings, scope.today, scope.depth, scope.period)
        cond = "TRUE" if collection.where is None else sub.condition(collection.where, inner)
        value = None if arg.value is None else sub.strict(sub.compile(arg.value, inner))
        source = f"{_date_series(collection.type.name, low, high)} {alias} {' '.join(sub.joins)}"
        window = f"{alias}.d BETWEEN {low} AND {high}"
    else:
        type_name = collection.type.name
        info = compiler.store.data.info(type_name)
        if info.kind not in ("event", "span"):
            raise NotCompiled(f"an aggregate over {type_name}")
        low, high = _window(compiler, collection.within, scope)
        bindings[collection.var.name] = Val(alias, "event", entity=type_name)
        inner = Scope(bindings, scope.today, scope.depth, scope.period)
        cond = "TRUE" if collection.where is None else sub.condition(collection.where, inner)
        value = None if arg.value is None else sub.strict(sub.compile(arg.value, inner))
        fields = frozenset(sub.event_fields.get(alias, ()))
        table, _ = compiler.store.event_table(type_name, fields)
        source = f"{table} {alias} {' '.join(sub.joins)}"
        window = f"{alias}.d BETWEEN {low} AND {high}"
    for name, used in sub.event_fields.items():  # the unit's own fields read inside
        if name != alias:
            compiler.event_fields.setdefault(name, set()).update(used)
    if sub.checks:
        compiler.checks.append(
            f"coalesce((SELECT bool_or({' OR '.join(sub.checks)}) FROM {source} "
            f"WHERE {window}), FALSE)"
        )
    if how == "exists":
        return Val(f"EXISTS (SELECT 1 FROM {source} WHERE {window} AND {cond})", "bool")
    if how == "count":
        return Val(
            f"(SELECT CAST(count(*) AS HUGEINT) FROM {source} WHERE {window} AND {cond})", "num"
        )
    if value is None or value.kind not in ("num", "rate"):
        raise NotCompiled("a sum of something that is not a number")
    return attrs.evolve(
        value,
        sql=f"coalesce((SELECT sum({value.sql}) FROM {source} WHERE {window} AND {cond}), 0)",
    )


def _date_series(name: str, low: str, high: str) -> str:
    """The dates `d` of a built-in date collection (`MonthEnd`, `MonthStart`) in the
    months from `low`'s to `high`'s, made per row (the window's own dozen months: a
    calendar-long table joined on a range cost a scan of it per row); the caller keeps
    those in [low, high], as `ersl.dates.DATE_SERIES`."""
    day = {"MonthEnd": "last_day(CAST(x AS DATE))", "MonthStart": "CAST(x AS DATE)"}[name]
    months = (
        f"generate_series(CAST(date_trunc('month', {low}) AS TIMESTAMP), "
        f"CAST({high} AS TIMESTAMP), INTERVAL 1 MONTH)"
    )
    return f"(SELECT {day} AS d FROM (SELECT unnest({months}) AS x))"


def _window(compiler: Compiler, within, scope: Scope) -> tuple[str, str]:
    """The first and last day of an aggregate's window (SQL)."""
    if within is None:
        if scope.period is None:
            raise NotCompiled("an aggregate over the enclosing period here")
        return scope.period
    days = None  # a window of a whole number of days written out: a plain date sum
    if isinstance(within.length, ast.Quantity):
        literal = compiler.consts.literal(within.length)
        if isinstance(literal, Duration) and literal.unit == "days":
            days = int(literal.count) if literal.count.denominator == 1 else None
        length = compiler.constant(literal, within.length)
    else:  # a parameter, a function's argument
        length = compiler.strict(compiler.compile(within.length, scope))
    if length.kind != "duration":
        raise NotCompiled("a window whose length is not a duration")
    anchor = scope.today
    if within.anchor is not None:
        val = compiler.strict(compiler.compile(within.anchor, scope))
        if val.kind != "date":
            raise NotCompiled("a window anchored on something that is not a date")
        anchor = val.sql
    sign = 1 if within.direction == "after" else -1
    if days is not None:
        moved = f"({anchor} {'+' if sign > 0 else '-'} {days})"
    else:
        moved = shifted(compiler, Val(anchor, "date"), length, sign, window=True).sql
    return (anchor, moved) if sign > 0 else (moved, anchor)


def in_codeset(self, node: ast.Binary, codeset, scope: Scope) -> Val:
    """`code in codeset` (or a set of codes holding one in it), as
    `ersl.interpreter.codes`: dots removed, upper case; a range compares the code
    cut to the bounds' length, `X*` is a prefix, else a single code. A none code
    is in no set."""
    item = self.compile(node.left, scope)
    if item.kind not in ("text", "textset"):
        raise NotCompiled(f"`in` a code set with a {item.kind}")
    tests = []
    exact = []
    for entry in codeset.items:
        if entry.high is None and not entry.low.endswith("*"):
            exact.append(_ascii(entry.low).replace(".", "").upper())
        else:
            kind = "eq" if entry.high is None else "range"
            tests.append(code_pattern(kind, entry.low, entry.high))
    if exact:
        tests.append(f"{{c}} IN ({', '.join(map(quote, exact))})")

    def matches(x: str) -> str:
        code = _PLAIN.format(x=x)
        return "(" + " OR ".join(t.format(c=code) for t in tests) + ")" if tests else "FALSE"

    if item.kind == "text":
        self.checks.append(f"({item.sql} IS NOT NULL AND NOT {_ASCII.format(x=item.sql)})")
        test = f"coalesce({matches(item.sql)}, FALSE)"
    else:
        self.checks.append(
            f"coalesce(list_bool_or(list_transform({item.sql}, "
            f"lambda x: NOT {_ASCII.format(x='x')})), FALSE)"
        )
        test = (
            f"coalesce(list_bool_or(list_transform({item.sql}, lambda x: {matches('x')})), FALSE)"
        )
    word = "" if node.op == "in" else "NOT "
    return Val(f"({word}{test})", "bool")


# codes are compared in ASCII upper case (`upper` of other letters may differ from
# Python's): a code that is not ASCII makes the payment fall back
_ASCII = "regexp_full_match({x}, '[ -~]*')"
_PLAIN = "upper(replace({x}, '.', ''))"


def _ascii(pattern: str) -> str:
    if not pattern.isascii():
        raise NotCompiled("a code pattern that is not ASCII")
    return pattern


def code_pattern(kind: str, low: str, high: str | None) -> str:
    """SQL testing a plain code `{c}` (dots removed, upper case) against a pattern, as
    `ersl.interpreter.codes`: a range compares the code cut to the bounds' length,
    `X*` is a prefix, anything else one code."""
    low = _ascii(low).replace(".", "").upper()
    if kind == "range":
        high = _ascii(high).replace(".", "").upper()
        cut = max(len(low), len(high))
        return f"substr({{c}}, 1, {cut}) BETWEEN {quote(low)} AND {quote(high)}"
    if low.endswith("*"):
        return f"starts_with({{c}}, {quote(low[:-1])})"
    return f"{{c}} = {quote(low)}"


def days_of(compiler: Compiler, node: ast.Call, scope: Scope) -> Val:
    """`days(a - b)` of two dates (the days from `b` to `a`), or `days(N days)`: an
    int. A duration in months counts days from the context date: not compiled."""
    arg = node.args[0]
    if isinstance(arg, ast.Binary) and arg.op == "-":
        left = compiler.strict(compiler.compile(arg.left, scope))
        right = compiler.strict(compiler.compile(arg.right, scope))
        if left.kind == right.kind == "date":
            return Val(f"CAST(({left.sql} - {right.sql}) AS HUGEINT)", "num")
    if isinstance(arg, ast.Quantity):
        length = compiler.consts.literal(arg)
        if isinstance(length, Duration) and length.unit == "days":
            return expr.number(length.count)
    raise NotCompiled("`days` of something other than a difference of dates or N days")
