"""Preliminary lines (issue 18, ersl.stability, docs/reference/time.md): a line whose rule reads
later data is marked preliminary in a statement settled before those data are known;
statements of data without registration dates are unchanged."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction as F

import ersl.api
from ersl.data import read_data

CONTRACT = """contract "Framåt" {
  valid 2022-01-01 .. 2022-12-31
}
use stdlib "schema/sweden"

## 100 kr per visit of the patient in the 30 days from this visit on (this one too).
payment "Uppföljning" {  # ersl: ignore[L201] a test contract
  kind   variable
  per    Visit v
  amount 100 kr * count(Visit x where x.patient == v.patient within 30 days after)
}
"""


def visit(id: str, day: str, registered: str | None) -> str:
    extra = "" if registered is None else f', "registered": "{registered}"'
    return (
        f'{{"type": "visit", "id": "{id}", "patient": "P1", "provider": "VC1", '
        f'"date": "{day}", "profession": "doctor", "mode": "physical"{extra}}}'
    )


def setup(tmp_path, registered: bool):
    (tmp_path / "c.ersl").write_text(CONTRACT, encoding="utf-8")
    rows = [
        '{"type": "provider", "id": "VC1"}',
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}',
        visit("V1", "2022-03-25", "2022-03-26" if registered else None),
        visit("V2", "2022-04-10", "2022-04-11" if registered else None),
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ersl.api.load(tmp_path / "c.ersl")


def settle(tmp_path, contract, as_of: date | None):
    data = read_data([tmp_path / "d.jsonl"], contract.checked, as_of=as_of)
    return contract.settle(data, "2022-03")


def test_a_look_ahead_line_is_preliminary_until_its_window_is_known(tmp_path):
    contract = setup(tmp_path, registered=True)
    # as of 2022-03-31: V1's window 03-25 .. 04-24 holds V1 only: 1 × 100 = 100, and
    # the data are known up to 03-31 < 04-30 (the month's end + 30 days): preliminary
    early = settle(tmp_path, contract, date(2022, 3, 31))
    assert [(x.name, x.amount) for x in early.lines] == [("Uppföljning", F(100))]
    assert early.preliminary == [("VC1", "2022-03", "Uppföljning")]
    assert json.loads(early.to_json())["lines"][0]["preliminary"] is True
    text = early.to_text()
    assert "100.00 *" in text and "* preliminary: the rule needs data after the as-of" in text
    # as of 2022-04-30: V2 (04-10) is in V1's window: 2 × 100 = 200; complete
    late = settle(tmp_path, contract, date(2022, 4, 30))
    assert [(x.name, x.amount) for x in late.lines] == [("Uppföljning", F(200))]
    assert late.preliminary == []
    assert "preliminary" not in late.to_json()


def test_without_as_of_the_latest_registration_says_what_is_known(tmp_path):
    contract = setup(tmp_path, registered=True)
    # the latest registration is 2022-04-11, before 04-30: still preliminary
    assert settle(tmp_path, contract, None).preliminary == [("VC1", "2022-03", "Uppföljning")]


def test_data_without_registration_dates_mark_nothing(tmp_path):
    contract = setup(tmp_path, registered=False)
    statement = settle(tmp_path, contract, None)
    assert statement.preliminary == []
    assert "preliminary" not in statement.to_json() and "*" not in statement.to_text()
