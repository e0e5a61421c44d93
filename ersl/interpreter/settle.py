"""Settling a run period: payments, bundles and charges, caps, performance,
rounding, and the statement (SPEC §3.5–§3.9, §4 exactness, §6).

Lines are computed on demand and remembered, so `paid("X", q)` simply asks
for the lines of X; the checker has ruled out cycles.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from fractions import Fraction

from ersl import ast
from ersl.dates import Period, period_containing
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.exact import largest_remainder, round_to
from ersl.gcpause import bulk_work
from ersl.interpreter import bulk, caps, performance
from ersl.interpreter.arithmetic import EvalError, rate_times_duration
from ersl.interpreter.bundles import compute_episodes, coverage_by
from ersl.interpreter.demands import check_required, unsettled_lines
from ersl.interpreter.drafts import LineDraft
from ersl.interpreter.engine import columnar_lines
from ersl.interpreter.engine_provider import provider_lines
from ersl.interpreter.env import Env, describe
from ersl.interpreter.explain import explain
from ersl.interpreter.units import (
    SETTLE_UNITS,
    Unit,
    covers,
    iterate_units,
    performer,
    valid_range,
)
from ersl.interpreter.values import RateValue
from ersl.statement import Line, Notice, Statement


class Settler:
    """Computes every line of a run period."""

    def __init__(self, run, period: Period) -> None:
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
        self._bulk: dict[str, list[LineDraft] | None] = {}
        self._blocks: dict[str, list] = {}
        self._traced: dict[str, dict] = {}
        self._lines: dict[str, list[LineDraft]] = {}
        self._episodes = None
        self._charges: dict[str, list[LineDraft]] = {}
        self._indicators: dict[tuple[str, Period], dict[str, Fraction]] = {}
        run.settler = self  # `paid`, indicator results and episodes are read through it
        run.episodes_of = self.episodes_of
        self.columnar_plans: dict[str, tuple] = {}
        """Capped payments the columnar engine settled: (plan, days), for their caps."""
        self.columnar_caps: dict[tuple[str, str], dict | None] = {}
        """A cap's totals per provider and day from a columnar payment (or None)."""
        self.units_by_payee: dict[str, dict] = {}
        """Capped payments' units grouped by payee (caps look them up per provider)."""
        self.keep_units = True
        """Settle payments unit by unit and keep every unit with its trace (coverage,
        explanations without pricing again); `Contract.settle` turns it off by default."""
        self.unsettled = {
            name: Notice(*fields) for name, fields in unsettled_lines(self, period).items()
        }
        """Lines not settled for a missing optional parameter (their notices), by name."""
        check_required(self, period, self.unsettled)

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
    def episodes(self, found: dict[str, list] | None = None):
        """Episodes per bundle and the covered-record map, computed once on all data
        (`found`: the records some bundles' triggers hold for, when already known)."""
        if self._episodes is None:
            try:
                bundles = {
                    name: bundle
                    for name, bundle in self.symbols.bundles.items()
                    if name not in self.unsettled
                }
                self._episodes = compute_episodes(self.run, bundles, found)
            except EvalError as error:
                raise self.fail(
                    error,
                    "while finding bundle episodes",
                    next(iter(self.symbols.bundles.values())),
                    None,
                    None,
                ) from None
        return self._episodes

    def episodes_known(self) -> bool:
        """Whether the episodes have been computed already."""
        return self._episodes is not None

    def episodes_of(self, bundle: str):
        """The episodes of one bundle."""
        return self.episodes()[0].get(bundle, [])

    def covering(self, record) -> object | None:
        """The episode covering a record, if any."""
        if not self.symbols.bundles or record is None:
            return None
        return self.episodes()[1].of_record(record)

    def covering_unit(self, payment: ast.Payment, unit: Unit) -> object | None:
        """The episode covering a unit of a payment: the event of a per-event unit, the
        day of a per-day span unit (SPEC §3.8, days of spans: issue 12), else None."""
        by = coverage_by(payment)
        if by is None or not self.symbols.bundles or unit.record is None:
            return None
        coverage = self.episodes()[1]
        if by == "day":
            return coverage.of_day(unit.record, unit.date)
        return coverage.of_record(unit.record)

    # ------------------------------------------------------------ payments
    def _capped(self) -> set[str]:
        """Names of payments some cap applies to (their units are kept for the cap)."""
        names = set()
        for cap in self.symbols.caps.values():
            if cap.applies is not None:
                names.update(cap.applies.names)
        return names

    def _bulk_lines(self, payment: ast.Payment) -> list[LineDraft] | None:
        """The payment's lines settled in batches (tried once), or None."""
        if payment.name not in self._bulk:
            capped = payment.name in self._capped()
            if isinstance(payment.basis, ast.ProviderBasis):
                drafts = provider_lines(self, payment, capped)
            else:
                drafts = columnar_lines(self, payment, capped)
            if drafts is None:
                drafts = bulk.payment_lines(self, payment, capped)
                self.run.engine_report.setdefault(payment.name, "batch path")
            self._bulk[payment.name] = drafts
        return self._bulk[payment.name]

    def store_blocks(self, name: str, blocks: list) -> None:
        """Keep a capped payment's units as settled in batches (`bulk.Block`s)."""
        self._blocks[name] = blocks

    def blocks_of(self, payment: ast.Payment) -> list | None:
        """A capped payment's units as batches, or None when it was settled unit by unit."""
        if not self.keep_units:
            self._bulk_lines(payment)
        return self._blocks.get(payment.name)

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
        if self.keep_units or payment.name in self._capped():
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
        keep = self.keep_units

        def price(unit: Unit, split) -> None:
            env = Env(unit.bindings, unit.date, unit.period, split)
            sink = run.trace_sink = [] if keep else None
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
                    if keep:
                        sink.append(("weight", index))
            unit.amount = value
            if sink:
                unit.trace = tuple(sink)
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

    def traced_sources(self, draft: LineDraft) -> list[Unit]:
        """The units behind a payment line with what pricing touched (bands, weights).

        A run that kept no units (`ersl run`, `ersl explain`: settled in batches) prices
        the line's payment again unit by unit for the line's period, once, when a line
        is explained; the lines already computed are reused, so `paid` and indicators
        are not settled twice."""
        if self.keep_units or draft.sources:
            return draft.sources
        key = (draft.decl.name, draft.period.label)
        if key not in self._traced:
            # Only the line's own period: its units are dated inside it.
            tracer = Settler(self.run, draft.period)
            self.run.settler, self.run.episodes_of = self, self.episodes_of
            tracer._lines, tracer._indicators = self._lines, self._indicators
            tracer._episodes = self._episodes
            before = dict(self.run.bands_hit)  # pricing again must not count bands twice
            try:
                with bulk_work():
                    drafts = tracer.payment_lines(draft.decl)
                self._traced[key] = {
                    d.payee.id: d.sources for d in drafts if d.period.label == draft.period.label
                }
            finally:
                self.run.bands_hit.clear()
                self.run.bands_hit.update(before)
        return self._traced[key].get(draft.payee.id, [])

    def _split_totals(self, payment: ast.Payment, units: list[Unit]) -> dict[str, dict]:
        calls = ast.split_calls(payment.amount)
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
        drafts = self._bulk_lines(payment)
        if drafts is not None:
            return drafts
        kind = payment.kind.name if payment.kind else "variable"
        groups: dict[tuple[str, str], LineDraft] = {}
        for unit in self.units_of(payment):
            episode = self.covering_unit(payment, unit)
            # SPEC §3.8: "paid by no per-event payment when *its provider* (the event's
            # performer, not an overridden payee) is the bundle provider"
            if episode is not None and performer(unit.record) is episode.provider:
                continue
            if episode is not None and not unit.overridden:
                self.charge(episode, unit.date, unit.amount)
            key = (unit.payee.id, unit.period.label)
            if key not in groups:
                groups[key] = LineDraft(unit.payee, unit.period, payment.name, kind, payment)
            groups[key].units.append(unit.amount)
            if self.keep_units:
                groups[key].sources.append(unit)
        return list(groups.values())

    def charge(self, episode, date, amount: Fraction) -> None:
        """Charge the bundle provider for a covered event another provider performed
        (paid `amount` on `date`)."""
        name = f"{episode.bundle}: charge"
        period = self._clip(period_containing(date, self.settle_unit))
        drafts = self._charges.setdefault(episode.bundle, [])
        for draft in drafts:
            if draft.payee is episode.provider and draft.period.label == period.label:
                draft.units.append(-amount)
                return
        bundle = self.symbols.bundles[episode.bundle]
        drafts.append(LineDraft(episode.provider, period, name, "variable", bundle, [-amount]))

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
        """Charges to the bundle provider for covered events (and days) other providers
        performed."""
        for payment in self.symbols.payments.values():
            if coverage_by(payment) is not None:
                self.lines(payment.name)
        return self._charges.get(bundle.name, [])

    # ------------------------------------------------------------ caps and performance
    def cap_lines(self, cap: ast.Cap) -> list[LineDraft]:
        """One deduction per provider and cap period where the measure exceeds the limit."""
        return caps.cap_lines(self, cap)

    def indicator_results(self, name: str, period: Period) -> dict[str, Fraction]:
        """Result per provider id for an indicator in a period (applicable providers only)."""
        return performance.indicator_results(self, name, period)

    def indicator_result(self, indicator: ast.Indicator, provider, period: Period):
        """An indicator's result for one provider, or None when it does not apply."""
        return performance.indicator_result(self, indicator, provider, period)

    def indicator_counts(self, indicator: ast.Indicator, provider, period: Period):
        """(result or None, population size, numerator size)."""
        return performance.indicator_counts(self, indicator, provider, period)

    def performance_lines(self, perf: ast.Performance) -> list[LineDraft]:
        """Bonus or penalty lines per provider and period."""
        return performance.performance_lines(self, perf)

    # ------------------------------------------------------------ all lines
    def lines(self, name: str) -> list[LineDraft]:
        """The draft lines of one line name (computed once)."""
        if name in self._lines:
            return self._lines[name]
        s = self.symbols
        if name.removesuffix(": charge") in self.unsettled:
            drafts = []
        elif name in s.payments:
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
        lines: list[Line] = []
        for name in self.symbols.line_names():
            drafts = self.lines(name)
            decl = drafts[0].decl if drafts else None
            uses_split = isinstance(decl, ast.Payment) and bool(ast.split_calls(decl.amount))
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
            explainer=explain,
            notices=list(self.unsettled.values()),
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


def _fraction(value) -> Fraction:
    """`value` as a Fraction, without copying one that already is."""
    return value if type(value) is Fraction else Fraction(value)


__all__ = ["Settler", "LineDraft", "describe"]
