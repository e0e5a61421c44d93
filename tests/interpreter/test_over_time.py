"""Settlement over time (issue 18, docs/reference/time.md): a late visit, a replaced and a
withdrawn record as corrections with their explanations, `--as-of` reproducing an
earlier statement, the yearly cap and bonus reconciled against twelve monthly
statements, and preliminary lines.

The fixture `fixtures/over_time/clinic.ersl` pays 400 kr per physical doctor visit and
200 kr per nurse visit ("Besök"), caps doctor visits at 3 a year (above: reduce 50 %
of the excess, "Läkartak") and pays 1 000 kr a year for at least 5 visits ("Årsbonus").
Its data (`data.jsonl`, all visits of patient P1 at VC1):

| visit | date       | profession       | registered                      |
|-------|------------|------------------|---------------------------------|
| V1    | 2022-01-10 | doctor           | from the start                  |
| V2    | 2022-03-05 | doctor           | 2022-05-10 (two months late)    |
| V3    | 2022-02-07 | doctor           | 2022-02-08                      |
| V3b   | 2022-02-07 | nurse            | 2022-04-02, replaces V3         |
| V4    | 2022-02-20 | doctor           | 2022-02-21, withdrawn 2022-04-15|
| V6    | 2022-06-14 | doctor           | 2022-06-15                      |
| V7    | 2022-09-01 | doctor           | from the start                  |
| V8    | 2022-11-30 | doctor           | 2022-11-30                      |
"""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest

import ersl.api
from ersl.interpreter.explain import render_text
from ersl.over_time import Settlement, paid_of
from ersl.paid import correction_statement, read_paid

HERE = Path(__file__).resolve().parent / "fixtures" / "over_time"
CONTRACT = ersl.api.load(HERE / "clinic.ersl")
DATA = HERE / "data.jsonl"


def settlement() -> Settlement:
    return Settlement(CONTRACT, [DATA])


def amounts(statement) -> dict[tuple[str, str], F]:
    """(period, name) → amount of a statement's lines (one payee: VC1)."""
    assert {line.payee for line in statement.lines} <= {"VC1"}
    return {(line.period, line.name): line.amount for line in statement.lines}


def month_end(month: int) -> date:
    return date(2022, month, calendar.monthrange(2022, month)[1])


def test_settling_as_of_a_date_uses_the_records_known_then():
    s = settlement()
    # as of 2022-02-28: V1 (Jan, 400); V3 and V4 (Feb, doctors): 2 × 400 = 800
    feb = s.settle("2022-01..2022-02", date(2022, 2, 28))
    assert amounts(feb) == {("2022-01", "Besök"): F(400), ("2022-02", "Besök"): F(800)}
    assert feb.as_of == "2022-02-28"
    assert '"as_of": "2022-02-28"' in feb.to_json()
    assert "statement for 2022-01..2022-02 as of 2022-02-28" in feb.to_text()
    # as of 2022-04-20: V3b (nurse, 200) replaced V3, V4 withdrawn: Feb = 200
    april = s.settle("2022-01..2022-02", date(2022, 4, 20))
    assert amounts(april)[("2022-02", "Besök")] == F(200)


def test_a_late_visit_is_a_correction_in_the_month_it_is_registered():
    payments = {p.as_of: p for p in settlement().monthly("2022")}
    # V2 (2022-03-05) arrives on 2022-05-10: not in March's payment (as of 03-31) ...
    assert amounts(payments["2022-03-31"].statement) == {}
    # ... but in May's: the March line, 1 doctor visit × 400 = 400, nothing paid before
    may = payments["2022-05-31"].statement
    assert amounts(may) == {("2022-03", "Besök"): F(400)}
    (line,) = may.lines
    assert (line.kind, line.due, line.paid, line.units) == ("correction", F(400), F(0), 1)


def test_the_late_visit_is_explained_by_its_registration():
    paid = [paid_of(settlement().settle("2022-03", month_end(3)), "march.json")]
    corrections = settlement().corrections("2022-03", paid, date(2022, 5, 31))
    tree = corrections.explain("VC1", "Besök", "2022-03")
    (item,) = tree["lines"]
    correction = item["correction"]
    assert (correction["due"], correction["paid"], correction["amount"]) == (
        "400.00",
        "0.00",
        "400.00",
    )
    assert correction["paid_as_of"] == "2022-03-31"  # March was settled then, without V2
    (change,) = correction["changes"]
    assert change["record"].startswith("visit V2 registered 2022-05-10 (")
    assert (change["lines_then"], change["lines_now"]) == ([], ["Besök"])
    assert item["records"]["first"] == ["V2"]  # the fresh line's records
    text = render_text(tree)
    assert "correction: due 400.00 kr − paid 0.00 kr = 400.00 kr" in text
    assert 'behind no line then, "Besök" now' in text


