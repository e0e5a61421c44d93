"""Parameters without a figure are loud (issue #12, addition 5): an optional parameter
(`T?` without a value) that is not given leaves every line reading it unsettled, with a
notice in every output format; a required parameter is demanded only by the lines the
run settles that read it."""

from __future__ import annotations

import json

import pytest
from interp_helpers import assert_clean_error, contract, patient, provider, run_cli, settle, visit

from ersl.errors import ErslError

RECORDS = [
    provider("VC1"),
    patient("P1"),
    visit("V1", "P1", "VC1", "2022-03-01", mode="home"),
    visit("V2", "P1", "VC1", "2022-03-05"),
]

SOURCE = contract(
    """
param fee: money
param extra: money?
param old_fee: money
param doubled_extra = extra * 2

function home_extra(v: Visit): money = if v.mode == home then doubled_extra else 0 kr

payment "Besök" {
  kind   variable
  per    Visit v
  amount fee
}

payment "Hembesök" {
  kind   variable
  per    Visit v where v.mode == home
  amount extra
}

payment "Hembesök dubbelt" {
  kind   variable
  per    Visit v
  amount home_extra(v)
}

payment "Andel" {
  kind   variable
  per    provider q each year
  amount paid("Hembesök", q) * 10 %
}

payment "Gammal" {
  kind   variable
  per    Visit v
  amount old_fee
  valid  2021-01-01 .. 2021-12-31
}
""",
    valid="2021-01-01 .. 2022-12-31",
)


def test_an_absent_optional_parameter_leaves_its_readers_unpaid_with_a_notice(tmp_path):
    settled = settle(tmp_path, SOURCE, RECORDS, params={"fee": "100 kr"})
    # Besök: 2 visits × 100 kr = 200 kr; the readers of `extra` (directly, through a
    # parameter and a function) have no lines; "Andel" reads `paid("Hembesök")`, which
    # is 0 kr (SPEC §6.5), so it is paid 0 kr × 10 % = 0.00 with its one unit.
    assert settled.lines == {
        ("VC1", "2022-03", "Besök"): "200.00",
        ("VC1", "2022", "Andel"): "0.00",
    }
    notices = settled.json["notices"]
    assert [n["name"] for n in notices] == ["Hembesök", "Hembesök dubbelt"]
    assert notices[0] == {
        "name": "Hembesök",
        "kind": "payment",
        "parameters": ["extra"],
        "message": 'payment "Hembesök" not paid: parameter `extra` not given',
        "source": "contract.ersl:20",
    }
    assert notices[1]["parameters"] == ["extra"]  # through `doubled_extra` and a function


def test_the_notice_is_in_the_text_and_csv_outputs_too(tmp_path):
    statement = settle(tmp_path, SOURCE, RECORDS, params={"fee": "100 kr"}).statement
    text = statement.to_text()
    assert "Not settled:" in text
    assert 'payment "Hembesök" not paid: parameter `extra` not given (contract.ersl:20)' in text
    rows = statement.to_csv().splitlines()
    assert ",2022,Hembesök,notice,,,contract.ersl:20: not paid: parameter `extra` not given" in rows


def test_given_the_optional_parameter_every_reader_is_paid(tmp_path):
    settled = settle(tmp_path, SOURCE, RECORDS, params={"fee": "100 kr", "extra": "30 kr"})
    # Hembesök: the home visit V1, 30 kr; Hembesök dubbelt: V1 2 × 30 = 60 kr, V2 0 kr;
    # Andel: 10 % of Hembesök's 30 kr = 3 kr.
    assert settled.lines == {
        ("VC1", "2022-03", "Besök"): "200.00",
        ("VC1", "2022-03", "Hembesök"): "30.00",
        ("VC1", "2022-03", "Hembesök dubbelt"): "60.00",
        ("VC1", "2022", "Andel"): "3.00",
    }
    assert "notices" not in settled.json  # the ersl.statement/1 shape is unchanged


def test_no_notice_for_a_line_the_run_does_not_settle(tmp_path):
    source = SOURCE.replace(
        "per    Visit v where v.mode == home\n  amount extra",
        "per    Visit v where v.mode == home\n  amount extra\n  valid  2021-01-01 .. 2021-12-31",
    )
    settled = settle(tmp_path, source, RECORDS, params={"fee": "100 kr"})
    assert [n["name"] for n in settled.json["notices"]] == ["Hembesök dubbelt"]


def test_a_required_parameter_is_demanded_only_when_a_settled_line_reads_it(tmp_path, capsys):
    # `old_fee` is read only by "Gammal", valid in 2021: settling 2022 does not need it
    settle(tmp_path / "ok", SOURCE, RECORDS, params={"fee": "100 kr"})
    with pytest.raises(ErslError) as raised:
        settle(tmp_path / "2021", SOURCE, RECORDS, period="2021", params={"fee": "100 kr"})
    text = raised.value.render(colour=False)
    assert "error[E0901]: the parameter `old_fee` has no value" in text
    assert 'payment "Gammal" reads it in 2021' in text
    code, out, err = run_cli(capsys, tmp_path / "cli", SOURCE, RECORDS)
    assert_clean_error(code, out, err, "`fee` has no value", 'payment "Besök" reads it in 2022')
    assert "old_fee" not in err


