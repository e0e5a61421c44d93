"""Deterministic synthetic primary-care data for benchmarks and property tests.

    python benchmarks/generate.py --patients 100000 --visits 500000 --out /tmp/bench.jsonl

Providers (vårdcentraler), patients with birth dates and CNI/ACG attributes
(some changing mid-year), listings with moves between providers, visits by
profession and mode (some at other clinics, some with I10–I15 diagnoses) and
blood-pressure observations. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random

PROFESSIONS = [
    ("doctor", 40),
    ("nurse", 30),
    ("assistant_nurse", 10),
    ("psychosocial", 6),
    ("physiotherapist", 8),
    ("occupational_therapist", 2),
    ("dietitian", 2),
    ("other", 2),
]
MODES = [("physical", 70), ("home", 5), ("video", 10), ("phone", 10), ("digital", 5)]


def _pick(rng: random.Random, table):
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def generate(patients: int, visits: int, providers: int = 20, year: int = 2022, seed: int = 1):
    """Yield the records as dicts, in a fixed order."""
    rng = random.Random(seed)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ids = [f"VC{i:03d}" for i in range(1, providers + 1)]
    for i, pid in enumerate(ids):
        yield {
            "type": "provider",
            "id": pid,
            "name": f"Vårdcentral {i + 1}",
            "kind": "vårdcentral",
            "start_date": "2010-01-01",
        }
    listed: dict[str, list[tuple[str, datetime.date, datetime.date | None]]] = {}
    for n in range(patients):
        pid = f"P{n:07d}"
        birth = _day(rng, datetime.date(1920, 1, 1), datetime.date(year - 1, 12, 31))
        yield {
            "type": "patient",
            "id": pid,
            "birth_date": birth.isoformat(),
            "sex": rng.choice("FM"),
        }
        cni = f"{rng.uniform(0.5, 2.5):.3f}"
        acg = f"{rng.uniform(0.2, 3.0):.3f}"
        yield {
            "type": "patient_attribute",
            "patient": pid,
            "from": "2020-01-01",
            "cni": cni,
            "acg": acg,
        }
        if rng.random() < 0.2:
            yield {
                "type": "patient_attribute",
                "patient": pid,
                "from": f"{year}-07-01",
                "acg": f"{rng.uniform(0.2, 3.0):.3f}",
            }
        provider = rng.choice(ids)
        start = max(birth, _day(rng, datetime.date(2015, 1, 1), datetime.date(year - 1, 12, 31)))
        if rng.random() < 0.1:
            move = _day(rng, first, datetime.date(year, 11, 30))
            other = rng.choice([p for p in ids if p != provider])
            periods = [(provider, start, move), (other, move + datetime.timedelta(days=1), None)]
        else:
            periods = [(provider, start, None)]
        listed[pid] = periods
        for prov, s, e in periods:
            row = {"type": "listing", "patient": pid, "provider": prov, "start": s.isoformat()}
            if e is not None:
                row["end"] = e.isoformat()
            yield row
    patient_ids = list(listed)
    for n in range(visits):
        pid = rng.choice(patient_ids)
        date = _day(rng, first, last)
        home = [p for p, s, e in listed[pid] if s <= date and (e is None or date <= e)]
        provider = home[0] if home and rng.random() < 0.9 else rng.choice(ids)
        row = {
            "type": "visit",
            "id": f"V{n:08d}",
            "patient": pid,
            "provider": provider,
            "date": date.isoformat(),
            "profession": _pick(rng, PROFESSIONS),
            "mode": _pick(rng, MODES),
        }
        if rng.random() < 0.1:
            row["diagnoses"] = [f"I{rng.randrange(10, 16)}.{rng.randrange(10)}"]
        yield row
    for _ in range(patients // 4):
        pid = rng.choice(patient_ids)
        yield {
            "type": "observation",
            "patient": pid,
            "date": _day(rng, first, last).isoformat(),
            "kind": "blood_pressure",
        }


def main() -> None:
    """Write the generated records as JSON Lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=5000)
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as fh:
        for record in generate(args.patients, args.visits, args.providers, args.year, args.seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
