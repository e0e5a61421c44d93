"""The runnable examples: each settles to its expected statement, and every line of
that statement is computed here by hand from the contract's rules and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ersl.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PARAMS = {
    "primary_care": ["--param", f"visit_fee={EXAMPLES / 'primary_care' / 'fees.csv'}"],
    "hospital": ["--param", "drg_price=48000kr", "--param", "outlier_threshold=1000000kr"],
    "hip_knee": [],
}


def _primary_care() -> dict:
    lines = {}
    for month in range(1, 13):
        period = f"2022-{month:02d}"
        if month <= 2:
            # P1 (81 on the 1st, 75 and over: 1217/12 = 101.4166…) and P2 (age 1, 0–5: 390/12 = 32.5),
            # P2's listing ends 2022-02-15 so she is listed on 1 January and 1 February:
            # 101.4166… + 32.5 = 133.9166… → 133.92
            lines[("VC1", period, "Listningsersättning ålder")] = "133.92"
            # CNI 1.5 + 0.8 = 2.3 × 410/12 = 78.5833… → 78.58
            lines[("VC1", period, "Listningsersättning CNI")] = "78.58"
            # ACG 2.0 + 0.5 = 2.5 × 1200/12 = 250
            lines[("VC1", period, "Listningsersättning ACG")] = "250.00"
        else:
            lines[("VC1", period, "Listningsersättning ålder")] = "101.42"  # 1217/12
            lines[("VC1", period, "Listningsersättning CNI")] = "51.25"  # 1.5 × 410/12
            lines[("VC1", period, "Listningsersättning ACG")] = "200.00"  # 2.0 × 1200/12
    # Doctor visits of an 81-year-old at her own clinic: fee 200 × weight 1.5 = 300 (video counts too)
    for period in ("2022-03", "2022-04", "2022-05"):
        lines[("VC1", period, "Besöksersättning")] = "300.00"
    # Cap: 3 doctor visits / mean listed (2 + 2 + 10 × 1)/12 = 7/6 → Q = 18/7 > L = 1.9;
    # A = 900; deduction 0.33 × 900 × (18/7 − 1.9)/(18/7) = 297 × 47/180 = 77.55
    lines[("VC1", "2022", "Besökstak läkare")] = "-77.55"
    # Indicator 113: P1 is listed on 2022-12-31, had I11.0 in the last 900 days and a blood
    # pressure in the last 450 days: 1/1 = 100 % ≥ target 95 % → attainment 1;
    # pot 30 kr/year × 12 months × average listed 7/6 = 35
    lines[("VC1", "2022", "Kvalitetsersättning")] = "35.00"
    return lines


def _hospital() -> dict:
    return {
        # 70 % × 48 000 × 100 target points = 3 360 000
        ("SJH", "2022", "Målvolym"): "3360000.00",
        # S1 1.25 + S2 2.4 = 3.65 points × 48 000 × 30 % = 52 560 (S1 cost 52 000 is no outlier)
        ("SJH", "2022-02", "DRG-produktion"): "52560.00",
        # S3 costs 1 350 000 > 1 000 000: paid at cost, and not by DRG
        ("SJH", "2022-03", "Kostnadsytterfall"): "1350000.00",
        # S4 0.875 × 48 000 × 30 % = 12 600
        ("SJH", "2022-11", "DRG-produktion"): "12600.00",
    }


def _hip_knee() -> dict:
    return {
        # OP1 (NFB49) starts an episode: 56 300 to ORT in February; the pre-op visit V1 (12 days
        # before) and the rehab stay S1 (within 6 days after) are covered and paid by no fee.
        ("ORT", "2022-02", "Höft- och knäprotes"): "56300.00",
        # V2: the first follow-up within 3 months (at most 1), performed by SJH: SJH is paid its
        # fee 1 500 and ORT is charged the same in the month of the visit.
        ("SJH", "2022-04", "Besök"): "1500.00",
        ("ORT", "2022-04", "Höft- och knäprotes: charge"): "-1500.00",
        # V3: a second follow-up, beyond `at most 1`: an ordinary visit fee to ORT.
        ("ORT", "2022-04", "Besök"): "1500.00",
        # OP3 (NGB29) starts P2's episode in May.
        ("ORT", "2022-05", "Höft- och knäprotes"): "56300.00",
        # V4 is no follow-up and not covered: its fee.
        ("ORT", "2022-06", "Besök"): "1500.00",
        # S2 at SJH, not rehab: 3 000 × 3 days (1–4 August) = 9 000
        ("SJH", "2022-08", "Vårddygn"): "9000.00",
        # OP2 (NFC19) is a reoperation within P1's 2-year warranty performed by SJH:
        # SJH is paid 40 000 and ORT charged 40 000.
        ("SJH", "2022-09", "Operation"): "40000.00",
        ("ORT", "2022-09", "Höft- och knäprotes: charge"): "-40000.00",
    }


EXPECTED = {"primary_care": _primary_care, "hospital": _hospital, "hip_knee": _hip_knee}


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_settles_to_its_hand_computed_statement(example, capsys):
    folder = EXAMPLES / example
    args = ["run", str(folder / "contract.ersl"), "--data", str(folder / "data.jsonl")]
    code = main([*args, "--period", "2022", *PARAMS[example], "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    statement = json.loads(out)
    got = {(x["payee"], x["period"], x["name"]): x["amount"] for x in statement["lines"]}
    assert got == EXPECTED[example]()
    # the checked-in expected statement is the same (and so byte-identical output is tested)
    assert out == (folder / "expected.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_totals_are_sums_of_lines(example, capsys):
    folder = EXAMPLES / example
    main(
        [
            "run",
            str(folder / "contract.ersl"),
            "--data",
            str(folder / "data.jsonl"),
            "--period",
            "2022",
            *PARAMS[example],
            "--format",
            "json",
        ]
    )
    statement = json.loads(capsys.readouterr().out)
    from fractions import Fraction

    for payee, totals in statement["totals"].items():
        amounts = [Fraction(x["amount"]) for x in statement["lines"] if x["payee"] == payee]
        assert Fraction(totals["total"]) == sum(amounts)


def test_every_library_and_example_file_checks(capsys):
    from conftest import repo_ersl_files

    files = [str(p) for p in repo_ersl_files()]
    assert files, "no .ersl files found"
    code = main(["check", *files])
    assert code == 0, capsys.readouterr().out
