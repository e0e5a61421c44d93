"""SPEC §3.6 caps and §3.7 indicators and performance (normative), with every
expected amount computed by hand from the rule (arithmetic in the comments).

Issue 12 changes §3.7 on purpose: a reported indicator without a value scores 0 and
keeps its weight unless the performance says `unreported excluded`, and `value`,
`rank` and `region_mean` are none where there is no result."""

from __future__ import annotations

import pytest
from interp_settle import (
    listing,
    observation,
    patient,
    procedure,
    provider,
    result,
    settle,
    visit,
)

from ersl.errors import ErslError

# ====================================================================== caps

VISITS = """
payment "Besök" {
  kind   variable
  per    Visit v
  amount 100 kr
  weight 1.5 when v.mode == home
}
"""


def cap(above: str, limit: str = "2", each: str = "each year", applies_where: str = "") -> str:
    where = applies_where or "v.profession == doctor"
    return f"""
cap "Tak" for provider q {each} {{
  applies to "Besök" v where {where}
  measure    count(Visit v where v.provider == q)
  limit      {limit}
  above      {above}
}}
"""


def cap_data() -> list[dict]:
    """A: doctor 100 kr, doctor at home 150 kr (weight 1.5), nurse 100 kr -> Q = 3 visits,
    A (capped units: doctors only) = 100 + 150 = 250 kr. B: one doctor visit, Q = 1."""
    return [
        provider("A"),
        provider("B"),
        patient("P1"),
        patient("P2"),
        visit("V1", "P1", "A", "2022-01-10"),
        visit("V2", "P2", "A", "2022-02-10", mode="home"),
        visit("V3", "P1", "A", "2022-03-10", profession="nurse"),
        visit("W1", "P2", "B", "2022-01-15"),
    ]


@pytest.mark.parametrize(
    ("above", "expected"),
    [
        # reduce R × A × (Q − L)/Q = 0.33 × 250 × (3 − 2)/3 = 82.5/3 = 27.50
        ("reduce 33 % of excess", "-27.50"),
        # reduce R × A = 0.10 × 250 = 25.00
        ("reduce 10 % of all", "-25.00"),
        # (1 − P) × A × (Q − L)/Q = 0.60 × 250 × 1/3 = 150/3 = 50.00
        ("pay 40 % of excess", "-50.00"),
    ],
)
def test_cap_three_forms(tmp_path, above, expected):
    s = settle(tmp_path, VISITS + cap(above), cap_data())
    key = ("A", "2022", "Tak")
    assert s.amounts[key] == expected
    assert s.kinds[key] == "variable"  # the capped payment's kind
    assert s.units[key] == 1
    # B: Q = 1 ≤ L = 2: no line; the payments themselves are untouched
    assert s.of(name="Tak") == {key: expected}
    assert s.amounts[("A", "2022-01", "Besök")] == "100.00"
    assert s.amounts[("A", "2022-02", "Besök")] == "150.00"  # 100 × 1.5
    assert s.amounts[("A", "2022-03", "Besök")] == "100.00"
    assert s.amounts[("B", "2022-01", "Besök")] == "100.00"


def test_cap_where_excludes_units_and_counts_weights(tmp_path):
    # where v.mode == home: A's capped units are only V2 = 100 × 1.5 = 150 (weight applied)
    # Q = 3 visits at A > 2: 0.33 × 150 × (3 − 2)/3 = 49.5/3 = 16.50
    body = VISITS + cap("reduce 33 % of excess", applies_where="v.mode == home")
    s = settle(tmp_path, body, cap_data())
    assert s.amounts[("A", "2022", "Tak")] == "-16.50"


def test_cap_at_exactly_the_limit_gives_no_line(tmp_path):
    # Q = 3 visits = L = 3: Q ≤ L, no line
    s = settle(tmp_path, VISITS + cap("reduce 33 % of excess", limit="3"), cap_data())
    assert s.of(name="Tak") == {}
    assert s.amounts[("A", "2022-01", "Besök")] == "100.00"


def test_cap_just_above_the_limit(tmp_path):
    # Q = 3 > L = 2.99: 0.33 × 250 × (3 − 2.99)/3 = 0.825/3 = 0.275 -> half up (away from 0)
    s = settle(tmp_path, VISITS + cap("reduce 33 % of excess", limit="2.99"), cap_data())
    assert s.amounts[("A", "2022", "Tak")] == "-0.28"


def test_cap_measure_dividing_by_zero_gives_no_line(tmp_path):
    body = (
        VISITS
        + """
use stdlib "functions/listing"
cap "Tak" for provider q each year {
  applies to "Besök" v where v.profession == doctor
  measure    count(Visit v where v.provider == q) / average_listed(q)
  limit      1
  above      reduce 33 % of excess
}
"""
    )
    data = cap_data() + [
        listing("P1", "A", "2021-01-01"),
        listing("P2", "A", "2021-06-01"),
    ]
    s = settle(tmp_path, body, data)
    # A: 2 listed on the first of every month -> average_listed = 2, Q = 3/2 = 1.5 > 1:
    #    0.33 × 250 × (1.5 − 1)/1.5 = 0.33 × 250/3 = 27.50
    # B: nobody listed -> average_listed = 0 -> 1/0: no line, no error
    assert s.of(name="Tak") == {("A", "2022", "Tak"): "-27.50"}
    assert s.amounts[("B", "2022-01", "Besök")] == "100.00"


