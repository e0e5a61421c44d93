"""`ersl diff` (issue 15 §2): hand-computed impacts of a changed rate, a changed band, a
new payment and a removed cap on a small contract, with the "why" attribution; two
parameter sets and two periods; outputs; and properties on generated data.

The old contract (fixtures/diff/old.ersl) on fixtures/diff/data.jsonl, 2022:
  Kapitering: A lists P1 (72, 2400 kr/year) and P3 (32, 1200 kr/year) all year:
    12 × (2400/12 + 1200/12) = 12 × 300 = 3600.00; B lists P2 (22): 12 × 100 = 1200.00.
  Besök: 100 kr per visit: A 5 visits = 500.00, B 1 visit = 100.00.
  Tak: A's 5 visits exceed the limit 3 by 2: −50 % × 2 × 100 = −100.00; B none.
  Totals: A 3600 + 500 − 100 = 4000.00; B 1200 + 100 = 1300.00; all 5300.00.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ersl.api as api
from ersl.cli import main
from ersl.tender.diff import Side, compare
from ersl.tender.diff_output import to_csv, to_json, to_text, to_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = (FIXTURES / "old.ersl").read_text(encoding="utf-8")
DATA = FIXTURES / "data.jsonl"


def impact(tmp_path, new_text: str, params=None, params_new=None):
    old_path = FIXTURES / "old.ersl"
    new_path = tmp_path / "new.ersl"
    new_path.write_text(new_text, encoding="utf-8")
    old = api.load(old_path)
    new = api.load(new_path)
    data = api.read_data([DATA], old)
    return compare(
        Side(old, str(old_path), "2022", dict(params or {})),
        Side(new, str(new_path), "2022", dict(params_new or params or {})),
        data,
    )


def provider(result, pid):
    return next(p for p in result.providers if p.provider == pid)


def payment(result, name):
    return next(p for p in result.payments if p.name == name)


def test_a_changed_rate(tmp_path):
    """fee 100 → 120 kr. A: Besök 5 × 120 = 600 (+100), Tak −50 % × 2 × 120 = −120
    (−20): +80.00; B: 120 (+20.00). Total +100.00 = 5400 − 5300."""
    result = impact(tmp_path, OLD.replace("param fee: money = 100 kr", "param fee: money = 120 kr"))
    assert (result.total.old, result.total.new) == (F(5300), F(5400))
    assert provider(result, "A").change == 80 and provider(result, "B").change == 20
    assert payment(result, "Besök").change == 120  # +100 at A, +20 at B
    assert payment(result, "Tak").change == -20
    assert payment(result, "Kapitering").change == 0
    assert result.kinds["variable"].change == 100 and result.kinds["fixed"].change == 0
    (diff,) = result.differences
    assert (diff.what, diff.name, diff.change, diff.detail) == (
        "parameter",
        "fee",
        "changed",
        "value",
    )
    assert diff.old.text == "param fee: money = 100 kr" and diff.old.line == 15
    assert diff.new.text == "param fee: money = 120 kr" and diff.new.line == 15
    # the fee is read by the visit payment and, through it, by the cap
    assert payment(result, "Besök").why == (0,) and payment(result, "Tak").why == (0,)
    assert payment(result, "Kapitering").why == ()
    # per cent of the old amount: A +80 / 4000 = +2 %; per listed: A 4080 / 2 = 2040
    assert provider(result, "A").percent == 2
    assert provider(result, "A").listed_new == 2 and provider(result, "A").per_listed_new == 2040


def test_a_changed_band(tmp_path):
    """65 and over 2400 → 3000 kr/year: P1 (A) gains 600/12 = 50 a month, 600.00 a year."""
    new = OLD.replace("65 and over -> 2400 kr/year", "65 and over -> 3000 kr/year")
    result = impact(tmp_path, new)
    assert provider(result, "A").change == 600 and provider(result, "B").change == 0
    assert result.total.change == 600 and result.kinds["fixed"].change == 600
    (diff,) = result.differences
    assert diff.detail == "band 65 and over" and diff.what == "parameter"
    assert diff.old.text == "65 and over -> 2400 kr/year" and diff.old.line == 12
    assert diff.new.text == "65 and over -> 3000 kr/year"
    assert payment(result, "Kapitering").why == (0,) and payment(result, "Besök").why == ()
    assert [p.provider for p in result.winners()] == ["A"] and result.losers() == []


def test_a_new_payment(tmp_path):
    """A new payment of 10 kr per physical visit: A has 4 physical visits (V5 is video)
    = 40.00, B 1 = 10.00; old 0 (no percentage)."""
    new = OLD + (
        '\npayment "Tillägg" {\n  kind   variable\n  per    Visit v where v.mode == physical\n'
        "  amount 10 kr\n}\n"
    )
    result = impact(tmp_path, new)
    added = payment(result, "Tillägg")
    assert (added.old, added.new, added.percent) == (0, 50, None)
    assert provider(result, "A").change == 40 and provider(result, "B").change == 10
    (diff,) = result.differences
    assert (diff.what, diff.name, diff.change) == ("payment", "Tillägg", "added")
    assert (
        diff.old is None and diff.new.line == 36 and diff.new.text.startswith('payment "Tillägg"')
    )
    assert added.why == (0,) and payment(result, "Besök").why == ()


def test_a_removed_cap(tmp_path):
    """Without the cap A keeps the 100.00 the cap took: +100.00, the line Tak goes."""
    new = OLD[: OLD.index('cap "Tak"')]
    result = impact(tmp_path, new)
    assert provider(result, "A").change == 100 and provider(result, "B").change == 0
    tak = payment(result, "Tak")
    assert (tak.old, tak.new, tak.change) == (-100, 0, 100)
    (diff,) = result.differences
    assert (diff.what, diff.name, diff.change, diff.new) == ("cap", "Tak", "removed", None)
    assert diff.old.line == 29 and diff.old.text.startswith('cap "Tak" for provider q each year {')
    # attributed to the cap's own line and to the payment it applied to
    assert tak.why == (0,) and payment(result, "Besök").why == (0,)
    assert result.drivers("A") == [("Tak", result.cells["A", "Tak"])]


def test_a_changed_cap_clause_and_indicator_free_text(tmp_path):
    """limit 3 → 4: A's excess 1 visit: −50 % × 1 × 100 = −50 (was −100): +50.00."""
    result = impact(tmp_path, OLD.replace("limit      3", "limit      4"))
    assert provider(result, "A").change == 50
    (diff,) = result.differences
    assert (diff.what, diff.detail, diff.old.text, diff.new.text) == (
        "cap",
        "limit",
        "limit      3",
        "limit      4",
    )


