"""Checked expressions → SQL over one row per unit (the columnar engine's core).

Every compiled expression is a `Val`: SQL text and what it holds. Numbers (int,
decimal, percent, pp, money) are an integer numerator in SQL over a denominator
fixed at compile time (`den`, a Python int), so `a/da + b/db` is
`(a·L/da + b·L/db) / L` with `L = lcm(da, db)` and no value is ever rounded;
rates are numbers with their period (`per`). SQL text is generated from the typed
AST only: literals are numbers, dates, and strings from the contract quoted by
`quote`; no user text is pasted in.

ERSL's none rules: an operand that may be none (`nullable`) in a strict position
(arithmetic, ordering, a condition, a table key) adds a check `x IS NULL`; a unit
whose checks hold makes the payment fall back to the reference path, which reports
the error as it always has. `==`/`!=` compare with `IS [NOT] DISTINCT FROM` and
`otherwise` is `coalesce`, as in ERSL. Whatever has no form here raises
`NotCompiled`.
"""

from __future__ import annotations

import datetime
import math
from fractions import Fraction

import attrs

from ersl import ast
from ersl import types as T
from ersl.columnar.store import Store, date_sql
from ersl.columnar.values import BandTable, Duration, Mapping, NotCompiled, Rate

_MAX_INLINE = 8
"""How deep user functions are inlined (the checker rules out recursion)."""


@attrs.frozen
class Val:
    """A compiled expression: SQL and what it holds — `num` (numerator over `den`),
    `rate` (also `per`), `duration` (a count of `per`: days or months, over `den`),
    `bool`, `date`, `text`, `entity` (a code; `entity` names the type) or `event` (a
    unit's record: `sql` is its row's alias, `entity` its type)."""

    sql: str
    kind: str
    den: int = 1
    per: str | None = None
    entity: str | None = None
    nullable: bool = False


@attrs.frozen
class Scope:
    """What names mean in a unit: bindings and the context date (`today`)."""

    bindings: dict
    today: str
    depth: int = 0
    period: tuple[str, str] | None = None
    """SQL of the enclosing period's first and last day (the window of an aggregate
    without `within`), when the query has it."""


UNIT_DAY = "u.d"
"""The SQL of a payment query's unit day (the context date `today` of its units)."""


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def number(value: Fraction | int) -> Val:
    """An exact constant as a numerator over its denominator."""
    value = Fraction(value)
    return Val(f"CAST({value.numerator} AS HUGEINT)", "num", value.denominator)


def scaled(val: Val, den: int) -> str:
    """The numerator of `val` over `den` (a multiple of its denominator)."""
    factor = den // val.den
    return val.sql if factor == 1 else f"({val.sql} * {factor})"


def common(*vals: Val) -> tuple[list[str], int]:
    """Numerators over a common denominator, and that denominator."""
    den = math.lcm(*(v.den for v in vals))
    return [scaled(v, den) for v in vals], den


