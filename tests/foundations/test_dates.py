"""Tests for ersl.dates.  Every expected value is worked out by hand in a comment."""

from __future__ import annotations

from datetime import date
from datetime import date as D
from fractions import Fraction as F
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ersl.dates import (
    PERIOD_UNITS,
    Period,
    add_days,
    add_months,
    add_years,
    age,
    age_in_year,
    clip,
    days_in,
    days_in_month,
    month_start_dates,
    months_in,
    parse_date,
    parse_period,
    period_containing,
    periods_in,
    years_in,
)

# ---------------------------------------------------------------------------
# parse_date


def test_parse_date_valid() -> None:
    assert parse_date("2022-03-01") == D(2022, 3, 1)
    assert parse_date("2024-02-29") == D(2024, 2, 29)  # 2024 is a leap year


@pytest.mark.parametrize(
    "text",
    [
        "2022-3-1",
        "22-03-01",
        "2022/03/01",
        "2022-03-01T00:00",
        " 2022-03-01",
        "20220301",
        "",
        "2022-13-01",
        "2022-00-10",
        "0000-01-01",
        "2022-03-00",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date like 2022-03-01"):
        parse_date(text)


def test_parse_date_impossible_day_says_why() -> None:
    # 2022 is not a leap year: February has 28 days.
    with pytest.raises(ValueError, match="2022-02 has 28 days"):
        parse_date("2022-02-29")
    # April has 30 days.
    with pytest.raises(ValueError, match="2022-04 has 30 days"):
        parse_date("2022-04-31")


# ---------------------------------------------------------------------------
# Month and year arithmetic


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2022, 1, 31), 1, D(2022, 2, 28)),  # February 2022 has 28 days: clamp
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year: 29 days
        (D(2022, 1, 31), 2, D(2022, 3, 31)),  # March has 31: no clamp
        (D(2022, 3, 31), -1, D(2022, 2, 28)),  # backwards clamps too
        (D(2022, 5, 31), 1, D(2022, 6, 30)),  # June has 30
        (D(2022, 12, 15), 1, D(2023, 1, 15)),  # across the year end
        (D(2022, 1, 15), -1, D(2021, 12, 15)),  # backwards across the year start
        (D(2022, 1, 15), -13, D(2020, 12, 15)),  # 13 months back = 1 year + 1 month
        (D(2022, 1, 15), 0, D(2022, 1, 15)),
        (D(2022, 8, 31), 18, D(2024, 2, 29)),  # Aug 2022 + 18 months = Feb 2024 (leap)
    ],
)
def test_add_months(d: date, n: int, expected: date) -> None:
    assert add_months(d, n) == expected


def test_add_years() -> None:
    assert add_years(D(2020, 2, 29), 1) == D(2021, 2, 28)  # 2021 has no 29 February
    assert add_years(D(2020, 2, 29), 4) == D(2024, 2, 29)  # 2024 does
    assert add_years(D(2020, 2, 29), -1) == D(2019, 2, 28)
    assert add_years(D(2022, 6, 1), -2) == D(2020, 6, 1)
    assert add_years(D(2022, 6, 1), 5) == D(2027, 6, 1)


def test_add_days() -> None:
    assert add_days(D(2022, 2, 28), 1) == D(2022, 3, 1)
    assert add_days(D(2024, 2, 28), 1) == D(2024, 2, 29)
    assert add_days(D(2022, 1, 1), -1) == D(2021, 12, 31)
    # 90 days before 2022-03-31: March has 31 -> 2022-02-28 is 31 days back; February 28
    # more -> 2022-01-31 is 59 back; January 31 more -> 2021-12-31 is 90 back.
    assert add_days(D(2022, 3, 31), -90) == D(2021, 12, 31)


def test_days_in_month() -> None:
    assert days_in_month(2022, 2) == 28
    assert days_in_month(2024, 2) == 29
    assert days_in_month(1900, 2) == 28  # divisible by 100, not by 400
    assert days_in_month(2000, 2) == 29  # divisible by 400
    assert days_in_month(2022, 4) == 30
    assert days_in_month(2022, 12) == 31