def test_cap_measure_zero_over_zero_gives_no_line(tmp_path):
    body = (
        VISITS
        + """
cap "Tak" for provider q each year {
  applies to "Besök" v
  measure    count(Visit v where v.provider == q) / count(Visit v where v.provider == q and v.mode == video)
  limit      1
  above      reduce 100 % of all
}
"""
    )
    s = settle(tmp_path, body, cap_data())
    assert s.of(name="Tak") == {}  # no video visits anywhere: every measure divides by zero


def test_cap_kind_is_the_capped_payments_kind(tmp_path):
    body = VISITS.replace("kind   variable", "kind   fixed") + cap("reduce 10 % of all")
    s = settle(tmp_path, body, cap_data())
    assert s.kinds[("A", "2022", "Tak")] == "fixed"
    assert s.amounts[("A", "2022", "Tak")] == "-25.00"  # 0.10 × 250


def test_cap_over_two_payments_sums_their_units(tmp_path):
    body = """
payment "Läkare" {
  kind   variable
  per    Visit v where v.profession == doctor
  amount 100 kr
}
payment "Sköterska" {
  kind   variable
  per    Visit x where x.profession == nurse
  amount 40 kr
}
cap "Tak" for provider q each year {
  applies to "Läkare", "Sköterska" v where v.mode == physical
  measure    count(Visit v where v.provider == q)
  limit      2
  above      reduce 10 % of all
}
"""
    # A: V1 doctor physical 100, V2 doctor home (excluded by where), V3 nurse physical 40
    # A = 100 + 40 = 140; Q = 3 > 2: 0.10 × 140 = 14.00
    s = settle(tmp_path, body, cap_data())
    assert s.of(name="Tak") == {("A", "2022", "Tak"): "-14.00"}


def quarter_data() -> list[dict]:
    return cap_data() + [
        visit("V4", "P1", "A", "2022-04-01"),
        visit("V5", "P1", "A", "2022-05-05"),
        visit("V6", "P2", "A", "2022-06-30", mode="home"),
        visit("V7", "P2", "A", "2022-07-01"),
    ]


def test_quarterly_cap_labels_and_period(tmp_path):
    s = settle(tmp_path, VISITS + cap("reduce 33 % of excess", each="each quarter"), quarter_data())
    # Q1 (01-01..03-31): V1, V2, V3 -> Q = 3, A = 100 + 150 = 250: 0.33 × 250 × 1/3 = 27.50
    # Q2 (04-01..06-30): V4, V5, V6 -> Q = 3, A = 100 + 100 + 150 = 350: 0.33 × 350 × 1/3 = 38.50
    # Q3: V7 only -> Q = 1 ≤ 2: no line
    assert s.of(name="Tak") == {
        ("A", "2022-Q1", "Tak"): "-27.50",
        ("A", "2022-Q2", "Tak"): "-38.50",
    }


def test_cap_period_defaults_to_reconcile(tmp_path):
    header = """contract "Test" {
  valid 2022-01-01 .. 2022-12-31
  reconcile quarterly
}
use stdlib "schema/sweden"
"""
    s = settle(
        tmp_path, VISITS + cap("reduce 33 % of excess", each=""), quarter_data(), header=header
    )
    # as in the quarterly test: the header's `reconcile quarterly` is the cap period
    assert s.of(name="Tak") == {
        ("A", "2022-Q1", "Tak"): "-27.50",
        ("A", "2022-Q2", "Tak"): "-38.50",
    }


def test_quarterly_cap_needs_the_whole_quarter_in_the_run(tmp_path):
    body = VISITS + cap("reduce 33 % of excess", each="each quarter")
    s = settle(tmp_path, body, quarter_data(), period="2022-01..2022-02")
    assert s.of(name="Tak") == {}  # Q1 is not wholly inside the run (§6.1)
    s = settle(tmp_path, body, quarter_data(), period="2022-Q2")
    assert s.of(name="Tak") == {("A", "2022-Q2", "Tak"): "-38.50"}  # as above


def test_dated_limit_is_read_on_the_periods_last_day(tmp_path):
    body = VISITS + (
        """
param lim: decimal = dated {
  from 2022-01-01 -> 1
  from 2022-12-31 -> 2
}
"""
        + cap("reduce 33 % of excess", limit="lim")
    )
    # read on 2022-12-31: L = 2 -> 0.33 × 250 × (3 − 2)/3 = 27.50
    # (on 2022-01-01 it would be L = 1 -> 0.33 × 250 × 2/3 = 55.00)
    s = settle(tmp_path, body, cap_data())
    assert s.amounts[("A", "2022", "Tak")] == "-27.50"


def test_dated_limit_starting_on_the_last_day_is_enough(tmp_path):
    body = VISITS + (
        """
param lim: decimal = dated {
  from 2022-03-31 -> 2
}
"""
        + cap("reduce 33 % of excess", limit="lim", each="each quarter")
    )
    # Q1 read on 2022-03-31 (its first entry): 27.50 as above; Q2 read on 06-30: 38.50
    s = settle(tmp_path, body, quarter_data(), period="2022-01..2022-06")
    assert s.of(name="Tak") == {
        ("A", "2022-Q1", "Tak"): "-27.50",
        ("A", "2022-Q2", "Tak"): "-38.50",
    }


