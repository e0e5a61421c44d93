"""What the two spike scripts share: the 2022 figures of the Stockholm primary-care
model, the few line-level steps (a cap, a split), exact rounding, the statement CSV
and the timing harness.

The spikes settle 2022 of `stdlib_rules/stockholm/husläkare.ersl` by hand, in a
columnar library, with no float anywhere: every unit amount is an integer numerator
over a denominator fixed here (in öre), line totals are integer sums, and the
divisions by data-dependent values (a cap's measure, a split's shares) are exact
`Fraction`s on the few line-level rows. See docs/engine.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import resource
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ersl.exact import format_amount, largest_remainder, round_to  # noqa: E402

CONTRACT = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"
YEAR = 2022
FIRST_DAY, LAST_DAY = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
MONTHS = [datetime.date(YEAR, m, 1) for m in range(1, 13)]

MILLION = 1_000_000
"""Decimals in the data (CNI, ACG) and the 80+ weight are read as integer millionths;
a value with more than six decimals is refused rather than rounded."""

# ---------------------------------------------------------------- figures (husläkare.ersl, 2022)
# Rates per year in öre; a monthly unit is worth rate / 12: numerators over 12.
AGE_BANDS_ORE = [(0, 5, 39_000), (6, 64, 31_000), (65, 74, 111_700), (75, None, 121_700)]
CNI_ORE = 41_000  # cni_ersättning 2022: 410 kr/year
ACG_ORE = 120_000  # acg_ersättning 2022: 1200 kr/year
PSYK_ORE, PSYK_AGES = 20_500, (6, 17)  # psykisk_hälsa_barn_unga_per_listad 2022: 205 kr/year
KOORD_ORE, KOORD_AGES = 3_700, (16, 68)  # koordinering_sjukskrivna_per_listad 2022: 37 kr/year
PAID_MODES = ("physical", "home", "video")  # besök_med_ersättning
CAP_PROFESSION = "psychosocial"  # "Besökstak insatser för psykisk hälsa", 2021–2022
CAP_LIMIT = Fraction(70, 100)
CAP_RATE = Fraction(33, 100)  # besökstak_reducering
SPLIT_EQUALLY_KR = 415_000  # hälsofrämjande_lika_delat 2022
SPLIT_BY_LISTED_KR = 6_500_000  # hälsofrämjande_efter_listade 2022

# Denominators of each line's numerator, in öre (fixed when the plan is made).
PER_MONTH = 12
CNI_DEN = 12 * MILLION
VISIT_DEN = MILLION

AGE = "Listningsersättning ålder"
CNI = "Listningsersättning CNI"
ACG = "Listningsersättning ACG"
PSYK = "Psykisk hälsa barn och unga"
KOORD = "Koordinering sjukskrivna"
VISIT = "Besöksersättning"
COST = "Kostnadsansvar"
CAP = "Besökstak insatser för psykisk hälsa"
HEALTH = "Hälsofrämjande insatser"
QUALITY = "Kvalitetsersättning"
QUALITY_PENALTY = "Vite kvalitet"
CARE_GUARANTEE = "Bonus vårdgaranti"
QUALITY_PENALTY_ORE = 1_500  # vite_kvalitet_max_per_listad 2022: 15 kr/year
KINDS = {VISIT: "variable", COST: "variable", CAP: "variable"}

FEES_CSV = (
    "key,value\ndoctor,400\nnurse,250\nassistant_nurse,200\npsychosocial,400\n"
    "physiotherapist,300\noccupational_therapist,300\ndietitian,250\nother,200\n"
)
"""The visit fees the benchmarks use (not in the sources: `besöksersättning` is a
required parameter of the model; these are the figures of benchmarks/bench_run.py)."""


def decimal_millionths(text: str) -> int:
    """A decimal text (as in the data or on the command line) as integer millionths."""
    value = Fraction(text) * MILLION
    if value.denominator != 1:
        raise SystemExit(f"{text}: more than six decimals")
    return int(value)


def read_fees(path: Path) -> dict[str, int]:
    """The `besöksersättning` table (key,value in kr) as öre per profession."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fees = {}
    for row in rows:
        ore = Fraction(row["value"]) * 100
        if ore.denominator != 1:
            raise SystemExit(f"{path}: {row['value']} is not a whole number of öre")
        fees[row["key"]] = int(ore)
    return fees


def round_line(numerator: int, denominator: int) -> int:
    """A line total `numerator / denominator` öre rounded half up (away from zero) to
    whole öre, in integers: the same as the contract's `0.01 kr half_up per line`."""
    whole = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -whole if numerator < 0 else whole