def test_a_replaced_record_with_a_changed_profession():
    s = settlement()
    paid = [paid_of(s.settle("2022-02", month_end(2)), "february.json")]  # 800 paid
    corrections = s.corrections("2022-02", paid, date(2022, 4, 5))
    # as of 04-05: V3b (nurse, 200) in place of V3 (doctor, 400); V4 still there (400):
    # due 200 + 400 = 600, paid 800 → −200
    assert amounts(corrections) == {("2022-02", "Besök"): F(-200)}
    (change,) = corrections.explain("VC1", "Besök", "2022-02")["lines"][0]["correction"]["changes"]
    assert change["record"].startswith("visit V3b registered 2022-04-02, replacing V3 (")
    assert (change["lines_then"], change["lines_now"]) == (["Besök"], ["Besök"])


def test_a_withdrawn_record():
    s = settlement()
    february = s.settle("2022-02", month_end(2))  # 800 paid as of 02-28
    first = s.corrections("2022-02", [paid_of(february, "february.json")], date(2022, 4, 5))
    paid = [paid_of(february, "february.json"), paid_of(first, "april-5.json")]  # 800 − 200
    corrections = s.corrections("2022-02", paid, date(2022, 4, 20))
    # as of 04-20 V4 (doctor, 400) is withdrawn: due 200 (V3b), paid 600 → −400
    assert amounts(corrections) == {("2022-02", "Besök"): F(-400)}
    correction = corrections.explain("VC1", "Besök", "2022-02")["lines"][0]["correction"]
    assert correction["paid_as_of"] == "2022-04-05"
    (change,) = correction["changes"]
    assert change["record"].startswith("visit V4 withdrawn 2022-04-15 (")
    assert (change["lines_then"], change["lines_now"]) == (["Besök"], [])


def test_a_line_no_longer_due_is_corrected_to_zero(tmp_path):
    s = settlement()
    paid = [paid_of(s.settle("2022-02", month_end(2)), "february.json")]
    # a payee-period-name paid but not due at all: all of it comes back
    fake = paid_of(s.settle("2022-02", month_end(2)), "x.json")
    fake.amounts[("VC1", "2022-02", "Gammal rad")] = F(150)
    corrections = s.corrections("2022-02", paid + [fake])
    assert amounts(correction_statement(s.settle("2022-02"), paid + [fake])) == amounts(corrections)
    # due 200 (V3b), paid 800 + 800 → −1 400; "Gammal rad": due 0, paid 150 → −150
    assert amounts(corrections) == {
        ("2022-02", "Besök"): F(-1400),
        ("2022-02", "Gammal rad"): F(-150),
    }
    explained = corrections.explain("VC1", "Gammal rad")["lines"][0]
    assert "source" not in explained  # no longer due: nothing to explain but the payment
    assert explained["correction"]["paid"] == "150.00"


