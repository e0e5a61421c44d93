"""Bounds on what a contract pays one provider in a year, from the contract's own figures.

Used by L204 (a performance pot under 1 % of the estimated total). The contract does
not say how many patients a provider lists or how many visits it will have, so the
estimate is symbolic: every amount is bounded by linear functions of **N**, the
number of patients listed at the provider,

    lower(N) = a + b·N    and    upper(N) = c + d·N,

and unknown parts are bounded as safely as the figures allow:

- a payment per listed patient and month (capitation) without `where` has N units a
  month; with a `where`, between 0 and N;
- a payment per provider and period has one unit a period (0 or 1 with `where`);
- payments per event, span, participant or episode have between 0 and any number of
  units (their lower bound is 0: the estimate never assumes volumes);
- a table lookup lies between the table's smallest and largest value, a parameter
  with a written value is that value (each `dated` entry), a required input is unknown;
- `average_listed(q)`, `monthly_average(count(listed patients p at q))` and
  `listed_count(q, d)` are N; weights widen the bounds by their factors;
- charges (amounts written with a leading minus) are left out of the total;
  an amount whose lower bound is unknown counts as 0 (payments are not negative).

So `total_lower` is a **lower** bound of one provider's yearly payments (before caps
and performance) and `pot_upper` an **upper** bound of a pot: a pot reported as under
1 % of the total is under 1 % for every list size N ≥ 1 (or for the configured
`expected-listed`), whatever the volumes are.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from ersl import ast
from ersl.interpreter.values import quantity_value

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
RECONCILE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
LISTED_FUNCTIONS = ("average_listed",)


@attrs.frozen
class Lin:
    """a + b·N, N the number of patients listed at the provider."""

    a: Fraction = Fraction(0)
    b: Fraction = Fraction(0)

    def __add__(self, other: Lin) -> Lin:
        return Lin(self.a + other.a, self.b + other.b)

    def __neg__(self) -> Lin:
        return Lin(-self.a, -self.b)

    def scale(self, factor: Fraction) -> Lin:
        """This times a constant."""
        return Lin(self.a * factor, self.b * factor)

    @property
    def constant(self) -> bool:
        """Whether this does not depend on N."""
        return self.b == 0

    @property
    def nonnegative(self) -> bool:
        """Whether this is ≥ 0 for every N ≥ 0."""
        return self.a >= 0 and self.b >= 0

    def at(self, n: int | Fraction) -> Fraction:
        """The value for N = n."""
        return self.a + self.b * n


ZERO = Lin()


@attrs.frozen
class Bound:
    """An interval [lo, hi] of linear functions of N; None ends are unknown/unbounded.

    `unit`: "number", "money", "rate/day|month|year", "days", "months".
    """

    lo: Lin | None
    hi: Lin | None
    unit: str


UNKNOWN = Bound(None, None, "?")


def _const(value: Fraction, unit: str) -> Bound:
    lin = Lin(Fraction(value))
    return Bound(lin, lin, unit)


def _mul_lin(x: Lin | None, y: Lin | None) -> Lin | None:
    if x is None or y is None:
        return None
    if x.constant:
        return y.scale(x.a)
    if y.constant:
        return x.scale(y.a)
    return None


def _nonneg(b: Bound) -> bool:
    return b.lo is not None and b.lo.nonnegative


class Estimator:
    """Bounds of expressions and of each payment's yearly total for one contract."""

    def __init__(self, symbols, contract: ast.Contract | None) -> None:
        self.symbols = symbols
        self.contract = contract

    # ------------------------------------------------------------ expressions
    def bound(self, node, depth: int = 0) -> Bound:
        """Bounds of an expression (money in kr, percent as a fraction)."""
        if node is None or depth > 12:
            return UNKNOWN
        match node:
            case ast.Number(value=value):
                return _const(value, "number")
            case ast.Quantity(unit=unit):
                value = quantity_value(node)
                if isinstance(value, Fraction | int):
                    kind = "number" if unit in ("%", "pp") else "money"
                    return _const(Fraction(value), kind)
                if hasattr(value, "per"):
                    return _const(value.amount, f"rate/{value.per}")
                return _const(value.count, value.unit)
            case ast.Unary(op="-", operand=operand):
                b = self.bound(operand, depth + 1)
                return Bound(
                    None if b.hi is None else -b.hi, None if b.lo is None else -b.lo, b.unit
                )
            case ast.Name(name=name):
                return self._param(name, depth)
            case ast.Binary(op="+" | "-"):
                return self._add(node, depth)
            case ast.Binary(op="*"):
                return self._mul(node, depth)
            case ast.Binary(op="/"):
                return self._div(node, depth)
            case ast.Binary(op="otherwise", left=left, right=right):
                return _hull([self.bound(left, depth + 1), self.bound(right, depth + 1)])
            case ast.If(then=then, otherwise=other):
                return _hull([self.bound(then, depth + 1), self.bound(other, depth + 1)])
            case ast.Call():
                return self._call(node, depth)
        return UNKNOWN

    def _param(self, name: str, depth: int) -> Bound:
        param = self.symbols.params.get(name)
        if param is None or param.value is None:
            return UNKNOWN
        value = param.value
        if isinstance(value, ast.DatedValue):
            return _hull([self._value(e.value, depth) for e in value.entries])
        return self._value(value, depth)

    def _value(self, value, depth: int) -> Bound:
        if isinstance(value, ast.TableValue):
            return _hull([self.bound(e.value, depth + 1) for e in value.entries])
        return self.bound(value, depth + 1)

    def _add(self, node: ast.Binary, depth: int) -> Bound:
        a, b = self.bound(node.left, depth + 1), self.bound(node.right, depth + 1)
        if a.unit != b.unit:
            return UNKNOWN
        if node.op == "-":
            b = Bound(None if b.hi is None else -b.hi, None if b.lo is None else -b.lo, b.unit)
        lo = a.lo + b.lo if a.lo is not None and b.lo is not None else None
        hi = a.hi + b.hi if a.hi is not None and b.hi is not None else None
        return Bound(lo, hi, a.unit)

    def _mul(self, node: ast.Binary, depth: int) -> Bound:
        a, b = self.bound(node.left, depth + 1), self.bound(node.right, depth + 1)
        unit = _product_unit(a.unit, b.unit)
        if unit is None or not (_nonneg(a) and _nonneg(b)):
            return UNKNOWN
        factor = Fraction(1)
        if unit == "money" and {a.unit, b.unit} & {"months"}:  # rate × duration
            rate = a if a.unit.startswith("rate/") else b
            per = rate.unit.split("/")[1]
            if per == "day":
                return UNKNOWN
            factor = Fraction(1, 12) if per == "year" else Fraction(1)
        lo = _mul_lin(a.lo, b.lo)
        hi = _mul_lin(a.hi, b.hi)
        return Bound(
            None if lo is None else lo.scale(factor), None if hi is None else hi.scale(factor), unit
        )

    def _div(self, node: ast.Binary, depth: int) -> Bound:
        a, b = self.bound(node.left, depth + 1), self.bound(node.right, depth + 1)
        if b.unit != "number" or b.lo is None or b.hi is None or not b.lo.constant:
            return UNKNOWN
        if not b.hi.constant or b.lo.a <= 0 or not _nonneg(a):
            return UNKNOWN
        lo = None if a.lo is None else a.lo.scale(1 / b.hi.a)
        hi = None if a.hi is None else a.hi.scale(1 / b.lo.a)
        return Bound(lo, hi, a.unit)

    def _call(self, node: ast.Call, depth: int) -> Bound:
        name = node.func.name
        args = node.args
        if name in self.symbols.params:  # a table lookup
            return self._param(name, depth)
        if name in self.symbols.functions:
            return self.bound(self.symbols.functions[name].body, depth + 1)
        if name == "monthly_average" and len(args) == 1 and not isinstance(args[0], ast.NamedArg):
            return self.bound(args[0], depth + 1)
        if name == "listed_count":
            return Bound(Lin(b=Fraction(1)), Lin(b=Fraction(1)), "number")
        if name == "count" and len(args) == 1 and isinstance(args[0], ast.AggregateArg):
            collection = args[0].collection
            if isinstance(collection, ast.ListedCollection):
                exact = collection.where is None and collection.within is None
                return Bound(Lin(b=Fraction(exact)), Lin(b=Fraction(1)), "number")
            return Bound(ZERO, None, "number")
        if name == "paid" and args and isinstance(args[0], ast.StringLit):
            payment = self.symbols.payments.get(args[0].value)
            if payment is not None:
                return self.payment_year(payment)  # read in yearly units, see pot_year
        if name == "split" and args:
            pot = self.bound(args[0], depth + 1)
            return Bound(ZERO, pot.hi, pot.unit)
        return UNKNOWN

    # ------------------------------------------------------------ payments
    def payment_year(self, payment: ast.Payment) -> Bound:
        """Bounds of one provider's yearly total of a payment (money)."""
        basis = payment.basis
        amount = self.bound(payment.amount)
        weights = self._weights(payment.weights)
        amount = Bound(
            _mul_lin(amount.lo, weights.lo) if amount.lo is not None else None,
            _mul_lin(amount.hi, weights.hi) if amount.hi is not None else None,
            amount.unit,
        )
        yearly_units = isinstance(basis, ast.ProviderBasis) and basis.each.name == "year"
        if amount.lo is None or not amount.lo.nonnegative:
            amount = Bound(ZERO, amount.hi, amount.unit)
        if _uses_paid(payment.amount) and not yearly_units:
            # `paid(…)` is read per year here, but this basis's period is shorter
            amount = Bound(ZERO, None, amount.unit)
        covers_year = self._covers_contract(payment.valid)
        match basis:
            case ast.ListedBasis(where=where):
                per_month = _per_period(amount, 1)
                units = Bound(Lin(b=Fraction(where is None)), Lin(b=Fraction(1)), "number")
                periods = 12
            case ast.ProviderBasis(each=each, where=where):
                months = PERIOD_MONTHS.get(each.name, 12)
                per_month = _per_period(amount, months)
                units = Bound(Lin(Fraction(where is None)), Lin(Fraction(1)), "number")
                periods = 12 // months
            case _:  # events, spans, participants, episodes: any number of units
                return Bound(ZERO, None, "money")
        if per_month is None:
            return Bound(ZERO, None, "money")
        lo = _mul_lin(per_month.lo, units.lo)
        hi = _mul_lin(per_month.hi, units.hi)
        lo = lo.scale(Fraction(periods)) if lo is not None and covers_year else ZERO
        hi = hi.scale(Fraction(periods)) if hi is not None else None
        return Bound(lo, hi, "money")

    def _weights(self, weights) -> Bound:
        lo, hi = Fraction(1), Fraction(1)
        for weight in weights:
            factor = self.bound(weight.factor)
            if (
                factor.unit != "number"
                or factor.lo is None
                or factor.hi is None
                or not (factor.lo.constant and factor.hi.constant)
                or factor.lo.a < 0
            ):
                return Bound(ZERO, None, "number")
            lo *= min(Fraction(1), factor.lo.a)
            hi *= max(Fraction(1), factor.hi.a)
        return Bound(Lin(lo), Lin(hi), "number")

    def _covers_contract(self, valid: ast.DateRange | None) -> bool:
        if valid is None or self.contract is None or self.contract.valid is None:
            return True
        return valid.start <= self.contract.valid.start and valid.end >= self.contract.valid.end

    def total_lower(self, exclude: str | None = None) -> Lin:
        """A lower bound of one provider's yearly payments, before caps and performance."""
        total = ZERO
        for name, payment in self.symbols.payments.items():
            if name == exclude or is_charge(payment.amount):
                continue
            year = self.payment_year(payment)
            if year.lo is not None and year.lo.nonnegative:
                total = total + year.lo
        return total

    def pot_upper(self, performance: ast.Performance) -> Lin | None:
        """An upper bound of a performance pot per year (bonus or penalty), or None."""
        pot = performance.bonus if performance.bonus is not None else performance.penalty
        each = performance.each.name if performance.each is not None else None
        if each is None and self.contract is not None and self.contract.reconcile is not None:
            each = RECONCILE.get(self.contract.reconcile.name)
        months = PERIOD_MONTHS.get(each or "year", 12)
        b = self.bound(pot)
        if b.hi is None or not _nonneg(b):
            return None
        if b.unit.startswith("rate/"):
            per = b.unit.split("/")[1]
            if per == "day":
                return b.hi.scale(Fraction(366))
            return b.hi.scale(Fraction(12 if per == "month" else 1))
        if b.unit == "money":
            if _uses_paid(pot):  # paid(…) was read per year: the pot is already yearly
                return b.hi
            return b.hi.scale(Fraction(12, months))
        return None


