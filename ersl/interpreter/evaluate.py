"""Evaluating expressions for one unit: *what a unit is worth*.

`Evaluator.eval(node, env)` computes a value from the unit's bindings, its
context date (`today`) and its enclosing period. Names are resolved by the
checker's `Facts`, so evaluation never guesses. Iterating units, grouping
lines and rounding live elsewhere (`units`, `settle`), which keeps this the
part a faster columnar engine would have to reproduce.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from fractions import Fraction

import attrs

from ersl import ast
from ersl.data_model import Entity, MissingAttribute, Record
from ersl.dates import Period
from ersl.exact import format_decimal
from ersl.interpreter.arithmetic import BINARY, EvalError, compare, negate, shift
from ersl.interpreter.codes import CodeMatcher
from ersl.interpreter.values import DurationValue, number_value, quantity_value


@attrs.define
class Env:
    """The context of one evaluation: bindings, context date, enclosing period."""

    bindings: dict[str, object]
    date: datetime.date
    period: Period
    split: dict[int, tuple[Fraction, int]] | None = None
    """For `split`: per call node, (Σ of the `by` values, number of units)."""

    def at(self, date: datetime.date) -> Env:
        """The same context on another date."""
        return attrs.evolve(self, date=date)

    def bind(self, **more: object) -> Env:
        """The same context with extra bindings."""
        return attrs.evolve(self, bindings={**self.bindings, **more})


@attrs.define
class Episode:
    """One episode of a bundle: its trigger event and coverage window."""

    bundle: str
    trigger: Record
    patient: Entity
    provider: Entity
    start: datetime.date
    end: datetime.date
    covered: list[Record] = attrs.field(factory=list)

    @property
    def id(self) -> str:
        """Episodes are identified by their trigger."""
        return self.trigger.id

    def __getitem__(self, field: str):
        return {
            "trigger": self.trigger,
            "patient": self.patient,
            "provider": self.provider,
            "start": self.start,
            "end": self.end,
        }[field]


def describe(value) -> str:
    """A value as a person reads it in an error message or explanation."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction)):
        return format_decimal(Fraction(value))
    if isinstance(value, (Record, Episode)):
        return f"{getattr(value, 'type', 'episode').lower()} {value.id}"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(describe(v) for v in value)) + "}"
    return str(value)


