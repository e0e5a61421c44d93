"""SPEC §3.3 parameters, tables and dated values; §3.4 functions; required input."""

from __future__ import annotations

import pytest
from interp_helpers import (
    assert_clean_error,
    attribute,
    contract,
    listing,
    patient,
    provider,
    run_cli,
    settle,
    visit,
)

from ersl.errors import ErslError

# ---------------------------------------------------------------- tables


def test_table_bands_to_and_over_under_eq(tmp_path):
    src = contract("""
param band_fee = table of int {
  under 10    -> 1 kr
  10 to 19    -> 2 kr
  = 20        -> 3 kr
  21 and over -> 4 kr
}
payment "Fee" {
  kind   variable
  per    Visit v
  amount band_fee(age(v.patient))
}
""")
    # every visit on 2022-06-01; each patient at its own provider so each line is one key
    births = {
        "A9": "2013-06-01",  # 9 → under 10 → 1 kr
        "B10": "2012-06-01",  # 10 (birthday that day) → 10 to 19 → 2 kr
        "C19": "2003-06-01",  # 19 → 10 to 19 (upper bound inclusive) → 2 kr
        "D20": "2002-06-01",  # 20 → = 20 → 3 kr
        "E20": "2001-06-02",  # 20 (21 only the next day) → 3 kr
        "F21": "2001-06-01",  # 21 → 21 and over → 4 kr
    }
    records = []
    for pid, born in births.items():
        records += [
            provider(f"Q{pid}"),
            patient(pid, born),
            visit(f"V{pid}", pid, f"Q{pid}", "2022-06-01"),
        ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("QA9", "2022-06", "Fee"): "1.00",
        ("QB10", "2022-06", "Fee"): "2.00",
        ("QC19", "2022-06", "Fee"): "2.00",
        ("QD20", "2022-06", "Fee"): "3.00",
        ("QE20", "2022-06", "Fee"): "3.00",
        ("QF21", "2022-06", "Fee"): "4.00",
    }


