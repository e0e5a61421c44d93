"""The visual report: one self-contained HTML file (styles, script and SVG charts
inline; nothing is fetched) for a diff (`diff_report`) or a statement
(`statement_report`), optionally with a provider's marginal incentives.

Charts: totals by kind, per-provider bars (old vs new), the distribution of payment
per listed patient, fixed/variable/performance shares beside the balance the sources
discuss, and the top changes with their explanations. Tables sort on a click on their
header (a few lines of inline JavaScript; cells carry their plain value in `data-v`).
The same input gives the same bytes.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from ersl.tender import numbers as N
from ersl.tender import svg
from ersl.tender.diff import TOP, Impact, listed_mean

#: At most this many providers get a bar each (the largest changes); the table has all.
MAX_BARS = 40

#: The balance of Stockholm's primary-care model the sources discuss (seed 004,
#: 004_887ea947c2495c54.txt §1: capitation ~80 % and the variable part ~20 % of the total
#: in 2022; the goal-related part at most 3 %).
SOURCE_BALANCE = (
    "Stockholm 2022 (seed 004)",
    [("fixed", Fraction(80)), ("variable", Fraction(20))],
)

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th{cursor:pointer;background:#f4f4f4}
table.sortable th[data-dir=asc]::after{content:" ▲"}
table.sortable th[data-dir=desc]::after{content:" ▼"}
.up{color:#1a7f37}.down{color:#c62828}.muted{color:#777}
pre{background:#f7f7f7;padding:.4em;margin:.2em 0;white-space:pre-wrap;font-size:.85em}
figure{margin:1em 0}figcaption{color:#555;font-size:.9em}
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, index) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("data-dir") !== "asc";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("data-dir"); });
      th.setAttribute("data-dir", up ? "asc" : "desc");
      function key(row) {
        var cell = row.cells[index];
        var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
        var n = parseFloat(v);
        return isNaN(n) || String(n) !== String(parseFloat(v)) ? v : n;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x === "number" && typeof y === "number") return up ? x - y : y - x;
        return up ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


class _Page:
    """Builds the HTML of one report."""

    def __init__(self, title: str, swedish: bool) -> None:
        self.title = title
        self.swedish = swedish
        self.parts: list[str] = []

    def kr(self, value, sign: bool = False) -> str:
        return N.amount(value, self.swedish, sign)

    def pc(self, value) -> str:
        return N.percent(value, self.swedish)

    def share(self, value) -> str:
        return N.percent(value * 100, self.swedish, sign=False)

    def add(self, html: str) -> None:
        self.parts.append(html)

    def heading(self, text: str) -> None:
        self.add(f"<h2>{escape(text)}</h2>")

    def figure(self, chart: str, caption: str) -> None:
        self.add(f"<figure>{chart}<figcaption>{escape(caption)}</figcaption></figure>")

    def table(self, headers: list[tuple[str, bool]], rows: list[list[tuple[str, str | None]]]):
        """A sortable table; headers (text, numeric); cells (shown text, sort value)."""
        head = "".join(
            f"<th{' class=n' if numeric else ''}>{escape(h)}</th>" for h, numeric in headers
        )
        body = []
        for row in rows:
            cells = []
            for (text, value), (_, numeric) in zip(row, headers, strict=True):
                attrs = (' class="n"' if numeric else "") + (
                    f' data-v="{escape(value)}"' if value is not None else ""
                )
                cells.append(f"<td{attrs}>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.add(
            f'<table class="sortable"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def money_cell(self, value, sign: bool = False) -> tuple[str, str | None]:
        if value is None:
            return ("", None)
        css = ""
        if sign and N.ore(value) != 0:
            css = ' class="up"' if value > 0 else ' class="down"'
        text = escape(self.kr(value, sign))
        return (f"<span{css}>{text}</span>" if css else text, N.amount(value))

    def listed_cell(self, value) -> tuple[str, str | None]:
        if value is None:
            return ("", None)
        text = N.decimal_text(value, 1)
        return (text.replace(".", ",") if self.swedish else text, text)

    def pc_cell(self, value) -> tuple[str, str | None]:
        if value is None:
            return ("", None)
        return (escape(self.pc(value)), N.percent(value, sign=False).removesuffix(" %"))

    def html(self) -> str:
        return (
            "<!DOCTYPE html>\n"
            '<html lang="sv"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(self.title)}</h1>" + "\n".join(self.parts) + f"<script>{SCRIPT}</script>"
            "</body></html>\n"
        )


def _title(side) -> str:
    s = side.statement
    version = f" ({s.contract_version})" if s.contract_version else ""
    return f"{s.contract_name}{version}, {s.period}"


def diff_report(impact: Impact, swedish: bool = False, top: int = TOP, incentives=None) -> str:
    """The HTML report of a diff."""
    page = _Page("Tender impact: old vs new", swedish)
    page.add(
        f"<p><b>old:</b> {escape(_title(impact.old))} <span class=muted>({escape(impact.old.path)})"
        f"</span><br><b>new:</b> {escape(_title(impact.new))} <span class=muted>"
        f"({escape(impact.new.path)})</span></p>"
    )
    t = impact.total
    page.add(
        f"<p>Total: {escape(page.kr(t.old))} → {escape(page.kr(t.new))}, change "
        f"<b>{escape(page.kr(t.change, True))}</b> ({escape(page.pc(t.percent))}).</p>"
    )
    page.heading("Totals by kind")
    kinds = list(impact.kinds)
    page.figure(
        svg.bars(
            "Totals by kind, old and new",
            kinds,
            [
                ("old", [impact.kinds[k].old for k in kinds]),
                ("new", [impact.kinds[k].new for k in kinds]),
            ],
            page.kr,
        ),
        "The sum of each kind's statement lines on both sides.",
    )
    page.heading("Fixed, variable and performance shares")
    rows = [
        ("old", [(k, impact.kinds[k].old) for k in kinds]),
        ("new", [(k, impact.kinds[k].new) for k in kinds]),
        SOURCE_BALANCE,
    ]
    page.figure(
        svg.shares("Shares of the total by kind", rows, page.share),
        "Each kind's share of the positive amounts. The last row is the balance the "
        "sources discuss for Stockholm's primary care in 2022: capitation about 80 % and "
        "the variable part about 20 % of the total; the goal-related part at most 3 % "
        "(seed 004, §1).",
    )
    page.heading("Per provider: old and new")
    shown = sorted(impact.providers, key=lambda p: (-abs(p.change), p.provider))[:MAX_BARS]
    shown.sort(key=lambda p: p.provider)
    page.figure(
        svg.bars(
            "Per provider, old and new",
            [p.provider for p in shown],
            [("old", [p.old for p in shown]), ("new", [p.new for p in shown])],
            page.kr,
        ),
        f"{len(shown)} of {len(impact.providers)} providers"
        + (f" (the {MAX_BARS} largest changes)" if len(impact.providers) > MAX_BARS else "")
        + "; every provider is in the table below.",
    )
    page.heading("Payment per listed patient")
    old_pl = [p.per_listed_old for p in impact.providers if p.per_listed_old is not None]
    new_pl = [p.per_listed_new for p in impact.providers if p.per_listed_new is not None]
    page.figure(
        svg.histogram(
            "Providers by payment per listed patient", [("old", old_pl), ("new", new_pl)], page.kr
        ),
        "How many providers are paid how much per mean listed patient (the total divided "
        "by the mean number listed on the months' first days).",
    )
    page.heading("Largest winners and losers")
    for title, group in (("Winners", impact.winners(top)), ("Losers", impact.losers(top))):
        items = "".join(
            f"<li><b>{escape(p.provider)}</b> {escape(p.name)}: "
            f"{escape(page.kr(p.change, True))} ({escape(page.pc(p.percent))}) — "
            + ", ".join(
                f"{escape(n)} {escape(page.kr(c.change, True))}"
                for n, c in impact.drivers(p.provider)
            )
            + "</li>"
            for p in group
        )
        page.add(f"<h3>{title}</h3><ul>{items or '<li>none</li>'}</ul>")
    page.heading("Top changes and why")
    changed = sorted(
        [p for p in impact.payments if p.change], key=lambda p: (-abs(p.change), p.name)
    )
    for p in changed[:top]:
        reasons = "".join(_difference_html(impact.differences[i], i) for i in p.why) or (
            "<p class=muted>No difference in the contracts: the data or the period.</p>"
        )
        page.add(
            f"<h3>{escape(p.name)}: {escape(page.kr(p.change, True))} "
            f"({escape(page.pc(p.percent))})</h3>{reasons}"
        )
    page.heading("Providers")
    page.table(
        [
            ("provider", False),
            ("name", False),
            ("old", True),
            ("new", True),
            ("change", True),
            ("%", True),
            ("listed", True),
            ("per listed old", True),
            ("per listed new", True),
        ],
        [
            [
                (escape(p.provider), None),
                (escape(p.name), None),
                page.money_cell(p.old),
                page.money_cell(p.new),
                page.money_cell(p.change, True),
                page.pc_cell(p.percent),
                page.listed_cell(p.listed_new),
                page.money_cell(N.ore(p.per_listed_old) if p.per_listed_old is not None else None),
                page.money_cell(N.ore(p.per_listed_new) if p.per_listed_new is not None else None),
            ]
            for p in impact.providers
        ],
    )
    page.heading("Payments")
    page.table(
        [
            ("payment", False),
            ("kind", False),
            ("old", True),
            ("new", True),
            ("change", True),
            ("%", True),
            ("why", False),
        ],
        [
            [
                (escape(p.name), None),
                (escape(p.kind), None),
                page.money_cell(p.old),
                page.money_cell(p.new),
                page.money_cell(p.change, True),
                page.pc_cell(p.percent),
                (" ".join(f"[{i + 1}]" for i in p.why), None),
            ]
            for p in impact.payments
        ],
    )
    if impact.differences:
        page.heading("Differences between the contracts")
        page.add("".join(_difference_html(d, i) for i, d in enumerate(impact.differences)))
    if incentives is not None:
        incentives_section(page, incentives)
    return page.html()


def _difference_html(d, index: int) -> str:
    sides = []
    for label, where in (("old", d.old), ("new", d.new)):
        if where is not None:
            loc = where.file if not where.line else f"{where.file}:{where.line}"
            sides.append(
                f"<div>{label} <code>{escape(loc)}</code><pre>{escape(where.text)}</pre></div>"
            )
    return f"<div><b>[{index + 1}]</b> {escape(d.sentence())}{''.join(sides)}</div>"


def statement_report(statement, data=None, swedish: bool = False, incentives=None) -> str:
    """The HTML report of one statement (`ersl run --format html`, `ersl report`)."""
    page = _Page(f"{statement.contract_name}: statement for {statement.period}", swedish)
    totals = statement.totals()
    kinds: dict[str, Fraction] = {}
    by_kind: dict[tuple[str, str], Fraction] = {}
    for line in statement.lines:
        kinds[line.kind] = kinds.get(line.kind, 0) + line.amount
        key = (line.payee, line.kind)
        by_kind[key] = by_kind.get(key, 0) + line.amount
    grand = sum(kinds.values(), Fraction(0))
    page.add(f"<p>Total: <b>{escape(page.kr(grand))}</b> to {len(totals)} payees.</p>")
    names = list(kinds)
    page.heading("Totals by kind")
    page.figure(
        svg.bars("Totals by kind", names, [("amount", [kinds[k] for k in names])], page.kr),
        "The sum of each kind's statement lines.",
    )
    page.heading("Fixed, variable and performance shares")
    page.figure(
        svg.shares(
            "Shares of the total by kind",
            [("statement", list(kinds.items())), SOURCE_BALANCE],
            page.share,
        ),
        "Each kind's share of the positive amounts, beside the balance the sources discuss "
        "for Stockholm's primary care in 2022 (capitation about 80 %, variable about 20 %; "
        "seed 004, §1).",
    )
    payees = sorted(totals)
    page.heading("Per provider")
    page.figure(
        svg.bars(
            "Per provider",
            payees[:MAX_BARS] if len(payees) > MAX_BARS else payees,
            [("total", [totals[p]["total"] for p in payees[:MAX_BARS]])],
            page.kr,
        ),
        f"{min(len(payees), MAX_BARS)} of {len(payees)} payees (by id); all are in the table.",
    )
    listed = {}
    if data is not None:
        for p in payees:
            if data.provider(p) is not None:
                listed[p] = listed_mean(data, p, statement.period)
        page.heading("Payment per listed patient")
        per = [totals[p]["total"] / n for p, n in listed.items() if n]
        page.figure(
            svg.histogram(
                "Providers by payment per listed patient", [("per listed", per)], page.kr
            ),
            "How many providers are paid how much per mean listed patient.",
        )
    page.heading("Payees")
    headers = (
        [("payee", False)]
        + [(k, True) for k in names]
        + [("total", True), ("listed", True), ("per listed", True)]
    )
    rows = []
    for p in payees:
        n = listed.get(p)
        rows.append(
            [(escape(p), None)]
            + [page.money_cell(by_kind.get((p, k), Fraction(0))) for k in names]
            + [
                page.money_cell(totals[p]["total"]),
                page.listed_cell(n),
                page.money_cell(N.ore(totals[p]["total"] / n) if n else None),
            ]
        )
    page.table(headers, rows)
    if incentives is not None:
        incentives_section(page, incentives)
    return page.html()


def incentives_section(page: _Page, incentives) -> None:
    """The marginal incentives of one provider (ersl.tender.incentives): a bar per
    perturbation and a table."""
    page.heading(f"Marginal incentives of {incentives.provider}")
    rows = incentives.rows
    page.figure(
        svg.bars(
            "What one more unit pays",
            [r.label for r in rows],
            [("change", [r.change for r in rows])],
            page.kr,
        ),
        "What the provider's total for the period changes by when one more unit of each kind "
        "is added to the data and the contract is settled again (exact).",
    )
    page.table(
        [("group", False), ("one more", False), ("change", True), ("main payments", False)],
        [
            [
                (escape(r.group), None),
                (escape(r.label), None),
                page.money_cell(r.change, True),
                (escape(", ".join(f"{n} {page.kr(c, True)}" for n, c in r.payments)), None),
            ]
            for r in rows
        ],
    )