class Evaluator:
    """Evaluates checked expressions against a run (`ersl.interpreter.run.Run`)."""

    def __init__(self, run) -> None:
        self.run = run
        self.refs = run.checked.facts.refs
        from ersl.interpreter.builtins import BUILTINS

        self.builtins = BUILTINS

    def eval(self, node: ast.Expr, env: Env):
        """The value of `node` in `env`."""
        return getattr(self, "_" + type(node).__name__)(node, env)

    def truth(self, node: ast.Expr | None, env: Env) -> bool:
        """A condition's value; an absent condition holds; none is an error."""
        if node is None:
            return True
        value = self.eval(node, env)
        if value is None:
            raise EvalError(f"the condition `{self.run.text(node)}` is none", code="E0903")
        return bool(value)

    # ------------------------------------------------------------ leaves
    def _Number(self, node, env):
        return number_value(node)

    def _Quantity(self, node, env):
        return quantity_value(node)

    def _DateLit(self, node, env):
        return node.value

    def _MonthLit(self, node, env):
        return (node.year, node.month)

    def _StringLit(self, node, env):
        return node.value

    def _BoolLit(self, node, env):
        return node.value

    def _NoneLit(self, node, env):
        return None

    def _SetLit(self, node, env):
        return frozenset(self.eval(item, env) for item in node.items)

    def _Name(self, node: ast.Name, env: Env):
        kind, target = self.refs[id(node)]
        if kind == "binding":
            return env.bindings[target]
        if kind == "param":
            return self.run.param(target, env.date)
        if kind == "enum":
            return target[1]
        if kind == "codeset":
            return self.run.codeset(target)
        if kind == "builtin" and target == "today":
            return env.date
        raise AssertionError((kind, target))  # pragma: no cover

    def _FieldAccess(self, node: ast.FieldAccess, env: Env):
        obj = self.eval(node.obj, env)
        name = node.name.name
        if obj is None:
            raise EvalError(
                f"`{self.run.text(node.obj)}` is none, so it has no `{name}`",
                help="compare with `!= none` first, or supply a value with `otherwise`",
                code="E0903",
            )
        if isinstance(obj, Entity) and name in obj.info.attribute_fields:
            try:
                return obj.attribute(name, env.date)
            except MissingAttribute:
                return self._missing_attribute(obj, name, env)
        return obj[name]

    def _missing_attribute(self, entity: Entity, name: str, env: Env):
        self.run.missing_attribute(entity, name, env.date)
        return None

    # ------------------------------------------------------------ operators
    def _Unary(self, node: ast.Unary, env: Env):
        if node.op == "not":
            return not self.truth(node.operand, env)
        value = self._operand(node.operand, env)
        return negate(value)

    def _operand(self, node: ast.Expr, env: Env):
        value = self.eval(node, env)
        if value is None:
            raise EvalError(
                f"`{self.run.text(node)}` is none and cannot be used in a calculation",
                help="supply a value with `otherwise`, e.g. `p.cni otherwise 1`",
                code="E0903",
            )
        return value

    def _Binary(self, node: ast.Binary, env: Env):
        op = node.op
        if op == "and":
            return self.truth(node.left, env) and self.truth(node.right, env)
        if op == "or":
            return self.truth(node.left, env) or self.truth(node.right, env)
        if op == "otherwise":
            value = self.eval(node.left, env)
            return self.eval(node.right, env) if value is None else value
        if op in ("in", "not in"):
            found = self._contains(node, env)
            return found if op == "in" else not found
        if op in ("==", "!="):
            return compare(op, self.eval(node.left, env), self.eval(node.right, env))
        if op in ("<", "<=", ">", ">="):
            return compare(op, self._operand(node.left, env), self._operand(node.right, env))
        return BINARY[op](self._operand(node.left, env), self._operand(node.right, env))

    def _contains(self, node: ast.Binary, env: Env) -> bool:
        left = self.eval(node.left, env)
        right = self.eval(node.right, env)
        if right is None:
            raise EvalError(f"`{self.run.text(node.right)}` is none", code="E0903")
        if isinstance(right, CodeMatcher):
            if isinstance(left, frozenset):
                return any(right.holds(code) for code in left)
            return left is not None and right.holds(left)
        if isinstance(left, frozenset):
            return any(item in right for item in left)
        return left in right

    def _If(self, node: ast.If, env: Env):
        return self.eval(node.then if self.truth(node.cond, env) else node.otherwise, env)

    # ------------------------------------------------------------ calls
    def _Call(self, node: ast.Call, env: Env):
        kind, target = self.refs[id(node)]
        if kind == "table":
            key = self._operand(node.args[0], env)
            return self.run.table(target, env.date).lookup(key, self, env)
        if kind == "function":
            return self.call_function(target, [self.eval(a, env) for a in node.args], env)
        return self.builtins[target](self, node, env)

    def call_function(self, name: str, args: list, env: Env):
        """Call a user function: its body with its parameters bound, same date and period."""
        decl = self.run.checked.symbols.functions[name]
        bindings = {p.name.name: a for p, a in zip(decl.params, args, strict=True)}
        return self.eval(decl.body, Env(bindings, env.date, env.period, env.split))

    # ------------------------------------------------------------ collections
    def window(self, within: ast.Within | None, env: Env) -> tuple[datetime.date, datetime.date]:
        """The closed date window of an aggregate (the enclosing period without `within`)."""
        if within is None:
            return env.period.start, env.period.end
        length = self._operand(within.length, env)
        if not isinstance(length, DurationValue):  # pragma: no cover - checker guarantees
            raise EvalError("a window needs a duration")
        anchor = env.date if within.anchor is None else self._operand(within.anchor, env)
        if within.direction == "after":
            return anchor, shift(anchor, length, 1)
        return shift(anchor, length, -1), anchor

    def members(self, collection: ast.Collection, env: Env) -> Iterator[tuple[object, Env]]:
        """The records (or listed patients) of a collection, each with its env."""
        var = collection.var.name
        if isinstance(collection, ast.ListedCollection):
            provider = self._operand(collection.at, env)
            for patient in self.run.data.listed_patients(provider, env.date):
                inner = env.bind(**{var: patient})
                if self.truth(collection.where, inner):
                    yield patient, inner
            return
        start, end = self.window(collection.within, env)
        for record in self.run.candidates(collection, env, start, end):
            inner = env.bind(**{var: record})
            if self.truth(collection.where, inner):
                yield record, inner
