"""Contract coverage: which parts of a contract the tests exercised (`ersl test --coverage`).

The parts of a contract, each with a stable key:

| category | exercised when a test's statement… |
|---|---|
| payments | has a line of the payment |
| performance | has a line of the performance (a bonus or penalty was computed) |
| table bands | priced a unit with the band (`age_rate: 75 and over`) |
| weights | applied the weight to a paid unit (payments and bundles) |
| caps | has a deduction of the cap (the measure exceeded the limit) |
| indicators | scored the indicator for a provider (it applied: non-empty population or a reported value) |
| bundle clauses | started an episode (trigger), covered an event by an `includes` line or the warranty, or extended the warranty |

Only `test` blocks count: properties run on generated data. Parts declared in
the standard library's function files and in test files are not counted.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import attrs

from ersl import ast

CATEGORIES = (
    ("payment", "payments"),
    ("performance", "performance"),
    ("band", "table bands"),
    ("weight", "weights"),
    ("cap", "caps"),
    ("indicator", "indicators"),
    ("bundle", "bundle clauses"),
)


@attrs.frozen
class Part:
    """One coverable part of a contract."""

    key: str
    category: str
    label: str
    where: str


def _where(span) -> str:
    return f"{span.file}:{span.line}"


def _source_line(sources, span) -> str:
    text = sources.line(span.file, span.line) or ""
    return " ".join(text.split())


def contract_file(checked) -> str:
    """The file of the contract under test (its header's file)."""
    header = checked.symbols.contract
    return header.span.file if header is not None else checked.root.path


def parts_of(checked) -> dict[str, Part]:
    """Every coverable part of the contract a checked test file tests, by key."""
    symbols = checked.symbols
    sources = checked.loaded.sources
    skip = set(checked.loaded.stdlib_paths)

    def counted(node) -> bool:
        file = node.span.file
        return file not in skip and not file.endswith("_test.ersl")

    parts: dict[str, Part] = {}

    def add(key: str, category: str, label: str, node) -> None:
        parts[key] = Part(key, category, label, _where(node.span))

    for name, payment in symbols.payments.items():
        if not counted(payment):
            continue
        add(f"payment:{name}", "payment", f'"{name}"', payment)
        for i, weight in enumerate(payment.weights):
            add(
                f"weight:{name}:{i}",
                "weight",
                f'"{name}": {_source_line(sources, weight.span)}',
                weight,
            )
    for name, perf in symbols.performances.items():
        if counted(perf):
            add(f"performance:{name}", "performance", f'"{name}"', perf)
    for name, cap in symbols.caps.items():
        if counted(cap):
            add(f"cap:{name}", "cap", f'"{name}"', cap)
    for name, indicator in symbols.indicators.items():
        if counted(indicator):
            add(f"indicator:{name}", "indicator", f'"{name}"', indicator)
    for name, param in symbols.params.items():
        if not counted(param):
            continue
        for table in _tables(param.value):
            for entry in table.entries:
                label = f"{name}: {_source_line(sources, entry.span)}"
                add(f"band:{name}:{entry.span.line}", "band", label, entry)
    for name, bundle in symbols.bundles.items():
        if not counted(bundle):
            continue
        if bundle.trigger is not None:
            add(f"bundle:{name}:trigger", "bundle", f'"{name}": trigger', bundle.trigger)
        for i, item in enumerate(bundle.includes):
            label = f'"{name}": includes {_source_line(sources, item.span)}'
            add(f"bundle:{name}:includes:{i}", "bundle", label, item)
        warranty = bundle.warranty
        if warranty is not None and warranty.covers is not None:
            add(f"bundle:{name}:warranty", "bundle", f'"{name}": warranty covers', warranty.covers)
            if warranty.extend_when is not None:
                label = f'"{name}": warranty extended'
                add(f"bundle:{name}:extend", "bundle", label, warranty.extend_when)
        for i, weight in enumerate(bundle.weights):
            add(
                f"weight:{name}:{i}",
                "weight",
                f'"{name}": {_source_line(sources, weight.span)}',
                weight,
            )
    return parts


def _tables(value) -> list[ast.TableValue]:
    if isinstance(value, ast.TableValue):
        return [value]
    if isinstance(value, ast.DatedValue):
        return [e.value for e in value.entries if isinstance(e.value, ast.TableValue)]
    return []


def hits_of(statement) -> set[str]:
    """The keys of the parts a settled statement exercised."""
    run = statement.run
    symbols = run.symbols
    settler = run.settler
    hits: set[str] = set()
    for line in statement.lines:
        if line.name in symbols.payments:
            hits.add(f"payment:{line.name}")
        elif line.name in symbols.performances:
            hits.add(f"performance:{line.name}")
        elif line.name in symbols.caps:
            hits.add(f"cap:{line.name}")
    # A band counts when it priced a paid unit, or was used outside unit pricing (a cap's
    # limit, a pot); a unit covered by a bundle is priced but not paid, so does not count.
    priced: Counter = Counter()
    for units in getattr(settler, "_units", {}).values():
        for unit in units:
            priced.update((e[1], e[2].span.line) for e in unit.trace if e[0] == "band")
    for key, count in run.bands_hit.items():
        if count > priced.get(key, 0):
            hits.add(f"band:{key[0]}:{key[1]}")
    for draft in statement.explanations.values():
        decl = draft.decl
        if isinstance(decl, ast.Payment):
            for unit in draft.sources:
                for event in unit.trace:
                    if event[0] == "weight":
                        hits.add(f"weight:{decl.name}:{event[1]}")
                    else:
                        hits.add(f"band:{event[1]}:{event[2].span.line}")
        elif isinstance(decl, ast.Performance):
            for name, attainment, _ in draft.detail.get("scores", ()):
                if attainment is not None and _applies(settler, symbols, name, draft):
                    hits.add(f"indicator:{name}")
    for (name, _), results in getattr(settler, "_indicators", {}).items():
        if results:
            hits.add(f"indicator:{name}")
    if symbols.bundles:
        hits |= _bundle_hits(run, settler, statement)
    return hits


def _applies(settler, symbols, name: str, draft) -> bool:
    """Whether an indicator applied to the draft's provider (it had a result)."""
    indicator = symbols.indicators[name]
    return settler.indicator_result(indicator, draft.payee, draft.period) is not None


def _bundle_hits(run, settler, statement) -> set[str]:
    from ersl.interpreter.bundles import _env, _included, _warranty

    hits: set[str] = set()
    ev = run.evaluator
    period = settler.period
    for name, bundle in run.symbols.bundles.items():
        for episode in settler.episodes_of(name):
            hits.add(f"bundle:{name}:trigger")
            env = _env(run, episode.start, **{bundle.trigger.var.name: episode.trigger})
            for i, item in enumerate(bundle.includes):
                found, _ = _included(run, item, env, episode.patient)
                if any(record is not episode.trigger for record, _, _ in found):
                    hits.add(f"bundle:{name}:includes:{i}")
            warranty = bundle.warranty
            if warranty is not None and warranty.covers is not None and warranty.period:
                if _warranty(run, bundle, env, episode.patient, episode):
                    hits.add(f"bundle:{name}:warranty")
                if warranty.extend_when is not None and ev.truth(warranty.extend_when, env):
                    hits.add(f"bundle:{name}:extend")
            if period.start <= episode.start <= period.end:
                for i, weight in enumerate(bundle.weights):
                    if ev.truth(weight.when, env):
                        hits.add(f"weight:{name}:{i}")
    return hits


@attrs.define
class ContractCoverage:
    """The coverage of one contract over every test that tests it."""

    contract: str
    parts: dict[str, Part]
    hits: set[str] = attrs.field(factory=set)

    @property
    def exercised(self) -> list[Part]:
        """The parts at least one test exercised."""
        return [p for k, p in self.parts.items() if k in self.hits]

    @property
    def missed(self) -> list[Part]:
        """The parts no test exercised, in source order."""
        missed = [p for k, p in self.parts.items() if k not in self.hits]
        return sorted(missed, key=_source_order)

    @property
    def ratio(self) -> Fraction:
        """Exercised / all (1 when the contract has no parts)."""
        if not self.parts:
            return Fraction(1)
        return Fraction(len(self.exercised), len(self.parts))

    @property
    def percent(self) -> float:
        """The coverage in percent."""
        return float(self.ratio * 100)

    def by_category(self) -> dict[str, tuple[int, int]]:
        """category → (exercised, total), for the categories the contract has."""
        result = {}
        for category, _ in CATEGORIES:
            keys = [k for k, p in self.parts.items() if p.category == category]
            if keys:
                result[category] = (sum(k in self.hits for k in keys), len(keys))
        return result

    def to_dict(self) -> dict:
        """The JSON form."""
        return {
            "contract": self.contract,
            "parts": len(self.parts),
            "exercised": len(self.exercised),
            "percent": round(self.percent, 1),
            "categories": {
                category: {"exercised": done, "total": total}
                for category, (done, total) in self.by_category().items()
            },
            "never_exercised": [
                {"category": p.category, "part": p.label, "where": p.where} for p in self.missed
            ],
        }

    def render(self) -> str:
        """The text form."""
        out = [
            f"{self.contract}: {len(self.exercised)} of {len(self.parts)} parts exercised "
            f"({self.percent:.1f} %)"
        ]
        names = dict(CATEGORIES)
        for category, (done, total) in self.by_category().items():
            out.append(f"  {names[category]:<15} {done:>3} of {total}")
        if self.missed:
            out.append("  never exercised:")
            width = max(len(p.label) for p in self.missed)
            for part in self.missed:
                kind = (
                    names[part.category].rstrip("s")
                    if part.category != "performance"
                    else "performance"
                )
                out.append(f"    {kind:<13} {part.label:<{width}}  {part.where}")
        return "\n".join(out)


def _source_order(part: Part) -> tuple:
    file, _, line = part.where.rpartition(":")
    return (file, int(line) if line.isdigit() else 0, part.key)


def collect(test_files, outcomes) -> list[ContractCoverage]:
    """Coverage per contract: the parts of each tested contract and the hits of its tests."""
    by_contract: dict[str, ContractCoverage] = {}
    file_contract: dict[int, str] = {}
    for test_file in test_files:
        if test_file.checked is None or not test_file.cases:
            continue
        name = contract_file(test_file.checked)
        file_contract[id(test_file)] = name
        coverage = by_contract.setdefault(name, ContractCoverage(name, {}))
        coverage.parts.update(parts_of(test_file.checked))
    for outcome in outcomes:
        if outcome.case.kind != "test":
            continue
        name = file_contract.get(id(outcome.case.file))
        if name is not None:
            by_contract[name].hits |= outcome.hits
    for coverage in by_contract.values():
        coverage.hits &= set(coverage.parts)
    return [by_contract[name] for name in sorted(by_contract)]


__all__ = ["CATEGORIES", "ContractCoverage", "Part", "collect", "hits_of", "parts_of"]
