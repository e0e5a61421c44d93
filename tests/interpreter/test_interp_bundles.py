"""SPEC §3.8 bundles and warranties (normative), with every expected amount
computed by hand from the rule (arithmetic in the comments)."""

from __future__ import annotations

from interp_settle import drug, listing, patient, procedure, provider, settle, visit

HEADER = """contract "Test" {
  valid 2022-01-01 .. 2027-12-31
  settle monthly
}
use stdlib "schema/sweden"
"""

BODY = """
codeset joints: kva { "NFB*", "NGB*" }
codeset antibiotics: atc { "J01*" }

bundle "Protes" {
  trigger  Procedure op where op.code in joints
  price    50000 kr
  weight   1.2 when age(op.patient) >= 80
  includes {
    Visit x where x.kind == "preop"    within 30 days before
    Visit x where x.kind == "followup" within 3 months after  at most 2
  }
  warranty {
    covers  Procedure r where r.side == op.side
    period  2 years
    extend  to 5 years when exists(Drug d where d.atc in antibiotics and d.patient == op.patient
                                   within 2 years after op.date)
  }
}

payment "Besök" {
  kind   variable
  per    Visit v
  amount 1000 kr
  weight 1.5 when v.mode == home
}

payment "Åtgärd" {
  kind   variable
  per    Procedure r
  amount 20000 kr
}
"""

COST = """
payment "Kostnadsansvar" {
  kind   variable
  per    Visit v where listed_at(v.patient, v.date) != none
                   and v.provider != listed_at(v.patient, v.date)
  payee  listed_at(v.patient, v.date)
  amount -200 kr
}
"""


def run(tmp_path, data, period="2022", body=BODY):
    return settle(tmp_path, body, data, period=period, header=HEADER)


def providers(*ids):
    return [provider(i) for i in ids]


def op(id, pat, prov, date, side="left", code="NFB49"):
    return procedure(id, pat, prov, date, code, side=side)


def test_trigger_pays_price_after_weights_to_its_provider(tmp_path):
    body = (
        BODY
        + """
payment "Per episod" {
  kind   variable
  per    episode e of "Protes"
  amount 100 kr
}
"""
    )
    data = providers("H", "H2") + [
        patient("P1", "1960-01-01"),
        patient("P2", "1942-05-10"),  # 80 on 2022-05-10
        patient("P3", "1942-05-11"),  # 79 on 2022-05-10
        patient("P4"),
        op("OP1", "P1", "H", "2022-03-15"),
        op("OP2", "P2", "H", "2022-05-10"),
        op("OP3", "P3", "H2", "2022-05-10"),
        op("OP4", "P4", "H", "2022-05-11", code="ABC00"),  # not a trigger: paid per event
    ]
    s = run(tmp_path, body=body, data=data)
    assert s.of(name="Protes") == {
        ("H", "2022-03", "Protes"): "50000.00",
        ("H", "2022-05", "Protes"): "60000.00",  # 50000 × 1.2 (80 on the trigger date)
        ("H2", "2022-05", "Protes"): "50000.00",  # 79: no weight
    }
    assert s.kinds[("H", "2022-03", "Protes")] == "variable"
    assert s.units[("H", "2022-05", "Protes")] == 1
    # the triggers are covered (by their own bundle provider): not paid per event
    assert s.of(name="Åtgärd") == {("H", "2022-05", "Åtgärd"): "20000.00"}  # OP4 only
    # an episode basis pays e.provider in the period of the trigger date
    assert s.of(name="Per episod") == {
        ("H", "2022-03", "Per episod"): "100.00",
        ("H", "2022-05", "Per episod"): "100.00",  # OP2
        ("H2", "2022-05", "Per episod"): "100.00",
    }
    assert s.of(name="Protes: charge") == {}


def test_a_covered_trigger_starts_no_episode(tmp_path):
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15", side="left"),
        # same side within the 2-year warranty: covered by OP1's episode -> no episode, not paid
        op("OP2", "P1", "H", "2023-01-10", side="left"),
        # other side: not covered -> a new episode
        op("OP3", "P1", "H", "2023-02-10", side="right"),
    ]
    s = run(tmp_path, data, period="2022..2023")
    assert s.of(name="Protes") == {
        ("H", "2022-03", "Protes"): "50000.00",
        ("H", "2023-02", "Protes"): "50000.00",
    }
    assert s.of(name="Åtgärd") == {}


