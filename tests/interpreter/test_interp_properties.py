"""Hypothesis properties of settlement (issue #3 acceptance): totals are sums of lines, a
year equals its twelve months line for line, shuffled data never changes the bytes, a
weight of 1 changes nothing, and an independent oracle in plain Python agrees with the
interpreter on generated capitation-and-visit contracts."""

from __future__ import annotations

import atexit
import datetime as dt
import json
import math
import re
import shutil
import tempfile
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, jsonl

import ersl.api as api

D = dt.date
PROFESSIONS = [
    "doctor",
    "nurse",
    "assistant_nurse",
    "psychosocial",
    "physiotherapist",
    "occupational_therapist",
    "dietitian",
    "other",
]
MODES = ["physical", "home", "video", "phone", "digital"]
PAID_MODES = {"physical", "home", "video"}
MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_WORK = Path(tempfile.mkdtemp(prefix="ersl-props-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)
_LOADED: dict[str, api.Contract] = {}
_counter = iter(range(10**9))


def _load(source: str) -> api.Contract:
    """Load a contract once per distinct text."""
    if source not in _LOADED:
        folder = _WORK / f"c{next(_counter)}"
        folder.mkdir()
        path = folder / "contract.ersl"
        path.write_text(source, encoding="utf-8")
        _LOADED[source] = api.load(path)
    return _LOADED[source]


def _settle(source: str, records: list[dict], period: str = "2022"):
    loaded = _load(source)
    data_path = _WORK / f"d{next(_counter)}.jsonl"
    data_path.write_text(jsonl(records), encoding="utf-8")
    statement = loaded.settle(api.read_data([str(data_path)], loaded), period)
    data_path.unlink()
    return statement.to_json()


def _lines(text: str) -> dict[tuple[str, str, str], tuple[int, str]]:
    return {
        (ln["payee"], ln["period"], ln["name"]): (ln["units"], ln["amount"])
        for ln in json.loads(text)["lines"]
    }


# ---------------------------------------------------------------- generated data

BIRTHS = st.one_of(
    st.dates(D(1925, 1, 1), D(2020, 12, 31)),
    # 29 February and the age-band boundaries in 2022 (80, 75, 65, 6)
    st.sampled_from(
        [
            D(1940, 2, 29),
            D(2016, 2, 29),  # 5 until 2022-02-28, 6 from 2022-03-01
            D(2000, 2, 29),
            D(1942, 3, 1),
            D(1942, 6, 30),
            D(1942, 7, 1),
            D(1947, 8, 1),
            D(1957, 12, 1),
            D(2016, 1, 1),
        ]
    ),
)
CNI = st.integers(0, 3000).map(lambda n: f"{n // 1000}.{n % 1000:03d}")


@st.composite
def datasets(draw):
    """Providers, patients with birth dates and CNI over time, listings with moves and
    gaps, and visits (some before the run, to be seen but never paid)."""
    providers = [f"VC{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    records: list[dict] = [{"type": "provider", "id": q} for q in providers]
    patients = [f"P{i}" for i in range(draw(st.integers(1, 6)))]
    spans: list[tuple[str, D, D, str]] = []  # (patient, first, last day, provider) to visit
    for pid in patients:
        records.append({"type": "patient", "id": pid, "birth_date": draw(BIRTHS).isoformat()})
        records.append(
            {"type": "patient_attribute", "patient": pid, "from": "2000-01-01", "cni": draw(CNI)}
        )
        changes = draw(
            st.lists(
                st.tuples(st.dates(D(2022, 1, 1), D(2022, 12, 31)), CNI),
                max_size=2,
                unique_by=lambda c: c[0],
            )
        )
        for start, cni in changes:
            records.append(
                {"type": "patient_attribute", "patient": pid, "from": start.isoformat(), "cni": cni}
            )
        starts = sorted(
            draw(st.lists(st.dates(D(2021, 10, 1), D(2022, 12, 31)), max_size=3, unique=True))
        )
        for j, start in enumerate(starts):
            record = {
                "type": "listing",
                "patient": pid,
                "provider": draw(st.sampled_from(providers)),
                "start": start.isoformat(),
            }
            if j + 1 < len(starts):  # a move: end before the next start, maybe with a gap
                gap = draw(st.integers(1, 20))
                record["end"] = max(start, starts[j + 1] - dt.timedelta(days=gap)).isoformat()
            else:
                end = draw(st.none() | st.dates(start, D(2023, 3, 31)))
                if end is not None:
                    record["end"] = end.isoformat()
            records.append(record)
            last = D.fromisoformat(record["end"]) if "end" in record else D(2022, 12, 31)
            if max(start, D(2021, 12, 1)) <= min(last, D(2022, 12, 31)):
                spans.append(
                    (
                        pid,
                        max(start, D(2021, 12, 1)),
                        min(last, D(2022, 12, 31)),
                        record["provider"],
                    )
                )
    for k in range(draw(st.integers(0, 12))):
        if spans and draw(st.booleans()):  # a visit at the clinic the patient is listed at
            pid, first, last, q = draw(st.sampled_from(spans))
            day = draw(st.dates(first, last))
        else:  # anywhere, any day: often not paid
            pid, q = draw(st.sampled_from(patients)), draw(st.sampled_from(providers))
            day = draw(st.dates(D(2021, 12, 1), D(2022, 12, 31)))
        records.append(
            {
                "type": "visit",
                "id": f"V{k}",
                "patient": pid,
                "provider": q,
                "date": day.isoformat(),
                "profession": draw(st.sampled_from(PROFESSIONS)),
                "mode": draw(st.sampled_from(MODES)),
            }
        )
    return records


# ---------------------------------------------------------------- generated contracts

MONEY = st.integers(0, 200_000).map(lambda n: Fraction(n, 100))  # 0.00 .. 2000.00 kr
FACTOR = st.sampled_from([Fraction(1), Fraction(3, 2), Fraction(5, 4), Fraction(2)])


def _kr(x: Fraction) -> str:
    """A money literal for an amount with at most two decimals."""
    cents = x * 100
    assert cents.denominator == 1
    whole, rest = divmod(int(cents), 100)
    return f"{whole}.{rest:02d}"


@st.composite
def terms(draw):
    """The parameters of a capitation-and-visit contract."""
    return {
        "ages": [draw(MONEY) for _ in range(4)],  # kr/year for 0–5, 6–64, 65–74, 75+
        "cni_rate": draw(MONEY),
        "doctor": draw(MONEY),
        "nurse": draw(MONEY),
        "other": draw(MONEY),
        "weight": draw(FACTOR),
        "mode": draw(st.sampled_from(["half_up", "half_even", "down"])),
        "scope": draw(st.sampled_from(["line", "unit"])),
    }


def capitation_contract(t: dict, weight_clause: str = "") -> str:
    a = t["ages"]
    weight = t["weight"]
    factor = f"{weight.numerator / weight.denominator:g}"
    return contract(
        f"""
param age_rate = table of int {{
  0 to 5      -> {_kr(a[0])} kr/year
  6 to 64     -> {_kr(a[1])} kr/year
  65 to 74    -> {_kr(a[2])} kr/year
  75 and over -> {_kr(a[3])} kr/year
}}
param cni_rate: money per year = {_kr(t["cni_rate"])} kr/year
param fee = table of Profession {{
  doctor -> {_kr(t["doctor"])} kr
  nurse  -> {_kr(t["nurse"])} kr
  else   -> {_kr(t["other"])} kr
}}
payment "Listning ålder" {{
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}}
payment "Listning CNI" {{
  kind   fixed
  per    listed patient p at q each month
  amount cni_rate * p.cni
}}
payment "Besök" {{
  kind   variable
  per    Visit v where v.mode in {{physical, home, video}}
                   and v.provider == listed_at(v.patient, v.date)
  amount fee(v.profession)
  weight {factor} when age(v.patient) >= 80{weight_clause}
}}
""",
        rounding=f"0.01 kr {t['mode']} per {t['scope']}",
    )


STANDARD = {
    "ages": [Fraction(390), Fraction(310), Fraction(1117), Fraction(1217)],
    "cni_rate": Fraction(410),
    "doctor": Fraction(250),
    "nurse": Fraction(12550, 100),
    "other": Fraction(9999, 100),
    "weight": Fraction(3, 2),
    "mode": "half_up",
    "scope": "line",
}
STANDARD_CONTRACT = capitation_contract(STANDARD)


# ---------------------------------------------------------------- the oracle


def ref_age(birth: D, on: D) -> int:
    """Completed years; a 29 February birthday falls on 1 March in common years."""
    try:
        birthday = birth.replace(year=on.year)
    except ValueError:
        birthday = D(on.year, 3, 1)
    return on.year - birth.year - (1 if on < birthday else 0)


def ref_round(x: Fraction, mode: str) -> Fraction:
    """Round to whole öre: half_up away from zero, half_even, down toward zero."""
    cents = abs(x) * 100
    whole = math.floor(cents)
    rest = cents - whole
    if mode == "down":
        n = whole
    elif mode == "half_up":
        n = whole + (rest >= Fraction(1, 2))
    else:
        n = whole + (rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1))
    return Fraction(-n if x < 0 else n, 100)


def oracle(records: list[dict], t: dict) -> dict[tuple[str, str, str], tuple[int, Fraction]]:
    """The statement lines of `capitation_contract(t)` for 2022, computed directly."""
    births = {r["id"]: D.fromisoformat(r["birth_date"]) for r in records if r["type"] == "patient"}
    cni: dict[str, list[tuple[D, Fraction]]] = defaultdict(list)
    listings: dict[str, list[tuple[D, D | None, str]]] = defaultdict(list)
    for r in records:
        if r["type"] == "patient_attribute":
            cni[r["patient"]].append((D.fromisoformat(r["from"]), Fraction(r["cni"])))
        elif r["type"] == "listing":
            end = D.fromisoformat(r["end"]) if "end" in r else None
            listings[r["patient"]].append((D.fromisoformat(r["start"]), end, r["provider"]))

    def listed_at(pid: str, day: D) -> str | None:
        for start, end, q in listings[pid]:
            if start <= day and (end is None or day <= end):
                return q
        return None

    def cni_on(pid: str, day: D) -> Fraction:
        return max((e for e in cni[pid] if e[0] <= day), key=lambda e: e[0])[1]

    def age_rate(age: int) -> Fraction:
        band = 0 if age <= 5 else 1 if age <= 64 else 2 if age <= 74 else 3
        return t["ages"][band]

    units: dict[tuple[str, str, str], list[Fraction]] = defaultdict(list)
    for month in range(1, 13):
        first = D(2022, month, 1)
        label = f"2022-{month:02d}"
        for pid, born in sorted(births.items()):
            q = listed_at(pid, first)
            if q is None:
                continue
            # money per year × 1 month = / 12
            units[(q, label, "Listning ålder")].append(age_rate(ref_age(born, first)) / 12)
            units[(q, label, "Listning CNI")].append(t["cni_rate"] * cni_on(pid, first) / 12)
    fees = {"doctor": t["doctor"], "nurse": t["nurse"]}
    for r in records:
        if r["type"] != "visit":
            continue
        day = D.fromisoformat(r["date"])
        if day.year != 2022 or r["mode"] not in PAID_MODES:
            continue
        if listed_at(r["patient"], day) != r["provider"]:
            continue
        amount = fees.get(r["profession"], t["other"])
        if ref_age(births[r["patient"]], day) >= 80:
            amount *= t["weight"]
        units[(r["provider"], f"2022-{day.month:02d}", "Besök")].append(amount)
    result = {}
    for key, amounts in units.items():
        if t["scope"] == "unit":
            total = sum((ref_round(a, t["mode"]) for a in amounts), Fraction(0))
        else:
            total = ref_round(sum(amounts, Fraction(0)), t["mode"])
        result[key] = (len(amounts), total)
    return result


# ---------------------------------------------------------------- properties


AMOUNT = re.compile(r"-?[0-9]+\.[0-9]{2}")


@FAST
@given(records=datasets(), t=terms())
def test_oracle_agrees_with_the_interpreter(records, t):
    text = _settle(capitation_contract(t), records)
    lines = json.loads(text)["lines"]
    assert all(AMOUNT.fullmatch(ln["amount"]) for ln in lines)
    assert "-0.00" not in text
    actual = {
        (ln["payee"], ln["period"], ln["name"]): (ln["units"], Fraction(ln["amount"]))
        for ln in lines
    }
    assert actual == oracle(records, t)


@FAST
@given(records=datasets())
def test_totals_equal_the_sums_of_their_lines(records):
    statement = json.loads(_settle(STANDARD_CONTRACT, records))
    sums: dict[str, dict[str, Fraction]] = {}
    for ln in statement["lines"]:
        kinds = sums.setdefault(
            ln["payee"], {k: Fraction(0) for k in ("fixed", "variable", "performance", "total")}
        )
        kinds[ln["kind"]] += Fraction(ln["amount"])
        kinds["total"] += Fraction(ln["amount"])
    assert {
        payee: {kind: Fraction(v) for kind, v in kinds.items()}
        for payee, kinds in statement["totals"].items()
    } == sums


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records=datasets())
def test_a_year_equals_its_twelve_months_line_for_line(records):
    year = _lines(_settle(STANDARD_CONTRACT, records, "2022"))
    months = {}
    for month in MONTHS:
        months.update(_lines(_settle(STANDARD_CONTRACT, records, month)))
    assert months == year


@FAST
@given(records=datasets(), order=st.randoms(use_true_random=False))
def test_shuffling_data_records_never_changes_the_bytes(records, order):
    shuffled = list(records)
    order.shuffle(shuffled)
    assert _settle(STANDARD_CONTRACT, shuffled) == _settle(STANDARD_CONTRACT, records)


@FAST
@given(
    records=datasets(),
    condition=st.sampled_from(["true", "v.mode == home", "age(v.patient) < 40", "false"]),
)
def test_a_weight_of_one_changes_nothing(records, condition):
    plain = json.loads(_settle(STANDARD_CONTRACT, records))
    weighted_source = capitation_contract(STANDARD, f"\n  weight 1 when {condition}")
    weighted = json.loads(_settle(weighted_source, records))
    # the weight is the last line of the last payment: sources stay, only the digest moves
    assert weighted["lines"] == plain["lines"]
    assert weighted["totals"] == plain["totals"]