def test_cap_on_listed_patient_units_uses_each_units_context_date(tmp_path):
    body = """
payment "Kapitering" {
  kind   fixed
  per    listed patient p at q each month
  amount 120 kr/year
}
cap "Tak" for provider q each quarter {
  applies to "Kapitering" p where age(p) >= 65
  measure    count(listed patients p at q)
  limit      1
  above      reduce 50 % of all
}
"""
    data = [
        provider("A"),
        patient("P1", "1957-02-15"),  # 65 on 2022-02-15
        patient("P2", "1992-01-01"),
        listing("P1", "A", "2020-01-01"),
        listing("P2", "A", "2020-01-01"),
    ]
    s = settle(tmp_path, body, data)
    # each unit is 120 kr/year × 1 month = 10 kr; Q = 2 listed > 1 every quarter
    # Q1: P1 is 64 on 01-01 and 02-01, 65 on 03-01 -> A = 10: 0.5 × 10 = 5.00
    # Q2..Q4: P1's three months -> A = 30: 0.5 × 30 = 15.00 (P2 never matches where)
    assert s.of(name="Tak") == {
        ("A", "2022-Q1", "Tak"): "-5.00",
        ("A", "2022-Q2", "Tak"): "-15.00",
        ("A", "2022-Q3", "Tak"): "-15.00",
        ("A", "2022-Q4", "Tak"): "-15.00",
    }
    assert s.kinds[("A", "2022-Q1", "Tak")] == "fixed"


def test_two_caps_apply_independently(tmp_path):
    body = (
        VISITS
        + cap("reduce 33 % of excess")
        + """
cap "Hembesökstak" for provider q each year {
  applies to "Besök" v where v.mode == home
  measure    count(Visit v where v.provider == q and v.mode == home)
  limit      0
  above      reduce 10 % of all
}
"""
    )
    s = settle(tmp_path, body, cap_data())
    # "Tak" as alone: 0.33 × 250 × 1/3 = 27.50 (A not reduced by the other cap)
    # "Hembesökstak": A = 150 (V2), Q = 1 > 0: 0.10 × 150 = 15.00
    assert s.of(payee="A", name="Tak") == {("A", "2022", "Tak"): "-27.50"}
    assert s.of(name="Hembesökstak") == {("A", "2022", "Hembesökstak"): "-15.00"}


def test_cap_excludes_units_covered_by_a_bundle(tmp_path):
    body = (
        VISITS
        + cap("reduce 33 % of excess")
        + """
codeset joints: kva { "NFB*" }
bundle "Paket" {
  trigger  Procedure op where op.code in joints
  price    1000 kr
  includes {
    Visit x where x.profession == doctor within 30 days after
  }
}
"""
    )
    data = cap_data() + [
        patient("P3"),
        procedure("OP1", "P1", "A", "2022-01-05", "NFB49"),
        # P1's visits within 2022-01-05 .. 2022-02-04: V1 (A, the bundle provider: not paid)
        # and W0 (by B: paid to B and charged to A)
        visit("W0", "P1", "B", "2022-01-20"),
        visit("W2", "P3", "B", "2022-02-01"),
    ]
    s = settle(tmp_path, body, data)
    # A: Q = 3 visits (V1, V2, V3: the measure counts every visit); A = 150 (V2; V1 covered,
    #    V3 a nurse): 0.33 × 150 × (3 − 2)/3 = 16.50
    # B: Q = 3 (W1, W0, W2); A = 100 (W1) + 100 (W2) = 200, W0 covered:
    #    0.33 × 200 × 1/3 = 22.00
    assert s.of(name="Tak") == {
        ("A", "2022", "Tak"): "-16.50",
        ("B", "2022", "Tak"): "-22.00",
    }
    assert ("A", "2022-01", "Besök") not in s.amounts  # V1 is covered, by the bundle provider
    assert s.amounts[("B", "2022-01", "Besök")] == "200.00"  # W1 + W0
    assert s.amounts[("A", "2022-01", "Paket")] == "1000.00"
    assert s.amounts[("A", "2022-01", "Paket: charge")] == "-100.00"  # W0


# ====================================================================== performance

INDICATORS = """
indicator "Blodtryck" for provider q {
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p and o.kind == "bp")
}

indicator "Fysiska besök" for provider q {
  population Visit v where v.provider == q
  numerator  v.mode == physical
}

indicator "Nöjda" reported
"""


def listed(provider_id: str, n: int, start: str = "2021-01-01", end: str | None = None):
    """n patients P<provider><i> listed at a provider."""
    out = []
    for i in range(1, n + 1):
        pid = f"P{provider_id}{i}"
        out += [patient(pid), listing(pid, provider_id, start, end)]
    return out


def bp(provider_id: str, numbers, date: str = "2022-06-01", recorded_at: str | None = None):
    """Blood-pressure observations for patients P<provider><i>."""
    return [observation(f"P{provider_id}{i}", date, "bp", recorded_at) for i in numbers]


def visits(provider_id: str, modes: list[str], date: str = "2022-05-01", prefix: str = "V"):
    patient_id = f"P{provider_id}1"
    return [
        visit(f"{prefix}{provider_id}{i}", patient_id, provider_id, date, mode=mode)
        for i, mode in enumerate(modes)
    ]


