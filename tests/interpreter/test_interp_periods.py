"""SPEC §3.5 rates on bases with a duration and §6.1 runs, line periods, `valid` clipping,
which lines appear, and facts before the run period."""

from __future__ import annotations

import pytest
from interp_helpers import (
    contract,
    listing,
    patient,
    provider,
    settle,
    stay,
    visit,
)

import ersl.api as api
from ersl.errors import ErslError

# ---------------------------------------------------------------- rates


def test_rate_per_year_times_one_month_on_a_monthly_basis(tmp_path):
    src = contract("""
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount 1217 kr/year
}
payment "Per month" {
  kind   fixed
  per    listed patient p at q each month
  amount 4 kr/month
}
""")
    records = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2020-01-01")]
    result = settle(tmp_path, src, records, period="2022-02")
    assert result.lines == {
        ("VC1", "2022-02", "Cap"): "101.42",  # 1217 kr/year / 12 = 101.4166… → 101.42
        ("VC1", "2022-02", "Per month"): "4.00",  # a month is a month, even February
    }


def test_rate_per_day_uses_the_actual_days(tmp_path):
    src = contract("""
payment "Daily stay" {
  kind   variable
  per    Stay s each day
  amount 3000 kr/day
}
payment "Daily provider" {
  kind   fixed
  per    provider q each month where q.kind == "vc"
  amount 10 kr/day
}
payment "Daily listed" {
  kind   fixed
  per    listed patient p at q each month
  amount 1 kr/day
}
""")
    records = [
        provider("H1", kind="hospital"),
        provider("VC1", kind="vc"),
        patient("P1"),
        listing("P1", "VC1", "2020-01-01"),
        stay("S1", "P1", "H1", "2022-02-27", "2022-03-02"),  # Feb 27, 28 | Mar 1, 2
    ]
    result = settle(tmp_path, src, records, period="2022-02..2022-03")
    assert result.lines == {
        ("H1", "2022-02", "Daily stay"): "6000.00",  # 2 days × 3000
        ("H1", "2022-03", "Daily stay"): "6000.00",  # 2 days × 3000
        ("VC1", "2022-02", "Daily provider"): "280.00",  # 28 days × 10
        ("VC1", "2022-03", "Daily provider"): "310.00",  # 31 days × 10
        ("VC1", "2022-02", "Daily listed"): "28.00",  # a month of February: 28 days × 1
        ("VC1", "2022-03", "Daily listed"): "31.00",  # 31 days × 1
    }


def test_provider_year_pot_is_rate_times_the_years_length(tmp_path):
    src = contract("""
use stdlib "functions/listing"
payment "Pot" {
  kind   performance
  per    provider q each year
  amount 30 kr/year * average_listed(q)
}
""")
    records = [
        provider("VC1"),
        patient("A"),
        patient("B"),
        listing("A", "VC1", "2020-01-01"),  # 12 first days
        listing("B", "VC1", "2022-07-01"),  # Jul..Dec: 6 first days
    ]
    result = settle(tmp_path, src, records)
    # average_listed = (12 + 6) / 12 = 1.5; 30 kr/year × 1.5 × 12 months / 12 = 45
    assert result.lines == {("VC1", "2022", "Pot"): "45.00"}


# ---------------------------------------------------------------- valid clipping


CLIPPED = """
payment "Yearly" {
  kind   fixed
  per    provider q each year
  amount 1200 kr/year
}
payment "Monthly" {
  kind   fixed
  per    provider q each month
  amount 1200 kr/year
}
payment "Daily" {
  kind   fixed
  per    provider q each month
  amount 10 kr/day
}
payment "Listed" {
  kind   fixed
  per    listed patient p at q each month
  amount 1200 kr/year
}
"""


