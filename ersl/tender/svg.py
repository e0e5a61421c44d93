"""A small, dependency-free SVG chart writer for the HTML report (docs/report.md says
why: no JavaScript library, nothing to download, the same input gives the same bytes).

Three charts: grouped horizontal bars (`bars`), a histogram of one or two series
(`histogram`) and 100 % stacked bars of shares (`shares`). Every data mark is a
`<rect class="mark">` with a `<title>` (the browser's tooltip), so a test can count
marks. Coordinates are computed from exact amounts converted to float only for
drawing, and written with one decimal.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

#: Series colours (colour-blind safe: blue, orange, then green, purple, grey).
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#7f7f7f")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _n(x: float) -> str:
    """A coordinate with one decimal, no `-0.0`."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(label)}" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" {FONT}>' + "".join(body) + "</svg>"
    )


def _legend(series: list[str], x: float, y: float) -> list[str]:
    out = []
    for i, name in enumerate(series):
        out.append(
            f'<rect x="{_n(x)}" y="{_n(y + i * 16 - 9)}" width="10" height="10" '
            f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(y + i * 16)}">{escape(name)}</text>'
        )
    return out


def bars(
    label: str,
    categories: list[str],
    series: list[tuple[str, list[Fraction]]],
    fmt,
    width: int = 760,
) -> str:
    """Grouped horizontal bars: one group per category, one bar per series (a mark
    each, negative values to the left of the zero line)."""
    names_w = min(260, 12 + 7 * max([len(c) for c in categories] + [4]))
    legend_w = 12 + 7 * max(len(s) for s, _ in series) + 20
    plot_w = width - names_w - legend_w - 70
    bar_h, gap = 12, 8
    group_h = bar_h * len(series) + gap
    height = 20 + group_h * max(1, len(categories)) + 10
    values = [float(v) for _, vs in series for v in vs] or [0.0]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    span = (high - low) or 1.0
    zero = names_w + (0 - low) / span * plot_w
    body = [f'<line x1="{_n(zero)}" y1="14" x2="{_n(zero)}" y2="{_n(height - 6)}" stroke="#999"/>']
    for c, category in enumerate(categories):
        top = 20 + c * group_h
        body.append(
            f'<text x="{_n(names_w - 6)}" y="{_n(top + group_h / 2)}" text-anchor="end">'
            f"{escape(category)}</text>"
        )
        for s, (name, vs) in enumerate(series):
            v = float(vs[c])
            x = min(zero, zero + v / span * plot_w)
            w = abs(v) / span * plot_w
            body.append(
                f'<rect class="mark" x="{_n(x)}" y="{_n(top + s * bar_h)}" width="{_n(w)}" '
                f'height="{bar_h - 1}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(category)} — {escape(name)}: {escape(fmt(vs[c]))}</title></rect>"
            )
    body += _legend([s for s, _ in series], width - legend_w + 10, 24)
    return _svg(width, height, label, body)


def histogram(
    label: str,
    series: list[tuple[str, list[Fraction]]],
    fmt,
    bins: int = 12,
    width: int = 760,
    height: int = 240,
) -> str:
    """Counts of values in `bins` equal bins over the range of all series; one bar per
    series and bin (a mark each), side by side."""
    values = [v for _, vs in series for v in vs]
    if not values:
        return _svg(width, 40, label, ['<text x="10" y="24">no values</text>'])
    low, high = min(values), max(values)
    step = (high - low) / bins if high > low else Fraction(1)
    counts = []
    for _, vs in series:
        row = [0] * bins
        for v in vs:
            row[min(bins - 1, int((v - low) / step))] += 1
        counts.append(row)
    most = max(max(r) for r in counts) or 1
    left, bottom, plot_w, plot_h = 50, height - 40, width - 200, height - 70
    slot = plot_w / bins
    bar_w = (slot - 4) / len(series)
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{_n(left + plot_w)}" y2="{bottom}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{_n(bottom - plot_h + 4)}" text-anchor="end">{most}</text>',
        f'<text x="{left - 6}" y="{bottom}" text-anchor="end">0</text>',
    ]
    for b in range(bins):
        start = low + step * b
        for s, (name, _) in enumerate(series):
            h = counts[s][b] / most * plot_h
            x = left + b * slot + 2 + s * bar_w
            body.append(
                f'<rect class="mark" x="{_n(x)}" y="{_n(bottom - h)}" width="{_n(bar_w)}" '
                f'height="{_n(h)}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(name)}: {counts[s][b]} from {escape(fmt(start))} to "
                f"{escape(fmt(start + step))}</title></rect>"
            )
        if b % 3 == 0:
            body.append(
                f'<text x="{_n(left + b * slot)}" y="{bottom + 16}">{escape(fmt(start))}</text>'
            )
    body += _legend([s for s, _ in series], width - 140, 24)
    return _svg(width, height, label, body)


def shares(
    label: str,
    rows: list[tuple[str, list[tuple[str, Fraction]]]],
    fmt_share,
    width: int = 760,
) -> str:
    """100 % stacked horizontal bars: one row per side, one segment per part (a mark
    each); parts with a negative or zero amount are left out of the shares."""
    names_w, bar_h = 12 + 7 * max([len(r[0]) for r in rows] + [4]), 26
    plot_w = width - names_w - 180
    height = 20 + len(rows) * (bar_h + 12) + 10
    parts = list(dict.fromkeys(name for _, row in rows for name, _ in row))
    body = []
    for r, (row_label, row) in enumerate(rows):
        top = 20 + r * (bar_h + 12)
        total = sum((v for _, v in row if v > 0), Fraction(0))
        body.append(
            f'<text x="{names_w - 6}" y="{_n(top + bar_h / 2 + 4)}" text-anchor="end">'
            f"{escape(row_label)}</text>"
        )
        x = float(names_w)
        for name, v in row:
            if v <= 0 or not total:
                continue
            share = v / total
            w = float(share) * plot_w
            colour = COLOURS[parts.index(name) % len(COLOURS)]
            body.append(
                f'<rect class="mark" x="{_n(x)}" y="{top}" width="{_n(w)}" height="{bar_h}" '
                f'fill="{colour}"><title>{escape(row_label)} — {escape(name)}: '
                f"{escape(fmt_share(share))}</title></rect>"
            )
            if w > 40:
                body.append(
                    f'<text x="{_n(x + 4)}" y="{_n(top + bar_h / 2 + 4)}" fill="#fff">'
                    f"{escape(fmt_share(share))}</text>"
                )
            x += w
    body += _legend(parts, width - 160, 24)
    return _svg(width, height, label, body)