def test_a_required_parameter_read_through_paid_is_demanded(tmp_path):
    source = contract(
        """
param rate: percent
payment "Bas" {
  kind   variable
  per    Visit v
  amount 100 kr * rate
  valid  2021-01-01 .. 2021-12-31
}
payment "Tillägg" {
  kind   variable
  per    provider q each year
  amount paid("Bas", q) + 1 kr
}
"""
    )
    with pytest.raises(ErslError) as raised:
        settle(tmp_path, source, RECORDS)
    assert 'the parameter `rate` has no value; payment "Tillägg" reads it' in str(
        raised.value.render(colour=False)
    )


def test_a_cap_reading_an_absent_optional_parameter_is_not_applied(tmp_path):
    source = contract(
        """
param limit_per_patient: decimal?
payment "Besök" {
  kind   variable
  per    Visit v
  amount 100 kr
}
cap "Tak" for provider q each year {
  applies to "Besök"
  measure    count(Visit v where v.provider == q) * 1.0
  limit      limit_per_patient
  above      reduce 100 % of excess
}
"""
    )
    settled = settle(tmp_path, source, RECORDS)
    assert settled.lines == {("VC1", "2022-03", "Besök"): "200.00"}
    assert settled.json["notices"][0]["message"] == (
        'cap "Tak" not applied: parameter `limit_per_patient` not given'
    )
    # given a limit of 1 visit: measure 2 > 1, reduce 100 % × 200 × (2 − 1)/2 = 100 kr
    settled = settle(tmp_path / "given", source, RECORDS, params={"limit_per_patient": "1"})
    assert settled.lines[("VC1", "2022", "Tak")] == "-100.00"


def test_a_bundle_reading_an_absent_optional_parameter_covers_nothing(tmp_path):
    source = contract(
        """
param paketpris: money?
bundle "Paket" {
  trigger Visit v where v.mode == home
  price   paketpris
  includes {
    Visit x within 30 days after
  }
}
payment "Besök" {
  kind   variable
  per    Visit v
  amount 100 kr
}
payment "Per episod" {
  kind   variable
  per    episode e of "Paket"
  amount 5 kr
}
"""
    )
    settled = settle(tmp_path, source, RECORDS)
    # no episodes: both visits are paid per visit, 2 × 100 kr
    assert settled.lines == {("VC1", "2022-03", "Besök"): "200.00"}
    assert [n["message"] for n in settled.json["notices"]] == [
        'bundle "Paket" not paid: parameter `paketpris` not given',
        'payment "Per episod" not paid: parameter `paketpris` not given',
    ]
    # given a price, V1 starts an episode covering V2 (performed by the bundle provider):
    # the bundle 1 000 kr, the episode payment 5 kr, no visit paid per visit
    settled = settle(tmp_path / "given", source, RECORDS, params={"paketpris": "1000 kr"})
    assert settled.lines == {
        ("VC1", "2022-03", "Paket"): "1000.00",
        ("VC1", "2022-03", "Per episod"): "5.00",
    }


def test_the_json_notices_field_is_deterministic(tmp_path):
    first = settle(tmp_path / "a", SOURCE, RECORDS, params={"fee": "100 kr"}).text
    second = settle(tmp_path / "b", SOURCE, list(reversed(RECORDS)), params={"fee": "100 kr"})
    assert json.loads(first)["notices"] == json.loads(second.text)["notices"]


CAPPED = contract(
    """
param extra: money?

payment "Besök" {
  kind   variable
  per    Visit v
  amount 100 kr
}

payment "Tillägg" {
  kind   variable
  per    Visit v
  amount extra
}

cap "Tak" for provider q each year {
  applies to "Besök", "Tillägg"
  measure    count(Visit v where v.provider == q)
  limit      1
  above      reduce 50 % of excess
}

cap "Tak tillägg" for provider q each year {
  applies to "Tillägg"
  measure    count(Visit v where v.provider == q)
  limit      1
  above      reduce 100 % of excess
}
"""
)


def test_a_cap_over_an_unsettled_payment_counts_only_the_settled_ones(tmp_path):
    settled = settle(tmp_path, CAPPED, RECORDS)
    # "Tillägg" reads `extra`, not given: unsettled, so it adds nothing to A.
    # "Tak": A = 2 visits × 100 kr = 200 kr, Q = 2, L = 1:
    #   0.5 × 200 × (2 − 1) / 2 = 50 kr deducted.
    # "Tak tillägg" caps only the unsettled payment: nothing to cap, no line, no error.
    assert settled.lines == {
        ("VC1", "2022-03", "Besök"): "200.00",
        ("VC1", "2022", "Tak"): "-50.00",
    }
    assert [n["name"] for n in settled.json["notices"]] == ["Tillägg"]


def test_a_cap_over_a_given_optional_parameter_counts_it(tmp_path):
    settled = settle(tmp_path, CAPPED, RECORDS, params={"extra": "20 kr"})
    # A = 2 × 100 + 2 × 20 = 240 kr: "Tak" deducts 0.5 × 240 × 1/2 = 60 kr;
    # "Tak tillägg": A = 40 kr, 1 × 40 × 1/2 = 20 kr.
    assert settled.lines == {
        ("VC1", "2022-03", "Besök"): "200.00",
        ("VC1", "2022-03", "Tillägg"): "40.00",
        ("VC1", "2022", "Tak"): "-60.00",
        ("VC1", "2022", "Tak tillägg"): "-20.00",
    }
