"""Type-checking expressions (SPEC §4).

`ExpressionChecker.expr(node, scope)` returns the node's type and records it,
with what each name refers to, in `Facts` — the interpreter reads these
instead of resolving names again. Errors are collected, never raised; an
erroneous subexpression gets `ErrorT` so one mistake gives one message.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ersl import ast
from ersl import types as T
from ersl.checker.symbols import EPISODE, Symbols
from ersl.dates import DATE_SERIES
from ersl.diagnostics import Diagnostic, did_you_mean
from ersl.span import Span


@attrs.define
class Scope:
    """What an expression may see: bound variables and the context it is in."""

    bindings: dict[str, T.Type] = attrs.field(factory=dict)
    owner: str | None = None
    """Key of the declaration being checked ("line:Name", "function:f", "param:p")."""
    allow_split: bool = False
    bundle_trigger: str | None = None
    """Schema type of the episode trigger when checking an episode basis."""

    def bind(self, **more: T.Type) -> Scope:
        """A child scope with extra bindings."""
        return attrs.evolve(self, bindings={**self.bindings, **more})


@attrs.define
class Facts:
    """What the checker learned about expressions, keyed by `id(node)`."""

    types: dict[int, T.Type] = attrs.field(factory=dict)
    refs: dict[int, tuple[str, object]] = attrs.field(factory=dict)
    depends: dict[str, dict[str, Span]] = attrs.field(factory=dict)
    """Declaration key → keys it uses (functions, params, paid lines), with a span of the use."""

    def use(self, owner: str | None, target: str, span: Span) -> None:
        """Record that `owner` uses `target` (for cycle detection)."""
        if owner is not None:
            self.depends.setdefault(owner, {}).setdefault(target, span)


class ExpressionChecker:
    """Checks expressions against the symbol table, reporting into `errors`."""

    def __init__(self, symbols: Symbols, facts: Facts, errors: list[Diagnostic]) -> None:
        self.symbols = symbols
        self.facts = facts
        self.errors = errors
        from ersl.checker.builtins import BUILTINS

        self.builtins = BUILTINS

    # ------------------------------------------------------------ reporting
    def error(self, code: str, message: str, span: Span, help: str | None = None) -> T.Type:
        """Record an error and return the error type."""
        self.errors.append(Diagnostic(code, message, span, help=help))
        return T.ERROR

    def record(self, node: ast.Node, t: T.Type) -> T.Type:
        """Remember the type of `node` and return it."""
        self.facts.types[id(node)] = t
        return t

    # ------------------------------------------------------------ helpers
    def condition(self, node: ast.Expr | None, scope: Scope, what: str = "a condition") -> None:
        """Check that `node` is a bool expression."""
        if node is None:
            return
        t = self.expr(node, scope)
        if not isinstance(t, T.ErrorT) and T.strip_optional(t) != T.BOOL:
            self.error(
                "E0404",
                f"{what} must be true or false, but this is {_article(t)}",
                node.span,
                help="compare it with something, e.g. `x > 0` or `v.mode == home`",
            )

    def expect(self, node: ast.Expr, scope: Scope, wanted: Iterable[T.Type], what: str) -> T.Type:
        """Check `node` and require one of the `wanted` types (int counts as decimal)."""
        wanted = tuple(wanted)
        t = self.expr(node, scope, wanted[0] if len(wanted) == 1 else None)
        if isinstance(t, T.ErrorT):
            return t
        if _bare_number_for_percent(node, wanted):
            return self.error(
                "E0405",
                f"{what} must be percent, but this is a number without a unit",
                node.span,
                help="write a percent with its unit, e.g. `70 %`",
            )
        # An optional value may be used where its type is expected (docs/language.md,
        # "Types"); a none at run time is an error there.
        if any(T.assignable(t, w) or T.assignable(T.strip_optional(t), w) for w in wanted):
            return t
        names = " or ".join(w.describe() for w in wanted)
        return self.error(
            "E0405",
            f"{what} must be {names}, but this is {_article(t)}",
            node.span,
            help=_unit_hint(t, wanted),
        )

    # ------------------------------------------------------------ dispatch
    def expr(self, node: ast.Expr, scope: Scope, expected: T.Type | None = None) -> T.Type:
        """The type of `node` in `scope`; `expected` helps resolve bare enum members."""
        method = getattr(self, "_" + type(node).__name__)
        return self.record(node, method(node, scope, expected))

    def _Number(self, node: ast.Number, scope, expected) -> T.Type:
        return T.INT if node.value.denominator == 1 and "." not in node.text else T.DECIMAL

    def _Quantity(self, node: ast.Quantity, scope, expected) -> T.Type:
        return T.UNIT_TYPES[node.unit]

    def _DateLit(self, node, scope, expected) -> T.Type:
        return T.DATE

    def _MonthLit(self, node, scope, expected) -> T.Type:
        return T.MONTH

    def _StringLit(self, node, scope, expected) -> T.Type:
        return T.TEXT

    def _BoolLit(self, node, scope, expected) -> T.Type:
        return T.BOOL

    def _NoneLit(self, node, scope, expected) -> T.Type:
        return T.NONE

    def _SetLit(self, node: ast.SetLit, scope, expected) -> T.Type:
        element_expected = expected.element if isinstance(expected, T.SetT) else expected
        element: T.Type | None = None
        for item in node.items:
            t = self.expr(item, scope, element_expected)
            if element is None or isinstance(element, T.ErrorT):
                element = t
                continue
            common = T.unify(element, t)
            if common is None and not isinstance(t, T.ErrorT):
                return self.error(
                    "E0400",
                    f"a set cannot mix {element.describe()} and {t.describe()}",
                    item.span,
                )
            element = common or element
        return T.SetT(element or T.ERROR)

    def _Name(self, node: ast.Name, scope: Scope, expected) -> T.Type:
        name = node.name
        s = self.symbols
        if isinstance(expected, T.EnumT) and self._is_member(expected.name, name):
            self.facts.refs[id(node)] = ("enum", (expected.name, name))
            return expected
        if name in scope.bindings:
            self.facts.refs[id(node)] = ("binding", name)
            return scope.bindings[name]
        if name in s.params:
            self.facts.refs[id(node)] = ("param", name)
            self.facts.use(scope.owner, f"param:{name}", node.span)
            t = s.param_types.get(name, T.ERROR)
            # An optional parameter (`T?`, no value) is never none where it is read: a
            # line reading it is not settled when it is not given.
            return T.strip_optional(t) if s.params[name].value is None else t
        if name in s.codesets:
            self.facts.refs[id(node)] = ("codeset", name)
            return T.CodesetT(s.codesets[name].system.name)
        if name in s.functions:
            return self.error(
                "E0406",
                f"`{name}` is a function; call it with its arguments",
                node.span,
                help=f"write `{name}(…)`",
            )
        if name in self.builtins and self.builtins[name].value is not None:
            self.facts.refs[id(node)] = ("builtin", name)
            return self.builtins[name].value
        owners = s.enum_of_member(name)
        if isinstance(expected, T.EnumT):
            if owners:
                return self.error(
                    "E0303",
                    f"`{name}` is a member of {owners[0]}, not of {expected.name}",
                    node.span,
                    help=self._member_hint(expected.name, name),
                )
            return self.error(
                "E0303",
                f"`{name}` is not a member of {expected.name}",
                node.span,
                help=self._member_hint(expected.name, name),
            )
        if len(owners) == 1:
            self.facts.refs[id(node)] = ("enum", (owners[0], name))
            return T.EnumT(owners[0])
        if len(owners) > 1:
            return self.error(
                "E0303",
                f"`{name}` is a member of several enums ({', '.join(owners)})",
                node.span,
                help="compare it with a field of the enum you mean, e.g. `v.mode == home`",
            )
        candidates = list(scope.bindings) + list(s.params) + list(s.codesets)
        candidates += [m.name for e in s.enums.values() for m in e.members]
        candidates += [n for n, b in self.builtins.items() if b.value is not None]
        return self.error(
            "E0300",
            f"unknown name `{name}`",
            node.span,
            help=did_you_mean(name, candidates)
            or "declare it with `param`, or bind it in the basis (e.g. `per Visit v`)",
        )

    def _is_member(self, enum: str, name: str) -> bool:
        decl = self.symbols.enums.get(enum)
        return decl is not None and any(m.name == name for m in decl.members)

    def _member_hint(self, enum: str, name: str) -> str:
        members = (
            [m.name for m in self.symbols.enums[enum].members] if enum in self.symbols.enums else []
        )
        return did_you_mean(name, members) or f"{enum} has: {', '.join(members)}"

    def _FieldAccess(self, node: ast.FieldAccess, scope, expected) -> T.Type:
        obj = T.strip_optional(self.expr(node.obj, scope))
        if isinstance(obj, T.ErrorT):
            return obj
        fields = self.fields_of(obj)
        if fields is None:
            return self.error(
                "E0301",
                f"{_article(obj)} has no fields",
                node.name.span,
                help="fields belong to records, events and spans, e.g. `v.date`",
            )
        if node.name.name not in fields:
            return self.error(
                "E0301",
                f"`{obj.describe()}` has no field `{node.name.name}`",
                node.name.span,
                help=did_you_mean(node.name.name, fields)
                or f"its fields are: {', '.join(sorted(fields))}",
            )
        return fields[node.name.name]

    def fields_of(self, t: T.Type) -> dict[str, T.Type] | None:
        """The fields of a record/event/span type (and of the built-in Episode)."""
        if not isinstance(t, T.RecordT):
            return None
        if t.kind == "episode":
            trigger = self.symbols.schema.get(t.name.removeprefix(EPISODE + ":"))
            provider = self._schema_type("Provider")
            patient = self._schema_type("Patient")
            return {
                "trigger": trigger.type if trigger else T.ERROR,
                "patient": patient,
                "provider": provider,
                "start": T.DATE,
                "end": T.DATE,
            }
        schema = self.symbols.schema.get(t.name)
        return dict(schema.fields) if schema else None

    def _schema_type(self, name: str) -> T.Type:
        schema = self.symbols.schema.get(name)
        return schema.type if schema else T.ERROR

    def _Unary(self, node: ast.Unary, scope, expected) -> T.Type:
        if node.op == "not":
            self.condition(node.operand, scope, "the operand of `not`")
            return T.BOOL
        t = self.expr(node.operand, scope)
        if isinstance(t, T.ErrorT):
            return t
        base = T.strip_optional(t)
        if base in (T.INT, T.DECIMAL, T.PERCENT, T.PP, T.MONEY) or isinstance(
            base, (T.Rate, T.Duration)
        ):
            return base
        return self.error("E0400", f"cannot negate {_article(base)}", node.span)

    def _Binary(self, node: ast.Binary, scope: Scope, expected) -> T.Type:
        op = node.op
        if op in ("and", "or"):
            self.condition(node.left, scope, f"the left side of `{op}`")
            self.condition(node.right, scope, f"the right side of `{op}`")
            return T.BOOL
        if op == "otherwise":
            left = self.expr(node.left, scope, expected)
            right = self.expr(node.right, scope, T.strip_optional(left))
            common = T.unify(T.strip_optional(left), right)
            if common is None:
                return self.error(
                    "E0400",
                    f"`otherwise` needs the same type on both sides, not {left.describe()} and {right.describe()}",
                    node.span,
                )
            return common
        if op in ("in", "not in"):
            return self._membership(node, scope)
        left = self.expr(node.left, scope)
        right = self.expr(node.right, scope, T.strip_optional(left))
        if isinstance(right, T.EnumT) and isinstance(left, T.ErrorT):
            return T.ERROR
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return self._comparison(node, left, right)
        if _is_complement(node, right):
            return T.PERCENT
        try:
            return T.arithmetic(op, left, right)
        except T.ArithmeticError_ as problem:
            return self.error("E0400", problem.message, node.span, help=problem.hint)

    def _comparison(self, node: ast.Binary, left: T.Type, right: T.Type) -> T.Type:
        if not T.comparable(left, right):
            return self.error(
                "E0401",
                f"cannot compare {_article(T.strip_optional(left))} with {_article(T.strip_optional(right))}",
                node.span,
                help=_compare_hint(left, right),
            )
        if node.op not in ("==", "!="):
            lt = T.strip_optional(left)
            if isinstance(lt, (T.EnumT, T.RecordT, T.SetT, T.CodesetT)) or lt == T.BOOL:
                return self.error(
                    "E0401",
                    f"{_article(lt)} has no order; only `==` and `!=` apply",
                    node.span,
                )
            if T.NONE in (left, right):
                return self.error(
                    "E0401",
                    "`none` can only be compared with `==` or `!=`",
                    node.span,
                    help="use `x otherwise default` to supply a value",
                )
        return T.BOOL

    def _membership(self, node: ast.Binary, scope: Scope) -> T.Type:
        left = self.expr(node.left, scope)
        element = T.strip_optional(left)
        if isinstance(element, T.SetT):
            element = element.element
        right = self.expr(node.right, scope, T.SetT(element))
        if isinstance(left, T.ErrorT) or isinstance(right, T.ErrorT):
            return T.BOOL
        if isinstance(right, T.CodesetT):
            if not isinstance(element, T.Code) and element != T.TEXT:
                return self.error(
                    "E0407",
                    f"only codes can be looked up in a code set, not {_article(element)}",
                    node.left.span,
                )
            if isinstance(element, T.Code) and element.system != right.system:
                return self.error(
                    "E0407",
                    f"{_an(element.system)} {element.system} code cannot be in "
                    f"{_an(right.system)} {right.system} code set",
                    node.span,
                    help=f"use a code set declared `: {element.system}`",
                )
            return T.BOOL
        right = T.strip_optional(right)
        if not isinstance(right, T.SetT):
            return self.error(
                "E0405",
                f"the right side of `{node.op}` must be a set or a code set, not {_article(right)}",
                node.right.span,
                help="write a set like `{physical, home}` or the name of a code set",
            )
        if not T.comparable(element, right.element) and not isinstance(right.element, T.ErrorT):
            return self.error(
                "E0401",
                f"cannot look for {_article(element)} in a set of {right.element.describe()}",
                node.span,
            )
        return T.BOOL

    def _If(self, node: ast.If, scope, expected) -> T.Type:
        self.condition(node.cond, scope, "the condition of `if`")
        then = self.expr(node.then, scope, expected)
        other = self.expr(node.otherwise, scope, expected or then)
        common = T.unify(then, other)
        if common is None:
            return self.error(
                "E0400",
                f"the branches of `if` have different types: {then.describe()} and {other.describe()}",
                node.span,
            )
        return common

    def _Call(self, node: ast.Call, scope: Scope, expected) -> T.Type:
        name = node.func.name
        s = self.symbols
        if name in s.params:
            self.facts.use(scope.owner, f"param:{name}", node.func.span)
            table = T.strip_optional(s.param_types.get(name, T.ERROR))
            self.facts.refs[id(node)] = ("table", name)
            if isinstance(table, T.ErrorT):
                return table
            if not isinstance(table, T.TableT):
                return self.error(
                    "E0406",
                    f"`{name}` is a parameter of type {table.describe()}, not a table",
                    node.func.span,
                )
            if len(node.args) != 1 or not _plain(node.args[0]):
                return self.error(
                    "E0406",
                    f"the table `{name}` is looked up with one key: `{name}(key)`",
                    node.span,
                )
            self.expect(node.args[0], scope, [table.key], f"the key of table `{name}`")
            return table.value
        if name in s.functions:
            return self._user_call(node, scope)
        if name in self.builtins:
            self.facts.refs[id(node)] = ("builtin", name)
            builtin = self.builtins[name]
            if builtin.check is None:
                return self.error(
                    "E0406",
                    f"`{name}` is a value, not a function",
                    node.span,
                    help=f"write `{name}`",
                )
            return builtin.check(self, node, scope)
        candidates = list(s.functions) + [n for n, b in self.builtins.items() if b.check]
        candidates += [p for p, t in s.param_types.items() if isinstance(t, T.TableT)]
        return self.error(
            "E0300",
            f"unknown function `{name}`",
            node.func.span,
            help=did_you_mean(name, candidates)
            or "declare it with `function`, or `use` the file that does",
        )

    def _user_call(self, node: ast.Call, scope: Scope) -> T.Type:
        name = node.func.name
        self.facts.refs[id(node)] = ("function", name)
        self.facts.use(scope.owner, f"function:{name}", node.func.span)
        params, result = self.symbols.function_types.get(name, ((), T.ERROR))
        decl = self.symbols.functions[name]
        if len(node.args) != len(decl.params) or not all(_plain(a) for a in node.args):
            for arg in node.args:
                if _plain(arg):
                    self.expr(arg, scope)
            return self.error(
                "E0406",
                f"`{name}` takes {len(decl.params)} argument{'s' if len(decl.params) != 1 else ''}, "
                f"given {len(node.args)}",
                node.span,
                help=f"{name}({', '.join(p.name.name for p in decl.params)})",
            )
        for arg, param_decl, param_type in zip(node.args, decl.params, params, strict=False):
            self.expect(arg, scope, [param_type], f"argument `{param_decl.name.name}` of `{name}`")
        return result

    # ------------------------------------------------------------ collections
    def collection(self, node: ast.Collection, scope: Scope) -> tuple[str, T.Type]:
        """Check a collection; return the variable it binds and its type."""
        if isinstance(node, ast.ListedCollection):
            self.expect(node.at, scope, [self._schema_type("Provider")], "the provider after `at`")
            var_type = self._schema_type("Patient")
        elif self.symbols.date_series(node.type.name) is not None:
            var_type = T.DATE  # `MonthEnd d`: the last day of each month in the window
        else:
            schema = self.symbols.schema.get(node.type.name)
            if schema is None or schema.kind == "record":
                known = [n for n, sc in self.symbols.schema.items() if sc.kind != "record"]
                known += list(DATE_SERIES)
                self.error(
                    "E0302",
                    f"`{node.type.name}` is not an event or span type"
                    if schema
                    else f"unknown type `{node.type.name}`",
                    node.type.span,
                    help=did_you_mean(node.type.name, known)
                    or "aggregates range over events and spans (Visit, Stay, Listing, …) "
                    "or over the month ends or starts of a window (MonthEnd d, MonthStart d)",
                )
                var_type = T.ERROR
            else:
                var_type = schema.type
        inner = scope.bind(**{node.var.name: var_type})
        self.condition(node.where, inner, "the `where` condition")
        if node.within is not None:
            self.within(node.within, inner)
        return node.var.name, var_type

    def within(self, node: ast.Within, scope: Scope) -> None:
        """Check `within N [before|after [X]]`."""
        self.expect(node.length, scope, [T.DAYS, T.MONTHS], "the length of a `within` window")
        if node.anchor is not None:
            self.expect(node.anchor, scope, [T.DATE], "the date a window is measured from")


def _an(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _plain(arg) -> bool:
    return not isinstance(arg, (ast.NamedArg, ast.AggregateArg, ast.ByArg))


def _is_complement(node: ast.Binary, right: T.Type) -> bool:
    """`100 % - x` with x a percent is the complement of a share, itself a percent (a
    difference of two other percentages is in percentage points)."""
    left = node.left
    return (
        node.op == "-"
        and isinstance(left, ast.Quantity)
        and left.unit == "%"
        and left.value == 100
        and T.strip_optional(right) == T.PERCENT
    )


def _bare_number_for_percent(node: ast.Expr, wanted: tuple[T.Type, ...]) -> bool:
    """`linear 70 to 90 %`, `reduce 33 of excess`: a literal number where only a percent fits."""
    if isinstance(node, ast.Unary) and node.op == "-":
        node = node.operand
    return (
        isinstance(node, ast.Number)
        and any(T.strip_optional(w) == T.PERCENT for w in wanted)
        and not any(T.strip_optional(w) in (T.INT, T.DECIMAL) for w in wanted)
    )


def _article(t: T.Type) -> str:
    text = t.describe()
    if isinstance(t, T.Prim):
        return f"{'an' if text[0] in 'aeiou' else 'a'} {text} value"
    if isinstance(t, T.RecordT):
        return f"a {text}"
    return text


def _unit_hint(actual: T.Type, wanted: tuple[T.Type, ...]) -> str | None:
    if T.MONEY in wanted and T.strip_optional(actual) in (T.INT, T.DECIMAL):
        return "give the number its unit, e.g. `390 kr`"
    if T.PERCENT in wanted and T.strip_optional(actual) == T.INT:
        return "write a percent with its unit, e.g. `70 %`"
    if any(isinstance(w, T.Duration) for w in wanted) and T.strip_optional(actual) in (
        T.INT,
        T.DECIMAL,
    ):
        return "give the number its unit, e.g. `900 days` or `2 years`"
    if isinstance(actual, T.Rate) and T.MONEY in wanted:
        return "a rate must be multiplied by a duration, e.g. `410 kr/year * 1 year`"
    return None


def _compare_hint(left: T.Type, right: T.Type) -> str | None:
    pair = {T.strip_optional(left), T.strip_optional(right)}
    if T.MONEY in pair and pair & {T.INT, T.DECIMAL}:
        return "give the number its unit, e.g. `100 kr`"
    if T.MONEY in pair and T.PERCENT in pair:
        return "compare money with money; to compare shares, divide amounts first"
    return None
