"""stdlib_rules/codes/ and stdlib_rules/indicators/hjärta.ersl: code-set membership
and indicators 111–115 (seed 002_974c249cd2c6d881.txt, slide "Jakten på
indikatorer"; DOMAIN §3), each result and attainment computed by hand."""

from __future__ import annotations

import pytest
from test_stdlib_support import (
    STDLIB,
    listing,
    load_source,
    observation,
    patient,
    provider,
    settle,
    visit,
)

from ersl.checker import check_file
from ersl.interpreter.codes import CodeMatcher


def _matcher(file: str, name: str) -> CodeMatcher:
    checked = check_file(STDLIB / "codes" / file)
    return CodeMatcher(checked.symbols.codesets[name])


@pytest.mark.parametrize(
    ("file", "name", "inside", "outside"),
    [
        # seed 002, "Jakten på indikatorer": "(I10* - I15*)"
        (
            "icd10.ersl",
            "ischemisk_hjärtsjukdom",
            ["I10", "I11.0", "I12.9", "I15.9"],
            ["I09", "I16", "I20.0"],
        ),
        # seed 000, "Vårdepisodersättning": all dermatology except STDs (ICD-10-SE chapter XII)
        ("icd10.ersl", "halland_dermatologi", ["L00", "L40.0", "L99.8"], ["A51.0", "K00", "M00"]),
        # seed 000: ADHD, ADD (ICD-10-SE F90, F98.8)
        ("icd10.ersl", "halland_adhd_add", ["F90.0", "F90.0B", "F98.8"], ["F91.0", "F98.0"]),
        # seed 000: depression (F32–F33)
        ("icd10.ersl", "halland_depression", ["F32.1", "F33.9"], ["F31.0", "F34.1"]),
        # seed 000: bipolar disorder (F31)
        ("icd10.ersl", "halland_bipolär", ["F31", "F31.4"], ["F30.0", "F32.0"]),
        # seed 002, "Paketersättning i praktiken": primary hip/knee arthroplasty (KVÅ NFB*, NGB*)
        ("kva.ersl", "primär_höft_knäprotes", ["NFB49", "NGB29"], ["NFC19", "NGC09", "NHB"]),
        # reoperations under the warranty (KVÅ NFC*, NGC*)
        ("kva.ersl", "reoperation_höft_knä", ["NFC19", "NGC09"], ["NFB49", "NGB29"]),
        # "antibiotikabehandling" (ATC J01*)
        ("atc.ersl", "antibiotika", ["J01CA04", "J01"], ["J02AC01", "A01"]),
    ],
)
def test_code_sets(file, name, inside, outside):
    matcher = _matcher(file, name)
    for code in inside:
        assert matcher.holds(code), (name, code)
    for code in outside:
        assert not matcher.holds(code), (name, code)


INDICATORS = [
    "111 Rökning – ischemisk hjärtsjukdom",
    "112 Längd och vikt – ischemisk hjärtsjukdom",
    "113 Blodtryck – ischemisk hjärtsjukdom",
    "114 LDL – ischemisk hjärtsjukdom",
    "115 Midjeomfång – ischemisk hjärtsjukdom",
]


def _contract(tmp_path):
    """One performance per indicator (pot 1 000 kr, so the line is 1 000 × attainment)
    scored with the library's min/target constants, and one with all five."""
    blocks = []
    for number, name in zip(range(111, 116), INDICATORS, strict=True):
        blocks.append(
            f'performance "P{number}" for provider q each year {{\n'
            f"  bonus 1000 kr\n"
            f'  indicators {{ "{name}" linear indikator_{number}_min to indikator_{number}_mål }}\n'
            f"}}\n"
        )
    all_five = "\n".join(
        f'    "{name}" linear indikator_{number}_min to indikator_{number}_mål'
        for number, name in zip(range(111, 116), INDICATORS, strict=True)
    )
    source = (
        'contract "Hjärta" { valid 2022-01-01 .. 2022-12-31 }\n'
        'use stdlib "indicators/hjärta"\n\n'
        + "\n".join(blocks)
        + '\nperformance "Alla" for provider q each year {\n  bonus 1000 kr\n  indicators {\n'
        + all_five
        + "\n  }\n}\n"
    )
    return load_source(tmp_path, source)


