"""Run-time implementations of the built-in functions (SPEC §3.4).

Each takes (evaluator, call node, env) and returns a value; the checker has
already validated the arguments (`ersl.checker.builtins`).
"""

from __future__ import annotations

from fractions import Fraction

from ersl import ast
from ersl.dates import age, age_in_year, month_end, month_start, month_start_dates
from ersl.exact import round_to
from ersl.interpreter.arithmetic import EvalError, add, divide, shift
from ersl.interpreter.batch_aggregates import aggregate_for
from ersl.interpreter.batch_base import Fallback
from ersl.interpreter.env import describe
from ersl.interpreter.values import DurationValue, RateValue, zero_of


def _arg(ev, node: ast.Call, env, i: int = 0):
    return ev._operand(node.args[i], env)


def _age(ev, node, env):
    return _age_of(ev, node, _arg(ev, node, env), env.date)


def _age_of(ev, node, person, on):
    born = person["birth_date"]
    if on < born:  # data can date events before a birth: an error, not a crash
        raise EvalError(
            f"`{ev.run.text(node)}`: {person.type.lower()} {person.id} is not born on "
            f"{on} (birth date {born})",
            help="check the birth date and the dates of this patient's records",
        )
    return age(born, on)


def _age_in_year(ev, node, env):
    return age_in_year(_arg(ev, node, env)["birth_date"], env.date)


def _year(ev, node, env):
    return _arg(ev, node, env).year


def _month(ev, node, env):
    return _arg(ev, node, env).month


def _month_start(ev, node, env):
    return month_start(_arg(ev, node, env))


def _month_end(ev, node, env):
    return month_end(_arg(ev, node, env))


def _days(ev, node, env):
    """Days in a duration; a duration in months counts the days from the context date."""
    duration = _arg(ev, node, env)
    if duration.unit == "days":
        return duration.count
    return (shift(env.date, duration, 1) - env.date).days


def _size(ev, node, env):
    return len(_arg(ev, node, env))


def _listed_at(ev, node, env):
    return ev.run.data.listed_at(_arg(ev, node, env, 0), _arg(ev, node, env, 1))


def _listed_count(ev, node, env):
    return ev.run.data.listed_count(_arg(ev, node, env, 0), _arg(ev, node, env, 1))


def _values_of(ev, node: ast.Call, env):
    if len(node.args) == 1 and isinstance(node.args[0], ast.AggregateArg):
        agg = node.args[0]
        return [ev._operand(agg.value, inner) for _, inner in ev.members(agg.collection, env)]
    return [ev._operand(a, env) for a in node.args]


def _key(value):
    return (
        value.amount
        if isinstance(value, RateValue)
        else value.count
        if isinstance(value, DurationValue)
        else value
    )


def _min(ev, node, env):
    values = _values_of(ev, node, env)
    if not values:
        raise EvalError(f"`{ev.run.text(node)}` has no values to take the minimum of", code="E0905")
    return min(values, key=_key)


def _max(ev, node, env):
    values = _values_of(ev, node, env)
    if not values:
        raise EvalError(f"`{ev.run.text(node)}` has no values to take the maximum of", code="E0905")
    return max(values, key=_key)


def _abs(ev, node, env):
    value = _arg(ev, node, env)
    if isinstance(value, RateValue):
        return RateValue(abs(value.amount), value.per)
    return abs(value)


def _round(ev, node, env):
    value = _arg(ev, node, env)
    increment = ev._operand(node.args[1].value, env)
    mode = ev.run.rounding_mode
    step = Fraction(increment.amount if isinstance(increment, RateValue) else increment)
    if step <= 0:
        raise EvalError(
            f"`{ev.run.text(node)}`: the increment `{ev.run.text(node.args[1].value)}` is "
            f"{describe(step)}, but it must be positive",
            help="round to a positive increment, e.g. `to: 1 kr`",
        )
    if isinstance(value, RateValue):
        return RateValue(round_to(Fraction(value.amount), step, mode), value.per)
    return round_to(Fraction(value), step, mode)


def _paid(ev, node, env):
    name = node.args[0].value
    payee = _arg(ev, node, env, 1)
    return ev.run.paid(name, payee, env.period)


def _value(ev, node, env):
    """The result, or none where the indicator has none (empty population, nothing
    reported): `value(q, "I") otherwise 0 %` says what to use then."""
    provider = _arg(ev, node, env, 0)
    return ev.run.indicator_results(node.args[1].value, env.period).get(provider.id)


def _reported(ev, node, env):
    provider = _arg(ev, node, env, 0)
    return provider.id in ev.run.indicator_results(node.args[1].value, env.period)


def _rank(ev, node, env):
    provider = _arg(ev, node, env, 0)
    name = node.args[1].value
    results = ev.run.indicator_results(name, env.period)
    if provider.id not in results:
        return None
    lower = ev.run.checked.symbols.indicators[name].lower_is_better
    mine = results[provider.id]
    better = sum(1 for r in results.values() if (r < mine if lower else r > mine))
    return better + 1