def test_same_day_triggers_are_ordered_by_event_id(tmp_path):
    data = providers("H1", "H2") + [
        patient("P1"),
        # listed first in the data, but "OP-b" sorts after "OP-a"
        op("OP-b", "P1", "H1", "2022-03-10"),
        op("OP-a", "P1", "H2", "2022-03-10"),
    ]
    s = run(tmp_path, data)
    # OP-a starts the episode (provider H2); OP-b is covered by it (same side, T ≤ date):
    # performed by H1, another provider -> H1 paid 20000, H2 charged −20000 in 2022-03
    assert s.of(name="Protes") == {("H2", "2022-03", "Protes"): "50000.00"}
    assert s.of(name="Åtgärd") == {("H1", "2022-03", "Åtgärd"): "20000.00"}
    assert s.of(name="Protes: charge") == {("H2", "2022-03", "Protes: charge"): "-20000.00"}


def test_includes_windows_are_closed(tmp_path):
    # T = 2022-03-15: preop window 2022-02-13 .. 2022-03-15 (30 days before),
    # follow-up window 2022-03-15 .. 2022-06-15 (3 months after); all visits by H
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("PRE0", "P1", "H", "2022-02-12", kind="preop"),  # one day early: paid
        visit("PRE1", "P1", "H", "2022-02-13", kind="preop"),  # first day: covered
        visit("PRE2", "P1", "H", "2022-03-15", kind="preop"),  # last day (T): covered
        visit("OTH", "P1", "H", "2022-03-01", kind="other"),  # in the window, no match: paid
        visit("FU1", "P1", "H", "2022-06-15", kind="followup"),  # last day: covered
        visit("FU2", "P1", "H", "2022-06-16", kind="followup"),  # one day late: paid
        visit("FU0", "P1", "H", "2022-03-14", kind="followup"),  # before T: paid
        patient("P9"),
        visit("X9", "P9", "H", "2022-04-01", kind="followup"),  # another patient's: paid
    ]
    s = run(tmp_path, data)
    assert s.of(name="Besök") == {
        ("H", "2022-02", "Besök"): "1000.00",  # PRE0
        ("H", "2022-03", "Besök"): "2000.00",  # OTH + FU0
        ("H", "2022-04", "Besök"): "1000.00",  # X9
        ("H", "2022-06", "Besök"): "1000.00",  # FU2
    }
    assert s.units[("H", "2022-02", "Besök")] == 1


def test_at_most_k_takes_the_first_by_date_then_id(tmp_path):
    data = providers("H", "C") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15"),
        # at most 2, in order (date, id): FU-c (04-01), FU-a (04-10), FU-b (04-10)
        visit("FU-b", "P1", "H", "2022-04-10", kind="followup"),
        visit("FU-a", "P1", "C", "2022-04-10", kind="followup"),
        visit("FU-c", "P1", "H", "2022-04-01", kind="followup"),
    ]
    s = run(tmp_path, data)
    # FU-c covered, by H: not paid. FU-a covered, by C: C paid 1000, H charged −1000.
    # FU-b is the third: not covered, paid to H as usual.
    assert s.of(name="Besök") == {
        ("C", "2022-04", "Besök"): "1000.00",
        ("H", "2022-04", "Besök"): "1000.00",
    }
    assert s.of(name="Protes: charge") == {("H", "2022-04", "Protes: charge"): "-1000.00"}


