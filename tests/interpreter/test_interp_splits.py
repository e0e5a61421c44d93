"""SPEC §3.9 pools, splits and transfers (normative) and `paid` (§3.4), with every
expected amount computed by hand from the rule (arithmetic in the comments)."""

from __future__ import annotations

from fractions import Fraction

from interp_settle import listing, patient, provider, settle, visit

STAFF = """
extend record Provider { staff: int? }
"""


def vc(id: str, staff: int, kind: str = "vc", **fields) -> dict:
    return provider(id, kind=kind, staff=staff, **fields)


def pot(amount: str, each: str = "each year", where: str = 'q.kind == "vc"') -> str:
    return (
        STAFF
        + f"""
payment "Pott" {{
  kind   fixed
  per    provider q {each} where {where}
  amount {amount}
}}
"""
    )


def test_split_equally_with_largest_remainder_and_code_point_ties(tmp_path):
    data = [vc("a1", 1), vc("B2", 1), vc("c3", 1), vc("E5", 9, kind="sjukhus")]
    s = settle(tmp_path, pot("split(1000 kr, equally)"), data)
    # 3 units after `where` (E5 is not a vc): 1000/3 = 333.333… each; the rounded total
    # 1000.00 minus the floors 3 × 333.33 = 999.99 leaves 1 öre; equal remainders -> the
    # payee id that sorts first by code point: "B2" < "a1" < "c3"
    assert s.of(name="Pott") == {
        ("B2", "2022", "Pott"): "333.34",
        ("a1", "2022", "Pott"): "333.33",
        ("c3", "2022", "Pott"): "333.33",
    }
    assert s.kinds[("B2", "2022", "Pott")] == "fixed"


def test_split_by_with_largest_remainder(tmp_path):
    data = [vc("a1", 1), vc("B2", 1), vc("c3", 1), vc("D4", 3), vc("E5", 10, kind="sjukhus")]
    s = settle(tmp_path, pot("split(100 kr, by q.staff)"), data)
    # Σ staff over the units = 1 + 1 + 1 + 3 = 6 (E5 excluded by where)
    # a1, B2, c3: 100 × 1/6 = 16.666…; D4: 100 × 3/6 = 50
    # floors 3 × 16.66 + 50.00 = 99.98 -> 2 öre left; remainders a1, B2, c3 0.00666… (tied),
    # D4 0 -> the tie goes by code point "B2" < "a1" < "c3": B2 and a1
    # (rounding each line alone would give 3 × 16.67 + 50 = 100.01)
    assert s.of(name="Pott") == {
        ("B2", "2022", "Pott"): "16.67",
        ("D4", "2022", "Pott"): "50.00",
        ("a1", "2022", "Pott"): "16.67",
        ("c3", "2022", "Pott"): "16.66",
    }


def test_split_by_picks_the_largest_remainders_first(tmp_path):
    data = [vc("A", 1), vc("B", 2), vc("C", 4)]
    s = settle(tmp_path, pot("split(1000 kr, by q.staff)"), data)
    # 1000/7 = 142.857142…, × 2 = 285.714285…, × 4 = 571.428571…
    # floors 142.85 + 285.71 + 571.42 = 999.98 -> 2 öre; remainders
    # C 0.008571 > A 0.007142 > B 0.004285 -> C and A get one each
    assert s.of(name="Pott") == {
        ("A", "2022", "Pott"): "142.86",
        ("B", "2022", "Pott"): "285.71",
        ("C", "2022", "Pott"): "571.43",
    }


def test_split_rounds_the_exact_total_once(tmp_path):
    data = [vc("X", 1), vc("Y", 1)]
    s = settle(tmp_path, pot("split(100.005 kr, equally)"), data)
    # total 100.005 rounds half up to 100.01; each 50.0025, floors 50.00 + 50.00 -> 1 öre
    # left, tied remainders -> "X"
    assert s.of(name="Pott") == {
        ("X", "2022", "Pott"): "50.01",
        ("Y", "2022", "Pott"): "50.00",
    }


