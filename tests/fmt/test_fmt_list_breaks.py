"""`ersl fmt` where it breaks lines inside list blocks (issue 17, the fuzz harness).

In a list block a new line ends an item unless the next line continues it
(docs/reference/lexical.md). The formatter puts items on lines of their own when a
block does not fit, and breaks a long item only before a word or operator that
continues it (`and`, `or`, `+`, `where`, `within`). These tests give it items that
start with keywords used as names (a record field `from`, an enum member `listing`)
and values far wider than a line, in every list block, and check its promises: the
text it writes parses to the same AST, keeps the comments and is a fixed point.

The fuzz harness found `patient_attribute { patient P1, from not not … true }`
written with `from …` on a line of its own, which did not parse: the grammar read a
field named `from` after a new line as the keyword of a `dated` entry (fixed in
grammar/ersl.lark; tests/syntax/test_list_separators.py).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fmt import check_formatting

from ersl.fmt import format_source
from ersl.syntax import parse

#: Names spelled like keywords that may stand where a name starts an item.
KEYWORD_NAMES = ["from", "to", "listing", "true", "none", "not", "if", "else", "under", "kind"]
NAMES = ["patient", "cni", "a", "b", *KEYWORD_NAMES]


def test_the_fuzz_reproducer_a_given_record_with_a_long_from_field():
    """The smallest form of the failing fuzz input: the record no longer fits on a line,
    so each field goes on a line of its own, `from` first on its line."""
    src = (
        'test "t" {\n  given {\n    patient_attribute { patient P1, from '
        + "not " * 30
        + "true, cni 3 }\n  }\n}\n"
    )
    out = check_formatting(src)
    assert "\n      from not not" in out, out  # `from` starts a line of the record's body
    assert parse(out) == parse(src)


def test_a_listing_record_with_from_and_to_fields_on_their_own_lines():
    src = (
        'test "t" {\n  given {\n    listing L1 { patient P1, provider VC1, from 2020-01-01, '
        "to 2020-12-31, note " + '"' + "x" * 80 + '"' + " }\n  }\n}\n"
    )
    out = check_formatting(src)
    assert "\n      from 2020-01-01\n      to 2020-12-31\n" in out, out


@st.composite
def long_values(draw) -> str:
    """A value that may be far wider than a line, of a shape the formatter breaks
    (chains, sums, collections) or cannot break (a run of `not`, a long set)."""
    n = draw(st.integers(1, 30))
    kind = draw(st.sampled_from(["not", "and", "or", "sum", "minus", "set", "count", "if"]))
    if kind == "not":
        return "not " * n + "true"
    if kind in ("and", "or"):
        return f" {kind} ".join(f"p.{draw(st.sampled_from(NAMES))} == {i}" for i in range(n))
    if kind == "sum":
        return " + ".join(f"{i}00 kr" for i in range(n))
    if kind == "minus":
        return " - ".join(f"{i}00 kr" for i in range(n))
    if kind == "set":
        return "{" + ", ".join(f'"K{i:03}"' for i in range(n)) + "}"
    if kind == "count":
        where = " and ".join(f"v.{draw(st.sampled_from(NAMES))} == {i}" for i in range(n))
        return f"count(Visit v where {where} within 90 days before)"
    return f"if {'x and ' * n}y then {n} else {n + 1}"


def _items(draw, make, size: int = 4) -> list[str]:
    return [make(draw) for _ in range(draw(st.integers(1, size)))]


def _block(draw, head: str, items: list[str]) -> str:
    sep = draw(st.sampled_from([", ", "\n    ", ",\n    "]))
    return f"{head} {{ " + sep.join(items) + " }"


@st.composite
def list_blocks(draw) -> str:
    """A declaration holding one list block with long items and keyword names."""
    kind = draw(
        st.sampled_from(["given", "expect", "enum", "record", "table", "dated", "includes"])
    )
    name = st.sampled_from(NAMES)
    if kind == "given":

        def record(d) -> str:
            head = d(st.sampled_from(["patient P1", "patient_attribute", "listing L1", "visit"]))
            fields = [f"{d(name)} {d(long_values())}" for _ in range(d(st.integers(1, 3)))]
            return _block(d, head, fields)

        return 'test "t" {\n  ' + _block(draw, "given", _items(draw, record)) + "\n}\n"
    if kind == "expect":

        def line(d) -> str:
            return f'{d(name)} "A" 2022 = {d(long_values())}'

        return 'test "t" {\n  ' + _block(draw, "expect", _items(draw, line)) + "\n}\n"
    if kind == "enum":
        return _block(draw, "enum E", draw(st.lists(name, min_size=1, max_size=12))) + "\n"
    if kind == "record":
        fields = [f"{n}: int" for n in draw(st.lists(name, min_size=1, max_size=12, unique=True))]
        return _block(draw, "record R", fields) + "\n"
    if kind == "table":
        band = st.sampled_from(["a", "b", "from", "listing", "kind"])  # `under`, `else`: bands
        entries = _items(draw, lambda d: f"{d(band)} -> {d(long_values())}")
        return "param p = " + _block(draw, "table of E", entries) + "\n"
    if kind == "dated":
        entries = [
            f"from 202{i}-01-01 -> {draw(long_values())}" for i in range(draw(st.integers(1, 3)))
        ]
        return "param p = " + _block(draw, "dated", entries) + "\n"
    items = _items(draw, lambda d: f"Visit {d(name)} where {d(long_values())}")
    return (
        'bundle "B" {\n  trigger Procedure op\n  price 1 kr\n  '
        + _block(draw, "includes", items)
        + "\n}\n"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(list_blocks())
def test_long_items_and_keyword_names_in_list_blocks_format_to_the_same_program(src):
    """Whatever the formatter breaks, its text parses to the same AST, idempotently."""
    parse(src)  # every generated program parses
    check_formatting(src)
    assert format_source(format_source(src)) == format_source(src)
