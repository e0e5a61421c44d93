"""stdlib_rules/stockholm/husläkare.ersl: Stockholm primary care 2016–2023.

Every expected amount is computed by hand in a comment from the seed figure
(seed 004 = 004_887ea947c2495c54.txt, Bilaga 2, the FFU table by year; DOMAIN §5).
The visit fee is the required parameter `besöksersättning`: 400 kr for every
profession here (tests/fixtures/stdlib/fees.csv).
"""

from __future__ import annotations

import json

import pytest
from test_stdlib_support import (
    FEES,
    FIXTURES,
    STDLIB,
    listing,
    model,
    named,
    patient,
    provider,
    result,
    settle,
    visit,
)

from ersl.cli import main

MODEL = "stockholm/husläkare.ersl"


def hl():
    return model(MODEL)


def person(id: str, birth_date: str, cni: str = "1.0", acg: str = "1.0") -> list[dict]:
    """A patient with CNI and ACG in force from 2010 (every listed patient needs them)."""
    return [
        patient(id, birth_date),
        {"type": "patient_attribute", "patient": id, "from": "2010-01-01", "cni": cni, "acg": acg},
    ]


def run(tmp_path, records, period, **params):
    params = {"besöksersättning": str(FEES), **params}
    return settle(hl(), tmp_path, records, period, params)


# ---------------------------------------------------------------- capitation by year

# One patient per age group, each at a clinic of its own so that each line is one
# patient's monthly capitation: yearly rate / 12. CNI index 1.0 and ACG weight 1.0.
# Ages on 1 January: 2, 29, 69 and 79.
AGE_GROUP_CLINICS = ("V0_5", "V6_64", "V65_74", "V75")

# year: (0–5, 6–64, 65–74, 75+, CNI, ACG); seed 004, Bilaga 2, rows "Listning ÅLDER",
# "Kopplat till CNI", "Kopplat till ACG"; until 2020 one band 65+.
JANUARY = {
    # 2016: 953/12 = 79.4166… → 79.42; 794/12 = 66.1666… → 66.17; 65+ 2064/12 = 172;
    # CNI 307/12 = 25.5833… → 25.58; no ACG before 2017
    2016: ("79.42", "66.17", "172.00", "172.00", "25.58", None),
    # 2017: 776/12 = 64.6666… → 64.67; 647/12 = 53.9166… → 53.92; 1680/12 = 140;
    # CNI 274/12 = 22.8333… → 22.83; ACG 274/12 → 22.83
    2017: ("64.67", "53.92", "140.00", "140.00", "22.83", "22.83"),
    # 2018: 478/12 = 39.8333… → 39.83; 390/12 = 32.50; 1091/12 = 90.9166… → 90.92;
    # CNI 278/12 = 23.1666… → 23.17; ACG 557/12 = 46.4166… → 46.42
    2018: ("39.83", "32.50", "90.92", "90.92", "23.17", "46.42"),
    # 2019: 360/12 = 30; 290/12 = 24.1666… → 24.17; 820/12 = 68.3333… → 68.33;
    # CNI 339/12 = 28.25; ACG 700/12 = 58.3333… → 58.33
    2019: ("30.00", "24.17", "68.33", "68.33", "28.25", "58.33"),
    # 2020: age as 2019; CNI 356/12 = 29.6666… → 29.67; ACG 718/12 = 59.8333… → 59.83
    2020: ("30.00", "24.17", "68.33", "68.33", "29.67", "59.83"),
    # January 2021: FFU 2021 applies from 2021-02-01 (seed 004 §1 "infördes den 1 februari
    # 2021"), so January is paid at the FFU 2020 row: 360, 290, 820 (65+), CNI 356, ACG 718
    2021: ("30.00", "24.17", "68.33", "68.33", "29.67", "59.83"),
    # 2022: 390/12 = 32.50; 310/12 = 25.8333… → 25.83; 1117/12 = 93.0833… → 93.08;
    # 1217/12 = 101.4166… → 101.42; CNI 410/12 = 34.1666… → 34.17; ACG 1200/12 = 100
    2022: ("32.50", "25.83", "93.08", "101.42", "34.17", "100.00"),
    # 2023: 480/12 = 40; 335/12 = 27.9166… → 27.92; 1185/12 = 98.75; 1290/12 = 107.50;
    # CNI 475/12 = 39.5833… → 39.58; ACG 1300/12 = 108.3333… → 108.33
    2023: ("40.00", "27.92", "98.75", "107.50", "39.58", "108.33"),
}


def _age_group_records(year: int) -> list[dict]:
    births = (f"{year - 3}-03-01", f"{year - 30}-06-01", f"{year - 70}-06-01", f"{year - 80}-06-01")
    records = []
    for clinic, birth, n in zip(AGE_GROUP_CLINICS, births, range(4), strict=True):
        records += [
            provider(clinic),
            *person(f"P{n}", birth),
            listing(f"P{n}", clinic, "2010-01-01"),
        ]
    return records