def perf_data() -> list[dict]:
    """A: 4 listed, 3 with blood pressure (75 %; one recorded at B: facts count wherever
    recorded); visits in 2022 4 physical of 5 (80 %; the 2021 and 2023 visits are outside
    the period); reported "Nöjda" 0.9 for 2022."""
    return (
        [provider("A"), provider("B")]
        + listed("A", 4)
        + bp("A", [1, 2])
        + bp("A", [3], recorded_at="B")
        + visits("A", ["physical", "physical", "physical", "video"], date="2022-05-01")
        + [
            visit("VA9", "PA2", "A", "2022-12-31"),
            visit("VA-old", "PA1", "A", "2021-12-31", mode="video"),
            visit("VA-new", "PA1", "A", "2023-01-01", mode="video"),
            result("A", "Nöjda", "2022", "0.9"),
        ]
    )


PERF = """
performance "Kvalitet" for provider q each year {
  %s      1000 kr
  indicators {
    "Blodtryck"     linear 50 %% to 100 %%  weight 2
    "Fysiska besök" above 60 %%             weight 1
    "Nöjda"         if reported            weight 1
  }
}
"""


def test_bonus_is_pot_times_weighted_attainment(tmp_path):
    s = settle(tmp_path, INDICATORS + PERF % "bonus", perf_data())
    # Blodtryck: 3/4 = 75 % -> (75 − 50)/(100 − 50) = 0.5, weight 2
    # Fysiska besök: 4/5 = 80 % > 60 % -> 1, weight 1
    # Nöjda: reported -> 1, weight 1
    # 1000 × (2 × 0.5 + 1 + 1)/(2 + 1 + 1) = 1000 × 3/4 = 750.00
    # B: no listed patients, no visits (not applicable); "if reported" applies: no value -> 0,
    #    1000 × (1 × 0)/1 = 0.00
    assert s.amounts[("A", "2022", "Kvalitet")] == "750.00"
    assert s.kinds[("A", "2022", "Kvalitet")] == "performance"
    assert s.units[("A", "2022", "Kvalitet")] == 1
    assert s.amounts[("B", "2022", "Kvalitet")] == "0.00"


def test_penalty_is_minus_pot_times_shortfall(tmp_path):
    s = settle(tmp_path, INDICATORS + PERF % "penalty", perf_data())
    # −1000 × (1 − 3/4) = −250.00;  B: −1000 × (1 − 0) = −1000.00
    assert s.amounts[("A", "2022", "Kvalitet")] == "-250.00"
    assert s.kinds[("A", "2022", "Kvalitet")] == "performance"
    assert s.amounts[("B", "2022", "Kvalitet")] == "-1000.00"


def one_indicator(scoring: str, name: str = "Blodtryck", pot: str = "bonus 100 kr") -> str:
    return f"""
performance "Kvalitet" for provider q each year {{
  {pot}
  indicators {{ "{name}" {scoring} }}
}}
"""


@pytest.mark.parametrize(
    ("listed_n", "with_bp", "expected"),
    [
        (4, 1, "0.00"),  # 25 % below min 50 %: 0
        (4, 2, "0.00"),  # 50 % at min: 0
        (5, 3, "40.00"),  # 60 %: (60 − 50)/(75 − 50) = 0.4 -> 100 × 0.4
        (4, 3, "100.00"),  # 75 % at target: 1
        (4, 4, "100.00"),  # 100 % above target: 1
        (3, 2, "66.67"),  # 2/3: (2/3 − 1/2)/(3/4 − 1/2) = (1/6)/(1/4) = 2/3 -> 66.666… -> 66.67
    ],
)
def test_linear_scoring(tmp_path, listed_n, with_bp, expected):
    data = [provider("A")] + listed("A", listed_n) + bp("A", range(1, with_bp + 1))
    s = settle(tmp_path, INDICATORS + one_indicator("linear 50 % to 75 %"), data)
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): expected}


@pytest.mark.parametrize(
    ("listed_n", "with_bp", "expected"),
    [
        (5, 3, "0.00"),  # exactly 60 %: not strictly above -> 0
        (3, 2, "100.00"),  # 66.67 % > 60 % -> 1
        (5, 2, "0.00"),  # 40 % -> 0
    ],
)
def test_above_is_strictly_above(tmp_path, listed_n, with_bp, expected):
    data = [provider("A")] + listed("A", listed_n) + bp("A", range(1, with_bp + 1))
    s = settle(tmp_path, INDICATORS + one_indicator("above 60 %"), data)
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): expected}


@pytest.mark.parametrize(
    ("listed_n", "with_bp", "expected"),
    [
        (5, 3, "100.00"),  # exactly 60 %: at least 60 % -> 1 (where `above` gives 0)
        (3, 2, "100.00"),  # 66.67 % -> 1
        (5, 2, "0.00"),  # 40 % -> 0
    ],
)
def test_at_least_includes_its_level(tmp_path, listed_n, with_bp, expected):
    data = [provider("A")] + listed("A", listed_n) + bp("A", range(1, with_bp + 1))
    s = settle(tmp_path, INDICATORS + one_indicator("at least 60 %"), data)
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): expected}


@pytest.mark.parametrize(("value", "expected"), [("0.2", "100.00"), ("0.25", "0.00")])
def test_at_least_with_lower_is_better_is_at_most(tmp_path, value, expected):
    body = """
indicator "Undvikbar vård" lower is better reported
performance "Kvalitet" for provider q each year {
  bonus 100 kr
  indicators { "Undvikbar vård" at least 20 % }
}
"""
    data = [provider("A"), result("A", "Undvikbar vård", "2022", value)]
    s = settle(tmp_path, body, data)
    # lower is better: 20 % or less scores 1 (0.2 -> 100.00), 25 % scores 0
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): expected}