def test_table_enum_members_and_else(tmp_path):
    src = contract("""
param fee = table of Profession {
  doctor   -> 300 kr
  = nurse  -> 150 kr
  else     -> 100 kr
}
payment "Fee" {
  kind   variable
  per    Visit v
  amount fee(v.profession)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01", profession="doctor"),  # 300
        visit("V2", "P1", "VC1", "2022-03-02", profession="nurse"),  # 150
        visit("V3", "P1", "VC1", "2022-03-03", profession="dietitian"),  # else: 100
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {("VC1", "2022-03", "Fee"): "550.00"}  # 300 + 150 + 100


def test_table_text_keys(tmp_path):
    src = contract("""
param kind_fee = table of text {
  "preop"  -> 80 kr
  else     -> 20 kr
}
payment "Fee" {
  kind   variable
  per    Visit v where v.kind != none
  amount kind_fee(v.kind otherwise "")
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01", kind="preop"),  # 80
        visit("V2", "P1", "VC1", "2022-03-02", kind="followup"),  # else: 20
        visit("V3", "P1", "VC1", "2022-03-03"),  # no kind: filtered
    ]
    assert settle(tmp_path, src, records).lines == {("VC1", "2022-03", "Fee"): "100.00"}


def test_table_decimal_key_and_first_band_that_holds(tmp_path):
    # bands are tried in order; 1.5 is in both `1 to 1.5` and `1.5 and over`: the first wins
    src = contract("""
param cni_rate = table of decimal {
  under 1     -> 0 kr/year
  1 to 1.5    -> 120 kr/year
  1.5 and over -> 240 kr/year
}
payment "CNI" {
  kind   fixed
  per    listed patient p at q each month
  amount cni_rate(p.cni otherwise 0)
}
""")
    records = [
        provider("VC1"),
        provider("VC2"),
        provider("VC3"),
        patient("P1"),
        patient("P2"),
        patient("P3"),
        attribute("P1", "2020-01-01", cni="1.5"),  # 120 kr/year / 12 = 10
        attribute("P2", "2020-01-01", cni="1.5000001"),  # 240 kr/year / 12 = 20
        attribute("P3", "2020-01-01", cni="0.99"),  # 0
        listing("P1", "VC1", "2020-01-01"),
        listing("P2", "VC2", "2020-01-01"),
        listing("P3", "VC3", "2020-01-01"),
    ]
    result = settle(tmp_path, src, records, period="2022-03")
    assert result.lines == {
        ("VC1", "2022-03", "CNI"): "10.00",
        ("VC2", "2022-03", "CNI"): "20.00",
        ("VC3", "2022-03", "CNI"): "0.00",  # a unit worth 0 is still a line
    }


def test_table_key_outside_every_band_is_an_error(tmp_path, capsys):
    # a decimal key in the hole between `0 to 5` and `6 to 64`
    src = contract("""
param band_rate = table of decimal {
  0 to 5   -> 100 kr/year
  6 to 64  -> 200 kr/year
}
payment "CNI" {
  kind   fixed
  per    listed patient p at q each month
  amount band_rate(p.cni otherwise 0)
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        attribute("P1", "2020-01-01", cni="5.5"),
        listing("P1", "VC1", "2020-01-01"),
    ]
    code, out, err = run_cli(capsys, tmp_path, src, records, period="2022-03")
    assert_clean_error(code, out, err, "band_rate", "5.5", "P1", '"CNI"')


# ---------------------------------------------------------------- dated values


def test_dated_value_chosen_by_the_context_date(tmp_path):
    src = contract("""
param fee: money = dated {
  from 2021-01-01 -> 100 kr
  from 2022-07-01 -> 200 kr
}
payment "Fee" {
  kind   variable
  per    Visit v
  amount fee
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-06-30"),  # 100 in force
        visit("V2", "P1", "VC1", "2022-07-01"),  # 200 from that day
        visit("V3", "P1", "VC1", "2022-07-31"),  # 200
    ]
    result = settle(tmp_path, src, records)
    assert result.lines == {
        ("VC1", "2022-06", "Fee"): "100.00",
        ("VC1", "2022-07", "Fee"): "400.00",  # 200 + 200
    }


def test_dated_rate_on_listed_basis_uses_first_of_month(tmp_path):
    src = contract("""
param acg_rate: money per year = dated {
  from 2021-02-01 -> 1133 kr/year
  from 2022-03-02 -> 1200 kr/year
}
payment "ACG" {
  kind   fixed
  per    listed patient p at q each month
  amount acg_rate
}
""")
    records = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2020-01-01")]
    result = settle(tmp_path, src, records, period="2022-03..2022-04")
    assert result.lines == {
        # context date 2022-03-01 is before 2022-03-02: 1133 / 12 = 94.4166… → 94.42
        ("VC1", "2022-03", "ACG"): "94.42",
        ("VC1", "2022-04", "ACG"): "100.00",  # 1200 / 12
    }


def test_dated_table(tmp_path):
    src = contract("""
param age_rate = dated {
  from 2022-01-01 -> table of int {
    0 to 64     -> 1200 kr/year
    65 and over -> 2400 kr/year
  }
  from 2022-07-01 -> table of int {
    0 to 64     -> 600 kr/year
    65 and over -> 3600 kr/year
  }
}
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}
""")
    records = [
        provider("VC1"),
        patient("P1", "1950-01-01"),  # 72
        patient("P2", "1990-01-01"),  # 32
        listing("P1", "VC1", "2020-01-01"),
        listing("P2", "VC1", "2020-01-01"),
    ]
    result = settle(tmp_path, src, records, period="2022-06..2022-07")
    assert result.lines == {
        ("VC1", "2022-06", "Cap"): "300.00",  # (2400 + 1200) / 12 = 300
        ("VC1", "2022-07", "Cap"): "350.00",  # (3600 + 600) / 12 = 350
    }


def test_date_before_first_dated_entry_is_an_error(tmp_path, capsys):
    src = contract("""
param fee: money = dated {
  from 2022-06-01 -> 100 kr
}
payment "Fee" {
  kind   variable
  per    Visit v
  amount fee
}
""")
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-05-31")]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, "`fee`", "2022-05-31", "V1", '"Fee"')


# ---------------------------------------------------------------- required parameters


REQUIRED = """
param visit_fee: money
payment "Fee" {
  kind   variable
  per    Visit v
  amount visit_fee
}
"""


def test_required_parameter_missing_is_an_error(tmp_path, capsys):
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-01")]
    code, out, err = run_cli(capsys, tmp_path, contract(REQUIRED), records)
    assert_clean_error(code, out, err, "visit_fee")
    with pytest.raises(ErslError) as raised:
        settle(tmp_path / "api", contract(REQUIRED), records)
    assert "visit_fee" in str(raised.value.render(colour=False))


def test_param_value_on_the_command_line(tmp_path, capsys):
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01"),
        visit("V2", "P1", "VC1", "2022-03-02"),
    ]
    code, out, err = run_cli(
        capsys, tmp_path, contract(REQUIRED), records, params=["visit_fee=225kr"]
    )
    assert code == 0, err
    import json

    lines = json.loads(out)["lines"]
    assert [(ln["payee"], ln["period"], ln["amount"]) for ln in lines] == [
        ("VC1", "2022-03", "450.00")  # 2 × 225
    ]
    # the API takes the same text
    api = settle(tmp_path / "api", contract(REQUIRED), records, params={"visit_fee": "200 kr"})
    assert api.lines == {("VC1", "2022-03", "Fee"): "400.00"}  # 2 × 200


def test_param_table_from_csv(tmp_path, capsys):
    src = contract("""
param fee: table of Profession -> money
payment "Fee" {
  kind   variable
  per    Visit v
  amount fee(v.profession)
}
""")
    fees = tmp_path / "fees.csv"
    fees.write_text("key,value\ndoctor,300\nnurse,150.50 kr\n", encoding="utf-8")
    records = [
        provider("VC1"),
        patient("P1"),
        visit("V1", "P1", "VC1", "2022-03-01", profession="doctor"),
        visit("V2", "P1", "VC1", "2022-03-02", profession="nurse"),
    ]
    code, out, err = run_cli(capsys, tmp_path, src, records, params=[f"fee={fees}"])
    assert code == 0, err
    import json

    assert json.loads(out)["lines"][0]["amount"] == "450.50"  # 300 + 150.50
    # a key missing from the input table is a run-time error naming table and key
    records.append(visit("V3", "P1", "VC1", "2022-03-03", profession="dietitian"))
    code, out, err = run_cli(capsys, tmp_path, src, records, params=[f"fee={fees}"])
    assert_clean_error(code, out, err, "`fee`", "dietitian", "V3")


def test_param_default_overridden(tmp_path):
    src = contract("""
param visit_fee: money = 100 kr
payment "Fee" {
  kind   variable
  per    Visit v
  amount visit_fee
}
""")
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-01")]
    assert settle(tmp_path, src, records).lines == {("VC1", "2022-03", "Fee"): "100.00"}
    overridden = settle(tmp_path / "o", src, records, params={"visit_fee": "125.50 kr"})
    assert overridden.lines == {("VC1", "2022-03", "Fee"): "125.50"}


# ---------------------------------------------------------------- functions


def test_functions_are_called_with_the_callers_context_date(tmp_path):
    src = contract("""
param age_rate = table of int {
  0 to 64     -> 1200 kr/year
  65 and over -> 2400 kr/year
}
function rate_for(p: Patient): money per year = age_rate(age(p))
function doubled(x: money per year): money per year = x * 2
function attainment(result: decimal, low: decimal, high: decimal): decimal =
  if result >= high then 1
  else if result <= low then 0
  else (result - low) / (high - low)
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount doubled(rate_for(p)) * attainment(0.85, 0.8, 0.9)
}
""")
    records = [
        provider("VC1"),
        patient("P1", "1957-04-15"),  # 64 on 2022-04-01, 65 on 2022-05-01
        listing("P1", "VC1", "2020-01-01"),
    ]
    result = settle(tmp_path, src, records, period="2022-04..2022-05")
    # attainment(0.85, 0.8, 0.9) = 0.05 / 0.1 = 0.5
    assert result.lines == {
        ("VC1", "2022-04", "Cap"): "100.00",  # 1200 × 2 × 0.5 / 12 = 100
        ("VC1", "2022-05", "Cap"): "200.00",  # 2400 × 2 × 0.5 / 12 = 200
    }


WARRANTY = """
codeset joints: kva { "NFB*" }
param garanti: duration in months
param lång_garanti: duration in years = 1 year

function garantins_slut(d: date, längd: duration in months): date = d + längd

bundle "Protes" {
  trigger  Procedure op where op.code in joints
  price    50000 kr
  warranty {
    covers  Procedure r where r.code == "NFS19"
    period  garanti
  }
}

payment "Åtgärd" {
  kind   variable
  per    Procedure r
  amount 20000 kr
}

payment "Inom ett år" {
  kind   variable
  per    Procedure r where r.code == "NFS19" and r.date <= garantins_slut(2022-01-10, lång_garanti)
  amount 1 kr
}
"""


def _procedure(id: str, date: str, code: str) -> dict:
    return {
        "type": "procedure",
        "id": id,
        "patient": "P1",
        "provider": "VC1",
        "date": date,
        "code": code,
    }


def test_a_duration_in_months_given_on_the_command_line(tmp_path, capsys):
    records = [
        provider("VC1"),
        patient("P1"),
        _procedure("T1", "2022-01-10", "NFB49"),
        _procedure("R1", "2022-04-10", "NFS19"),  # T + 3 months = 2022-04-10: covered
        _procedure("R2", "2022-04-11", "NFS19"),  # one day later: paid 20000 kr
    ]
    code, out, err = run_cli(
        capsys, tmp_path, contract(WARRANTY), records, params=["garanti=3months"]
    )
    assert code == 0, err
    import json

    lines = {(ln["period"], ln["name"]): ln["amount"] for ln in json.loads(out)["lines"]}
    # "Inom ett år": R1 and R2 are on or before 2022-01-10 + 1 year (12 months), but R1
    # is covered by the warranty (no per-event payment): 1 × 1 kr
    assert lines == {
        ("2022-01", "Protes"): "50000.00",
        ("2022-04", "Åtgärd"): "20000.00",
        ("2022-04", "Inom ett år"): "1.00",
    }


def test_a_duration_in_days_is_not_a_duration_in_months(tmp_path, capsys):
    records = [provider("VC1"), patient("P1"), _procedure("T1", "2022-01-10", "NFB49")]
    code, out, err = run_cli(
        capsys, tmp_path, contract(WARRANTY), records, params=["garanti=90days"]
    )
    assert_clean_error(
        code,
        out,
        err,
        "the parameter `garanti` is duration in months, but `90days` is duration in days",
        "give a duration in months, e.g. 3months or 1year",
    )


def test_the_complement_of_a_percent_is_a_percent(tmp_path):
    """Issue 12: "(100 % − 30 %) × price" written as the source writes it."""
    source = contract(
        """
param rabatt: percent = 30 %
payment "Besök" {
  kind   variable
  per    Visit v
  amount (100 % - rabatt) * 1000 kr + (100 % - 12.5 %) * 8 kr
}
"""
    )
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-01")]
    # (1 − 0.30) × 1000 = 700; (1 − 0.125) × 8 = 7: 707.00
    assert settle(tmp_path, source, records).lines == {("VC1", "2022-03", "Besök"): "707.00"}


def test_a_table_keyed_by_codes_takes_code_patterns_as_bands(tmp_path):
    """Issue 12: fee schedules written inline, the first band that holds a code wins."""
    source = contract(
        """
param avgift = table of code kva {
  "NFB49"      -> 56300 kr
  "NFB*"       -> 40000 kr
  "NH" to "NJ" -> 100 kr
  else         -> 1 kr
}
payment "Åtgärd" {
  kind   variable
  per    Procedure r
  amount avgift(r.code)
}
"""
    )
    records = [
        provider("VC1"),
        patient("P1"),
        _procedure("R1", "2022-03-01", "NFB49"),  # the exception: 56 300
        _procedure("R2", "2022-03-02", "NFB.62"),  # "NFB*" (dots ignored): 40 000
        _procedure("R3", "2022-03-03", "NJA09"),  # "NJ" within "NH".."NJ": 100
        _procedure("R4", "2022-03-04", "NKA00"),  # after the range: else, 1
    ]
    settled = settle(tmp_path, source, records)
    # 56 300 + 40 000 + 100 + 1 = 96 401
    assert settled.lines == {("VC1", "2022-03", "Åtgärd"): "96401.00"}


def test_a_code_no_band_holds_is_an_error_naming_it(tmp_path, capsys):
    source = contract(
        """
param avgift = table of code kva {
  "NFB*" -> 40000 kr
}
payment "Åtgärd" {
  kind   variable
  per    Procedure r
  amount avgift(r.code)
}
"""
    )
    records = [provider("VC1"), patient("P1"), _procedure("R1", "2022-03-01", "QXX00")]
    code, out, err = run_cli(capsys, tmp_path, source, records)
    assert_clean_error(code, out, err, "the table `avgift` has no band for QXX00", "procedure R1")
