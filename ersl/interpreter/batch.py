"""Evaluating an expression for many units at once: *what units are worth*, in bulk.

The scalar closures of `ersl.interpreter.evaluate` stay the reference. A batch
function takes a `Batch` — the bindings of many units as columns, their dates
and their shared line period — and returns the list of values the scalar
closure would give unit by unit. Each node is compiled once; a node with no
batch form of its own runs its scalar closure row by row, so every expression
has a batch form.

The batch never reports a run-time error itself. A none where a value is
needed, a missing attribute, a division by zero — anything unexpected — raises
an exception, and the caller redoes that work unit by unit with the scalar
closures, which report the error exactly as they always have
(`ersl.interpreter.bulk`). The batch is only used when nothing is being traced
for an explanation (`run.trace_sink is None`).
"""

from __future__ import annotations

import operator
from collections import Counter
from operator import attrgetter, itemgetter

from ersl import ast
from ersl import types as T
from ersl.dates import age, age_in_year, month_end, month_start
from ersl.exact import products
from ersl.interpreter.arithmetic import BINARY, compare, negate, scale_rate
from ersl.interpreter.batch_aggregates import AGGREGATES
from ersl.interpreter.batch_base import Batch, Fallback
from ersl.interpreter.codes import CodeMatcher
from ersl.interpreter.env import Env

_LITERALS = (
    ast.Number,
    ast.Quantity,
    ast.DateLit,
    ast.MonthLit,
    ast.StringLit,
    ast.BoolLit,
    ast.NoneLit,
)


def _complete(first: list, rows: list[int], fn, batch: Batch) -> list:
    """`first` with the values at `rows` replaced by `fn` evaluated for those units only."""
    if not rows:
        return first
    if len(rows) == batch.n:
        return fn(batch)
    out = list(first)
    for i, value in zip(rows, fn(batch.take(rows)), strict=True):
        out[i] = value
    return out


def _merge(n: int, parts) -> list:
    """Values scattered back: `parts` is (index, values) pairs covering 0..n-1."""
    out = [None] * n
    for index, values in parts:
        for i, value in zip(index, values, strict=True):
            out[i] = value
    return out


