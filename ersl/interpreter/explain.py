"""Explaining a statement line (SPEC §6.4): the source, the parameters and the
table bands used, the weights applied, the units, the exact total and the
rounding; for caps the measure, limit and deduction; for performance each
indicator's population, numerator, result and attainment.

`explain(statement, payee, name, period)` returns a plain tree (dicts and
lists of strings and numbers as text), versioned `ersl.explanation/1`;
`render_text` turns it into the text `ersl explain` prints.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from ersl import ast
from ersl.errors import ErslError, usage_error
from ersl.exact import format_amount, format_decimal
from ersl.interpreter.env import describe

FORMAT = "ersl.explanation/1"


def _money(x: Fraction) -> str:
    return format_decimal(Fraction(x))


def _source_text(run, node: ast.Node) -> list[str]:
    span = node.span
    lines = []
    for number in range(span.line, span.end_line + 1):
        text = run.checked.loaded.sources.line(span.file, number)
        if text is not None:
            lines.append(text.rstrip())
    return lines


def _parameters(run, name: str, period) -> list[dict]:
    uses = run.checked.facts.depends.get(f"line:{name}", {})
    result = []
    for key in sorted(uses):
        kind, _, param = key.partition(":")
        if kind != "param":
            continue
        decl = run.symbols.params[param]
        entry = {"name": param, "source": run.source(decl.span)}
        value = run.overrides.get(param, decl.value)
        if isinstance(value, ast.DatedValue):
            chosen = [e for e in value.entries if e.start <= period.end]
            if chosen:
                entry["dated_entry"] = f"from {chosen[-1].start} (in force on {period.end})"
                value = chosen[-1].value
        if isinstance(value, ast.TableValue):
            entry["value"] = "table"
        elif isinstance(value, ast.Node):
            entry["value"] = run.text(value)
        elif value is not None:
            entry["value"] = "table from input" if hasattr(value, "lookup") else describe(value)
        result.append(entry)
    return result


def explain(statement, payee: str, name: str, period: str | None = None) -> dict:
    """The explanation tree of one line (raises ErslError if there is no such line)."""
    matches = [
        line
        for line in statement.lines
        if line.payee == payee and line.name == name and (period is None or line.period == period)
    ]
    if not matches:
        names = sorted({line.name for line in statement.lines if line.payee == payee})
        hint = (
            "lines for this payee: " + ", ".join(f'"{n}"' for n in names)
            if names
            else "this payee has no lines"
        )
        raise usage_error(
            "E0911",
            f'the statement has no line "{name}" for {payee}' + (f" in {period}" if period else ""),
            hint,
        )
    return {"format": FORMAT, "lines": [_explain_line(statement, line) for line in matches]}


def _explain_line(statement, line) -> dict:
    run = statement.run
    draft = statement.explanations[(line.payee, line.period, line.name)]
    decl = draft.decl
    tree: dict = {
        "line": line.to_dict(),
        "source": {"at": run.source(decl.span), "text": _source_text(run, decl)},
        "units": draft.count,
        "exact_total": _money(draft.exact),
        "rounding": {
            "increment": format_amount(run.increment) + " kr",
            "mode": run.rounding_mode,
            "scope": "per " + run.rounding_scope,
            "amount": format_amount(line.amount),
        },
    }
    if isinstance(decl, ast.Payment):
        tree["parameters"] = _parameters(run, decl.name, draft.period)
        bands: Counter = Counter()
        weights: Counter = Counter()
        bases: Counter = Counter()
        for unit in run.settler.traced_sources(draft):
            bases[unit.base] += 1
            for event in unit.trace:
                if event[0] == "band":
                    bands[(event[1], run.text(event[2]))] += 1
                else:
                    weights[event[1]] += 1
        tree["amounts_per_unit"] = [
            {"amount": _money(amount), "units": count} for amount, count in sorted(bases.items())
        ]
        tree["table_bands"] = [
            {"table": table, "band": band, "units": count}
            for (table, band), count in sorted(bands.items())
        ]
        tree["weights"] = [
            {"weight": run.text(decl.weights[i]), "units": count}
            for i, count in sorted(weights.items())
        ]
    elif isinstance(decl, ast.Cap):
        d = draft.detail
        tree["cap"] = {
            "capped_total_A": _money(d["A"]),
            "measure_Q": _money(d["Q"]),
            "limit_L": _money(d["L"]),
            "rate_R": _money(d["R"]),
            "action": decl.action.kind.replace("_", " "),
            "formula": {
                "reduce_excess": "R × A × (Q − L) / Q",
                "reduce_all": "R × A",
                "pay_excess": "(1 − R) × A × (Q − L) / Q",
            }[decl.action.kind],
            "deduction": _money(-draft.exact),
        }
    elif isinstance(decl, ast.Performance):
        d = draft.detail
        settler = run.settler
        provider = draft.payee
        indicators = []
        for ref_name, attainment, weight in d["scores"]:
            indicator = run.symbols.indicators[ref_name]
            result, population, numerator = settler.indicator_counts(
                indicator, provider, draft.period
            )
            indicators.append(
                {
                    "indicator": ref_name,
                    "population": population,
                    "numerator": numerator,
                    "result": None if result is None else _money(result),
                    "attainment": None if attainment is None else _money(attainment),
                    "weight": _money(weight),
                    "applies": attainment is not None,
                }
            )
        tree["performance"] = {
            "pot": _money(d["pot"]),
            "share": _money(d["share"]),
            "kind": "bonus" if decl.bonus is not None else "penalty",
            "formula": "pot × Σ w·a / Σ w"
            if decl.bonus is not None
            else "−pot × (1 − Σ w·a / Σ w)",
            "indicators": indicators,
        }
    elif isinstance(decl, ast.Bundle):
        tree["bundle"] = {"charge": line.name.endswith(": charge")}
    return tree


def render_text(tree: dict) -> str:
    """The explanation as indented text."""
    out = []
    for item in tree["lines"]:
        line = item["line"]
        out.append(
            f'"{line["name"]}" for {line["payee"]}, {line["period"]}: {line["amount"]} kr ({line["kind"]})'
        )
        out.append(f"  source: {item['source']['at']}")
        out += [f"    {text}" for text in item["source"]["text"]]
        for param in item.get("parameters", []):
            extra = f", {param['dated_entry']}" if "dated_entry" in param else ""
            out.append(
                f"  parameter {param['name']} = {param.get('value', '?')} ({param['source']}{extra})"
            )
        if item.get("table_bands"):
            out.append("  table bands hit:")
            out += [f"    {b['table']}: {b['band']}  × {b['units']}" for b in item["table_bands"]]
        if item.get("amounts_per_unit"):
            out.append("  amount per unit before weights:")
            out += [f"    {a['amount']} kr × {a['units']}" for a in item["amounts_per_unit"]]
        if item.get("weights"):
            out.append("  weights applied:")
            out += [f"    {w['weight']}  × {w['units']} unit(s)" for w in item["weights"]]
        if "cap" in item:
            c = item["cap"]
            out.append(
                f"  capped total A = {c['capped_total_A']} kr; measure Q = {c['measure_Q']}; limit L = {c['limit_L']}"
            )
            out.append(
                f"  {c['action']}: deduction = {c['formula']} = {c['deduction']} kr (R = {c['rate_R']})"
            )
        if "performance" in item:
            p = item["performance"]
            out.append(
                f"  pot = {p['pot']} kr; {p['kind']} = {p['formula']}; share Σw·a/Σw = {p['share']}"
            )
            for ind in p["indicators"]:
                counts = (
                    f"numerator {ind['numerator']} of population {ind['population']}, "
                    if ind["population"] is not None
                    else ""
                )
                if not ind["applies"]:
                    state = "does not apply"
                elif ind["result"] is None:
                    state = f"not reported, attainment {ind['attainment']}"
                else:
                    state = f"result {ind['result']}, attainment {ind['attainment']}"
                out.append(f'    "{ind["indicator"]}": {counts}{state}, weight {ind["weight"]}')
        out.append(f"  units: {item['units']}; exact total: {item['exact_total']} kr")
        r = item["rounding"]
        out.append(f"  rounding: {r['increment']} {r['mode']} {r['scope']} → {r['amount']} kr")
        out.append("")
    return "\n".join(out)


__all__ = ["explain", "render_text", "ErslError"]