def _capitation(lines: dict, month: str) -> dict:
    wanted = ("Listningsersättning ålder", "Listningsersättning CNI", "Listningsersättning ACG")
    return {k: v for k, v in lines.items() if k[2] in wanted and k[1] == month}


def _expected(month: str, ages, cni, acg) -> dict:
    expected = {}
    for clinic, amount in zip(AGE_GROUP_CLINICS, ages, strict=True):
        expected[(clinic, month, "Listningsersättning ålder")] = amount
        expected[(clinic, month, "Listningsersättning CNI")] = cni
        if acg is not None:
            expected[(clinic, month, "Listningsersättning ACG")] = acg
    return expected


@pytest.mark.parametrize("year", sorted(JANUARY))
def test_capitation_in_january_of_each_year(year, tmp_path):
    month = f"{year}-01"
    lines = run(tmp_path, _age_group_records(year), month)
    *ages, cni, acg = JANUARY[year]
    assert _capitation(lines, month) == _expected(month, ages, cni, acg)


def test_capitation_february_2021_is_the_ffu_2021_row(tmp_path):
    # FFU 2021 from 2021-02-01 (seed 004 §1); the bands change shape: 0–5, 6–64, 65–74, 75+.
    # 360/12 = 30; 290/12 = 24.17; 920/12 = 76.6666… → 76.67; 1000/12 = 83.3333… → 83.33;
    # CNI 376/12 = 31.3333… → 31.33; ACG 1133/12 = 94.4166… → 94.42 (seed 004, Bilaga 2, 2021)
    lines = run(tmp_path, _age_group_records(2021), "2021-02")
    assert _capitation(lines, "2021-02") == _expected(
        "2021-02", ("30.00", "24.17", "76.67", "83.33"), "31.33", "94.42"
    )


def test_age_is_read_on_the_first_day_of_the_month(tmp_path):
    records = [
        provider("VA"),
        provider("VB"),
        *person("CHILD", "2016-03-01"),  # 6 on 2022-03-01
        *person("ELDER", "1947-03-02"),  # 74 on 2022-03-01, 75 on 2022-03-02
        listing("CHILD", "VA", "2020-01-01"),
        listing("ELDER", "VB", "2020-01-01"),
    ]
    lines = named(run(tmp_path, records, "2022-02..2022-04"), "Listningsersättning ålder")
    assert lines == {
        ("VA", "2022-02"): "32.50",  # age 5: 390/12
        ("VA", "2022-03"): "25.83",  # age 6 on 1 March: 310/12 = 25.8333…
        ("VA", "2022-04"): "25.83",
        ("VB", "2022-02"): "93.08",  # age 74: 1117/12 = 93.0833…
        ("VB", "2022-03"): "93.08",  # still 74 on 1 March (75 on 2 March)
        ("VB", "2022-04"): "101.42",  # 75 on 1 April: 1217/12 = 101.4166…
    }


def test_cni_and_acg_follow_the_attributes_in_force_on_the_first(tmp_path):
    records = [
        provider("VC1"),
        patient("P1", "1980-01-01"),
        {
            "type": "patient_attribute",
            "patient": "P1",
            "from": "2022-01-01",
            "cni": "1.5",
            "acg": "0.5",
        },
        {"type": "patient_attribute", "patient": "P1", "from": "2022-02-15", "cni": "2.0"},
        listing("P1", "VC1", "2020-01-01"),
    ]
    lines = run(tmp_path, records, "2022-01..2022-03")
    assert named(lines, "Listningsersättning CNI") == {
        ("VC1", "2022-01"): "51.25",  # 1.5 × 410/12 (seed 004, Bilaga 2, CNI 2022)
        ("VC1", "2022-02"): "51.25",  # the change on 15 February counts from March
        ("VC1", "2022-03"): "68.33",  # 2.0 × 410/12 = 68.3333…
    }
    assert named(lines, "Listningsersättning ACG") == {
        (("VC1", m)): "50.00"
        for m in ("2022-01", "2022-02", "2022-03")  # 0.5 × 1200/12
    }


# ---------------------------------------------------------------- other listing-based payments


def _two_clinics() -> list[dict]:
    """VC1 with two patients and VC2 with one, listed all year; VC3 with none."""
    return [
        provider("VC1"),
        provider("VC2"),
        provider("VC3"),
        *person("P1", "1980-01-01"),
        *person("P2", "1985-01-01"),
        *person("P3", "1990-01-01"),
        listing("P1", "VC1", "2015-01-01"),
        listing("P2", "VC1", "2015-01-01"),
        listing("P3", "VC2", "2015-01-01"),
    ]


