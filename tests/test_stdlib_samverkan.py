"""The nine forms of payment for collaboration, stdlib_rules/samverkan/ (seed
001_cdbefeeac885d020.txt §4, "Tabell 4"; DOMAIN §2): one hand-computed test per model.

The source gives no amounts: every amount is a required parameter, set here to
round test values; each comment shows the arithmetic.
"""

from __future__ import annotations

from test_stdlib_support import listing, model, named, patient, provider, result, settle, visit


def _run(tmp_path, name, records, period, params):
    return settle(model(f"samverkan/{name}.ersl"), tmp_path, records, period, params)


def test_fixed_weighting(tmp_path):
    records = [
        provider("VC1"),
        *[patient(f"P{n}", "1950-01-01") for n in (1, 2, 3)],
        *[listing(f"P{n}", "VC1", "2020-01-01") for n in (1, 2, 3)],
        {"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "multisjuk": True},
        {"type": "patient_attribute", "patient": "P2", "from": "2022-01-01", "multisjuk": False},
        {"type": "patient_attribute", "patient": "P2", "from": "2022-03-15", "multisjuk": True},
    ]
    params = {"kapitering": "1200 kr/year", "multisjuk_vikt": "1.5"}
    lines = _run(tmp_path, "fast_viktning", records, "2022-03..2022-04", params)
    assert lines == {
        # 1 200/12 = 100 a month; P1 multimorbid × 1.5: 150 + 100 + 100 (P3 unknown: no weight)
        ("VC1", "2022-03", "Kapitering viktad för multisjuka"): "350.00",
        # P2 multimorbid from 15 March, so from April: 150 + 150 + 100
        ("VC1", "2022-04", "Kapitering viktad för multisjuka"): "400.00",
    }


def test_fixed_aggregation(tmp_path):
    enrol = [("P1", "2021-12-01", None), ("P2", "2022-01-15", "2022-02-20")]
    records = [provider("HEM"), patient("P1", "1930-01-01"), patient("P2", "1930-01-01")]
    for p, start, end in enrol:
        record = {"type": "enrolment", "patient": p, "provider": "HEM", "start": start}
        if end:
            record["end"] = end
        records.append(record)
    lines = _run(
        tmp_path,
        "fast_aggregering",
        records,
        "2022-01..2022-03",
        {"klumpersättning": "5000 kr/month"},
    )
    # one lump sum per person enrolled on the first of the month: P1 every month, P2 on
    # 1 February only
    assert named(lines, "Klumpersättning hemsjukvård och hemtjänst") == {
        ("HEM", "2022-01"): "5000.00",
        ("HEM", "2022-02"): "10000.00",
        ("HEM", "2022-03"): "5000.00",
    }


def test_fixed_direct(tmp_path):
    records = [
        provider("VC1", samverkansprojekt_start="2022-03-01", samverkansprojekt_slut="2022-08-31"),
        provider("VC2", vårdcoacher="1.5"),
        provider("VC3", samverkansprojekt_start="2022-05-15"),
    ]
    params = {"projektanslag": "10000 kr/month", "vårdcoachanslag": "600000 kr/year"}
    lines = _run(tmp_path, "fast_direkt", records, "2022", params)
    # project grant for each month whose last day lies within the project:
    # VC1 March–August, VC3 (no end) May–December
    expected = {("VC1", f"2022-{m:02d}"): "10000.00" for m in range(3, 9)}
    expected |= {("VC3", f"2022-{m:02d}"): "10000.00" for m in range(5, 13)}
    assert named(lines, "Projektanslag samverkan") == expected
    # care coaches: 600 000/12 × 1.5 = 75 000 a month
    assert named(lines, "Anslag vårdcoach") == {
        ("VC2", f"2022-{m:02d}"): "75000.00" for m in range(1, 13)
    }


def test_variable_weighting(tmp_path):
    records = [
        provider("VC1"),
        patient("P1", "1947-05-01"),  # 75 on the visit date: not "över 75"
        patient("P2", "1946-01-01"),  # 76
        patient("P3", "1982-01-01"),
        *[visit(f"V{n}", f"P{n}", "VC1", "2022-05-10") for n in (1, 2, 3)],
    ]
    params = {"besöksersättning": "300 kr", "vikt_över_75": "1.2"}
    lines = _run(tmp_path, "rörlig_viktning", records, "2022-05", params)
    # 300 + 300 × 1.2 + 300 = 960
    assert lines == {("VC1", "2022-05", "Besöksersättning viktad för äldre"): "960.00"}


def test_variable_aggregation(tmp_path):
    records = [
        provider("MAIN"),
        provider("SEC"),
        patient("P1", "1960-01-01"),
        patient("P2", "1960-01-01"),
        visit("V1", "P1", "MAIN", "2022-03-01", kind="episodstart"),
        visit("V2", "P1", "MAIN", "2022-03-10"),  # in the episode, main provider: not paid
        visit("V3", "P1", "SEC", "2022-04-01"),  # in the episode (to 2022-04-30), other provider
        visit("V4", "P1", "MAIN", "2022-05-15"),  # after the episode
        visit("V5", "P2", "SEC", "2022-04-20"),  # no episode
    ]
    params = {
        "episodersättning": "20000 kr",
        "episodlängd": "60 days",
        "besöksersättning": "500 kr",
    }
    lines = _run(tmp_path, "rörlig_aggregering", records, "2022", params)
    assert lines == {
        ("MAIN", "2022-03", "Vårdepisod"): "20000.00",
        # V3 and V5: 2 × 500 to SEC; MAIN pays SEC's part of its episode (V3)
        ("SEC", "2022-04", "Besöksersättning"): "1000.00",
        ("MAIN", "2022-04", "Vårdepisod: charge"): "-500.00",
        ("MAIN", "2022-05", "Besöksersättning"): "500.00",
    }


def test_variable_direct(tmp_path):
    records = [
        provider("SJH"),
        provider("VC1"),
        provider("KOM"),
        patient("P1", "1935-01-01"),
        {
            "type": "meeting",
            "id": "M1",
            "date": "2022-06-01",
            "kind": "vårdplanering",
            "participants": ["SJH", "VC1", "KOM"],
        },
        {
            "type": "meeting",
            "id": "M2",
            "date": "2022-06-10",
            "kind": "vårdplanering",
            "participants": ["VC1"],
        },
        {
            "type": "meeting",
            "id": "M3",
            "date": "2022-06-12",
            "kind": "SIP",
            "participants": ["VC1"],
        },
        visit("C1", "P1", "VC1", "2022-06-05", "nurse", kind="vårdcoach"),
        visit("C2", "P1", "VC1", "2022-06-06", "nurse"),
    ]
    params = {"vårdplaneringsersättning": "1500 kr", "vårdcoachersättning": "400 kr"}
    lines = _run(tmp_path, "rörlig_direkt", records, "2022-06", params)
    assert lines == {
        # every participant is paid, whoever else takes part: M1 to three providers, M2 to VC1
        ("SJH", "2022-06", "Gemensam vårdplanering"): "1500.00",
        ("KOM", "2022-06", "Gemensam vårdplanering"): "1500.00",
        ("VC1", "2022-06", "Gemensam vårdplanering"): "3000.00",
        ("VC1", "2022-06", "Vårdcoachens aktiviteter"): "400.00",
    }


def test_goal_related_weighting(tmp_path):
    records = [provider("VC1"), provider("VC2")]
    births = {"E1": "1942-01-01", "E2": "1944-01-01", "E3": "1932-01-01", "E4": "1946-01-01"}
    births |= {"E5": "1940-01-01", "Y1": "1982-01-01"}
    for p, born in births.items():
        records += [patient(p, born), listing(p, "VC1", "2015-01-01")]
    records += [
        visit("T1", "E1", "VC1", "2022-03-01", kind="hälsosamtal"),
        visit("T2", "E2", "VC1", "2022-04-01", kind="läkemedelsgenomgång"),
        visit("T3", "E3", "VC2", "2022-05-01", kind="hälsosamtal"),  # at another clinic
        visit("T4", "E4", "VC1", "2022-06-01", kind="hälsosamtal"),
        visit("T5", "E5", "VC1", "2021-12-01", kind="hälsosamtal"),  # the year before
        visit("T6", "Y1", "VC1", "2022-06-01", kind="hälsosamtal"),  # not elderly
    ]
    params = {
        "äldre_från_ålder": "75",
        "ersättning_per_listad_äldre": "100 kr/year",
        "målnivå_min": "50 %",
        "målnivå_mål": "80 %",
    }
    lines = _run(tmp_path, "mål_viktning", records, "2022", params)
    # 5 listed aged 75+ (E1–E5), 3 had a talk or review at VC1 in 2022: 60 %;
    # (60 − 50)/(80 − 50) = 1/3 of the pot 100 × 5 = 500 → 166.67
    assert lines == {("VC1", "2022", "Målrelaterad ersättning äldre"): "166.67"}


def test_goal_related_aggregation(tmp_path):
    records = [provider(p) for p in ("A", "B", "C", "D")]
    records += [result(p, "Vårdkedjans resultat", "2022", "0.75") for p in ("A", "B", "C")]
    params = {"pott_per_vårdgivare": "50000 kr", "målnivå_min": "60 %", "målnivå_mål": "90 %"}
    lines = _run(tmp_path, "mål_aggregering", records, "2022", params)
    # the chain's 75 %: (75 − 60)/(90 − 60) = 0.5 × 50 000 to each provider of the chain
    assert lines == {
        (p, "2022", "Ersättning för vårdkedjans resultat"): "25000.00" for p in ("A", "B", "C")
    }


def test_goal_related_direct(tmp_path):
    records = [
        provider("VC1"),
        provider("VC2"),
        *[patient(f"P{n}", "1970-01-01") for n in range(1, 5)],
        listing("P1", "VC1", "2015-01-01"),
        listing("P2", "VC1", "2015-01-01"),
        listing("P3", "VC2", "2015-01-01"),
        *[visit(f"A{n}", "P1", "VC1", f"2022-0{n + 1}-01") for n in range(3)],
        visit("A3", "P1", "VC2", "2022-05-01"),
        visit("B1", "P2", "VC1", "2022-05-02"),
        visit("B2", "P2", "VC2", "2022-05-03"),
        visit("C1", "P3", "VC2", "2022-05-04"),
        visit("C2", "P3", "VC2", "2022-05-05"),
        visit("D1", "P4", "VC1", "2022-05-06"),  # unlisted: in no population
        result("VC1", "Upplevd samordning", "2022", "0.7"),
    ]
    params = {
        "pott_kontinuitet": "10000 kr",
        "pott_upplevd_samordning": "20000 kr",
        "kontinuitet_min": "50 %",
        "kontinuitet_mål": "90 %",
        "samordning_min": "60 %",
        "samordning_mål": "80 %",
    }
    lines = _run(tmp_path, "mål_direkt", records, "2022", params)
    assert lines == {
        # VC1's listed patients made 6 visits, 4 at VC1: 2/3; (2/3 − 0.5)/0.4 = 5/12 of
        # 10 000 = 4 166.666… → 4 166.67
        ("VC1", "2022", "Ersättning för kontinuitet"): "4166.67",
        # VC2: 2 of 2 visits at VC2: 100 % ≥ 90 %
        ("VC2", "2022", "Ersättning för kontinuitet"): "10000.00",
        # VC1's reported 70 %: (70 − 60)/(80 − 60) = 0.5 × 20 000; VC2 reported nothing
        ("VC1", "2022", "Ersättning för upplevd samordning"): "10000.00",
    }
