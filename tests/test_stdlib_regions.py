"""The models of other regions and national care mediation:
stdlib_rules/halland/episod.ersl, jönköping/ögon.ersl, alingsås/äldreomsorg.ersl and
nationell/vårdförmedling.ersl (seed 000_9d4395d8d41cc7b8.txt; DOMAIN §1).

Every expected amount is computed by hand in a comment; amounts the sources do
not give are required parameters, set here to round test values.
"""

from __future__ import annotations

from test_stdlib_support import model, named, patient, provider, result, settle, visit

# ---------------------------------------------------------------- Region Halland


def test_halland_episodes_and_cost_ceiling(tmp_path):
    records = [
        provider("HUD", kostnadstak="25000"),
        provider("PSY", kostnadstak="100000"),
        provider("ANN"),
        *[patient(f"P{n}", "1980-01-01") for n in range(1, 5)],
        visit("V1", "P1", "HUD", "2022-01-10", diagnoses="L40.0"),  # starts an episode
        visit("V2", "P1", "ANN", "2022-03-01", diagnoses="L40.0"),  # in it: no payment
        visit("V3", "P1", "HUD", "2022-08-01", diagnoses="L40.0"),  # after 180 days: new
        visit("V4", "P2", "HUD", "2022-05-01", diagnoses="L20.9"),
        visit("V5", "P3", "PSY", "2022-02-01", diagnoses="F90.0"),  # ADHD
        visit("V6", "P3", "PSY", "2022-02-15", diagnoses="F32.1"),  # depression
        visit("V7", "P3", "PSY", "2022-06-01", diagnoses="F31.4"),  # bipolar
        visit("V8", "P4", "HUD", "2022-06-01", diagnoses="A51.0"),  # STD: not dermatology
    ]
    params = {
        "episodpris_dermatologi": "10000 kr",
        "episodpris_adhd_add": "20000 kr",
        "episodpris_depression": "15000 kr",
        "episodpris_bipolär": "18000 kr",
        **{
            f"episodlängd_{g}": "180 days"
            for g in ("dermatologi", "adhd_add", "depression", "bipolär")
        },
    }
    lines = settle(model("halland/episod.ersl"), tmp_path, records, "2022", params)
    assert lines == {
        # dermatology ("Alla dermatologiska sjukdomar, förutom sexuellt överförbara",
        # seed 000, "Vårdepisodersättning"): V1, V3 (2022-01-10 + 180 days = 2022-07-09
        # has passed), V4: three episodes × 10 000
        ("HUD", "2022-01", "Vårdepisod dermatologi"): "10000.00",
        ("HUD", "2022-05", "Vårdepisod dermatologi"): "10000.00",
        ("HUD", "2022-08", "Vårdepisod dermatologi"): "10000.00",
        # the cost ceiling ("kostnadstak", seed 000): 30 000 − 25 000 taken back
        ("HUD", "2022", "Kostnadstak"): "-5000.00",
        # "ADHD, ADD, depression och bipolärsjukdom": one episode each; 53 000 < 100 000
        ("PSY", "2022-02", "Vårdepisod ADHD och ADD"): "20000.00",
        ("PSY", "2022-02", "Vårdepisod depression"): "15000.00",
        ("PSY", "2022-06", "Vårdepisod bipolär sjukdom"): "18000.00",
    }


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


# ---------------------------------------------------------------- Alingsås


def test_alingsas_goal_related_payment(tmp_path):
    shares = {"A": "0.90", "B": "0.83", "C": "0.81", "D": "0.80", "E": "0.82"}
    records = []
    for n, (clinic, share) in enumerate(shares.items()):
        records += [
            provider(clinic),
            patient(f"U{n}", "1930-01-01"),
            {"type": "enrolment", "patient": f"U{n}", "provider": clinic, "start": "2015-06-01"},
            result(clinic, "Nöjda brukare", "2016", share),
        ]
    params = {
        "dygnsersättning": "2000 kr/day",
        "riksgenomsnitt": "80 %",
        "kommungenomsnitt": "85 %",
        "grundnivå": "2 %",
    }
    lines = settle(model("alingsås/äldreomsorg.ersl"), tmp_path, records, "2016", params)
    # the daily payment: January 31 × 2 000, February (2016 is a leap year) 29 × 2 000;
    # the year 366 × 2 000 = 732 000
    assert lines[("A", "2016-01", "Dygnsersättning")] == "62000.00"
    assert lines[("A", "2016-02", "Dygnsersättning")] == "58000.00"
    # "maximalt 3,5 procent av den totala dygnsersättningen"; paid when above the national
    # average (80 %) and not more than "3 procentenheter" below the municipal one (85 %),
    # the extra when above the municipal average (seed 000, "Målrelaterad ersättning"):
    # A 90 % > 85 %: 3.5 % × 732 000 = 25 620; B 83 % and E 82 % (exactly 85 − 3): the
    # payment without the extra, 2 % × 732 000 = 14 640; C 81 % < 82 %; D 80 % not > 80 %
    assert named(lines, "Målrelaterad ersättning") == {
        ("A", "2016"): "25620.00",
        ("B", "2016"): "14640.00",
        ("E", "2016"): "14640.00",
    }


# ---------------------------------------------------------------- national care mediation


def _stay(id, patient_id, provider_id, start, end, weight, complication=False):
    return {
        "type": "stay",
        "id": id,
        "patient": patient_id,
        "provider": provider_id,
        "start": start,
        "end": end,
        "drg_weight": weight,
        "komplikation": complication,
    }


def test_national_care_mediation(tmp_path):
    records = [
        provider("REC"),
        provider("OTH"),
        patient("P1", "1960-01-01"),
        patient("P2", "1960-01-01"),
        _stay("S1", "P1", "REC", "2022-02-01", "2022-02-05", "2.0"),
        _stay("C1", "P1", "REC", "2022-03-01", "2022-03-03", "0.5", True),  # own, in period
        _stay("C2", "P1", "OTH", "2022-04-10", "2022-04-12", "1.0", True),  # other, in period
        _stay("C3", "P1", "OTH", "2022-06-01", "2022-06-02", "1.0", True),  # after the period
        _stay("S2", "P2", "OTH", "2022-07-01", "2022-07-04", "1.5"),
    ]
    params = {"drg_pris": "50000 kr", "komplikationsansvar": "90 days"}
    lines = settle(model("nationell/vårdförmedling.ersl"), tmp_path, records, "2022", params)
    assert lines == {
        # the DRG price list (seed 000, "DRG-baserade prislistor"): 2.0 × 50 000, 1.5 × 50 000
        ("REC", "2022-02", "Förmedlad vård"): "100000.00",
        ("OTH", "2022-07", "Förmedlad vård"): "75000.00",
        # C1: REC's own complication within 90 days of 2022-02-01: nothing more.
        # C2: treated by OTH within the period: OTH paid 1.0 × 50 000, REC charged the same
        ("OTH", "2022-04", "Komplikation och reoperation"): "50000.00",
        ("REC", "2022-04", "Förmedlad vård: charge"): "-50000.00",
        # C3: after 2022-05-02: paid by the price list, nobody charged
        ("OTH", "2022-06", "Komplikation och reoperation"): "50000.00",
    }