def test_health_promotion_2022(tmp_path):
    lines = named(run(tmp_path, _two_clinics(), "2022"), "Hälsofrämjande insatser")
    # 2022: 415 000 kr shared equally + 6.5 Mkr by the mean listed (seed 004, Bilaga 2,
    # "Hälsofrämjande", 2022). VC3 has no listed patient and no share.
    # Equal: 415 000/2 = 207 500 each. By listed (2 and 1): 6 500 000 × 2/3 = 4 333 333.33…
    # and × 1/3 = 2 166 666.66…. VC1 4 540 833.333…, VC2 2 374 166.666…: largest remainder
    # gives the last cent to VC2 (remainder 0.0067 > 0.0033); sum 6 915 000.00.
    assert lines == {("VC1", "2022"): "4540833.33", ("VC2", "2022"): "2374166.67"}


def test_health_promotion_2019(tmp_path):
    lines = named(run(tmp_path, _two_clinics(), "2019"), "Hälsofrämjande insatser")
    # 2019: 6.4 Mkr equally + 6.4 Mkr by listed (seed 004, Bilaga 2, 2019): 3 200 000 each;
    # 4 266 666.66… and 2 133 333.33…: VC1 7 466 666.666… (last cent), VC2 5 333 333.333…
    assert lines == {("VC1", "2019"): "7466666.67", ("VC2", "2019"): "5333333.33"}


def test_no_health_promotion_before_2019(tmp_path):
    assert named(run(tmp_path, _two_clinics(), "2018"), "Hälsofrämjande insatser") == {}


def test_on_call_2018_to_2021(tmp_path):
    lines = named(run(tmp_path, _two_clinics(), "2017-12..2022-01"), "Husläkarjour")
    # 48 kr per listed and year (seed 004, Bilaga 2, "Husläkarjour", 2018–2021): VC1 2 × 4 = 8
    for year in (2018, 2019, 2020, 2021):
        for month in range(1, 13):
            assert lines.pop(("VC1", f"{year}-{month:02d}")) == "8.00"
            assert lines.pop(("VC2", f"{year}-{month:02d}")) == "4.00"  # 48/12
    assert lines == {}  # none in December 2017 or January 2022 ("NEJ borttaget")


def test_mental_health_children_and_young(tmp_path):
    records = [
        provider("VC1"),
        *person("A", "2016-06-01"),  # 5 on 2021-12-01; 6 on 2023-01-01
        *person("B", "2015-12-01"),  # 6 on 2021-12-01
        *person("C", "2004-06-01"),  # 17 on 2021-12-01 and 2022-01-01; 18 in 2023
        *person("D", "2003-11-01"),  # 18 on 2021-12-01
    ]
    records += [listing(p, "VC1", "2015-01-01") for p in "ABCD"]
    lines = named(run(tmp_path, records, "2021-11..2023-01"), "Psykisk hälsa barn och unga")
    # per listed aged 6–17 (seed 004, Bilaga 2, "psykisk hälsa barn och unga (from 1/12 2021)")
    assert ("VC1", "2021-11") not in lines  # from 2021-12-01
    assert lines[("VC1", "2021-12")] == "33.83"  # B and C: 2 × 203/12 = 33.8333…
    assert lines[("VC1", "2022-01")] == "34.17"  # B and C: 2 × 205/12 = 34.1666…
    assert lines[("VC1", "2023-01")] == "54.17"  # A and B: 2 × 325/12 = 54.1666…


def test_coordination_for_sick_listed(tmp_path):
    records = [
        provider("VC1"),
        *person("A", "2006-02-01"),  # 15 on 2021-02-01 and 2022-01-01, 16 on 2022-02-01
        *person("B", "2005-02-01"),  # 16 on 2021-02-01
        *person("C", "1953-01-15"),  # 68 on 2021-02-01 and 2022-01-01, 69 on 2022-02-01
        *person("D", "1952-02-01"),  # 69 on 2021-02-01
    ]
    records += [listing(p, "VC1", "2015-01-01") for p in "ABCD"]
    lines = named(run(tmp_path, records, "2021-01..2022-02"), "Koordinering sjukskrivna")
    # per listed aged 16–68 (seed 004, Bilaga 2, "koordineringsinsatser för sjukskrivna")
    assert ("VC1", "2021-01") not in lines  # FFU 2021 from 2021-02-01
    assert lines[("VC1", "2021-02")] == "6.00"  # B and C: 2 × 36/12
    assert lines[("VC1", "2022-01")] == "6.17"  # B and C: 2 × 37/12 = 6.1666…
    assert lines[("VC1", "2022-02")] == "6.17"  # A and B: 2 × 37/12


def test_new_clinic_2016(tmp_path):
    records = [
        provider("VC1", start_date="2016-03-15"),
        provider("VC2", start_date="2015-06-01"),
        provider("VC3", start_date="2017-02-01"),
        provider("VC4"),
    ]
    lines = named(run(tmp_path, records, "2016-01..2018-01"), "Ersättning nystartad mottagning")
    # "5000 kr/mån from driftstart och under hela nästkommande kalenderår" (seed 004,
    # Bilaga 2, "Ersättning för nystartad mottagning", 2016): VC1 from March 2016 through
    # December 2017; clinics started in other years get nothing.
    months = [f"2016-{m:02d}" for m in range(3, 13)] + [f"2017-{m:02d}" for m in range(1, 13)]
    assert lines == {("VC1", m): "5000.00" for m in months}


