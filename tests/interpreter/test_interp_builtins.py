"""SPEC §3.4 built-ins and aggregates with closed `within` windows; §6.2 dates and ages."""

from __future__ import annotations

from interp_helpers import (
    contract,
    listing,
    patient,
    provider,
    settle,
    stay,
    visit,
)

# ---------------------------------------------------------------- ages and dates


def test_age_of_a_29_february_birthday(tmp_path):
    src = contract(
        """
payment "Age" {
  kind   variable
  per    Visit v
  amount 1 kr * age(v.patient)
}
""",
        valid="2021-01-01 .. 2024-12-31",
    )
    records = [
        provider("VC1"),
        patient("P1", "2000-02-29"),
        visit("V1", "P1", "VC1", "2021-02-28"),  # common year: birthday is 03-01, still 20
        visit("V2", "P1", "VC1", "2021-03-01"),  # 21
        visit("V3", "P1", "VC1", "2024-02-28"),  # leap year, day before: 23
        visit("V4", "P1", "VC1", "2024-02-29"),  # leap year birthday: 24
    ]
    result = settle(tmp_path, src, records, period="2021..2024")
    assert result.lines == {
        ("VC1", "2021-02", "Age"): "20.00",
        ("VC1", "2021-03", "Age"): "21.00",
        ("VC1", "2024-02", "Age"): "47.00",  # 23 + 24
    }


def test_age_in_year_is_context_year_minus_birth_year(tmp_path):
    src = contract(
        """
payment "Age" {
  kind   variable
  per    Visit v
  amount 100 kr * age_in_year(v.patient) + 1 kr * age(v.patient)
}
""",
        valid="2021-01-01 .. 2021-12-31",
    )
    records = [provider("VC1"), patient("P1", "2000-12-31"), visit("V1", "P1", "VC1", "2021-01-01")]
    result = settle(tmp_path, src, records, period="2021-01")
    # age_in_year = 2021 − 2000 = 21; age on 2021-01-01 = 20 → 100 × 21 + 20 = 2120
    assert result.lines == {("VC1", "2021-01", "Age"): "2120.00"}


