"""Tests for ersl.exact.  Every expected value is worked out by hand in a comment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ersl.exact import (
    ROUNDING_MODES,
    format_amount,
    format_decimal,
    largest_remainder,
    parse_decimal,
    round_to,
    to_fraction,
)

ORE = F(1, 100)

# ---------------------------------------------------------------------------
# parse_decimal and to_fraction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("62.4", F(624, 10)),  # 624 tenths
        ("-3", F(-3)),
        ("+3", F(3)),
        ("6_500_000", F(6500000)),  # underscores only group digits
        ("0.1", F(1, 10)),  # exactly one tenth, unlike the float 0.1
        ("1_000.000_1", F(10000001, 10000)),  # 1000 + 1/10000
        ("-0.005", F(-5, 1000)),  # = -1/200
        ("007", F(7)),
        ("-0", F(0)),
    ],
)
def test_parse_decimal_exact(text: str, expected: F) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1e3",
        "1E3",
        ".5",
        "5.",
        "1.2.3",
        "_1",
        "1_",
        "1__0",
        "1._5",
        " 1",
        "1 ",
        "nan",
        "inf",
        "--1",
        "1,5",
        "0x10",
        "١٢",
    ],
)
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="expected a number like 62.4"):
        parse_decimal(text)


def test_to_fraction_accepts_exact_kinds() -> None:
    assert to_fraction(7) == F(7)
    assert to_fraction("2.50") == F(5, 2)  # 250/100
    assert to_fraction(F(1, 3)) == F(1, 3)
    assert to_fraction(Decimal("0.10")) == F(1, 10)  # 10/100


def test_to_fraction_rejects_float_and_bool() -> None:
    with pytest.raises(TypeError, match="floats are not exact"):
        to_fraction(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_fraction(True)
    with pytest.raises(ValueError):
        to_fraction(Decimal("NaN"))
    with pytest.raises(TypeError):
        to_fraction(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# round_to


@pytest.mark.parametrize(
    ("x", "mode", "expected"),
    [
        # 0.005 kr is exactly half an öre: half_up goes away from zero to 0.01.
        ("0.005", "half_up", "0.01"),
        ("-0.005", "half_up", "-0.01"),
        # half_even: 0.005 = 0.5 öre, even neighbour is 0 öre; 0.015 = 1.5 öre -> 2 öre.
        ("0.005", "half_even", "0"),
        ("-0.005", "half_even", "0"),
        ("0.015", "half_even", "0.02"),
        ("0.025", "half_even", "0.02"),  # 2.5 öre -> 2 öre (even)
        ("-0.035", "half_even", "-0.04"),  # -3.5 öre -> -4 öre (even)
        # down truncates toward zero.
        ("0.009", "down", "0"),
        ("-0.009", "down", "0"),
        ("1.999", "down", "1.99"),
        ("-1.999", "down", "-1.99"),
        # Not a half: nearest wins in both half modes.
        ("0.0051", "half_even", "0.01"),
        ("0.0049", "half_up", "0"),
        ("-2.006", "half_up", "-2.01"),
        ("12.34", "half_up", "12.34"),  # already a whole öre
    ],
)
def test_round_to_ore(x: str, mode: str, expected: str) -> None:
    assert round_to(parse_decimal(x), ORE, mode) == parse_decimal(expected)


def test_round_to_thirds_and_other_increments() -> None:
    # 1/3 kr = 33.33... öre -> 33 öre in every mode.
    for mode in ROUNDING_MODES:
        assert round_to(F(1, 3), ORE, mode) == F(33, 100)
    # 2/3 kr = 66.66... öre -> 67 öre (half modes), 66 öre (down).
    assert round_to(F(2, 3), ORE, "half_up") == F(67, 100)
    assert round_to(F(2, 3), ORE, "half_even") == F(67, 100)
    assert round_to(F(2, 3), ORE, "down") == F(66, 100)
    # Whole kronor: 2.5 -> 3 (half_up), 2 (half_even); 3.5 -> 4 in both.
    assert round_to(F(5, 2), F(1), "half_up") == 3
    assert round_to(F(5, 2), F(1), "half_even") == 2
    assert round_to(F(7, 2), F(1), "half_even") == 4
    # Increment 5: 12.5 is 2.5 fives -> 3 fives = 15 (half_up), 2 fives = 10 (half_even).
    assert round_to(F(25, 2), F(5), "half_up") == 15
    assert round_to(F(25, 2), F(5), "half_even") == 10
    # int increment is accepted: 7 / 2 = 3.5 twos -> 4 twos = 8 (half_up).
    assert round_to(F(7), 2, "half_up") == 8  # type: ignore[arg-type]


def test_round_to_beats_28_digit_decimal() -> None:
    # 1.004 followed by 25 nines has 29 significant digits; it is below 1.005, so to
    # the öre it is 1.00 in half_up.
    text = "1.004" + "9" * 25
    assert len(text.replace(".", "")) == 29
    assert round_to(parse_decimal(text), ORE, "half_up") == 1  # 100 öre
    # A 28-digit Decimal context rounds the value to 1.005000... in any arithmetic
    # (here x * 1), and then half_up gives the wrong 1.01.
    with localcontext() as ctx:
        ctx.prec = 28
        wrong = (Decimal(text) * 1).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert wrong == Decimal("1.01")


def test_round_to_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown rounding mode"):
        round_to(F(1), ORE, "up")
    with pytest.raises(ValueError, match="must be positive"):
        round_to(F(1), F(0), "half_up")
    with pytest.raises(ValueError, match="must be positive"):
        round_to(F(1), -ORE, "half_up")
    with pytest.raises(TypeError):
        round_to(0.5, ORE, "half_up")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# format_amount and format_decimal


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (F(123450, 100), "1234.50"),
        (F(-3), "-3.00"),
        (F(0), "0.00"),
        (F(-0), "0.00"),
        (F(1, 100), "0.01"),
        (F(-1, 100), "-0.01"),
        (F(-105, 100), "-1.05"),
        (F(6500000), "6500000.00"),
    ],
)
def test_format_amount(x: F, expected: str) -> None:
    assert format_amount(x) == expected


def test_minus_zero_prints_as_zero() -> None:
    # -0.004 kr rounds to -0.4 öre -> 0 öre in half_up: printed "0.00", never "-0.00".
    assert format_amount(round_to(parse_decimal("-0.004"), ORE, "half_up")) == "0.00"
    # down: -0.009 -> 0.
    assert format_amount(round_to(parse_decimal("-0.009"), ORE, "down")) == "0.00"


def test_format_amount_requires_whole_ore() -> None:
    with pytest.raises(ValueError, match="whole number of öre"):
        format_amount(F(1, 3))
    with pytest.raises(ValueError, match="whole number of öre"):
        format_amount(parse_decimal("0.005"))


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (F(1, 8), "0.125"),  # 1/8 = 125/1000
        (F(-624, 10), "-62.4"),
        (F(5), "5"),
        (F(-5), "-5"),
        (F(0), "0"),
        (F(1, 3), "1/3"),  # no finite decimal expansion
        (F(-7, 6), "-7/6"),  # 6 = 2 * 3 has the factor 3
        (F(1, 1024), "0.0009765625"),  # 1/2**10 = 5**10 / 10**10 = 9765625 / 10**10
        (F(3, 20), "0.15"),  # 20 = 2**2 * 5 -> 2 places: 15/100
        (F(1, 100), "0.01"),
        (F(1000), "1000"),  # trailing zeros of whole numbers are kept
    ],
)
def test_format_decimal(x: F, expected: str) -> None:
    assert format_decimal(x) == expected


# ---------------------------------------------------------------------------
# largest_remainder


def test_largest_remainder_three_thirds_tie_by_key() -> None:
    # 1 kr in three equal parts: each 33.33... öre, floor 33 öre, remainder 1/3 öre.
    # Total 1.00; floors sum 0.99, so 1 öre is left; all remainders tie, and "a"
    # sorts first, so "a" gets it.
    parts = [("c", F(1, 3)), ("a", F(1, 3)), ("b", F(1, 3))]
    assert largest_remainder(parts, ORE, "half_up") == {
        "a": F(34, 100),
        "b": F(33, 100),
        "c": F(33, 100),
    }


def test_largest_remainder_tie_uses_code_points() -> None:
    # "VC10" < "VC2" < "vc1" by code points ('1' < '2'; 'V' (86) < 'v' (118)).
    # 1 kr / 3 as above: one öre left, goes to "VC10".
    parts = [("vc1", F(1, 3)), ("VC2", F(1, 3)), ("VC10", F(1, 3))]
    result = largest_remainder(parts, ORE, "half_up")
    assert result == {"VC10": F(34, 100), "VC2": F(33, 100), "vc1": F(33, 100)}


def test_largest_remainder_largest_remainders_win() -> None:
    # x = 0.104 (rem 0.4 öre), y = 0.207 (rem 0.7 öre), z = 0.309 (rem 0.9 öre).
    # Total 0.620 -> 0.62; floors 0.10 + 0.20 + 0.30 = 0.60; 2 öre left -> z, then y.
    parts = [
        ("x", parse_decimal("0.104")),
        ("y", parse_decimal("0.207")),
        ("z", parse_decimal("0.309")),
    ]
    assert largest_remainder(parts, ORE, "half_up") == {
        "x": F(10, 100),
        "y": F(21, 100),
        "z": F(31, 100),
    }


def test_largest_remainder_total_rounding_mode_matters() -> None:
    # Two parts of 0.0025 each: total 0.005 = half an öre.
    # half_up: total 0.01; floors 0 + 0; 1 öre left; tie -> "a".
    parts = [("b", F(25, 10000)), ("a", F(25, 10000))]
    assert largest_remainder(parts, ORE, "half_up") == {"a": ORE, "b": F(0)}
    # half_even: total 0 (0 öre is even); nothing handed out.
    assert largest_remainder(parts, ORE, "half_even") == {"a": F(0), "b": F(0)}
    # down: total 0.
    assert largest_remainder(parts, ORE, "down") == {"a": F(0), "b": F(0)}


def test_largest_remainder_negative_amounts() -> None:
    # -1 kr in three parts of -1/3: floor(-33.33 öre) = -34 öre, remainder 2/3 öre each.
    # Total -1.00; floors sum -1.02; 2 öre to hand out: ties -> "a", "b" get +1 öre.
    parts = [("a", F(-1, 3)), ("b", F(-1, 3)), ("c", F(-1, 3))]
    assert largest_remainder(parts, ORE, "half_up") == {
        "a": F(-33, 100),
        "b": F(-33, 100),
        "c": F(-34, 100),
    }


def test_largest_remainder_mixed_signs() -> None:
    # p = 0.505 (floor 0.50, rem 0.5 öre), q = -0.205 (floor -0.21, rem 0.5 öre).
    # Total 0.300 -> 0.30; floors 0.50 - 0.21 = 0.29; 1 öre left; tie -> "p".
    parts = [("q", parse_decimal("-0.205")), ("p", parse_decimal("0.505"))]
    assert largest_remainder(parts, ORE, "half_up") == {"p": F(51, 100), "q": F(-21, 100)}


def test_largest_remainder_edge_cases() -> None:
    assert largest_remainder([], ORE, "half_up") == {}
    # A single part is just rounded: 2/3 -> 0.67.
    assert largest_remainder([("only", F(2, 3))], ORE, "half_up") == {"only": F(67, 100)}
    # Whole öre amounts are untouched.
    parts = [("a", F(150, 100)), ("b", F(-25, 100))]
    assert largest_remainder(parts, ORE, "half_up") == {"a": F(3, 2), "b": F(-1, 4)}
    with pytest.raises(ValueError, match="appears twice"):
        largest_remainder([("a", F(1)), ("a", F(2))], ORE, "half_up")


def test_largest_remainder_spec_pool_example() -> None:
    # SPEC §3.9: split(415 tkr, equally) over 7 providers: 415000 / 7 = 59285.714285...
    # Floors 59285.71 each, remainder 0.4285... öre; total 415000.00 exactly;
    # floors sum 7 * 59285.71 = 414999.97, so 3 öre go to the first three ids.
    ids = [f"VC{i}" for i in range(1, 8)]
    result = largest_remainder([(i, F(415000, 7)) for i in ids], ORE, "half_up")
    assert [result[i] for i in ids] == [F(5928572, 100)] * 3 + [F(5928571, 100)] * 4
    assert sum(result.values()) == 415000


# ---------------------------------------------------------------------------
# Properties

exact_values = st.fractions(min_value=-(10**7), max_value=10**7, max_denominator=10**6)
increments = st.sampled_from([F(1, 100), F(1, 10), F(1), F(5), F(1, 3), F(1, 1000)])
modes = st.sampled_from(ROUNDING_MODES)
keys = st.text(alphabet="abcABC01_åÅ", min_size=1, max_size=4)
part_lists = st.dictionaries(keys, exact_values, max_size=12).map(lambda d: list(d.items()))


@given(part_lists, increments, modes)
def test_prop_largest_remainder_sums_to_rounded_total(parts, increment, mode) -> None:
    result = largest_remainder(parts, increment, mode)
    total = sum((a for _, a in parts), F(0))
    assert set(result) == {k for k, _ in parts}
    assert sum(result.values(), F(0)) == round_to(total, increment, mode)


@given(part_lists, increments, modes)
def test_prop_largest_remainder_parts_close_to_exact(parts, increment, mode) -> None:
    result = largest_remainder(parts, increment, mode)
    for key, exact in parts:
        assert (result[key] / increment).denominator == 1
        # Each part is its floor or one increment more: strictly within one increment.
        assert abs(result[key] - exact) < increment


@given(part_lists, increments, modes)
def test_prop_largest_remainder_independent_of_order(parts, increment, mode) -> None:
    assert largest_remainder(parts, increment, mode) == largest_remainder(
        list(reversed(parts)), increment, mode
    )


@given(exact_values, increments, modes)
def test_prop_round_to_is_a_near_multiple(x, increment, mode) -> None:
    r = round_to(x, increment, mode)
    assert (r / increment).denominator == 1
    if mode == "down":
        assert abs(r) <= abs(x) < abs(r) + increment
        assert r == 0 or (r > 0) == (x > 0)
    else:
        assert abs(r - x) <= increment / 2


@given(exact_values, increments)
def test_prop_half_modes_differ_only_on_halves(x, increment) -> None:
    up, even = round_to(x, increment, "half_up"), round_to(x, increment, "half_even")
    if up != even:
        assert abs(x - up) == increment / 2 and abs(x - even) == increment / 2
        assert abs(up) > abs(x)  # half_up went away from zero
        assert (even / increment) % 2 == 0  # half_even went to the even multiple


@given(exact_values, increments, modes)
def test_prop_round_to_is_odd_symmetric(x, increment, mode) -> None:
    # All three modes are symmetric about zero.
    assert round_to(-x, increment, mode) == -round_to(x, increment, mode)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_prop_amount_round_trip(ore) -> None:
    x = F(ore, 100)
    text = format_amount(x)
    assert parse_decimal(text) == x
    assert format_amount(parse_decimal(text)) == text
    assert text.count(".") == 1 and len(text.split(".")[1]) == 2


@given(exact_values)
def test_prop_format_decimal_round_trip(x) -> None:
    text = format_decimal(x)
    back = F(text) if "/" in text else parse_decimal(text)
    assert back == x


@given(
    st.integers(-(10**12), 10**12),
    st.integers(1, 10**12),
    st.integers(-(10**6), 10**6),
    st.integers(1, 10**6),
)
def test_prop_fast_ratio_and_product_equal_fraction(a, b, c, d):
    Fraction = F
    from ersl.exact import product, ratio

    # ratio/product build Fractions without the constructor's type checks; they must be
    # indistinguishable from Fraction's own results (value, normal form, hash).
    fast = ratio(a, b)
    assert fast == Fraction(a, b)
    assert (fast.numerator, fast.denominator) == (
        Fraction(a, b).numerator,
        Fraction(a, b).denominator,
    )
    assert hash(fast) == hash(Fraction(a, b))
    assert product(Fraction(a, b), Fraction(c, d)) == Fraction(a, b) * Fraction(c, d)
    assert product(c, d) == c * d and type(product(c, d)) is int
    assert ratio(a, -b) == Fraction(a, -b)