# ---------------------------------------------------------------- visit fees


def _visits_march() -> list[dict]:
    return [
        provider("VC1"),
        *person("P1", "1982-01-01"),
        *person("P2", "1937-01-01"),  # 85
        *person("P3", "1990-01-01"),  # unlisted
        listing("P1", "VC1", "2020-01-01"),
        listing("P2", "VC1", "2020-01-01"),
        visit("V1", "P1", "VC1", "2022-03-02", "doctor", "physical"),
        visit("V2", "P1", "VC1", "2022-03-03", "nurse", "video"),
        visit("V3", "P1", "VC1", "2022-03-04", "physiotherapist", "home"),
        visit("V4", "P1", "VC1", "2022-03-05", "doctor", "phone"),  # not paid
        visit("V5", "P1", "VC1", "2022-03-06", "psychosocial", "digital"),  # not paid
        visit("V6", "P3", "VC1", "2022-03-07", "doctor", "physical"),  # unlisted: paid
        visit("V7", "P2", "VC1", "2022-03-08", "doctor", "physical"),  # aged 85
    ]


def test_visit_fee(tmp_path):
    lines = named(run(tmp_path, _visits_march(), "2022-03"), "Besöksersättning")
    # V1, V2, V3, V6, V7: 5 × 400 (the fee parameter); phone and digital are not paid
    assert lines == {("VC1", "2022-03"): "2000.00"}


def test_visit_fee_weight_for_patients_80_and_over_when_given(tmp_path):
    lines = named(
        run(tmp_path, _visits_march(), "2022-03", besöksvikt_80_år="1.5"), "Besöksersättning"
    )
    # the 80+ weight is an optional input (seed 003 §4.3.1 names the extra, no source
    # gives it): V7 400 × 1.5 = 600; 4 × 400 + 600 = 2 200
    assert lines == {("VC1", "2022-03"): "2200.00"}


def test_cost_responsibility(tmp_path):
    records = [
        provider("VC1"),
        provider("VC2"),
        *person("P1", "1982-01-01"),
        *person("P2", "1937-01-01"),  # 85
        *person("P3", "1990-01-01"),  # unlisted
        *person("P4", "1970-01-01"),
        listing("P1", "VC1", "2020-01-01"),
        listing("P2", "VC1", "2020-01-01"),
        listing("P4", "VC1", "2020-01-01", "2022-05-10"),
        listing("P4", "VC2", "2022-05-11"),
        visit("V1", "P1", "VC2", "2022-05-02"),  # VC1's patient at VC2
        visit("V2", "P1", "VC1", "2022-05-03"),  # own clinic
        visit("V3", "P3", "VC2", "2022-05-04"),  # unlisted
        visit("V4", "P1", "VC2", "2022-05-05", "doctor", "phone"),  # not paid, not charged
        visit("V5", "P2", "VC2", "2022-05-06", "nurse"),  # 85, listed at VC1
        visit("V6", "P4", "VC2", "2022-05-10"),  # still listed at VC1 that day
        visit("V7", "P4", "VC2", "2022-05-11"),  # now listed at VC2
    ]
    lines = run(tmp_path, records, "2022-05", besöksvikt_80_år="1.5")
    assert named(lines, "Besöksersättning") == {
        ("VC1", "2022-05"): "400.00",  # V2
        # V1 400 + V3 400 + V5 400 × 1.5 = 600 + V6 400 + V7 400 = 2 200
        ("VC2", "2022-05"): "2200.00",
    }
    # VC1 pays its listed patients' visits at VC2: V1 400, V5 600, V6 400 (seed 004,
    # Bilaga 1, "Kostnadsansvar … egna listade personers besök på annan husläkarmottagning")
    assert named(lines, "Kostnadsansvar") == {("VC1", "2022-05"): "-1400.00"}


def test_new_clinic_2021_uplift_for_12_months(tmp_path):
    records = [
        provider("VC6", start_date="2020-06-10"),
        provider("VC7"),
        *person("P1", "1980-01-01"),
        *person("P2", "1980-01-01"),
        listing("P1", "VC6", "2020-06-10"),
        listing("P2", "VC7", "2020-06-10"),
        visit("U1", "P1", "VC6", "2021-01-20"),  # before FFU 2021 (2021-02-01)
        visit("U2", "P1", "VC6", "2021-06-09"),  # the last day before start + 12 months
        visit("U3", "P1", "VC6", "2021-06-10"),  # start + 12 months: no longer
        visit("U4", "P2", "VC6", "2021-03-01"),  # not VC6's own listed patient
    ]
    lines = run(tmp_path, records, "2021-01..2021-06")
    # +50 % of the base fee (seed 004, Bilaga 2, "Ersättning för nystartad mottagning",
    # 2021: "höjs med 50% under 12 mån efter driftstart"): U2 only, 50 % × 400 = 200
    assert named(lines, "Nystartad mottagning: höjd besöksersättning") == {
        ("VC6", "2021-06"): "200.00"
    }
    assert named(lines, "Besöksersättning")[("VC6", "2021-06")] == "800.00"  # U2, U3