def test_today_year_month_days_size(tmp_path):
    src = contract("""
payment "Year" {
  kind   variable
  per    Visit v
  amount 1 kr * (year(today) - 2000)
}
payment "Month" {
  kind   variable
  per    Visit v
  amount 1 kr * month(v.date)
}
payment "Days" {
  kind   variable
  per    Visit v
  amount 1 kr * days(v.date - 2022-01-01) + 1 kr * days(2 weeks) + 1 kr * days(30 days)
}
payment "Size" {
  kind   variable
  per    Visit v
  amount 10 kr * size(v.diagnoses)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01", diagnoses=["I10", "J45", "E11"]),
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-03", "Year"): "22.00",  # 2022 − 2000
        ("VC1", "2022-03", "Month"): "3.00",
        # 2022-03-01 − 2022-01-01 = 31 (Jan) + 28 (Feb) = 59 days; 2 weeks = 14; + 30
        ("VC1", "2022-03", "Days"): "103.00",  # 59 + 14 + 30
        ("VC1", "2022-03", "Size"): "30.00",  # 3 diagnoses × 10
    }


def test_listed_at_end_day_inclusive(tmp_path):
    src = contract("""
payment "Own" {
  kind   variable
  per    Visit v where v.provider == listed_at(v.patient, v.date)
  amount 100 kr
}
""")
    records = [
        provider("VC1"),
        provider("VC2"),
        patient("P1"),
        listing("P1", "VC1", "2022-01-01", "2022-03-15"),
        listing("P1", "VC2", "2022-03-16"),
        visit("V1", "P1", "VC1", "2022-03-15"),  # last listed day at VC1: paid
        visit("V2", "P1", "VC1", "2022-03-16"),  # listed at VC2 now: not paid
        visit("V3", "P1", "VC2", "2022-03-16"),  # first day at VC2: paid
        visit("V4", "P1", "VC2", "2022-03-15"),  # not yet listed at VC2
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-03", "Own"): "100.00",
        ("VC2", "2022-03", "Own"): "100.00",
    }


def test_listed_count_on_a_given_date(tmp_path):
    src = contract("""
payment "Count" {
  kind   fixed
  per    provider q each year
  amount 1 kr * listed_count(q, 2022-03-15) + 100 kr * listed_count(q, 2022-03-16)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        listing("P1", "VC1", "2022-01-01", "2022-03-15"),
        listing("P2", "VC1", "2022-03-16"),
    ]
    # on 03-15: P1 (end inclusive) = 1; on 03-16: P2 = 1 → 1 + 100
    assert settle(tmp_path, src, records).lines == {("VC1", "2022", "Count"): "101.00"}


# ---------------------------------------------------------------- numbers


def test_min_max_abs(tmp_path):
    src = contract("""
payment "Max" {
  kind   variable
  per    Visit v
  amount max(50 kr, 10 kr * size(v.diagnoses))
}
payment "Min" {
  kind   variable
  per    Visit v
  amount min(50 kr, 10 kr * size(v.diagnoses))
}
payment "Abs" {
  kind   variable
  per    Visit v
  amount abs(20 kr - 10 kr * size(v.diagnoses))
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01", diagnoses=["A1", "A2", "A3", "A4", "A5", "A6"]),
        visit("V2", "P1", "VC1", "2022-04-01", diagnoses=["A1"]),
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-03", "Max"): "60.00",  # max(50, 60)
        ("VC1", "2022-04", "Max"): "50.00",  # max(50, 10)
        ("VC1", "2022-03", "Min"): "50.00",  # min(50, 60)
        ("VC1", "2022-04", "Min"): "10.00",  # min(50, 10)
        ("VC1", "2022-03", "Abs"): "40.00",  # |20 − 60|
        ("VC1", "2022-04", "Abs"): "10.00",  # |20 − 10|
    }


def test_round_to_an_increment(tmp_path):
    src = contract("""
payment "Whole" {
  kind   fixed
  per    listed patient p at q each month
  amount round(1217 kr/year * 1 month, to: 1 kr)
}
payment "Nickel" {
  kind   fixed
  per    listed patient p at q each month
  amount round(1.024 kr, to: 0.05 kr) + round(2.025 kr, to: 0.05 kr)
}
payment "Half" {
  kind   fixed
  per    listed patient p at q each month
  amount round(2.5 kr, to: 1 kr) + round(-0.5 kr, to: 1 kr) * 10
}
""")
    records = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2020-01-01")]
    result = settle(tmp_path, src, records, period="2022-03")
    assert result.lines == {
        ("VC1", "2022-03", "Whole"): "101.00",  # 1217 / 12 = 101.4166… → 101
        # 1.024 / 0.05 = 20.48 → 20 × 0.05 = 1.00; 2.025 / 0.05 = 40.5 → half up 41 → 2.05
        ("VC1", "2022-03", "Nickel"): "3.05",
        # round uses the contract's mode (default half_up, away from zero):
        # 2.5 → 3, −0.5 → −1; 3 + (−1) × 10 = −7
        ("VC1", "2022-03", "Half"): "-7.00",
    }


def test_monthly_average_over_the_enclosing_period(tmp_path):
    src = contract("""
use stdlib "functions/listing"
payment "Yearly" {
  kind   fixed
  per    provider q each year
  amount 100 kr * monthly_average(count(listed patients p at q))
}
payment "Quarterly" {
  kind   fixed
  per    provider q each quarter
  amount 100 kr * average_listed(q)
}
""")
    records = [
        provider("VC1"),
        patient("A"),
        patient("B"),
        listing("A", "VC1", "2020-01-01"),  # listed on all 12 first days
        listing("B", "VC1", "2022-07-02"),  # first days of Aug..Dec: 5
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        # (12 + 5) / 12 = 17/12; 100 × 17/12 = 141.666… → 141.67
        ("VC1", "2022", "Yearly"): "141.67",
        ("VC1", "2022-Q1", "Quarterly"): "100.00",  # (1 + 1 + 1) / 3 = 1
        ("VC1", "2022-Q2", "Quarterly"): "100.00",
        # Jul: 1, Aug: 2, Sep: 2 → 5/3; 100 × 5/3 = 166.666… → 166.67
        ("VC1", "2022-Q3", "Quarterly"): "166.67",
        ("VC1", "2022-Q4", "Quarterly"): "200.00",  # 2, 2, 2 → 2
    }


# ---------------------------------------------------------------- aggregates and windows


WINDOWS = """
payment "Before" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 30 days before v.date)
}
payment "After" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 30 days after v.date)
}
payment "Alone" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 30 days)
}
"""


def test_within_windows_are_closed_at_exactly_n_days(tmp_path):
    records = [provider("VC1"), patient("P1"), visit("I", "P1", "VC1", "2022-03-31", kind="index")]
    # X = 2022-03-31; X − 30 = 2022-03-01; X + 30 = 2022-04-30
    for vid, day in [
        ("A", "2022-02-28"),  # X − 31: outside `before`
        ("B", "2022-03-01"),  # X − 30: inside `before`
        ("C", "2022-03-31"),  # X itself: inside both
        ("D", "2022-04-01"),  # X + 1: inside `after`
        ("E", "2022-04-30"),  # X + 30: inside `after`
        ("F", "2022-05-01"),  # X + 31: outside `after`
    ]:
        records.append(visit(vid, "P1", "VC1", day, kind="prior"))
    result = settle(tmp_path, contract(WINDOWS), records)
    assert result.lines == {
        ("VC1", "2022-03", "Before"): "2.00",  # B, C
        ("VC1", "2022-03", "After"): "3.00",  # C, D, E
        ("VC1", "2022-03", "Alone"): "2.00",  # `within 30 days` = before the context date
    }


def test_within_month_windows_clamp_to_month_end(tmp_path):
    src = contract(
        """
