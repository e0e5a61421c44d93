"""Table analysis in the DMN tradition: gaps, overlaps and empty bands, with counterexamples.

A table is a list of bands tried in order; the first band that holds a key gives the
value (SPEC §3.3, `ersl.interpreter.run.Table`). This module works on the bands'
*values* (not the AST) so that it can be tested against a brute-force scan:

- `holds(band, key)` and `first_match(bands, key)` are the interpreter's semantics;
- `analyze(bands, domain)` finds, exactly:
  - **gaps**: keys of the domain that no band holds (none when there is an `else`),
    each gap an interval (ordered keys) or a member (enum keys), with one key in it;
  - **overlaps**: pairs of bands (earlier, later) that hold a common key — the later
    band never gives the value for that key. An `else` holds every key, so a band
    after an `else` overlaps it; an `else` after other bands only takes the rest and
    is not an overlap (two `else` bands are);
  - **empty** bands: bands that hold no key of the domain (`10 to 5`).

Domains: `int` (integer keys — no false gap between `0 to 5` and `6 to 64`),
`decimal` (exact rationals — the hole between 5 and 6 is a gap, e.g. 5.5), `enum`
(a finite set of members), `text` (any string) and `code` (codes, banded by code
patterns: a code, a prefix `"NGB*"`, a range; an earlier specific code and a later
prefix holding it are how an exception is written, so only a band that earlier bands
hold entirely is an overlap — it is never used). Ordered domains start at
`lower` (0 unless a band reaches below 0, see `ordered_domain`) and are unbounded above.
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from ersl.interpreter.codes import band_pattern, pattern_example, pattern_within

# ------------------------------------------------------------------ values


@attrs.frozen
class KeyBand:
    """One band as values: kind is range, over, under, eq or else (SPEC §3.3)."""

    index: int
    kind: str
    low: object = None
    high: object = None


@attrs.frozen
class Domain:
    """The keys a table may be looked up with."""

    kind: str  # "int" | "decimal" | "enum" | "text"
    members: tuple[str, ...] = ()
    lower: Fraction | None = Fraction(0)
    """Smallest key of an ordered domain (included); None for no lower bound."""


@attrs.frozen
class Interval:
    """An interval of an ordered domain; None ends are unbounded."""

    low: Fraction | None
    low_closed: bool
    high: Fraction | None
    high_closed: bool


@attrs.frozen
class Gap:
    """Keys no band holds: an interval (ordered keys) or members (enum, text)."""

    example: object
    interval: Interval | None = None
    members: tuple = ()


@attrs.frozen
class Overlap:
    """Bands `first` < `second` that both hold `example`; `shadowed`: `second` is never used."""

    first: int
    second: int
    example: object
    shadowed: bool


@attrs.frozen
class TableReport:
    """What `analyze` found."""

    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    empty: tuple[int, ...]


# ------------------------------------------------------------------ semantics


def holds(band: KeyBand, key) -> bool:
    """Whether `band` holds `key` — exactly as the interpreter tests it."""
    match band.kind:
        case "else":
            return True
        case "eq":
            return key == band.low
        case "range":
            return band.low <= key <= band.high
        case "over":
            return key >= band.low
        case "under":
            return key < band.high
    raise ValueError(band.kind)


def first_match(bands, key) -> int | None:
    """The index (position in `bands`) of the band that gives the value for `key`."""
    for position, band in enumerate(bands):
        if holds(band, key):
            return position
    return None


def ordered_domain(kind: str, bands) -> Domain:
    """The domain of an int or decimal table: from 0, or unbounded below when a band
    reaches below 0 (a negative bound, or `under B` with B ≤ 0)."""
    negative = False
    for band in bands:
        for bound in (band.low, band.high):
            if bound is not None and bound < 0:
                negative = True
        if band.kind == "under" and band.high <= 0:
            negative = True
    return Domain(kind, lower=None if negative else Fraction(0))


# ------------------------------------------------------------------ intervals


def _band_interval(band: KeyBand) -> Interval:
    match band.kind:
        case "else":
            return Interval(None, False, None, False)
        case "eq":
            return Interval(Fraction(band.low), True, Fraction(band.low), True)
        case "range":
            return Interval(Fraction(band.low), True, Fraction(band.high), True)
        case "over":
            return Interval(Fraction(band.low), True, None, False)
        case "under":
            return Interval(None, False, Fraction(band.high), False)
    raise ValueError(band.kind)


def _normalise(iv: Interval, domain: Domain) -> Interval | None:
    """`iv` cut to the domain (integers: closed integer ends); None if it holds no key."""
    low, low_closed, high, high_closed = iv.low, iv.low_closed, iv.high, iv.high_closed
    if domain.lower is not None and (low is None or low < domain.lower):
        low, low_closed = domain.lower, True
    if domain.kind == "int":
        if low is not None:
            low = Fraction(math.ceil(low)) if low_closed else Fraction(math.floor(low) + 1)
            low_closed = True
        if high is not None:
            high = Fraction(math.floor(high)) if high_closed else Fraction(math.ceil(high) - 1)
            high_closed = True
    if low is not None and high is not None:
        if low > high or (low == high and not (low_closed and high_closed)):
            return None
    return Interval(low, low_closed, high, high_closed)


def _intersect(a: Interval, b: Interval, domain: Domain) -> Interval | None:
    if a.low is None:
        low, low_closed = b.low, b.low_closed
    elif b.low is None or a.low > b.low:
        low, low_closed = a.low, a.low_closed
    elif a.low < b.low:
        low, low_closed = b.low, b.low_closed
    else:
        low, low_closed = a.low, a.low_closed and b.low_closed
    if a.high is None:
        high, high_closed = b.high, b.high_closed
    elif b.high is None or a.high < b.high:
        high, high_closed = a.high, a.high_closed
    elif a.high > b.high:
        high, high_closed = b.high, b.high_closed
    else:
        high, high_closed = a.high, a.high_closed and b.high_closed
    return _normalise(Interval(low, low_closed, high, high_closed), domain)


_END = "end"  # the uncovered part starts at +infinity: everything is covered


def _complement(covered: list[Interval], domain: Domain) -> list[Interval]:
    """The parts of the domain outside every interval of `covered` (all normalised).

    Sweeps the intervals by their low end, keeping `start`: where the uncovered part
    begins, as (value, included) — `None` for minus infinity, `_END` for nothing left.
    """
    result: list[Interval] = []
    start = (domain.lower, True) if domain.lower is not None else None
    for iv in sorted(covered, key=_sort_key):
        if start == _END:
            break
        if iv.low is not None:
            gap = _normalise(
                Interval(
                    None if start is None else start[0],
                    True if start is None else start[1],
                    iv.low,
                    not iv.low_closed,
                ),
                domain,
            )
            if gap is not None:
                result.append(gap)
        after = _END if iv.high is None else (iv.high, not iv.high_closed)
        start = _later(start, after)
    if start != _END:
        tail = _normalise(
            Interval(
                None if start is None else start[0],
                True if start is None else start[1],
                None,
                False,
            ),
            domain,
        )
        if tail is not None:
            result.append(tail)
    return result


def _sort_key(iv: Interval):
    if iv.low is None:
        return (0, Fraction(0), 0)
    return (1, iv.low, 0 if iv.low_closed else 1)


def _later(a, b):
    """The later of two start positions; (v, True) starts at v, (v, False) just after."""
    if a == _END or b == _END:
        return _END
    if a is None:
        return b
    if b is None:
        return a
    if a[0] != b[0]:
        return a if a[0] > b[0] else b
    return a if not a[1] else b


def _uncovered_part(iv: Interval, others: list[Interval], domain: Domain) -> Interval | None:
    """Some part of `iv` that no interval of `others` covers (None if they cover it all)."""
    for piece in _complement(others, domain):
        part = _intersect(piece, iv, domain)
        if part is not None:
            return part
    return None


def example_in(iv: Interval, domain: Domain) -> Fraction:
    """A key inside a non-empty interval: a closed end if there is one, else a midpoint."""
    if domain.kind == "int":
        if iv.low is not None:
            return iv.low
        return iv.high if iv.high is not None else Fraction(0)
    if iv.low is not None and iv.low_closed:
        return iv.low
    if iv.high is not None and iv.high_closed:
        return iv.high
    if iv.low is None and iv.high is None:
        return Fraction(0)
    if iv.low is None:
        return iv.high - 1
    if iv.high is None:
        return iv.low + 1
    return (iv.low + iv.high) / 2


# ------------------------------------------------------------------ analysis


def analyze(bands, domain: Domain) -> TableReport:
    """Gaps, overlaps and empty bands of a table (see the module docstring)."""
    bands = list(bands)
    if domain.kind == "code":
        return _analyze_codes(bands)
    if domain.kind in ("enum", "text"):
        return _analyze_discrete(bands, domain)
    return _analyze_ordered(bands, domain)


def _analyze_codes(bands) -> TableReport:
    """Code keys: gaps without `else`, bands no code reaches, bands never used."""
    patterns = [band_pattern(b.kind, b.low, b.high) for b in bands]
    empty = tuple(
        b.index
        for b, p in zip(bands, patterns, strict=True)
        if p[0] == "range" and pattern_example(p) is None
    )
    gaps: list[Gap] = []
    if not any(p[0] == "else" for p in patterns):
        listed = [pattern_example(p) for p in patterns]
        gaps.append(Gap(fresh_text([c for c in listed if c is not None], upper=True)))
    overlaps: list[Overlap] = []
    for j, later in enumerate(patterns):
        if bands[j].index in empty:
            continue
        for i in range(j):
            if bands[i].index not in empty and pattern_within(later, patterns[i]):
                example = pattern_example(later)
                overlaps.append(Overlap(bands[i].index, bands[j].index, example, True))
                break
    return TableReport(tuple(gaps), tuple(overlaps), empty)


def _analyze_ordered(bands, domain: Domain) -> TableReport:
    intervals = [_normalise(_band_interval(b), domain) for b in bands]
    empty = tuple(b.index for b, iv in zip(bands, intervals, strict=True) if iv is None)
    has_else = any(b.kind == "else" for b in bands)
    gaps: list[Gap] = []
    if not has_else:
        covered = [iv for iv in intervals if iv is not None]
        for gap in _complement(covered, domain):
            gaps.append(Gap(example_in(gap, domain), interval=gap))
    overlaps: list[Overlap] = []
    for j, later in enumerate(bands):
        if intervals[j] is None:
            continue
        earlier_ivs = []
        for i in range(j):
            earlier = bands[i]
            if intervals[i] is None:
                continue
            earlier_ivs.append(intervals[i])
            if later.kind == "else" and earlier.kind != "else":
                continue
            common = _intersect(intervals[i], intervals[j], domain)
            if common is None:
                continue
            overlaps.append(Overlap(earlier.index, later.index, example_in(common, domain), False))
        mine = [o for o in overlaps if o.second == later.index]
        if mine and _uncovered_part(intervals[j], earlier_ivs, domain) is None:
            overlaps = [attrs.evolve(o, shadowed=True) if o in mine else o for o in overlaps]
    return TableReport(tuple(gaps), tuple(overlaps), empty)


def _analyze_discrete(bands, domain: Domain) -> TableReport:
    """Enum and text keys: only `= A` (or a bare member) and `else` bands apply."""
    bands = [b for b in bands if b.kind in ("eq", "else")]
    has_else = any(b.kind == "else" for b in bands)
    listed = [b.low for b in bands if b.kind == "eq"]
    gaps: list[Gap] = []
    if not has_else:
        if domain.kind == "enum":
            missing = tuple(m for m in domain.members if m not in listed)
            if missing:
                gaps.append(Gap(missing[0], members=missing))
        else:
            gaps.append(Gap(fresh_text(listed)))
    overlaps: list[Overlap] = []
    for j, later in enumerate(bands):
        for earlier in bands[:j]:
            if later.kind == "else":
                if earlier.kind == "else":
                    overlaps.append(
                        Overlap(earlier.index, later.index, _any_key(domain, listed), True)
                    )
            elif earlier.kind == "else" or earlier.low == later.low:
                overlaps.append(Overlap(earlier.index, later.index, later.low, True))
    return TableReport(tuple(gaps), tuple(overlaps), ())


def _any_key(domain: Domain, listed) -> object:
    if domain.kind == "enum":
        return domain.members[0] if domain.members else None
    return fresh_text(listed)


def fresh_text(listed, upper: bool = False) -> str:
    """A readable text key (a code, with `upper`) that is not among `listed`."""
    for candidate in ("other", "x", "y", "z"):
        candidate = candidate.upper() if upper else candidate
        if candidate not in listed:
            return candidate
    n = 1
    while f"X{n}" in listed or f"x{n}" in listed:
        n += 1
    return f"X{n}" if upper else f"x{n}"
