"""Indicators and performance (SPEC §3.7, normative): indicator results, scoring
through `attainment`, and bonus or penalty lines."""

from __future__ import annotations

from fractions import Fraction

from ersl import ast
from ersl.dates import Period
from ersl.interpreter.arithmetic import EvalError, rate_times_duration
from ersl.interpreter.batch_aggregates import expand
from ersl.interpreter.batch_base import Batch, Fallback, attempt
from ersl.interpreter.drafts import LineDraft
from ersl.interpreter.engine import indicator_counts as indicator_counts_columnar
from ersl.interpreter.engine_provider import performance_pots
from ersl.interpreter.env import Env
from ersl.interpreter.units import line_periods, valid_range
from ersl.interpreter.values import DurationValue, RateValue


def indicator_results(settler, name: str, period: Period) -> dict[str, Fraction]:
    """Result per provider id for an indicator in a period (applicable providers only)."""
    key = (name, period)
    if key not in settler._indicators:
        results = {}
        for provider in settler.run.data.providers():
            result = indicator_result(settler, settler.symbols.indicators[name], provider, period)
            if result is not None:
                results[provider.id] = result
        settler._indicators[key] = results
    return settler._indicators[key]


def indicator_result(
    settler, indicator: ast.Indicator, provider, period: Period
) -> Fraction | None:
    """|numerator ∩ population| / |population|, or the reported value; None if not applicable."""
    return indicator_counts(settler, indicator, provider, period)[0]


def indicator_counts(settler, indicator: ast.Indicator, provider, period: Period):
    """(result or None, population size, numerator size); sizes are None when reported."""
    if indicator.reported:
        value = settler.run.data.indicator_value(provider, indicator.name, period.label)
        return (None if value is None else Fraction(value)), None, None
    counted = indicator_counts_columnar(settler, indicator, provider, period)
    if counted is not None:
        population, numerator = counted
    else:
        try:
            population, numerator = _counts_in_batch(settler.run, indicator, provider, period)
        except Fallback:
            population, numerator = _counts(settler, indicator, provider, period)
    result = None if population == 0 else Fraction(numerator, population)
    return result, population, numerator


def _counts_in_batch(run, indicator: ast.Indicator, provider, period: Period) -> tuple[int, int]:
    """(population, numerator) evaluated for all members at once (`batch_aggregates`)."""
    if not run.batching():
        raise Fallback
    bev = run.batch
    outer = Batch.on({indicator.provider_var.name: [provider]}, 1, period.end, period)
    with attempt(run, f'indicator "{indicator.name}"'):
        members = expand(bev, indicator.population, outer)[1]
        if indicator.exclude is not None and members.n:
            excluded = bev.truths(indicator.exclude)(members)
            members = members.take([i for i, out in enumerate(excluded) if not out])
        if members.n == 0:
            return 0, 0
        return members.n, sum(1 for holds in bev.truths(indicator.numerator)(members) if holds)


def _counts(settler, indicator: ast.Indicator, provider, period: Period) -> tuple[int, int]:
    """(population, numerator), member by member."""
    ev = settler.run.evaluator
    env = Env({indicator.provider_var.name: provider}, period.end, period)
    population = numerator = 0
    try:
        for _, inner in ev.members(indicator.population, env):
            if indicator.exclude is not None and ev.truth(indicator.exclude, inner):
                continue
            population += 1
            if ev.truth(indicator.numerator, inner):
                numerator += 1
    except EvalError as error:
        raise settler.fail(
            error,
            f'indicator "{indicator.name}"',
            indicator,
            f"provider {provider.id}",
            period.end,
        ) from None
    return population, numerator


def score(
    settler, ref: ast.IndicatorRef, provider, period: Period, excluded: bool = False
) -> Fraction | None:
    """The attainment of one indicator line (0..1), or None when it does not apply: an
    empty population, or — only with `unreported excluded` — no reported value. By
    default a reported indicator without a value scores 0 and keeps its weight."""
    indicator = settler.symbols.indicators[ref.name]
    result = indicator_result(settler, indicator, provider, period)
    scoring = ref.scoring
    if scoring.kind == "reported":
        return Fraction(1 if result is not None else 0)
    if result is None:
        return Fraction(0) if indicator.reported and not excluded else None
    ev = settler.run.evaluator
    env = Env({}, period.end, period)
    low = Fraction(ev._operand(scoring.low, env))
    if scoring.kind == "above":
        holds = result < low if indicator.lower_is_better else result > low
        return Fraction(1 if holds else 0)
    if scoring.kind == "at_least":
        holds = result <= low if indicator.lower_is_better else result >= low
        return Fraction(1 if holds else 0)
    high = Fraction(ev._operand(scoring.high, env))
    sign = -1 if indicator.lower_is_better else 1
    return Fraction(settler.run.attainment(sign * result, sign * low, sign * high, env))


def performance_lines(settler, perf: ast.Performance) -> list[LineDraft]:
    """Bonus `pot × Σwa/Σw` or penalty `−pot × (1 − Σwa/Σw)` per provider and period."""
    ev = settler.run.evaluator
    valid = valid_range(settler.run.contract.valid if settler.run.contract else None, perf.valid)
    if valid is None:
        return []
    unit_name = (perf.each.name if perf.each else None) or settler.reconcile_unit
    drafts = []
    periods = line_periods(unit_name, valid, settler.period)
    pots = performance_pots(settler, perf, periods) or {}
    for period in periods:
        for provider in settler.run.data.providers():
            weights = Fraction(0)
            weighted = Fraction(0)
            scores = []
            env = Env({perf.provider_var.name: provider}, period.end, period)
            try:
                for ref in perf.indicators:
                    attainment = score(settler, ref, provider, period, perf.unreported is not None)
                    weight = (
                        Fraction(1)
                        if ref.weight is None
                        else Fraction(ev._operand(ref.weight, env))
                    )
                    scores.append((ref.name, attainment, weight))
                    if attainment is None:
                        continue
                    weights += weight
                    weighted += weight * attainment
                if weights == 0:
                    continue
                pot_node = perf.bonus if perf.bonus is not None else perf.penalty
                pot = pots.get((provider.id, period.label))
                if pot is None:
                    pot = ev._operand(pot_node, env)
                if isinstance(pot, RateValue):
                    from ersl.dates import days_in, months_in

                    length = DurationValue(months_in(period), "months", days_in(period))
                    pot = rate_times_duration(pot, length)
            except EvalError as error:
                raise settler.fail(
                    error,
                    f'performance "{perf.name}"',
                    perf,
                    f"provider {provider.id}",
                    period.end,
                ) from None
            share = weighted / weights
            amount = pot * share if perf.bonus is not None else -pot * (1 - share)
            draft = LineDraft(provider, period, perf.name, "performance", perf, [Fraction(amount)])
            draft.detail = {"pot": Fraction(pot), "share": share, "scores": scores}
            drafts.append(draft)
    return drafts