def test_periods_partly_outside_valid_are_clipped(tmp_path):
    src = contract(CLIPPED, valid="2022-03-15 .. 2022-12-31")
    records = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2020-01-01")]
    result = settle(tmp_path, src, records)
    expected = {
        # 2022-03-15 .. 2022-12-31 = 17/31 of March + 9 months;
        # 1200/12 × (9 + 17/31) = 100 × 296/31 = 29600/31 = 954.8387… → 954.84
        ("VC1", "2022", "Yearly"): "954.84",
        # March is 2022-03-15 .. 03-31: 100 × 17/31 = 54.8387… → 54.84
        ("VC1", "2022-03", "Monthly"): "54.84",
        ("VC1", "2022-03", "Daily"): "170.00",  # 17 days × 10
        # the listing unit is the first of the month: 2022-03-01 lies outside valid,
        # so the first Listed line is April's
    }
    days = {4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
    for month, n in days.items():
        label = f"2022-{month:02d}"
        expected[("VC1", label, "Monthly")] = "100.00"  # 1200 / 12
        expected[("VC1", label, "Daily")] = f"{10 * n}.00"  # days of the month × 10
        expected[("VC1", label, "Listed")] = "100.00"
    assert result.lines == expected
    # the clipped year keeps its label; a run of March alone covers the clipped March
    march = settle(tmp_path / "march", src, records, period="2022-03")
    assert march.lines == {
        ("VC1", "2022-03", "Monthly"): "54.84",
        ("VC1", "2022-03", "Daily"): "170.00",
    }


def test_payment_valid_clips_a_provider_period(tmp_path):
    src = contract("""
payment "Yearly" {
  kind   fixed
  per    provider q each year
  amount 1200 kr/year
  valid  2022-07-01 .. 2022-12-31
}
""")
    result = settle(tmp_path, src, [provider("VC1")])
    assert result.lines == {("VC1", "2022", "Yearly"): "600.00"}  # 1200/12 × 6 months


# ---------------------------------------------------------------- which lines appear


def test_line_appears_only_when_the_run_covers_its_whole_period(tmp_path):
    src = contract("""
payment "Yearly" {
  kind   fixed
  per    provider q each year
  amount 1200 kr/year
}
payment "Quarterly" {
  kind   fixed
  per    provider q each quarter
  amount 1200 kr/year
}
payment "Monthly" {
  kind   fixed
  per    provider q each month
  amount 1200 kr/year
}
""")
    records = [provider("VC1")]
    march = settle(tmp_path / "a", src, records, period="2022-03")
    assert march.lines == {("VC1", "2022-03", "Monthly"): "100.00"}  # no Q1, no 2022 line
    q1 = settle(tmp_path / "b", src, records, period="2022-Q1")
    assert q1.lines == {
        ("VC1", "2022-01", "Monthly"): "100.00",
        ("VC1", "2022-02", "Monthly"): "100.00",
        ("VC1", "2022-03", "Monthly"): "100.00",
        ("VC1", "2022-Q1", "Quarterly"): "300.00",  # 1200 / 12 × 3
    }
    half = settle(tmp_path / "c", src, records, period="2022-02..2022-07")
    assert set(half.lines) == {
        *(("VC1", f"2022-{m:02d}", "Monthly") for m in range(2, 8)),
        ("VC1", "2022-Q2", "Quarterly"),  # Q1 and Q3 are only partly covered
    }
    year = settle(tmp_path / "d", src, records, period="2022")
    assert year.lines[("VC1", "2022", "Yearly")] == "1200.00"
    assert len(year.lines) == 12 + 4 + 1


def test_settle_quarterly_groups_unit_lines_by_quarter(tmp_path):
    src = contract(
        """
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount 1200 kr/year
}
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
""",
        settle="quarterly",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        listing("P1", "VC1", "2020-01-01"),
        visit("V1", "P1", "VC1", "2022-01-10"),
        visit("V2", "P1", "VC1", "2022-03-31"),
        visit("V3", "P1", "VC1", "2022-04-01"),
    ]
    # a month's run does not cover any quarter: no lines at all
    assert settle(tmp_path / "m", src, records, period="2022-03").lines == {}
    result = settle(tmp_path / "h", src, records, period="2022-01..2022-06")
    assert result.lines == {
        ("VC1", "2022-Q1", "Cap"): "300.00",  # 3 months × 100
        ("VC1", "2022-Q1", "Fee"): "200.00",  # V1, V2
        ("VC1", "2022-Q2", "Cap"): "300.00",
        ("VC1", "2022-Q2", "Fee"): "100.00",  # V3
    }
    assert result.units[("VC1", "2022-Q1", "Cap")] == 3


def test_settle_yearly(tmp_path):
    src = contract(
        """
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
""",
        settle="yearly",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-01-10"),
        visit("V2", "P1", "VC1", "2022-12-31"),
    ]
    assert settle(tmp_path, src, records).lines == {("VC1", "2022", "Fee"): "200.00"}
    assert settle(tmp_path / "h", src, records, period="2022-01..2022-11").lines == {}


def test_line_needs_at_least_one_unit(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount 1200 kr/year
}
""")
    records = [
        provider("VC1"),
        provider("VC2"),  # no visits, no listings: no lines and no totals at all
        patient("P1"),
        listing("P1", "VC1", "2022-03-01", "2022-03-31"),
        visit("V1", "P1", "VC1", "2022-04-10"),
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-03", "Cap"): "100.00",
        ("VC1", "2022-04", "Fee"): "100.00",
    }
    assert list(result.json["totals"]) == ["VC1"]


def test_facts_before_the_run_serve_look_backs_but_are_never_paid(tmp_path):
    src = contract(
        """
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr + 1 kr * count(Visit w where w.patient == v.patient within 365 days)
}
""",
        valid="2021-01-01 .. 2022-12-31",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V0", "P1", "VC1", "2021-03-01"),  # 2022-02-28 − 365 days = 2021-02-28: seen
        visit("V1", "P1", "VC1", "2021-12-31"),
        visit("V2", "P1", "VC1", "2022-02-28"),
    ]
    result = settle(tmp_path, src, records, period="2022")
    # only V2 is paid; its window 2021-02-28 .. 2022-02-28 holds V0, V1 and V2 itself
    assert result.lines == {("VC1", "2022-02", "Fee"): "103.00"}  # 100 + 3


def test_facts_before_the_contract_serve_look_backs(tmp_path):
    src = contract("""
