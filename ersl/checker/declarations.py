"""Checking declarations: header, parameters, functions, payments, caps,
indicators, performance, bundles, tests and properties (SPEC §3, §4, §7)."""

from __future__ import annotations

from ersl import ast
from ersl import types as T
from ersl.checker.expressions import ExpressionChecker, Scope
from ersl.checker.symbols import EPISODE, SymbolBuilder
from ersl.checker.tables import table_type
from ersl.diagnostics import Diagnostic, Note, did_you_mean
from ersl.span import Span

KINDS = ("fixed", "variable", "performance")
PERIODS = ("month", "quarter", "year")
SETTLE_PERIODS = ("monthly", "quarterly", "yearly")
ROUNDING_MODES = ("half_up", "half_even", "down")
ROUNDING_SCOPES = ("line", "unit")
BASIS_DURATION = {"day": T.DAYS, "month": T.MONTHS, "quarter": T.MONTHS, "year": T.MONTHS}


class DeclarationChecker:
    """Checks each declaration in turn; expression checks go to `ExpressionChecker`."""

    def __init__(self, builder: SymbolBuilder, exprs: ExpressionChecker) -> None:
        self.builder = builder
        self.symbols = builder.symbols
        self.exprs = exprs
        self.errors = exprs.errors

    def error(self, code: str, message: str, span: Span, help: str | None = None, notes=()) -> None:
        """Record an error."""
        self.errors.append(Diagnostic(code, message, span, help=help, notes=tuple(notes)))

    def _word(self, ident: ast.Ident | None, allowed, what: str) -> None:
        if ident is not None and ident.name not in allowed:
            self.error(
                "E0506",
                f"`{ident.name}` is not a {what}",
                ident.span,
                help=did_you_mean(ident.name, allowed) or f"use {', '.join(allowed)}",
            )

    def _schema(self, name: str) -> T.Type:
        schema = self.symbols.schema.get(name)
        return schema.type if schema else T.ERROR

    def _missing(self, what: str, clause: str, span: Span, example: str) -> None:
        self.error(
            "E0500", f"{what} has no `{clause}`", span, help=f"add a clause like `{example}`"
        )

    # ------------------------------------------------------------ header
    def contract(self, decl: ast.Contract | None) -> None:
        """Check the contract header's option words and rounding."""
        if decl is None:
            return
        if decl.valid is None:
            self._missing(
                f'the contract "{decl.name}"', "valid", decl.span, "valid 2022-01-01 .. 2022-12-31"
            )
        self._date_range(decl.valid)
        self._word(decl.settle, SETTLE_PERIODS, "settlement period")
        self._word(decl.reconcile, SETTLE_PERIODS, "reconciliation period")
        if decl.rounding is not None:
            r = decl.rounding
            self.exprs.expect(r.increment, Scope(), [T.MONEY], "the rounding increment")
            self._word(r.mode, ROUNDING_MODES, "rounding mode")
            self._word(r.scope, ROUNDING_SCOPES, "rounding scope (`per line` or `per unit`)")
            inc = r.increment
            if isinstance(inc, ast.Quantity) and inc.unit in ("kr", "SEK"):
                hundredths = inc.value * 100
                if inc.value <= 0 or hundredths.denominator != 1:
                    self.error(
                        "E0507",
                        "the rounding increment must be a positive multiple of 0.01 kr",
                        inc.span,
                        help="e.g. `rounding 0.01 kr half_up per line` or `rounding 1 kr down per unit`",
                    )

    def _date_range(self, valid: ast.DateRange | None) -> None:
        if valid is not None and valid.end < valid.start:
            self.error("E0508", "the end of this date range is before its start", valid.span)

    # ------------------------------------------------------------ values
    def param_type(self, decl: ast.Param) -> T.Type:
        """The declared or inferred type of a parameter (value checked later)."""
        if decl.type is not None:
            return self.builder.resolve_type(decl.type)
        if decl.value is None:
            self.error(
                "E0509",
                f"the parameter `{decl.name.name}` has neither a type nor a value",
                decl.name.span,
                help=f"write `param {decl.name.name}: money` for a required input, or give it a value",
            )
            return T.ERROR
        return self.value_type(decl.value, None, f"param:{decl.name.name}")

    def value_type(self, value, declared: T.Type | None, owner: str) -> T.Type:
        """The type of a parameter value: an expression, a table or a dated value."""
        scope = Scope(owner=owner)
        match value:
            case ast.DatedValue(entries=entries):
                result: T.Type | None = None
                previous: ast.DatedEntry | None = None
                for entry in entries:
                    if previous is not None and entry.start <= previous.start:
                        self.error(
                            "E0510",
                            "dated entries must be in date order, each starting after the one before",
                            entry.span,
                            notes=(Note(previous.span, "previous entry"),),
                        )
                    previous = entry
                    t = self.value_type(entry.value, declared, owner)
                    common = T.unify(result, t) if result is not None else t
                    if common is None:
                        self.error(
                            "E0400",
                            f"dated entries have different types: {result.describe()} and {t.describe()}",
                            entry.span,
                        )
                    else:
                        result = common
                return result or T.ERROR
            case ast.TableValue():
                return self.table_type(value, declared, scope)
        expected = declared if declared is not None and not isinstance(declared, T.TableT) else None
        return self.exprs.expr(value, scope, expected)

    def table_type(self, table: ast.TableValue, declared: T.Type | None, scope: Scope) -> T.Type:
        """Check a table's bands and values; return `table of K -> V`."""
        return table_type(self, table, declared, scope)

    def param(self, decl: ast.Param) -> None:
        """Check a parameter's value against its declared type."""
        if decl.type is None or decl.value is None:
            return
        declared = self.symbols.param_types.get(decl.name.name, T.ERROR)
        actual = self.value_type(decl.value, declared, f"param:{decl.name.name}")
        if not T.assignable(actual, declared):
            self.error(
                "E0405",
                f"`{decl.name.name}` is declared {declared.describe()} but its value is {actual.describe()}",
                decl.value.span,
            )

    def function(self, decl: ast.Function) -> None:
        """Check a function body against its result type."""
        params, result = self.symbols.function_types[decl.name.name]
        bindings = {p.name.name: t for p, t in zip(decl.params, params, strict=True)}
        scope = Scope(bindings=bindings, owner=f"function:{decl.name.name}")
        actual = self.exprs.expr(decl.body, scope, result)
        if not T.assignable(actual, result):
            maybe_none = isinstance(actual, T.Optional) and T.assignable(actual.inner, result)
            self.error(
                "E0405",
                f"`{decl.name.name}` should give {result.describe()} but its body is {actual.describe()}",
                decl.body.span,
                help=f"the body may be none (e.g. `value` where there is no result): say what "
                f"to use then with `otherwise`, or declare the result `{result.describe()}?`"
                if maybe_none
                else None,
            )

    # ------------------------------------------------------------ payments
    def basis_scope(self, basis: ast.Basis, owner: str) -> tuple[Scope, T.Type | None]:
        """Bindings made by a basis, and the duration of one unit (None for events)."""
        provider, patient = self._schema("Provider"), self._schema("Patient")
        scope = Scope(owner=owner, allow_split=True)
        match basis:
            case ast.ListedBasis(var=p, provider_var=q, each=each):
                if each.name != "month":
                    self.error(
                        "E0506",
                        "listed patients are counted each month",
                        each.span,
                        help="write `each month`",
                    )
                return scope.bind(**{p.name: patient, q.name: provider}), T.MONTHS
            case ast.SpanBasis(type=type_, var=var, each=each):
                t = self._unit_type(type_, ("span",))
                self._word(each, ("day", "month"), "span period (day or month)")
                return scope.bind(**{var.name: t}), BASIS_DURATION.get(each.name)
            case ast.EventBasis(type=type_, var=var):
                t = self._unit_type(type_, ("event", "span"))
                return scope.bind(**{var.name: t}), None
            case ast.ParticipantBasis(provider_var=q, type=type_, var=var):
                t = self._unit_type(type_, ("event",))
                schema = self.symbols.schema.get(type_.name)
                if schema is not None and "participants" not in schema.fields:
                    self.error("E0301", f"`{type_.name}` has no `participants` field", type_.span)
                return scope.bind(**{q.name: provider, var.name: t}), None
            case ast.ProviderBasis(var=q, each=each):
                self._word(each, PERIODS, "period (month, quarter or year)")
                return scope.bind(**{q.name: provider}), BASIS_DURATION.get(each.name)
            case ast.EpisodeBasis(var=var, bundle=bundle):
                decl = self.symbols.bundles.get(bundle)
                if decl is None:
                    self.error(
                        "E0306",
                        f'there is no bundle named "{bundle}"',
                        basis.span,
                        help=did_you_mean(bundle, self.symbols.bundles),
                    )
                    return scope.bind(**{var.name: T.ERROR}), None
                trigger = decl.trigger.type.name if decl.trigger else "?"
                episode = T.RecordT(f"{EPISODE}:{trigger}", "episode")
                return scope.bind(**{var.name: episode}), None
        raise AssertionError(basis)  # pragma: no cover

    def _unit_type(self, ident: ast.Ident, kinds: tuple[str, ...]) -> T.Type:
        schema = self.symbols.schema.get(ident.name)
        if schema is None:
            known = [n for n, s in self.symbols.schema.items() if s.kind in kinds]
            self.error(
                "E0302",
                f"unknown type `{ident.name}`",
                ident.span,
                help=did_you_mean(ident.name, known) or 'is `use stdlib "schema/sweden"` missing?',
            )
            return T.ERROR
        if schema.kind not in kinds:
            self.error(
                "E0302",
                f"`{ident.name}` is a {schema.kind}; this basis needs {' or '.join(kinds)} records",
                ident.span,
            )
            return T.ERROR
        return schema.type

    def payment(self, decl: ast.Payment) -> None:
        """Check a payment: kind, basis, amount units, weights, payee, valid."""
        where = f'the payment "{decl.name}"'
        if decl.kind is None:
            self._missing(where, "kind", decl.span, "kind variable")
        self._word(decl.kind, KINDS, "payment kind")
        self._date_range(decl.valid)
        if decl.basis is None:
            self._missing(where, "per", decl.span, "per Visit v")
            scope, duration = Scope(owner=f"line:{decl.name}", allow_split=True), None
        else:
            scope, duration = self.basis_scope(decl.basis, f"line:{decl.name}")
            self.exprs.condition(
                decl.basis.where, attrs_evolve_no_split(scope), "the `where` condition"
            )
        if decl.amount is None:
            self._missing(where, "amount", decl.span, "amount 390 kr")
        else:
            self.amount(decl.amount, scope, duration, decl.basis)
        self.weights(decl.weights, attrs_evolve_no_split(scope))
        if decl.payee is not None:
            self.exprs.expect(
                decl.payee,
                attrs_evolve_no_split(scope),
                [T.Optional(self._schema("Provider"))],
                "the payee",
            )

    def amount(self, node: ast.Expr, scope: Scope, duration: T.Type | None, basis) -> None:
        """An amount is money, or a rate on a basis whose units have a duration."""
        t = T.strip_optional(self.exprs.expr(node, scope, T.MONEY))
        if isinstance(t, T.ErrorT) or t == T.MONEY:
            return
        if isinstance(t, T.Rate):
            if duration is None:
                self.error(
                    "E0402",
                    f"a rate ({t.describe()}) cannot be paid per event",
                    node.span,
                    help="pay an amount per event (e.g. `390 kr`), or use a basis with a duration "
                    "(`listed patient p at q each month`, `Listing l each day`)",
                )
            elif duration == T.DAYS and t.per != "day":
                self.error(
                    "E0403",
                    f"a rate ({t.describe()}) cannot be paid by the day",
                    node.span,
                    help="use a rate per day (kr/day) on a daily basis, or count by month",
                )
            return
        self.error(
            "E0405",
            f"an amount must be money, but this is {t.describe()}",
            node.span,
            help="give the number its unit, e.g. `390 kr`" if t in (T.INT, T.DECIMAL) else None,
        )

    def weights(self, weights, scope: Scope) -> None:
        """`weight F when C`: F a number, C a condition."""
        for weight in weights:
            self.exprs.expect(weight.factor, scope, [T.DECIMAL], "a weight")
            self.exprs.condition(weight.when, scope, "the `when` condition")

    # ------------------------------------------------------------ caps
    def cap(self, decl: ast.Cap) -> None:
        """Check a cap: the capped payments exist and share a kind; measure, limit, action."""
        where = f'the cap "{decl.name}"'
        self._word(decl.each, PERIODS, "period (month, quarter or year)")
        self._date_range(decl.valid)
        q = decl.provider_var.name
        scope = Scope(bindings={q: self._schema("Provider")}, owner=f"line:{decl.name}")
        if decl.applies is None:
            self._missing(where, "applies to", decl.span, 'applies to "Besöksersättning"')
        else:
            self.applies(decl.applies, scope)
        for clause, example in (
            ("measure", "measure count(…) / average_listed(q)"),
            ("limit", "limit 1.9"),
        ):
            if getattr(decl, clause) is None:
                self._missing(where, clause, decl.span, example)
        measure = (
            self.exprs.expect(decl.measure, scope, [T.DECIMAL, T.MONEY], "a cap's measure")
            if decl.measure
            else None
        )
        if decl.limit is not None:
            limit = self.exprs.expr(decl.limit, scope)
            if measure is not None and not T.comparable(measure, limit):
                self.error(
                    "E0401",
                    f"the limit is {limit.describe()} but the measure is {measure.describe()}",
                    decl.limit.span,
                )
        if decl.action is None:
            self._missing(where, "above", decl.span, "above reduce 33 % of excess")
        else:
            self.exprs.expect(decl.action.rate, scope, [T.PERCENT], "the share in `above`")

    def applies(self, applies: ast.AppliesTo, scope: Scope) -> None:
        """The capped payments exist, share one kind and one unit type."""
        kinds: dict[str, str] = {}
        unit_types: set[T.Type] = set()
        first_scope = None
        for name in applies.names:
            payment = self.symbols.payments.get(name)
            if payment is None:
                self.error(
                    "E0304",
                    f'there is no payment named "{name}"',
                    applies.span,
                    help=did_you_mean(name, self.symbols.payments),
                )
                continue
            self.exprs.facts.use(scope.owner, f"line:{name}", applies.span)
            if payment.kind is not None:
                kinds[name] = payment.kind.name
            if payment.basis is not None:
                basis_scope, _ = self.basis_scope(payment.basis, scope.owner)
                var = _unit_var(payment.basis)
                unit_types.add(basis_scope.bindings.get(var, T.ERROR))
                first_scope = first_scope or basis_scope
        if len(set(kinds.values())) > 1:
            listing = ", ".join(f'"{n}" is {k}' for n, k in kinds.items())
            self.error(
                "E0503",
                f"the payments a cap applies to must share one kind: {listing}",
                applies.span,
                help="cap payments of different kinds with separate caps",
            )
        if applies.var is not None:
            unit = next(iter(unit_types)) if len(unit_types) == 1 else T.ERROR
            if len(unit_types) > 1:
                self.error(
                    "E0503",
                    "the capped payments have units of different types, so one variable cannot stand for them",
                    applies.var.span,
                )
            inner = scope.bind(**{applies.var.name: unit})
            self.exprs.condition(applies.where, inner, "the `where` condition")

    # ------------------------------------------------------------ indicators
    def indicator(self, decl: ast.Indicator) -> None:
        """Check a computed indicator's population, numerator and exclusion."""
        if decl.reported:
            return
        where = f'the indicator "{decl.name}"'
        q = decl.provider_var.name
        scope = Scope(bindings={q: self._schema("Provider")}, owner=f"indicator:{decl.name}")
        if decl.population is None:
            self._missing(where, "population", decl.span, "population listed patients p at q")
            return
        var, var_type = self.exprs.collection(decl.population, scope)
        inner = scope.bind(**{var: var_type})
        if decl.numerator is None:
            self._missing(where, "numerator", decl.span, "numerator exists(Observation o where …)")
        self.exprs.condition(decl.numerator, inner, "a numerator")
        self.exprs.condition(decl.exclude, inner, "an exclusion")

    def performance(self, decl: ast.Performance) -> None:
        """Check a performance: one pot (bonus or penalty), known indicators, scorings."""
        where = f'the performance "{decl.name}"'
        self._word(decl.each, PERIODS, "period (month, quarter or year)")
        self._date_range(decl.valid)
        scope = Scope(
            bindings={decl.provider_var.name: self._schema("Provider")}, owner=f"line:{decl.name}"
        )
        if decl.bonus is None and decl.penalty is None:
            self._missing(where, "bonus", decl.span, "bonus 30 kr/year * average_listed(q)")
        if decl.bonus is not None and decl.penalty is not None:
            self.error(
                "E0505",
                f"{where} has both a bonus and a penalty",
                decl.penalty.span,
                help="write the penalty as a performance of its own",
            )
        for pot in (decl.bonus, decl.penalty):
            if pot is not None:
                t = T.strip_optional(self.exprs.expr(pot, scope, T.MONEY))
                if not isinstance(t, (T.Rate, T.ErrorT)) and t != T.MONEY:
                    self.error(
                        "E0405", f"a pot must be money or a rate, not {t.describe()}", pot.span
                    )
        if not decl.indicators:
            self._missing(where, "indicators", decl.span, 'indicators { "…" linear 70 % to 90 % }')
        for ref in decl.indicators:
            indicator = self.symbols.indicators.get(ref.name)
            if indicator is None:
                self.error(
                    "E0305",
                    f'there is no indicator named "{ref.name}"',
                    ref.span,
                    help=did_you_mean(ref.name, self.symbols.indicators)
                    or "declare it with `indicator`, or `use` the file that does",
                )
            else:
                self.exprs.facts.use(scope.owner, f"indicator:{ref.name}", ref.span)
            for bound in (ref.scoring.low, ref.scoring.high):
                if bound is not None:
                    self.exprs.expect(bound, scope, [T.PERCENT], "a scoring level")
            if ref.weight is not None:
                self.exprs.expect(ref.weight, scope, [T.DECIMAL], "an indicator weight")

    # ------------------------------------------------------------ bundles
    def _at_most(self, item: ast.Include, scope: Scope) -> None:
        """`at most K` (records) or, for spans, `at most N days` (days, issue 12)."""
        t = T.strip_optional(self.exprs.expr(item.at_most, scope))
        if isinstance(t, T.ErrorT) or T.assignable(t, T.INT):
            return
        if t == T.DAYS:
            if not _is_span(self.symbols, item.type):
                self.error(
                    "E0405",
                    f"`at most` a number of days covers days of spans, and `{item.type.name}` "
                    "is not a span",
                    item.at_most.span,
                    help="cover a number of events instead, e.g. `at most 1`",
                )
            return
        self.error(
            "E0405",
            f"`at most` must be a number of records or of days, but this is {t.describe()}",
            item.at_most.span,
            help="months differ in days: count the days, e.g. `at most 90 days`"
            if t == T.MONTHS
            else "write `at most 2` (records) or, for a span, `at most 6 days`",
        )

    def bundle(self, decl: ast.Bundle) -> None:
        """Check a bundle: trigger, price, includes windows, warranty."""
        where = f'the bundle "{decl.name}"'
        self._date_range(decl.valid)
        owner = f"line:{decl.name}"
        if decl.trigger is None:
            self._missing(where, "trigger", decl.span, "trigger Procedure op where op.code in …")
            return
        trigger_type = self._unit_type(decl.trigger.type, ("event", "span"))
        scope = Scope(bindings={decl.trigger.var.name: trigger_type}, owner=owner)
        self.exprs.condition(decl.trigger.where, scope, "the trigger condition")
        if decl.price is None:
            self._missing(where, "price", decl.span, "price 56300 kr")
        else:
            self.exprs.expect(decl.price, scope, [T.MONEY], "a bundle price")
        self.weights(decl.weights, scope)
        for item in decl.includes:
            t = self._unit_type(item.type, ("event", "span"))
            inner = scope.bind(**{item.var.name: t})
            self.exprs.condition(item.where, inner, "the `where` condition")
            if item.within is not None:
                self.exprs.within(item.within, inner)
            if item.at_most is not None:
                self._at_most(item, inner)
        warranty = decl.warranty
        if warranty is not None:
            if warranty.covers is None:
                self._missing("the warranty", "covers", warranty.span, "covers Procedure r where …")
            else:
                t = self._unit_type(warranty.covers.type, ("event", "span"))
                inner = scope.bind(**{warranty.covers.var.name: t})
                self.exprs.condition(warranty.covers.where, inner, "the `covers` condition")
            if warranty.period is None:
                self._missing("the warranty", "period", warranty.span, "period 2 years")
            else:
                self.exprs.expect(warranty.period, scope, [T.DAYS, T.MONTHS], "a warranty period")
            if warranty.extend_to is not None:
                self.exprs.expect(
                    warranty.extend_to, scope, [T.DAYS, T.MONTHS], "an extended warranty period"
                )
                self.exprs.condition(warranty.extend_when, scope, "the `when` condition")


def _is_span(symbols, ident: ast.Ident) -> bool:
    schema = symbols.schema.get(ident.name)
    return schema is not None and schema.kind == "span"


def _unit_var(basis: ast.Basis) -> str:
    match basis:
        case ast.ListedBasis(var=var) | ast.SpanBasis(var=var) | ast.EventBasis(var=var):
            return var.name
        case ast.ParticipantBasis(var=var) | ast.EpisodeBasis(var=var):
            return var.name
        case ast.ProviderBasis(var=var):
            return var.name
    return ""


def attrs_evolve_no_split(scope: Scope) -> Scope:
    """The same scope with `split` not allowed (conditions, weights, payee)."""
    import attrs

    return attrs.evolve(scope, allow_split=False)