def test_warranty_last_day_one_day_after_and_extension(tmp_path):
    # every trigger T = 2022-03-15; warranty 2 years -> T .. 2024-03-15;
    # extended to 5 years -> T .. 2027-03-15 when a J01 drug is dispensed in T .. 2024-03-15
    data = providers("H") + [
        # P1: reoperation on the warranty's last day: covered, not paid
        patient("P1"),
        op("T1", "P1", "H", "2022-03-15"),
        op("R1", "P1", "H", "2024-03-15", code="NFS19"),
        # P2: one day after: paid 20000 in 2024-03
        patient("P2"),
        op("T2", "P2", "H", "2022-03-15"),
        op("R2", "P2", "H", "2024-03-16", code="NFS19"),
        # P3: antibiotics on the extension window's last day (2024-03-15): extended to
        # 2027-03-15 -> R3a on 2026-06-01 and R3b on 2027-03-15 covered; R3c on 03-16 paid
        patient("P3"),
        op("T3", "P3", "H", "2022-03-15"),
        drug("P3", "2024-03-15", "J01CA04"),
        op("R3a", "P3", "H", "2026-06-01", code="NFS19"),
        op("R3b", "P3", "H", "2027-03-15", code="NFS19"),
        op("R3c", "P3", "H", "2027-03-16", code="NFS19"),
        # P4: antibiotics one day too late (2024-03-16): no extension -> R4 paid
        patient("P4"),
        op("T4", "P4", "H", "2022-03-15"),
        drug("P4", "2024-03-16", "J01CA04"),
        op("R4", "P4", "H", "2025-01-10", code="NFS19"),
        # P5: the other side is not covered even within 2 years
        patient("P5"),
        op("T5", "P5", "H", "2022-03-15"),
        op("R5", "P5", "H", "2023-01-10", side="right", code="NFS19"),
    ]
    s = run(tmp_path, data, period="2022..2027")
    assert s.of(name="Åtgärd") == {
        ("H", "2023-01", "Åtgärd"): "20000.00",  # R5
        ("H", "2024-03", "Åtgärd"): "20000.00",  # R2
        ("H", "2025-01", "Åtgärd"): "20000.00",  # R4
        ("H", "2027-03", "Åtgärd"): "20000.00",  # R3c
    }
    # five episodes, one bundle line: 5 × 50000 = 250000.00
    assert s.of(name="Protes") == {("H", "2022-03", "Protes"): "250000.00"}
    assert s.units[("H", "2022-03", "Protes")] == 5


def test_events_covered_for_another_provider_are_paid_and_charged(tmp_path):
    data = providers("H", "C", "D") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "C", "2022-04-10", mode="home", kind="followup"),  # 1000 × 1.5
        visit("FU2", "P1", "D", "2022-04-20", kind="followup"),  # 1000
        op("R1", "P1", "C", "2022-11-02", code="NFS19"),  # warranty, by C: 20000
    ]
    s = run(tmp_path, data)
    assert s.of(name="Besök") == {
        ("C", "2022-04", "Besök"): "1500.00",
        ("D", "2022-04", "Besök"): "1000.00",
    }
    assert s.of(name="Åtgärd") == {("C", "2022-11", "Åtgärd"): "20000.00"}
    # charged to H in the settlement period of each event:
    # 2022-04: −(1500 + 1000) = −2500.00; 2022-11: −20000.00
    assert s.of(name="Protes: charge") == {
        ("H", "2022-04", "Protes: charge"): "-2500.00",
        ("H", "2022-11", "Protes: charge"): "-20000.00",
    }
    assert s.kinds[("H", "2022-04", "Protes: charge")] == "variable"
    assert s.amounts[("H", "2022-03", "Protes")] == "50000.00"


def test_a_cap_on_a_per_event_payment_leaves_covered_events_out(tmp_path):
    """A cap's A skips covered units; the per-event payment is still paid and charged once
    (settled in batches, this payment falls back to unit by unit: no charge twice)."""
    body = (
        BODY
        + """
cap "Tak" for provider q each year {
  applies to "Besök"
  measure    count(Visit v where v.provider == q)
  limit      1
  above      reduce 50 % of excess
}
"""
    )
    data = providers("H", "C", "D") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "C", "2022-04-10", mode="home", kind="followup"),  # covered
        visit("FU2", "P1", "D", "2022-04-20", kind="followup"),  # covered
        visit("V3", "P1", "C", "2022-09-01", kind="other"),  # not covered
    ]
    s = run(tmp_path, data, body=body)
    assert s.of(name="Besök") == {
        ("C", "2022-04", "Besök"): "1500.00",  # 1000 × 1.5 (home)
        ("C", "2022-09", "Besök"): "1000.00",
        ("D", "2022-04", "Besök"): "1000.00",
    }
    # C: Q = 2 visits > L = 1; A = 1000 (V3; FU1 is covered, so not in A);
    # deduction = 50 % × 1000 × (2 − 1) / 2 = 250.00. D: Q = 1 = L, no line.
    assert s.of(name="Tak") == {("C", "2022", "Tak"): "-250.00"}
    # charged once: −(1500 + 1000) = −2500.00
    assert s.of(name="Protes: charge") == {("H", "2022-04", "Protes: charge"): "-2500.00"}