payment "After" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 1 month after v.date)
}
payment "Before" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 1 month before v.date)
}
payment "Year" {
  kind   variable
  per    Visit v where v.kind == "index"
  amount 1 kr * count(Visit w where w.patient == v.patient and w.kind == "prior"
                      within 1 year before v.date)
}
""",
        valid="2022-01-01 .. 2024-12-31",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        patient("P3"),
        # P1: index 2022-01-31; + 1 month = 2022-02-28 (clamped), so 01-31 .. 02-28
        visit("P1I", "P1", "VC1", "2022-01-31", kind="index"),
        visit("P1a", "P1", "VC1", "2022-02-28", kind="prior"),  # inside
        visit("P1b", "P1", "VC1", "2022-03-01", kind="prior"),  # outside
        # P2: index 2022-03-31; − 1 month = 2022-02-28 (clamped), so 02-28 .. 03-31
        visit("P2I", "P2", "VC1", "2022-03-31", kind="index"),
        visit("P2a", "P2", "VC1", "2022-02-27", kind="prior"),  # outside
        visit("P2b", "P2", "VC1", "2022-02-28", kind="prior"),  # inside
        # P3: index 2024-02-29; − 1 year = 2023-02-28 (clamped), so 2023-02-28 .. 2024-02-29
        visit("P3I", "P3", "VC1", "2024-02-29", kind="index"),
        visit("P3a", "P3", "VC1", "2023-02-27", kind="prior"),  # outside
        visit("P3b", "P3", "VC1", "2023-02-28", kind="prior"),  # inside
    ]
    result = settle(tmp_path, src, records, period="2022..2024")
    # the other windows are empty: P1 Before 2021-12-31 .. 2022-01-31, P1 Year
    # 2021-01-31 .. 2022-01-31, P2 After 03-31 .. 04-30, P3 After 2024-02-29 .. 03-29,
    # P3 Before 2024-01-29 .. 02-29
    assert result.lines == {
        ("VC1", "2022-01", "After"): "1.00",  # P1a
        ("VC1", "2022-01", "Before"): "0.00",
        ("VC1", "2022-01", "Year"): "0.00",
        ("VC1", "2022-03", "After"): "0.00",
        ("VC1", "2022-03", "Before"): "1.00",  # P2b
        ("VC1", "2022-03", "Year"): "2.00",  # P2a, P2b (2021-03-31 .. 2022-03-31)
        ("VC1", "2024-02", "After"): "0.00",
        ("VC1", "2024-02", "Before"): "0.00",
        ("VC1", "2024-02", "Year"): "1.00",  # P3b
    }


def test_aggregate_without_within_covers_the_enclosing_period(tmp_path):
    src = contract("""
