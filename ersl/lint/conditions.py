"""Condition analysis: can a condition ever hold?

`never_holds(conditions…)` is true only when the conjunction of the conditions is
unsatisfiable for every value of every expression in it — the analysis is sound
(no false alarms) and deliberately incomplete. It understands:

- `and`, `or`, `not`, `true`, `false` (conditions are put in negation normal form and
  the `or` branches are searched, within a budget; past it the answer is "may hold");
- comparisons of one expression with constants — interval reasoning with open and
  closed ends, integer-valued expressions (int, dates) included: `age(p) >= 80 and
  age(p) < 65`, `x > 3 and x < 4` for an int `x`, `v.date >= 2023-01-01 and v.date <= 2022-12-31`;
- equality and membership tests against enum members, texts and booleans:
  `v.mode == home and v.mode == video`, `v.mode in {home} and v.mode != home`,
  `v.mode != a and … ` for every member of the enum;
- `x == none` against any test that needs a value;
- two expressions compared with each other (`a < b and b < a`, `a == b and a != b`);
- any other boolean expression as an opaque atom (`exists(…) and not exists(…)`).

Expressions are compared structurally (AST equality ignores spans). The checker's
facts, when given, tell which expressions are integers and which names are enum
members; without them (e.g. for a renamed copy) enum members are found by name.
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from ersl import ast
from ersl import types as T
from ersl.interpreter.values import quantity_value

BUDGET = 512
"""At most this many branches are explored; past it a condition is assumed to hold sometimes."""

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_SIGNS = {
    "<": frozenset({-1}),
    "<=": frozenset({-1, 0}),
    ">": frozenset({1}),
    ">=": frozenset({0, 1}),
    "==": frozenset({0}),
    "!=": frozenset({-1, 1}),
}
_TRUE, _FALSE = ("true",), ("false",)


@attrs.frozen
class Const:
    """A constant: `ordered` numbers/dates (value, unit class) or a discrete value."""

    kind: str  # "num" | "val" | "none"
    value: object = None
    unit: str = ""
    universe: frozenset | None = None
    """For enum members: every member of the enum."""


class _Unknown(Exception):
    """Raised when the search budget runs out."""


class ConditionAnalyzer:
    """Decides `never_holds` for conditions of one checked contract."""

    def __init__(self, facts=None, symbols=None) -> None:
        self.facts = facts
        self.symbols = symbols

    # ------------------------------------------------------------------ API
    def never_holds(self, *conditions: ast.Expr | None) -> bool:
        """Whether the conjunction of the (non-None) conditions can never be true."""
        parts = [self._nnf(c, True) for c in conditions if c is not None]
        if not parts:
            return False
        self._steps = 0
        try:
            return not self._sat(parts, [])
        except _Unknown:
            return False

    # ------------------------------------------------------------------ constants
    def const(self, node: ast.Expr) -> Const | None:
        """The constant `node` denotes, or None if it is not a literal constant."""
        match node:
            case ast.Number(value=value):
                return Const("num", Fraction(value), "number")
            case ast.Quantity(unit=unit):
                value = quantity_value(node)
                if isinstance(value, Fraction | int):
                    kind = {"%": "number", "pp": "pp"}.get(unit, "money")
                    return Const("num", Fraction(value), kind)
                if hasattr(value, "count"):  # a duration
                    return Const("num", Fraction(value.count), value.unit)
                return None
            case ast.Unary(op="-", operand=operand):
                inner = self.const(operand)
                if inner is not None and inner.kind == "num":
                    return attrs.evolve(inner, value=-inner.value)
                return None
            case ast.DateLit(value=value):
                return Const("num", Fraction(value.toordinal()), "date")
            case ast.StringLit(value=value):
                return Const("val", ("text", value))
            case ast.BoolLit(value=value):
                return Const("val", ("bool", value), universe=_BOOLS)
            case ast.NoneLit():
                return Const("none")
            case ast.Name(name=name):
                return self._member(node, name)
        return None

    def _member(self, node: ast.Name, name: str) -> Const | None:
        enum = None
        if self.facts is not None:
            ref = self.facts.refs.get(id(node))
            if ref is not None:
                if ref[0] != "enum":
                    return None
                enum = ref[1][0]
        if enum is None and self.symbols is not None:
            if name in self.symbols.params or name in self.symbols.codesets:
                return None
            owners = self.symbols.enum_of_member(name)
            if len(owners) == 1:
                enum = owners[0]
            elif owners:
                return Const("val", ("member", name))
        if enum is None:
            return None
        universe = None
        if self.symbols is not None and enum in self.symbols.enums:
            universe = frozenset(("enum", enum, m.name) for m in self.symbols.enums[enum].members)
        return Const("val", ("enum", enum, name), universe=universe)

    def _is_integer(self, node: ast.Expr) -> bool:
        if self.facts is None:
            return False
        t = self.facts.types.get(id(node))
        return t is not None and T.strip_optional(t) in (T.INT, T.DATE)

    # ------------------------------------------------------------------ normal form
    def _nnf(self, node: ast.Expr, positive: bool):
        match node:
            case ast.Binary(op="and" | "or", left=left, right=right):
                op = node.op if positive else ("or" if node.op == "and" else "and")
                return (op, self._nnf(left, positive), self._nnf(right, positive))
            case ast.Unary(op="not", operand=operand):
                return self._nnf(operand, not positive)
            case ast.BoolLit(value=value):
                return _TRUE if value == positive else _FALSE
            case ast.Binary(op="==" | "!=" | "<" | "<=" | ">" | ">=", left=left, right=right):
                op = node.op if positive else _NEGATE[node.op]
                return self._comparison(left, op, right) or _TRUE
            case ast.Binary(op="in" | "not in", left=left, right=right):
                member = (node.op == "in") == positive
                return self._membership(left, right, member, node) or _TRUE
        return ("atom", ("bool", node), frozenset({("bool", positive)}), _BOOLS)

    def _comparison(self, left: ast.Expr, op: str, right: ast.Expr):
        lc, rc = self.const(left), self.const(right)
        if lc is not None and rc is None:
            left, right, lc, rc, op = right, left, rc, lc, _FLIP[op]
        if lc is not None:  # constant against constant: leave it to the checker
            return None
        if rc is None:
            a, b = left, right
            if repr(a) > repr(b):
                a, b, op = b, a, _FLIP[op]
            return ("atom", ("pair", a, b), _SIGNS[op], _SIGNS["!="] | _SIGNS["=="])
        if rc.kind == "none":
            if op == "==":
                return ("none", left, True)
            if op == "!=":
                return ("none", left, False)
            return None
        if rc.kind == "num":
            return ("num", left, op, rc.value, rc.unit, self._is_integer(left))
        if op == "==":
            return ("atom", ("value", left), frozenset({rc.value}), rc.universe)
        if op == "!=":
            return ("exclude", ("value", left), rc.value, rc.universe)
        return None

    def _membership(self, left: ast.Expr, right: ast.Expr, member: bool, node: ast.Binary):
        if isinstance(right, ast.SetLit):
            consts = [self.const(item) for item in right.items]
            if consts and all(c is not None and c.kind == "val" for c in consts):
                values = frozenset(c.value for c in consts)
                universe = consts[0].universe
                if member:
                    return ("atom", ("value", left), values, universe)
                return ("exclude_all", ("value", left), values, universe)
            if consts and all(c is not None and c.kind == "num" for c in consts):
                values = frozenset(c.value for c in consts)
                return ("points", left, values, member, consts[0].unit, self._is_integer(left))
            if not consts and member:  # `x in {}`
                return _FALSE
            return None
        key = ("bool", ast.Binary("in", left, right))
        return ("atom", key, frozenset({("bool", member)}), _BOOLS)

    # ------------------------------------------------------------------ search
    def _sat(self, pending: list, atoms: list) -> bool:
        self._steps += 1
        if self._steps > BUDGET:
            raise _Unknown
        pending = list(pending)
        atoms = list(atoms)
        while pending:
            node = pending.pop()
            if node is _TRUE or node == _TRUE:
                continue
            if node is _FALSE or node == _FALSE:
                return False
            if node[0] == "and":
                pending.extend(node[1:])
            elif node[0] == "or":
                return any(self._sat(pending + [branch], atoms) for branch in node[1:])
            else:
                atoms.append(node)
        return _consistent(atoms)


_BOOLS = frozenset({("bool", True), ("bool", False)})


# ---------------------------------------------------------------------- consistency


@attrs.define
class _Ordered:
    low: Fraction | None = None
    low_closed: bool = True
    high: Fraction | None = None
    high_closed: bool = True
    excluded: set = attrs.field(factory=set)
    points: frozenset | None = None
    integer: bool = False
    units: set = attrs.field(factory=set)

    def add(self, op: str, value: Fraction) -> None:
        if op in (">", ">=", "=="):
            closed = op != ">"
            if self.low is None or value > self.low or (value == self.low and not closed):
                self.low, self.low_closed = value, closed
        if op in ("<", "<=", "=="):
            closed = op != "<"
            if self.high is None or value < self.high or (value == self.high and not closed):
                self.high, self.high_closed = value, closed
        if op == "!=":
            self.excluded.add(value)

    def allow(self, values: frozenset, member: bool) -> None:
        if member:
            self.points = values if self.points is None else self.points & values
        else:
            self.excluded |= set(values)

    def holds(self, value: Fraction) -> bool:
        if self.integer and value.denominator != 1:
            return False
        if value in self.excluded:
            return False
        if self.low is not None and (value < self.low or value == self.low and not self.low_closed):
            return False
        if self.high is not None and (
            value > self.high or value == self.high and not self.high_closed
        ):
            return False
        return True

    def consistent(self) -> bool:
        if len(self.units) > 1:
            return True  # mixed units: a type error elsewhere; make no claim
        if self.points is not None:
            return any(self.holds(p) for p in self.points)
        low, high = self.low, self.high
        if self.integer:
            if low is not None:
                low = Fraction(math.ceil(low) if self.low_closed else math.floor(low) + 1)
            if high is not None:
                high = Fraction(math.floor(high) if self.high_closed else math.ceil(high) - 1)
            if low is not None and high is not None:
                if low > high:
                    return False
                if high - low <= 1000:
                    return any(
                        Fraction(v) not in self.excluded for v in range(int(low), int(high) + 1)
                    )
            return True
        if low is not None and high is not None:
            if low > high:
                return False
            if low == high:
                return self.low_closed and self.high_closed and low not in self.excluded
        return True


@attrs.define
class _Discrete:
    allowed: frozenset | None = None
    excluded: set = attrs.field(factory=set)
    universe: frozenset | None = None

    def consistent(self) -> bool:
        pool = self.allowed if self.allowed is not None else self.universe
        if pool is None:
            return True
        return bool(pool - self.excluded)


def _consistent(atoms: list) -> bool:
    ordered: dict = {}
    discrete: dict = {}
    none_state: dict = {}

    def needs_value(term) -> bool:
        return none_state.get(term) is True

    for atom in atoms:
        kind = atom[0]
        if kind == "none":
            _, term, is_none = atom
            if none_state.get(term, is_none) != is_none:
                return False
            none_state[term] = is_none
        elif kind == "num":
            _, term, op, value, unit, integer = atom
            store = ordered.setdefault(term, _Ordered())
            store.integer |= integer or unit == "date"
            store.units.add(unit)
            store.add(op, value)
            if op != "!=":
                if needs_value(term):
                    return False
                none_state[term] = False
        elif kind == "points":
            _, term, values, member, unit, integer = atom
            store = ordered.setdefault(term, _Ordered())
            store.integer |= integer or unit == "date"
            store.units.add(unit)
            store.allow(values, member)
            if member:
                if needs_value(term):
                    return False
                none_state[term] = False
        elif kind == "atom":
            _, key, values, universe = atom
            store = discrete.setdefault(key, _Discrete())
            store.allowed = values if store.allowed is None else store.allowed & values
            store.universe = store.universe or universe
            if key[0] == "value":
                if needs_value(key[1]):
                    return False
                none_state[key[1]] = False
        elif kind in ("exclude", "exclude_all"):
            _, key, values, universe = atom
            store = discrete.setdefault(key, _Discrete())
            store.excluded |= {values} if kind == "exclude" else set(values)
            store.universe = store.universe or universe
    return all(s.consistent() for s in ordered.values()) and all(
        s.consistent() for s in discrete.values()
    )