def test_charge_period_follows_settle(tmp_path):
    header = HEADER.replace("settle monthly", "settle quarterly")
    data = providers("H", "C") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "C", "2022-04-10", kind="followup"),
    ]
    s = settle(tmp_path, BODY, data, period="2022", header=header)
    assert s.of(name="Protes") == {("H", "2022-Q1", "Protes"): "50000.00"}
    assert s.of(name="Protes: charge") == {("H", "2022-Q2", "Protes: charge"): "-1000.00"}


def test_overridden_payee_lines_are_not_charged(tmp_path):
    data = providers("H", "C", "L") + [
        patient("P1"),
        listing("P1", "L", "2020-01-01"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "C", "2022-04-10", kind="followup"),
    ]
    s = run(tmp_path, data, body=BODY + COST)
    # FU1 by C (another provider): C paid 1000; the cost-responsibility line −200 to L
    # (payee overridden) is paid as usual and not part of the charge: H charged −1000 only
    assert s.of(name="Besök") == {("C", "2022-04", "Besök"): "1000.00"}
    assert s.of(name="Kostnadsansvar") == {("L", "2022-04", "Kostnadsansvar"): "-200.00"}
    assert s.of(name="Protes: charge") == {("H", "2022-04", "Protes: charge"): "-1000.00"}


def test_covered_event_by_the_bundle_provider_is_paid_by_no_per_event_payment(tmp_path):
    data = providers("H", "L") + [
        patient("P1"),
        listing("P1", "L", "2020-01-01"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "H", "2022-04-10", kind="followup"),  # covered, by H
        visit("V2", "P1", "H", "2022-08-10", kind="other"),  # not covered
    ]
    s = run(tmp_path, data, body=BODY + COST)
    # FU1 is paid by no per-event payment at all, not even the one with an overridden payee
    assert s.of(name="Besök") == {("H", "2022-08", "Besök"): "1000.00"}
    assert s.of(name="Kostnadsansvar") == {("L", "2022-08", "Kostnadsansvar"): "-200.00"}
    assert s.of(name="Protes: charge") == {}


def test_overridden_payee_line_to_the_bundle_provider_is_still_paid(tmp_path):
    # P1 is listed at H, the bundle provider; a covered follow-up by C makes the
    # cost-responsibility payment (payee H) -- C performed it, so it is paid as usual
    data = providers("H", "C") + [
        patient("P1"),
        listing("P1", "H", "2020-01-01"),
        op("OP1", "P1", "H", "2022-03-15"),
        visit("FU1", "P1", "C", "2022-04-10", kind="followup"),
    ]
    s = run(tmp_path, data, body=BODY + COST)
    assert s.of(name="Besök") == {("C", "2022-04", "Besök"): "1000.00"}
    assert s.of(name="Kostnadsansvar") == {("H", "2022-04", "Kostnadsansvar"): "-200.00"}
    assert s.of(name="Protes: charge") == {("H", "2022-04", "Protes: charge"): "-1000.00"}


