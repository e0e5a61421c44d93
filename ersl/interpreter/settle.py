"""Settling a run period: payments, bundles and charges, caps, performance,
rounding, and the statement (SPEC §3.5–§3.9, §4 exactness, §6).

Lines are computed on demand and remembered, so `paid("X", q)` simply asks
for the lines of X; the checker has ruled out cycles.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from fractions import Fraction

import attrs

from ersl import ast
from ersl.dates import Period, period_containing
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.exact import exact_sum, largest_remainder, round_to
from ersl.interpreter.arithmetic import EvalError, rate_times_duration
from ersl.interpreter.bundles import compute_episodes
from ersl.interpreter.evaluate import Env, describe
from ersl.interpreter.units import (
    SETTLE_UNITS,
    Unit,
    covers,
    iterate_units,
    line_periods,
    valid_range,
)
from ersl.interpreter.values import DurationValue, RateValue
from ersl.statement import Line, Statement


@attrs.define
class LineDraft:
    """A line before rounding: exact total, unit amounts, where it came from."""

    payee: object
    period: Period
    name: str
    kind: str
    decl: ast.Node
    units: list[Fraction] = attrs.field(factory=list)
    detail: dict = attrs.field(factory=dict)
    sources: list = attrs.field(factory=list)
    _exact: tuple | None = attrs.field(default=None, repr=False)
    summary: tuple | None = attrs.field(default=None, repr=False)
    """(count, exact total, sum of rounded units) when the line was computed in a
    worker process and its units are not kept (see `parallel`)."""
    """The payment units behind the line (for explanations)."""

    @property
    def exact(self) -> Fraction:
        """The exact total of the line (computed once the line is complete)."""
        if self.summary is not None:
            return self.summary[1]
        if self._exact is None or self._exact[0] != len(self.units):
            self._exact = (len(self.units), exact_sum(self.units))
        return self._exact[1]

    @property
    def count(self) -> int:
        """The number of units."""
        return self.summary[0] if self.summary is not None else len(self.units)

    def rounded_units(self, increment: Fraction, mode: str) -> Fraction:
        """The sum of the units each rounded (for `rounding … per unit`)."""
        if self.summary is not None:
            return self.summary[2]
        return exact_sum(round_to(u, increment, mode) for u in self.units)


class Settler:
    """Computes every line of a run period."""

    def __init__(self, run, period: Period, attach: bool = True) -> None:
        self.run = run
        self.period = period
        self.symbols = run.symbols
        contract = run.contract
        self.valid = valid_range(contract.valid if contract else None)
        self.settle_unit = SETTLE_UNITS.get(
            contract.settle.name if contract and contract.settle else "monthly"
        )
        self.reconcile_unit = SETTLE_UNITS.get(
            contract.reconcile.name if contract and contract.reconcile else "yearly"
        )
        self._units: dict[str, list[Unit]] = {}
        self._lines: dict[str, list[LineDraft]] = {}
        self._episodes = None
        self._charges: dict[str, list[LineDraft]] = {}
        self._indicators: dict[tuple[str, Period], dict[str, Fraction]] = {}
        if attach:  # the settler `paid`, indicators and episodes are read from
            run.settler = self
            run.episodes_of = self.episodes_of
        self.jobs = 1
        """Processes to use; `parallel.compute_in_parallel` splits independent lines."""

    # ------------------------------------------------------------ errors
    def fail(
        self, error: EvalError, what: str, node: ast.Node, about: str | None, date
    ) -> ErslError:
        """A run-time error as a diagnostic naming the declaration, entity and date."""
        if isinstance(about, tuple):  # ("patient", patient, provider) from a listed basis
            about = f"patient {about[1].id} at {about[2].id}"
        where = f"{what}"
        if about:
            where += f", for {about}"
        if date is not None:
            where += f" on {date}"
        return ErslError(
            Diagnostic(error.code, f"{where}: {error.message}", node.span, help=error.help),
            self.run.checked.loaded.sources,
        )

    # ------------------------------------------------------------ bundles
    def episodes(self):
        """Episodes per bundle and the covered-record map, computed once on all data."""
        if self._episodes is None:
            try:
                self._episodes = compute_episodes(self.run, self.symbols.bundles)
            except EvalError as error:
                raise self.fail(
                    error,
                    "while finding bundle episodes",
                    next(iter(self.symbols.bundles.values())),
                    None,
                    None,
                ) from None
        return self._episodes

    def episodes_of(self, bundle: str):
        """The episodes of one bundle."""
        return self.episodes()[0].get(bundle, [])

    def covering(self, record) -> object | None:
        """The episode covering a record, if any."""
        if not self.symbols.bundles or record is None:
            return None
        return self.episodes()[1].get(id(record))

    # ------------------------------------------------------------ payments
    def units_of(self, payment: ast.Payment) -> list[Unit]:
        """The paid units of a payment in the run (after `where`, bundle coverage, weights)."""
        if payment.name in self._units:
            return self._units[payment.name]
        run, ev = self.run, self.run.evaluator
        valid = valid_range(self.run.contract.valid if self.run.contract else None, payment.valid)
        units: list[Unit] = []
        what = f'payment "{payment.name}"'
        if valid is not None and payment.basis is not None:
            node = payment.basis
            unit = None
            where = None if payment.basis.where is None else ev._truth_fn(payment.basis.where)
            try:
                for unit in iterate_units(payment.basis, run, valid, self.period, self.settle_unit):
                    if where is None or where(Env(unit.bindings, unit.date, unit.period)):
                        units.append(unit)
                node = payment.amount
                split_totals = self._split_totals(payment, units)
                price = self._pricer(payment)
                for unit in units:
                    price(unit, split_totals.get(unit.period.label))
            except EvalError as error:
                about = unit.about if unit is not None else None
                raise self.fail(error, what, node, about, unit.date if unit else None) from None
        self._units[payment.name] = units
        return units

    def _pricer(self, payment: ast.Payment):
        """A function pricing one unit: amount (rates × the unit's duration), weights, payee."""
        run, ev = self.run, self.run.evaluator
        amount = ev.compile(payment.amount)
        weights = [
            (index, ev._truth_fn(w.when), ev._operand_fn(w.factor))
            for index, w in enumerate(payment.weights)
        ]
        payee_fn = None if payment.payee is None else ev.compile(payment.payee)

        def price(unit: Unit, split) -> None:
            env = Env(unit.bindings, unit.date, unit.period, split)
            sink = run.trace_sink = []
            value = amount(env)
            if value is None:
                raise EvalError(f"the amount `{run.text(payment.amount)}` is none", code="E0903")
            if isinstance(value, RateValue):
                value = rate_times_duration(value, unit.duration)
            value = _fraction(value)
            unit.base = value
            for index, when, factor in weights:
                if when(env):
                    value = value * _fraction(factor(env))
                    sink.append(("weight", index))
            unit.amount = value
            unit.trace = tuple(sink) if sink else ()
            run.trace_sink = None
            if payee_fn is not None:
                payee = payee_fn(env)
                if payee is None:
                    raise EvalError(f"the payee `{run.text(payment.payee)}` is none", code="E0903")
                unit.payee = payee
                unit.overridden = True
            if unit.payee is None:
                raise EvalError(
                    "the unit has no provider to pay; add a `payee` clause", code="E0903"
                )

        return price

    def _split_totals(self, payment: ast.Payment, units: list[Unit]) -> dict[str, dict]:
        calls = [
            n for n in _walk(payment.amount) if isinstance(n, ast.Call) and n.func.name == "split"
        ]
        if not calls:
            return {}
        ev = self.run.evaluator
        by_period: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            by_period[unit.period.label].append(unit)
        totals: dict[str, dict] = {}
        for label, group in by_period.items():
            entry = {}
            for call in calls:
                how = call.args[1]
                total = Fraction(0)
                if isinstance(how, ast.ByArg):
                    for unit in group:
                        total += Fraction(
                            ev._operand(how.value, Env(unit.bindings, unit.date, unit.period))
                        )
                entry[id(call)] = (total, len(group))
            totals[label] = entry
        return totals

    def payment_lines(self, payment: ast.Payment) -> list[LineDraft]:
        """Lines of a payment: its units grouped by payee and period, bundle rules applied."""
        kind = payment.kind.name if payment.kind else "variable"
        groups: dict[tuple[str, str], LineDraft] = {}
        per_event = isinstance(payment.basis, ast.EventBasis)
        for unit in self.units_of(payment):
            episode = self.covering(unit.record) if per_event else None
            # SPEC §3.8: "paid by no per-event payment when *its provider* (the event's
            # performer, not an overridden payee) is the bundle provider"
            if episode is not None and _performer(unit.record) is episode.provider:
                continue
            if episode is not None and not unit.overridden:
                self._charge(episode, unit)
            key = (unit.payee.id, unit.period.label)
            if key not in groups:
                groups[key] = LineDraft(unit.payee, unit.period, payment.name, kind, payment)
            groups[key].units.append(unit.amount)
            groups[key].sources.append(unit)
        return list(groups.values())

    def _charge(self, episode, unit: Unit) -> None:
        name = f"{episode.bundle}: charge"
        period = self._clip(period_containing(unit.date, self.settle_unit))
        drafts = self._charges.setdefault(episode.bundle, [])
        for draft in drafts:
            if draft.payee is episode.provider and draft.period.label == period.label:
                draft.units.append(-unit.amount)
                return
        bundle = self.symbols.bundles[episode.bundle]
        drafts.append(LineDraft(episode.provider, period, name, "variable", bundle, [-unit.amount]))

    def _clip(self, period: Period) -> Period:
        if self.valid is None:
            return period
        from ersl.dates import clip

        return clip(period, *self.valid) or period

    # ------------------------------------------------------------ bundles
    def bundle_lines(self, bundle: ast.Bundle) -> list[LineDraft]:
        """The bundle price per episode triggered in the run, to the trigger's provider."""
        ev = self.run.evaluator
        groups: dict[tuple[str, str], LineDraft] = {}
        valid = valid_range(self.run.contract.valid if self.run.contract else None, bundle.valid)
        for episode in self.episodes_of(bundle.name):
            if valid is None or not (self.period.start <= episode.start <= self.period.end):
                continue
            if not valid[0] <= episode.start <= valid[1]:
                continue
            period = self._clip(period_containing(episode.start, self.settle_unit))
            env = Env({bundle.trigger.var.name: episode.trigger}, episode.start, period)
            try:
                value = Fraction(ev._operand(bundle.price, env))
                for weight in bundle.weights:
                    if ev.truth(weight.when, env):
                        value *= Fraction(ev._operand(weight.factor, env))
            except EvalError as error:
                raise self.fail(
                    error,
                    f'bundle "{bundle.name}"',
                    bundle.price,
                    f"episode {episode.id}",
                    episode.start,
                ) from None
            key = (episode.provider.id, period.label)
            if key not in groups:
                groups[key] = LineDraft(episode.provider, period, bundle.name, "variable", bundle)
            groups[key].units.append(value)
        return list(groups.values())

    def charge_lines(self, bundle: ast.Bundle) -> list[LineDraft]:
        """Charges to the bundle provider for covered events other providers performed."""
        for payment in self.symbols.payments.values():
            if isinstance(payment.basis, ast.EventBasis):
                self.lines(payment.name)
        return self._charges.get(bundle.name, [])

    # ------------------------------------------------------------ caps
    def cap_lines(self, cap: ast.Cap) -> list[LineDraft]:
        """One deduction per provider and cap period where the measure exceeds the limit."""
        if cap.applies is None or self.valid is None:
            return []
        ev = self.run.evaluator
        unit_name = (cap.each.name if cap.each else None) or self.reconcile_unit
        valid = valid_range(self.run.contract.valid if self.run.contract else None, cap.valid)
        if valid is None:
            return []
        payments = [self.symbols.payments[n] for n in cap.applies.names]
        kind = payments[0].kind.name if payments and payments[0].kind else "variable"
        drafts = []
        q = cap.provider_var.name
        for period in line_periods(unit_name, valid, self.period):
            for provider in self.run.data.providers():
                env = Env({q: provider}, period.end, period)
                try:
                    a_total = self._capped_total(cap, payments, provider, period)
                    try:
                        measure = Fraction(ev._operand(cap.measure, env))
                    except EvalError as error:
                        if error.code == "E0905":  # the measure divides by zero: no line
                            continue
                        raise
                    limit = Fraction(ev._operand(cap.limit, env))
                    rate = Fraction(ev._operand(cap.action.rate, env))
                except EvalError as error:
                    raise self.fail(
                        error, f'cap "{cap.name}"', cap, f"provider {provider.id}", period.end
                    ) from None
                if measure <= limit:
                    continue
                if cap.action.kind == "reduce_excess":
                    deduction = rate * a_total * (measure - limit) / measure
                elif cap.action.kind == "reduce_all":
                    deduction = rate * a_total
                else:
                    deduction = (1 - rate) * a_total * (measure - limit) / measure
                draft = LineDraft(provider, period, cap.name, kind, cap, [-deduction])
                draft.detail = {"A": a_total, "Q": measure, "L": limit, "R": rate}
                drafts.append(draft)
        return drafts

    def _capped_total(self, cap: ast.Cap, payments, provider, period: Period) -> Fraction:
        ev = self.run.evaluator
        total = Fraction(0)
        for payment in payments:
            var = _unit_var(payment.basis)
            for unit in self.units_of(payment):
                if unit.payee is not provider or not (period.start <= unit.date <= period.end):
                    continue
                if self.covering(unit.record) is not None:
                    continue
                if cap.applies.var is not None:
                    env = Env(
                        {
                            **unit.bindings,
                            cap.applies.var.name: unit.bindings.get(var),
                            cap.provider_var.name: provider,
                        },
                        unit.date,
                        unit.period,
                    )
                    if not ev.truth(cap.applies.where, env):
                        continue
                total += unit.amount
        return total

    # ------------------------------------------------------------ performance
    def indicator_results(self, name: str, period: Period) -> dict[str, Fraction]:
        """Result per provider id for an indicator in a period (applicable providers only)."""
        key = (name, period)
        if key not in self._indicators:
            results = {}
            for provider in self.run.data.providers():
                result = self.indicator_result(self.symbols.indicators[name], provider, period)
                if result is not None:
                    results[provider.id] = result
            self._indicators[key] = results
        return self._indicators[key]

    def indicator_result(
        self, indicator: ast.Indicator, provider, period: Period
    ) -> Fraction | None:
        """|numerator ∩ population| / |population|, or the reported value; None if not applicable."""
        return self.indicator_counts(indicator, provider, period)[0]

    def indicator_counts(self, indicator: ast.Indicator, provider, period: Period):
        """(result or None, population size, numerator size); sizes are None when reported."""
        if indicator.reported:
            value = self.run.data.indicator_value(provider, indicator.name, period.label)
            return (None if value is None else Fraction(value)), None, None
        ev = self.run.evaluator
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
            raise self.fail(
                error,
                f'indicator "{indicator.name}"',
                indicator,
                f"provider {provider.id}",
                period.end,
            ) from None
        result = None if population == 0 else Fraction(numerator, population)
        return result, population, numerator

    def score(self, ref: ast.IndicatorRef, provider, period: Period) -> Fraction | None:
        """The attainment of one indicator line (0..1), or None when it does not apply."""
        indicator = self.symbols.indicators[ref.name]
        result = self.indicator_result(indicator, provider, period)
        scoring = ref.scoring
        if scoring.kind == "reported":
            return Fraction(1 if result is not None else 0)
        if result is None:
            return None
        ev = self.run.evaluator
        env = Env({}, period.end, period)
        low = Fraction(ev._operand(scoring.low, env))
        if scoring.kind == "above":
            holds = result < low if indicator.lower_is_better else result > low
            return Fraction(1 if holds else 0)
        high = Fraction(ev._operand(scoring.high, env))
        sign = -1 if indicator.lower_is_better else 1
        return Fraction(self.run.attainment(sign * result, sign * low, sign * high, env))

    def performance_lines(self, perf: ast.Performance) -> list[LineDraft]:
        """Bonus `pot × Σwa/Σw` or penalty `−pot × (1 − Σwa/Σw)` per provider and period."""
        ev = self.run.evaluator
        valid = valid_range(self.run.contract.valid if self.run.contract else None, perf.valid)
        if valid is None:
            return []
        unit_name = (perf.each.name if perf.each else None) or self.reconcile_unit
        drafts = []
        for period in line_periods(unit_name, valid, self.period):
            for provider in self.run.data.providers():
                weights = Fraction(0)
                weighted = Fraction(0)
                scores = []
                env = Env({perf.provider_var.name: provider}, period.end, period)
                try:
                    for ref in perf.indicators:
                        attainment = self.score(ref, provider, period)
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
                    pot = ev._operand(pot_node, env)
                    if isinstance(pot, RateValue):
                        from ersl.dates import days_in, months_in

                        length = DurationValue(months_in(period), "months", days_in(period))
                        pot = rate_times_duration(pot, length)
                except EvalError as error:
                    raise self.fail(
                        error,
                        f'performance "{perf.name}"',
                        perf,
                        f"provider {provider.id}",
                        period.end,
                    ) from None
                share = weighted / weights
                amount = pot * share if perf.bonus is not None else -pot * (1 - share)
                draft = LineDraft(
                    provider, period, perf.name, "performance", perf, [Fraction(amount)]
                )
                draft.detail = {"pot": Fraction(pot), "share": share, "scores": scores}
                drafts.append(draft)
        return drafts

    # ------------------------------------------------------------ all lines
    def lines(self, name: str) -> list[LineDraft]:
        """The draft lines of one line name (computed once)."""
        if name in self._lines:
            return self._lines[name]
        s = self.symbols
        if name in s.payments:
            drafts = self.payment_lines(s.payments[name])
        elif name in s.caps:
            drafts = self.cap_lines(s.caps[name])
        elif name in s.performances:
            drafts = self.performance_lines(s.performances[name])
        elif name in s.bundles:
            drafts = self.bundle_lines(s.bundles[name])
        else:
            drafts = self.charge_lines(s.bundles[name.removesuffix(": charge")])
        drafts = [d for d in drafts if covers(self.period, d.period)]
        self._lines[name] = drafts
        return drafts

    def paid(self, name: str, payee, period: Period) -> Fraction:
        """Exact total of line `name` for `payee` over line periods inside `period`."""
        total = Fraction(0)
        for draft in self.lines(name):
            if (
                draft.payee is payee
                and period.start <= draft.period.start
                and draft.period.end <= period.end
            ):
                total += draft.exact
        return total

    def statement(self) -> Statement:
        """Every line of the run, rounded, as a statement."""
        run = self.run
        if self.jobs > 1:
            from ersl.interpreter.parallel import compute_in_parallel

            compute_in_parallel(self)
        lines: list[Line] = []
        for name in self.symbols.line_names():
            drafts = self.lines(name)
            decl = drafts[0].decl if drafts else None
            uses_split = isinstance(decl, ast.Payment) and any(
                isinstance(n, ast.Call) and n.func.name == "split" for n in _walk(decl.amount)
            )
            rounded = self._round(drafts, uses_split)
            for draft in drafts:
                amount = rounded[id(draft)]
                lines.append(
                    Line(
                        payee=draft.payee.id,
                        period=draft.period.label,
                        name=draft.name,
                        kind=draft.kind,
                        units=draft.count,
                        amount=amount,
                        source=run.source(draft.decl.span),
                        exact=draft.exact,
                    )
                )
        contract = run.contract
        digest = hashlib.sha256(open(run.checked.root.path, "rb").read()).hexdigest()
        statement = Statement(
            contract.name if contract else run.checked.root.path,
            contract.version if contract else None,
            digest,
            self.period.label,
            lines,
        )
        statement.explanations = {
            (d.payee.id, d.period.label, d.name): d
            for drafts in self._lines.values()
            for d in drafts
        }
        return statement

    def _round(self, drafts: list[LineDraft], uses_split: bool) -> dict[int, Fraction]:
        run = self.run
        inc, mode = run.increment, run.rounding_mode
        result = {}
        if uses_split:
            by_period: dict[str, list[LineDraft]] = defaultdict(list)
            for draft in drafts:
                by_period[draft.period.label].append(draft)
            for group in by_period.values():
                shares = largest_remainder([(d.payee.id, d.exact) for d in group], inc, mode)
                for draft in group:
                    result[id(draft)] = shares[draft.payee.id]
            return result
        for draft in drafts:
            if run.rounding_scope == "unit":
                result[id(draft)] = draft.rounded_units(inc, mode)
            else:
                result[id(draft)] = round_to(draft.exact, inc, mode)
        return result


def _performer(record):
    """The provider who performed an event (its `provider` field), or None."""
    try:
        return record["provider"]
    except KeyError:
        return None


def _fraction(value) -> Fraction:
    """`value` as a Fraction, without copying one that already is."""
    return value if type(value) is Fraction else Fraction(value)


def _unit_var(basis: ast.Basis | None) -> str | None:
    if basis is None:
        return None
    return basis.var.name


def _walk(node):
    if node is None:
        return
    yield node
    for attribute in getattr(type(node), "__attrs_attrs__", ()):
        value = getattr(node, attribute.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, ast.Node):
                yield from _walk(child)


__all__ = ["Settler", "LineDraft", "describe"]