def test_new_clinic_2021_uplift_ends_the_month_after_4000_listed(tmp_path):
    records = [provider("VC8", start_date="2021-03-01"), *person("P0", "1980-01-01")]
    records.append(listing("P0", "VC8", "2021-03-01"))
    for n in range(4000):  # 4 001 listed from 2021-05-10 (seed 004: "4 000 listade")
        records += [*person(f"N{n}", "1980-01-01"), listing(f"N{n}", "VC8", "2021-05-10")]
    records += [
        visit("W1", "P0", "VC8", "2021-03-05"),
        visit("W2", "P0", "VC8", "2021-05-31"),  # the month 4 000 was reached: still raised
        visit("W3", "P0", "VC8", "2021-06-01"),  # the month after: no longer
    ]
    lines = run(tmp_path, records, "2021-03..2021-06")
    # "tills månaden efter då mottagningen har 4 000 listade" (seed 004, Bilaga 2, 2021):
    # 50 % × 400 = 200 in March and May, nothing from June
    assert named(lines, "Nystartad mottagning: höjd besöksersättning") == {
        ("VC8", "2021-03"): "200.00",
        ("VC8", "2021-05"): "200.00",
    }


# ---------------------------------------------------------------- in-depth medication review


def _reviews(year: int) -> list[dict]:
    kind = "fördjupad läkemedelsgenomgång"
    return [
        provider("VC1"),
        *person("P1", "1939-01-01"),  # 75 or over all year
        *person("P2", "1979-01-01"),
        *person("P3", f"{year - 75}-12-31"),  # 74 on every first of the year, 75 during it
        *[listing(p, "VC1", "2015-01-01") for p in ("P1", "P2", "P3")],
        visit("R1", "P1", "VC1", f"{year}-03-10", kind=kind),
        visit("R2", "P1", "VC1", f"{year}-04-10", kind=kind),
    ]


def test_medication_review_fee_and_cap(tmp_path):
    lines = run(tmp_path, _reviews(2019), "2019", läkemedelsgenomgång_tillägg="300 kr")
    # the fee is an optional input (no source gives it): 300 kr per review
    assert named(lines, "Fördjupad läkemedelsgenomgång") == {
        ("VC1", "2019-03"): "300.00",
        ("VC1", "2019-04"): "300.00",
    }
    # cap: at most 0.8 × the mean listed "som under året är 75 år och äldre" (seed 004,
    # Bilaga 2, "Ersättningstak för KVÅ åtgärder"): P1 and P3 (age_in_year 75), mean 2;
    # Q = 2 reviews / 2 = 1 > 0.8; A = 600; deduction 100 % × 600 × (1 − 0.8)/1 = 120
    # (paid 480 = 0.8 × 2 × 300)
    assert named(lines, "Tak fördjupad läkemedelsgenomgång") == {("VC1", "2019"): "-120.00"}


def test_medication_review_not_paid_without_its_fee_or_in_2023(tmp_path):
    lines = run(tmp_path, _reviews(2019), "2019")
    assert named(lines, "Fördjupad läkemedelsgenomgång") == {}
    assert named(lines, "Tak fördjupad läkemedelsgenomgång") == {}
    # KVÅ fees "togs bort helt år 2023" (seed 004 §5.2)
    lines = run(tmp_path, _reviews(2023), "2023", läkemedelsgenomgång_tillägg="300 kr")
    assert named(lines, "Fördjupad läkemedelsgenomgång") == {}


# ---------------------------------------------------------------- visit caps


def _one_listed(*visits) -> list[dict]:
    """VC1 with P1 listed all years; P9 listed at VC2; the given visits."""
    return [
        provider("VC1"),
        provider("VC2"),
        *person("P1", "1948-01-01"),
        *person("P9", "1980-01-01"),
        listing("P1", "VC1", "2015-01-01"),
        listing("P9", "VC2", "2015-01-01"),
        *visits,
    ]


def test_doctor_visit_cap_2016_to_2020(tmp_path):
    records = _one_listed(
        visit("D1", "P1", "VC1", "2019-02-01"),
        visit("D2", "P1", "VC1", "2019-03-01"),
        visit("D3", "P1", "VC1", "2019-04-01", mode="video"),
        visit("D4", "P1", "VC1", "2019-05-01", mode="home"),  # home care: not counted
        visit("D5", "P9", "VC1", "2019-06-01"),  # not VC1's listed patient: not counted
    )
    lines = run(tmp_path, records, "2019")
    # Q = 3 doctor visits / 1 listed = 3 > 1.9 (seed 004, Bilaga 2, Ersättningstak: "Läkarbesök
    # … högre än 1,9"); A = 3 × 400 = 1 200; 33 % × 1 200 × (3 − 1.9)/3 = 145.20
    assert named(lines, "Besökstak läkare") == {("VC1", "2019"): "-145.20"}
    records = [
        {**r, "date": r["date"].replace("2019", "2021")} if "date" in r else r for r in records
    ]
    assert named(run(tmp_path, records, "2021"), "Besökstak läkare") == {}  # not from 2021


