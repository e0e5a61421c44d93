"""The outputs of `ersl diff`: JSON (`ersl.diff/1`), text, CSV and an xlsx workbook.

Same impact, same bytes. Amounts are exact two-decimal texts (docs/diff.md).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

from ersl.tender import numbers as N
from ersl.tender.diff import TOP, Change, Impact

FORMAT = "ersl.diff/1"


def _change(c: Change) -> dict:
    return {
        "old": N.amount(c.old),
        "new": N.amount(c.new),
        "change": N.amount(c.change),
        "percent": N.percent(c.percent, sign=False).removesuffix(" %") or None,
    }


def _side(side) -> dict:
    statement = side.statement
    return {
        "contract": statement.contract_name,
        "version": statement.contract_version,
        "file": side.path,
        "sha256": statement.contract_sha256,
        "period": statement.period,
        "params": dict(sorted(side.params.items())),
    }


def to_dict(impact: Impact, top: int = TOP) -> dict:
    """The `ersl.diff/1` document."""
    return {
        "format": FORMAT,
        "old": _side(impact.old),
        "new": _side(impact.new),
        "total": _change(impact.total),
        "kinds": [{"kind": k, **_change(c)} for k, c in impact.kinds.items()],
        "providers": [
            {
                "provider": p.provider,
                "name": p.name,
                **_change(p),
                "listed_old": N.decimal_text(p.listed_old),
                "listed_new": N.decimal_text(p.listed_new),
                "per_listed_old": N.amount(p.per_listed_old) or None,
                "per_listed_new": N.amount(p.per_listed_new) or None,
                "payments": [
                    {"name": name, **_change(c)} for name, c in impact.drivers(p.provider, 1000)
                ],
            }
            for p in impact.providers
        ],
        "payments": [
            {"name": p.name, "kind": p.kind, **_change(p), "why": list(p.why)}
            for p in impact.payments
        ],
        "winners": [p.provider for p in impact.winners(top)],
        "losers": [p.provider for p in impact.losers(top)],
        "differences": [d.to_dict() for d in impact.differences],
    }


def to_json(impact: Impact) -> str:
    """`ersl.diff/1` as indented JSON with a final newline."""
    return json.dumps(to_dict(impact), ensure_ascii=False, indent=2) + "\n"


def _title(side) -> str:
    s = side.statement
    version = f" ({s.contract_version})" if s.contract_version else ""
    return f"{s.contract_name}{version}, {s.period}"


def to_text(impact: Impact, swedish: bool = False, top: int = TOP) -> str:
    """A readable report: totals, kinds, winners and losers with their main payments,
    payments with why, and every difference with the source lines of both sides."""
    kr = lambda v, sign=False: N.amount(v, swedish, sign)  # noqa: E731
    pc = lambda v: N.percent(v, swedish)  # noqa: E731
    out = [f"old: {_title(impact.old)}", f"new: {_title(impact.new)}", ""]

    def table(header, rows):
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for r in [header, *rows]:
            cells = [
                str(v).ljust(w) if i == 0 else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(r, widths, strict=True))
            ]
            out.append("  " + "  ".join(cells).rstrip())

    def row(label, c: Change):
        return [label, kr(c.old), kr(c.new), kr(c.change, True), pc(c.percent)]

    header = ["", "old", "new", "change", "%"]
    table(header, [row("total", impact.total)] + [row(k, c) for k, c in impact.kinds.items()])
    for title, group in (("winners", impact.winners(top)), ("losers", impact.losers(top))):
        out += ["", f"largest {title}:"]
        if not group:
            out.append("  none")
        for p in group:
            drivers = ", ".join(
                f'"{n}" {kr(c.change, True)}' for n, c in impact.drivers(p.provider)
            )
            out.append(
                f"  {p.provider} {p.name}: {kr(p.change, True)} ({pc(p.percent)}) — {drivers}"
            )
    out += ["", "providers:"]
    table(
        ["provider", "old", "new", "change", "%", "listed", "per listed old", "per listed new"],
        [
            [
                p.provider,
                kr(p.old),
                kr(p.new),
                kr(p.change, True),
                pc(p.percent),
                N.decimal_text(p.listed_new, 1),
                kr(p.per_listed_old),
                kr(p.per_listed_new),
            ]
            for p in impact.providers
        ],
    )
    out += ["", "payments:"]
    table(
        ["payment", "kind", "old", "new", "change", "%"],
        [
            [p.name, p.kind, kr(p.old), kr(p.new), kr(p.change, True), pc(p.percent)]
            for p in impact.payments
        ],
    )
    changed = [p for p in impact.payments if p.change]
    if changed:
        out += ["", "why the payments changed:"]
    for p in sorted(changed, key=lambda p: (-abs(p.change), p.name)):
        out.append(f'  "{p.name}" {kr(p.change, True)}:')
        if not p.why:
            out.append("    no difference in the contracts: the data or the period")
        for i in p.why:
            out.append(f"    [{i + 1}] {impact.differences[i].sentence()}")
    if impact.differences:
        out += ["", "differences between the contracts:"]
    for i, d in enumerate(impact.differences):
        out.append(f"  [{i + 1}] {d.sentence()}")
        for label, where in (("old", d.old), ("new", d.new)):
            if where is None:
                continue
            loc = where.file if not where.line else f"{where.file}:{where.line}"
            lines = where.text.splitlines() or [""]
            out.append(f"      {label} {loc}: {lines[0]}")
            out += [f"      {' ' * (len(label) + len(loc) + 2)} {x}" for x in lines[1:]]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ("section", "provider", "name", "kind", "old", "new", "change", "percent")


def to_csv(impact: Impact) -> str:
    """One table: the total, each kind, each provider, each payment and each
    (provider, payment) cell, with old, new, change and per cent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def put(section, provider, name, kind, c: Change):
        d = _change(c)
        writer.writerow(
            [section, provider, name, kind, d["old"], d["new"], d["change"], d["percent"] or ""]
        )

    put("total", "", "", "", impact.total)
    for kind, c in impact.kinds.items():
        put("kind", "", "", kind, c)
    for p in impact.providers:
        put("provider", p.provider, p.name, "", p)
    for p in impact.payments:
        put("payment", "", p.name, p.kind, p)
    kinds = {p.name: p.kind for p in impact.payments}
    for (provider, name), c in impact.cells.items():
        put("provider_payment", provider, name, kinds.get(name, ""), c)
    return buffer.getvalue()


