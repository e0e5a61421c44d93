"""The bridge to the columnar engine for provider-level work (issue 14): payments per
provider and period (`provider q each …`, `split` included) and performance bonuses
and penalties, for every provider and period in one query each.

Like `engine.columnar_lines` for unit bases: a payment the plan does not handle, or
whose units meet something the reference reports, goes the batch path and from there
unit by unit; a bonus that does not compile is evaluated by the reference. What ran
where is in `Run.engine_report` (`ersl run --verbose`).
"""

from __future__ import annotations

from ersl import ast
from ersl.columnar import ColumnarEngine, NotCompiled
from ersl.columnar.plan import Problem
from ersl.columnar.provider import ProviderValues
from ersl.columnar.provider_plan import ProviderPaymentPlan
from ersl.dates import Period, clip, periods_in
from ersl.engines import COLUMNAR
from ersl.interpreter.drafts import TalliedLineDraft
from ersl.interpreter.engine import Constants
from ersl.interpreter.engine_ops import LINE_OPS
from ersl.interpreter.units import covers, valid_range


def _columnar(settler) -> bool:
    run = settler.run
    return run.engine == COLUMNAR and not settler.keep_units and run.batching()


def provider_lines(settler, payment: ast.Payment, capped: bool) -> list | None:
    """A `provider q each …` payment's draft lines from the columnar engine, or None
    (the batch path settles it; the reason is in `run.engine_report`)."""
    run = settler.run
    if not _columnar(settler):
        return None
    try:
        if capped:
            raise NotCompiled("a cap applies to it")
        drafts = _settle(settler, payment)
    except (NotCompiled, Problem) as reason:
        run.engine_report[payment.name] = f"batch path: {reason}"
        return None
    run.engine_report[payment.name] = COLUMNAR
    return drafts


def provider_periods(settler, valid, each: str) -> list[Period]:
    """The periods of a provider basis in the run: calendar periods of `each` clipped to
    the valid range, those the run covers whole (as `units.iterate_units`)."""
    run_period = settler.period
    start, end = max(valid[0], run_period.start), min(valid[1], run_period.end)
    if end < start:
        return []
    periods = [clip(whole, *valid) for whole in periods_in(start, end, each)]
    return [p for p in periods if p is not None and covers(run_period, p)]


def _settle(settler, payment: ast.Payment) -> list:
    run = settler.run
    valid = valid_range(run.contract.valid if run.contract else None, payment.valid)
    if valid is None:
        return []
    periods = provider_periods(settler, valid, payment.basis.each.name)
    if not periods:
        return []
    providers = run.data.providers()
    if run.columnar is None:
        run.columnar = ColumnarEngine(run.data, run.checked)
    consts = Constants(run, min(p.start for p in periods))
    plan = ProviderPaymentPlan(run.columnar, payment, consts, LINE_OPS)
    kind = payment.kind.name if payment.kind else "variable"
    return [
        TalliedLineDraft(
            providers[unit.provider],
            periods[unit.period],
            payment.name,
            kind,
            payment,
            tally=((unit.amount, 1),),
            unit_count=1,
            total=unit.amount,
        )
        for unit in plan.run(list(range(len(providers))), periods)
    ]


def performance_pots(settler, perf: ast.Performance, periods: list[Period]) -> dict | None:
    """A performance line's bonus (or penalty) per (provider id, period label) from the
    columnar engine, None where the reference must evaluate it; None altogether when
    the expression does not compile (the reason is in `run.engine_report`)."""
    run = settler.run
    if not _columnar(settler) or not periods:
        return None
    name = f"performance {perf.name}"
    word = "bonus" if perf.bonus is not None else "penalty"
    node = perf.bonus if perf.bonus is not None else perf.penalty
    providers = run.data.providers()
    if run.columnar is None:
        run.columnar = ColumnarEngine(run.data, run.checked)
    try:
        consts = Constants(run, min(p.start for p in periods))
        plan = ProviderValues(run.columnar, node, perf.provider_var.name, consts, LINE_OPS)
        values = plan.values(list(range(len(providers))), periods)
    except NotCompiled as reason:
        run.engine_report[name] = f"{word}: reference ({reason})"
        return None
    run.engine_report[name] = f"{word}: columnar"
    return {(providers[q].id, periods[i].label): v for (q, i), v in values.items()}
