"""The bridge to the columnar engine (`ersl.columnar`, issue 14): which engine settles
a payment, the parameter values and literals the compiler needs (as its neutral
values), and its line totals as draft lines.

`ersl run --engine columnar` settles each payment the compiler handles with one
DuckDB query; any other payment, and any whose query meets a unit the reference
reports (a none operand, a key in no band), goes the batch path (`bulk`) and from
there unit by unit, exactly as with `--engine reference`. `Run.engine_report` says
which payments ran where (`ersl run --verbose`).
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from ersl import ast
from ersl.columnar import Band, BandTable, ColumnarEngine, Mapping, NotCompiled, Rate
from ersl.columnar.plan import Problem
from ersl.columnar.provider import IndicatorCounts, ProviderValues
from ersl.columnar.values import DIVIDES_BY_ZERO, Duration
from ersl.dates import month_start_dates
from ersl.engines import COLUMNAR
from ersl.interpreter.bundles import coverage_by
from ersl.interpreter.drafts import TalliedLineDraft
from ersl.interpreter.engine_bundles import covered_totals
from ersl.interpreter.engine_ops import LINE_OPS
from ersl.interpreter.run import MappingTable, Table
from ersl.interpreter.units import line_period_of, line_periods, run_range, valid_range
from ersl.interpreter.values import DurationValue, RateValue, number_value, quantity_value


def columnar_lines(settler, payment: ast.Payment, capped: bool) -> list | None:
    """The payment's draft lines from the columnar engine, or None (the batch path
    settles it; the reason is in `run.engine_report`)."""
    run = settler.run
    if run.engine != COLUMNAR or settler.keep_units or not run.batching():
        return None
    try:
        drafts = _settle(settler, payment, capped)
    except (NotCompiled, Problem) as reason:
        run.engine_report[payment.name] = f"batch path: {reason}"
        return None
    run.engine_report[payment.name] = COLUMNAR
    return drafts


def _settle(settler, payment: ast.Payment, capped: bool) -> list:
    run = settler.run
    if payment.basis is None:
        raise NotCompiled("no basis")
    if ast.split_calls(payment.amount):
        raise NotCompiled("`split` in the amount")
    by = coverage_by(payment) if settler.symbols.bundles else None
    valid = valid_range(run.contract.valid if run.contract else None, payment.valid)
    days = None if valid is None else run_range(valid, settler.period)
    if days is None:
        return []
    line_period = line_period_of(valid, settler.settle_unit)
    if isinstance(payment.basis, ast.ListedBasis) or (
        isinstance(payment.basis, ast.SpanBasis) and payment.basis.each.name == "month"
    ):
        unit_days = month_start_dates(*days)
    else:
        count = (days[1] - days[0]).days + 1
        unit_days = [days[0] + datetime.timedelta(n) for n in range(count)]
    periods: list = []
    index: dict[str, int] = {}
    pairs = []
    for day in unit_days:
        period = line_period(day)
        if period.label not in index:
            index[period.label] = len(periods)
            periods.append(period)
        pairs.append((day, index[period.label], period.start, period.end))
    if not pairs:
        return []
    if run.columnar is None:
        run.columnar = ColumnarEngine(run.data, run.checked)
    # every unit's day (`today`) lies in the run's days and on the unit days
    window = (min(days[0], unit_days[0]), max(days[1], unit_days[-1]))
    consts = Constants(run, days[0], unit_days=window)
    plan = run.columnar.plan(payment, consts, run.rounding_scope == "unit", by is not None)
    if by is None:
        totals = plan.run(pairs)
    else:
        totals = covered_totals(settler, payment, plan, pairs, by, capped, Constants)
    if capped:
        settler.columnar_plans[payment.name] = (plan, pairs)
    providers = run.data.providers()
    kind = payment.kind.name if payment.kind else "variable"
    return [
        TalliedLineDraft(
            providers[t.payee],
            periods[t.period],
            payment.name,
            kind,
            payment,
            tally=t.tally,
            unit_count=t.count,
            total=t.total,
        )
        for t in totals
    ]


def cap_totals(settler, cap: ast.Cap, payment: ast.Payment) -> dict | None:
    """What the cap's A adds from a payment the columnar engine settled: per provider
    id, (day, exact total) of the units the cap applies to; None when the payment was
    not settled columnar or the cap's `where` has no columnar form (the cap then reads
    the payment's units as before)."""
    key = (cap.name, payment.name)
    if key in settler.columnar_caps:
        return settler.columnar_caps[key]
    settler.lines(payment.name)  # settles the payment first
    found = settler.columnar_plans.get(payment.name)
    totals = None
    if found is not None:
        plan, pairs = found
        try:
            by_code = plan.cap_totals(cap, pairs)
        except (NotCompiled, Problem) as reason:
            report_cap(settler.run, cap, f"units: {reason}")
        else:
            providers = settler.run.data.providers()
            totals = {providers[code].id: days for code, days in by_code.items()}
    settler.columnar_caps[key] = totals
    return totals


def report_cap(run, cap: ast.Cap, part: str) -> None:
    """Say in the engine report how a part of a cap (``measure: …``, ``units: …``) was
    computed, beside what is said of its other part."""
    key = f"cap {cap.name}"
    said = [p for p in run.engine_report.get(key, "").split("; ") if p]
    kept = [p for p in said if p.split(":")[0] != part.split(":")[0]]
    run.engine_report[key] = "; ".join(sorted([*kept, part]))


