"""Evaluating expressions for one unit: *what a unit is worth*.

`Evaluator.eval(node, env)` computes a value from the unit's bindings, its
context date (`today`) and its enclosing period. Names are resolved by the
checker's `Facts`, so evaluation never guesses. Iterating units, grouping
lines and rounding live elsewhere (`units`, `settle`), which keeps this the
part a faster columnar engine would have to reproduce.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterator

from ersl import ast
from ersl import types as T
from ersl.data.records import MissingAttribute
from ersl.exact import product
from ersl.interpreter.arithmetic import BINARY, EvalError, compare, negate, scale_rate, shift
from ersl.interpreter.builtins import BUILTINS, COMPILED
from ersl.interpreter.codes import CodeMatcher
from ersl.interpreter.env import Env
from ersl.interpreter.values import DurationValue, number_value, quantity_value


class Evaluator:
    """Evaluates checked expressions against a run (`ersl.interpreter.run.Run`).

    Each expression node is compiled once into a Python closure (names resolved
    through the checker's facts, literals converted, operators specialised by
    the checker's static types) and the closure is what runs for every unit.
    """

    def __init__(self, run) -> None:
        self.run = run
        self.refs = run.checked.facts.refs
        self.types = run.checked.facts.types
        self._compiled: dict[int, object] = {}
        self._truths: dict[int, object] = {}
        self.builtins = BUILTINS

    # ------------------------------------------------------------ entry points
    def eval(self, node: ast.Expr, env: Env):
        """The value of `node` in `env`."""
        fn = self._compiled.get(id(node))
        if fn is None:
            fn = self.compile(node)
        return fn(env)

    def truth(self, node: ast.Expr | None, env: Env) -> bool:
        """A condition's value; an absent condition holds; none is an error."""
        if node is None:
            return True
        value = self.eval(node, env)
        if value is None:
            raise EvalError(f"the condition `{self.run.text(node)}` is none", code="E0903")
        return bool(value)

    def _operand(self, node: ast.Expr, env: Env):
        value = self.eval(node, env)
        if value is None:
            raise self._none_error(node)
        return value

    def _none_error(self, node: ast.Expr) -> EvalError:
        return EvalError(
            f"`{self.run.text(node)}` is none and cannot be used in a calculation",
            help="supply a value with `otherwise`, e.g. `p.cni otherwise 1`",
            code="E0903",
        )

    def compile(self, node: ast.Expr):
        """The closure computing `node` (compiled once per node)."""
        fn = self._compiled.get(id(node))
        if fn is None:
            fn = getattr(self, "_c_" + type(node).__name__)(node)
            self._compiled[id(node)] = fn
        return fn

    def _operand_fn(self, node: ast.Expr):
        fn = self.compile(node)
        error = self._none_error

        def operand(env):
            value = fn(env)
            if value is None:
                raise error(node)
            return value

        return operand

    def _is_rate(self, node: ast.Expr) -> bool:
        t = self.types.get(id(node))
        return t is not None and isinstance(T.strip_optional(t), T.Rate)

    def _is_number(self, node: ast.Expr) -> bool:
        t = self.types.get(id(node))
        return t is not None and T.strip_optional(t) in _PLAIN_NUMBERS

    # ------------------------------------------------------------ leaves
    @staticmethod
    def _constant(value):
        return lambda env: value

    def _c_Number(self, node):
        return self._constant(number_value(node))

    def _c_Quantity(self, node):
        return self._constant(quantity_value(node))

    def _c_DateLit(self, node):
        return self._constant(node.value)

    def _c_MonthLit(self, node):
        return self._constant((node.year, node.month))

    def _c_StringLit(self, node):
        return self._constant(node.value)

    def _c_BoolLit(self, node):
        return self._constant(node.value)

    def _c_NoneLit(self, node):
        return self._constant(None)

    def _c_SetLit(self, node):
        items = [self.compile(item) for item in node.items]
        if all(isinstance(item, _LITERALS) for item in node.items):
            return self._constant(frozenset(item(None) for item in items))
        return lambda env: frozenset(item(env) for item in items)

    def _c_Name(self, node: ast.Name):
        kind, target = self.refs[id(node)]
        if kind == "binding":
            return lambda env: env.bindings[target]
        if kind == "param":
            return self.run.param_getter(target)
        if kind == "enum":
            return self._constant(target[1])
        if kind == "codeset":
            return self._constant(self.run.codeset(target))
        if kind == "builtin" and target == "today":
            return lambda env: env.date
        raise AssertionError((kind, target))  # pragma: no cover

    def _c_FieldAccess(self, node: ast.FieldAccess):
        obj_fn = self.compile(node.obj)
        name = node.name.name
        run = self.run

        def field(env):
            obj = obj_fn(env)
            if obj is None:
                raise EvalError(
                    f"`{run.text(node.obj)}` is none, so it has no `{name}`",
                    help="compare with `!= none` first, or supply a value with `otherwise`",
                    code="E0903",
                )
            info = getattr(obj, "info", None)
            if info is None:  # an episode
                return obj[name]
            if name in info.attribute_fields:
                try:
                    return obj.attribute(name, env.date)
                except MissingAttribute:
                    run.missing_attribute(obj, name, env.date)
                    return None
            return obj.values[info.index[name]]

        return field

    # ------------------------------------------------------------ operators
    def _c_Unary(self, node: ast.Unary):
        if node.op == "not":
            operand = self.compile(node.operand)
            truth = self.truth
            inner = node.operand
            return lambda env: not truth(inner, env)
        operand = self._operand_fn(node.operand)
        if self._is_number(node.operand):
            return lambda env: -operand(env)
        return lambda env: negate(operand(env))

    def _c_Binary(self, node: ast.Binary):
        op = node.op
        if op in ("and", "or"):
            left, right = self._truth_fn(node.left), self._truth_fn(node.right)
            if op == "and":
                return lambda env: left(env) and right(env)
            return lambda env: left(env) or right(env)
        if op == "otherwise":
            left, right = self.compile(node.left), self.compile(node.right)

            def otherwise(env):
                value = left(env)
                return right(env) if value is None else value

            return otherwise
        if op in ("in", "not in"):
            contains = self._contains_fn(node)
            return contains if op == "in" else (lambda env: not contains(env))
        if op in ("==", "!="):
            # records compare by identity, values by value (RateValue/DurationValue by fields)
            left, right = self.compile(node.left), self.compile(node.right)
            if op == "==":
                return lambda env: left(env) == right(env)
            return lambda env: left(env) != right(env)
        left, right = self._operand_fn(node.left), self._operand_fn(node.right)
        if op in ("<", "<=", ">", ">="):
            if self._is_number(node.left) and self._is_number(node.right):
                return _FAST_COMPARE[op](left, right)
            return lambda env: compare(op, left(env), right(env))
        if self._is_number(node.left) and self._is_number(node.right) and op != "/":
            return _FAST_ARITHMETIC[op](left, right)
        if op == "*" and self._is_rate(node.left) and self._is_number(node.right):
            return lambda env: scale_rate(left(env), right(env))
        if op == "*" and self._is_number(node.left) and self._is_rate(node.right):
            return lambda env: scale_rate(right(env), left(env))
        function = BINARY[op]
        if op == "/":  # name the divisor when it is zero
            run, divisor = self.run, node.right

            def quotient(env):
                try:
                    return function(left(env), right(env))
                except EvalError as error:
                    if error.code == "E0905" and error.message == "division by zero":
                        error.message = f"division by zero: `{run.text(divisor)}` is 0"
                    raise

            return quotient
        return lambda env: function(left(env), right(env))

    def _truth_fn(self, node: ast.Expr):
        cached = self._truths.get(id(node))
        if cached is not None:
            return cached
        fn = self.compile(node)
        run = self.run

        def truth(env):
            value = fn(env)
            if value is None:
                raise EvalError(f"the condition `{run.text(node)}` is none", code="E0903")
            return bool(value)

        self._truths[id(node)] = truth
        return truth

    def _contains_fn(self, node: ast.Binary):
        left, right = self.compile(node.left), self.compile(node.right)
        run = self.run

        def contains(env):
            item = left(env)
            collection = right(env)
            if collection is None:
                raise EvalError(f"`{run.text(node.right)}` is none", code="E0903")
            if isinstance(collection, CodeMatcher):
                if isinstance(item, frozenset):
                    return any(collection.holds(code) for code in item)
                return item is not None and collection.holds(item)
            if isinstance(item, frozenset):
                return any(member in collection for member in item)
            return item in collection

        return contains

    def _c_If(self, node: ast.If):
        cond = self._truth_fn(node.cond)
        then, otherwise = self.compile(node.then), self.compile(node.otherwise)
        return lambda env: then(env) if cond(env) else otherwise(env)

    # ------------------------------------------------------------ calls
    def _c_Call(self, node: ast.Call):
        kind, target = self.refs[id(node)]
        if kind == "table":
            key = self._operand_fn(node.args[0])
            table = self.run.param_getter(target)
            return lambda env: table(env).lookup(key(env), self, env)
        if kind == "function":
            args = [self.compile(a) for a in node.args]
            call = self.call_function
            return lambda env: call(target, [a(env) for a in args], env)
        if target in COMPILED:
            return COMPILED[target](self, node)
        builtin = self.builtins[target]
        return lambda env: builtin(self, node, env)

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
            return anchor, shift(anchor, length, 1, clamp=True)
        return shift(anchor, length, -1, clamp=True), anchor

    def members(self, collection: ast.Collection, env: Env) -> Iterator[tuple[object, Env]]:
        """The records (or listed patients) of a collection, each with its env."""
        var = collection.var.name
        where = collection.where
        if isinstance(collection, ast.ListedCollection):
            provider = self._operand(collection.at, env)
            holds = None if where is None else self._truth_fn(where)
            for patient in self.run.data.listed_patients(provider, env.date):
                inner = env.bind(**{var: patient})
                if holds is None or holds(inner):
                    yield patient, inner
            return
        start, end = self.window(collection.within, env)
        holds = None if where is None else self._truth_fn(where)
        bindings, date, period, split = env.bindings, env.date, env.period, env.split
        for record in self.run.candidates(collection, env, start, end):
            inner = Env({**bindings, var: record}, date, period, split)
            if holds is None or holds(inner):
                yield record, inner


_LITERALS = (ast.Number, ast.Quantity, ast.StringLit, ast.BoolLit, ast.DateLit)
_PLAIN_NUMBERS = (T.INT, T.DECIMAL, T.PERCENT, T.PP, T.MONEY)


def _fast(op):
    def make(left, right):
        return lambda env: op(left(env), right(env))

    return make


_FAST_ARITHMETIC = {
    "+": _fast(operator.add),
    "-": _fast(operator.sub),
    "*": _fast(product),
}
_FAST_COMPARE = {
    "<": _fast(operator.lt),
    "<=": _fast(operator.le),
    ">": _fast(operator.gt),
    ">=": _fast(operator.ge),
}