def test_nurse_visit_cap_2016_to_2018(tmp_path):
    records = _one_listed(
        visit("N1", "P1", "VC1", "2017-02-01", "nurse"),
        visit("N2", "P1", "VC1", "2017-03-01", "nurse"),
        visit("N3", "P1", "VC1", "2017-04-01", "nurse", "home"),  # home care: not counted
    )
    # Q = 2/1 > 1.0 ("Sjuksköterskebesök … högre än 1,0"); A = 800; 0.33 × 800 × (2 − 1)/2 = 132
    assert named(run(tmp_path, records, "2017"), "Besökstak sjuksköterska") == {
        ("VC1", "2017"): "-132.00"
    }
    records = [
        {**r, "date": r["date"].replace("2017", "2019")} if "date" in r else r for r in records
    ]
    assert named(run(tmp_path, records, "2019"), "Besökstak sjuksköterska") == {}


def _four_listed(year: int, psychosocial_visits: int) -> list[dict]:
    records = [provider("VC1")]
    for n in range(4):
        records += [*person(f"P{n}", "1980-01-01"), listing(f"P{n}", "VC1", "2015-01-01")]
    records += [
        visit(f"S{k}", "P0", "VC1", f"{year}-0{k + 2}-01", "psychosocial")
        for k in range(psychosocial_visits)
    ]
    return records


def test_psychosocial_visit_cap_by_year(tmp_path):
    name = "Besökstak psykosociala insatser"
    # 2016: 1 visit / 4 listed = 0.25 > 0.20 (seed 004, Bilaga 2, Ersättningstak, 2016);
    # A = 400; 0.33 × 400 × (0.25 − 0.20)/0.25 = 26.40
    assert named(run(tmp_path, _four_listed(2016, 1), "2016"), name) == {("VC1", "2016"): "-26.40"}
    # 2017: 0.25 ≤ 0.30 (2017–2018 level): no deduction
    assert named(run(tmp_path, _four_listed(2017, 1), "2017"), name) == {}
    # 2019: 3/4 = 0.75 > 0.50 (2019–2020 level); A = 1 200; 0.33 × 1 200 × 0.25/0.75 = 132
    assert named(run(tmp_path, _four_listed(2019, 3), "2019"), name) == {("VC1", "2019"): "-132.00"}


def test_home_care_visit_cap_2016_to_2018(tmp_path):
    records = [
        provider("VC1"),
        *person("OLD", "1948-01-01"),  # 70 in 2018
        *person("YOUNG", "1980-01-01"),
        listing("OLD", "VC1", "2015-01-01"),
        listing("YOUNG", "VC1", "2015-01-01"),
    ]
    records += [
        visit(f"H{k}", "OLD", "VC1", f"2018-02-{k + 1:02d}", "nurse", "home") for k in range(7)
    ]
    records.append(visit("H7", "OLD", "VC1", "2018-03-01", "assistant_nurse", "home"))
    records.append(visit("H8", "OLD", "VC1", "2018-03-02", "doctor", "home"))  # not ssk/usk
    # Q = 8 home visits by ssk/usk / 1 listed aged 65+ = 8 > 7.0 (seed 004, Bilaga 2,
    # Ersättningstak); A = 8 × 400 = 3 200; 0.33 × 3 200 × (8 − 7)/8 = 132
    assert named(run(tmp_path, records, "2018"), "Besökstak hemsjukvård") == {
        ("VC1", "2018"): "-132.00"
    }


def test_mental_health_visit_cap_2021_to_2022(tmp_path):
    records = _one_listed(visit("M1", "P1", "VC1", "2022-03-01", "psychosocial"))
    # Q = 1/1 > 0.70 (seed 004, Bilaga 2, "Insatser för psykisk hälsa … högre än 0,70");
    # A = 400; 0.33 × 400 × (1 − 0.7)/1 = 39.60
    assert named(run(tmp_path, records, "2022"), "Besökstak insatser för psykisk hälsa") == {
        ("VC1", "2022"): "-39.60"
    }
    records = _one_listed(visit("M1", "P1", "VC1", "2023-03-01", "psychosocial"))
    assert named(run(tmp_path, records, "2023"), "Besökstak insatser för psykisk hälsa") == {}


def test_cap_covers_the_new_clinic_uplift(tmp_path):
    records = [
        provider("VC5", start_date="2021-01-15"),
        *person("P1", "1980-01-01"),
        listing("P1", "VC5", "2021-01-15"),
        visit("M1", "P1", "VC5", "2021-03-10", "psychosocial"),
    ]
    lines = run(tmp_path, records, "2021")
    assert named(lines, "Nystartad mottagning: höjd besöksersättning") == {
        ("VC5", "2021-03"): "200.00"
    }
    # listed on the first of February–December: mean 11/12; Q = 1/(11/12) = 12/11 > 0.70;
    # A = 400 + 200 = 600; 0.33 × 600 × (12/11 − 0.7)/(12/11) = 198 × 4.3/12 = 70.95
    assert named(lines, "Besökstak insatser för psykisk hälsa") == {("VC5", "2021"): "-70.95"}