def test_two_parameter_sets_of_one_contract(tmp_path):
    """--param fee=100kr vs --param-new fee=150kr: A Besök +250, Tak −50 → +200; B +50."""
    old = api.load(FIXTURES / "old.ersl")
    data = api.read_data([DATA], old)
    result = compare(
        Side(old, "old.ersl", "2022", {"fee": "100 kr"}),
        Side(old, "old.ersl", "2022", {"fee": "150 kr"}),
        data,
    )
    assert provider(result, "A").change == 200 and provider(result, "B").change == 50
    (diff,) = result.differences
    assert (diff.what, diff.name, diff.detail) == (
        "parameter value",
        "fee",
        "given 100 kr → 150 kr",
    )
    assert payment(result, "Besök").why == (0,)


def test_two_periods_of_a_dated_model(tmp_path):
    """A dated age rate: 2400 kr/year for 65+ from 2022, 3000 from 2023. 2022 vs 2023
    on the same population: P1 (A) 600.00 more; P3, P2 unchanged (1200 both years);
    visits are dated 2022, so 2023 has no Besök (A −500 + Tak +100, B −100)."""
    dated = OLD.replace("valid     2022-01-01 .. 2022-12-31", "valid     2022-01-01 .. 2023-12-31")
    dated = dated.replace(
        "param age_rate = table of int {\n  0 to 64     -> 1200 kr/year\n  65 and over -> 2400 kr/year\n}",
        "param age_rate = dated {\n  from 2022-01-01 -> table of int {\n    0 to 64     -> 1200 kr/year\n"
        "    65 and over -> 2400 kr/year\n  }\n  from 2023-01-01 -> table of int {\n"
        "    0 to 64     -> 1200 kr/year\n    65 and over -> 3000 kr/year\n  }\n}",
    )
    path = tmp_path / "dated.ersl"
    path.write_text(dated, encoding="utf-8")
    contract = api.load(path)
    data = api.read_data([DATA], contract)
    result = compare(Side(contract, str(path), "2022"), Side(contract, str(path), "2023"), data)
    kap = result.cells["A", "Kapitering"]
    assert (kap.old, kap.new) == (3600, 4200)
    assert provider(result, "A").change == 600 - 500 + 100
    assert provider(result, "B").change == -100
    (diff,) = result.differences
    assert diff.what == "dated value" and diff.name == "age_rate"
    assert diff.detail.startswith("band 65 and over (in force on 2022-01-01: from 2022-01-01")
    assert diff.old.text == "65 and over -> 2400 kr/year"
    assert diff.new.text == "65 and over -> 3000 kr/year"
    assert payment(result, "Kapitering").why == (0,)


