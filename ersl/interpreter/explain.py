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
from ersl.diagnostics import did_you_mean
from ersl.errors import ErslError, usage_error
from ersl.exact import format_amount, format_decimal, round_to
from ersl.interpreter.env import describe

FORMAT = "ersl.explanation/1"
RECORDS_SHOWN = 5
"""How many ids of the records behind a payment line an explanation names."""


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
    matches = matching_lines(statement, payee, name, period)
    tree = {"format": FORMAT, "lines": [explain_line(statement, line) for line in matches]}
    if len(matches) > 1:
        tree["sum"] = _sum(matches)
    return tree


def matching_lines(statement, payee: str, name: str, period: str | None = None) -> list:
    """The statement's lines of a payee and name (and period), or E0911 saying what
    there is."""
    matches = [
        line
        for line in statement.lines
        if line.payee == payee and line.name == name and (period is None or line.period == period)
    ]
    if not matches:
        raise usage_error(
            "E0911",
            f'the statement has no line "{name}" for {payee}' + (f" in {period}" if period else ""),
            _no_line_help(statement, payee, name),
        )
    return matches


def _no_line_help(statement, payee: str, name: str) -> str:
    """Did you mean the payee or line name the user misspelt, else what there is."""
    payees = sorted({line.payee for line in statement.lines})
    names = sorted({line.name for line in statement.lines if line.payee == payee})
    if payee not in payees:
        known = statement.run.data.providers() if statement.run is not None else ()
        hint = did_you_mean(payee, payees + [p.id for p in known])
        if hint:
            return f"--payee: {hint}"
        shown = ", ".join(payees[:10]) + (", …" if len(payees) > 10 else "")
        return f"payees with lines: {shown}" if payees else "the statement has no lines"
    hint = did_you_mean(name, names)
    if hint is None and statement.run is not None:
        hint = did_you_mean(name, statement.run.symbols.line_names())
    listed = ", ".join(f'"{n}"' for n in names)
    return (
        f"--name: {hint} (lines for {payee}: {listed})" if hint else f"lines for {payee}: {listed}"
    )


def _sum(lines) -> dict:
    """Several lines of one name (the months of a yearly run): their total and periods."""
    periods = sorted({line.period for line in lines})
    words = {_period_word(p) for p in periods}
    return {
        "amount": format_amount(sum((line.amount for line in lines), Fraction(0))),
        "lines": len(lines),
        "periods": f"{periods[0]}..{periods[-1]}" if len(periods) > 1 else periods[0],
        "each": words.pop() if len(words) == 1 else None,
    }


def _period_word(label: str) -> str:
    """`monthly` for 2022-03, `quarterly` for 2022-Q1, `yearly` for 2022."""
    if "-Q" in label:
        return "quarterly"
    return "monthly" if "-" in label else "yearly"


def readable(text: str, places: int = 2, unit: str = "") -> str:
    """An exact value of the tree as people read it: a fraction with its decimal first,
    rounded to `places`, then the unit (`865/3` → `288.33 kr (865/3)`); a finite decimal
    as it is (`35 kr`)."""
    if "/" not in text:
        return text + unit
    value = Fraction(text)
    rounded = round_to(value, Fraction(1, 10**places), "half_up")
    shown = format_decimal(rounded)
    if "." not in shown:
        shown += "." + "0" * places
    else:
        whole, decimals = shown.split(".")
        shown = f"{whole}.{decimals:0<{places}}"
    return f"{shown}{unit} ({text})"


def _record_ids(units) -> dict | None:
    """The records behind a payment line's units: their kind, the first few ids, how many."""
    ids: dict[str, None] = {}
    kinds: set[str] = set()
    for unit in units:
        kind, identity = record_of(unit)
        kinds.add(kind)
        ids.setdefault(identity)
    if not ids:
        return None
    return {
        "kind": kinds.pop() if len(kinds) == 1 else "record",
        "first": list(ids)[:RECORDS_SHOWN],
        "count": len(ids),
    }


def record_of(unit) -> tuple[str, str]:
    """(kind, id) of what a unit is about: its event, span or episode, else the listed
    patient or the provider."""
    if unit.record is not None:
        info = getattr(unit.record, "info", None)
        return (info.data_name if info is not None else "episode"), unit.record.id
    if isinstance(unit.about, tuple):  # ("patient", patient, provider): a listed patient
        return "patient", unit.about[1].id
    return "provider", unit.payee.id


def explain_line(statement, line) -> dict:
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
        units = run.settler.traced_sources(draft)
        records = _record_ids(units)
        if records is not None:
            tree["records"] = records
        for unit in units:
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
    """The explanation as indented text: exact fractions with their decimals beside them,
    several lines of one name under their sum."""
    out = []
    if "sum" in tree:
        total = tree["sum"]
        first = tree["lines"][0]["line"]
        each = f" {total['each']}" if total["each"] else ""
        out.append(
            f'"{first["name"]}" for {first["payee"]}, {total["periods"]}: {total["amount"]} kr '
            f"= sum of {total['lines']}{each} lines"
        )
        out += [
            f"  {item['line']['period']:<9} {item['line']['amount']:>14} kr"
            for item in tree["lines"]
        ]
        out.append("")
    for item in tree["lines"]:
        out += _render_line(item)
        out.append("")
    return "\n".join(out)


