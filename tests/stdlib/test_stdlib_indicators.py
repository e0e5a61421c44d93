"""stdlib_rules/codes/ and stdlib_rules/indicators/hjärta.ersl: code-set membership
and indicators 111–115 (seed 002_974c249cd2c6d881.txt, slide "Jakten på
indikatorer"; DOMAIN §3), each result and attainment computed by hand.

Settling the indicators (a wrapper contract with one performance per indicator) is a
contract test in stdlib_rules/indicators/hjärta_test.ersl; code-set membership and the
library's constants are read through the Python API here."""

from __future__ import annotations

import pytest
from test_stdlib_support import STDLIB

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