# ---------------------------------------------------------------- outputs


@pytest.fixture
def rate_change(tmp_path):
    return impact(tmp_path, OLD.replace("param fee: money = 100 kr", "param fee: money = 120 kr"))


def test_the_json_document(rate_change):
    doc = json.loads(to_json(rate_change))
    assert doc["format"] == "ersl.diff/1"
    assert doc["total"] == {
        "old": "5300.00",
        "new": "5400.00",
        "change": "100.00",
        "percent": "1.9",
    }
    a = doc["providers"][0]
    assert (a["provider"], a["old"], a["new"], a["change"], a["percent"]) == (
        "A",
        "4000.00",
        "4080.00",
        "80.00",
        "2.0",
    )
    assert (a["listed_new"], a["per_listed_old"], a["per_listed_new"]) == (
        "2.00",
        "2000.00",
        "2040.00",
    )
    assert doc["winners"] == ["A", "B"] and doc["losers"] == []
    assert doc["differences"][0]["old"]["line"] == 15
    assert to_json(rate_change) == to_json(rate_change)


def test_the_text_csv_and_xlsx_outputs(rate_change):
    text = to_text(rate_change)
    assert "  total     5300.00  5400.00  +100.00   +1.9 %" in text
    assert "[1] parameter fee changed: value" in text
    assert "old.ersl:15: param fee: money = 100 kr" in text
    swedish = to_text(rate_change, swedish=True)
    assert "5\u00a0300,00\u00a0kr" in swedish and "+1,9\u00a0%" in swedish
    rows = to_csv(rate_change).splitlines()
    assert rows[0] == "section,provider,name,kind,old,new,change,percent"
    assert rows[1] == "total,,,,5300.00,5400.00,100.00,1.9"
    assert "provider_payment,A,Tak,variable,-100.00,-120.00,-20.00,-20.0" in rows
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(rate_change)))
    assert book.sheetnames == [
        "summary",
        "providers",
        "payments",
        "provider_payments",
        "differences",
    ]
    assert [c.value for c in book["summary"][2]][:4] == ["total", 5300, 5400, 100]
    assert to_xlsx(rate_change) == to_xlsx(rate_change)