CREATED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def to_xlsx(impact: Impact) -> bytes:
    """A workbook: summary, providers, payments, provider_payments, differences. Amounts
    are numbers written from their exact two-decimal text; the same impact gives the
    same bytes (fixed creation date)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": CREATED})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})

    def sheet(name, columns, rows):
        ws = workbook.add_worksheet(name)
        ws.write_row(0, 0, columns, bold)
        for r, values in enumerate(rows, start=1):
            for c, v in enumerate(values):
                if isinstance(v, Decimal):
                    ws.write_number(r, c, v, money)
                else:
                    ws.write_string(r, c, "" if v is None else str(v))
        for c, column in enumerate(columns):
            width = max([len(column)] + [len(str(row[c])) for row in rows])
            ws.set_column(c, c, min(width + 2, 80))
        ws.freeze_panes(1, 0)

    def nums(c: Change):
        return [
            Decimal(N.amount(c.old)),
            Decimal(N.amount(c.new)),
            Decimal(N.amount(c.change)),
            N.percent(c.percent, sign=False).removesuffix(" %"),
        ]

    sheet(
        "summary",
        ["", "old", "new", "change", "percent"],
        [["total", *nums(impact.total)]] + [[k, *nums(c)] for k, c in impact.kinds.items()],
    )
    sheet(
        "providers",
        [
            "provider",
            "name",
            "old",
            "new",
            "change",
            "percent",
            "listed",
            "per listed old",
            "per listed new",
        ],
        [
            [
                p.provider,
                p.name,
                *nums(p),
                N.decimal_text(p.listed_new),
                N.amount(p.per_listed_old),
                N.amount(p.per_listed_new),
            ]
            for p in impact.providers
        ],
    )
    sheet(
        "payments",
        ["payment", "kind", "old", "new", "change", "percent", "why"],
        [
            [p.name, p.kind, *nums(p), "; ".join(f"[{i + 1}]" for i in p.why)]
            for p in impact.payments
        ],
    )
    sheet(
        "provider_payments",
        ["provider", "payment", "old", "new", "change", "percent"],
        [[pid, name, *nums(c)] for (pid, name), c in impact.cells.items()],
    )
    sheet(
        "differences",
        ["#", "what", "name", "change", "detail", "old", "new"],
        [
            [
                str(i + 1),
                d.what,
                d.name,
                d.change,
                d.detail,
                f"{d.old.file}:{d.old.line}: {d.old.text}" if d.old else "",
                f"{d.new.file}:{d.new.line}: {d.new.text}" if d.new else "",
            ]
            for i, d in enumerate(impact.differences)
        ],
    )
    workbook.close()
    return buffer.getvalue()
