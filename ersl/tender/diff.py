"""The impact of a new model: two settlements of the same data compared (issue 15 §2).

`compare(old, new, data)` settles both sides — two contracts, one contract with two
parameter sets, or two periods of one dated model — and sums their statements' lines
by kind, by provider, by payment name and by (provider, payment). Amounts are exact
`Fraction`s: every sum is a sum of rounded statement lines, so the totals of a diff
are the difference of the two statements' totals, to the öre. The structural
reasons for the changes come from `ersl.tender.why`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ersl.dates import month_start_dates, parse_period
from ersl.engines import DEFAULT_ENGINE
from ersl.exact import round_to
from ersl.statement import Statement
from ersl.tender.why import Difference, attribute, differences, reach_map

#: Kinds in the order they are shown; kinds a statement has beyond these follow, sorted.
KIND_ORDER = ("fixed", "variable", "performance", "bundle")
#: How many winners and losers a diff lists.
TOP = 10


@dataclass
class Side:
    """One side of a comparison: a loaded contract, its parameters, its period."""

    contract: object
    path: str
    period: str
    params: dict[str, str] = field(default_factory=dict)
    statement: Statement | None = None
    engine: str = DEFAULT_ENGINE

    def settle(self, data) -> Statement:
        """Settle this side on `data` (kept in `statement`) with the chosen engine."""
        self.statement = self.contract.settle(data, self.period, self.params, engine=self.engine)
        return self.statement


@dataclass(frozen=True)
class Change:
    """An old and a new amount (exact kronor)."""

    old: Fraction
    new: Fraction

    @property
    def change(self) -> Fraction:
        """New minus old."""
        return self.new - self.old

    @property
    def percent(self) -> Fraction | None:
        """The change in per cent of the old amount; None when the old amount is 0."""
        return None if self.old == 0 else self.change * 100 / abs(self.old)


@dataclass(frozen=True)
class ProviderChange(Change):
    """A provider's old and new total, with its mean number of listed patients."""

    provider: str = ""
    name: str = ""
    listed_old: Fraction = Fraction(0)
    listed_new: Fraction = Fraction(0)

    @property
    def per_listed_old(self) -> Fraction | None:
        """The old total per mean listed patient (None without listed patients)."""
        return None if not self.listed_old else self.old / self.listed_old

    @property
    def per_listed_new(self) -> Fraction | None:
        """The new total per mean listed patient."""
        return None if not self.listed_new else self.new / self.listed_new


@dataclass(frozen=True)
class PaymentChange(Change):
    """A payment name's old and new total and the differences that explain it."""

    name: str = ""
    kind: str = ""
    why: tuple[int, ...] = ()


@dataclass
class Impact:
    """Everything a diff reports (docs/diff.md describes each part)."""

    old: Side
    new: Side
    total: Change
    kinds: dict[str, Change]
    providers: list[ProviderChange]
    payments: list[PaymentChange]
    cells: dict[tuple[str, str], Change]
    differences: list[Difference]

    def winners(self, top: int = TOP) -> list[ProviderChange]:
        """The providers gaining most (change > 0), largest first, then by id."""
        gaining = [p for p in self.providers if p.change > 0]
        return sorted(gaining, key=lambda p: (-p.change, p.provider))[:top]

    def losers(self, top: int = TOP) -> list[ProviderChange]:
        """The providers losing most (change < 0), largest loss first, then by id."""
        losing = [p for p in self.providers if p.change < 0]
        return sorted(losing, key=lambda p: (p.change, p.provider))[:top]

    def drivers(self, provider: str, top: int = 3) -> list[tuple[str, Change]]:
        """The payment names that changed a provider's total most (by size of change)."""
        rows = [(n, c) for (p, n), c in self.cells.items() if p == provider and c.change]
        return sorted(rows, key=lambda r: (-abs(r[1].change), r[0]))[:top]


def listed_mean(data, provider: str, period: str) -> Fraction:
    """The mean number of patients listed at `provider` on the first day of each month
    of `period` (the basis of a payment per listed patient)."""
    span = parse_period(period)
    days = month_start_dates(span.start, span.end) or [span.start]
    return Fraction(sum(data.listed_count(provider, day) for day in days), len(days))


def _sums(statement: Statement):
    kinds: dict[str, Fraction] = {}
    payees: dict[str, Fraction] = {}
    names: dict[str, Fraction] = {}
    name_kind: dict[str, str] = {}
    cells: dict[tuple[str, str], Fraction] = {}
    for line in statement.lines:
        kinds[line.kind] = kinds.get(line.kind, 0) + line.amount
        payees[line.payee] = payees.get(line.payee, 0) + line.amount
        names[line.name] = names.get(line.name, 0) + line.amount
        name_kind.setdefault(line.name, line.kind)
        key = (line.payee, line.name)
        cells[key] = cells.get(key, 0) + line.amount
    return kinds, payees, names, name_kind, cells


def _pair(old: dict, new: dict, key) -> Change:
    return Change(Fraction(old.get(key, 0)), Fraction(new.get(key, 0)))


def compare(old: Side, new: Side, data, data_new=None) -> Impact:
    """Settle both sides on `data` and compare them. `data_new` is the same data read
    with the new contract's schema when it differs from the old one's."""
    before, after = old.settle(data), new.settle(data_new or data)
    k0, p0, n0, kind0, c0 = _sums(before)
    k1, p1, n1, kind1, c1 = _sums(after)
    total = Change(sum(p0.values(), Fraction(0)), sum(p1.values(), Fraction(0)))
    order = [k for k in KIND_ORDER if k in k0 or k in k1]
    order += sorted((set(k0) | set(k1)) - set(order))
    kinds = {k: _pair(k0, k1, k) for k in order}
    providers = []
    for pid in sorted(set(p0) | set(p1)):
        entity = _provider(data, pid)
        name = (entity.get("name") if entity is not None else None) or ""
        change = _pair(p0, p1, pid)
        providers.append(
            ProviderChange(
                change.old,
                change.new,
                provider=pid,
                name=name,
                listed_old=listed_mean(data, pid, old.period) if entity is not None else 0,
                listed_new=listed_mean(data, pid, new.period) if entity is not None else 0,
            )
        )
    found = differences(old, new)
    reach = reach_map(old, new)
    payments = []
    for name in sorted(set(n0) | set(n1)):
        change = _pair(n0, n1, name)
        payments.append(
            PaymentChange(
                change.old,
                change.new,
                name=name,
                kind=kind1.get(name) or kind0.get(name, ""),
                why=tuple(attribute(found, name, reach)),
            )
        )
    cells = {key: _pair(c0, c1, key) for key in sorted(set(c0) | set(c1))}
    return Impact(old, new, total, kinds, providers, payments, cells, found)


def _provider(data, pid: str):
    return data.provider(pid)


def per_listed(amount: Fraction | None) -> Fraction | None:
    """An amount per listed patient rounded to the öre (half up) for display."""
    return None if amount is None else round_to(amount, Fraction(1, 100), "half_up")


def percent_1(value: Fraction | None) -> Fraction | None:
    """A percentage rounded to one decimal (half up) for display."""
    return None if value is None else round_to(value, Fraction(1, 10), "half_up")