def test_the_command(tmp_path, capsys):
    new = tmp_path / "new.ersl"
    new.write_text(OLD.replace("limit      3", "limit      4"), encoding="utf-8")
    code = main(
        ["diff", str(FIXTURES / "old.ersl"), str(new), "--data", str(DATA), "--period", "2022"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "cap Tak changed: limit" in out and "+50.00" in out
    out_json = tmp_path / "d.json"
    assert (
        main(
            [
                "diff",
                str(FIXTURES / "old.ersl"),
                "--data",
                str(DATA),
                "--param-new",
                "fee=90kr",
                "--format",
                "json",
                "-o",
                str(out_json),
            ]
        )
        == 0
    )
    assert json.loads(out_json.read_text(encoding="utf-8"))["total"]["change"] == "-50.00"


def test_the_columnar_engine_gives_the_same_diff(tmp_path, capsys):
    new = tmp_path / "new.ersl"
    new.write_text(OLD.replace("limit      3", "limit      4"), encoding="utf-8")
    args = ["diff", str(FIXTURES / "old.ersl"), str(new), "--data", str(DATA), "--format", "json"]
    assert main(args) == 0
    reference = capsys.readouterr().out
    assert main([*args, "--engine", "columnar"]) == 0
    assert capsys.readouterr().out == reference


def test_nothing_to_compare_is_e1503(capsys):
    assert main(["diff", str(FIXTURES / "old.ersl"), "--data", str(DATA)]) == 2
    assert "E1503" in capsys.readouterr().err


# ---------------------------------------------------------------- properties


@st.composite
def visits(draw):
    rows = []
    for n in range(draw(st.integers(0, 12))):
        patient, prov = draw(st.sampled_from([("P1", "A"), ("P2", "B"), ("P3", "A"), ("P2", "A")]))
        month = draw(st.integers(1, 12))
        rows.append(
            {
                "type": "visit",
                "id": f"W{n}",
                "patient": patient,
                "provider": prov,
                "date": f"2022-{month:02d}-15",
                "profession": "nurse",
                "mode": "physical",
            }
        )
    return rows


BASE = [
    json.loads(line)
    for line in DATA.read_text(encoding="utf-8").splitlines()
    if '"visit"' not in line
]
CONTRACT = api.load(FIXTURES / "old.ersl")


def _data(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("d") / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in BASE + rows), encoding="utf-8")
    return api.read_data([path], CONTRACT)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=visits(), fee=st.integers(0, 500))
def test_a_diff_of_a_contract_with_itself_is_all_zeros(tmp_path_factory, rows, fee):
    data = _data(tmp_path_factory, rows)
    params = {"fee": f"{fee} kr"}
    result = compare(Side(CONTRACT, "c", "2022", params), Side(CONTRACT, "c", "2022", params), data)
    assert result.total.change == 0 and result.differences == []
    assert all(c.change == 0 for c in result.kinds.values())
    assert all(p.change == 0 for p in result.providers + result.payments)
    assert all(c.change == 0 for c in result.cells.values())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=visits(), fee=st.integers(0, 500), fee_new=st.integers(0, 500))
def test_the_totals_of_a_diff_are_the_difference_of_the_statements(
    tmp_path_factory, rows, fee, fee_new
):
    data = _data(tmp_path_factory, rows)
    result = compare(
        Side(CONTRACT, "c", "2022", {"fee": f"{fee} kr"}),
        Side(CONTRACT, "c", "2022", {"fee": f"{fee_new} kr"}),
        data,
    )
    before = CONTRACT.settle(data, "2022", {"fee": f"{fee} kr"}).totals()
    after = CONTRACT.settle(data, "2022", {"fee": f"{fee_new} kr"}).totals()
    for p in result.providers:
        assert p.old == before.get(p.provider, {}).get("total", 0)
        assert p.new == after.get(p.provider, {}).get("total", 0)
    assert result.total.change == sum(t["total"] for t in after.values()) - sum(
        t["total"] for t in before.values()
    )
    assert sum(c.change for c in result.kinds.values()) == result.total.change
    assert sum(p.change for p in result.payments) == result.total.change
    assert sum(c.change for c in result.cells.values()) == result.total.change
