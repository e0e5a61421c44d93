"""Run-time errors (issue #3 item 5, SPEC §4, §3.3, §3.5, §7): exit 2 with a message naming
the declaration, the entity and the value, no statement, never a traceback."""

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

LISTED = [
    provider("VC1"),
    patient("P1"),
    attribute("P1", "2020-01-01", cni="1.5"),
    listing("P1", "VC1", "2020-01-01"),
]


def test_division_by_zero(tmp_path, capsys):
    src = contract("""
payment "CNI" {
  kind   fixed
  per    listed patient p at q each month
  amount 410 kr / ((p.cni otherwise 0) - 1.5)
}
""")
    code, out, err = run_cli(capsys, tmp_path, src, LISTED, period="2022-03")
    # 1.5 − 1.5 = 0
    assert_clean_error(
        code, out, err, '"CNI"', "patient P1", "2022-03-01", "division by zero", "- 1.5` is 0"
    )


def test_missing_patient_attribute_used_in_a_calculation(tmp_path, capsys):
    src = contract("""
payment "CNI" {
  kind   fixed
  per    listed patient p at q each month
  amount 410 kr/year * p.acg
}
""")
    # P1 has a cni attribute but no acg: `p.acg` is none
    code, out, err = run_cli(capsys, tmp_path, src, LISTED, period="2022-03")
    assert_clean_error(code, out, err, '"CNI"', "P1", "p.acg", "none")


def test_attribute_not_yet_in_force_is_none(tmp_path, capsys):
    src = contract("""
payment "CNI" {
  kind   fixed
  per    listed patient p at q each month
  amount 410 kr/year * p.cni
}
""")
    records = [
        provider("VC1"),
        patient("P1"),
        attribute("P1", "2022-03-02", cni="2"),  # in force from 2022-03-02
        listing("P1", "VC1", "2020-01-01"),
    ]
    ok = settle(tmp_path / "ok", src, records, period="2022-04")
    assert ok.lines == {("VC1", "2022-04", "CNI"): "68.33"}  # 410 × 2 / 12 = 68.333… → 68.33
    # on the context date 2022-03-01 no value is in force yet
    code, out, err = run_cli(capsys, tmp_path, src, records, period="2022-03")
    assert_clean_error(code, out, err, '"CNI"', "P1", "2022-03-01", "p.cni", "none")


def test_none_in_a_condition(tmp_path, capsys):
    src = contract("""
payment "High CNI" {
  kind   fixed
  per    listed patient p at q each month where p.acg > 1
  amount 100 kr
}
""")
    code, out, err = run_cli(capsys, tmp_path, src, LISTED, period="2022-03")
    assert_clean_error(code, out, err, '"High CNI"', "P1", "p.acg", "none")


def test_none_field_of_a_none_value(tmp_path, capsys):
    src = contract("""
payment "Home clinic" {
  kind   variable
  per    Visit v
  amount 100 kr
  weight 2 when listed_at(v.patient, v.date).kind == "vc"
}
""")
    records = [provider("VC1"), patient("P1"), visit("V9", "P1", "VC1", "2022-03-05")]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, '"Home clinic"', "V9", "listed_at(v.patient, v.date)")


def test_error_inside_a_function_names_the_payment(tmp_path, capsys):
    src = contract("""
function per_visit(total: money, n: int): money = total / n
payment "Share" {
  kind   variable
  per    Visit v
  amount per_visit(100 kr, size(v.diagnoses))
}
""")
    records = [provider("VC1"), patient("P1"), visit("V7", "P1", "VC1", "2022-03-05")]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, '"Share"', "V7", "division by zero", "`n` is 0")


def test_table_key_outside_every_band(tmp_path, capsys):
    src = contract("""
param age_rate = table of int {
  0 to 5  -> 390 kr/year
  6 to 64 -> 310 kr/year
}
payment "Cap" {
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}
""")
    records = [provider("VC1"), patient("P1", "1950-01-01"), listing("P1", "VC1", "2020-01-01")]
    code, out, err = run_cli(capsys, tmp_path, src, records, period="2022-03")
    # 72 on 2022-03-01: no band
    assert_clean_error(code, out, err, "age_rate", "72", "patient P1", '"Cap"')


def test_runtime_errors_through_the_api_are_ersl_errors(tmp_path):
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
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-05")]
    with pytest.raises(ErslError) as raised:
        settle(tmp_path, src, records)
    message = raised.value.render(colour=False)
    assert "`fee`" in message and "2022-03-05" in message and "V1" in message


@pytest.mark.parametrize(
    ("params", "period", "needle"),
    [
        (["visit_fee=abc"], "2022", "visit_fee"),  # not a value
        (["visit_fee=12 %"], "2022", "visit_fee"),  # wrong type
        (["visit_fe=100kr"], "2022", "visit_fe"),  # unknown parameter
        (["visit_fee"], "2022", "NAME=VALUE"),  # no `=`
        (["visit_fee=100kr"], "2022-13", "2022-13"),  # not a period
    ],
)
def test_bad_command_line_input(tmp_path, capsys, params, period, needle):
    src = contract("""
param visit_fee: money
payment "Fee" {
  kind   variable
  per    Visit v
  amount visit_fee
}
""")
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-05")]
    code, out, err = run_cli(capsys, tmp_path, src, records, period=period, params=params)
    assert_clean_error(code, out, err, needle)


def test_age_before_the_birth_date(tmp_path, capsys):
    src = contract("""
payment "Age" {
  kind   variable
  per    Visit v
  amount 1 kr * age(v.patient)
}
""")
    # the data dates a visit before the patient's birth: an error, not a crash
    records = [provider("VC1"), patient("P1", "2022-06-15"), visit("V1", "P1", "VC1", "2022-03-10")]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, '"Age"', "V1", "P1", "2022-06-15", "2022-03-10")


def test_round_to_a_zero_increment(tmp_path, capsys):
    src = contract("""
payment "Round" {
  kind   variable
  per    Visit v
  amount round(10 kr / 3, to: 0 kr)
}
""")
    records = [provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-10")]
    code, out, err = run_cli(capsys, tmp_path, src, records)
    assert_clean_error(code, out, err, '"Round"', "V1", "0 kr", "positive")
