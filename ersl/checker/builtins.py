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
    """A built-in: `check` types a call; `value` is the type when used as a bare name."""

    check: Callable | None = None
    value: T.Type | None = None
    doc: str = ""


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
    "today": Builtin(value=T.DATE, doc="the context date of the basis"),
    "age": Builtin(
        _positional([["Patient"]], T.INT, "age(p)"), doc="completed years on the context date"
    ),
    "age_in_year": Builtin(
        _positional([["Patient"]], T.INT, "age_in_year(p)"), doc="context year minus birth year"
    ),
    "year": Builtin(_positional([[T.DATE]], T.INT, "year(d)")),
    "month_start": Builtin(
        _positional([[T.DATE]], T.DATE, "month_start(d)"), doc="the first day of d's month"
    ),
    "month_end": Builtin(
        _positional([[T.DATE]], T.DATE, "month_end(d)"), doc="the last day of d's month"
    ),
    "month": Builtin(_positional([[T.DATE]], T.INT, "month(d)")),
    "days": Builtin(_positional([[T.DAYS, T.MONTHS]], T.INT, "days(duration)")),
    "size": Builtin(_size),
    "listed_at": Builtin(
        _positional(
            [["Patient"], [T.DATE]], lambda c: T.Optional(_schema(c, "Provider")), "listed_at(p, d)"
        )
    ),
    "listed_count": Builtin(_positional([["Provider"], [T.DATE]], T.INT, "listed_count(q, d)")),
    "min": Builtin(_extreme),
    "max": Builtin(_extreme),
    "abs": Builtin(_abs),
    "round": Builtin(_round),
    "paid": Builtin(_paid),
    "value": Builtin(
        _indicator_fn(T.Optional(T.PERCENT), True),
        doc="the indicator's result for q in the period; none where it has no result",
    ),
    "rank": Builtin(
        _indicator_fn(T.Optional(T.INT), True),
        doc="1 + the providers with a strictly better result; none where q has no result",
    ),
    "region_mean": Builtin(
        _indicator_fn(T.Optional(T.PERCENT), False),
        doc="the mean result over the providers with one; none where no provider has one",
    ),
    "reported": Builtin(
        _indicator_fn(T.BOOL, True),
        doc="whether the indicator has a result for q in the period (a reported value, "
        "or a population that is not empty)",
    ),
    "monthly_average": Builtin(_monthly_average),
    "count": Builtin(_count),
    "exists": Builtin(_exists),
    "sum": Builtin(_summing("sum", False)),
    "mean": Builtin(_summing("mean", True)),
    "split": Builtin(_split),
}