def test_split_counts_the_units_of_each_period(tmp_path):
    data = [
        vc("A", 1, start_date="2020-01-01"),
        vc("B", 1, start_date="2020-01-01"),
        vc("N", 1, start_date="2022-05-01"),
    ]
    body = pot(
        "split(1000 kr, equally)",
        each="each quarter",
        where="q.start_date != none and q.start_date <= today",  # today = the quarter's end
    )
    s = settle(tmp_path, body, data, period="2022-01..2022-06")
    # Q1: A, B (N starts 05-01) -> 1000/2 = 500 each
    # Q2: A, B, N -> 1000/3 = 333.333…; 1 öre left -> "A" (sorts first)
    assert s.of(name="Pott") == {
        ("A", "2022-Q1", "Pott"): "500.00",
        ("B", "2022-Q1", "Pott"): "500.00",
        ("A", "2022-Q2", "Pott"): "333.34",
        ("B", "2022-Q2", "Pott"): "333.33",
        ("N", "2022-Q2", "Pott"): "333.33",
    }


def test_equally_plus_by_as_in_the_spec(tmp_path):
    data = [vc("a1", 1), vc("B2", 2), vc("c3", 3), vc("E5", 10, kind="sjukhus")]
    s = settle(tmp_path, pot("split(1 tkr, equally) + split(500 kr, by q.staff)"), data)
    # equally: 1000/3 = 333.333…; by: 500 × staff/6 -> 83.333…, 166.666…, 250
    # a1 416.666…, B2 500, c3 583.333…; total 1500.00; floors 416.66 + 500.00 + 583.33
    # = 1499.99; 1 öre to the largest remainder: a1 (0.00666… > c3 0.00333… > B2 0)
    assert s.of(name="Pott") == {
        ("B2", "2022", "Pott"): "500.00",
        ("a1", "2022", "Pott"): "416.67",
        ("c3", "2022", "Pott"): "583.33",
    }


def test_split_over_event_units_per_settlement_period(tmp_path):
    body = """
payment "Besökspott" {
  kind   variable
  per    Visit v where v.mode == physical
  amount split(1000 kr, equally)
}
"""
    data = [provider("A"), provider("B"), provider("C"), patient("P1")] + [
        visit("V1", "P1", "A", "2022-03-01"),
        visit("V2", "P1", "B", "2022-03-02"),
        visit("V3", "P1", "C", "2022-03-03"),
        visit("V4", "P1", "C", "2022-03-04", mode="video"),  # not a unit (where)
        visit("V5", "P1", "B", "2022-04-01"),
        visit("V6", "P1", "C", "2022-04-02"),
        visit("V7", "P1", "C", "2022-04-03"),
    ]
    s = settle(tmp_path, body, data)
    # 2022-03: 3 units -> 333.333… each; 1 öre left -> "A"
    # 2022-04: 3 units -> B 333.333…, C 666.666… (two units); floors 333.33 + 666.66 = 999.99;
    # remainders C 0.00666… > B 0.00333… -> C
    assert s.of(name="Besökspott") == {
        ("A", "2022-03", "Besökspott"): "333.34",
        ("B", "2022-03", "Besökspott"): "333.33",
        ("C", "2022-03", "Besökspott"): "333.33",
        ("B", "2022-04", "Besökspott"): "333.33",
        ("C", "2022-04", "Besökspott"): "666.67",
    }
    assert s.units[("C", "2022-04", "Besökspott")] == 2


# ---------------------------------------------------------------- paid


PAID = """
payment "Besök" {
  kind   variable
  per    Visit v
  amount 1000 kr / 3
}

payment "Kvalitet" {
  kind   performance
  per    provider q each month
  amount paid("Besök", q) * 3
}

payment "Bonus" {
  kind   performance
  per    provider q each year
  amount paid("Besök", q) * 7 %
}
"""


def paid_data() -> list[dict]:
    return [provider("A"), provider("B"), patient("P1")] + [
        visit("V1", "P1", "A", "2022-03-10"),
        visit("V2", "P1", "A", "2022-05-10"),
        visit("V3", "P1", "A", "2022-05-11"),
    ]


