"""SPEC §3.5 bases, `where`, `weight`, `valid` and `payee`; every amount by hand."""

from __future__ import annotations

from interp_helpers import (
    assert_clean_error,
    contract,
    listing,
    patient,
    provider,
    run_cli,
    settle,
    stay,
    visit,
)

MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]


# ---------------------------------------------------------------- listed patient months


def test_listed_patient_months_listing_boundaries_and_moves(tmp_path):
    src = contract("""
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount 1200 kr/year
}
""")
    records = [
        provider("VC1"),
        provider("VC2"),
        patient("P1"),
        patient("P2"),
        patient("P3"),
        patient("P4"),
        listing("P1", "VC1", "2020-01-01"),  # open: every month of 2022
        # starts mid-January: not listed on 2022-01-01, so the first unit is February;
        # ends on 2022-03-01, which is inclusive: listed on the first day of March.
        listing("P2", "VC1", "2022-01-15", "2022-03-01"),
        listing("P3", "VC1", "2022-01-01", "2022-02-28"),  # January and February only
        listing("P4", "VC1", "2021-06-01", "2022-03-31"),  # moves to VC2 on 2022-04-01
        listing("P4", "VC2", "2022-04-01"),
    ]
    result = settle(tmp_path, src, records)
    # one unit = 1200 kr/year × 1 month = 1200 / 12 = 100 kr
    expected = {
        ("VC1", "2022-01", "Cap"): "300.00",  # P1, P3, P4 = 3 × 100
        ("VC1", "2022-02", "Cap"): "400.00",  # P1, P2, P3, P4 = 4 × 100
        ("VC1", "2022-03", "Cap"): "300.00",  # P1, P2 (end day 03-01 inclusive), P4
    }
    for month in MONTHS[3:]:
        expected[("VC1", month, "Cap")] = "100.00"  # P1 only
        expected[("VC2", month, "Cap")] = "100.00"  # P4 after the move
    assert result.lines == expected
    assert result.units[("VC1", "2022-02", "Cap")] == 4
    assert result.units[("VC1", "2022-03", "Cap")] == 3


def test_listed_patient_context_date_is_first_of_month(tmp_path):
    # age is read on the first day of the month: born 1947-03-02, the patient is 74 on
    # 2022-03-01 (birthday the next day) and 75 on 2022-04-01.
    src = contract("""
param age_rate = table of int {
  0 to 74     -> 1117 kr/year
  75 and over -> 1217 kr/year
}
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}
""")
    records = [provider("VC1"), patient("P1", "1947-03-02"), listing("P1", "VC1", "2020-01-01")]
    result = settle(tmp_path, src, records, period="2022-03..2022-04")
    assert result.lines == {
        ("VC1", "2022-03", "Cap"): "93.08",  # 1117 / 12 = 93.0833… → 93.08
        ("VC1", "2022-04", "Cap"): "101.42",  # 1217 / 12 = 101.4166… → 101.42
    }


# ---------------------------------------------------------------- spans


def test_span_each_day_counts_every_covered_day_end_inclusive(tmp_path):
    src = contract("""
payment "Bed days" {
  kind   variable
  per    Stay s each day
  amount 1000 kr/day
}
""")
    records = [
        provider("H1"),
        patient("P1"),
        patient("P2"),
        stay("S1", "P1", "H1", "2022-03-30", "2022-04-02"),  # Mar 30, 31 | Apr 1, 2
        stay("S2", "P2", "H1", "2022-02-27", "2022-03-01"),  # Feb 27, 28 | Mar 1
    ]
    result = settle(tmp_path, src, records, period="2022-02..2022-04")
    assert result.lines == {
        ("H1", "2022-02", "Bed days"): "2000.00",  # 2 days × 1000
        ("H1", "2022-03", "Bed days"): "3000.00",  # S1: 2 days + S2: 1 day = 3 × 1000
        ("H1", "2022-04", "Bed days"): "2000.00",  # S1: 2 days × 1000
    }
    assert result.units[("H1", "2022-03", "Bed days")] == 3
    # a run of March alone pays March's days only
    march = settle(tmp_path / "march", src, records, period="2022-03")
    assert march.lines == {("H1", "2022-03", "Bed days"): "3000.00"}


def test_span_each_day_context_date_is_that_day(tmp_path):
    # `today` is each covered day: month(today) × 1 kr per day.
    src = contract("""
payment "Bed days" {
  kind   variable
  per    Stay s each day
  amount 1 kr * month(today)
}
""")
    records = [provider("H1"), patient("P1"), stay("S1", "P1", "H1", "2022-03-31", "2022-04-01")]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("H1", "2022-03", "Bed days"): "3.00",  # 2022-03-31: month 3
        ("H1", "2022-04", "Bed days"): "4.00",  # 2022-04-01: month 4
    }