class BatchEvaluator:
    """Compiles expressions into batch functions `fn(batch) -> list` (one per node)."""

    def __init__(self, evaluator) -> None:
        self.ev = evaluator
        self.run = evaluator.run
        self.refs = evaluator.refs
        self.types = evaluator.types
        self._compiled: dict[int, object] = {}
        self.builtins = {**_BUILTINS, **AGGREGATES}

    def compile(self, node: ast.Expr):
        """The batch function of `node` (compiled once per node)."""
        fn = self._compiled.get(id(node))
        if fn is None:
            method = getattr(self, "_b_" + type(node).__name__, None)
            if isinstance(node, _LITERALS):  # the scalar closure's value, once per unit
                fn = self._constant(self.ev.compile(node)(None))
            elif method is None:
                fn = self.per_row(node)
            else:
                fn = method(node)
            self._compiled[id(node)] = fn
        return fn

    def truths(self, node: ast.Expr):
        """A condition's batch function that checks no unit's condition is none."""
        fn = self.compile(node)

        def truths(batch: Batch) -> list:
            values = fn(batch)
            if None in values:
                raise Fallback
            return values

        return truths

    def per_row(self, node: ast.Expr):
        """A node's scalar closure run unit by unit (nodes with no batch form of their own)."""
        scalar = self.ev.compile(node)
        return lambda batch: [scalar(env) for env in batch.envs()]

    def _static(self, node: ast.Expr):
        t = self.types.get(id(node))
        return None if t is None else T.strip_optional(t)

    def is_number(self, node: ast.Expr) -> bool:
        """Whether the checker typed `node` as a plain number (int, decimal, %, pp, money)."""
        return self._static(node) in (T.INT, T.DECIMAL, T.PERCENT, T.PP, T.MONEY)

    def is_rate(self, node: ast.Expr) -> bool:
        """Whether the checker typed `node` as money per day, month or year."""
        return isinstance(self._static(node), T.Rate)

    # ------------------------------------------------------------ leaves
    @staticmethod
    def _constant(value):
        return lambda batch: [value] * batch.n

    def _b_SetLit(self, node: ast.SetLit):
        items = [self.compile(item) for item in node.items]
        if all(self._is_constant(item) for item in node.items):
            scalar = self.ev.compile(node)
            value = scalar(None)  # one set object: `in` then tests membership column-wise
            return lambda batch: [value] * batch.n
        return lambda batch: [
            frozenset(row) for row in zip(*(item(batch) for item in items), strict=True)
        ]

    def _is_constant(self, node: ast.Expr) -> bool:
        if isinstance(node, _LITERALS):
            return True
        return isinstance(node, ast.Name) and self.refs[id(node)][0] in ("enum", "codeset")

    def _b_Name(self, node: ast.Name):
        kind, target = self.refs[id(node)]
        if kind == "binding":
            return lambda batch: batch.columns[target]
        if kind == "builtin" and target == "today":
            return lambda batch: batch.dates
        if kind in ("enum", "codeset"):
            scalar = self.ev.compile(node)
            return lambda batch: [scalar(None)] * batch.n
        if kind == "param":
            return self._by_date(self.run.param_getter(target))
        return self.per_row(node)  # pragma: no cover - every name kind is handled above

    @staticmethod
    def _by_date(getter):
        """Values that depend only on the context date (parameters), read once per date."""

        def by_date(batch: Batch) -> list:
            if batch.date is not None or batch.n == 0:
                if batch.n == 0:
                    return []
                return [getter(Env({}, batch.date, batch.period))] * batch.n
            seen: dict = {}
            out = []
            for date in batch.dates:
                value = seen.get(date, seen)
                if value is seen:
                    value = seen[date] = getter(Env({}, date, batch.period))
                out.append(value)
            return out

        return by_date

    def _b_FieldAccess(self, node: ast.FieldAccess):
        obj_fn = self.compile(node.obj)
        name = node.name.name

        def field(batch: Batch) -> list:
            objs = obj_fn(batch)
            if not objs:
                return []
            info = objs[0].info  # none or an episode: the scalar path says what is wrong
            if name in info.attribute_fields:
                from ersl.data.records import attribute_column

                return attribute_column(objs, name, batch.dates)
            return list(map(itemgetter(info.index[name]), map(_VALUES, objs)))

        return field

    # ------------------------------------------------------------ operators
    def _b_Unary(self, node: ast.Unary):
        if node.op == "not":
            inner = self.truths(node.operand)
            return lambda batch: [not holds for holds in inner(batch)]
        operand = self.compile(node.operand)
        if self.is_number(node.operand):
            return lambda batch: [-value for value in operand(batch)]
        return lambda batch: [negate(value) for value in operand(batch)]

    def _b_Binary(self, node: ast.Binary):
        op = node.op
        if op in ("and", "or"):
            return self._logical(node)
        if op == "otherwise":
            return self._otherwise(node)
        if op in ("in", "not in"):
            contains = self._contains(node)
            if op == "in":
                return contains
            return lambda batch: [not holds for holds in contains(batch)]
        left, right = self.compile(node.left), self.compile(node.right)
        if op in ("==", "!="):
            function = operator.eq if op == "==" else operator.ne
            return lambda batch: list(map(function, left(batch), right(batch)))
        numbers = self.is_number(node.left) and self.is_number(node.right)
        if op in ("<", "<=", ">", ">="):
            if numbers:
                function = _ORDER[op]
                return lambda batch: list(map(function, left(batch), right(batch)))
            return lambda batch: [
                compare(op, a, b) for a, b in zip(left(batch), right(batch), strict=True)
            ]
        if numbers and op != "/":
            if op == "*":
                return lambda batch: products(left(batch), right(batch))
            function = operator.add if op == "+" else operator.sub
            return lambda batch: list(map(function, left(batch), right(batch)))
        if op == "*" and self.is_rate(node.left) and self.is_number(node.right):
            return lambda batch: list(map(scale_rate, left(batch), right(batch)))
        if op == "*" and self.is_number(node.left) and self.is_rate(node.right):
            return lambda batch: list(map(scale_rate, right(batch), left(batch)))
        function = BINARY[op]
        return lambda batch: list(map(function, left(batch), right(batch)))

    def _logical(self, node: ast.Binary):
        """`and`/`or`: the right side only for the units the left side leaves open."""
        left, right = self.truths(node.left), self.truths(node.right)
        wanted = node.op == "and"  # the left value that makes the right side matter

        def logical(batch: Batch) -> list:
            first = left(batch)
            open_rows = [i for i, holds in enumerate(first) if holds is wanted]
            return _complete(first, open_rows, right, batch)

        return logical

    def _otherwise(self, node: ast.Binary):
        left, right = self.compile(node.left), self.compile(node.right)

        def otherwise(batch: Batch) -> list:
            first = left(batch)
            return _complete(first, [i for i, v in enumerate(first) if v is None], right, batch)

        return otherwise

    def _contains(self, node: ast.Binary):
        left, right = self.compile(node.left), self.compile(node.right)

        def contains(batch: Batch) -> list:
            items = left(batch)
            collections = right(batch)
            if not items:
                return []
            first = collections[0]
            if all(c is first for c in collections):  # a literal set or a code set
                return _members_of(items, first)
            return [_members_of([item], c)[0] for item, c in zip(items, collections, strict=True)]

        return contains

    def _b_If(self, node: ast.If):
        cond = self.truths(node.cond)
        then, otherwise = self.compile(node.then), self.compile(node.otherwise)

        def if_(batch: Batch) -> list:
            truths = cond(batch)
            yes = [i for i, holds in enumerate(truths) if holds]
            no = [i for i, holds in enumerate(truths) if not holds]
            if not no:
                return then(batch)
            if not yes:
                return otherwise(batch)
            return _merge(batch.n, ((yes, then(batch.take(yes))), (no, otherwise(batch.take(no)))))

        return if_

    # ------------------------------------------------------------ calls
    def _b_Call(self, node: ast.Call):
        kind, target = self.refs[id(node)]
        if kind == "table":
            return self._table(node, target)
        if kind == "function":
            return self._function(node, target)
        compiler = self.builtins.get(target)
        if compiler is None:
            return self.per_row(node)
        return compiler(self, node)

    def _table(self, node: ast.Call, name: str):
        keys_fn = self.compile(node.args[0])
        tables = self._by_date(self.run.param_getter(name))
        ev = self.ev

        def lookup(batch: Batch) -> list:
            keys = keys_fn(batch)
            if not keys:
                return []
            found = tables(batch)
            first = found[0]
            if all(table is first for table in found):
                return first.lookup_many(keys, ev, batch)
            envs = batch.envs()
            return [t.lookup(k, ev, e) for t, k, e in zip(found, keys, envs, strict=True)]

        return lookup

    def _function(self, node: ast.Call, name: str):
        decl = self.run.checked.symbols.functions[name]
        names = [p.name.name for p in decl.params]
        args = [self.compile(a) for a in node.args]
        body: list = []

        def call(batch: Batch) -> list:
            if not body:  # compiled on first call: a function's body may be long
                body.append(self.compile(decl.body))
            columns = {n: a(batch) for n, a in zip(names, args, strict=True)}
            return body[0](batch.with_columns(columns))

        return call


