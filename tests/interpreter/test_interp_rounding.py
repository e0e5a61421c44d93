"""SPEC §4 Exactness: exact arithmetic, rounding only where the contract says, per line
or per unit, the three modes, increments, `-0.00`, totals as sums of rounded lines."""

from __future__ import annotations

from interp_helpers import contract, patient, provider, settle, visit

THIRDS = """
payment "Third" {
  kind   variable
  per    Visit v
  amount 1 kr / 3
}
"""

THREE_VISITS = [
    provider("VC1"),
    patient("P1"),
    visit("V1", "P1", "VC1", "2022-03-01"),
    visit("V2", "P1", "VC1", "2022-03-02"),
    visit("V3", "P1", "VC1", "2022-03-03"),
]


def test_per_line_rounds_the_exact_total_once(tmp_path):
    src = contract(THIRDS, rounding="0.01 kr half_up per line")
    result = settle(tmp_path, src, THREE_VISITS)
    # 1/3 + 1/3 + 1/3 = 1 exactly → 1.00
    assert result.lines == {("VC1", "2022-03", "Third"): "1.00"}


def test_per_unit_rounds_each_unit_then_sums(tmp_path):
    src = contract(THIRDS, rounding="0.01 kr half_up per unit")
    result = settle(tmp_path, src, THREE_VISITS)
    # 1/3 = 0.3333… → 0.33 per unit; 3 × 0.33 = 0.99
    assert result.lines == {("VC1", "2022-03", "Third"): "0.99"}


def test_default_rounding_is_hundredths_half_up_per_line(tmp_path):
    result = settle(tmp_path, contract(THIRDS), THREE_VISITS)
    assert result.lines == {("VC1", "2022-03", "Third"): "1.00"}  # as per line above


EDGES = """
payment "A half öre" {
  kind   variable
  per    provider q each year
  amount 1 kr / 200
}
payment "B minus half öre" {
  kind   variable
  per    provider q each year
  amount -1 kr / 200
}
payment "C exact thirds" {
  kind   variable
  per    provider q each year
  amount 1 kr / 3 * 0.015 * 3
}
payment "D one and a half öre" {
  kind   variable
  per    provider q each year
  amount 3 kr / 200
}
payment "E two and a half öre" {
  kind   variable
  per    provider q each year
  amount 5 kr / 200
}
payment "F minus two and a half" {
  kind   variable
  per    provider q each year
  amount -5 kr / 200
}
payment "G just over a half" {
  kind   variable
  per    provider q each year
  amount 0.0051 kr
}
payment "H 0.019" {
  kind   variable
  per    provider q each year
  amount 0.019 kr
}
payment "I minus 0.019" {
  kind   variable
  per    provider q each year
  amount -0.019 kr
}
payment "J tiny negative" {
  kind   variable
  per    provider q each year
  amount -1 kr / 300
}
"""


def _edges(tmp_path, mode: str) -> dict[str, str]:
    src = contract(EDGES, rounding=f"0.01 kr {mode} per line")
    result = settle(tmp_path, src, [provider("VC1")])
    return {name: amount for (_, _, name), amount in result.lines.items()}


def test_half_up_rounds_exact_halves_away_from_zero(tmp_path):
    assert _edges(tmp_path, "half_up") == {
        "A half öre": "0.01",  # 0.005 → 0.01
        "B minus half öre": "-0.01",  # −0.005 → −0.01
        # (1/3) × 0.015 × 3 = 0.015 exactly (a 28-digit decimal would give 0.01499…9)
        "C exact thirds": "0.02",
        "D one and a half öre": "0.02",  # 0.015 → 0.02
        "E two and a half öre": "0.03",  # 0.025 → 0.03
        "F minus two and a half": "-0.03",  # −0.025 → −0.03
        "G just over a half": "0.01",  # 0.0051 → 0.01
        "H 0.019": "0.02",
        "I minus 0.019": "-0.02",
        "J tiny negative": "0.00",  # −0.00333… → −0.00, printed 0.00
    }


def test_half_even_rounds_exact_halves_to_even(tmp_path):
    assert _edges(tmp_path, "half_even") == {
        "A half öre": "0.00",  # 0.005 → 0.00 (0 is even)
        "B minus half öre": "0.00",  # −0.005 → −0.00, printed 0.00
        "C exact thirds": "0.02",  # 0.015 → 0.02 (2 is even)
        "D one and a half öre": "0.02",  # 0.015 → 0.02
        "E two and a half öre": "0.02",  # 0.025 → 0.02
        "F minus two and a half": "-0.02",  # −0.025 → −0.02
        "G just over a half": "0.01",  # 0.0051 is more than a half: 0.01
        "H 0.019": "0.02",
        "I minus 0.019": "-0.02",
        "J tiny negative": "0.00",
    }