def _per_period(amount: Bound, months: int) -> Bound | None:
    """Money per unit of a basis whose units last `months` months."""
    if amount.unit == "money":
        return amount
    if amount.unit in ("rate/year", "rate/month"):
        factor = Fraction(months, 12) if amount.unit == "rate/year" else Fraction(months)
        return Bound(
            None if amount.lo is None else amount.lo.scale(factor),
            None if amount.hi is None else amount.hi.scale(factor),
            "money",
        )
    if amount.unit == "rate/day":
        return Bound(
            None if amount.lo is None else amount.lo.scale(Fraction(28 * months)),
            None if amount.hi is None else amount.hi.scale(Fraction(31 * months)),
            "money",
        )
    return None


def _product_unit(a: str, b: str) -> str | None:
    pair = {a, b}
    if a == b == "number":
        return "number"
    if "number" in pair:
        other = (pair - {"number"}).pop()
        return other if other in ("money", "months", "days") or other.startswith("rate/") else None
    if "months" in pair and any(u.startswith("rate/") for u in pair):
        return "money"
    return None


def _hull(bounds: list[Bound]) -> Bound:
    units = {b.unit for b in bounds}
    if not bounds or len(units) != 1:
        return UNKNOWN
    los = [b.lo for b in bounds]
    his = [b.hi for b in bounds]
    lo = _min_lin(los) if all(x is not None for x in los) else None
    hi = _max_lin(his) if all(x is not None for x in his) else None
    return Bound(lo, hi, units.pop())