payment "Repeat" {
  kind   variable
  per    Visit v
  amount 1 kr * count(Visit w where w.patient == v.patient)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01"),
        visit("V2", "P1", "VC1", "2022-03-31"),
        visit("V3", "P1", "VC1", "2022-04-01"),
    ]
    result = settle(tmp_path, src, records)
    # a visit's enclosing period is its line's month
    assert result.lines == {
        ("VC1", "2022-03", "Repeat"): "4.00",  # V1 and V2 each see 2 March visits
        ("VC1", "2022-04", "Repeat"): "1.00",  # V3 sees 1
    }


def test_sum_mean_exists(tmp_path):
    src = contract("""
payment "Sum" {
  kind   variable
  per    provider q each year
  amount sum(s.cost otherwise 0 kr for Stay s where s.provider == q)
}
payment "Mean" {
  kind   variable
  per    provider q each year
  amount 1000 kr * mean(s.drg_weight otherwise 0 for Stay s where s.provider == q)
}
payment "Exists" {
  kind   variable
  per    provider q each year
  amount if exists(Stay s where s.provider == q and s.ward == "icu") then 100 kr else 1 kr
}
""")
    records = [
        provider("H1"),
        provider("H2"),
        patient("P1"),
        stay("S1", "P1", "H1", "2022-02-01", "2022-02-03", cost="1000.10", drg_weight="1.2"),
        stay("S2", "P1", "H1", "2022-05-01", "2022-05-03", cost="2000.20", drg_weight="0.9",
             ward="icu"),
        stay("S3", "P1", "H1", "2022-12-31", "2023-01-02", cost="0.05", drg_weight="1.35"),
        # starts before the year: outside the enclosing period
        stay("S0", "P1", "H1", "2021-12-30", "2022-01-02", cost="99999", drg_weight="9"),
        stay("S4", "P1", "H2", "2022-06-01", "2022-06-02", cost="10", drg_weight="1",
             ward="icu "),
    ]  # fmt: skip
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("H1", "2022", "Sum"): "3000.35",  # 1000.10 + 2000.20 + 0.05
        ("H1", "2022", "Mean"): "1150.00",  # (1.2 + 0.9 + 1.35) / 3 = 1.15 → × 1000
        ("H1", "2022", "Exists"): "100.00",  # S2 is on the icu ward
        ("H2", "2022", "Sum"): "10.00",
        ("H2", "2022", "Mean"): "1000.00",
        ("H2", "2022", "Exists"): "1.00",  # "icu " is not "icu"
    }