# ---------------------------------------------------------------- line-level steps
def cap_lines(per_provider: dict[str, tuple[int, int, int]]) -> list[tuple]:
    """The psychosocial visit cap for 2022 (SPEC §3.6): per provider q, C counted
    visits, A their paid amount (numerator over VISIT_DEN öre) and the sum of the
    listed counts on each month's first day. Q = C / (listed sum / 12); above the
    limit, deduct 33 % × A × (Q − L) / Q. Exact Fractions on one row per provider."""
    lines = []
    for q, (count, a_num, listed_sum) in sorted(per_provider.items()):
        if listed_sum == 0:
            continue  # the measure divides by zero: no line
        measure = Fraction(count * PER_MONTH, listed_sum)
        if measure <= CAP_LIMIT:
            continue
        a_ore = Fraction(a_num, VISIT_DEN)
        deduction = CAP_RATE * a_ore * (measure - CAP_LIMIT) / measure
        amount = round_to(-deduction / 100, Fraction(1, 100), "half_up")
        lines.append((q, str(YEAR), CAP, "variable", 1, amount))
    return lines


def split_lines(listed_sums: dict[str, int]) -> list[tuple]:
    """ "Hälsofrämjande insatser" 2022: providers with someone listed share 415 000 kr
    equally and 6.5 Mkr by mean listed count; rounded together by largest remainder."""
    sums = {q: n for q, n in listed_sums.items() if n > 0}
    total = sum(sums.values())
    exact = [
        (q, Fraction(SPLIT_EQUALLY_KR, len(sums)) + Fraction(SPLIT_BY_LISTED_KR * n, total))
        for q, n in sorted(sums.items())
    ]
    shares = largest_remainder(exact, Fraction(1, 100), "half_up")
    return [(q, str(YEAR), HEALTH, "fixed", 1, shares[q]) for q, _ in exact]


def performance_lines(listed_sums: dict[str, int]) -> list[tuple]:
    """The quality bonus, quality penalty and care-guarantee bonus when no provider
    reported a result (the benchmark data has none): an unreported indicator scores 0
    and keeps its weight, so every provider has a bonus line of 0.00 (the year; each
    month) and the whole penalty, 15 kr × the mean listed count (sum of the monthly
    first-day counts / 12)."""
    lines = []
    for q, listed_sum in sorted(listed_sums.items()):
        lines.append((q, str(YEAR), QUALITY, "performance", 1, Fraction(0)))
        penalty = round_to(
            Fraction(-QUALITY_PENALTY_ORE * listed_sum, PER_MONTH * 100),
            Fraction(1, 100),
            "half_up",
        )
        lines.append((q, str(YEAR), QUALITY_PENALTY, "performance", 1, penalty))
        for first in MONTHS:
            period = first.strftime("%Y-%m")
            lines.append((q, period, CARE_GUARANTEE, "performance", 1, Fraction(0)))
    return lines


def money_lines(rows, name: str) -> list[tuple]:
    """(payee, period, units, rounded öre) rows of one payment as statement lines."""
    kind = KINDS.get(name, "fixed")
    return [
        (payee, period, name, kind, units, Fraction(ore, 100)) for payee, period, units, ore in rows
    ]


# ---------------------------------------------------------------- statement
def _source_lines() -> dict[str, str]:
    """`husläkare.ersl:N` of each declaration, as the reference statement cites it."""
    out = {}
    for number, text in enumerate(CONTRACT.read_text(encoding="utf-8").splitlines(), 1):
        for keyword in ("payment", "cap", "performance"):
            if text.startswith(f'{keyword} "'):
                out[text.split('"')[1]] = f"{CONTRACT.name}:{number}"
    return out


def statement_csv(lines: list[tuple]) -> str:
    """Lines (payee, period, name, kind, units, amount) as `ersl run --format csv` writes them."""
    sources = _source_lines()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["payee", "period", "name", "kind", "units", "amount", "source"])
    for payee, period, name, kind, units, amount in sorted(lines, key=lambda r: r[:3]):
        writer.writerow([payee, period, name, kind, units, format_amount(amount), sources[name]])
    return out.getvalue()


# ---------------------------------------------------------------- harness
def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(library: str, read: Callable, compute: Callable) -> None:
    """Parse the command line, read, compute, write the statement CSV, print timings."""
    parser = argparse.ArgumentParser(description=f"Spike: husläkare 2022 in {library}")
    parser.add_argument("data", type=Path, help="a JSON Lines file or a folder of Parquet files")
    parser.add_argument("--fees", type=Path, required=True, help="besöksersättning (key,value)")
    parser.add_argument("--weight-80", default=None, help="besöksvikt_80_år (a decimal)")
    parser.add_argument("--out", type=Path, help="write the statement CSV here")
    args = parser.parse_args()
    fees = read_fees(args.fees)
    weight = None if args.weight_80 is None else decimal_millionths(args.weight_80)
    t0 = time.perf_counter()
    tables = read(args.data)
    t1 = time.perf_counter()
    rss_read = _peak_mib()
    lines = compute(tables, fees, weight)
    text = statement_csv(lines)
    t2 = time.perf_counter()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    report = {
        "library": library,
        "data": str(args.data),
        "read_s": round(t1 - t0, 2),
        "compute_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "peak_after_read_mib": round(rss_read),
        "peak_mib": round(_peak_mib()),
        "lines": len(lines),
    }
    print(json.dumps(report))
