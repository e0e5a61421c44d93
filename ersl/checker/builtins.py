"""Signatures of ERSL's built-in functions and values (SPEC §3.4), for the checker.

Each entry is a small function from (checker, call, scope) to the result type;
simple positional signatures share one helper. The interpreter implements the
same names in `ersl.interpreter.builtins`.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ersl import ast
from ersl import types as T
from ersl.diagnostics import did_you_mean


@attrs.frozen
class Builtin:
    """A built-in: `check` types a call; `value` is the type when used as a bare name.

    `signature` and `doc` describe it to people (the language server's hover and completion).
    """

    check: Callable | None = None
    value: T.Type | None = None
    doc: str = ""
    signature: str = ""


def _arity(checker, node: ast.Call, count: int, usage: str) -> bool:
    plain = [a for a in node.args if not isinstance(a, (ast.NamedArg, ast.AggregateArg, ast.ByArg))]
    if len(node.args) != count or len(plain) != count:
        checker.error(
            "E0406",
            f"`{node.func.name}` takes {count} argument{'s' if count != 1 else ''}",
            node.span,
            help=f"write `{usage}`",
        )
        return False
    return True


def _plain(arg) -> bool:
    return not isinstance(arg, (ast.NamedArg, ast.AggregateArg, ast.ByArg))


def _schema(checker, name: str) -> T.Type:
    schema = checker.symbols.schema.get(name)
    return schema.type if schema else T.ERROR


def _positional(params: list, result, usage: str) -> Callable:
    """A built-in with fixed positional parameters; types may be schema names."""

    def check(checker, node: ast.Call, scope) -> T.Type:
        if not _arity(checker, node, len(params), usage):
            return T.ERROR
        for arg, wanted in zip(node.args, params, strict=True):
            wanted_types = [(_schema(checker, w) if isinstance(w, str) else w) for w in wanted]
            checker.expect(arg, scope, wanted_types, f"the argument of `{node.func.name}`")
        return (
            _schema(checker, result)
            if isinstance(result, str)
            else result(checker)
            if callable(result)
            else result
        )

    return check


def _aggregate_arg(checker, node: ast.Call, scope, needs_value: bool, usage: str):
    if len(node.args) != 1 or not isinstance(node.args[0], ast.AggregateArg):
        checker.error(
            "E0406", f"`{node.func.name}` takes a collection", node.span, help=f"write `{usage}`"
        )
        for arg in node.args:
            if not isinstance(arg, (ast.NamedArg, ast.AggregateArg, ast.ByArg)):
                checker.expr(arg, scope)
        return None
    agg = node.args[0]
    var, var_type = checker.collection(agg.collection, scope)
    if needs_value and agg.value is None:
        checker.error(
            "E0406",
            f"`{node.func.name}` needs a value to add up",
            node.span,
            help=f"write `{usage}`",
        )
        return None
    if not needs_value and agg.value is not None:
        checker.error(
            "E0406",
            f"`{node.func.name}` takes no value before `for`",
            agg.span,
            help=f"write `{usage}`",
        )
        return None
    if agg.value is None:
        return T.BOOL
    return checker.expr(agg.value, scope.bind(**{var: var_type}))


def _count(checker, node, scope):
    _aggregate_arg(checker, node, scope, False, "count(Visit v where …)")
    return T.INT


def _exists(checker, node, scope):
    _aggregate_arg(checker, node, scope, False, "exists(Visit v where …)")
    return T.BOOL


def _summing(name: str, to_decimal: bool):
    def check(checker, node, scope):
        value = _aggregate_arg(checker, node, scope, True, f"{name}(E for Stay s where …)")
        if value is None or isinstance(value, T.ErrorT):
            return T.ERROR
        base = T.strip_optional(value)
        if base not in (T.INT, T.DECIMAL, T.PERCENT, T.MONEY, T.PP) and not isinstance(
            base, (T.Rate, T.Duration)
        ):
            return checker.error(
                "E0405", f"cannot {name} {base.describe()} values", node.args[0].span
            )
        return T.DECIMAL if to_decimal and base == T.INT else base

    return check


def _extreme(checker, node: ast.Call, scope):
    if len(node.args) == 1 and isinstance(node.args[0], ast.AggregateArg):
        return _summing(node.func.name, False)(checker, node, scope)
    if len(node.args) < 2 or any(
        isinstance(a, (ast.NamedArg, ast.AggregateArg, ast.ByArg)) for a in node.args
    ):
        return checker.error(
            "E0406",
            f"`{node.func.name}` takes two or more values",
            node.span,
            help=f"write `{node.func.name}(a, b)`",
        )
    result = None
    for arg in node.args:
        t = checker.expr(arg, scope)
        if result is None:
            result = t
            continue
        common = T.unify(result, t)
        if common is None:
            return checker.error(
                "E0405",
                f"`{node.func.name}` needs values of one type, not {result.describe()} and {t.describe()}",
                arg.span,
            )
        result = common
    return result


def _abs(checker, node, scope):
    if not _arity(checker, node, 1, "abs(x)"):
        return T.ERROR
    return checker.expr(node.args[0], scope)


def _round(checker, node: ast.Call, scope):
    usage = "round(x, to: 0.01 kr)"
    if (
        len(node.args) != 2
        or not _plain(node.args[0])
        or not isinstance(node.args[1], ast.NamedArg)
        or node.args[1].name.name != "to"
    ):
        return checker.error(
            "E0406",
            "`round` takes a value and `to:` an increment",
            node.span,
            help=f"write `{usage}`",
        )
    value = checker.expr(node.args[0], scope)
    checker.expect(node.args[1].value, scope, [T.strip_optional(value)], "the rounding increment")
    return value


def _monthly_average(checker, node, scope):
    if not _arity(checker, node, 1, "monthly_average(count(listed patients p at q))"):
        return T.ERROR
    t = checker.expect(node.args[0], scope, [T.DECIMAL, T.MONEY], "the value to average")
    return T.DECIMAL if T.strip_optional(t) in (T.INT, T.PERCENT) else t


def _size(checker, node, scope):
    if not _arity(checker, node, 1, "size(v.diagnoses)"):
        return T.ERROR
    t = T.strip_optional(checker.expr(node.args[0], scope))
    if not isinstance(t, (T.SetT, T.ErrorT)):
        checker.error(
            "E0405",
            f"`size` counts the elements of a set, not of {t.describe()}",
            node.args[0].span,
        )
    return T.INT


def _line_name(checker, node: ast.Expr, scope) -> None:
    if not isinstance(node, ast.StringLit):
        checker.error(
            "E0406",
            "the line name must be written in quotes",
            node.span,
            help='e.g. paid("Besöksersättning", q)',
        )
        return
    names = checker.symbols.line_names()
    if node.value not in names:
        checker.error(
            "E0304",
            f'there is no payment, cap, performance or bundle named "{node.value}"',
            node.span,
            help=did_you_mean(node.value, names),
        )
        return
    checker.facts.use(scope.owner, f"line:{node.value}", node.span)


def _indicator_name(checker, node: ast.Expr, scope) -> None:
    if not isinstance(node, ast.StringLit):
        checker.error("E0406", "the indicator name must be written in quotes", node.span)
        return
    if node.value not in checker.symbols.indicators:
        checker.error(
            "E0305",
            f'there is no indicator named "{node.value}"',
            node.span,
            help=did_you_mean(node.value, checker.symbols.indicators),
        )
        return
    checker.facts.use(scope.owner, f"indicator:{node.value}", node.span)


def _paid(checker, node, scope):
    if not _arity(checker, node, 2, 'paid("Name", q)'):
        return T.MONEY
    _line_name(checker, node.args[0], scope)
    checker.expect(node.args[1], scope, [_schema(checker, "Provider")], "the payee of `paid`")
    return T.MONEY


def _indicator_fn(result: T.Type, with_provider: bool):
    def check(checker, node, scope):
        usage = (
            f'{node.func.name}(q, "Indicator")'
            if with_provider
            else f'{node.func.name}("Indicator")'
        )
        if not _arity(checker, node, 2 if with_provider else 1, usage):
            return result
        if with_provider:
            checker.expect(
                node.args[0],
                scope,
                [_schema(checker, "Provider")],
                f"the provider of `{node.func.name}`",
            )
        _indicator_name(checker, node.args[-1], scope)
        return result

    return check


def _split(checker, node: ast.Call, scope):
    usage = "split(415 tkr, equally) or split(6.5 Mkr, by average_listed(q))"
    if not scope.allow_split:
        checker.error(
            "E0408",
            "`split` shares a pot between a payment's units; it can only be used in a payment's `amount`",
            node.func.span,
        )
    if len(node.args) != 2 or not _plain(node.args[0]):
        return checker.error(
            "E0406", "`split` takes a pot and how to share it", node.span, help=f"write `{usage}`"
        )
    checker.expect(node.args[0], scope, [T.MONEY], "the pot of `split`")
    how = node.args[1]
    if isinstance(how, ast.ByArg):
        checker.expect(how.value, scope, [T.DECIMAL, T.MONEY], "the share key after `by`")
    elif not (isinstance(how, ast.Name) and how.name == "equally"):
        checker.error(
            "E0406", "share a pot `equally` or `by` a value", how.span, help=f"write `{usage}`"
        )
    return T.MONEY


BUILTINS: dict[str, Builtin] = {
    "today": Builtin(
        value=T.DATE,
        signature="today: date",
        doc="The context date of the basis the expression runs in (a visit's date, the first "
        "day of a listing month, …).",
    ),
    "age": Builtin(
        _positional([["Patient"]], T.INT, "age(p)"),
        signature="age(p: Patient): int",
        doc="The patient's age in completed years on the context date (a 29 February birthday "
        "falls on 1 March in common years).",
    ),
    "age_in_year": Builtin(
        _positional([["Patient"]], T.INT, "age_in_year(p)"),
        signature="age_in_year(p: Patient): int",
        doc="The context year minus the patient's birth year (the age the patient turns "
        "during the year).",
    ),
    "year": Builtin(
        _positional([[T.DATE]], T.INT, "year(d)"),
        signature="year(d: date): int",
        doc="The year of a date.",
    ),
    "month": Builtin(
        _positional([[T.DATE]], T.INT, "month(d)"),
        signature="month(d: date): int",
        doc="The month of a date, 1 to 12.",
    ),
    "month_start": Builtin(
        _positional([[T.DATE]], T.DATE, "month_start(d)"),
        signature="month_start(d: date): date",
        doc="The first day of the date's month.",
    ),
    "month_end": Builtin(
        _positional([[T.DATE]], T.DATE, "month_end(d)"),
        signature="month_end(d: date): date",
        doc="The last day of the date's month.",
    ),
    "days": Builtin(
        _positional([[T.DAYS, T.MONTHS]], T.INT, "days(duration)"),
        signature="days(d: duration): int",
        doc="The number of days of a duration.",
    ),
    "size": Builtin(
        _size,
        signature="size(s: set of T): int",
        doc="The number of elements of a set (an absent set field is the empty set).",
    ),
    "listed_at": Builtin(
        _positional(
            [["Patient"], [T.DATE]], lambda c: T.Optional(_schema(c, "Provider")), "listed_at(p, d)"
        ),
        signature="listed_at(p: Patient, d: date): Provider?",
        doc="The provider the patient is listed at on the date, or none.",
    ),
    "listed_count": Builtin(
        _positional([["Provider"], [T.DATE]], T.INT, "listed_count(q, d)"),
        signature="listed_count(q: Provider, d: date): int",
        doc="The number of patients listed at the provider on the date.",
    ),
    "min": Builtin(
        _extreme,
        signature="min(a, b, …) or min(E for Visit v where C)",
        doc="The smallest of two or more values of one type, or of a value over a collection.",
    ),
    "max": Builtin(
        _extreme,
        signature="max(a, b, …) or max(E for Visit v where C)",
        doc="The largest of two or more values of one type, or of a value over a collection.",
    ),
    "abs": Builtin(_abs, signature="abs(x): same type as x", doc="The absolute value."),
    "round": Builtin(
        _round,
        signature="round(x, to: INCREMENT): same type as x",
        doc="`x` rounded to a multiple of the increment (e.g. `to: 0.01 kr`) with the "
        "contract's rounding mode.",
    ),
    "paid": Builtin(
        _paid,
        signature='paid("Name", q: Provider): money',
        doc="The exact total of the statement line `Name` for payee `q` in the same period "
        "(cycles between lines are a checker error).",
    ),
    "value": Builtin(
        _indicator_fn(T.Optional(T.PERCENT), True),
        signature='value(q: Provider, "Indicator"): percent?',
        doc="The provider's result for the indicator in the period; none where it has no "
        "result (use `otherwise`, or `reported(q, …) and …`).",
    ),
    "rank": Builtin(
        _indicator_fn(T.Optional(T.INT), True),
        signature='rank(q: Provider, "Indicator"): int?',
        doc="The provider's rank among the providers with a result for the indicator "
        "(1 is best; equal results share a rank); none where it has no result.",
    ),
    "region_mean": Builtin(
        _indicator_fn(T.Optional(T.PERCENT), False),
        signature='region_mean("Indicator"): percent?',
        doc="The mean result of the providers with a result for the indicator; none where "
        "no provider has one.",
    ),
    "reported": Builtin(
        _indicator_fn(T.BOOL, True),
        signature='reported(q: Provider, "Indicator"): bool',
        doc="Whether the provider has a result for the indicator in the period (a reported "
        "value, or a population that is not empty).",
    ),
    "monthly_average": Builtin(
        _monthly_average,
        signature="monthly_average(E): decimal or money",
        doc="E evaluated on the first day of each month of the enclosing period, averaged.",
    ),
    "count": Builtin(
        _count,
        signature="count(Visit v where C [within …]) or count(listed patients p at q where C)",
        doc="The number of events, spans or listed patients that meet the condition; without "
        "`within` the enclosing period.",
    ),
    "exists": Builtin(
        _exists,
        signature="exists(Visit v where C [within …]): bool",
        doc="Whether at least one event or span meets the condition.",
    ),
    "sum": Builtin(
        _summing("sum", False),
        signature="sum(E for Stay s where C [within …])",
        doc="The sum of E over the events or spans that meet the condition.",
    ),
    "mean": Builtin(
        _summing("mean", True),
        signature="mean(E for Enrolment e where C [within …])",
        doc="The mean of E over the events or spans that meet the condition.",
    ),
    "split": Builtin(
        _split,
        signature="split(pot: money, equally) or split(pot: money, by E)",
        doc="Shares a pot between a payment's units, equally or in proportion to E; only in "
        "a payment's `amount`.",
    ),
}