def cap_measure(settler, cap: ast.Cap, provider, period):
    """A cap's measure Q for a provider and cap period from the columnar engine (every
    provider and period in one query, computed once per cap), `DIVIDES_BY_ZERO` where
    the reference's measure would divide by zero (no line), or None: the reference
    evaluates it (and reports any error)."""
    run = settler.run
    if run.engine != COLUMNAR or settler.keep_units or not run.batching():
        return None
    key = ("measure", cap.name)
    if key not in settler.columnar_caps:
        settler.columnar_caps[key] = _cap_measures(settler, cap)
    found = settler.columnar_caps[key]
    return None if found is None else found.get((provider.id, period.label))


def _cap_measures(settler, cap: ast.Cap) -> dict | None:
    run = settler.run
    unit_name = (cap.each.name if cap.each else None) or settler.reconcile_unit
    valid = valid_range(run.contract.valid if run.contract else None, cap.valid)
    if valid is None:
        return None
    periods = line_periods(unit_name, valid, settler.period)
    if not periods:
        return None
    if run.columnar is None:
        run.columnar = ColumnarEngine(run.data, run.checked)
    providers = run.data.providers()
    try:
        consts = Constants(run, min(p.start for p in periods))
        plan = ProviderValues(run.columnar, cap.measure, cap.provider_var.name, consts, LINE_OPS)
        values = plan.values(list(range(len(providers))), periods, zero=DIVIDES_BY_ZERO)
    except NotCompiled as reason:
        report_cap(run, cap, f"measure: reference ({reason})")
        return None
    report_cap(run, cap, "measure: columnar")
    return {(providers[q].id, periods[i].label): v for (q, i), v in values.items()}


def indicator_counts(settler, indicator: ast.Indicator, provider, period):
    """(population, numerator) of an indicator for a provider and period from the
    columnar engine (every provider of the period in one query), or None: the
    reference counts them (and reports any error)."""
    run = settler.run
    if run.engine != COLUMNAR or settler.keep_units or not run.batching():
        return None
    key = ("indicator", indicator.name, period.label)
    if key not in settler.columnar_caps:
        settler.columnar_caps[key] = _indicator_counts(settler, indicator, period)
    found = settler.columnar_caps[key]
    return None if found is None else found.get(provider.id)


def _indicator_counts(settler, indicator: ast.Indicator, period) -> dict | None:
    run = settler.run
    if run.columnar is None:
        run.columnar = ColumnarEngine(run.data, run.checked)
    providers = run.data.providers()
    name = f"indicator {indicator.name}"
    try:
        plan = IndicatorCounts(run.columnar, indicator, Constants(run, period.start))
        counts = plan.counts(list(range(len(providers))), period)
    except NotCompiled as reason:
        run.engine_report[name] = f"reference ({reason})"
        return None
    run.engine_report.setdefault(name, "columnar")
    return {providers[q].id: value for q, value in counts.items()}


class Constants:
    """Literals and parameter values as the compiler's neutral values (`ersl.columnar`)."""

    def __init__(self, run, first_day: datetime.date, unit_days: tuple | None = None) -> None:
        self.run = run
        self.first_day = first_day
        self.unit_days = unit_days
        """The first and last day a unit of a payment's query can have as its `today`,
        when known."""

    def literal(self, node: ast.Expr):
        """The value of a literal."""
        if isinstance(node, ast.Number):
            return number_value(node)
        if isinstance(node, ast.Quantity):
            return neutral(quantity_value(node))
        return node.value

    def param(self, name: str) -> list[tuple[datetime.date, object]]:
        """A parameter's values, each with the date it is in force from (one entry from
        the beginning of time when it is not dated)."""
        run = self.run
        raw = run.overrides.get(name)
        if raw is None:
            raw = run.symbols.params[name].value
        if isinstance(raw, ast.DatedValue):
            if self.first_day < raw.entries[0].start:
                raise NotCompiled(f"the parameter `{name}` has no value on {self.first_day}")
            starts = [entry.start for entry in raw.entries]
        else:
            starts = [datetime.date.min]
        out = []
        for start in starts:
            try:
                value = run.param(name, max(start, self.first_day))
            except Exception as error:  # noqa: BLE001 - the reference reports it
                raise NotCompiled(f"the parameter `{name}`: {error}") from None
            out.append((start, neutral(value)))
        return out


def neutral(value):
    """An interpreter value as the compiler's neutral value."""
    if isinstance(value, RateValue):
        return Rate(Fraction(value.amount), value.per)
    if isinstance(value, DurationValue):
        return Duration(Fraction(value.count), value.unit)
    if isinstance(value, Table):
        bands = tuple(Band(e.band.kind, e.band.low, e.band.high, e.value) for e in value.entries)
        return BandTable(value.name, bands, codes=value.codes)
    if isinstance(value, MappingTable):
        return Mapping(value.name, {k: neutral(v) for k, v in value.values.items()})
    if isinstance(value, (int, Fraction, str, bool, datetime.date)) or value is None:
        return value
    if isinstance(value, frozenset):
        return frozenset(map(neutral, value))
    raise NotCompiled(f"a value of type {type(value).__name__}")