def test_if_reported_is_one_or_zero_and_always_applies(tmp_path):
    body = (
        INDICATORS
        + """
performance "Kvalitet" for provider q each year {
  bonus 100 kr
  indicators {
    "Blodtryck" linear 50 % to 75 %
    "Nöjda"     if reported
  }
}
"""
    )
    data = (
        [provider("A"), provider("B"), provider("C")]
        + listed("A", 4)
        + bp("A", [1, 2, 3])
        + listed("B", 4)
        + bp("B", [1, 2, 3])
        + [
            result("A", "Nöjda", "2022", "0.1"),  # any reported value scores 1
            result("B", "Nöjda", "2021", "0.9"),  # another period's value does not count
            result("B", "Nöjda", "2022-Q4", "0.9"),
        ]
    )
    s = settle(tmp_path, body, data)
    # A: (1 + 1)/2 × 100 = 100.00;  B: Blodtryck 1, Nöjda 0 -> (1 + 0)/2 × 100 = 50.00
    # C: Blodtryck not applicable (empty population), Nöjda 0 -> 0/1 × 100 = 0.00
    assert s.of(name="Kvalitet") == {
        ("A", "2022", "Kvalitet"): "100.00",
        ("B", "2022", "Kvalitet"): "50.00",
        ("C", "2022", "Kvalitet"): "0.00",
    }


REPORTED_LINEAR = """
performance "Kvalitet" for provider q each year {
  bonus 100 kr
%s
  indicators {
    "Nöjda"     linear 50 %% to 100 %%  weight 3
    "Blodtryck" linear 50 %% to 75 %%   weight 1
  }
}
"""


def _reported_linear_data():
    return (
        [provider("A"), provider("B"), provider("C")]
        + listed("A", 4)
        + bp("A", [1, 2])
        + listed("B", 4)
        + bp("B", [1, 2, 3])
        + [result("A", "Nöjda", "2022", "0.8"), result("C", "Nöjda", "2022", "0.55")]
    )


def test_an_unreported_indicator_scores_0_and_keeps_its_weight(tmp_path):
    """Issue 12 changes SPEC §3.7's default: "paid only on reported results"."""
    s = settle(tmp_path, INDICATORS + REPORTED_LINEAR % "", _reported_linear_data())
    # A: Nöjda 0.8 -> (0.8 − 0.5)/0.5 = 0.6 (w 3); Blodtryck 50 % -> 0 (w 1)
    #    100 × (3 × 0.6 + 0)/4 = 45.00
    # B: Nöjda unreported -> 0 (w 3); Blodtryck 75 % -> 1 (w 1): 100 × (0 + 1)/4 = 25.00
    # C: Nöjda 0.55 -> 0.05/0.5 = 0.1; Blodtryck empty population -> not applicable:
    #    100 × 0.1 = 10.00
    assert s.of(name="Kvalitet") == {
        ("A", "2022", "Kvalitet"): "45.00",
        ("B", "2022", "Kvalitet"): "25.00",
        ("C", "2022", "Kvalitet"): "10.00",
    }


def test_unreported_excluded_leaves_an_unreported_indicator_out(tmp_path):
    body = INDICATORS + REPORTED_LINEAR % "  unreported excluded"
    s = settle(tmp_path, body, _reported_linear_data())
    # A and C as without the clause (45.00, 10.00): both have a Nöjda value;
    # B: Nöjda unreported -> left out with its weight; Blodtryck 75 % -> 1: 100 × 1/1
    assert s.of(name="Kvalitet") == {
        ("A", "2022", "Kvalitet"): "45.00",
        ("B", "2022", "Kvalitet"): "100.00",
        ("C", "2022", "Kvalitet"): "10.00",
    }


def test_unreported_above_scores_0_and_excluded_gives_no_line(tmp_path):
    data = [provider("A"), provider("B"), result("A", "Nöjda", "2022", "0.61")]
    s = settle(tmp_path, INDICATORS + one_indicator("above 60 %", name="Nöjda"), data)
    # A: 0.61 > 0.60 -> 100.00; B: nothing reported -> 0 with its weight: 100 × 0/1 = 0.00
    assert s.of(name="Kvalitet") == {
        ("A", "2022", "Kvalitet"): "100.00",
        ("B", "2022", "Kvalitet"): "0.00",
    }
    excluded = one_indicator("above 60 %", name="Nöjda").replace(
        "indicators", "unreported excluded\n  indicators"
    )
    (tmp_path / "excluded").mkdir()
    s = settle(tmp_path / "excluded", INDICATORS + excluded, data)
    # B: left out -> no indicator applies -> no line at all
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): "100.00"}


