"""stdlib_rules/stockholm/husläkare.ersl: Stockholm primary care 2016–2023.

Every expected amount is computed by hand in a comment from the seed figure
(seed 004 = 004_887ea947c2495c54.txt, Bilaga 2, the FFU table by year; DOMAIN §5).
The visit fee is the required parameter `besöksersättning`: 400 kr for every
profession here (tests/stdlib/fixtures/fees.csv).

The contract-level tests of the model (capitation by year, each payment, cap and
goal-related payment) are contract tests in stdlib_rules/stockholm/husläkare_test.ersl,
run by tests/test_contract_tests_examples.py. What stays here: the new-clinic uplift
that ends after 4 000 listed (4 001 patients, generated, too many to write as given
records), the acceptance run through `ersl run --format json` on a fixture, and the
model's parameter declarations read through the Python API.
"""

from __future__ import annotations

import json

from test_stdlib_support import (
    FEES,
    FIXTURES,
    STDLIB,
    listing,
    model,
    named,
    patient,
    provider,
    settle,
    visit,
)

from ersl.checker.dependencies import is_optional_param
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


# ---------------------------------------------------------------- new clinic uplift


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
        # No care-guarantee share reported: it scores 0 and keeps its weight (issue 12),
        # so each clinic's monthly bonus is 4 kr × listed × 0 = 0.00.
        lines[("VC1", month, "Bonus vårdgaranti")] = "0.00"
        lines[("VC2", month, "Bonus vårdgaranti")] = "0.00"
    # Health promotion: mean listed VC1 (6 × 3 + 6 × 2)/12 = 2.5, VC2 (4 + 2 × 2 + 6 × 3)/12
    # = 26/12; 415 000/2 each + 6.5 Mkr × 2.5/(56/12) = 15/28 and 13/28:
    # VC1 207 500 + 3 482 142.857… = 3 689 642.857… → 3 689 642.86 (largest remainder),
    # VC2 207 500 + 3 017 857.142… → 3 225 357.14
    lines[("VC1", "2022", "Hälsofrämjande insatser")] = "3689642.86"
    lines[("VC2", "2022", "Hälsofrämjande insatser")] = "3225357.14"
    # Nothing reported for the quality areas: attainment 0 (issue 12: an unreported
    # indicator scores 0), so no quality bonus and the whole penalty, 15 kr/year × the
    # mean listed: VC1 15 × 2.5 = 37.50, VC2 15 × 26/12 = 32.50.
    lines[("VC1", "2022", "Kvalitetsersättning")] = "0.00"
    lines[("VC2", "2022", "Kvalitetsersättning")] = "0.00"
    lines[("VC1", "2022", "Vite kvalitet")] = "-37.50"
    lines[("VC2", "2022", "Vite kvalitet")] = "-32.50"
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
    symbols = hl().checked.symbols
    without_value = [name for name, p in symbols.params.items() if p.value is None]
    required = [
        name
        for name in without_value
        if not is_optional_param(symbols.params[name], symbols.param_types.get(name))
    ]
    assert required == ["besöksersättning"]
    # the figures the sources lack are optional: the lines reading them wait for them
    assert sorted(set(without_value) - set(required)) == [
        "besöksvikt_80_år",
        "konferens_med_patient_ersättning",
        "läkemedelsgenomgång_tillägg",
        "samverkan_kommun_ersättning",
        "sip_ersättning",
        "teambesöksersättning",
        "vårdplanering_i_hemmet_ersättning",
    ]


# ---------------------------------------------------------------- figures the sources lack


def test_lines_without_their_figure_are_not_paid_and_the_statement_says_so(tmp_path, capsys):
    records = [
        provider("VC1"),
        *person("P1", "1935-01-01"),  # 86
        listing("P1", "VC1", "2020-01-01"),
        {**visit("V1", "P1", "VC1", "2021-03-10"), "team": ["doctor", "nurse"]},
        {
            "type": "meeting",
            "id": "M1",
            "patient": "P1",
            "date": "2021-04-01",
            "kind": "SIP",
            "participants": ["VC1"],
        },
    ]
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    args = ["run", str(STDLIB / MODEL), "--data", str(data), "--period", "2021-03..2021-04"]
    code = main([*args, "--param", f"besöksersättning={FEES}", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    statement = json.loads(out)
    got = {(x["payee"], x["period"], x["name"]): x["amount"] for x in statement["lines"]}
    # the visit fee is paid (400); the team visit, the SIP and the 80+ supplement are not
    assert got[("VC1", "2021-03", "Besöksersättning")] == "400.00"
    assert not {name for _, _, name in got} & {"Teambesök", "SIP", "Besökstillägg 80 år och äldre"}
    # every line of FFU 2021 that waits for a figure is named, with the figure
    notices = {n["name"]: n["parameters"] for n in statement["notices"]}
    assert notices == {
        "Besökstillägg 80 år och äldre": ["besöksvikt_80_år"],
        "Kostnadsansvar: besökstillägg 80 år och äldre": ["besöksvikt_80_år"],
        "Teambesök": ["teambesöksersättning"],
        "SIP": ["sip_ersättning"],
        "Vårdplanering i hemmet": ["vårdplanering_i_hemmet_ersättning"],
        "Konferens med patient": ["konferens_med_patient_ersättning"],
        "Samverkan med kommuner": ["samverkan_kommun_ersättning"],
        "Fördjupad läkemedelsgenomgång": ["läkemedelsgenomgång_tillägg"],
    }