def test_paid_is_the_exact_total_for_the_payee_in_the_same_period(tmp_path):
    s = settle(tmp_path, PAID, paid_data())
    # Besök A: 2022-03 1000/3 = 333.333… -> 333.33; 2022-05 2000/3 = 666.666… -> 666.67
    assert s.of(name="Besök") == {
        ("A", "2022-03", "Besök"): "333.33",
        ("A", "2022-05", "Besök"): "666.67",
    }
    # Kvalitet (monthly) = 3 × the exact Besök total of that month:
    # 2022-03: 3 × 1000/3 = 1000.00 (3 × the rounded 333.33 would be 999.99);
    # 2022-05: 3 × 2000/3 = 2000.00; other months and B: 0.00
    kvalitet = s.of(payee="A", name="Kvalitet")
    assert kvalitet[("A", "2022-03", "Kvalitet")] == "1000.00"
    assert kvalitet[("A", "2022-05", "Kvalitet")] == "2000.00"
    assert kvalitet[("A", "2022-04", "Kvalitet")] == "0.00"
    assert len(kvalitet) == 12
    assert set(s.of(payee="B", name="Kvalitet").values()) == {"0.00"}
    # Bonus (yearly) = 7 % of the year's Besök lines: 0.07 × 3000/3 = 70.00
    assert s.of(name="Bonus") == {
        ("A", "2022", "Bonus"): "70.00",
        ("B", "2022", "Bonus"): "0.00",
    }


def test_paid_as_a_percentage_of_another_line(tmp_path):
    body = """
param visit_fee: money

payment "Besök" {
  kind   variable
  per    Visit v
  amount visit_fee
  weight 1.5 when v.mode == home
}

payment "Kvalitetstillägg" {
  kind   performance
  per    provider q each month
  amount 2.5 % * paid("Besök", q)
}
"""
    data = [provider("A"), patient("P1")] + [
        visit("V1", "P1", "A", "2022-03-10"),
        visit("V2", "P1", "A", "2022-03-11", mode="home"),
    ]
    s = settle(tmp_path, body, data, period="2022-03", params={"visit_fee": "225 kr"})
    # Besök 2022-03: 225 + 225 × 1.5 = 562.50; 2.5 % × 562.50 = 14.0625 -> 14.06
    assert s.amounts[("A", "2022-03", "Besök")] == "562.50"
    assert s.amounts[("A", "2022-03", "Kvalitetstillägg")] == "14.06"
    assert s.kinds[("A", "2022-03", "Kvalitetstillägg")] == "performance"


# ---------------------------------------------------------------- payee override


COST = """
param visit_fee: money

payment "Besök" {
  kind   variable
  per    Visit v
  amount visit_fee
}

payment "Kostnadsansvar: besök hos annan vårdgivare" {
  kind   variable
  per    Visit v where listed_at(v.patient, v.date) != none
                   and v.provider != listed_at(v.patient, v.date)
  payee  listed_at(v.patient, v.date)
  amount -visit_fee
}
"""


def test_payee_override_with_a_negative_amount(tmp_path):
    data = [provider("A"), provider("B"), patient("P1"), patient("P3")] + [
        listing("P1", "A", "2021-01-01", "2022-03-10"),
        listing("P1", "B", "2022-03-11"),
        visit("V1", "P1", "B", "2022-03-05"),  # listed at A: A is charged
        visit("V2", "P1", "B", "2022-03-10"),  # A's last listed day (inclusive): A charged
        visit("V3", "P1", "B", "2022-03-11"),  # now listed at B: own patient, no charge
        visit("V4", "P1", "A", "2022-03-12"),  # listed at B, seen at A: B charged
        visit("V5", "P3", "A", "2022-03-13"),  # not listed anywhere: no charge
    ]
    s = settle(tmp_path, COST, data, period="2022-03", params={"visit_fee": "225 kr"})
    name = "Kostnadsansvar: besök hos annan vårdgivare"
    # A: −225 × 2 (V1, V2) = −450.00; B: −225 (V4)
    assert s.of(name=name) == {
        ("A", "2022-03", name): "-450.00",
        ("B", "2022-03", name): "-225.00",
    }
    assert s.units[("A", "2022-03", name)] == 2
    assert s.kinds[("A", "2022-03", name)] == "variable"
    # Besök to the performers: A: V4, V5 = 450.00; B: V1, V2, V3 = 675.00
    assert s.of(name="Besök") == {
        ("A", "2022-03", "Besök"): "450.00",
        ("B", "2022-03", "Besök"): "675.00",
    }
    # totals are sums of the lines: A 450 − 450 = 0; B 675 − 225 = 450
    totals = s.statement.totals()
    assert totals["A"]["total"] == Fraction(0)
    assert totals["B"]["total"] == Fraction(450)
    assert totals["B"]["variable"] == Fraction(450)