def _members_of(items: list, collection) -> list:
    """`item in collection` for each item, as the scalar `in` decides it."""
    if collection is None:
        raise Fallback
    if isinstance(collection, CodeMatcher):
        holds = collection.holds
        return [
            any(holds(code) for code in item)
            if type(item) is frozenset
            else item is not None and holds(item)
            for item in items
        ]
    return [
        any(member in collection for member in item)
        if type(item) is frozenset
        else item in collection
        for item in items
    ]


_VALUES = attrgetter("values")
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _birth_dates(persons: list) -> list:
    """The `birth_date` column of a column of patients."""
    if not persons:
        return []
    return list(map(itemgetter(persons[0].info.index["birth_date"]), map(_VALUES, persons)))


def _ages(bev: BatchEvaluator, node: ast.Call):
    people = bev.compile(node.args[0])

    def ages(batch: Batch) -> list:
        births = _birth_dates(people(batch))
        on = batch.date
        if on is None:  # age() refuses a date before the birth: the scalar path reports it
            return list(map(age, births, batch.dates))
        years = {born: age(born, on) for born in set(births)}  # many share a birthday
        return list(map(years.__getitem__, births))

    return ages


def _ages_in_year(bev: BatchEvaluator, node: ast.Call):
    people = bev.compile(node.args[0])
    return lambda batch: list(map(age_in_year, _birth_dates(people(batch)), batch.dates))


def _listed_at(bev: BatchEvaluator, node: ast.Call):
    patients, dates = bev.compile(node.args[0]), bev.compile(node.args[1])
    column = bev.run.data.listed_at_column

    def providers(batch: Batch) -> list:
        return column(patients(batch), dates(batch))

    return providers


def _date_part(part: str):
    def compile_part(bev: BatchEvaluator, node: ast.Call):
        dates = bev.compile(node.args[0])
        getter = operator.attrgetter(part)
        return lambda batch: list(map(getter, dates(batch)))

    return compile_part


def _date_map(function):
    def compile_map(bev: BatchEvaluator, node: ast.Call):
        dates = bev.compile(node.args[0])
        return lambda batch: list(map(function, dates(batch)))

    return compile_map


_BUILTINS = {
    "month_start": _date_map(month_start),
    "month_end": _date_map(month_end),
    "age": _ages,
    "age_in_year": _ages_in_year,
    "listed_at": _listed_at,
    "year": _date_part("year"),
    "month": _date_part("month"),
}


def count_bands(run, hits: list, keys: list) -> None:
    """Add a batch's table-band hits (one `hit` per distinct key) to the run's counts."""
    for key, times in Counter(keys).items():
        hit = hits[key]
        run.bands_hit[hit] = run.bands_hit.get(hit, 0) + times