def test_reported_value_is_read_for_the_period_label(tmp_path):
    body = (
        INDICATORS
        + """
performance "Kvalitet" for provider q each quarter {
  bonus 100 kr
  indicators { "Nöjda" linear 0 % to 100 % }
}
"""
    )
    data = [
        provider("A"),
        result("A", "Nöjda", "2022-Q1", "0.25"),
        result("A", "Nöjda", "2022-Q3", "0.5"),
        result("A", "Nöjda", "2022", "1"),
    ]
    s = settle(tmp_path, body, data)
    # 2022-Q1: 100 × 0.25 = 25.00; Q2 and Q4: nothing for that label -> unreported, 0;
    # 2022-Q3: 100 × 0.5 = 50.00 (the yearly "2022" value is not a quarter's)
    assert s.of(name="Kvalitet") == {
        ("A", "2022-Q1", "Kvalitet"): "25.00",
        ("A", "2022-Q2", "Kvalitet"): "0.00",
        ("A", "2022-Q3", "Kvalitet"): "50.00",
        ("A", "2022-Q4", "Kvalitet"): "0.00",
    }


def test_empty_population_leaves_the_indicator_out_with_its_weight(tmp_path):
    data = (
        [provider("A")]
        + [patient("PX"), listing("PX", "A", "2021-01-01", "2021-12-31")]  # not listed in 2022
        + [visit("V1", "PX", "A", "2022-03-01"), visit("V2", "PX", "A", "2022-03-02")]
    )
    s = settle(tmp_path, INDICATORS + PERF % "bonus", data)
    # Blodtryck: nobody listed on 2022-12-31 -> not applicable (weight 2 left out)
    # Fysiska besök: 2/2 = 100 % > 60 % -> 1 (w 1); Nöjda: not reported -> 0 (w 1)
    # 1000 × (1 + 0)/(1 + 1) = 500.00  (with weight 2 kept in it would be 1000 × 1/4)
    assert s.amounts[("A", "2022", "Kvalitet")] == "500.00"


NOTHING_REPORTED = """
performance "Kvalitet" for provider q each year {
  penalty 1000 kr
%s
  indicators {
    "Blodtryck"     linear 50 %% to 100 %%
    "Fysiska besök" above 60 %%
    "Nöjda"         linear 50 %% to 100 %%
  }
}
"""


def test_not_reporting_earns_the_full_penalty(tmp_path):
    data = [provider("A")] + [patient("PX")]
    s = settle(tmp_path, INDICATORS + NOTHING_REPORTED % "", data)
    # Blodtryck and Fysiska besök: empty populations -> not applicable; Nöjda unreported
    # -> 0 with its weight: −1000 × (1 − 0/1) = −1000.00 (not reporting avoids nothing)
    assert s.of(name="Kvalitet") == {("A", "2022", "Kvalitet"): "-1000.00"}


def test_none_applicable_gives_no_line(tmp_path):
    data = [provider("A")] + [patient("PX")]
    s = settle(tmp_path, INDICATORS + NOTHING_REPORTED % "  unreported excluded", data)
    # with `unreported excluded` Nöjda is left out too: nothing applies, no line at all —
    # not even a full penalty (the incentive risk lint rule L206 warns about)
    assert s.of(name="Kvalitet") == {}


def test_measurement_date_is_the_last_day_of_the_period(tmp_path):
    data = (
        [provider("A")]
        + [patient("P1"), listing("P1", "A", "2021-01-01", "2022-06-30")]  # left mid-year
        + [patient("P2"), listing("P2", "A", "2022-12-31")]  # listed on the last day only
        + [patient("P3"), listing("P3", "A", "2020-01-01")]
        + [observation("P1", "2022-03-01", "bp"), observation("P2", "2022-12-31", "bp")]
    )
    s = settle(tmp_path, INDICATORS + one_indicator("linear 0 % to 100 %"), data)
    # population on 2022-12-31: P2, P3 (not P1); numerator: P2 -> 1/2 -> 100 × 0.5 = 50.00
    assert s.amounts[("A", "2022", "Kvalitet")] == "50.00"
    body = INDICATORS + one_indicator("linear 0 % to 100 %").replace("each year", "each quarter")
    s = settle(tmp_path, body, data)
    # Q1 (03-31): P1, P3 listed; P1 has bp in Q1 -> 1/2 -> 50.00
    # Q2 (06-30, P1's last listed day, inclusive): P1, P3; no bp in Q2 -> 0/2 -> 0.00
    # Q3 (09-30): P3 only -> 0/1 -> 0.00;  Q4 (12-31): P2, P3; P2's bp -> 1/2 -> 50.00
    assert s.of(name="Kvalitet") == {
        ("A", "2022-Q1", "Kvalitet"): "50.00",
        ("A", "2022-Q2", "Kvalitet"): "0.00",
        ("A", "2022-Q3", "Kvalitet"): "0.00",
        ("A", "2022-Q4", "Kvalitet"): "50.00",
    }


def test_event_population_holds_the_events_dated_in_the_period(tmp_path):
    data = [provider("A"), patient("P1")] + [
        visit("V1", "P1", "A", "2021-12-31", mode="video"),
        visit("V2", "P1", "A", "2022-01-01"),
        visit("V3", "P1", "A", "2022-12-31", mode="video"),
        visit("V4", "P1", "A", "2023-01-01"),
    ]
    s = settle(
        tmp_path,
        INDICATORS + one_indicator("linear 0 % to 100 %", name="Fysiska besök"),
        data,
    )
    # 2022: V2 (physical) and V3 (video) -> 1/2 -> 100 × 0.5 = 50.00
    assert s.amounts[("A", "2022", "Kvalitet")] == "50.00"


