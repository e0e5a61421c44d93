"""Tables the columnar engine shares between the queries of one run."""

from __future__ import annotations

from interp_helpers import contract, listing, patient, provider, settle

SOURCE = contract(
    """
payment "Ålder" {
  kind   fixed
  per    listed patient p at q each month
  amount 120 kr/year
}

payment "Äldre" {
  kind   fixed
  per    listed patient p at q each month where age(p) >= 65
  amount 240 kr/year
}
"""
)
RECORDS = [
    provider("VC1"),
    patient("P1", "1950-03-10"),
    patient("P2", "1990-01-01"),
    listing("P1", "VC1", "2020-01-01"),
    listing("P2", "VC1", "2022-07-01"),
]


def test_listed_payments_on_the_same_days_share_one_table_of_patient_months(tmp_path):
    settled = settle(tmp_path, SOURCE, RECORDS, period="2022-06..2022-07")
    run = settled.statement.run
    assert run.engine_report == {"Ålder": "columnar", "Äldre": "columnar"}
    assert len(run.columnar._listed_units) == 1
    # June: P1 only; July: P1 and P2. 120 kr/year ÷ 12 = 10.00 kr a patient-month;
    # P1 (72 years old) also 240 kr/year ÷ 12 = 20.00 kr
    assert settled.lines == {
        ("VC1", "2022-06", "Ålder"): "10.00",
        ("VC1", "2022-07", "Ålder"): "20.00",
        ("VC1", "2022-06", "Äldre"): "20.00",
        ("VC1", "2022-07", "Äldre"): "20.00",
    }