def test_span_each_month_counts_first_days_covered(tmp_path):
    src = contract("""
payment "Home care" {
  kind   fixed
  per    Enrolment e each month
  amount 1200 kr/year
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        # covers 2022-02-01 and 2022-03-01 (end inclusive), not 2022-01-01
        {"type": "enrolment", "patient": "P1", "provider": "VC1", "start": "2022-01-15",
         "end": "2022-03-01"},
        # open end: every first day from 2022-11-01 to the end of the run
        {"type": "enrolment", "patient": "P2", "provider": "VC1", "start": "2022-11-01"},
    ]  # fmt: skip
    result = settle(tmp_path, src, records)
    # 1200 kr/year × 1 month = 100 kr per unit
    assert result.lines == {
        ("VC1", "2022-02", "Home care"): "100.00",
        ("VC1", "2022-03", "Home care"): "100.00",
        ("VC1", "2022-11", "Home care"): "100.00",
        ("VC1", "2022-12", "Home care"): "100.00",
    }


# ---------------------------------------------------------------- events


def test_event_basis_where_and_context_date(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v where v.mode in {physical, home}
  amount 100 kr + 1 kr * month(today)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-10", mode="physical"),
        visit("V2", "P1", "VC1", "2022-03-31", mode="home"),
        visit("V3", "P1", "VC1", "2022-03-15", mode="phone"),  # filtered out by `where`
        visit("V4", "P1", "VC1", "2022-04-01", mode="physical"),
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-03", "Fee"): "206.00",  # V1 + V2 = 2 × (100 + 3)
        ("VC1", "2022-04", "Fee"): "104.00",  # V4 = 100 + 4
    }
    assert result.units[("VC1", "2022-03", "Fee")] == 2


def test_span_as_event_counts_at_its_start(tmp_path):
    src = contract("""
payment "Admission" {
  kind   variable
  per    Stay s
  amount 5000 kr
}
""")
    records = [
        provider("H1"),
        patient("P1"),
        patient("P2"),
        stay("S1", "P1", "H1", "2022-03-30", "2022-04-02"),  # starts in March
        stay("S2", "P2", "H1", "2022-02-27", "2022-03-01"),  # starts in February
    ]
    result = settle(tmp_path, src, records, period="2022-03")
    assert result.lines == {("H1", "2022-03", "Admission"): "5000.00"}  # S1 only, one unit
    whole = settle(tmp_path / "whole", src, records, period="2022-02..2022-04")
    assert whole.lines == {
        ("H1", "2022-02", "Admission"): "5000.00",  # S2
        ("H1", "2022-03", "Admission"): "5000.00",  # S1; nothing in April
    }


def test_participant_basis_one_unit_per_event_and_provider(tmp_path):
    src = contract("""
payment "Meeting" {
  kind   variable
  per    participant q of Meeting m where q.kind == "vc"
  amount 500 kr
}
""")
    records = [
        provider("VC1", kind="vc"),
        provider("H2", kind="hospital"),
        provider("VC3", kind="vc"),
        patient("P1"),
        {"type": "meeting", "id": "M1", "patient": "P1", "date": "2022-05-10",
         "kind": "sip", "participants": ["VC1", "H2", "VC3"]},
        {"type": "meeting", "id": "M2", "patient": "P1", "date": "2022-05-20",
         "kind": "sip", "participants": ["VC3"]},
    ]  # fmt: skip
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-05", "Meeting"): "500.00",  # M1
        ("VC3", "2022-05", "Meeting"): "1000.00",  # M1 + M2 = 2 × 500; H2 filtered by where
    }


# ---------------------------------------------------------------- provider periods


def test_provider_each_month_context_date_is_last_day(tmp_path):
    src = contract("""
payment "Per listed" {
  kind   fixed
  per    provider q each month
  amount 1 kr * listed_count(q, today)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        patient("P3"),
        listing("P1", "VC1", "2022-03-31"),  # listed on the last day of March
        listing("P2", "VC1", "2022-01-01", "2022-03-31"),  # end day inclusive
        listing("P3", "VC1", "2022-01-01", "2022-03-30"),
    ]
    result = settle(tmp_path, src, records, period="2022-01..2022-05")
    assert result.lines == {
        ("VC1", "2022-01", "Per listed"): "2.00",  # on 01-31: P2, P3
        ("VC1", "2022-02", "Per listed"): "2.00",  # on 02-28: P2, P3
        ("VC1", "2022-03", "Per listed"): "2.00",  # on 03-31: P1, P2 (P3 ended 03-30)
        ("VC1", "2022-04", "Per listed"): "1.00",  # on 04-30: P1
        ("VC1", "2022-05", "Per listed"): "1.00",  # on 05-31: P1
    }


def test_provider_each_month_quarter_year_rates_and_where(tmp_path):
    src = contract("""
payment "Monthly" {
  kind   fixed
  per    provider q each month where q.kind == "vc"
  amount 1200 kr/year
}
payment "Quarterly" {
  kind   fixed
  per    provider q each quarter where q.kind == "vc"
  amount 1200 kr/year + 12 kr/year * month(today)
}
payment "Yearly" {
  kind   fixed
  per    provider q each year where q.kind == "vc"
  amount 1200 kr/year
}
""")
    records = [provider("VC1", kind="vc"), provider("H1", kind="hospital")]
    result = settle(tmp_path, src, records)
    expected = {("VC1", m, "Monthly"): "100.00" for m in MONTHS}  # 1200 / 12 × 1 month
    # a quarter is 3 months: 1200/12 × 3 = 300, plus 12 kr/year × m (m = month of the
    # last day) × 3 months = 12 × m / 12 × 3 = 3m
    expected[("VC1", "2022-Q1", "Quarterly")] = "309.00"  # 300 + 3 × 3
    expected[("VC1", "2022-Q2", "Quarterly")] = "318.00"  # 300 + 6 × 3
    expected[("VC1", "2022-Q3", "Quarterly")] = "327.00"  # 300 + 9 × 3
    expected[("VC1", "2022-Q4", "Quarterly")] = "336.00"  # 300 + 12 × 3
    expected[("VC1", "2022", "Yearly")] = "1200.00"  # 1200 kr/year × 12 months
    assert result.lines == expected  # H1 is filtered out everywhere


# ---------------------------------------------------------------- weights, valid, payee


def test_weights_multiply_when_their_conditions_hold(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
  weight 1.5 when age(v.patient) >= 80
  weight 2 when v.mode == home
}
""")
    records = [
        provider("VC1"),
        patient("OLD", "1940-01-01"),  # 82 in 2022
        patient("YOUNG", "1980-01-01"),  # 42
        visit("V1", "OLD", "VC1", "2022-01-10", mode="home"),  # 100 × 1.5 × 2 = 300
        visit("V2", "OLD", "VC1", "2022-02-10", mode="physical"),  # 100 × 1.5 = 150
        visit("V3", "YOUNG", "VC1", "2022-03-10", mode="home"),  # 100 × 2 = 200
        visit("V4", "YOUNG", "VC1", "2022-04-10", mode="physical"),  # 100
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-01", "Fee"): "300.00",
        ("VC1", "2022-02", "Fee"): "150.00",
        ("VC1", "2022-03", "Fee"): "200.00",
        ("VC1", "2022-04", "Fee"): "100.00",
    }


def test_weight_age_boundary_is_read_on_the_event_date(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 200 kr
  weight 1.5 when age(v.patient) >= 80
}
""")
    records = [
        provider("VC1"),
        patient("P1", "1942-03-10"),  # turns 80 on 2022-03-10
        visit("V1", "P1", "VC1", "2022-03-09"),  # 79: 200
        visit("V2", "P1", "VC1", "2022-03-10"),  # 80: 200 × 1.5 = 300
    ]
    result = settle(tmp_path, src, records, period="2022-03")
    assert result.lines == {("VC1", "2022-03", "Fee"): "500.00"}  # 200 + 300