def write_monthly_statements(tmp_path: Path) -> list[str]:
    """The twelve monthly statements, each settled as of its month's last day."""
    paths = []
    for month in range(1, 13):
        statement = settlement().settle(f"2022-{month:02d}", month_end(month))
        path = tmp_path / f"{month:02d}.json"
        path.write_text(statement.to_json(), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_the_yearly_cap_and_bonus_are_reconciled_after_the_year(tmp_path):
    paths = write_monthly_statements(tmp_path)
    paid = [read_paid(p) for p in paths]
    # paid month by month: Jan 400 (V1); Feb 800 (V3, V4 as of 02-28); Mar nothing (V2
    # not yet registered); Jun 400 (V6); Sep 400 (V7); Nov 400 (V8): 2 400 in all; the
    # cap and the bonus are counted per year, so no monthly statement holds them.
    assert sum(sum(p.amounts.values()) for p in paid) == F(2400)
    corrections = settlement().corrections("2022", paid)
    # After the year, with every record: doctor visits V1 V2 V6 V7 V8: Q = 5 > L = 3,
    # A = 5 × 400 = 2 000, deduction = 50 % × 2 000 × (5 − 3) / 5 = 400;
    # visits V1 V2 V3b V6 V7 V8 = 6 ≥ 5: bonus 1 000;
    # Feb: due 200 (V3b) − paid 800 = −600; Mar: due 400 (V2) − paid 0 = 400.
    assert amounts(corrections) == {
        ("2022", "Läkartak"): F(-400),
        ("2022", "Årsbonus"): F(1000),
        ("2022-02", "Besök"): F(-600),
        ("2022-03", "Besök"): F(400),
    }
    assert all(line.kind == "correction" for line in corrections.lines)
    # paid + corrections = the fresh settlement: 2 400 + (−400 + 1 000 − 600 + 400) = 2 800
    fresh = settlement().settle("2022")
    assert sum(line.amount for line in fresh.lines) == F(2800)
    totals = corrections.totals()["VC1"]
    assert (totals["correction"], totals["total"]) == (F(400), F(400))
    cap = corrections.explain("VC1", "Läkartak")["lines"][0]
    assert cap["cap"]["deduction"] == "400"
    assert cap["correction"]["paid_in"] == []


def test_paid_plus_corrections_is_the_fresh_settlement_line_for_line(tmp_path):
    paths = write_monthly_statements(tmp_path)
    paid = [read_paid(p) for p in paths]
    corrections = settlement().corrections("2022", paid)
    fresh = settlement().settle("2022")
    keys = {line.sort_key() for line in fresh.lines} | {k for p in paid for k in p.amounts}
    for key in keys:
        paid_amount = sum((p.amounts.get(key, F(0)) for p in paid), F(0))
        corrected = sum((x.amount for x in corrections.lines if x.sort_key() == key), F(0))
        due = sum((x.amount for x in fresh.lines if x.sort_key() == key), F(0))
        assert paid_amount + corrected == due, key


def test_as_of_reproduces_an_earlier_statement_byte_for_byte(tmp_path):
    # The data as the region had it on 2022-03-05: only the lines registered by then
    # (V1, V7 from the start; V3, V4 in February).
    lines = DATA.read_text(encoding="utf-8").splitlines()
    then = [
        line
        for line in lines
        if '"registered"' not in line or line.split('"registered": "')[1][:10] <= "2022-03-05"
    ]
    earlier = tmp_path / "then.jsonl"
    earlier.write_text("\n".join(then) + "\n", encoding="utf-8")
    on_the_day = Settlement(CONTRACT, [earlier]).settle("2022-02", date(2022, 3, 5))
    today = settlement().settle("2022-02", date(2022, 3, 5))
    assert today.to_json() == on_the_day.to_json()
    assert today.to_text() == on_the_day.to_text()
    assert today.to_csv() == on_the_day.to_csv()
    assert amounts(today) == {("2022-02", "Besök"): F(800)}  # V3 + V4, 2 × 400


def test_a_paid_statement_of_another_contract_is_refused(tmp_path):
    statement = settlement().settle("2022-01")
    other = tmp_path / "other.json"
    other.write_text(statement.to_json().replace("Klinik över tid", "Annan"), encoding="utf-8")
    with pytest.raises(ersl.ErslError) as info:
        settlement().corrections("2022-01", [read_paid(str(other))])
    assert info.value.diagnostics[0].code == "E0920"
    assert 'is a statement of "Annan", not of "Klinik över tid"' in str(info.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "malformed JSON"),
        ('{"format": "ersl.other/1"}', 'is not a statement: expected "format": "ersl.statement/1"'),
        ('{"format": "ersl.statement/1", "contract": {}}', 'a statement has a "contract"'),
        (
            '{"format": "ersl.statement/1", "contract": {"name": "K"}, "lines": [{"payee": "VC1"}]}',
            'line 1 of "lines" is not a statement line',
        ),
        (
            '{"format": "ersl.statement/1", "contract": {"name": "K"}, "lines": [], "as_of": 5}',
            '"as_of" should be a date',
        ),
    ],
)
def test_bad_paid_statements_are_named(tmp_path, text, message):
    path = tmp_path / "paid.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ersl.ErslError) as info:
        read_paid(str(path))
    assert info.value.diagnostics[0].code == "E0920"
    assert f"{path}: {message}" in str(info.value)


def test_a_missing_paid_statement(tmp_path):
    with pytest.raises(ersl.ErslError) as info:
        read_paid(str(tmp_path / "nowhere.json"))
    assert "cannot read" in str(info.value) and info.value.diagnostics[0].code == "E0920"


def test_an_xlsx_correction_statement_has_a_correction_column(tmp_path):
    import openpyxl

    s = settlement()
    paid = [paid_of(s.settle("2022-02", month_end(2)), "february.json")]
    corrections = s.corrections("2022-02", paid, date(2022, 4, 20))
    path = tmp_path / "c.xlsx"
    path.write_bytes(corrections.to_xlsx())
    book = openpyxl.load_workbook(path)
    totals = list(book["totals"].iter_rows(values_only=True))
    assert totals[0] == ("payee", "fixed", "variable", "performance", "correction", "total")
    # due 200 (V3b) − paid 800 = −600, all of it a correction
    assert [round(v * 100) for v in totals[1][1:]] == [0, 0, 0, -60000, -60000]
    about = dict(book["contract"].iter_rows(min_row=2, values_only=True))
    assert about["as of"] == "2022-04-20"


def test_a_cap_correction_names_the_records_behind_the_months_it_caps(tmp_path):
    # The year settled as of 2022-10-31 (V8 of 30 November not yet registered: with
    # the fixture's V8 registered on its day, this is before it): doctor visits V1 V2
    # V6 V7: Q = 4, A = 4 × 400 = 1 600, deduction 50 % × 1 600 × (4 − 3) / 4 = 200.
    s = settlement()
    year = s.settle("2022", date(2022, 10, 31))
    assert amounts(year)[("2022", "Läkartak")] == F(-200)
    corrections = s.corrections("2022", [paid_of(year, "year.json")])
    # with V8 (doctor, 30 November): Q = 5, deduction 50 % × 2 000 × 2 / 5 = 400: −200 more
    assert amounts(corrections)[("2022", "Läkartak")] == F(-200)
    correction = corrections.explain("VC1", "Läkartak")["lines"][0]["correction"]
    (change,) = correction["changes"]
    assert change["record"].startswith("visit V8 registered 2022-11-30 (")
    assert (change["lines_then"], change["lines_now"]) == ([], ["Besök 2022-11"])