# ---------------------------------------------------------------------------
# Ages


def test_age_ordinary_birthday() -> None:
    born = D(1980, 6, 15)
    assert age(born, D(2022, 6, 14)) == 41  # 2022 - 1980 = 42, birthday not yet reached
    assert age(born, D(2022, 6, 15)) == 42  # birthday reached
    assert age(born, D(2022, 12, 31)) == 42
    assert age(born, D(1980, 6, 15)) == 0  # the day of birth
    assert age(born, D(1981, 6, 14)) == 0


def test_age_29_february_birthday() -> None:
    born = D(2000, 2, 29)
    # 2021 is a common year: the birthday falls on 1 March.
    assert age(born, D(2021, 2, 28)) == 20  # 2021 - 2000 = 21, not yet reached
    assert age(born, D(2021, 3, 1)) == 21
    # 2024 is a leap year: the birthday is 29 February itself.
    assert age(born, D(2024, 2, 28)) == 23  # 24 - 1
    assert age(born, D(2024, 2, 29)) == 24
    # 2100 is not a leap year (divisible by 100, not 400).
    assert age(born, D(2100, 2, 28)) == 99  # 100 - 1
    assert age(born, D(2100, 3, 1)) == 100


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age(D(2000, 1, 2), D(2000, 1, 1))


def test_age_in_year() -> None:
    # Counts the year only: 2022 - 1980 = 42 both before and after the birthday.
    assert age_in_year(D(1980, 12, 31), D(2022, 1, 1)) == 42
    assert age_in_year(D(1980, 12, 31), D(2022, 12, 31)) == 42
    assert age_in_year(D(2000, 2, 29), D(2021, 1, 1)) == 21


# ---------------------------------------------------------------------------
# Periods


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31), "2022"),
        ("2022-03", D(2022, 3, 1), D(2022, 3, 31), "2022-03"),
        ("2022-02", D(2022, 2, 1), D(2022, 2, 28), "2022-02"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02"),  # leap year
        ("2022-Q1", D(2022, 1, 1), D(2022, 3, 31), "2022-Q1"),
        ("2022-Q2", D(2022, 4, 1), D(2022, 6, 30), "2022-Q2"),
        ("2022-q4", D(2022, 10, 1), D(2022, 12, 31), "2022-Q4"),  # normalised to Q
        ("2022-01..2022-06", D(2022, 1, 1), D(2022, 6, 30), "2022-01..2022-06"),
        ("2021..2022", D(2021, 1, 1), D(2022, 12, 31), "2021..2022"),
        (" 2021 .. 2022 ", D(2021, 1, 1), D(2022, 12, 31), "2021..2022"),  # spaces dropped
        ("2022-Q1..2022-05", D(2022, 1, 1), D(2022, 5, 31), "2022-Q1..2022-05"),
        ("2022-03..2022-03", D(2022, 3, 1), D(2022, 3, 31), "2022-03..2022-03"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label: str) -> None:
    assert parse_period(text) == Period(start, end, label)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "22",
        "2022-3",
        "2022-13",
        "2022-00",
        "2022-Q0",
        "2022-Q5",
        "2022-H1",
        "2022..",
        "..2022",
        "2021..2022..2023",
        "2022-03-01",
        "0000",
        "2022 03",
    ],
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="expected a period like 2022"):
        parse_period(text)


def test_parse_period_end_before_start() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_period("2022-06..2022-01")
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_period("2022..2021")


def test_period_rejects_reversed_dates() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(D(2022, 2, 1), D(2022, 1, 31), "bad")


def test_period_contains_covers_overlaps() -> None:
    q1 = parse_period("2022-Q1")
    assert D(2022, 1, 1) in q1 and D(2022, 3, 31) in q1  # both ends included
    assert D(2022, 4, 1) not in q1
    assert q1.covers(parse_period("2022-02"))
    assert not q1.covers(parse_period("2022-03..2022-04"))
    assert q1.overlaps(parse_period("2022-03..2022-04"))
    assert not q1.overlaps(parse_period("2022-04"))