def test_event_covered_by_two_episodes_belongs_to_the_earlier(tmp_path):
    data = providers("H1", "H2", "C") + [
        patient("P1"),
        op("OPL", "P1", "H1", "2022-03-01", side="left"),
        op("OPR", "P1", "H2", "2022-03-20", side="right"),
        # in both follow-up windows (03-01..06-01 and 03-20..06-20): the earlier episode's
        visit("FU1", "P1", "C", "2022-04-01", kind="followup"),
        visit("FU2", "P1", "H2", "2022-04-02", kind="followup"),
    ]
    s = run(tmp_path, data)
    assert s.of(name="Protes") == {
        ("H1", "2022-03", "Protes"): "50000.00",
        ("H2", "2022-03", "Protes"): "50000.00",
    }
    # FU2 belongs to H1's episode, so H2 performed it as "another provider": paid to H2
    assert s.of(name="Besök") == {
        ("C", "2022-04", "Besök"): "1000.00",
        ("H2", "2022-04", "Besök"): "1000.00",
    }
    # both charged to H1: −(1000 + 1000)
    assert s.of(name="Protes: charge") == {("H1", "2022-04", "Protes: charge"): "-2000.00"}


def test_coverage_is_decided_on_all_data_whatever_the_run_period(tmp_path):
    data = providers("H", "C") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-12-20"),
        visit("FU1", "P1", "H", "2023-01-10", kind="followup"),
        visit("FU2", "P1", "C", "2023-01-12", kind="followup"),
        patient("P2"),
        visit("PRE", "P2", "H", "2022-12-28", kind="preop"),
        op("OP2", "P2", "H", "2023-01-05"),
    ]
    s = run(tmp_path, data, period="2023-01")
    # OP1 (before the run) still covers FU1 (by H: unpaid) and FU2 (C paid, H charged)
    assert s.of(name="Besök") == {("C", "2023-01", "Besök"): "1000.00"}
    assert s.of(name="Protes: charge") == {("H", "2023-01", "Protes: charge"): "-1000.00"}
    assert s.of(name="Protes") == {("H", "2023-01", "Protes"): "50000.00"}  # OP2 only
    s = run(tmp_path, data, period="2022-12")
    # OP2 (after the run) covers the preop visit PRE: not paid in 2022-12
    assert s.of(name="Besök") == {}
    assert s.of(name="Protes") == {("H", "2022-12", "Protes"): "50000.00"}  # OP1


# ---------------------------------------------------------------- days of spans (issue 12)

REHAB = """
codeset joints: kva { "NFB*", "NGB*" }

bundle "Protes" {
  trigger  Procedure op where op.code in joints
  price    50000 kr
  includes {
    Stay x where x.ward == "rehab" within 6 days after  at most 6 days
  }
}

payment "Vårddag" {
  kind   variable
  per    Stay s each day
  amount 1000 kr/day
}

payment "Vårdtillfälle" {
  kind   variable
  per    Stay s
  amount 10 kr
}
"""


def rehab(id, pat, prov, start, end, ward="rehab"):
    return {
        "type": "stay",
        "id": id,
        "patient": pat,
        "provider": prov,
        "start": start,
        "end": end,
        "ward": ward,
    }


def test_a_package_of_6_days_covers_6_days_of_a_10_day_stay(tmp_path):
    """The issue's case: a covered 10-day stay with a 6-day package pays 4 days."""
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-01"),
        rehab("S1", "P1", "H", "2022-03-03", "2022-03-12"),  # 10 days, within 6 days after
    ]
    s = run(tmp_path, data, body=REHAB)
    # days 2022-03-03..08 are in the package; 03-09..12 are paid: 4 × 1000 = 4000.00
    assert s.of(name="Vårddag") == {("H", "2022-03", "Vårddag"): "4000.00"}
    assert s.units[("H", "2022-03", "Vårddag")] == 4
    # the stay counts at its first day, which is covered: no per-stay payment
    assert s.of(name="Vårdtillfälle") == {}
    assert s.of(name="Protes") == {("H", "2022-03", "Protes"): "50000.00"}