# ---------------------------------------------------------------- goal-related payments

QUALITY = "Kvalitetsområden: måluppfyllelse"
PENALTY = "Vite kvalitetsområden: måluppfyllelse"


def test_quality_bonus(tmp_path):
    records = [
        provider("VC1"),
        provider("VC2"),
        provider("VC3"),
        *person("P1", "1980-01-01"),
        *person("P2", "1980-01-01"),
        *person("P3", "1980-01-01"),
        listing("P1", "VC1", "2015-01-01"),
        listing("P2", "VC2", "2022-07-15"),  # listed on the first of August–December
        listing("P3", "VC3", "2015-01-01"),  # no result reported: no line
        result("VC1", QUALITY, "2022", "0.5"),
        result("VC2", QUALITY, "2022", "1"),
        result("VC1", QUALITY, "2021", "1"),
        result("VC1", QUALITY, "2016", "0.2"),
    ]
    # 2022: max 30 kr per listed (seed 004, Bilaga 2, Kvalitet 2022 "Max 30 kr/listad"):
    # VC1 30 × 1 × 0.5 = 15; VC2 30 × 5/12 listed × 1 = 12.50
    assert named(run(tmp_path, records, "2022"), "Kvalitetsersättning") == {
        ("VC1", "2022"): "15.00",
        ("VC2", "2022"): "12.50",
    }
    # 2021: January at 45 (FFU 2020), February–December at 26 (2021 "Max 26 kr/listad"):
    # (45 + 11 × 26)/12 = 331/12 = 27.5833… → 27.58
    assert named(run(tmp_path, records, "2021"), "Kvalitetsersättning") == {
        ("VC1", "2021"): "27.58"
    }
    # 2016: "Max 45 kr/listad" × 0.2 = 9
    assert named(run(tmp_path, records, "2016"), "Kvalitetsersättning") == {("VC1", "2016"): "9.00"}


def test_quality_penalty(tmp_path):
    records = [
        provider("VC1"),
        *person("P1", "1980-01-01"),
        listing("P1", "VC1", "2015-01-01"),
        result("VC1", PENALTY, "2022", "0.6"),
        result("VC1", PENALTY, "2023", "0.25"),
        result("VC1", PENALTY, "2021", "0"),
    ]
    # 2022 "Max 15 kr/listad": −15 × (1 − 0.6) = −6 (seed 004, Bilaga 2, "Vite", as DOMAIN §5)
    assert named(run(tmp_path, records, "2022"), "Vite kvalitet") == {("VC1", "2022"): "-6.00"}
    # 2023 "Max 10 kr/listad": −10 × 0.75 = −7.50
    assert named(run(tmp_path, records, "2023"), "Vite kvalitet") == {("VC1", "2023"): "-7.50"}
    # 2021: January 15, February–December 10: −(15 + 110)/12 = −10.4166… → −10.42
    assert named(run(tmp_path, records, "2021"), "Vite kvalitet") == {("VC1", "2021"): "-10.42"}


def test_care_guarantee_bonus(tmp_path):
    name = "Medicinsk bedömning inom 3 dagar"
    records = [
        provider("VC1"),
        *person("P1", "1980-01-01"),
        *person("P2", "1980-01-01"),
        *person("P3", "1980-01-01"),
        listing("P1", "VC1", "2015-01-01"),
        listing("P2", "VC1", "2015-01-01"),
        listing("P3", "VC1", "2022-05-15"),  # not listed on 1 May
        result("VC1", name, "2021-01", "0.9"),  # before FFU 2021: no bonus
        result("VC1", name, "2021-02", "0.9"),
        result("VC1", name, "2022-03", "0.85"),
        result("VC1", name, "2022-04", "0.849"),
        result("VC1", name, "2022-05", "0.9"),
    ]
    lines = named(run(tmp_path, records, "2021-01..2022-05"), "Bonus vårdgaranti")
    # "4 kr/listad o månad Om ≥85% …" (seed 004, Bilaga 2, "Bonus uppfylld vårdgaranti"):
    # 2 listed on the first of the month × 4 = 8 when the share is at least 85 %
    assert lines == {
        ("VC1", "2021-02"): "8.00",
        ("VC1", "2022-03"): "8.00",  # exactly 85 %
        ("VC1", "2022-04"): "0.00",  # 84.9 %: reported but not met
        ("VC1", "2022-05"): "8.00",
    }