def _region_mean(ev, node, env):
    name = node.args[0].value
    results = ev.run.indicator_results(name, env.period)
    if not results:
        return None
    return sum(results.values(), Fraction(0)) / len(results)


def _monthly_average(ev, node, env):
    months = month_start_dates(env.period.start, env.period.end)
    if not months:
        raise EvalError(
            f"the period {env.period.label} has no first day of a month to average over",
            code="E0905",
        )
    total = None
    for first in months:
        value = ev._operand(node.args[0], env.at(first))
        total = value if total is None else add(total, value)
    return divide(total, len(months))


def _count(ev, node, env):
    try:
        return aggregate_for(ev.run, node, env)
    except Fallback:
        return sum(1 for _ in ev.members(node.args[0].collection, env))


def _exists(ev, node, env):
    try:
        return aggregate_for(ev.run, node, env)
    except Fallback:
        return any(True for _ in ev.members(node.args[0].collection, env))


def _sum(ev, node, env):
    if isinstance(node.args[0], ast.AggregateArg):
        try:
            return aggregate_for(ev.run, node, env)
        except Fallback:
            pass
    values = _values_of(ev, node, env)
    if not values:
        return zero_of(ev.types.get(id(node)))
    total = values[0]
    for value in values[1:]:
        total = add(total, value)
    return total


def _mean(ev, node, env):
    values = _values_of(ev, node, env)
    if not values:
        raise EvalError(f"`{ev.run.text(node)}` has no values to average", code="E0905")
    total = values[0]
    for value in values[1:]:
        total = add(total, value)
    return divide(total, len(values))


def _split(ev, node, env):
    pot = _arg(ev, node, env, 0)
    totals = (env.split or {}).get(id(node))
    if totals is None:  # pragma: no cover - the settler always provides totals
        raise EvalError("`split` can only be used in a payment's amount")
    by_total, units = totals
    how = node.args[1]
    if isinstance(how, ast.ByArg):
        share = ev._operand(how.value, env)
        if by_total == 0:
            raise EvalError(
                f"`split` by `{ev.run.text(how.value)}`: the values add up to zero, so the pot cannot be shared",
                code="E0905",
            )
    else:
        share = None
    return split_share(pot, share, by_total, units)


def split_share(pot, share, by_total, units: int):
    """One unit's part of a `split` pot: `pot × share / Σ shares` (`by`), else
    `pot / units` (`equally`); the caller has checked that Σ shares is not zero."""
    if share is not None:
        return pot * Fraction(share) / by_total
    return pot / Fraction(units)


BUILTINS = {
    "age": _age,
    "age_in_year": _age_in_year,
    "year": _year,
    "month": _month,
    "month_start": _month_start,
    "month_end": _month_end,
    "days": _days,
    "size": _size,
    "listed_at": _listed_at,
    "listed_count": _listed_count,
    "min": _min,
    "max": _max,
    "abs": _abs,
    "round": _round,
    "paid": _paid,
    "value": _value,
    "rank": _rank,
    "reported": _reported,
    "region_mean": _region_mean,
    "monthly_average": _monthly_average,
    "count": _count,
    "exists": _exists,
    "sum": _sum,
    "mean": _mean,
    "split": _split,
}


# Compiled forms of the simplest built-ins: the argument closures are built once,
# so a call costs one Python call per unit instead of a dispatch per argument.
def _compile_unary(function):
    def compile_call(ev, node):
        arg = ev._operand_fn(node.args[0])
        return lambda env: function(arg(env), env)

    return compile_call


def _compile_binary(function):
    def compile_call(ev, node):
        first, second = ev._operand_fn(node.args[0]), ev._operand_fn(node.args[1])
        return lambda env: function(first(env), second(env))

    return compile_call


def _compile_age(ev, node):
    arg = ev._operand_fn(node.args[0])
    return lambda env: _age_of(ev, node, arg(env), env.date)


def _compile_listed_at(ev, node):
    first, second = ev._operand_fn(node.args[0]), ev._operand_fn(node.args[1])
    data = ev.run.data
    return lambda env: data.listed_at(first(env), second(env))


def _compile_listed_count(ev, node):
    first, second = ev._operand_fn(node.args[0]), ev._operand_fn(node.args[1])
    data = ev.run.data
    return lambda env: data.listed_count(first(env), second(env))


COMPILED = {
    "age": _compile_age,
    "age_in_year": _compile_unary(lambda p, env: age_in_year(p["birth_date"], env.date)),
    "year": _compile_unary(lambda d, env: d.year),
    "month": _compile_unary(lambda d, env: d.month),
    "month_start": _compile_unary(lambda d, env: month_start(d)),
    "month_end": _compile_unary(lambda d, env: month_end(d)),
    "size": _compile_unary(lambda s, env: len(s)),
    "listed_at": _compile_listed_at,
    "listed_count": _compile_listed_count,
}