payment "Follow-up" {
  kind   variable
  per    Visit v where exists(Visit w where w.patient == v.patient and w.kind == "first"
                             within 90 days before v.date)
  amount 100 kr
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        visit("F1", "P1", "VC1", "2021-12-01", kind="first"),  # before valid: not paid
        visit("V1", "P1", "VC1", "2022-01-10"),  # 40 days after F1: paid
        visit("V2", "P2", "VC1", "2022-01-10"),  # no first visit: not paid
    ]
    result = settle(tmp_path, src, records, period="2021-12..2022-01")
    assert result.lines == {("VC1", "2022-01", "Follow-up"): "100.00"}


def test_rate_per_day_pot_of_a_performance_line(tmp_path):
    src = contract("""
indicator "Reported" reported
performance "Bonus" for provider q each quarter {
  bonus      1 kr/day
  indicators { "Reported" if reported }
}
""")
    records = [
        provider("VC1"),
        {"type": "indicator_result", "provider": "VC1", "indicator": "Reported",
         "period": "2022-Q1", "value": "0.9"},
    ]  # fmt: skip
    result = settle(tmp_path, src, records, period="2022-Q1..2022-Q2")
    assert result.lines == {
        # `if reported` scores 1 when a value was reported: pot × 1 = 1 kr × (31 + 28 + 31)
        ("VC1", "2022-Q1", "Bonus"): "90.00",
        # nothing reported for Q2: 0 × pot
        ("VC1", "2022-Q2", "Bonus"): "0.00",
    }


def test_rates_the_checker_rejects(tmp_path):
    for number, (amount, basis) in enumerate(
        [
            ("100 kr/year", "Visit v"),  # a rate on a per-event basis
            ("100 kr/year", "Stay s each day"),  # kr/year × days
            ("100 kr/month", "Stay s each day"),  # kr/month × days
        ]
    ):
        src = contract(f"""
payment "Bad" {{
  kind   variable
  per    {basis}
  amount {amount}
}}
""")
        path = tmp_path / f"bad{number}.ersl"
        path.write_text(src, encoding="utf-8")
        with pytest.raises(ErslError):
            api.load(path)