def test_valid_on_a_payment_limits_its_dates(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
  valid  2022-03-01 .. 2022-03-15
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-02-28"),  # before
        visit("V2", "P1", "VC1", "2022-03-01"),  # first valid day
        visit("V3", "P1", "VC1", "2022-03-15"),  # last valid day
        visit("V4", "P1", "VC1", "2022-03-16"),  # after
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {("VC1", "2022-03", "Fee"): "200.00"}  # V2 + V3 = 2 × 100


def test_contract_valid_limits_every_payment(tmp_path):
    src = contract(
        """
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
""",
        valid="2022-01-01 .. 2022-06-30",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-06-30"),
        visit("V2", "P1", "VC1", "2022-07-01"),  # after the contract ends: never paid
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {("VC1", "2022-06", "Fee"): "100.00"}


def test_payee_override_charges_the_listing_provider(tmp_path):
    src = contract("""
payment "Cost responsibility" {
  kind   variable
  per    Visit v where listed_at(v.patient, v.date) != none
                   and v.provider != listed_at(v.patient, v.date)
  payee  listed_at(v.patient, v.date)
  amount -200 kr
}
""")
    records = [
        provider("VC1"),
        provider("VC2"),
        patient("P1"),
        patient("P2"),
        listing("P1", "VC1", "2020-01-01"),
        visit("V1", "P1", "VC2", "2022-03-10"),  # elsewhere: VC1 is charged
        visit("V2", "P1", "VC1", "2022-03-11"),  # at its own clinic: filtered
        visit("V3", "P2", "VC2", "2022-03-12"),  # unlisted: filtered
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {("VC1", "2022-03", "Cost responsibility"): "-200.00"}
    assert result.json["totals"] == {
        "VC1": {"fixed": "0.00", "variable": "-200.00", "performance": "0.00", "total": "-200.00"}
    }


def test_none_payee_is_a_run_time_error(tmp_path, capsys):
    src = contract("""
payment "Cost responsibility" {
  kind   variable
  per    Visit v
  payee  listed_at(v.patient, v.date)
  amount -200 kr
}
""")
    records = [
        provider("VC1"),
        patient("P2"),  # never listed: listed_at gives none
        visit("V3", "P2", "VC1", "2022-03-12"),
    ]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, "Cost responsibility", "V3", "none", "payee")


def test_unit_without_a_provider_needs_a_payee(tmp_path, capsys):
    src = contract("""
payment "Observations" {
  kind   variable
  per    Observation o
  amount 10 kr
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        {"type": "observation", "patient": "P1", "date": "2022-03-01", "kind": "bp"},
    ]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, "Observations", "payee")