def _min_lin(values: list[Lin]) -> Lin:
    """A Lin ≤ every value for N ≥ 0 (coefficient-wise minimum)."""
    return Lin(min(v.a for v in values), min(v.b for v in values))


def _max_lin(values: list[Lin]) -> Lin:
    """A Lin ≥ every value for N ≥ 0 (coefficient-wise maximum)."""
    return Lin(max(v.a for v in values), max(v.b for v in values))


def _uses_paid(node) -> bool:
    from ersl.lint.walk import nodes

    return any(isinstance(n, ast.Call) and n.func.name == "paid" for n in nodes(node))


def is_charge(amount) -> bool:
    """An amount written as a charge: `-visit_fee`, `-100 kr`."""
    if isinstance(amount, ast.Unary) and amount.op == "-":
        return True
    return isinstance(amount, ast.Quantity | ast.Number) and amount.value < 0


def max_share(pot: Lin, total: Lin, listed: int | None) -> Fraction | None:
    """The largest pot / (total + pot) over N ≥ 1 (or at N = `listed`); None if unbounded."""
    whole = total + pot
    if listed is not None:
        denominator = whole.at(listed)
        return pot.at(listed) / denominator if denominator > 0 else None
    if not (pot.nonnegative and whole.nonnegative) or whole.at(1) <= 0:
        return None
    at_one = pot.at(1) / whole.at(1)
    at_infinity = pot.b / whole.b if whole.b > 0 else at_one
    return max(at_one, at_infinity)


def describe(lin: Lin) -> str:
    """`30 kr per listed patient`, `1 000 000 kr`, `415 000 kr + 30 kr per listed patient`."""
    from ersl.exact import format_decimal

    def money(x: Fraction) -> str:
        rounded = round(x, 2)
        return f"{format_decimal(Fraction(rounded).limit_denominator(100))} kr"

    parts = []
    if lin.a:
        parts.append(money(lin.a))
    if lin.b:
        parts.append(f"{money(lin.b)} per listed patient")
    return " + ".join(parts) if parts else "0 kr"
