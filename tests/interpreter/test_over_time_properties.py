"""Properties of settlement over time (issue 18): for random registration dates,
replacements and withdrawals, settling as of a date D equals settling the data as the
region had it on D (filtered here independently of ERSL, registration fields removed),
and a year paid month by month plus its corrections equals a fresh settlement, line
for line."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from fractions import Fraction as F
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ersl.api
from ersl.over_time import Settlement

HERE = Path(__file__).resolve().parent / "fixtures" / "over_time"
CONTRACT = ersl.api.load(HERE / "clinic.ersl")
START = date(2022, 1, 1)
BASE = [
    {"type": "provider", "id": "VC1", "name": "Vårdcentralen"},
    {"type": "provider", "id": "VC2", "name": "Hälsocentralen"},
    {"type": "patient", "id": "P1", "birth_date": "1950-04-12"},
]


@st.composite
def chains(draw, number: int) -> dict:
    """One visit and what happens to it: its registration delay (None: known from the
    start), a replacement (another profession) and a withdrawal, each some days later."""
    day = START + timedelta(days=draw(st.integers(0, 364)))
    return {
        "id": f"V{number}",
        "date": day,
        "provider": draw(st.sampled_from(["VC1", "VC2"])),
        "profession": draw(st.sampled_from(["doctor", "nurse"])),
        "mode": draw(st.sampled_from(["physical", "physical", "video"])),
        "delay": draw(st.none() | st.integers(0, 120)),
        "replaced": draw(st.none() | st.integers(1, 90)),
        "withdrawn": draw(st.none() | st.integers(1, 90)),
    }


@st.composite
def histories(draw) -> list[dict]:
    count = draw(st.integers(1, 8))
    return [draw(chains(n)) for n in range(1, count + 1)]


def visit(chain: dict, id: str, profession: str) -> dict:
    return {
        "type": "visit",
        "id": id,
        "patient": "P1",
        "provider": chain["provider"],
        "date": chain["date"].isoformat(),
        "profession": profession,
        "mode": chain["mode"],
    }


def registrations(chain: dict) -> tuple[date | None, date | None, date | None]:
    """(registered, replacement registered, withdrawal registered) of a chain."""
    first = None if chain["delay"] is None else chain["date"] + timedelta(days=chain["delay"])
    base = first or chain["date"]
    replaced = None if chain["replaced"] is None else base + timedelta(days=chain["replaced"])
    withdrawn = None
    if chain["withdrawn"] is not None:
        withdrawn = (replaced or base) + timedelta(days=chain["withdrawn"])
    return first, replaced, withdrawn


def other(profession: str) -> str:
    return "nurse" if profession == "doctor" else "doctor"


def full_data(history: list[dict]) -> list[dict]:
    """Every registration, as the region receives them."""
    rows = list(BASE)
    for chain in history:
        first, replaced, withdrawn = registrations(chain)
        row = visit(chain, chain["id"], chain["profession"])
        if first is not None:
            row["registered"] = first.isoformat()
        rows.append(row)
        current = chain["id"]
        if replaced is not None:
            current = chain["id"] + "b"
            row = visit(chain, current, other(chain["profession"]))
            row |= {"registered": replaced.isoformat(), "replaces": chain["id"]}
            rows.append(row)
        if withdrawn is not None:
            rows.append(
                {"type": "visit", "withdraws": current, "registered": withdrawn.isoformat()}
            )
    return rows


def known_on(history: list[dict], day: date) -> list[dict]:
    """The visits in force on ``day``, written without registration fields."""
    rows = list(BASE)
    for chain in history:
        first, replaced, withdrawn = registrations(chain)
        if first is not None and first > day:
            continue
        if withdrawn is not None and withdrawn <= day:
            continue
        if replaced is not None and replaced <= day:
            rows.append(visit(chain, chain["id"] + "b", other(chain["profession"])))
        else:
            rows.append(visit(chain, chain["id"], chain["profession"]))
    return rows


def write(folder: str, name: str, rows: list[dict]) -> Path:
    path = Path(folder) / name
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def without_as_of(statement) -> dict:
    d = statement.to_dict()
    d.pop("as_of", None)
    return d


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(0, 500))
def test_settling_as_of_a_date_equals_settling_the_data_known_then(history, offset):
    day = START + timedelta(days=offset)
    with tempfile.TemporaryDirectory() as folder:
        everything = write(folder, "all.jsonl", full_data(history))
        then = write(folder, "then.jsonl", known_on(history, day))
        as_of = Settlement(CONTRACT, [everything]).settle("2022", day)
        filtered = Settlement(CONTRACT, [then]).settle("2022")
    assert as_of.as_of == day.isoformat()
    assert without_as_of(as_of) == without_as_of(filtered)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_paid_month_by_month_plus_corrections_is_the_fresh_settlement(history):
    with tempfile.TemporaryDirectory() as folder:
        everything = write(folder, "all.jsonl", full_data(history))
        settlement = Settlement(CONTRACT, [everything])
        payments = settlement.monthly("2022")
        fresh = settlement.settle("2022")
    paid: dict[tuple[str, str, str], F] = {}
    for payment in payments:
        for line in payment.statement.lines:
            assert line.kind == "correction" and line.amount != 0
            assert line.due - line.paid == line.amount
            paid[line.sort_key()] = paid.get(line.sort_key(), F(0)) + line.amount
    due = {line.sort_key(): line.amount for line in fresh.lines}
    assert {k: v for k, v in paid.items() if v != 0} == {k: v for k, v in due.items() if v != 0}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(1, 11))
def test_a_closed_month_does_not_move_when_later_months_arrive(history, months):
    """The clinic has no L160 finding: a month's line depends only on its own records,
    so the months up to M settle the same with or without the visits of later months."""
    from ersl.lint import LintConfig, lint_file

    assert [
        f for f in lint_file(HERE / "clinic.ersl", LintConfig()).findings if f.code == "L160"
    ] == []
    end = date(2022, months + 1, 1) - timedelta(days=1)
    label = f"2022-01..2022-{months:02d}"
    closed = [chain for chain in history if chain["date"] <= end]
    with tempfile.TemporaryDirectory() as folder:
        everything = write(folder, "all.jsonl", known_on(history, date(2099, 1, 1)))
        until_then = write(folder, "then.jsonl", known_on(closed, date(2099, 1, 1)))
        with_later = Settlement(CONTRACT, [everything]).settle(label)
        without = Settlement(CONTRACT, [until_then]).settle(label)
    assert with_later.to_json() == without.to_json()
