"""The models of other regions and national care mediation:
stdlib_rules/halland/episod.ersl, jönköping/ögon.ersl, alingsås/äldreomsorg.ersl and
nationell/vårdförmedling.ersl (seed 000_9d4395d8d41cc7b8.txt; DOMAIN §1).

Every expected amount is computed by hand in a comment; amounts the sources do
not give are required parameters, set here to round test values.

The contract-level tests of Halland, Alingsås and national care mediation are contract
tests beside the models (stdlib_rules/*/…_test.ersl, run by
tests/test_contract_tests_examples.py). Jönköping's stays here: its procedure fees are a
`table of code kva`, which a test cannot write inline (table bands are literals, and a
text band does not fit a code key: E0405), so the test writes them to a CSV file.
"""

from __future__ import annotations

from test_stdlib_support import model, patient, provider, settle, visit

# ---------------------------------------------------------------- Region Jönköping


def test_jonkoping_fee_for_service(tmp_path):
    fees = tmp_path / "atgarder.csv"
    fees.write_text("key,value\nCJE20,9000\nCKD15,2500\n", encoding="utf-8")
    records = [
        provider("OGON"),
        patient("P1", "1950-01-01"),
        visit("V1", "P1", "OGON", "2022-03-01", "doctor"),
        visit("V2", "P1", "OGON", "2022-03-02", "nurse"),
        *[
            {
                "type": "procedure",
                "id": id,
                "patient": "P1",
                "provider": "OGON",
                "date": date,
                "code": code,
            }
            for id, date, code in (("O1", "2022-03-10", "CJE20"), ("O2", "2022-03-11", "CKD15"))
        ],
    ]
    params = {
        "besöksersättning": "table of Profession { doctor -> 800 kr, else -> 500 kr }",
        "åtgärdsersättning": str(fees),
    }
    lines = settle(model("jönköping/ögon.ersl"), tmp_path, records, "2022-03", params)
    # fee for service (seed 000, "Åtgärdsbaserad ersättning": "ersätts för varje genomförd
    # vårdåtgärd"): visits 800 + 500; procedures 9 000 + 2 500
    assert lines == {
        ("OGON", "2022-03", "Besöksersättning"): "1300.00",
        ("OGON", "2022-03", "Åtgärdsersättning"): "11500.00",
    }