def _render_correction(c: dict) -> list[str]:
    """The correction part of a correction line: due, paid, and what changed it."""
    since = f" as of {c['paid_as_of']}" if c.get("paid_as_of") else ""
    out = [f"  correction: due {c['due']} kr − paid {c['paid']} kr = {c['amount']} kr"]
    if c["paid_in"]:
        out.append(f"  paid{since} in: {', '.join(c['paid_in'])}")
    else:
        out.append(f"  no earlier statement held this line (known{since or ' then'})")
    if c.get("note"):
        out.append(f"  {c['note']}")
    elif c["changes"]:
        out.append("  changed by:")
        for change in c["changes"]:
            then = ", ".join(f'"{n}"' for n in change["lines_then"]) or "no line"
            now = ", ".join(f'"{n}"' for n in change["lines_now"]) or "no line"
            out.append(f"    {change['record']}")
            out.append(f"      behind {then} then, {now} now")
    elif c["paid_in"]:
        out.append("  no record registered since changed it (the contract or parameters did)")
    else:
        out.append("  first settled here (a part of a longer period, e.g. a yearly cap)")
    return out


def _render_line(item: dict) -> list[str]:
    line = item["line"]
    out = [
        f'"{line["name"]}" for {line["payee"]}, {line["period"]}: {line["amount"]} kr ({line["kind"]})'
    ]
    if "correction" in item:
        out += _render_correction(item["correction"])
    if "source" not in item:  # a correction of a line no longer due
        return out
    out.append(f"  source: {item['source']['at']}")
    out += [f"    {text}" for text in item["source"]["text"]]
    for param in item.get("parameters", []):
        extra = f", {param['dated_entry']}" if "dated_entry" in param else ""
        out.append(
            f"  parameter {param['name']} = {param.get('value', '?')} ({param['source']}{extra})"
        )
    if "records" in item:
        records = item["records"]
        shown = ", ".join(records["first"])
        more = ", …" if records["count"] > len(records["first"]) else ""
        kind = records["kind"] if records["count"] == 1 else _plural(records["kind"])
        out.append(f"  {kind}: {shown}{more} ({records['count']} in all)")
    if item.get("table_bands"):
        out.append("  table bands hit:")
        out += [f"    {b['table']}: {b['band']}  × {b['units']}" for b in item["table_bands"]]
    if item.get("amounts_per_unit"):
        out.append("  amount per unit before weights:")
        out += [f"    {_kr(a['amount'])} × {a['units']}" for a in item["amounts_per_unit"]]
    if item.get("weights"):
        out.append("  weights applied:")
        out += [f"    {w['weight']}  × {w['units']} unit(s)" for w in item["weights"]]
    if "cap" in item:
        c = item["cap"]
        out.append(
            f"  capped total A = {_kr(c['capped_total_A'])}; "
            f"measure Q = {readable(c['measure_Q'], 4)}; limit L = {readable(c['limit_L'], 4)}"
        )
        out.append(
            f"  {c['action']}: deduction = {c['formula']} = {_kr(c['deduction'])} "
            f"(R = {readable(c['rate_R'], 4)})"
        )
    if "performance" in item:
        p = item["performance"]
        out.append(
            f"  pot = {_kr(p['pot'])}; {p['kind']} = {p['formula']}; "
            f"share Σw·a/Σw = {readable(p['share'], 4)}"
        )
        for ind in p["indicators"]:
            counts = (
                f"numerator {ind['numerator']} of population {ind['population']}, "
                if ind["population"] is not None
                else ""
            )
            if not ind["applies"]:
                state = "does not apply"
            elif ind["result"] is None:  # a reported indicator without a value scores 0
                state = f"not reported, attainment {readable(ind['attainment'], 4)}"
            else:
                state = (
                    f"result {readable(ind['result'], 4)}, "
                    f"attainment {readable(ind['attainment'], 4)}"
                )
            out.append(
                f'    "{ind["indicator"]}": {counts}{state}, weight {readable(ind["weight"], 4)}'
            )
    out.append(f"  units: {item['units']}; exact total: {_kr(item['exact_total'])}")
    r = item["rounding"]
    out.append(f"  rounding: {r['increment']} {r['mode']} {r['scope']} → {r['amount']} kr")
    return out


def _kr(text: str) -> str:
    return readable(text, 2, " kr")


def _plural(kind: str) -> str:
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


__all__ = ["explain", "explain_line", "matching_lines", "render_text", "ErslError"]