def test_period_containing() -> None:
    d = D(2022, 8, 17)
    assert period_containing(d, "month") == Period(D(2022, 8, 1), D(2022, 8, 31), "2022-08")
    # August is month 8: quarter (8 - 1) // 3 + 1 = 3, July to September.
    assert period_containing(d, "quarter") == Period(D(2022, 7, 1), D(2022, 9, 30), "2022-Q3")
    assert period_containing(d, "year") == Period(D(2022, 1, 1), D(2022, 12, 31), "2022")
    with pytest.raises(ValueError, match="unknown period unit"):
        period_containing(d, "week")


def test_periods_in() -> None:
    # 2022-01-15 .. 2022-03-01 touches January, February and March (on its first day).
    months = periods_in(D(2022, 1, 15), D(2022, 3, 1), "month")
    assert [p.label for p in months] == ["2022-01", "2022-02", "2022-03"]
    assert months[0] == Period(D(2022, 1, 1), D(2022, 1, 31), "2022-01")  # whole, not clipped
    # 2021-12-31 .. 2022-04-01 touches 2021-Q4, 2022-Q1, 2022-Q2.
    quarters = periods_in(D(2021, 12, 31), D(2022, 4, 1), "quarter")
    assert [p.label for p in quarters] == ["2021-Q4", "2022-Q1", "2022-Q2"]
    years = periods_in(D(2021, 12, 31), D(2023, 1, 1), "year")
    assert [p.label for p in years] == ["2021", "2022", "2023"]
    assert periods_in(D(2022, 2, 1), D(2022, 1, 31), "month") == []  # end before start


def test_month_start_dates() -> None:
    # First days within [2022-01-15, 2022-04-01]: Feb 1, Mar 1, Apr 1 (end included).
    assert month_start_dates(D(2022, 1, 15), D(2022, 4, 1)) == [
        D(2022, 2, 1),
        D(2022, 3, 1),
        D(2022, 4, 1),
    ]
    # Start on a first day: included.
    assert month_start_dates(D(2022, 11, 1), D(2023, 1, 31)) == [
        D(2022, 11, 1),
        D(2022, 12, 1),
        D(2023, 1, 1),
    ]
    assert month_start_dates(D(2022, 1, 2), D(2022, 1, 31)) == []  # no first day inside
    assert len(month_start_dates(D(2022, 1, 1), D(2022, 12, 31))) == 12


def test_clip() -> None:
    year = parse_period("2022")
    # valid 2022-02-01 .. 2022-12-31 cuts January off; the label stays "2022".
    assert clip(year, D(2022, 2, 1), D(2022, 12, 31)) == Period(
        D(2022, 2, 1), D(2022, 12, 31), "2022"
    )
    assert clip(year, None, D(2022, 6, 30)) == Period(D(2022, 1, 1), D(2022, 6, 30), "2022")
    assert clip(year, D(2021, 1, 1), D(2030, 1, 1)) == year  # wider bounds: unchanged
    assert clip(year) == year
    assert clip(year, D(2023, 1, 1), None) is None  # no overlap
    assert clip(year, D(2022, 12, 31), None) == Period(D(2022, 12, 31), D(2022, 12, 31), "2022")


def test_days_in() -> None:
    assert days_in(parse_period("2022")) == 365
    assert days_in(parse_period("2024")) == 366
    assert days_in(parse_period("2022-02")) == 28
    assert days_in(parse_period("2022-Q1")) == 90  # 31 + 28 + 31
    assert days_in(Period(D(2022, 1, 15), D(2022, 1, 15), "x")) == 1


def test_months_in() -> None:
    assert months_in(parse_period("2022")) == 12
    assert months_in(parse_period("2022-02")) == 1  # a short month is still one month
    assert months_in(parse_period("2022-Q3")) == 3
    assert months_in(parse_period("2021..2022")) == 24
    # 2022-01-15 .. 2022-02-28: January 15..31 is 17 of 31 days, February whole:
    # 17/31 + 1 = 48/31.
    assert months_in(Period(D(2022, 1, 15), D(2022, 2, 28), "x")) == F(48, 31)
    # 2022-01-20 .. 2022-03-10: 12/31 + 1 + 10/31 = (12 + 31 + 10)/31 = 53/31.
    assert months_in(Period(D(2022, 1, 20), D(2022, 3, 10), "x")) == F(53, 31)
    # One day in February 2024 (29 days): 1/29.
    assert months_in(Period(D(2024, 2, 10), D(2024, 2, 10), "x")) == F(1, 29)