class Compiler:
    """Compiles the expressions of one query; collects the joins and checks they need."""

    def __init__(self, store: Store, symbols, facts, consts) -> None:
        self.store = store
        self.symbols = symbols
        self.facts = facts
        self.types = facts.types
        self.refs = facts.refs
        self.consts = consts
        self.joins: list[str] = []
        self._join_alias: dict[tuple, str] = {}
        self.event_fields: dict[str, set[str]] = {}
        """Event fields read per unit alias (the event table is built with them)."""
        self.checks: list[str] = []
        self.guard_checks = True
        """Whether checks of a part evaluated only under a condition are guarded by it."""
        self.alias_base = 0
        """Nesting depth of aggregate subqueries (their aliases are `m<depth>`)."""
        self.joins_prefix = "j"

    # ------------------------------------------------------------ helpers
    def strict(self, val: Val) -> Val:
        """`val` where none is an error: a unit with none makes the payment fall back."""
        if val.nullable:
            self.checks.append(f"({val.sql}) IS NULL")
            return attrs.evolve(val, nullable=False)
        return val

    def guarded(self, guard: str, compile_part):
        """Compile a part evaluated only where `guard` holds: its checks apply there
        (inside an aggregate's subquery they apply to every member in the window: a
        guard there would tie the check to the outer row and cost a scan per row)."""
        if not self.guard_checks:
            return compile_part()
        outer, self.checks = self.checks, []
        try:
            result = compile_part()
        finally:
            inner, self.checks = self.checks, outer
        if inner:
            self.checks.append(f"({guard} AND ({' OR '.join(inner)}))")
        return result

    def condition(self, node: ast.Expr, scope: Scope) -> str:
        """A condition that must not be none (SQL that is never NULL)."""
        val = self.strict(self.compile(node, scope))
        if val.kind != "bool":
            raise NotCompiled(f"`{type(node).__name__}` is not a condition")
        return val.sql

    def join(self, table: str, key: str, day: str | None) -> str:
        """A LEFT JOIN of an interval table on the entity code `key` in force on `day`;
        its alias (one join per table, key and day)."""
        found = self._join_alias.get((table, key, day))
        if found is not None:
            return found
        alias = f"{self.joins_prefix}j{len(self.joins)}"
        on = f"{alias}.ent = {key}"
        if day is not None:
            on += f" AND {alias}.since <= {day} AND {day} < {alias}.until"
        self.joins.append(f"LEFT JOIN {table} {alias} ON {on}")
        self._join_alias[(table, key, day)] = alias
        return alias

    def _type(self, node: ast.Node) -> T.Type | None:
        t = self.types.get(id(node))
        return None if t is None else T.strip_optional(t)

    # ------------------------------------------------------------ dispatch
    def compile(self, node: ast.Expr, scope: Scope) -> Val:
        """The `Val` of an expression in a unit's scope."""
        method = getattr(self, "_c_" + type(node).__name__, None)
        if method is None:
            raise NotCompiled(f"{type(node).__name__} has no columnar form")
        return method(node, scope)

    def constant(self, value, node: ast.Node) -> Val:
        """A compile-time value as a `Val`."""
        if value is None:
            return Val("NULL", _kind_of(self._type(node)), nullable=True)
        if isinstance(value, bool):
            return Val("TRUE" if value else "FALSE", "bool")
        if isinstance(value, (int, Fraction)):
            return number(value)
        if isinstance(value, Rate):
            return attrs.evolve(number(value.amount), kind="rate", per=value.per)
        if isinstance(value, Duration):
            return attrs.evolve(number(value.count), kind="duration", per=value.unit)
        if isinstance(value, str):
            return Val(quote(value), "text")
        if isinstance(value, datetime.date):
            return Val(date_sql(value), "date")
        raise NotCompiled(f"a constant {type(value).__name__} has no columnar form")

    def _literal(self, node, scope):
        return self.constant(self.consts.literal(node), node)

    _c_Number = _c_Quantity = _c_StringLit = _c_BoolLit = _c_DateLit = _literal

    def _c_NoneLit(self, node, scope):
        return Val("NULL", "none", nullable=True)

    def _c_Name(self, node: ast.Name, scope: Scope) -> Val:
        kind, target = self.refs[id(node)]
        if kind == "binding":
            if target not in scope.bindings:
                raise NotCompiled(f"the name `{target}` is not bound in a column")
            return scope.bindings[target]
        if kind == "param":
            entries = self.consts.param(target)
            if any(isinstance(v, (BandTable, Mapping)) for _, v in entries):
                raise NotCompiled(f"the table `{target}` is used as a value")
            return self._dated([(s, self.constant(v, node)) for s, v in entries], scope)
        if kind == "enum":
            return Val(quote(target[1]), "text")
        if kind == "builtin" and target == "today":
            return Val(scope.today, "date")
        raise NotCompiled(f"a {kind} name has no columnar form")

    def _dated(self, entries: list[tuple[datetime.date, Val]], scope: Scope) -> Val:
        """A value chosen by the context date among dated entries (the last that has
        begun); the compiler's caller made sure the run starts after the first."""
        entries = self._in_force(entries, scope)
        if len(entries) == 1:
            return entries[0][1]
        vals = [v for _, v in entries]
        merged = _merge(vals)
        cases = " ".join(
            f"WHEN {scope.today} >= {date_sql(start)} THEN {sql}"
            for (start, _), sql in reversed(list(zip(entries, merged[0], strict=True)))
        )
        return attrs.evolve(merged[1], sql=f"(CASE {cases} END)")

    def _in_force(self, entries: list[tuple[datetime.date, Val]], scope: Scope) -> list:
        """The dated entries that can be in force on the unit's day: when the query's
        unit days are known (`consts.unit_days`, first and last) and `today` is the
        unit's day, versions that end before the first or begin after the last are left
        out — one version covering the run compiles to that version alone, so DuckDB
        can share its subexpressions (an age computed once, not once per version)."""
        window = getattr(self.consts, "unit_days", None)
        if window is None or scope.today != UNIT_DAY or len(entries) < 2:
            return entries
        first, last = window
        keep = [
            entry
            for i, entry in enumerate(entries)
            if entry[0] <= last and (i + 1 == len(entries) or entries[i + 1][0] > first)
        ]
        return keep or entries

    # ------------------------------------------------------------ fields
    def _c_FieldAccess(self, node: ast.FieldAccess, scope: Scope) -> Val:
        obj = self.strict(self.compile(node.obj, scope))
        return self.compile_field(obj, node.name.name, scope)

    def compile_field(self, obj: Val, name: str, scope: Scope | None = None) -> Val:
        """`obj.name`: an event's column, or an entity's field in force on `today`."""
        if obj.kind == "event":
            kind = self.store.event_kinds(obj.entity, name)
            self.event_fields.setdefault(obj.sql, set()).add(name)
            info = self.store.data.info(obj.entity)
            nullable = isinstance(info.types[info.index[name]], T.Optional)
            return Val(f"{obj.sql}.f_{name}", kind.kind, kind.den, None, kind.entity, nullable)
        if obj.kind != "entity" or scope is None:
            raise NotCompiled(f"`.{name}` of a {obj.kind} has no columnar form")
        table, kind = self.store.field_table(obj.entity, name)
        alias = self.join(table, obj.sql, scope.today)
        return Val(f"{alias}.val", kind.kind, kind.den, None, kind.entity, True)

    # ------------------------------------------------------------ operators
    def _c_Unary(self, node: ast.Unary, scope: Scope) -> Val:
        if node.op == "not":
            return Val(f"(NOT {self.condition(node.operand, scope)})", "bool")
        val = self.strict(self.compile(node.operand, scope))
        if val.kind not in ("num", "rate"):
            raise NotCompiled(f"`-` of a {val.kind}")
        return attrs.evolve(val, sql=f"(-{val.sql})")

    def _c_Binary(self, node: ast.Binary, scope: Scope) -> Val:
        op = node.op
        if op in ("and", "or"):
            left = self.condition(node.left, scope)
            # the right side is evaluated only where the left does not decide (ERSL
            # stops at the first false `and`, the first true `or`): its checks too
            guard = left if op == "and" else f"(NOT {left})"
            right = self.guarded(guard, lambda: self.condition(node.right, scope))
            return Val(f"({left} {op.upper()} {right})", "bool")
        if op == "otherwise":
            left = self.compile(node.left, scope)
            right = self.guarded(f"({left.sql}) IS NULL", lambda: self.compile(node.right, scope))
            sqls, val = _merge([left, right])
            return attrs.evolve(val, sql=f"coalesce({sqls[0]}, {sqls[1]})", nullable=right.nullable)
        if op in ("in", "not in"):
            return self._in(node, scope)
        left, right = self.compile(node.left, scope), self.compile(node.right, scope)
        if op in ("==", "!="):
            return self._equal(op, left, right)
        left, right = self.strict(left), self.strict(right)
        if op in ("<", "<=", ">", ">="):
            # text in code-point order: DuckDB compares the UTF-8 bytes, which sort alike
            if left.kind == right.kind and left.kind in ("date", "text"):
                return Val(f"({left.sql} {op} {right.sql})", "bool")
            if left.kind == right.kind == "num":
                (a, b), _ = common(left, right)
                return Val(f"({a} {op} {b})", "bool")
            raise NotCompiled(f"ordering {left.kind} and {right.kind}")
        return self._arithmetic(op, left, right, node)

    def _equal(self, op: str, left: Val, right: Val) -> Val:
        word = "IS NOT DISTINCT FROM" if op == "==" else "IS DISTINCT FROM"
        if left.kind == "none" or right.kind == "none":
            other = right if left.kind == "none" else left
            word = "IS NULL" if op == "==" else "IS NOT NULL"
            return Val(f"(({other.sql}) {word})", "bool")
        if left.kind == right.kind == "num":
            (a, b), _ = common(left, right)
            return Val(f"({a} {word} {b})", "bool")
        if left.kind == right.kind and left.kind in ("text", "date", "bool", "entity"):
            return Val(f"({left.sql} {word} {right.sql})", "bool")
        raise NotCompiled(f"comparing {left.kind} and {right.kind}")

    def _arithmetic(self, op: str, left: Val, right: Val, node: ast.Binary) -> Val:
        kinds = (left.kind, right.kind)
        if op in ("+", "-"):
            if kinds == ("num", "num") or (kinds == ("rate", "rate") and left.per == right.per):
                (a, b), den = common(left, right)
                return attrs.evolve(left, sql=f"({a} {op} {b})", den=den)
            raise NotCompiled(f"{left.kind} {op} {right.kind}")
        if op == "*":
            if "rate" in kinds and kinds != ("rate", "rate") and set(kinds) <= {"rate", "num"}:
                rate = left if left.kind == "rate" else right
                return Val(f"({left.sql} * {right.sql})", "rate", left.den * right.den, rate.per)
            if kinds == ("num", "num"):
                return Val(f"({left.sql} * {right.sql})", "num", left.den * right.den)
            raise NotCompiled(f"{left.kind} * {right.kind}")
        if op == "/" and right.kind == "num" and left.kind in ("num", "rate"):
            divisor = self._constant_number(node.right)
            if divisor is None or divisor == 0:
                raise NotCompiled("a division by a value from the data (or by zero)")
            sign = -1 if divisor < 0 else 1
            factor = sign * divisor.denominator
            return attrs.evolve(
                left, sql=f"({left.sql} * {factor})", den=left.den * abs(divisor.numerator)
            )
        raise NotCompiled(f"{left.kind} {op} {right.kind}")

    def _constant_number(self, node: ast.Expr) -> Fraction | None:
        """The value of a constant number (a literal or an undated parameter), else None."""
        if isinstance(node, ast.Unary) and node.op == "-":
            inner = self._constant_number(node.operand)
            return None if inner is None else -inner
        if isinstance(node, (ast.Number, ast.Quantity)):
            value = self.consts.literal(node)
        elif isinstance(node, ast.Name) and self.refs.get(id(node), ("",))[0] == "param":
            entries = self.consts.param(self.refs[id(node)][1])
            if len(entries) != 1:
                return None
            value = entries[0][1]
        else:
            return None
        return Fraction(value) if isinstance(value, (int, Fraction)) else None

    def _in(self, node: ast.Binary, scope: Scope) -> Val:
        members = self.set_members(node.right, scope)
        item = self.compile(node.left, scope)
        if item.kind not in ("text", "num", "entity", "date"):
            raise NotCompiled(f"`in` with a {item.kind}")
        for member in members:
            if member.nullable or "NULL" in member.sql or member.kind != item.kind:
                raise NotCompiled("a set member that is none or of another kind")
        if not members:
            test = "FALSE"
        elif item.kind == "num":
            sqls, _ = common(item, *members)
            test = f"{sqls[0]} IN ({', '.join(sqls[1:])})"
        else:
            test = f"{item.sql} IN ({', '.join(m.sql for m in members)})"
        word = "" if node.op == "in" else "NOT "
        return Val(f"({word}coalesce({test}, FALSE))", "bool")

    def set_members(self, node: ast.Expr, scope: Scope) -> list[Val]:
        """The members of the set on the right of `in`: a set written out."""
        if not isinstance(node, ast.SetLit):
            raise NotCompiled("`in` a set that is not written out, or a code set")
        return [self.compile(member, scope) for member in node.items]

    def _c_If(self, node: ast.If, scope: Scope) -> Val:
        cond = self.condition(node.cond, scope)
        then = self.guarded(cond, lambda: self.compile(node.then, scope))
        otherwise = self.guarded(f"(NOT {cond})", lambda: self.compile(node.otherwise, scope))
        sqls, val = _merge([then, otherwise])
        return attrs.evolve(
            val,
            sql=f"(CASE WHEN {cond} THEN {sqls[0]} ELSE {sqls[1]} END)",
            nullable=then.nullable or otherwise.nullable,
        )

    # ------------------------------------------------------------ calls
    def _c_Call(self, node: ast.Call, scope: Scope) -> Val:
        kind, target = self.refs[id(node)]
        if any(isinstance(a, (ast.NamedArg, ast.ByArg, ast.AggregateArg)) for a in node.args):
            raise NotCompiled(f"`{target}` with an aggregate or named argument")
        if kind == "table":
            key = self.strict(self.compile(node.args[0], scope))
            lookups = [
                (start, self._lookup(table, key, scope))
                for start, table in self.consts.param(target)
            ]
            return self._dated(lookups, scope)
        if kind == "function":
            if scope.depth >= _MAX_INLINE:
                raise NotCompiled("functions nested too deeply")
            decl = self.symbols.functions[target]
            args = [self.compile(a, scope) for a in node.args]
            bindings = {p.name.name: a for p, a in zip(decl.params, args, strict=True)}
            return self.compile(
                decl.body, Scope(bindings, scope.today, scope.depth + 1, scope.period)
            )
        builtin = getattr(self, "_b_" + str(target), None)
        if builtin is None:
            raise NotCompiled(f"the built-in `{target}` has no columnar form")
        return builtin(node, scope)

    def _lookup(self, table, key: Val, scope: Scope) -> Val:
        """A table look-up: the value of the first band that holds (NULL when none does:
        the reference reports the key)."""
        if isinstance(table, Mapping):
            if key.kind != "text" or not all(isinstance(k, str) for k in table.values):
                raise NotCompiled("an input table keyed by something other than text")
            items = sorted(table.values.items())
            vals = [self.constant(value, None) for _, value in items]
            sqls, val = _merge(vals)
            cases = " ".join(
                f"WHEN {quote(k)} THEN {sql}" for (k, _), sql in zip(items, sqls, strict=True)
            )
            return attrs.evolve(val, sql=f"(CASE {key.sql} {cases} END)", nullable=True)
        if not isinstance(table, BandTable):
            raise NotCompiled("a table parameter without a table value")
        tests, vals = [], []
        for band in table.bands:
            tests.append(self._band_test(band, key, scope))
            vals.append(self.compile(band.value, scope))
        sqls, val = _merge(vals)
        cases = " ".join(f"WHEN {t} THEN {s}" for t, s in zip(tests, sqls, strict=True))
        nullable = any(v.nullable for v in vals) or table.bands[-1].kind != "else"
        return attrs.evolve(val, sql=f"(CASE {cases} END)", nullable=nullable)

    def _band_test(self, band, key: Val, scope: Scope) -> str:
        if band.kind == "else":
            return "TRUE"
        low = None if band.low is None else self.strict(self.compile(band.low, scope))
        high = None if band.high is None else self.strict(self.compile(band.high, scope))
        bounds = [b for b in (low, high) if b is not None]
        if key.kind == "num" and all(b.kind == "num" for b in bounds):
            sqls, _ = common(key, *bounds)
            k = sqls[0]
            lo = sqls[1] if low is not None else None
            hi = sqls[-1] if high is not None else None
        elif key.kind == "text" and band.kind == "eq" and low.kind == "text":
            k, lo, hi = key.sql, low.sql, None
        else:
            raise NotCompiled(f"a `{band.kind}` band on a {key.kind} key")
        return {
            "eq": lambda: f"{k} = {lo}",
            "range": lambda: f"({lo} <= {k} AND {k} <= {hi})",
            "over": lambda: f"{k} >= {lo}",
            "under": lambda: f"{k} < {hi}",
        }[band.kind]()

    # ------------------------------------------------------------ built-ins
    def _arg(self, node: ast.Call, scope: Scope, i: int = 0) -> Val:
        return self.strict(self.compile(node.args[i], scope))

    def _birth(self, node: ast.Call, scope: Scope) -> tuple[str, str]:
        person = self._arg(node, scope)
        if person.kind != "entity":
            raise NotCompiled("age of something that is not an entity")
        table, kind = self.store.field_table(person.entity, "birth_date")
        alias = self.join(table, person.sql, None)
        # a person without a row in the field table is no such person: none
        self.checks.append(f"({alias}.val IS NULL)")
        return f"{alias}.val", scope.today

    def _b_age(self, node: ast.Call, scope: Scope) -> Val:
        born, on = self._birth(node, scope)
        self.checks.append(f"({on} < {born})")  # not born yet: the reference's error
        # a 29 February birthday falls on 1 March in common years (ersl.dates.age)
        birthday = (
            f"(CASE WHEN month({born}) = 2 AND day({born}) = 29 AND NOT "
            f"((year({on}) % 4 = 0 AND year({on}) % 100 <> 0) OR year({on}) % 400 = 0) "
            f"THEN 301 ELSE month({born}) * 100 + day({born}) END)"
        )
        sql = (
            f"(CAST(year({on}) - year({born}) AS HUGEINT) - "
            f"CASE WHEN month({on}) * 100 + day({on}) < {birthday} THEN 1 ELSE 0 END)"
        )
        return Val(sql, "num")

    def _b_age_in_year(self, node: ast.Call, scope: Scope) -> Val:
        born, on = self._birth(node, scope)
        return Val(f"CAST(year({on}) - year({born}) AS HUGEINT)", "num")

    def _b_year(self, node: ast.Call, scope: Scope) -> Val:
        day = self._date_arg(node, scope)
        return Val(f"CAST(year({day}) AS HUGEINT)", "num")

    def _b_month(self, node: ast.Call, scope: Scope) -> Val:
        day = self._date_arg(node, scope)
        return Val(f"CAST(month({day}) AS HUGEINT)", "num")

    def _date_arg(self, node: ast.Call, scope: Scope) -> str:
        day = self._arg(node, scope)
        if day.kind != "date":
            raise NotCompiled("a date function of something that is not a date")
        return day.sql

    def _b_listed_at(self, node: ast.Call, scope: Scope) -> Val:
        person = self._arg(node, scope)
        day = self._arg(node, scope, 1)
        if person.kind != "entity" or person.entity != "Patient" or day.kind != "date":
            raise NotCompiled("listed_at of something other than a patient and a date")
        listing = self.store.listing()
        key = ("listing", person.sql, day.sql)
        alias = self._join_alias.get(key)
        if alias is None:
            alias = f"{self.joins_prefix}j{len(self.joins)}"
            self.joins.append(
                f"LEFT JOIN {listing} {alias} ON {alias}.pat = {person.sql} "
                f"AND {alias}.s <= {day.sql} AND {day.sql} <= {alias}.e"
            )
            self._join_alias[key] = alias
        return Val(f"{alias}.prov", "entity", entity="Provider", nullable=True)


