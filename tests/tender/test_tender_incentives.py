"""`ersl incentives` (issue 15 §4): what one more unit pays a provider, computed by
settling perturbed data. Hand-computed on fixtures/diff/old.ersl (see
test_tender_diff.py for the base statement: A 4000.00, B 1300.00)."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest

import ersl.api as api
from ersl.cli import main
from ersl.tender.incentives import age_bands, marginal

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = (FIXTURES / "old.ersl").read_text(encoding="utf-8")
DATA = FIXTURES / "data.jsonl"


def rows(result):
    return {(r.group, r.label): r for r in result.rows}


def test_one_more_patient_and_visit_at_a_provider_above_its_cap():
    """A: a new listed patient aged 0 (band 0 to 64): 12 × 1200/12 = +1200.00; aged 65:
    +2400.00. One more visit: Besök +100; A then has 6 visits, 3 above the limit 3:
    Tak −50 % × 3 × 100 = −150 instead of −100, so −50: +50.00 in all."""
    contract = api.load(FIXTURES / "old.ersl")
    data = api.read_data([DATA], contract)
    result = marginal(contract, data, "2022", {}, "A")
    assert result.base_total == 4000
    got = rows(result)
    assert got["listed patient", "aged 0"].change == 1200
    assert got["listed patient", "aged 65"].change == 2400
    doctor = got["visit", "doctor (physical, P1)"]
    assert doctor.change == 50 and doctor.payments == (("Besök", F(100)), ("Tak", F(-50)))
    assert "no listed patient has a CNI value: no CNI deciles" in result.notes


def test_below_the_cap_a_visit_pays_the_whole_fee():
    """B has 1 visit: a second is below the limit 3: +100.00, no cap line."""
    contract = api.load(FIXTURES / "old.ersl")
    data = api.read_data([DATA], contract)
    got = rows(marginal(contract, data, "2022", {"fee": "130 kr"}, "B"))
    assert got["visit", "nurse (physical, P2)"].payments == (("Besök", F(130)),)


def test_one_percentage_point_more_on_a_reported_indicator(tmp_path):
    """A bonus of 1000 kr a year scored linear 0–100 % on a reported result of 0.5:
    500.00; at 0.51: 510.00, +10.00. A result elsewhere (B) is not touched."""
    text = OLD + (
        '\nindicator "Nöjdhet" reported\n\nperformance "Bonus" for provider q each year {\n'
        '  bonus      1000 kr\n  indicators {\n    "Nöjdhet" linear 0 % to 100 %\n  }\n}\n'
    )
    contract_path = tmp_path / "c.ersl"
    contract_path.write_text(text, encoding="utf-8")
    data_path = tmp_path / "d.jsonl"
    data_path.write_text(
        DATA.read_text(encoding="utf-8")
        + '{"type": "indicator_result", "provider": "A", "indicator": "Nöjdhet", "period": "2022", "value": 0.5}\n'
        + '{"type": "indicator_result", "provider": "B", "indicator": "Nöjdhet", "period": "2022", "value": 0.9}\n',
        encoding="utf-8",
    )
    contract = api.load(contract_path)
    data = api.read_data([data_path], contract)
    result = marginal(contract, data, "2022", {}, "A")
    row = rows(result)["indicator", "Nöjdhet +1 pp"]
    assert row.change == 10 and row.payments == (("Bonus", F(10)),)


def test_age_bands_and_cni_deciles_of_the_example_clinic():
    """examples/primary_care: age bands 0, 6, 65, 75 (its age table) and 80 (its weight
    `age(v.patient) >= 80`); CNI deciles of VC1's listed patients (0.8 and 1.5)."""
    contract = api.load(Path(__file__).resolve().parents[2] / "examples/primary_care/contract.ersl")
    assert age_bands(contract) == [0, 6, 65, 75, 80]


def test_an_unknown_provider_is_e1504(capsys):
    code = main(
        [
            "incentives",
            str(FIXTURES / "old.ersl"),
            "--data",
            str(DATA),
            "--provider",
            "AA",
            "--period",
            "2022",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "E1504" in err and "no provider `AA`" in err and "did you mean `A`" in err


def test_the_command_outputs(tmp_path, capsys):
    args = [
        "incentives",
        str(FIXTURES / "old.ersl"),
        "--data",
        str(DATA),
        "--provider",
        "A",
        "--period",
        "2022",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "A, 2022: total 4000.00; what one more unit pays:" in out
    assert "doctor (physical, P1)" in out and "+50.00  Besök +100.00, Tak -50.00" in out
    assert main([*args, "--format", "json", "-o", str(tmp_path / "i.json")]) == 0
    doc = json.loads((tmp_path / "i.json").read_text(encoding="utf-8"))
    assert doc["format"] == "ersl.incentives/1" and doc["rows"][0]["change"] == "1200.00"
    assert main([*args, "--format", "csv"]) == 0
    assert 'visit,"doctor (physical, P1)",Tak,-50.00' in capsys.readouterr().out
    report = tmp_path / "r.html"
    assert main(["report", *args[1:], "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "Marginal incentives of A" in html
    assert html.count("<svg ") == 5  # the statement's four charts and the incentives'


@pytest.mark.parametrize("provider", ["A", "B"])
def test_incentives_are_exact_differences_of_statements(provider, tmp_path):
    """The row of a new patient aged 65 equals settling the data with that patient
    added by hand."""
    contract = api.load(FIXTURES / "old.ersl")
    data = api.read_data([DATA], contract)
    row = rows(marginal(contract, data, "2022", {}, provider))["listed patient", "aged 65"]
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        '{"type": "patient", "id": "X", "birth_date": "1956-12-31"}\n'
        f'{{"type": "listing", "patient": "X", "provider": "{provider}", "start": "2022-01-01"}}\n',
        encoding="utf-8",
    )
    before = contract.settle(data, "2022").totals()[provider]["total"]
    after = contract.settle(api.read_data([DATA, extra], contract), "2022").totals()[provider][
        "total"
    ]
    assert row.change == after - before == 2400


def test_one_more_complication_under_warranty():
    """examples/hip_knee: one more joint reoperation (a KVÅ code of joint_reoperation,
    NFC99) 30 days after ORT's operation OP1, done at another clinic (SJH): the
    procedure is paid 40 000 kr per event ("Operation") and, under the 2-year warranty,
    charged to ORT, the bundle's provider: −40 000.00 for ORT."""
    repo = Path(__file__).resolve().parents[2]
    contract = api.load(repo / "examples/hip_knee/contract.ersl")
    data = api.read_data([repo / "examples/hip_knee/data.jsonl"], contract)
    result = marginal(contract, data, "2022", {}, "ORT")
    row = rows(result)["complication under warranty", "Höft- och knäprotes: NFC99 after OP1"]
    assert row.change == -40000
    assert row.payments == (("Höft- och knäprotes: charge", F(-40000)),)
    assert "no listed patient: no visits" in result.notes
