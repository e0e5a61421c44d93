"""Marginal incentives (issue 15 §4): what one more unit of each kind pays a provider.

Each perturbation adds records to the data — one more listed patient of an age band or
a CNI decile, one more visit by a profession, one percentage point more on a reported
indicator, one more complication under a bundle's warranty — and settles the contract
again, exactly; the row is the change of the
provider's total for the period, with the payment names that changed. Caps, weights
and bonuses therefore count as they would: a visit above a ceiling is worth less.
docs/incentives.md says how each perturbation is built.
"""

from __future__ import annotations

import datetime
import json
import re
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ersl import ast
from ersl import types as T
from ersl.data import dump_jsonl, read_data
from ersl.dates import add_years, parse_period
from ersl.errors import usage_error
from ersl.exact import format_decimal
from ersl.tender.profile import PROFESSIONS

_AGE_COMPARISON = re.compile(r"age\([^()]*\)\s*(>=|>)\s*(\d+)")


@dataclass(frozen=True)
class Marginal:
    """One perturbation and what it changes for the provider."""

    group: str
    label: str
    change: Fraction
    payments: tuple[tuple[str, Fraction], ...]


@dataclass(frozen=True)
class Incentives:
    """The marginal incentives of one provider in one period."""

    provider: str
    period: str
    base_total: Fraction
    rows: tuple[Marginal, ...]
    notes: tuple[str, ...] = ()


def _payee_amounts(statement, provider: str) -> dict[str, Fraction]:
    out: dict[str, Fraction] = {}
    for line in statement.lines:
        if line.payee == provider:
            out[line.name] = out.get(line.name, 0) + line.amount
    return out


def age_bands(contract) -> list[int]:
    """The lower ages of the contract's age bands: the bands of integer-keyed tables
    (within 0–120) and the ages compared with `age(…) >=` / `>` in its source files."""
    lows: set[int] = set()
    symbols = contract.checked.symbols
    for name, decl in symbols.params.items():
        wanted = T.strip_optional(symbols.param_types.get(name, T.ERROR))
        if not isinstance(wanted, T.TableT) or wanted.key != T.INT:
            continue
        tables = []
        if isinstance(decl.value, ast.TableValue):
            tables = [decl.value]
        elif isinstance(decl.value, ast.DatedValue):
            tables = [e.value for e in decl.value.entries if isinstance(e.value, ast.TableValue)]
        bounds = [_band_low(e.band) for t in tables for e in t.entries]
        if bounds and all(b is not None and 0 <= b <= 120 for b in bounds):
            lows |= set(bounds)
    for module in contract.checked.loaded.modules:
        text = Path(module.path).read_text(encoding="utf-8") if module.path else ""
        for op, number in _AGE_COMPARISON.findall(text):
            lows.add(int(number) + (1 if op == ">" else 0))
    return sorted(lows) or [0]


def _band_low(band: ast.Band) -> int | None:
    if band.kind == "under":
        return 0
    if band.kind in ("range", "over", "eq") and isinstance(band.low, ast.Number):
        value = band.low.value
        return int(value) if value.denominator == 1 else None
    return None