def _records() -> list[dict]:
    # Measurement date 2022-12-31. 900 days before: 2020-07-14; 450 days before: 2021-10-07.
    records = [provider("VC1"), provider("VC2")]
    for i in range(1, 11):
        records.append(patient(f"P{i}", "1950-01-01"))
    for i in (1, 2, 3, 4, 5, 6, 7, 10):
        records.append(listing(f"P{i}", "VC1", "2015-01-01"))
    records += [
        listing("P8", "VC2", "2015-01-01"),
        listing("P9", "VC1", "2015-01-01", "2022-12-30"),  # not listed on 2022-12-31
        # population: a diagnosis I10*–I15* in the last 900 days, recorded by anyone
        visit("D1", "P1", "VC1", "2021-03-01", diagnoses="I11.0"),
        visit("D2", "P2", "VC1", "2022-10-01", diagnoses="I15.9"),
        visit("D3", "P3", "VC1", "2022-01-10", diagnoses="I10"),
        visit("D4", "P4", "VC2", "2022-02-01", diagnoses="I12.9"),  # at another clinic: counts
        visit("D5", "P5", "VC1", "2020-07-14", diagnoses="I13"),  # exactly 900 days: counts
        visit("D6", "P6", "VC1", "2020-07-13", diagnoses="I10"),  # 901 days: not in population
        visit("D7", "P7", "VC1", "2022-05-01", diagnoses="I20.0"),  # outside I10–I15
        visit("D8", "P8", "VC2", "2022-05-01", diagnoses="I10"),  # VC2's population
        visit("D9", "P9", "VC1", "2022-05-01", diagnoses="I10"),  # listing ended
        visit("D10", "P10", "VC1", "2022-05-01", diagnoses="J45"),  # no I10–I15
    ]
    obs = [
        # 111 smoking (450 days): P1–P4 yes (P2 exactly 450 days before), P5 451 days: 4/5
        ("P1", "2022-06-01", "smoking"),
        ("P2", "2021-10-07", "smoking"),
        ("P3", "2022-06-01", "smoking"),
        ("P4", "2022-06-01", "smoking"),
        ("P5", "2021-10-06", "smoking"),
        # 112 height and weight (450 days): P1–P3 both; P4 height only, P5 weight only: 3/5
        ("P1", "2022-06-01", "height"),
        ("P1", "2022-06-01", "weight"),
        ("P2", "2022-06-01", "height"),
        ("P2", "2022-07-01", "weight"),
        ("P3", "2022-06-01", "height"),
        ("P3", "2022-06-01", "weight"),
        ("P4", "2022-06-01", "height"),
        ("P5", "2022-06-01", "weight"),
        # 113 blood pressure (450 days): all five: 5/5
        *[(f"P{i}", "2022-09-01", "blood_pressure") for i in range(1, 6)],
        # 114 LDL (900 days): P1 exactly 900 days before, P2, P3; P4 901 days; P5 none: 3/5
        ("P1", "2020-07-14", "ldl"),
        ("P2", "2022-01-01", "ldl"),
        ("P3", "2021-01-01", "ldl"),
        ("P4", "2020-07-13", "ldl"),
        # 115 waist (450 days): P1, P2; P3 too early (2021-10-06): 2/5
        ("P1", "2022-06-01", "waist"),
        ("P2", "2022-06-01", "waist"),
        ("P3", "2021-10-06", "waist"),
        # outside the population: P6, P7, P9, P10 have every measurement
        *[(p, "2022-09-01", k) for p in ("P6", "P7", "P9", "P10") for k in ("smoking", "ldl")],
    ]
    records += [observation(p, d, k, "VC1") for p, d, k in obs]
    return records


def test_indicators_111_to_115(tmp_path):
    lines = settle(_contract(tmp_path), tmp_path, _records(), "2022")
    assert lines == {
        # 111: 4/5 = 80 %, min 70 % target 90 % (seed 002, row 111 "Gräns 70-90 %"):
        # (80 − 70)/(90 − 70) = 0.5 → 1 000 × 0.5 = 500
        ("VC1", "2022", "P111"): "500.00",
        # 112: 3/5 = 60 % ≤ min 70 % (row 112 "70-90 %") → 0
        ("VC1", "2022", "P112"): "0.00",
        # 113: 5/5 = 100 % ≥ target 95 % (row 113 "80-95 %") → 1 000
        ("VC1", "2022", "P113"): "1000.00",
        # 114: 3/5 = 60 %, min 50 % target 80 % (row 114 "50-80 %"): 10/30 = 1/3 → 333.33
        ("VC1", "2022", "P114"): "333.33",
        # 115: 2/5 = 40 % ≥ target 40 % (row 115 "20-40 %") → 1 000
        ("VC1", "2022", "P115"): "1000.00",
        # all five, weight 1: (0.5 + 0 + 1 + 1/3 + 1)/5 = 17/30 → 566.67
        ("VC1", "2022", "Alla"): "566.67",
        # VC2: P8 (I10 at VC2) with no measurement: 0 % on every indicator
        ("VC2", "2022", "P111"): "0.00",
        ("VC2", "2022", "P112"): "0.00",
        ("VC2", "2022", "P113"): "0.00",
        ("VC2", "2022", "P114"): "0.00",
        ("VC2", "2022", "P115"): "0.00",
        ("VC2", "2022", "Alla"): "0.00",
    }


def test_indicator_constants_are_the_slides_figures():
    # seed 002, "Jakten på indikatorer": 111 and 112 70–90 %, 113 80–95 %, 114 50–80 %,
    # 115 20–40 %
    checked = check_file(STDLIB / "indicators" / "hjärta.ersl")
    params = checked.symbols.params
    expected = {
        111: ("70", "90"),
        112: ("70", "90"),
        113: ("80", "95"),
        114: ("50", "80"),
        115: ("20", "40"),
    }
    for number, (low, high) in expected.items():
        assert params[f"indikator_{number}_min"].value.text.split()[0] == low
        assert params[f"indikator_{number}_mål"].value.text.split()[0] == high
