"""Tables keyed by codes, and text ordering, in the columnar engine.

A table keyed by codes tries its bands in order; a text band is a code pattern
(`ersl.interpreter.codes.code_band`): a code, a prefix `X*`, or a range cut to the
bounds' length, dots removed and upper case on both sides. The property generates
such tables (bands in any order, with or without `else`) and procedures with codes
spelt with dots, lower case and non-ASCII letters, and requires the columnar
statement (or error) to be the unit-by-unit reference's; a code no band holds is the
reference's error. `x.id < r.id` compares text by code point in both.
`ERSL_COLUMNAR_EXAMPLES=2000 pytest tests/interpreter/test_interp_columnar_codes.py`
runs a long search (CI runs 40 examples).
"""

from __future__ import annotations

import json
import os
from fractions import Fraction

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interp_helpers import contract, patient, provider
from test_interp_columnar import settled

SETTINGS = settings(
    max_examples=int(os.environ.get("ERSL_COLUMNAR_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

CODES = ["CJE20", "cje20", "CJE.20", "CKD15", "ckd1", "CK", "CKE00", "NFB49", "ÅAB10", "Z9"]
PATTERNS = ['"CJE20"', '"CKD*"', '"CJ*"', '"CKA" to "CKE"', '"cjd" to "ck"', '"N*"', '"ÅAB10"']
IDS = ["A1", "a1", "B", "Å2", "b10", "B9"]


def _total(found: tuple) -> Fraction:
    assert found[0] == "statement", found
    return sum(Fraction(line["amount"]) for line in json.loads(found[1])["lines"])


def _source(bands: list[str], where: str) -> str:
    rows = "\n".join(f"  {band} -> {100 * (i + 1)} kr" for i, band in enumerate(bands))
    return contract(
        f"""
param avgift = table of code kva {{
{rows}
}}

payment "Åtgärd" {{
  kind   variable
  per    Procedure r{where}
  amount avgift(r.code)
}}
"""
    )


def _procedures(codes: list[tuple[str, str]]) -> list[dict]:
    records = [provider("VC1"), patient("P1", "1950-03-10")]
    for i, (pid, code) in enumerate(codes):
        records.append(
            {
                "type": "procedure",
                "id": pid,
                "patient": "P1",
                "provider": "VC1",
                "date": f"2022-0{1 + i % 9}-15",
                "code": code,
            }
        )
    return records


@SETTINGS
@given(
    bands=st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=4, unique=True),
    default=st.booleans(),
    codes=st.lists(
        st.tuples(st.sampled_from(IDS), st.sampled_from(CODES)),
        min_size=1,
        max_size=5,
        unique_by=lambda c: c[0],
    ),
    where=st.sampled_from(["", ' where r.id < "B"', ' where r.id >= "a"']),
)
def test_code_tables_settle_exactly_as_unit_by_unit(bands, default, codes, where):
    source = _source(bands + (["else"] if default else []), where)
    records = _procedures(codes)
    fast, report = settled(source, records, "columnar")
    event(f"{fast[0]}: {report.get('Åtgärd', '')[:40]}")
    assert fast == settled(source, records, None)[0]


def test_a_code_table_compiles_and_prices_each_code_by_its_first_band():
    # Bands in order: "CJE20" 100 kr, "CKD*" 200 kr, "CKA" to "CKE" 300 kr, else 400 kr.
    # cje.20 → CJE20: 100; CKD15: 200 (before the range); CKE00 cut to CKE: 300;
    # NFB49: 400. Total 1 000 kr, and the payment is columnar.
    source = _source(['"CJE20"', '"CKD*"', '"CKA" to "CKE"', "else"], "")
    records = _procedures([("A1", "cje.20"), ("A2", "CKD15"), ("A3", "CKE00"), ("A4", "NFB49")])
    found, report = settled(source, records, "columnar")
    assert report == {"Åtgärd": "columnar"}
    assert found == settled(source, records, None)[0]
    assert _total(found) == 1000


def test_text_ordering_compiles():
    # "A1" < "B" and "B" is not: A1's code CJE20 (100 kr) is paid, B's is not
    source = _source(['"CJE20"', "else"], ' where r.id < "B"')
    found, report = settled(source, _procedures([("A1", "CJE20"), ("B", "CJE20")]), "columnar")
    assert report == {"Åtgärd": "columnar"}
    assert _total(found) == 100