def test_emergency_clinic_penalty_2016_to_2017(tmp_path):
    records = [
        provider("VC1", area="Nacka", anordnar_närakut=False),
        provider("VC2", area="Nacka", anordnar_närakut=True),
        provider("VC3", area="Solna", anordnar_närakut=False),
        provider("VC4", area="Rinkeby-Kista"),
    ]
    for n, clinic in enumerate(("VC1", "VC1", "VC1", "VC2", "VC3", "VC4")):
        records += [*person(f"P{n}", "1980-01-01"), listing(f"P{n}", clinic, "2015-01-01")]
    lines = named(run(tmp_path, records, "2016-05"), "Vite närakut")
    # "Vite per listad, 2,70 kr per månad" in Nacka … (seed 004, Bilaga 2, 2016): −2.70 × 3
    assert lines == {("VC1", "2016-05"): "-8.10"}
    assert named(run(tmp_path, records, "2018-05"), "Vite närakut") == {}  # "NEJ borttaget"


# ---------------------------------------------------------------- the acceptance run


def _acceptance_expected() -> dict:
    """The fixture husläkare_2022.jsonl by hand (FFU 2022, seed 004, Bilaga 2)."""
    lines = {}
    for m in range(1, 13):
        month = f"2022-{m:02d}"
        if m <= 6:
            # VC1: P1 (2, 390), P2 (41, 310), P3 (69, 1117): 1 817/12 = 151.4166…
            lines[("VC1", month, "Listningsersättning ålder")] = "151.42"
            # CNI 1.2 + 0.8 + 1.0 = 3.0 × 410/12 = 102.50; ACG 0.5 + 1.0 + 1.5 = 3.0 × 100
            lines[("VC1", month, "Listningsersättning CNI")] = "102.50"
            lines[("VC1", month, "Listningsersättning ACG")] = "300.00"
        else:
            # P3 moved to VC2 on 2022-06-21: (390 + 310)/12 = 58.33; CNI 2.0 × 410/12 = 68.33;
            # ACG 1.5 × 100 = 150
            lines[("VC1", month, "Listningsersättning ålder")] = "58.33"
            lines[("VC1", month, "Listningsersättning CNI")] = "68.33"
            lines[("VC1", month, "Listningsersättning ACG")] = "150.00"
        # P2 aged 16–68: 37/12 = 3.0833…
        lines[("VC1", month, "Koordinering sjukskrivna")] = "3.08"
        if m <= 4:
            # VC2: P4 (81): 1 217/12 = 101.4166…; CNI 1.5 × 410/12 = 51.25; ACG 2.5 × 100
            lines[("VC2", month, "Listningsersättning ålder")] = "101.42"
            lines[("VC2", month, "Listningsersättning CNI")] = "51.25"
            lines[("VC2", month, "Listningsersättning ACG")] = "250.00"
        elif m <= 6:
            # + P5 (9) from 2022-04-15: (1 217 + 310)/12 = 127.25; CNI 3.5 × 410/12 = 119.5833…;
            # ACG 2.5 + 0.4 = 2.9 × 100
            lines[("VC2", month, "Listningsersättning ålder")] = "127.25"
            lines[("VC2", month, "Listningsersättning CNI")] = "119.58"
            lines[("VC2", month, "Listningsersättning ACG")] = "290.00"
        else:
            # + P3 (70) from 2022-06-21, P4's ACG 3.0 from 2022-07-01:
            # (1 217 + 310 + 1 117)/12 = 220.33; CNI 4.5 × 410/12 = 153.75; ACG 4.9 × 100
            lines[("VC2", month, "Listningsersättning ålder")] = "220.33"
            lines[("VC2", month, "Listningsersättning CNI")] = "153.75"
            lines[("VC2", month, "Listningsersättning ACG")] = "490.00"
        if m >= 5:
            # P5 aged 6–17: 205/12 = 17.0833…
            lines[("VC2", month, "Psykisk hälsa barn och unga")] = "17.08"
    # Health promotion: mean listed VC1 (6 × 3 + 6 × 2)/12 = 2.5, VC2 (4 + 2 × 2 + 6 × 3)/12
    # = 26/12; 415 000/2 each + 6.5 Mkr × 2.5/(56/12) = 15/28 and 13/28:
    # VC1 207 500 + 3 482 142.857… = 3 689 642.857… → 3 689 642.86 (largest remainder),
    # VC2 207 500 + 3 017 857.142… → 3 225 357.14
    lines[("VC1", "2022", "Hälsofrämjande insatser")] = "3689642.86"
    lines[("VC2", "2022", "Hälsofrämjande insatser")] = "3225357.14"
    return lines


def test_acceptance_run_on_listing_data_only(capsys):
    data = FIXTURES / "husläkare_2022.jsonl"
    code = main(
        [
            "run",
            str(STDLIB / MODEL),
            "--data",
            str(data),
            "--period",
            "2022",
            "--param",
            f"besöksersättning={FEES}",
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    statement = json.loads(out)
    got = {(x["payee"], x["period"], x["name"]): x["amount"] for x in statement["lines"]}
    assert got == _acceptance_expected()


def test_besoksersattning_is_the_only_required_parameter():
    required = [name for name, p in hl().checked.symbols.params.items() if p.value is None]
    assert required == ["besöksersättning"]