def test_exclude_removes_from_the_population(tmp_path):
    body = """
indicator "Blodtryck" for provider q {
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p and o.kind == "bp")
  exclude    age(p) >= 80
}
""" + one_indicator("linear 0 % to 100 %")
    data = (
        [provider("A")]
        + [patient("P1", "1942-12-31"), listing("P1", "A", "2021-01-01")]  # 80 on 2022-12-31
        + [patient("P2", "1943-01-01"), listing("P2", "A", "2021-01-01")]  # 79
        + [patient("P3", "1990-01-01"), listing("P3", "A", "2021-01-01")]
        + [observation("P1", "2022-02-01", "bp"), observation("P2", "2022-02-01", "bp")]
    )
    s = settle(tmp_path, body, data)
    # P1 is 80 on the measurement date: excluded from population and numerator
    # population P2, P3; numerator P2 -> 1/2 -> 50.00  (without exclude: 2/3 -> 66.67)
    assert s.amounts[("A", "2022", "Kvalitet")] == "50.00"


def test_lower_is_better_mirrors_linear(tmp_path):
    body = """
indicator "Undvikbar vård" lower is better for provider q {
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p and o.kind == "admission")
}
performance "Kvalitet" for provider q each year {
  bonus 100 kr
  indicators { "Undvikbar vård" linear 40 % to 20 % }
}
"""
    data = [provider(x) for x in "ABCDE"]
    # 10 listed each; admitted: A 1 (10 %), B 2 (20 %), C 3 (30 %), D 4 (40 %), E 5 (50 %)
    for n, pid in enumerate("ABCDE", start=1):
        data += listed(pid, 10)
        data += [observation(f"P{pid}{i}", "2022-04-01", "admission") for i in range(1, n + 1)]
    s = settle(tmp_path, body, data)
    # at or below target 20 % -> 1; at or above min 40 % -> 0;
    # 30 %: (40 − 30)/(40 − 20) = 0.5 -> 50.00
    assert s.of(name="Kvalitet") == {
        ("A", "2022", "Kvalitet"): "100.00",
        ("B", "2022", "Kvalitet"): "100.00",
        ("C", "2022", "Kvalitet"): "50.00",
        ("D", "2022", "Kvalitet"): "0.00",
        ("E", "2022", "Kvalitet"): "0.00",
    }


def test_rate_pot_times_the_periods_length(tmp_path):
    body = (
        INDICATORS
        + """
performance "Årlig" for provider q each year {
  bonus 120 kr/year * 3
  indicators { "Nöjda" if reported }
}
performance "Kvartal" for provider q each quarter {
  bonus 120 kr/year
  indicators { "Nöjda" if reported }
}
performance "Månad" for provider q each month {
  penalty 12 kr/month
  indicators { "Nöjda" if reported }
}
"""
    )
    data = [provider("A"), result("A", "Nöjda", "2022", "1"), result("A", "Nöjda", "2022-Q2", "1")]
    s = settle(tmp_path, body, data)
    # yearly: 120 × 3 kr/year × 1 year × 1 = 360.00
    assert s.of(name="Årlig") == {("A", "2022", "Årlig"): "360.00"}
    # quarterly: 120 kr/year × 3 months = 30 kr × attainment (Q2 reported: 1, others 0)
    assert s.of(name="Kvartal") == {
        ("A", "2022-Q1", "Kvartal"): "0.00",
        ("A", "2022-Q2", "Kvartal"): "30.00",
        ("A", "2022-Q3", "Kvartal"): "0.00",
        ("A", "2022-Q4", "Kvartal"): "0.00",
    }
    # monthly penalty: −12 kr/month × 1 month × (1 − 0) = −12.00 in each of 12 months
    monthly = s.of(name="Månad")
    assert len(monthly) == 12 and set(monthly.values()) == {"-12.00"}


def test_rate_pot_uses_the_clipped_period(tmp_path):
    header = """contract "Test" {
  valid 2022-01-01 .. 2022-06-30
}
use stdlib "schema/sweden"
"""
    body = INDICATORS + one_indicator("if reported", name="Nöjda", pot="bonus 120 kr/year")
    data = [provider("A"), result("A", "Nöjda", "2022", "1")]
    s = settle(tmp_path, body, data, header=header, period="2022-01..2022-06")
    # the year is clipped to 2022-01-01..2022-06-30: 120 kr/year × 6 months = 60.00
    assert list(s.of(name="Kvalitet").values()) == ["60.00"]


# ---------------------------------------------------------------- value, rank, region_mean


def ranking_data() -> list[dict]:
    """Blodtryck: A 3/4 = 75 %, B 1/2, C 2/4 = 50 %, D 1/4 = 25 %, E no listed patients."""
    data = [provider(x) for x in "ABCDE"]
    data += listed("A", 4) + bp("A", [1, 2, 3])
    data += listed("B", 2) + bp("B", [2])
    data += listed("C", 4) + bp("C", [1, 4])
    data += listed("D", 4) + bp("D", [4])
    return data