def test_the_days_of_a_package_run_over_the_spans_in_order(tmp_path):
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-01"),
        rehab("S1", "P1", "H", "2022-03-02", "2022-03-05"),  # 4 days, all covered
        rehab("S2", "P1", "H", "2022-03-07", "2022-03-11"),  # 5 days: the first 2 covered
        rehab("S3", "P1", "H", "2022-03-20", "2022-03-21"),  # starts after the window
    ]
    s = run(tmp_path, data, body=REHAB)
    # 4 + 2 = 6 days covered; paid: S2's 03-09..11 (3 days) and S3's 2 days = 5 × 1000;
    # S3 is not covered at all: its per-stay 10 kr is paid
    assert s.of(name="Vårddag") == {("H", "2022-03", "Vårddag"): "5000.00"}
    assert s.of(name="Vårdtillfälle") == {("H", "2022-03", "Vårdtillfälle"): "10.00"}


def test_covered_days_another_provider_performed_are_paid_and_charged(tmp_path):
    data = providers("H", "R") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-01"),
        rehab("S1", "P1", "R", "2022-03-03", "2022-03-12"),
    ]
    s = run(tmp_path, data, body=REHAB)
    # R is paid all 10 days (10 000) and the stay (10); the bundle provider H is charged
    # the 6 covered days and the stay, whose first day is covered: −(6 000 + 10)
    assert s.of(name="Vårddag") == {("R", "2022-03", "Vårddag"): "10000.00"}
    assert s.of(name="Vårdtillfälle") == {("R", "2022-03", "Vårdtillfälle"): "10.00"}
    assert s.of(name="Protes: charge") == {("H", "2022-03", "Protes: charge"): "-6010.00"}
    assert s.units[("H", "2022-03", "Protes: charge")] == 7


def test_a_whole_span_in_a_package_covers_all_its_days(tmp_path):
    body = REHAB.replace("within 6 days after  at most 6 days", "within 6 days after")
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-01"),
        rehab("S1", "P1", "H", "2022-03-03", "2022-03-12"),
        rehab("S2", "P1", "H", "2022-03-20", "2022-03-21", ward="akut"),  # not included
    ]
    s = run(tmp_path, data, body=body)
    # S1 is covered day by day, all 10 days; S2 is paid: 2 × 1000 and 10 kr
    assert s.of(name="Vårddag") == {("H", "2022-03", "Vårddag"): "2000.00"}
    assert s.of(name="Vårdtillfälle") == {("H", "2022-03", "Vårdtillfälle"): "10.00"}


def test_a_cap_on_a_per_day_payment_leaves_covered_days_out(tmp_path):
    body = (
        REHAB
        + """
cap "Tak" for provider q each year {
  applies to "Vårddag"
  measure    count(Stay s where s.provider == q) * 1.0
  limit      1
  above      reduce 100 % of excess
}
"""
    )
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-03-01"),
        rehab("S1", "P1", "H", "2022-03-03", "2022-03-12"),  # 4 days paid
        rehab("S2", "P1", "H", "2022-05-01", "2022-05-02", ward="akut"),  # 2 days paid
    ]
    s = run(tmp_path, data, body=body)
    # A = 6 paid days × 1000 = 6000 (the 6 covered days are not in A); Q = 2 stays > 1:
    # deduction = 100 % × 6000 × (2 − 1)/2 = 3000.00
    assert s.of(name="Tak") == {("H", "2022", "Tak"): "-3000.00"}
    assert s.of(name="Vårddag") == {
        ("H", "2022-03", "Vårddag"): "4000.00",
        ("H", "2022-05", "Vårddag"): "2000.00",
    }


def test_an_open_enrolment_is_covered_for_its_first_days(tmp_path):
    body = """
codeset joints: kva { "NFB*" }
bundle "Paket" {
  trigger  Procedure op where op.code in joints
  price    1000 kr
  includes { Enrolment x within 2 days after at most 3 days }
}
payment "Inskriven" {
  kind   variable
  per    Enrolment e each day
  amount 10 kr/day
}
"""
    data = providers("H") + [
        patient("P1"),
        op("OP1", "P1", "H", "2022-12-20"),
        {"type": "enrolment", "patient": "P1", "provider": "H", "start": "2022-12-21"},
    ]
    s = run(tmp_path, data, body=body)
    # enrolled 2022-12-21 onwards, no end: 11 days to 2022-12-31, the first 3 covered:
    # 8 × 10 = 80.00
    assert s.of(name="Inskriven") == {("H", "2022-12", "Inskriven"): "80.00"}