def test_down_rounds_toward_zero(tmp_path):
    assert _edges(tmp_path, "down") == {
        "A half öre": "0.00",  # 0.005 → 0.00
        "B minus half öre": "0.00",  # −0.005 → −0.00 → 0.00
        "C exact thirds": "0.01",  # 0.015 → 0.01
        "D one and a half öre": "0.01",
        "E two and a half öre": "0.02",  # 0.025 → 0.02
        "F minus two and a half": "-0.02",  # −0.025 → −0.02
        "G just over a half": "0.00",
        "H 0.019": "0.01",  # toward zero
        "I minus 0.019": "-0.01",  # toward zero
        "J tiny negative": "0.00",
    }


def test_increment_of_one_krona(tmp_path):
    src = contract(
        """
payment "Cap" {
  kind   fixed
  per    provider q each month
  amount 1217 kr/year
}
payment "Half" {
  kind   fixed
  per    provider q each month
  amount 2.5 kr
}
payment "Minus half" {
  kind   fixed
  per    provider q each month
  amount -3.5 kr
}
""",
        rounding="1 kr half_up per line",
    )
    result = settle(tmp_path, src, [provider("VC1")], period="2022-03")
    assert result.lines == {
        ("VC1", "2022-03", "Cap"): "101.00",  # 1217 / 12 = 101.4166… → 101
        ("VC1", "2022-03", "Half"): "3.00",  # 2.5 → 3
        ("VC1", "2022-03", "Minus half"): "-4.00",  # −3.5 → −4 (away from zero)
    }
    even = settle(
        tmp_path / "even",
        src.replace("1 kr half_up per line", "1 kr half_even per line"),
        [provider("VC1")],
        period="2022-03",
    )
    assert even.lines == {
        ("VC1", "2022-03", "Cap"): "101.00",
        ("VC1", "2022-03", "Half"): "2.00",  # 2.5 → 2 (even)
        ("VC1", "2022-03", "Minus half"): "-4.00",  # −3.5 → −4 (even)
    }


def test_increment_per_unit_differs_from_per_line(tmp_path):
    src = contract(
        """
payment "Fee" {
  kind   variable
  per    Visit v
  amount 1.5 kr
}
""",
        rounding="1 kr half_up per unit",
    )
    result = settle(tmp_path, src, THREE_VISITS)
    assert result.lines == {("VC1", "2022-03", "Fee"): "6.00"}  # 1.5 → 2 per unit, × 3
    per_line = settle(tmp_path / "line", src.replace("per unit", "per line"), THREE_VISITS)
    assert per_line.lines == {("VC1", "2022-03", "Fee"): "5.00"}  # 4.5 → 5


def test_weights_are_exact_before_rounding(tmp_path):
    # 100/3 kr × 1.5 = 50 exactly; rounding 100/3 first would give 33.33 × 1.5 = 49.995
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr / 3
  weight 1.5 when true
}
""")
    result = settle(tmp_path, src, THREE_VISITS[:3])  # one visit, V1
    assert result.lines == {("VC1", "2022-03", "Fee"): "50.00"}


def test_totals_are_sums_of_rounded_lines(tmp_path):
    src = contract("""
payment "A" {
  kind   variable
  per    provider q each year
  amount 1 kr / 200
}
payment "B" {
  kind   variable
  per    provider q each year
  amount 1 kr / 200
}
payment "C" {
  kind   fixed
  per    provider q each month
  amount 1 kr / 200
}
""")
    result = settle(tmp_path, src, [provider("VC1")])
    # A, B: 0.005 → 0.01 each; the exact sum 0.01 would print 0.01, the sum of lines 0.02
    # C: 12 monthly lines of 0.005 → 0.01 each = 0.12 (exact 0.06)
    assert result.json["totals"] == {
        "VC1": {"fixed": "0.12", "variable": "0.02", "performance": "0.00", "total": "0.14"}
    }


def test_negative_zero_total_is_printed_as_zero(tmp_path):
    src = contract("""
payment "Tiny" {
  kind   variable
  per    provider q each year
  amount -1 kr / 300
}
""")
    result = settle(tmp_path, src, [provider("VC1")])
    assert result.lines == {("VC1", "2022", "Tiny"): "0.00"}
    assert result.json["totals"]["VC1"]["total"] == "0.00"
    assert "-0.00" not in result.text