def test_sum_of_no_rates_is_zero_kr_per_year(tmp_path):
    """`sum` over an empty collection is the zero of its type, so a rate sum adds to a
    rate (it used to be the number 0, and `rate + 0` stopped the run)."""
    src = contract("""
payment "Per visit in the month" {
  kind   fixed
  per    listed patient p at q each month
  amount 120 kr/year + sum(60 kr/year for Visit v where v.patient == p within 30 days)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        listing("P1", "VC1", "2022-01-01", "2022-02-28"),
        visit("V1", "P1", "VC1", "2022-01-20"),  # within 30 days before 2022-02-01
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-01", "Per visit in the month"): "10.00",  # no visit: 120 / 12
        ("VC1", "2022-02", "Per visit in the month"): "15.00",  # (120 + 60) / 12
    }


def test_count_listed_patients_with_where_on_the_context_date(tmp_path):
    src = contract("""
payment "Elderly" {
  kind   fixed
  per    provider q each month
  amount 10 kr * count(listed patients p at q where age(p) >= 65)
}
""")
    records = [
        provider("VC1"),
        patient("OLD", "1957-03-31"),  # 65 on 2022-03-31, the last day of March
        patient("MID", "1957-04-01"),  # 65 on 2022-04-01
        patient("YOUNG", "1990-01-01"),
        listing("OLD", "VC1", "2020-01-01"),
        listing("MID", "VC1", "2020-01-01"),
        listing("YOUNG", "VC1", "2020-01-01"),
    ]
    result = settle(tmp_path, src, records, period="2022-02..2022-04")
    assert result.lines == {
        ("VC1", "2022-02", "Elderly"): "0.00",  # on 02-28: nobody is 65 yet
        ("VC1", "2022-03", "Elderly"): "10.00",  # on 03-31: OLD
        ("VC1", "2022-04", "Elderly"): "20.00",  # on 04-30: OLD, MID
    }


# ---------------------------------------------------------------- month boundaries (issue 12)


def test_month_start_and_month_end(tmp_path):
    src = contract(
        """
payment "Dagar" {
  kind   variable
  per    Visit v
  amount 1 kr * days(month_end(v.date) - month_start(v.date)) + 0.01 kr * month(month_end(v.date))
}
""",
        valid="2024-01-01 .. 2024-12-31",
    )
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2024-02-14"),  # 2024-02-29 − 2024-02-01 = 28 days, + 0.02
        visit("V2", "P1", "VC1", "2024-12-31"),  # 2024-12-31 − 2024-12-01 = 30 days, + 0.12
    ]
    assert settle(tmp_path, src, records, period="2024").lines == {
        ("VC1", "2024-02", "Dagar"): "28.02",
        ("VC1", "2024-12", "Dagar"): "30.12",
    }


MONTH_ENDS = """
function under_gränsen(q: Provider): bool =
  not exists(MonthEnd d where listed_count(q, d) >= 2
             within 11 months before month_start(today) - 1 day)

payment "Höjning" {
  kind   variable
  per    Visit v where under_gränsen(v.provider)
  amount 100 kr
}

payment "Månader" {
  kind   fixed
  per    provider q each year
  amount 1 kr * count(MonthEnd d where listed_count(q, d) >= 1)
         + 1000 kr * sum(1 for MonthStart d)
         + 0.01 kr * sum(listed_count(q, d) for MonthEnd d within 2 months before 2021-12-31)
}
"""


def test_counting_at_month_ends_over_earlier_months(tmp_path):
    records = [
        provider("VC1"),
        patient("P1"),
        patient("P2"),
        listing("P1", "VC1", "2021-03-01"),
        listing("P2", "VC1", "2021-05-10"),  # two listed from 2021-05-10
        visit("V1", "P1", "VC1", "2021-05-31"),  # month ends to 2021-04-30: 1 listed at most
        visit("V2", "P1", "VC1", "2021-06-01"),  # 2021-05-31 had 2 listed: no longer raised
    ]
    result = settle(
        tmp_path, contract(MONTH_ENDS, valid="2021-01-01 .. 2021-12-31"), records, period="2021"
    )
    # Månader: month ends of 2021 with someone listed, March–December: 10 × 1 kr;
    # 12 first days of months in 2021: 12 × 1000 kr; the month ends within
    # 2021-10-31 .. 2021-12-31 (Oct 31, Nov 30, Dec 31) have 2 listed each: 6 × 0.01 kr
    # 10 + 12 000 + 0.06 = 12 010.06
    assert result.lines == {
        ("VC1", "2021-05", "Höjning"): "100.00",
        ("VC1", "2021", "Månader"): "12010.06",
    }