def _kind_of(t: T.Type | None) -> str:
    if t is None:
        return "none"
    if t in (T.INT, T.DECIMAL, T.PERCENT, T.PP, T.MONEY):
        return "num"
    if isinstance(t, T.Rate):
        return "rate"
    if t == T.BOOL:
        return "bool"
    if t == T.DATE:
        return "date"
    if isinstance(t, (T.EnumT, T.Code)) or t == T.TEXT:
        return "text"
    if isinstance(t, T.RecordT):
        return "entity"
    return "none"


def _merge(vals: list[Val]) -> tuple[list[str], Val]:
    """Values of alternatives (branches, bands, dated entries) as SQL of one kind:
    numbers over a common denominator, rates of one period. The second item carries
    the kind (its `sql` is for the caller to replace)."""
    kinds = {v.kind for v in vals if v.kind != "none"}
    if len(kinds) > 1:
        raise NotCompiled(f"alternatives of kinds {sorted(kinds)}")
    kind = kinds.pop() if kinds else "none"
    nullable = any(v.nullable for v in vals)
    if kind in ("num", "rate", "duration"):
        pers = {v.per for v in vals if v.kind in ("rate", "duration")}
        if len(pers) > 1:
            raise NotCompiled("rates of different periods, or durations of different units")
        typed = [v for v in vals if v.kind != "none"]
        _, den = common(*typed)
        sqls = ["NULL" if v.kind == "none" else scaled(v, den) for v in vals]
        return sqls, Val("", kind, den, pers.pop() if pers else None, nullable=nullable)
    entity = next((v.entity for v in vals if v.entity), None)
    return [v.sql for v in vals], Val("", kind, entity=entity, nullable=nullable)