def test_years_in() -> None:
    assert years_in(parse_period("2022")) == 1
    assert years_in(parse_period("2022-Q2")) == F(1, 4)  # 3 / 12
    assert years_in(parse_period("2022-03")) == F(1, 12)
    # valid from 2022-02-01 clips 2022 to 11 whole months: 11/12.
    assert years_in(clip(parse_period("2022"), D(2022, 2, 1))) == F(11, 12)


# ---------------------------------------------------------------------------
# Properties

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))
month_counts = st.integers(min_value=-600, max_value=600)
units = st.sampled_from(PERIOD_UNITS)


@given(dates, month_counts)
def test_prop_add_months_back_and_forth(d, n) -> None:
    # Going n months and back lands in d's month on a day <= d.day (clamping can only
    # lower the day), and exactly on d when d.day <= 28 (no month is shorter).
    back = add_months(add_months(d, n), -n)
    assert (back.year, back.month) == (d.year, d.month)
    assert back <= d
    if d.day <= 28:
        assert back == d


@given(dates, month_counts)
def test_prop_add_months_moves_n_months(d, n) -> None:
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day == min(d.day, days_in_month(r.year, r.month))


@given(dates, dates, month_counts)
def test_prop_add_months_is_monotonic(a, b, n) -> None:
    lo, hi = min(a, b), max(a, b)
    assert add_months(lo, n) <= add_months(hi, n)


@given(dates, st.integers(min_value=-100, max_value=100))
def test_prop_add_years_is_twelve_months(d, n) -> None:
    assert add_years(d, n) == add_months(d, 12 * n)


@given(dates, st.integers(min_value=0, max_value=120))
def test_prop_age_on_birthdays(birth, n) -> None:
    assume(not (birth.month == 2 and birth.day == 29))
    birthday = add_years(birth, n)  # no clamping happens for non-29-February births
    assume(birthday <= D(2100, 12, 31))
    assert age(birth, birthday) == n
    if n > 0:
        assert age(birth, add_days(birthday, -1)) == n - 1


@given(dates, dates)
def test_prop_age_bounds(birth, on) -> None:
    assume(birth <= on)
    a = age(birth, on)
    assert a in (age_in_year(birth, on), age_in_year(birth, on) - 1)
    assert a >= 0


@given(dates, units)
def test_prop_period_containing_round_trip(d, unit) -> None:
    p = period_containing(d, unit)
    assert d in p
    assert parse_period(p.label) == p
    assert months_in(p) == {"month": 1, "quarter": 3, "year": 12}[unit]


@given(dates, dates, units)
def test_prop_periods_in_tile_the_range(a, b, unit) -> None:
    start, end = min(a, b), max(a, b)
    periods = periods_in(start, end, unit)
    assert periods[0].start <= start <= periods[0].end
    assert periods[-1].start <= end <= periods[-1].end
    for before, after in pairwise(periods):
        assert add_days(before.end, 1) == after.start  # contiguous, no gaps or overlaps


@given(dates, dates)
def test_prop_months_in_adds_up(a, b) -> None:
    start, end = min(a, b), max(a, b)
    whole = Period(start, end, "x")
    # Splitting a period at any day splits its months exactly.
    mid = add_days(start, (end - start).days // 2)
    left = Period(start, mid, "l")
    if mid < end:
        right = Period(add_days(mid, 1), end, "r")
        assert months_in(whole) == months_in(left) + months_in(right)
    # A period has at least one month start for every whole month it covers.
    assert len(month_start_dates(start, end)) >= int(months_in(whole)) - 1


@given(dates)
def test_prop_parse_date_round_trip(d) -> None:
    assert parse_date(d.isoformat()) == d