def test_value_rank_and_region_mean(tmp_path):
    body = (
        INDICATORS
        + """
payment "Värde" {
  kind   performance
  per    provider q each year where q.id != "E"
  amount 1000 kr * value(q, "Blodtryck")
}
payment "Rang" {
  kind   performance
  per    provider q each year where q.id != "E"
  amount 100 kr * rank(q, "Blodtryck")
}
payment "Medel" {
  kind   performance
  per    provider q each year
  amount 1000 kr * region_mean("Blodtryck")
}
"""
    )
    s = settle(tmp_path, body, ranking_data())
    # value: A 1000 × 3/4 = 750.00, B 1000 × 1/2 = 500.00, C 500.00, D 1000 × 1/4 = 250.00
    assert s.of(name="Värde") == {
        ("A", "2022", "Värde"): "750.00",
        ("B", "2022", "Värde"): "500.00",
        ("C", "2022", "Värde"): "500.00",
        ("D", "2022", "Värde"): "250.00",
    }
    # rank = 1 + number of strictly better providers: A 1; B and C tie at 50 % and share the
    # better rank 2; D 4 (two providers above it are still ahead) -> 100 × rank
    assert s.of(name="Rang") == {
        ("A", "2022", "Rang"): "100.00",
        ("B", "2022", "Rang"): "200.00",
        ("C", "2022", "Rang"): "200.00",
        ("D", "2022", "Rang"): "400.00",
    }
    # region_mean over the providers where it applies (E left out):
    # (3/4 + 1/2 + 1/2 + 1/4)/4 = 2/4 = 0.5 -> 500.00 for every provider (E too)
    # (counting E as 0 would give 2/5 -> 400.00)
    assert set(s.of(name="Medel").values()) == {"500.00"}
    assert len(s.of(name="Medel")) == 5


def test_rank_lower_is_better(tmp_path):
    body = """
indicator "Undvikbar vård" lower is better for provider q {
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p and o.kind == "bp")
}
payment "Rang" {
  kind   performance
  per    provider q each year where q.id != "E"
  amount 100 kr * rank(q, "Undvikbar vård")
}
"""
    s = settle(tmp_path, body, ranking_data())
    # lower is better: D 25 % best -> 1; B, C 50 % -> 2 (shared); A 75 % -> 4
    assert s.of(name="Rang") == {
        ("A", "2022", "Rang"): "400.00",
        ("B", "2022", "Rang"): "200.00",
        ("C", "2022", "Rang"): "200.00",
        ("D", "2022", "Rang"): "100.00",
    }


def test_performance_pot_from_value_and_region_mean(tmp_path):
    body = (
        INDICATORS
        + """
performance "Relativ" for provider q each year {
  bonus 1000 kr * region_mean("Blodtryck")
  indicators { "Blodtryck" linear 0 % to 100 % }
}
"""
    )
    s = settle(tmp_path, body, ranking_data())
    # pot = 1000 × 0.5 = 500; attainment = result (linear 0..100 %):
    # A 500 × 3/4 = 375.00; B, C 500 × 1/2 = 250.00; D 500 × 1/4 = 125.00; E n/a: no line
    assert s.of(name="Relativ") == {
        ("A", "2022", "Relativ"): "375.00",
        ("B", "2022", "Relativ"): "250.00",
        ("C", "2022", "Relativ"): "250.00",
        ("D", "2022", "Relativ"): "125.00",
    }


def test_missing_results_are_none_and_reported_says_which(tmp_path):
    """Issue 12: `value` and `rank` are none where there is no result (E has no listed
    patients), `reported` tells, and no provider stops the others' statements."""
    body = (
        INDICATORS
        + """
payment "Värde" {
  kind   performance
  per    provider q each year
  amount 1000 kr * (value(q, "Blodtryck") otherwise 10 %)
}
payment "Rang" {
  kind   performance
  per    provider q each year where reported(q, "Blodtryck")
  amount 100 kr * rank(q, "Blodtryck")
}
payment "Saknas" {
  kind   performance
  per    provider q each year where not reported(q, "Blodtryck")
                                and rank(q, "Blodtryck") == none
  amount 1 kr
}
"""
    )
    s = settle(tmp_path, body, ranking_data())
    # value: A 750, B 500, C 500, D 250 (as above); E none -> otherwise 10 %: 100.00
    assert s.of(name="Värde")[("E", "2022", "Värde")] == "100.00"
    assert s.of(name="Värde")[("A", "2022", "Värde")] == "750.00"
    # rank only where reported: A 1, B and C 2, D 4; E has no result: no unit
    assert s.of(name="Rang") == {
        ("A", "2022", "Rang"): "100.00",
        ("B", "2022", "Rang"): "200.00",
        ("C", "2022", "Rang"): "200.00",
        ("D", "2022", "Rang"): "400.00",
    }
    assert s.of(name="Saknas") == {("E", "2022", "Saknas"): "1.00"}


def test_region_mean_is_none_where_no_provider_has_a_result(tmp_path):
    body = (
        INDICATORS
        + """
payment "Medel" {
  kind   performance
  per    provider q each year
  amount 1000 kr * (region_mean("Nöjda") otherwise 0 %) + 5 kr
}
"""
    )
    s = settle(tmp_path, body, [provider("A")])
    # nothing reported for "Nöjda": none -> 0 %: 1000 × 0 + 5 = 5.00
    assert s.of(name="Medel") == {("A", "2022", "Medel"): "5.00"}


def test_a_none_value_used_in_a_calculation_is_still_an_error(tmp_path):
    body = (
        INDICATORS
        + """
payment "Värde" {
  kind   performance
  per    provider q each year
  amount 1000 kr * value(q, "Blodtryck")
}
"""
    )
    with pytest.raises(ErslError) as raised:
        settle(tmp_path, body, ranking_data())
    text = raised.value.render(colour=False)
    assert 'payment "Värde", for provider E' in text
    assert '`value(q, "Blodtryck")` is none' in text