def _quantile(values: list[Fraction], q: Fraction) -> Fraction:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def marginal(contract, data, period: str, params: dict, provider: str) -> Incentives:
    """Settle `period` with the data as it is and with each perturbation."""
    if data.provider(provider) is None:
        from ersl.diagnostics import did_you_mean

        raise usage_error(
            "E1504",
            f"no provider `{provider}` in the data",
            did_you_mean(provider, [p.id for p in data.providers()]),
        )
    span = parse_period(period)
    base_statement = contract.settle(data, period, params)
    base = _payee_amounts(base_statement, provider)
    base_total = sum(base.values(), Fraction(0))
    listed = data.listed_patients(provider, span.start)
    notes = []
    median_cni = median_acg = None
    cnis = [
        v for p in listed if (v := data.attribute(p, "cni", span.start, default=None)) is not None
    ]
    acgs = [
        v for p in listed if (v := data.attribute(p, "acg", span.start, default=None)) is not None
    ]
    if cnis:
        median_cni = _quantile(cnis, Fraction(1, 2))
    if acgs:
        median_acg = _quantile(acgs, Fraction(1, 2))
    ages = sorted(_age(p, span.start) for p in listed)
    median_age = ages[len(ages) // 2] if ages else 40
    perturbations: list[tuple[str, str, list[dict]]] = []
    for low in age_bands(contract):
        perturbations.append(
            (
                "listed patient",
                f"aged {low}",
                _new_patient(provider, span, low, median_cni, median_acg),
            )
        )
    if cnis:
        for decile in range(1, 11):
            cni = _quantile(cnis, Fraction(2 * decile - 1, 20))
            perturbations.append(
                (
                    "listed patient",
                    f"CNI decile {decile} ({format_decimal(cni)})",
                    _new_patient(provider, span, median_age, cni, median_acg),
                )
            )
    else:
        notes.append("no listed patient has a CNI value: no CNI deciles")
    who = _median_patient(listed, span.start, median_age)
    if who is None:
        notes.append("no listed patient: no visits")
    else:
        day = span.start + datetime.timedelta(days=(span.end - span.start).days // 2)
        for profession in PROFESSIONS:
            visit = {
                "type": "visit",
                "id": "ERSL-MARGINAL-VISIT",
                "patient": who.id,
                "provider": provider,
                "date": day.isoformat(),
                "profession": profession,
                "mode": "physical",
            }
            perturbations.append(("visit", f"{profession} (physical, {who.id})", [visit]))
    for name, indicator in sorted(contract.checked.symbols.indicators.items()):
        if not indicator.reported:
            continue
        results = _raised_results(data, provider, name, span)
        if results:
            perturbations.append(("indicator", f"{name} +1 pp", results))
        else:
            notes.append(f'no result of "{name}" for {provider} in {period}: not perturbed')
    base_text = dump_jsonl(data)
    for label, records, note in _complications(contract, data, provider, span, base_text):
        if note:
            notes.append(note)
        else:
            perturbations.append(("complication under warranty", label, records))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for group, label, records in perturbations:
            path = Path(tmp) / "perturbed.jsonl"
            extra = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            if group == "indicator":
                kept = [
                    line
                    for line in base_text.splitlines(keepends=True)
                    if not _is_result(line, provider, records)
                ]
                path.write_text("".join(kept) + extra, encoding="utf-8")
            else:
                path.write_text(base_text + extra, encoding="utf-8")
            perturbed = read_data([path], contract.checked)
            amounts = _payee_amounts(contract.settle(perturbed, period, params), provider)
            changes = {
                name: amounts.get(name, 0) - base.get(name, 0)
                for name in sorted(set(amounts) | set(base))
                if amounts.get(name, 0) != base.get(name, 0)
            }
            total = sum(changes.values(), Fraction(0))
            ordered = sorted(changes.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
            rows.append(Marginal(group, label, total, tuple(ordered)))
    return Incentives(provider, base_statement.period, base_total, tuple(rows), tuple(notes))


def _age(patient, day: datetime.date) -> int:
    from ersl.dates import age

    return age(patient["birth_date"], day)


def _new_patient(provider: str, span, age: int, cni, acg) -> list[dict]:
    """A new patient aged `age` on the period's first day (the birthday the day before,
    so the age holds on every first of month of a year), listed at the provider."""
    birth = add_years(span.start, -age) - datetime.timedelta(days=1)
    patient = {"type": "patient", "id": "ERSL-MARGINAL-PATIENT", "birth_date": birth.isoformat()}
    records = [patient]
    attrs = {}
    if cni is not None:
        attrs["cni"] = format_decimal(cni)
    if acg is not None:
        attrs["acg"] = format_decimal(acg)
    if attrs:
        start = min(birth, span.start)
        records.append(
            {
                "type": "patient_attribute",
                "patient": patient["id"],
                "from": start.isoformat(),
                **attrs,
            }
        )
    records.append(
        {
            "type": "listing",
            "patient": patient["id"],
            "provider": provider,
            "start": max(birth, span.start).isoformat(),
        }
    )
    return records


def _median_patient(listed, day, median_age):
    """A listed patient of the median age (the first by id), the one who visits."""
    for patient in listed:
        if _age(patient, day) == median_age:
            return patient
    return listed[0] if listed else None


def _raised_results(data, provider: str, name: str, span) -> list[dict]:
    """The provider's results of a reported indicator within the period, each one
    percentage point higher (at most 1)."""
    out = []
    for record in data.records("IndicatorResult"):
        if record["indicator"] != name or record["provider"].id != provider:
            continue
        label = record["period"]
        try:
            covered = parse_period(label)
        except ValueError:
            continue
        if covered.end < span.start or covered.start > span.end:
            continue
        value = min(Fraction(1), record["value"] + Fraction(1, 100))
        out.append(
            {
                "type": "indicator_result",
                "provider": provider,
                "indicator": name,
                "period": label,
                "value": format_decimal(value),
            }
        )
    return out


def _is_result(line: str, provider: str, records: list[dict]) -> bool:
    """Whether a dumped line is one of the results the perturbation replaces."""
    if '"indicator_result"' not in line:
        return False
    row = json.loads(line)
    return any(
        row.get("provider") == provider
        and row.get("indicator") == r["indicator"]
        and row.get("period") == r["period"]
        for r in records
    )


def _codes_in(expr, var: str, symbols) -> tuple[str, list[ast.CodeItem]] | None:
    """(field, codeset items) of a condition `v.field in codeset` (alone or in an
    `and`), or None."""
    if isinstance(expr, ast.Binary) and expr.op == "and":
        return _codes_in(expr.left, var, symbols) or _codes_in(expr.right, var, symbols)
    if (
        isinstance(expr, ast.Binary)
        and expr.op == "in"
        and isinstance(expr.left, ast.FieldAccess)
        and isinstance(expr.left.obj, ast.Name)
        and expr.left.obj.name == var
        and isinstance(expr.right, ast.Name)
        and expr.right.name in symbols.codesets
    ):
        return expr.left.name.name, list(symbols.codesets[expr.right.name].items)
    return None


def _member(items: list[ast.CodeItem]) -> str:
    """A code of the set: a prefix item `NFC*` gives `NFC99`, a range its low end."""
    low = items[0].low
    return low[:-1] + "99" if low.endswith("*") else low


def _matches(code: str, items: list[ast.CodeItem]) -> bool:
    for item in items:
        if item.low.endswith("*") and code.startswith(item.low[:-1]):
            return True
        if item.high is not None and item.low <= code[: len(item.high)] <= item.high:
            return True
        if code == item.low:
            return True
    return False


def _complications(contract, data, provider: str, span, base_text: str):
    """For each bundle with a warranty: one more covered event (a copy of one of the
    provider's trigger events in the period, with a code of the warranty's codeset, 30
    days later at another provider), or a note saying why there is none."""
    symbols = contract.checked.symbols
    for name, bundle in sorted(symbols.bundles.items()):
        warranty = bundle.warranty
        if warranty is None or warranty.covers is None or bundle.trigger is None:
            continue
        covers, trigger = warranty.covers, bundle.trigger
        found = _codes_in(covers.where, covers.var.name, symbols)
        if found is None or covers.type.name != trigger.type.name:
            yield (
                "",
                [],
                f"bundle \"{name}\": its warranty's events are not `x.field in codeset` of the trigger's type: no complication",
            )
            continue
        field, items = found
        trigger_codes = _codes_in(trigger.where, trigger.var.name, symbols)
        candidates = [
            r
            for r in data.records(trigger.type.name)
            if r.get("provider") is not None
            and r["provider"].id == provider
            and span.start <= r["date"] <= span.end
            and (trigger_codes is None or _matches(str(r.get(trigger_codes[0])), trigger_codes[1]))
        ]
        if not candidates:
            yield (
                "",
                [],
                f'bundle "{name}": no episode of {provider} in the period: no complication',
            )
            continue
        first = candidates[0]
        data_type = _data_name(trigger.type.name)
        record = None
        for line in base_text.splitlines():
            row = json.loads(line)
            if row.get("type") == data_type and row.get("id") == first.id:
                record = row
                break
        if record is None:
            continue
        others = [p.id for p in data.providers() if p.id != provider]
        day = min(first["date"] + datetime.timedelta(days=30), span.end)
        record.update(
            id="ERSL-MARGINAL-COMPLICATION",
            date=day.isoformat(),
            provider=others[0] if others else provider,
        )
        record[field] = _member(items)
        yield f"{name}: {record[field]} after {first.id}", [record], None


def _data_name(type_name: str) -> str:
    """`IndicatorResult` → `indicator_result`: a schema type's data name."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()
