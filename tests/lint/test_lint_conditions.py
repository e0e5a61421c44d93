"""The condition analysis (`ersl.lint.conditions`): what it proves never holds, and a
Hypothesis property that it is sound — a condition it calls contradictory is false for
every value of a brute-force scan — and complete for conjunctions of comparisons of one
number with constants."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ersl import ast
from ersl.checker import check_file
from ersl.lint.conditions import ConditionAnalyzer
from ersl.syntax import parse


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    path = tmp_path_factory.mktemp("cond") / "c.ersl"
    path.write_text('use stdlib "schema/sweden"\n', encoding="utf-8")
    checked = check_file(path)
    return ConditionAnalyzer(None, checked.symbols)


def condition(text: str) -> ast.Expr:
    return parse(f"param x = {text}").decls[0].value


NEVER = [
    "false",
    "a > 3 and a < 2",
    "a >= 3 and a < 3",
    "a <= 3 and a >= 3 and a != 3",
    "not (a >= 3) and a > 5",
    "(a < 1 or a > 5) and a >= 2 and a <= 4",
    "v.mode == home and v.mode == video",
    "v.mode in {home, video} and v.mode != home and v.mode != video",
    "v.mode in {home} and v.mode not in {home, video}",
    "v.mode != physical and v.mode != home and v.mode != video and v.mode != phone "
    "and v.mode != digital",
    'v.kind == "a" and v.kind == "b"',
    "x == none and x > 3",
    "x != none and x == none",
    "a < b and b < a",
    "a == b and a != b",
    "exists(Visit v) and not exists(Visit v)",
    "v.diagnoses in heart and v.diagnoses not in heart",
    "v.date >= 2023-01-01 and v.date <= 2022-12-31",
    "x in {1, 2} and x > 2",
    "x in {}",
    "v.mode == home and not (v.mode in {home, video})",
]

MAY_HOLD = [
    "true",
    "a > 3 and a < 4",  # 3.5 (a is not known to be an integer here)
    "a >= 3 and a <= 3",
    "v.mode == home or v.mode == video",
    "v.profession != doctor and v.profession != nurse",
    "x == none and x != 3",
    'v.kind == "a" or v.kind == "b"',
    "a < b and b <= c",
    "exists(Visit v) or not exists(Visit v)",
    "x in {1, 2} and x >= 2",
    "f(a) > 3 and g(a) < 2",
]


@pytest.mark.parametrize("text", NEVER)
def test_never_holds(analyzer, text):
    assert analyzer.never_holds(condition(text))


@pytest.mark.parametrize("text", MAY_HOLD)
def test_may_hold(analyzer, text):
    assert not analyzer.never_holds(condition(text))


def test_conditions_combine_across_clauses(analyzer):
    where = condition("v.mode in {physical, video}")
    assert analyzer.never_holds(where, condition("v.mode == home"))
    assert not analyzer.never_holds(where, condition("v.mode == video"))
    assert not analyzer.never_holds(None, None)


def test_integers_from_the_checker(tmp_path):
    path = tmp_path / "c.ersl"
    path.write_text(
        'use stdlib "schema/sweden"\n'
        'payment "P" { kind variable  per Visit v where age(v.patient) > 64 and age(v.patient) < 65'
        "  amount 1 kr }\n",
        encoding="utf-8",
    )
    checked = check_file(path)
    where = checked.symbols.payments["P"].basis.where
    assert ConditionAnalyzer(checked.facts, checked.symbols).never_holds(where)
    # without the checker's types `age(…)` might be 64.5
    assert not ConditionAnalyzer(None, checked.symbols).never_holds(where)


# ------------------------------------------------------------------ soundness property

OPS = ["<", "<=", ">", ">=", "==", "!="]
GRID = [Fraction(n, 2) for n in range(-2, 22)]  # constants are 0..9: halves find every case


def _atom():
    return st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(OPS), st.integers(0, 9))


def _tree(depth=3):
    leaf = _atom().map(lambda t: ("atom", *t))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(st.just("and"), inner, inner),
            st.tuples(st.just("or"), inner, inner),
            st.tuples(st.just("not"), inner),
        ),
        max_leaves=6,
    )


def _text(tree) -> str:
    match tree:
        case ("atom", var, op, const):
            return f"{var} {op} {const}"
        case ("not", inner):
            return f"not ({_text(inner)})"
        case (op, left, right):
            return f"({_text(left)}) {op} ({_text(right)})"


def _eval(tree, env) -> bool:
    match tree:
        case ("atom", var, op, const):
            x = env[var]
            return {
                "<": x < const,
                "<=": x <= const,
                ">": x > const,
                ">=": x >= const,
                "==": x == const,
                "!=": x != const,
            }[op]
        case ("not", inner):
            return not _eval(inner, env)
        case ("and", left, right):
            return _eval(left, env) and _eval(right, env)
        case ("or", left, right):
            return _eval(left, env) or _eval(right, env)


@settings(max_examples=300, deadline=None)
@given(_tree())
def test_never_holds_is_sound(tree):
    analyzer = ConditionAnalyzer()
    satisfiable = any(_eval(tree, {"a": a, "b": b}) for a in GRID for b in GRID)
    if analyzer.never_holds(condition(_text(tree))):
        assert not satisfiable, _text(tree)


@settings(max_examples=300, deadline=None)
@given(st.lists(_atom().map(lambda t: ("atom", "a", t[1], t[2])), min_size=1, max_size=5))
def test_conjunctions_of_one_number_are_decided_exactly(atoms):
    tree = atoms[0]
    for more in atoms[1:]:
        tree = ("and", tree, more)
    satisfiable = any(_eval(tree, {"a": a, "b": 0}) for a in GRID)
    assert ConditionAnalyzer().never_holds(condition(_text(tree))) == (not satisfiable)
