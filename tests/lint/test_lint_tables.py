"""The table analysis (`ersl.lint.tables`) against a brute-force scan of the key domain.

For generated band sets the reported gaps, overlaps, shadowed and empty bands must match
what trying every key of a fine grid finds with the interpreter's own semantics
(`first_match`: the first band that holds a key gives its value):

- ordered keys: bounds are multiples of 1/2, so every gap or overlap of a decimal domain
  holds a multiple of 1/4, and the grid of quarters from below the smallest bound to
  above the largest finds all of them; int domains are scanned over the integers;
- enum keys: every member; text keys: the listed texts and one that is not listed;
- code keys: every code of up to four letters over a two-letter alphabet (the analysis
  of code patterns errs towards silence, so it must never call a band unused that a
  code reaches first).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ersl.lint.tables import (
    Domain,
    Interval,
    KeyBand,
    analyze,
    first_match,
    holds,
    ordered_domain,
)

# ------------------------------------------------------------------ generation


def _bands(kind: str):
    step = Fraction(1) if kind == "int" else Fraction(1, 2)
    bound = st.integers(-4, 24).map(lambda n: n * step)

    def band(draw_kind, a, b):
        match draw_kind:
            case "range":
                return ("range", a, b)
            case "over":
                return ("over", a, None)
            case "under":
                return ("under", None, b)
            case "eq":
                return ("eq", a, None)
        return ("else", None, None)

    one = st.builds(
        band,
        st.sampled_from(["range", "range", "range", "over", "under", "eq", "else"]),
        bound,
        bound,
    )
    nonneg = st.booleans()

    @st.composite
    def bands(draw):
        raw = draw(st.lists(one, min_size=1, max_size=6))
        if draw(nonneg):  # most tables have non-negative keys
            raw = [
                (k, None if a is None else abs(a), None if b is None else abs(b) + 1)
                for k, a, b in raw
            ]
        return [KeyBand(i, k, a, b) for i, (k, a, b) in enumerate(raw)]

    return bands()


def _grid(bands, domain: Domain) -> list[Fraction]:
    bounds = [v for b in bands for v in (b.low, b.high) if v is not None] or [Fraction(0)]
    low = domain.lower if domain.lower is not None else min(bounds) - 2
    high = max(bounds) + 2
    step = Fraction(1) if domain.kind == "int" else Fraction(1, 4)
    keys, key = [], low
    while key <= high:
        keys.append(key)
        key += step
    return keys


def _inside(key, iv: Interval) -> bool:
    if iv.low is not None and (key < iv.low or key == iv.low and not iv.low_closed):
        return False
    if iv.high is not None and (key > iv.high or key == iv.high and not iv.high_closed):
        return False
    return True


def _in_domain(key, domain: Domain) -> bool:
    if domain.kind == "int" and Fraction(key).denominator != 1:
        return False
    return domain.lower is None or key >= domain.lower


def _brute_overlaps(bands, keys) -> dict[tuple[int, int], bool]:
    """(earlier, later) → whether the later band is shadowed, from the scan."""
    result = {}
    for j, later in enumerate(bands):
        mine = [k for k in keys if holds(later, k)]
        for earlier in bands[:j]:
            if later.kind == "else" and earlier.kind != "else":
                continue
            if any(holds(earlier, k) for k in mine):
                result[(earlier.index, later.index)] = False
        if any(p[1] == later.index for p in result):
            shadowed = all(first_match(bands, k) != j for k in mine)
            for pair in result:
                if pair[1] == later.index:
                    result[pair] = shadowed
    return result


# ------------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["int", "decimal"]).flatmap(lambda k: st.tuples(st.just(k), _bands(k))))
def test_ordered_tables_match_a_brute_force_scan(case):
    kind, bands = case
    domain = ordered_domain(kind, bands)
    report = analyze(bands, domain)
    keys = _grid(bands, domain)

    # gaps: exactly the uncovered keys, each gap's example uncovered and in the domain
    uncovered = {k for k in keys if first_match(bands, k) is None}
    in_gaps = {k for k in keys if any(_inside(k, g.interval) for g in report.gaps)}
    assert uncovered == in_gaps
    for gap in report.gaps:
        assert _in_domain(gap.example, domain)
        assert _inside(gap.example, gap.interval)
        assert first_match(bands, gap.example) is None
    if any(b.kind == "else" for b in bands):
        assert report.gaps == ()  # `else` closes every gap

    # overlaps: the same pairs, examples held by both, shadowing as scanned
    expected = _brute_overlaps(bands, keys)
    assert {(o.first, o.second): o.shadowed for o in report.overlaps} == expected
    for o in report.overlaps:
        assert _in_domain(o.example, domain)
        assert holds(bands[o.first], o.example) and holds(bands[o.second], o.example)

    # empty bands: those holding no key of the domain
    assert set(report.empty) == {b.index for b in bands if not any(holds(b, k) for k in keys)}


MEMBERS = ("physical", "home", "video", "phone", "digital")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(MEMBERS), st.just(None)), min_size=1, max_size=7),
)
def test_enum_tables_match_a_brute_force_scan(raw):
    bands = [
        KeyBand(i, "else", None, None) if m is None else KeyBand(i, "eq", m, None)
        for i, m in enumerate(raw)
    ]
    domain = Domain("enum", MEMBERS)
    report = analyze(bands, domain)
    missing = [m for m in MEMBERS if first_match(bands, m) is None]
    assert [m for g in report.gaps for m in g.members] == missing
    for gap in report.gaps:
        assert gap.example in missing
    assert {(o.first, o.second): o.shadowed for o in report.overlaps} == _brute_overlaps(
        bands, list(MEMBERS)
    )
    for o in report.overlaps:
        assert holds(bands[o.first], o.example) and holds(bands[o.second], o.example)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(alphabet="abxyz", min_size=0, max_size=3), st.just(None)),
        min_size=1,
        max_size=6,
    )
)
def test_text_tables_match_a_brute_force_scan(raw):
    bands = [
        KeyBand(i, "else", None, None) if t is None else KeyBand(i, "eq", t, None)
        for i, t in enumerate(raw)
    ]
    report = analyze(bands, Domain("text"))
    listed = [t for t in raw if t is not None]
    has_else = None in raw
    assert bool(report.gaps) == (not has_else)  # every unlisted text is a gap without else
    for gap in report.gaps:
        assert gap.example not in listed
        assert first_match(bands, gap.example) is None
    keys = listed + [gap.example for gap in report.gaps] + ["q-unlisted"]
    assert {(o.first, o.second): o.shadowed for o in report.overlaps} == _brute_overlaps(
        bands, keys
    )


# A code pattern over the alphabet "AB": a code, a prefix ("A*") or a range, and every
# code of up to four letters to scan (a prefix holds longer codes too: the analysis must
# never call a band unused that some of these codes reach first).
_CODE = st.text(alphabet="AB", min_size=1, max_size=3)
_CODE_BANDS = st.one_of(
    st.builds(lambda c: ("eq", c, None), _CODE),
    st.builds(lambda c: ("eq", c + "*", None), _CODE),
    st.builds(lambda a, b: ("range", a, b), _CODE, _CODE),
    st.just(("else", None, None)),
)
_ALL_CODES = ["".join(p) for n in range(1, 5) for p in itertools.product("AB", repeat=n)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_CODE_BANDS, min_size=1, max_size=6))
def test_code_tables_never_call_a_used_band_unused(raw):
    from ersl.interpreter.codes import code_band

    bands = [KeyBand(i, k, a, b) for i, (k, a, b) in enumerate(raw)]
    tests = [code_band(b.kind, b.low, b.high) for b in bands]

    def first(code):
        return next((i for i, test in enumerate(tests) if test(code)), None)

    report = analyze(bands, Domain("code"))
    used = {first(code) for code in _ALL_CODES}
    for overlap in report.overlaps:
        assert overlap.shadowed and overlap.second not in used, overlap
        held = [code for code in _ALL_CODES if tests[overlap.second](code)]
        assert all(tests[overlap.first](code) for code in held), overlap
        assert tests[overlap.first](overlap.example) and tests[overlap.second](overlap.example)
    for index in report.empty:
        assert not any(tests[index](code) for code in _ALL_CODES)
    has_else = any(b.kind == "else" for b in bands)
    assert bool(report.gaps) == (not has_else)
    for gap in report.gaps:
        assert first(gap.example) is None


def test_code_bands_an_exception_before_its_prefix_is_no_overlap():
    bands = [KeyBand(0, "eq", "NFB49"), KeyBand(1, "eq", "NFB*"), KeyBand(2, "eq", "NFB62")]
    report = analyze(bands, Domain("code"))
    # "NFB62" comes after "NFB*", which holds it: never used; "NFB49" first is an exception
    assert [(o.first, o.second, o.example) for o in report.overlaps] == [(1, 2, "NFB62")]


# ------------------------------------------------------------------ examples


def _b(*specs):
    return [KeyBand(i, k, lo, hi) for i, (k, lo, hi) in enumerate(specs)]


F = Fraction


def test_int_domain_has_no_false_gaps():
    bands = _b(("range", F(0), F(5)), ("range", F(6), F(64)), ("over", F(65), None))
    assert analyze(bands, ordered_domain("int", bands)).gaps == ()


def test_decimal_domain_reports_the_hole_between_bands():
    bands = _b(("range", F(0), F(5)), ("range", F(6), F(64)), ("over", F(65), None))
    gaps = analyze(bands, ordered_domain("decimal", bands)).gaps
    assert [g.example for g in gaps] == [F(11, 2), F(129, 2)]


def test_open_and_closed_ends():
    # `under 5` does not hold 5; `5 and over` does: no gap, no overlap
    bands = _b(("under", None, F(5)), ("over", F(5), None))
    report = analyze(bands, ordered_domain("decimal", bands))
    assert report.gaps == () and report.overlaps == ()
    # `0 to 5` and `5 to 9` share 5
    bands = _b(("range", F(0), F(5)), ("range", F(5), F(9)), ("over", F(9), None))
    report = analyze(bands, ordered_domain("decimal", bands))
    assert [(o.first, o.second, o.example) for o in report.overlaps] == [
        (0, 1, F(5)),
        (1, 2, F(9)),
    ]
    # a gap that includes its end gives that end as the counterexample
    bands = _b(("under", None, F(5)), ("over", F(6), None))
    (gap,) = analyze(bands, ordered_domain("decimal", bands)).gaps
    assert gap.example == F(5)


def test_negative_bounds_open_the_domain_below():
    bands = _b(("range", F(-5), F(5)))
    domain = ordered_domain("int", bands)
    assert domain.lower is None
    examples = [g.example for g in analyze(bands, domain).gaps]
    assert examples == [F(-6), F(6)]
