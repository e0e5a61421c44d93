"""Every error the loader and the checker can give, with its exact place (SPEC §4, §7).

Each case is a small contract that makes exactly one mistake. The test asserts
the code, the exact line:column of the diagnostic and the key words of its
message (and of its help where the help is the point, e.g. "did you mean").

How the positions were derived: sources are written flush left (line 1 is the
first line of the string) and clauses are aligned so values start at column 10
(`  amount ` is 9 characters). Every case also names the text that must start
at the expected position (`snippet`); `test_case_positions_are_what_we_read`
checks that reading against the source, so a miscounted column fails loudly
and separately from a checker bug.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import ersl.checker
import ersl.loader
from ersl.checker import check_file
from ersl.cli import main
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError


def src(text: str) -> str:
    """A source written flush left in a triple-quoted string; line 1 is its first line."""
    return textwrap.dedent(text).lstrip("\n")


def write(tmp_path: Path, source: str, name: str = "contract.ersl", **files: str) -> Path:
    """Write the contract (and any other files, keyword = relative path) and return its path."""
    for rel, text in files.items():
        target = tmp_path / rel.replace("__", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def diagnostics_of(tmp_path: Path, source: str, **files: str) -> list[Diagnostic]:
    """Check `source` (written to a real file so imports work); return its diagnostics."""
    path = write(tmp_path, source, **files)
    try:
        check_file(path)
    except ErslError as error:
        assert error.diagnostics, "ErslError without diagnostics"
        return error.diagnostics
    return []


def at(diagnostic: Diagnostic) -> tuple[int, int]:
    return diagnostic.span.line, diagnostic.span.column


def render(diags: list[Diagnostic]) -> str:
    return "\n".join(f"{at(d)} {d.code} {d.message} | help: {d.help}" for d in diags)


@dataclass
class Case:
    """One mistake: where it is and what the checker must say about it."""

    id: str
    source: str
    code: str
    line: int
    column: int
    snippet: str
    """The text that starts at line:column (checked against the source)."""
    words: tuple[str, ...]
    """Key words of the message."""
    help: tuple[str, ...] = ()
    """Key words of the help line."""
    notes: tuple[tuple[int, int], ...] = field(default=())
    """Places of the notes (line, column) when the diagnostic shows a second place."""


CASES: list[Case] = []


def case(id, source, code, line, column, snippet, words, help=(), notes=()):
    CASES.append(
        Case(id, src(source), code, line, column, snippet, tuple(words), tuple(help), notes)
    )


# =====================================================================================
# SPEC §4's list, explicitly
# =====================================================================================

# money + decimal: the `+` expression's span starts at its left operand, col 10.
case(
    "§4 money + decimal",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100 kr + 2.5
    }
    """,
    "E0400",
    5,
    10,
    "100 kr + 2.5",
    ["cannot add", "money", "decimal"],
    ["unit", "100 kr"],
)

# money compared with percent: `  per    Stay s where ` is 22 characters, so `s.cost` is col 23.
case(
    "§4 money compared with percent",
    """
    use stdlib "schema/sweden"
    payment "Vårddygn" {
      kind   variable
      per    Stay s where s.cost > 5 %
      amount 100 kr
    }
    """,
    "E0401",
    4,
    23,
    "s.cost > 5 %",
    ["cannot compare", "money", "percent"],
    ["compare money with money"],
)

# a rate paid per event: the amount at col 10 of line 5.
case(
    "§4 rate paid per event",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 390 kr/year
    }
    """,
    "E0402",
    5,
    10,
    "390 kr/year",
    ["rate", "money per year", "per event"],
    ["basis with a duration"],
)

# kr/year on a daily basis (the SPEC's "kr/year × days").
case(
    "§4 rate per year on a daily basis",
    """
    use stdlib "schema/sweden"
    payment "Vårddygn" {
      kind   variable
      per    Stay s each day
      amount 1200 kr/year
    }
    """,
    "E0403",
    5,
    10,
    "1200 kr/year",
    ["money per year", "by the day"],
    ["kr/day"],
)

# kr/year × days written out: the product starts at col 11 (`param x = ` is 10).
case(
    "§4 rate per year times days",
    """
    param x = 410 kr/year * 30 days
    """,
    "E0400",
    1,
    11,
    "410 kr/year * 30 days",
    ["cannot multiply", "money per year", "days"],
    ["months or years", "kr/day"],
)

# an unknown name: `visit_fe` is the amount, col 10.
case(
    "§4 unknown name, did you mean",
    """
    use stdlib "schema/sweden"
    param visit_fee: money = 200 kr
    payment "Besök" {
      kind   variable
      per    Visit v
      amount visit_fe
    }
    """,
    "E0300",
    6,
    10,
    "visit_fe",
    ["unknown name", "`visit_fe`"],
    ["did you mean `visit_fee`"],
)

# an unknown field: the span is the field name after the dot. `  per    Visit v where v.` is
# 25 characters, so `modd` is col 26.
case(
    "§4 unknown field, did you mean",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.modd == home
      amount 100 kr
    }
    """,
    "E0301",
    4,
    26,
    "modd",
    ["`Visit`", "no field", "`modd`"],
    ["did you mean `mode`"],
)

# a misspelt enum member: `  per    Visit v where v.profession == ` is 39 characters.
case(
    "§4 wrong enum member, misspelt",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.profession == doctr
      amount 100 kr
    }
    """,
    "E0303",
    4,
    40,
    "doctr",
    ["`doctr`", "not a member of Profession"],
    ["did you mean `doctor`"],
)

# a member of another enum: `  per    Visit v where v.mode == ` is 33 characters.
case(
    "§4 wrong enum member, of another enum",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.mode == nurse
      amount 100 kr
    }
    """,
    "E0303",
    4,
    34,
    "nurse",
    ["`nurse`", "member of Profession", "not of Mode"],
    ["physical", "home", "video"],
)

# a code of the wrong system: diagnoses are icd10 codes, the code set is kva. The span is the
# whole `in` test, which starts at `v.diagnoses`, col 24.
case(
    "§4 code of the wrong system",
    """
    use stdlib "schema/sweden"
    codeset hips: kva { "NFB*" }
    payment "Besök" {
      kind   variable
      per    Visit v where v.diagnoses in hips
      amount 100 kr
    }
    """,
    "E0407",
    5,
    24,
    "v.diagnoses in hips",
    ["an icd10 code", "kva code set"],
    ["code set declared `: icd10`"],
)

# a non-bool condition: `  weight 1.5 when ` is 18 characters, so the condition is col 19.
case(
    "§4 non-bool condition",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100 kr
      weight 1.5 when age(v.patient)
    }
    """,
    "E0404",
    6,
    19,
    "age(v.patient)",
    ["`when` condition", "true or false", "int"],
    ["compare it"],
)

# a missing `amount`: reported at the payment, line 2 col 1.
case(
    "§4 missing amount",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
    }
    """,
    "E0500",
    2,
    1,
    'payment "Besök"',
    ['the payment "Besök"', "no `amount`"],
    ["amount 390 kr"],
)

# a name declared twice: reported at the second name (col 7), with a note at the first.
case(
    "§4 name declared twice",
    """
    param fee = 100 kr
    param fee = 200 kr
    """,
    "E0202",
    2,
    7,
    "fee",
    ["`fee`", "declared twice"],
    ["rename"],
    notes=((1, 7),),
)

# two lines with one name: reported at the second payment, note at the first.
case(
    "§4 line name declared twice",
    """
    use stdlib "schema/sweden"
    payment "Besök" { kind variable  per Visit v  amount 100 kr }
    payment "Besök" { kind variable  per Visit v  amount 200 kr }
    """,
    "E0202",
    3,
    1,
    'payment "Besök"',
    ["line name", "`Besök`", "declared twice"],
    notes=((2, 1),),
)

# a cap naming an unknown line: reported at the `applies to` clause (col 3).
case(
    "§4 cap naming an unknown line",
    """
    use stdlib "schema/sweden"
    payment "Besöksersättning" { kind variable  per Visit v  amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "Besöksersätning"
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0304",
    4,
    3,
    'applies to "Besöksersätning"',
    ["no payment named", '"Besöksersätning"'],
    ["did you mean `Besöksersättning`"],
)

# a performance naming an unknown indicator: reported at the indicator line (col 5).
case(
    "§4 performance naming an unknown indicator",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000 kr
      indicators {
        "Blodtryk" linear 70 % to 90 %
      }
    }
    """,
    "E0305",
    6,
    5,
    '"Blodtryk"',
    ["no indicator named", '"Blodtryk"'],
    ["did you mean `Blodtryck`"],
)

# capped payments of different kinds: reported at the `applies to` clause (col 3).
case(
    "§4 capped payments of different kinds",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    payment "B" { kind fixed     per Visit v  amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "A", "B"
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0503",
    5,
    3,
    'applies to "A", "B"',
    ["share one kind", '"A" is variable', '"B" is fixed'],
    ["separate caps"],
)

# a cyclic definition between two parameters: reported where `b` uses `a`;
# `param b: money = ` is 17 characters, so col 18.
case(
    "§4 cyclic definition (parameters)",
    """
    param a: money = b
    param b: money = a
    """,
    "E0600",
    2,
    18,
    "a",
    ["cyclic definition", "a → b → a"],
    ["cannot be defined in terms of themselves"],
)

# a recursive function: reported at the call in its own body; `function f(n: int): int = `
# is 26 characters, so col 27.
case(
    "§4 cyclic definition (recursive function)",
    """
    function f(n: int): int = f(n)
    """,
    "E0600",
    1,
    27,
    "f(n)",
    ["cyclic definition", "f → f"],
)

# a paid cycle: "B" uses "A" which uses "B"; reported at the name that closes the cycle.
# `  amount paid(` is 14 characters, so the string is col 15.
case(
    "§4 paid cycle",
    """
    use stdlib "schema/sweden"
    payment "A" {
      kind   fixed
      per    provider q each year
      amount paid("B", q) * 10 %
    }
    payment "B" {
      kind   fixed
      per    provider q each year
      amount paid("A", q) * 10 %
    }
    """,
    "E0601",
    10,
    15,
    '"A"',
    ["`paid` cycle", '"A" → "B" → "A"'],
    ["break the cycle"],
)

# a paid cycle through a cap: "A" reads the cap's line, and the cap applies to "A". Reported
# where the cap (visited second) uses "A": its `applies to` clause, col 3.
case(
    "§4 paid cycle through a cap",
    """
    use stdlib "schema/sweden"
    payment "A" {
      kind   variable
      per    Visit v
      amount 100 kr + paid("Tak", v.provider) / 1000
    }
    cap "Tak" for provider q each year {
      applies to "A"
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0601",
    8,
    3,
    'applies to "A"',
    ["`paid` cycle", '"A" → "Tak" → "A"'],
)


# a paid cycle through a function: the traversal starts at `f` (sorted first) and closes the
# cycle where "A" calls `f`: `  amount ` is 9 characters, so col 10 of line 6.
case(
    "§4 paid cycle through a function",
    """
    use stdlib "schema/sweden"
    function f(q: Provider): money = paid("A", q) * 10 %
    payment "A" {
      kind   fixed
      per    provider q each year
      amount f(q)
    }
    """,
    "E0601",
    6,
    10,
    "f(q)",
    ["`paid` cycle", 'f → "A" → f'],
)

# =====================================================================================
# Names, types and the schema (ersl/checker/symbols.py)
# =====================================================================================

# a type that clashes with the standard schema: the note points into the stdlib file.
case(
    "E0202 type declared twice, across files",
    """
    use stdlib "schema/sweden"
    record Provider { id: text }
    """,
    "E0202",
    2,
    8,
    "Provider",
    ["the type `Provider`", "declared twice"],
)

# `enum Mode { physical, home, ` is 28 characters: the second `home` is col 29.
case(
    "E0202 enum member listed twice",
    """
    enum Mode { physical, home, home }
    """,
    "E0202",
    1,
    29,
    "home }",
    ["`home`", "listed twice", "enum Mode"],
    notes=((1, 23),),
)

case(
    "E0202 indicator declared twice",
    """
    indicator "Blodtryck" reported
    indicator "Blodtryck" reported
    """,
    "E0202",
    2,
    1,
    'indicator "Blodtryck"',
    ["the indicator `Blodtryck`", "declared twice"],
    notes=((1, 1),),
)

# a bundle's charge line "<bundle>: charge" shares the namespace of lines.
case(
    "E0202 bundle charge line clashes with a payment",
    """
    use stdlib "schema/sweden"
    payment "Höft: charge" { kind variable  per Visit v  amount 100 kr }
    bundle "Höft" {
      trigger Procedure op
      price   56300 kr
    }
    """,
    "E0202",
    3,
    1,
    'bundle "Höft"',
    ["`Höft: charge`", "declared twice"],
    notes=((2, 1),),
)

case(
    "E0202 test declared twice",
    """
    test "a" { period 2022 }
    test "a" { period 2022 }
    """,
    "E0202",
    2,
    1,
    'test "a"',
    ["the test `a`", "declared twice"],
    notes=((1, 1),),
)

case(
    "E0202 property declared twice",
    """
    property "p" { for any data  check true }
    property "p" { for any data  check true }
    """,
    "E0202",
    2,
    1,
    'property "p"',
    ["the property `p`", "declared twice"],
    notes=((1, 1),),
)

# `record R { a: ` is 14 characters: the type is col 15.
case(
    "E0302 unknown type, did you mean",
    """
    use stdlib "schema/sweden"
    record R { a: Patinet }
    """,
    "E0302",
    2,
    15,
    "Patinet",
    ["unknown type `Patinet`"],
    ["did you mean `Patient`"],
)

# `param x: ` is 9 characters: `text` is col 10.
case(
    "E0302 only money is a rate",
    """
    param x: text per year
    """,
    "E0302",
    1,
    10,
    "text per year",
    ["only money can be a rate", "`text`"],
    ["money per year"],
)

# `param x: money per ` is 19 characters: `week` is col 20.
case(
    "E0302 not a rate period",
    """
    param x: money per week
    """,
    "E0302",
    1,
    20,
    "week",
    ["`week`", "not a rate period"],
    ["day, month or year"],
)

# `param x: ` is 9 characters: `money` is col 10.
case(
    "E0302 only a duration is counted in a unit",
    """
    param x: money in months
    """,
    "E0302",
    1,
    10,
    "money",
    ["only a duration is counted in a unit", "`money`"],
    ["duration in months"],
)

# `param x: duration in ` is 21 characters: `monts` is col 22.
case(
    "E0302 not a unit of time",
    """
    param x: duration in monts
    """,
    "E0302",
    1,
    22,
    "monts",
    ["`monts` is not a unit of time"],
    ["did you mean `months`"],
)

# a duration in months is not a duration in days: `param x: duration in days = ` is 28.
case(
    "E0405 months given for a duration in days",
    """
    param x: duration in days = 3 months
    """,
    "E0405",
    1,
    29,
    "3 months",
    ["declared duration in days", "duration in months"],
)

# `value` is none where there is no result: `function f(q: Provider): percent = ` is 36.
case(
    "E0405 a function giving value without otherwise",
    """
    use stdlib "schema/sweden"
    indicator "Nöjda" reported
    function f(q: Provider): percent = value(q, "Nöjda")
    """,
    "E0405",
    3,
    36,
    'value(q, "Nöjda")',
    ["should give percent", "percent?"],
    ["may be none", "otherwise", "percent?"],
)

# `reported` takes a provider and an indicator: `  per    provider q each year where ` is
# 36 characters, the call at col 37.
case(
    "E0406 reported without its provider",
    """
    use stdlib "schema/sweden"
    indicator "Nöjda" reported
    payment "P" {
      kind   performance
      per    provider q each year where reported("Nöjda")
      amount 1 kr
    }
    """,
    "E0406",
    5,
    37,
    'reported("Nöjda")',
    ["`reported` takes 2 arguments"],
    ['reported(q, "Indicator")'],
)

# a difference of two percentages is pp, and pp × money has no meaning: `param y = ` is 10.
case(
    "E0400 pp times money, with the complement as the hint",
    """
    param y = (90 % - 30 %) * 1000 kr
    """,
    "E0400",
    1,
    11,
    "(90 % - 30 %) * 1000 kr",
    ["cannot multiply a pp value by a money value"],
    ["percentage points", "(100 % - x)"],
)

# A code-keyed table's bands are code patterns: `  ` indent, the band at col 3.
case(
    "E0405 not a code pattern",
    """
    param avgift = table of code kva {
      "N*B" -> 1 kr
    }
    """,
    "E0405",
    2,
    3,
    '"N*B"',
    ['"N*B" is not a code pattern'],
    ['a prefix ending in `*` ("NGB*")'],
)

case(
    "E0405 a prefix as a range bound",
    """
    param avgift = table of code kva {
      "A*" to "B" -> 1 kr
    }
    """,
    "E0405",
    2,
    3,
    '"A*"',
    ['"A*" is not a code pattern: a range is between two codes'],
    ['("I10" to "I15")'],
)

case(
    "E0405 codes are not ordered for `and over`",
    """
    param avgift = table of code kva {
      "A" and over -> 1 kr
    }
    """,
    "E0405",
    2,
    3,
    '"A" and over',
    ["`A and over` bands need ordered keys, not code kva"],
    ['a prefix like "NGB*"'],
)

# `param n = count(` is 16 characters: the collection's type is col 17.
case(
    "E0302 a misspelt date collection",
    """
    use stdlib "schema/sweden"
    param n = count(MonthEnds d)
    """,
    "E0302",
    2,
    17,
    "MonthEnds",
    ["unknown type `MonthEnds`"],
    ["did you mean `MonthEnd`"],
)

# `param d = month_end(` is 20 characters; the call starts at col 11.
case(
    "E0406 month_end of two dates",
    """
    param d = month_end(2022-01-01, 2022-02-01)
    """,
    "E0406",
    1,
    11,
    "month_end(",
    ["`month_end` takes 1 argument"],
    ["month_end(d)"],
)

# `at most N days` covers days of spans: `    Visit x within 30 days after at most ` is 41.
case(
    "E0405 at most days of an event",
    """
    use stdlib "schema/sweden"
    bundle "B" {
      trigger Procedure op
      price   100 kr
      includes {
        Visit x within 30 days after at most 6 days
      }
    }
    """,
    "E0405",
    6,
    42,
    "6 days",
    ["`at most` a number of days covers days of spans", "`Visit` is not a span"],
    ["`at most 1`"],
)

case(
    "E0405 at most a number of months",
    """
    use stdlib "schema/sweden"
    bundle "B" {
      trigger Procedure op
      price   100 kr
      includes {
        Stay x within 30 days after at most 3 months
      }
    }
    """,
    "E0405",
    6,
    41,
    "3 months",
    ["`at most` must be a number of records or of days", "duration in months"],
    ["count the days", "`at most 90 days`"],
)

# `extend record ` is 14 characters: the name is col 15.
case(
    "E0203 extend an unknown type",
    """
    use stdlib "schema/sweden"
    extend record Providr { target_points: decimal? }
    """,
    "E0203",
    2,
    15,
    "Providr",
    ["cannot extend `Providr`", "no such record"],
    ["did you mean `Provider`"],
)

# `extend event ` is 13 characters: the name is col 14.
case(
    "E0203 extend with the wrong kind",
    """
    use stdlib "schema/sweden"
    extend event Provider { target_points: decimal? }
    """,
    "E0203",
    2,
    14,
    "Provider",
    ["`Provider` is a record", "not an event"],
    ["extend record Provider"],
)

# `record R { a: int, ` is 19 characters: the second `a` is col 20.
case(
    "E0204 field declared twice",
    """
    record R { a: int, a: text }
    """,
    "E0204",
    1,
    20,
    "a: text",
    ["`R` already has a field `a`"],
    notes=((1, 12),),
)

# an extension repeating a standard field: the note points into the standard schema.
case(
    "E0204 extend repeats a field",
    """
    use stdlib "schema/sweden"
    extend record Patient { sex: text? }
    """,
    "E0204",
    2,
    25,
    "sex",
    ["`Patient` already has a field `sex`"],
)

case(
    "E0205 event without a date",
    """
    event Call { id: text }
    """,
    "E0205",
    1,
    7,
    "Call",
    ["the event `Call`", "needs a `date` field"],
    ["date: date"],
)

case(
    "E0205 span without an end",
    """
    span Period { start: date }
    """,
    "E0205",
    1,
    6,
    "Period",
    ["the span `Period`", "needs an `end` field"],
    ["end: date?"],
)


# =====================================================================================
# Expressions (ersl/checker/expressions.py). `param x = ` is 10 characters: col 11.
# =====================================================================================

# `param s = {1, ` is 14 characters: `"a"` is col 15.
case(
    "E0400 set mixes types",
    """
    param s = {1, "a"}
    """,
    "E0400",
    1,
    15,
    '"a"',
    ["a set cannot mix", "int", "text"],
)

case(
    "E0400 negate text",
    """
    param x = -"a"
    """,
    "E0400",
    1,
    11,
    '-"a"',
    ["cannot negate", "text"],
)

case(
    "E0400 otherwise with two types",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount v.patient.cni otherwise 1 kr
    }
    """,
    "E0400",
    5,
    10,
    "v.patient.cni otherwise 1 kr",
    ["`otherwise` needs the same type", "decimal?", "money"],
)

case(
    "E0400 if branches of two types",
    """
    param x = if true then 1 kr else "a"
    """,
    "E0400",
    1,
    11,
    "if true",
    ["branches of `if`", "money", "text"],
)

case(
    "E0400 percent minus int",
    """
    param x = 70 % - 5
    """,
    "E0400",
    1,
    11,
    "70 % - 5",
    ["cannot subtract", "percent", "int"],
    ["`5 %`", "`5 pp`"],
)

case(
    "E0400 money plus percent",
    """
    param x = 100 kr + 3 %
    """,
    "E0400",
    1,
    11,
    "100 kr + 3 %",
    ["cannot add", "money", "percent"],
    ["`amount * 3 %`"],
)

case(
    "E0400 rates of two periods",
    """
    param x = 10 kr/year + 1 kr/month
    """,
    "E0400",
    1,
    11,
    "10 kr/year",
    ["cannot add", "money per year", "money per month"],
    ["same period"],
)

case(
    "E0400 money per day times months",
    """
    param x = 10 kr/day * 3 months
    """,
    "E0400",
    1,
    11,
    "10 kr/day",
    ["cannot multiply money per day", "months"],
    ["rate per month or year"],
)

case(
    "E0400 money times money",
    """
    param x = 10 kr * 3 kr
    """,
    "E0400",
    1,
    11,
    "10 kr * 3 kr",
    ["cannot multiply", "money", "money"],
)

# `  per    Visit v where ` is 23 characters: the comparison is col 24.
case(
    "E0401 order of an enum",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.mode < home
      amount 100 kr
    }
    """,
    "E0401",
    4,
    24,
    "v.mode < home",
    ["Mode has no order", "`==` and `!=`"],
)

case(
    "E0401 none with <",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.kind < none
      amount 100 kr
    }
    """,
    "E0401",
    4,
    24,
    "v.kind < none",
    ["`none`", "only be compared with `==` or `!=`"],
    ["otherwise"],
)

case(
    "E0401 money compared with a bare number",
    """
    use stdlib "schema/sweden"
    payment "Vårddygn" {
      kind   variable
      per    Stay s where s.cost > 5000
      amount 100 kr
    }
    """,
    "E0401",
    4,
    23,
    "s.cost > 5000",
    ["cannot compare", "money", "int"],
    ["`100 kr`"],
)

case(
    "E0401 looking for an enum in a set of numbers",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.profession in {1, 2}
      amount 100 kr
    }
    """,
    "E0401",
    4,
    24,
    "v.profession in {1, 2}",
    ["cannot look for Profession", "set of int"],
)

# the right side is the culprit: `  per    Visit v where v.kind in ` is 33 characters.
case(
    "E0405 right side of `in` is not a set",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.kind in "abc"
      amount 100 kr
    }
    """,
    "E0405",
    4,
    34,
    '"abc"',
    ["right side of `in`", "a set or a code set", "text"],
)

# the left side is the culprit: a date looked up in a code set.
case(
    "E0407 a date in a code set",
    """
    use stdlib "schema/sweden"
    codeset hips: kva { "NFB*" }
    payment "Besök" {
      kind   variable
      per    Visit v where v.date in hips
      amount 100 kr
    }
    """,
    "E0407",
    5,
    24,
    "v.date in hips",
    ["only codes can be looked up in a code set", "date"],
)

# `  per    Visit v where v.date.` is 30 characters: `year` is col 31.
case(
    "E0301 field of a value that has none",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.date.year == 2022
      amount 100 kr
    }
    """,
    "E0301",
    4,
    31,
    "year",
    ["a date value has no fields"],
    ["records, events and spans"],
)

case(
    "E0303 member of several enums",
    """
    enum A { x, y }
    enum B { x, z }
    param p = x
    """,
    "E0303",
    3,
    11,
    "x",
    ["`x`", "several enums", "A, B"],
)

case(
    "E0300 unknown function, did you mean",
    """
    use stdlib "functions/p4p"
    param x = atainment(50 %, 40 %, 60 %)
    """,
    "E0300",
    2,
    11,
    "atainment",
    ["unknown function `atainment`"],
    ["did you mean `attainment`"],
)

case(
    "E0406 a function used without arguments",
    """
    use stdlib "functions/p4p"
    param x = attainment
    """,
    "E0406",
    2,
    11,
    "attainment",
    ["`attainment` is a function", "call it"],
    ["attainment(…)"],
)

case(
    "E0406 a function given the wrong number of arguments",
    """
    use stdlib "functions/p4p"
    param x = attainment(50 %)
    """,
    "E0406",
    2,
    11,
    "attainment(50 %)",
    ["`attainment` takes 3 arguments", "given 1"],
    ["attainment(result, min, target)"],
)

# `param x = attainment(` is 21 characters: the first argument is col 22.
case(
    "E0405 a function argument of the wrong type",
    """
    use stdlib "functions/p4p"
    param x = attainment(5 kr, 40 %, 60 %)
    """,
    "E0405",
    2,
    22,
    "5 kr",
    ["argument `result` of `attainment`", "must be percent", "money"],
)

# a bare number where a percent is wanted: `param x = attainment(` is 21 characters.
case(
    "E0405 a percent argument without its unit",
    """
    use stdlib "functions/p4p"
    param x = attainment(85, 70 %, 90 %)
    """,
    "E0405",
    2,
    22,
    "85,",
    ["argument `result` of `attainment`", "must be percent", "number without a unit"],
    ["`70 %`"],
)

case(
    "E0406 a parameter that is not a table called like one",
    """
    param fee: money = 100 kr
    param x = fee(1)
    """,
    "E0406",
    2,
    11,
    "fee(1)",
    ["`fee` is a parameter of type money", "not a table"],
)

case(
    "E0406 a table looked up with two keys",
    """
    param t = table of int { 0 and over -> 1 kr }
    param x = t(1, 2)
    """,
    "E0406",
    2,
    11,
    "t(1, 2)",
    ["table `t`", "one key"],
)

# `param x = t(` is 12 characters: the key is col 13.
case(
    "E0405 a table key of the wrong type",
    """
    param t = table of int { 0 and over -> 1 kr }
    param x = t("a")
    """,
    "E0405",
    2,
    13,
    '"a"',
    ["the key of table `t`", "must be int", "text"],
)

case(
    "E0406 a built-in value called",
    """
    param x = today()
    """,
    "E0406",
    1,
    11,
    "today()",
    ["`today` is a value, not a function"],
    ["write `today`"],
)

# `param x = count(` is 16 characters: the type is col 17.
case(
    "E0302 an aggregate over records",
    """
    use stdlib "schema/sweden"
    param x = count(Patient p)
    """,
    "E0302",
    2,
    17,
    "Patient",
    ["`Patient` is not an event or span type"],
)

case(
    "E0302 an aggregate over an unknown type",
    """
    use stdlib "schema/sweden"
    param x = count(Vist v)
    """,
    "E0302",
    2,
    17,
    "Vist",
    ["unknown type `Vist`"],
    ["did you mean `Visit`"],
)

# `param x = count(Visit v within ` is 31 characters: the length is col 32.
case(
    "E0405 a window without a unit",
    """
    use stdlib "schema/sweden"
    param x = count(Visit v within 90)
    """,
    "E0405",
    2,
    32,
    "90",
    ["length of a `within` window", "duration"],
    ["900 days"],
)

# `param x = count(Visit v within 9 days before ` is 45 characters.
case(
    "E0405 a window anchored on a non-date",
    """
    use stdlib "schema/sweden"
    param x = count(Visit v within 9 days before v.kind)
    """,
    "E0405",
    2,
    46,
    "v.kind",
    ["the date a window is measured from", "must be date"],
)


# =====================================================================================
# Built-in functions (ersl/checker/builtins.py)
# =====================================================================================

case(
    "E0406 built-in with the wrong number of arguments",
    """
    param x = year(2022-01-01, 1)
    """,
    "E0406",
    1,
    11,
    "year(",
    ["`year` takes 1 argument"],
    ["write `year(d)`"],
)

case(
    "E0406 built-in with two arguments given one",
    """
    use stdlib "schema/sweden"
    function f(q: Provider): int = listed_count(q)
    """,
    "E0406",
    2,
    32,
    "listed_count(q)",
    ["`listed_count` takes 2 arguments"],
    ["listed_count(q, d)"],
)

# `param x = year(` is 15 characters.
case(
    "E0405 built-in argument of the wrong type",
    """
    param x = year(5)
    """,
    "E0405",
    1,
    16,
    "5",
    ["the argument of `year`", "must be date", "int"],
)

case(
    "E0406 aggregate without a collection",
    """
    param x = count(3)
    """,
    "E0406",
    1,
    11,
    "count(3)",
    ["`count` takes a collection"],
    ["count(Visit v where …)"],
)

case(
    "E0406 sum without a value",
    """
    use stdlib "schema/sweden"
    param x = sum(Stay s)
    """,
    "E0406",
    2,
    11,
    "sum(Stay s)",
    ["`sum` needs a value to add up"],
    ["sum(E for Stay s where …)"],
)

# the value before `for` is the culprit: `param x = count(` is 16 characters.
case(
    "E0406 count with a value",
    """
    use stdlib "schema/sweden"
    param x = count(1 for Visit v)
    """,
    "E0406",
    2,
    17,
    "1 for Visit v",
    ["`count` takes no value before `for`"],
)

# `param x = sum(` is 14 characters.
case(
    "E0405 sum of text",
    """
    use stdlib "schema/sweden"
    param x = sum(s.ward for Stay s)
    """,
    "E0405",
    2,
    15,
    "s.ward for Stay s",
    ["cannot sum text values"],
)

case(
    "E0406 min of one value",
    """
    param x = min(1)
    """,
    "E0406",
    1,
    11,
    "min(1)",
    ["`min` takes two or more values"],
    ["min(a, b)"],
)

# `param x = min(1 kr, ` is 20 characters.
case(
    "E0405 max of two types",
    """
    param x = max(1 kr, 2)
    """,
    "E0405",
    1,
    21,
    "2)",
    ["`max` needs values of one type", "money", "int"],
)

case(
    "E0406 abs of two values",
    """
    param x = abs(1, 2)
    """,
    "E0406",
    1,
    11,
    "abs(1, 2)",
    ["`abs` takes 1 argument"],
    ["abs(x)"],
)

case(
    "E0406 round without `to:`",
    """
    param x = round(1 kr)
    """,
    "E0406",
    1,
    11,
    "round(1 kr)",
    ["`round` takes a value and `to:` an increment"],
    ["round(x, to: 0.01 kr)"],
)

# `param x = round(10 kr, to: ` is 27 characters.
case(
    "E0405 rounding increment of the wrong unit",
    """
    param x = round(10 kr, to: 1)
    """,
    "E0405",
    1,
    28,
    "1)",
    ["the rounding increment", "must be money", "int"],
    ["`390 kr`"],
)

case(
    "E0405 size of a non-set",
    """
    param x = size(1)
    """,
    "E0405",
    1,
    16,
    "1)",
    ["`size` counts the elements of a set", "int"],
)

case(
    "E0405 monthly_average of text",
    """
    param x = monthly_average("a")
    """,
    "E0405",
    1,
    27,
    '"a"',
    ["the value to average", "decimal or money", "text"],
)

# `function f(q: Provider): money = paid(` is 38 characters.
case(
    "E0406 paid with an unquoted line name",
    """
    use stdlib "schema/sweden"
    function f(q: Provider): money = paid(q, q)
    """,
    "E0406",
    2,
    39,
    "q, q",
    ["line name must be written in quotes"],
    ['paid("Besöksersättning", q)'],
)

case(
    "E0304 paid names an unknown line",
    """
    use stdlib "schema/sweden"
    payment "Besök" { kind variable  per Visit v  amount 100 kr }
    function f(q: Provider): money = paid("Besk", q)
    """,
    "E0304",
    3,
    39,
    '"Besk"',
    ["no payment, cap, performance or bundle named", '"Besk"'],
    ["did you mean `Besök`"],
)

case(
    "E0405 paid for something that is not a provider",
    """
    use stdlib "schema/sweden"
    payment "Besök" { kind variable  per Visit v  amount 100 kr }
    function f(q: Provider): money = paid("Besök", 1)
    """,
    "E0405",
    3,
    48,
    "1)",
    ["the payee of `paid`", "must be Provider", "int"],
)

# `function f(q: Provider): percent? = value(q, ` is 45 characters.
case(
    "E0406 value with an unquoted indicator name",
    """
    use stdlib "schema/sweden"
    function f(q: Provider): percent? = value(q, q)
    """,
    "E0406",
    2,
    46,
    "q)",
    ["indicator name must be written in quotes"],
)

case(
    "E0305 value names an unknown indicator",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    function f(q: Provider): percent? = value(q, "Blodtryk")
    """,
    "E0305",
    3,
    46,
    '"Blodtryk"',
    ["no indicator named", '"Blodtryk"'],
    ["did you mean `Blodtryck`"],
)

case(
    "E0305 region_mean names an unknown indicator",
    """
    indicator "Blodtryck" reported
    param x = region_mean("Blodtryk")
    """,
    "E0305",
    2,
    23,
    '"Blodtryk"',
    ["no indicator named", '"Blodtryk"'],
    ["did you mean `Blodtryck`"],
)

case(
    "E0408 split outside a payment's amount",
    """
    param x = split(415 tkr, equally)
    """,
    "E0408",
    1,
    11,
    "split",
    ["`split`", "only be used in a payment's `amount`"],
)

case(
    "E0406 split without how to share",
    """
    use stdlib "schema/sweden"
    payment "Pott" {
      kind   fixed
      per    provider q each year
      amount split(415 tkr)
    }
    """,
    "E0406",
    5,
    10,
    "split(415 tkr)",
    ["`split` takes a pot and how to share it"],
    ["equally", "by average_listed(q)"],
)

# `  amount split(415 tkr, ` is 24 characters.
case(
    "E0406 split with an unknown way to share",
    """
    use stdlib "schema/sweden"
    payment "Pott" {
      kind   fixed
      per    provider q each year
      amount split(415 tkr, fairly)
    }
    """,
    "E0406",
    5,
    25,
    "fairly",
    ["share a pot `equally` or `by` a value"],
)

# `  amount split(` is 15 characters.
case(
    "E0405 split of a pot without a unit",
    """
    use stdlib "schema/sweden"
    payment "Pott" {
      kind   fixed
      per    provider q each year
      amount split(415000, equally)
    }
    """,
    "E0405",
    5,
    16,
    "415000",
    ["the pot of `split`", "must be money", "int"],
    ["`390 kr`"],
)

# `  amount split(415 tkr, by ` is 27 characters.
case(
    "E0405 split by text",
    """
    use stdlib "schema/sweden"
    payment "Pott" {
      kind   fixed
      per    provider q each year
      amount split(415 tkr, by q.name)
    }
    """,
    "E0405",
    5,
    28,
    "q.name",
    ["the share key after `by`", "decimal or money", "text?"],
)


# =====================================================================================
# Declarations (ersl/checker/declarations.py)
# =====================================================================================

case(
    "E0506 settle montly",
    """
    contract "T" {
      valid  2022-01-01 .. 2022-12-31
      settle montly
    }
    """,
    "E0506",
    3,
    10,
    "montly",
    ["`montly`", "not a settlement period"],
    ["did you mean `monthly`"],
)

case(
    "E0506 reconcile yeraly",
    """
    contract "T" {
      valid     2022-01-01 .. 2022-12-31
      reconcile yeraly
    }
    """,
    "E0506",
    3,
    13,
    "yeraly",
    ["`yeraly`", "not a reconciliation period"],
    ["did you mean `yearly`"],
)

# `  rounding 0.01 kr ` is 19 characters.
case(
    "E0506 rounding mode",
    """
    contract "T" {
      valid    2022-01-01 .. 2022-12-31
      rounding 0.01 kr half_upp per line
    }
    """,
    "E0506",
    3,
    20,
    "half_upp",
    ["`half_upp`", "not a rounding mode"],
    ["did you mean `half_up`"],
)

# `  rounding 0.01 kr half_up per ` is 31 characters.
case(
    "E0506 rounding scope",
    """
    contract "T" {
      valid    2022-01-01 .. 2022-12-31
      rounding 0.01 kr half_up per lines
    }
    """,
    "E0506",
    3,
    32,
    "lines",
    ["`lines`", "not a rounding scope"],
    ["did you mean `line`"],
)

case(
    "E0506 payment kind",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   fixd
      per    Visit v
      amount 100 kr
    }
    """,
    "E0506",
    3,
    10,
    "fixd",
    ["`fixd`", "not a payment kind"],
    ["did you mean `fixed`"],
)

# `  per    listed patient p at q each ` is 36 characters.
case(
    "E0506 listed patients each year",
    """
    use stdlib "schema/sweden"
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each year
      amount 100 kr
    }
    """,
    "E0506",
    4,
    37,
    "year",
    ["listed patients are counted each month"],
    ["each month"],
)

# `  per    Stay s each ` is 21 characters.
case(
    "E0506 span basis each week",
    """
    use stdlib "schema/sweden"
    payment "Vårddygn" {
      kind   variable
      per    Stay s each week
      amount 100 kr
    }
    """,
    "E0506",
    4,
    22,
    "week",
    ["`week`", "not a span period (day or month)"],
)

# `  per    provider q each ` is 25 characters.
case(
    "E0506 provider basis each week",
    """
    use stdlib "schema/sweden"
    payment "Pott" {
      kind   fixed
      per    provider q each week
      amount 100 kr
    }
    """,
    "E0506",
    4,
    26,
    "week",
    ["`week`", "not a period (month, quarter or year)"],
)

# `cap "Tak" for provider q each ` is 30 characters.
case(
    "E0506 cap period",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    cap "Tak" for provider q each yaer {
      applies to "A"
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0506",
    3,
    31,
    "yaer",
    ["`yaer`", "not a period"],
    ["did you mean `year`"],
)

case(
    "E0500 contract without valid",
    """
    contract "T" {
      version "FFU 2022"
    }
    """,
    "E0500",
    1,
    1,
    'contract "T"',
    ['the contract "T"', "no `valid`"],
    ["valid 2022-01-01 .. 2022-12-31"],
)

case(
    "E0500 payment without kind",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      per    Visit v
      amount 100 kr
    }
    """,
    "E0500",
    2,
    1,
    'payment "Besök"',
    ['the payment "Besök"', "no `kind`"],
    ["kind variable"],
)

case(
    "E0500 payment without per",
    """
    payment "Besök" {
      kind   variable
      amount 100 kr
    }
    """,
    "E0500",
    1,
    1,
    'payment "Besök"',
    ['the payment "Besök"', "no `per`"],
    ["per Visit v"],
)

_CAP_CLAUSES = {
    "applies to": '  applies to "A"\n',
    "measure": "  measure count(Visit v where v.provider == q)\n",
    "limit": "  limit   1000\n",
    "above": "  above   reduce 50 % of excess\n",
}
for _missing, _example in (
    ("applies to", 'applies to "Besöksersättning"'),
    ("measure", "measure count(…) / average_listed(q)"),
    ("limit", "limit 1.9"),
    ("above", "above reduce 33 % of excess"),
):
    case(
        f"E0500 cap without {_missing}",
        'use stdlib "schema/sweden"\n'
        'payment "A" { kind variable  per Visit v  amount 100 kr }\n'
        'cap "Tak" for provider q each year {\n'
        + "".join(text for clause, text in _CAP_CLAUSES.items() if clause != _missing)
        + "}\n",
        "E0500",
        3,
        1,
        'cap "Tak"',
        ['the cap "Tak"', f"no `{_missing}`"],
        [_example],
    )

case(
    "E0500 indicator without population",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" for provider q {
      numerator true
    }
    """,
    "E0500",
    2,
    1,
    'indicator "Blodtryck"',
    ['the indicator "Blodtryck"', "no `population`"],
    ["population listed patients p at q"],
)

case(
    "E0500 indicator without numerator",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" for provider q {
      population listed patients p at q
    }
    """,
    "E0500",
    2,
    1,
    'indicator "Blodtryck"',
    ['the indicator "Blodtryck"', "no `numerator`"],
)

case(
    "E0500 performance without a pot",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      indicators { "Blodtryck" if reported }
    }
    """,
    "E0500",
    3,
    1,
    'performance "Kvalitet"',
    ['the performance "Kvalitet"', "no `bonus`"],
)

case(
    "E0500 performance without indicators",
    """
    use stdlib "schema/sweden"
    performance "Kvalitet" for provider q each year {
      bonus 10000 kr
    }
    """,
    "E0500",
    2,
    1,
    'performance "Kvalitet"',
    ['the performance "Kvalitet"', "no `indicators`"],
)

case(
    "E0500 bundle without trigger",
    """
    bundle "Höft" {
      price 56300 kr
    }
    """,
    "E0500",
    1,
    1,
    'bundle "Höft"',
    ['the bundle "Höft"', "no `trigger`"],
)

case(
    "E0500 bundle without price",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger Procedure op
    }
    """,
    "E0500",
    2,
    1,
    'bundle "Höft"',
    ['the bundle "Höft"', "no `price`"],
    ["price 56300 kr"],
)

case(
    "E0500 warranty without covers",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedure op
      price    56300 kr
      warranty { period 2 years }
    }
    """,
    "E0500",
    5,
    3,
    "warranty",
    ["the warranty", "no `covers`"],
)

case(
    "E0500 warranty without period",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedure op
      price    56300 kr
      warranty { covers Procedure r where r.side == op.side }
    }
    """,
    "E0500",
    5,
    3,
    "warranty",
    ["the warranty", "no `period`"],
    ["period 2 years"],
)

case(
    "E0500 property without check",
    """
    property "p" { for any data }
    """,
    "E0500",
    1,
    1,
    'property "p"',
    ['the property "p"', "no `check`"],
)

# `  rounding ` is 11 characters.
case(
    "E0507 rounding increment below 0.01 kr",
    """
    contract "T" {
      valid    2022-01-01 .. 2022-12-31
      rounding 0.005 kr half_up per line
    }
    """,
    "E0507",
    3,
    12,
    "0.005 kr",
    ["positive multiple of 0.01 kr"],
)

case(
    "E0507 rounding increment of zero",
    """
    contract "T" {
      valid    2022-01-01 .. 2022-12-31
      rounding 0 kr half_up per line
    }
    """,
    "E0507",
    3,
    12,
    "0 kr",
    ["positive multiple of 0.01 kr"],
)

case(
    "E0405 rounding increment without unit",
    """
    contract "T" {
      valid    2022-01-01 .. 2022-12-31
      rounding 1 half_up per line
    }
    """,
    "E0405",
    3,
    12,
    "1 half_up",
    ["the rounding increment", "must be money"],
    ["`390 kr`"],
)

case(
    "E0508 contract dates reversed",
    """
    contract "T" {
      valid 2022-12-31 .. 2022-01-01
    }
    """,
    "E0508",
    2,
    9,
    "2022-12-31 ..",
    ["end of this date range is before its start"],
)

case(
    "E0508 payment dates reversed",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100 kr
      valid  2022-12-31 .. 2022-01-01
    }
    """,
    "E0508",
    6,
    10,
    "2022-12-31 ..",
    ["end of this date range is before its start"],
)

case(
    "E0509 parameter without type or value",
    """
    param visit_fee
    """,
    "E0509",
    1,
    7,
    "visit_fee",
    ["`visit_fee`", "neither a type nor a value"],
    ["param visit_fee: money"],
)

case(
    "E0510 dated entries out of order",
    """
    param rate: money per year = dated {
      from 2022-01-01 -> 1200 kr/year
      from 2021-02-01 -> 1133 kr/year
    }
    """,
    "E0510",
    3,
    3,
    "from 2021-02-01",
    ["date order"],
    notes=((2, 3),),
)

case(
    "E0400 dated entries of two types",
    """
    param rate = dated {
      from 2021-02-01 -> 1133 kr/year
      from 2022-01-01 -> 1200 kr
    }
    """,
    "E0400",
    3,
    3,
    "from 2022-01-01",
    ["dated entries have different types", "money per year", "money"],
)

# `param t = table of int { ` is 25 characters.
case(
    "E0405 band of the wrong key type",
    """
    param t = table of int { "a" -> 1 kr }
    """,
    "E0405",
    1,
    26,
    '"a"',
    ["this band is text", "key is int"],
)

# `param t = table of Profession { ` is 32 characters.
case(
    "E0405 range band on enum keys",
    """
    use stdlib "schema/sweden"
    param t = table of Profession { doctor to nurse -> 1 kr }
    """,
    "E0405",
    2,
    33,
    "doctor to nurse",
    ["`A to B` bands need ordered keys", "Profession"],
)

# `param t: table of int -> money = table { 0 and over -> ` is 55 characters.
case(
    "E0405 table value of the wrong type",
    """
    param t: table of int -> money = table { 0 and over -> 5 }
    """,
    "E0405",
    1,
    56,
    "5 }",
    ["this value is int", "the table holds money"],
)

# `param t = table of int { 0 -> 1 kr, 1 -> ` is 41 characters.
case(
    "E0400 table values of two types",
    """
    param t = table of int { 0 -> 1 kr, 1 -> "a" }
    """,
    "E0400",
    1,
    42,
    '"a"',
    ["table values have different types", "money", "text"],
)

# `param x: money = ` is 17 characters.
case(
    "E0405 parameter value of the wrong type",
    """
    param x: money = 5
    """,
    "E0405",
    1,
    18,
    "5",
    ["`x` is declared money", "value is int"],
)

# `function f(n: int): money = ` is 28 characters.
case(
    "E0405 function body of the wrong type",
    """
    function f(n: int): money = n
    """,
    "E0405",
    1,
    29,
    "n",
    ["`f` should give money", "body is int"],
)

# `  per    participant q of ` is 26 characters.
case(
    "E0301 participants of an event without them",
    """
    use stdlib "schema/sweden"
    payment "Konferens" {
      kind   variable
      per    participant q of Visit v
      amount 100 kr
    }
    """,
    "E0301",
    4,
    27,
    "Visit v",
    ["`Visit` has no `participants` field"],
)

case(
    "E0306 episode of an unknown bundle",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger Procedure op
      price   56300 kr
    }
    payment "Uppföljning" {
      kind   variable
      per    episode e of "Hoft"
      amount 100 kr
    }
    """,
    "E0306",
    8,
    10,
    'episode e of "Hoft"',
    ["no bundle named", '"Hoft"'],
    ["did you mean `Höft`"],
)

case(
    "E0302 basis of an unknown type",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Vist v
      amount 100 kr
    }
    """,
    "E0302",
    4,
    10,
    "Vist v",
    ["unknown type `Vist`"],
    ["did you mean `Visit`"],
)

case(
    "E0302 basis over records",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Patient p
      amount 100 kr
    }
    """,
    "E0302",
    4,
    10,
    "Patient p",
    ["`Patient` is a record", "needs event or span records"],
)

case(
    "E0405 amount that is a bare number",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100
    }
    """,
    "E0405",
    5,
    10,
    "100",
    ["an amount must be money", "int"],
    ["`390 kr`"],
)

case(
    "E0405 payee that is not a provider",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100 kr
      payee  v.patient
    }
    """,
    "E0405",
    6,
    10,
    "v.patient",
    ["the payee", "must be Provider?", "Patient"],
)

case(
    "E0405 weight that is not a number",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 100 kr
      weight 2 kr when true
    }
    """,
    "E0405",
    6,
    10,
    "2 kr",
    ["a weight must be decimal", "money"],
)

# the `per` condition: `  per    Visit v where ` is 23 characters.
case(
    "E0404 `where` that is not a condition",
    """
    use stdlib "schema/sweden"
    payment "Besök" {
      kind   variable
      per    Visit v where v.kind
      amount 100 kr
    }
    """,
    "E0404",
    4,
    24,
    "v.kind",
    ["the `where` condition must be true or false", "text?"],
)

case(
    "E0404 `and` with a non-bool side",
    """
    param x = true and 1
    """,
    "E0404",
    1,
    20,
    "1",
    ["the right side of `and`", "true or false", "int"],
)

case(
    "E0404 `not` of a number",
    """
    param x = not 1
    """,
    "E0404",
    1,
    15,
    "1",
    ["the operand of `not`", "true or false"],
)

case(
    "E0404 `if` on a number",
    """
    param x = if 1 then 1 kr else 2 kr
    """,
    "E0404",
    1,
    14,
    "1 then",
    ["the condition of `if`", "true or false"],
)

# `  measure ` is 10 characters; the limit: `  limit   ` is 10 characters.
case(
    "E0401 cap limit in another unit than the measure",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "A"
      measure count(Visit v where v.provider == q)
      limit   1000 kr
      above   reduce 50 % of excess
    }
    """,
    "E0401",
    6,
    11,
    "1000 kr",
    ["the limit is money", "the measure is int"],
)

case(
    "E0405 cap measure that is text",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "A"
      measure q.name
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0405",
    5,
    11,
    "q.name",
    ["a cap's measure must be decimal or money", "text?"],
)

# `  above   reduce ` is 17 characters.
case(
    "E0405 cap share without %",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "A"
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 33 of excess
    }
    """,
    "E0405",
    7,
    18,
    "33 of",
    ["the share in `above` must be percent", "number without a unit"],
    ["`70 %`"],
)

# `  applies to "A", "B" ` is 22 characters: the unit variable is col 23.
case(
    "E0503 capped payments with units of different types",
    """
    use stdlib "schema/sweden"
    payment "A" { kind variable  per Visit v  amount 100 kr }
    payment "B" { kind variable  per Stay s   amount 100 kr }
    cap "Tak" for provider q each year {
      applies to "A", "B" x where x.provider == q
      measure count(Visit v where v.provider == q)
      limit   1000
      above   reduce 50 % of excess
    }
    """,
    "E0503",
    5,
    23,
    "x where",
    ["units of different types", "one variable"],
)

case(
    "E0505 bonus and penalty",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000 kr
      penalty    5000 kr
      indicators { "Blodtryck" if reported }
    }
    """,
    "E0505",
    5,
    14,
    "5000 kr",
    ['the performance "Kvalitet"', "both a bonus and a penalty"],
    ["performance of its own"],
)

case(
    "E0405 pot that is a bare number",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000
      indicators { "Blodtryck" if reported }
    }
    """,
    "E0405",
    4,
    14,
    "10000",
    ["a pot must be money or a rate", "int"],
)

# `    "Blodtryck" linear ` is 23 characters.
case(
    "E0405 scoring level without %",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000 kr
      indicators {
        "Blodtryck" linear 70 to 90 %
      }
    }
    """,
    "E0405",
    6,
    24,
    "70 to",
    ["a scoring level must be percent", "number without a unit"],
    ["`70 %`"],
)

# `    "Blodtryck" at least ` is 25 characters.
case(
    "E0405 at least a level without %",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000 kr
      indicators {
        "Blodtryck" at least 85
      }
    }
    """,
    "E0405",
    6,
    26,
    "85",
    ["a scoring level must be percent", "number without a unit"],
    ["`70 %`"],
)

# `    "Blodtryck" if reported weight ` is 35 characters.
case(
    "E0405 indicator weight of the wrong type",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" reported
    performance "Kvalitet" for provider q each year {
      bonus      10000 kr
      indicators {
        "Blodtryck" if reported weight 1 kr
      }
    }
    """,
    "E0405",
    6,
    36,
    "1 kr",
    ["an indicator weight must be decimal", "money"],
)

# `  numerator ` is 12 characters.
case(
    "E0404 numerator that is not a condition",
    """
    use stdlib "schema/sweden"
    indicator "Blodtryck" for provider q {
      population listed patients p at q
      numerator  age(p)
    }
    """,
    "E0404",
    4,
    14,
    "age(p)",
    ["a numerator must be true or false", "int"],
)

case(
    "E0405 bundle price without unit",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedure op
      price    56300
    }
    """,
    "E0405",
    4,
    12,
    "56300",
    ["a bundle price must be money", "int"],
    ["`390 kr`"],
)

# `    Visit x within 90 days before at most ` is 42 characters.
case(
    "E0405 `at most` that is not a count",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedure op
      price    56300 kr
      includes {
        Visit x within 90 days before at most 1.5
      }
    }
    """,
    "E0405",
    6,
    43,
    "1.5",
    ["`at most` must be a number of records or of days", "decimal"],
)

# `  warranty { covers Procedure r  period ` is 40 characters.
case(
    "E0405 warranty period without unit",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedure op
      price    56300 kr
      warranty { covers Procedure r  period 2 }
    }
    """,
    "E0405",
    5,
    41,
    "2 }",
    ["a warranty period must be duration", "int"],
    ["`900 days` or `2 years`"],
)

case(
    "E0302 bundle trigger of an unknown type",
    """
    use stdlib "schema/sweden"
    bundle "Höft" {
      trigger  Procedur op
      price    56300 kr
    }
    """,
    "E0302",
    3,
    12,
    "Procedur",
    ["unknown type `Procedur`"],
    ["did you mean `Procedure`"],
)


# =====================================================================================
# Test and property blocks (ersl/checker/contract_tests.py)
# =====================================================================================

_TESTED = src(
    """
    use stdlib "schema/sweden"
    param visit_fee: money
    payment "Besök" { kind variable  per Visit v  amount visit_fee }
    """
)
# _TESTED is 3 lines, so a test block written after it starts on line 4.

case(
    "E0511 a period that ends before it starts",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-06..2022-01
    }
    """
    ),
    "E0511",
    5,
    10,
    "2022-06..2022-01",
    ["`2022-06..2022-01` is not a period", "ends before it starts"],
    ["2022-Q1"],
)

# `    VC1 "Besök" 2022-03 = ` is 26 characters, so the amount starts in column 27.
case(
    "E0512 an expected amount that is not a whole number of öre",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      expect {
        VC1 "Besök" 2022-03 = 0.0000001 kr
      }
    }
    """
    ),
    "E0512",
    7,
    27,
    "0.0000001 kr",
    ["an expected amount is a whole number of öre", "`0.0000001 kr`"],
    ["at most two decimals"],
)

# 0.00001 tkr is 0.01 kr, a whole öre: no error; 0.000001 tkr is 0.001 kr.
case(
    "E0512 an expected amount in tkr below one öre",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      expect {
        VC1 "Besök" 2022-03 = 0.000001 tkr
        VC1 "Besök" 2022-04 = 0.00001 tkr
      }
    }
    """
    ),
    "E0512",
    7,
    27,
    "0.000001 tkr",
    ["`0.000001 tkr` is not"],
    [],
)

case(
    "E0300 a test setting an unknown parameter",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      param  visit_fe = 200 kr
    }
    """
    ),
    "E0300",
    6,
    10,
    "visit_fe",
    ["no parameter `visit_fe` to set"],
    ["did you mean `visit_fee`"],
)

# `  param  visit_fee = ` is 21 characters.
case(
    "E0405 a test setting a parameter to the wrong type",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      param  visit_fee = 200
    }
    """
    ),
    "E0405",
    6,
    22,
    "200",
    ["`visit_fee` is money", "this value is int"],
)

# `    VC1 ` is 8 characters.
case(
    "E0304 a test expecting an unknown line",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      expect {
        VC1 "Besk" 2022-03 = 200.00 kr
      }
    }
    """
    ),
    "E0304",
    7,
    5,
    'VC1 "Besk"',
    ['no line named "Besk"'],
    ["did you mean `Besök`"],
)

# `    VC1 "Besök" 2022-03 = ` is 26 characters.
case(
    "E0405 a test expecting an amount without unit",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      expect {
        VC1 "Besök" 2022-03 = 200
      }
    }
    """
    ),
    "E0405",
    7,
    27,
    "200",
    ["an expected amount must be money", "int"],
)

case(
    "E0302 a given record of an unknown type",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      given {
        vist V1 { date 2022-03-10 }
      }
    }
    """
    ),
    "E0302",
    7,
    5,
    "vist",
    ["unknown record type `vist`"],
    ["did you mean `visit`"],
)

# `    visit V1 { ` is 15 characters.
case(
    "E0301 a given record with an unknown field",
    _TESTED
    + src(
        """
    test "t" {
      period 2022-03
      given {
        visit V1 { profesion doctor }
      }
    }
    """
    ),
    "E0301",
    7,
    16,
    "profesion",
    ["`visit` has no field `profesion`"],
    ["did you mean `profession`"],
)

# `  check ` is 8 characters.
case(
    "E0404 a property whose check is not a condition",
    """
    property "p" {
      for any data
      check 1 kr
    }
    """,
    "E0404",
    3,
    9,
    "1 kr",
    ["a property's check must be true or false", "money"],
)


# =====================================================================================
# The tests over the cases
# =====================================================================================


def _text_at(source: str, line: int, column: int) -> str:
    lines = source.splitlines()
    assert 1 <= line <= len(lines), f"line {line} is outside the source"
    return lines[line - 1][column - 1 :]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case_positions_are_what_we_read(c: Case) -> None:
    """The expected line:column really is where the snippet starts in the source."""
    assert _text_at(c.source, c.line, c.column).startswith(c.snippet), (
        f"line {c.line} col {c.column} is {_text_at(c.source, c.line, c.column)!r}"
    )
    for line, column in c.notes:
        assert _text_at(c.source, line, column), "note points past the end of its line"


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_checker_error(tmp_path: Path, c: Case) -> None:
    """One mistake, one diagnostic: the code, the exact place, the key words."""
    diags = diagnostics_of(tmp_path, c.source)
    assert len(diags) == 1, f"expected exactly one diagnostic, got:\n{render(diags)}"
    (d,) = diags
    assert (d.code, *at(d)) == (c.code, c.line, c.column), render(diags)
    assert d.span.file.endswith("contract.ersl")
    assert d.severity == "error"
    for word in c.words:
        assert word in d.message, f"{word!r} not in message {d.message!r}"
    for word in c.help:
        assert d.help and word in d.help, f"{word!r} not in help {d.help!r}"
    if c.notes:
        assert [(n.span.line, n.span.column) for n in d.notes] == list(c.notes)
        assert all(n.span.file == d.span.file for n in d.notes)


def test_every_code_the_checker_can_give_has_a_case() -> None:
    """Each code that appears in the loader or checker source has at least one case here."""
    covered = {c.code for c in CASES} | LOADER_CODES
    assert _emitted_codes() - covered == set()


# =====================================================================================
# Both places of a name declared twice across files
# =====================================================================================


def test_declared_twice_across_files_shows_both_files(tmp_path: Path) -> None:
    source = src(
        """
        use "codes.ersl"
        codeset hips: kva { "NGB*" }
        """
    )
    codes = src(
        """
        codeset hips: kva { "NFB*" }
        """
    )
    diags = diagnostics_of(tmp_path, source, **{"codes.ersl": codes})
    assert len(diags) == 1, render(diags)
    (d,) = diags
    # the root's codeset name: `codeset ` is 8 characters, so col 9 of line 2
    assert (d.code, *at(d)) == ("E0202", 2, 9)
    assert "`hips` is declared twice" in d.message
    (note,) = d.notes
    assert note.span.file.endswith("codes.ersl")
    assert (note.span.line, note.span.column) == (1, 9)
    assert note.message == "first declared here"


def test_type_declared_twice_points_into_the_standard_schema(tmp_path: Path) -> None:
    diags = diagnostics_of(tmp_path, 'use stdlib "schema/sweden"\nrecord Provider { id: text }\n')
    (d,) = diags
    (note,) = d.notes
    assert note.span.file.endswith("sweden.ersl")
    sweden = Path(note.span.file).read_text(encoding="utf-8").splitlines()
    assert sweden[note.span.line - 1][note.span.column - 1 :].startswith("Provider")


def test_rendered_diagnostic_shows_both_places(tmp_path: Path) -> None:
    path = write(tmp_path, "param fee = 100 kr\nparam fee = 200 kr\n")
    with pytest.raises(ErslError) as raised:
        check_file(path)
    text = raised.value.render()
    assert f"{raised.value.diagnostics[0].span.file}:2:7: error[E0202]" in text
    assert ":1:7: note: first declared here" in text
    assert "help: rename one of them" in text


# =====================================================================================
# The loader: files, imports, cycles (ersl/loader.py)
# =====================================================================================

LOADER_CODES = {"E0001", "E0002", "E0200", "E0201", "E0206"}


def test_E0001_file_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ErslError) as raised:
        check_file(tmp_path / "missing.ersl")
    (d,) = raised.value.diagnostics
    assert d.code == "E0001"
    assert "missing.ersl does not exist" in d.message
    # a file that cannot be read has no line to point at: line 0, column 0
    assert at(d) == (0, 0)


def test_E0001_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "folder.ersl").mkdir()
    with pytest.raises(ErslError) as raised:
        check_file(tmp_path / "folder.ersl")
    (d,) = raised.value.diagnostics
    assert d.code == "E0001"
    assert "cannot be read" in d.message
    assert at(d) == (0, 0)


def test_E0002_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ersl"
    path.write_bytes('param avgift = 100 kr # "avgift för besök"\n'.encode("latin-1"))
    with pytest.raises(ErslError) as raised:
        check_file(path)
    (d,) = raised.value.diagnostics
    assert d.code == "E0002"
    # `param avgift = 100 kr # "avgift f` is 33 characters: `ö` (0xF6) is column 34
    assert d.message == f"{path} is not UTF-8 text: the byte 0xF6 is `ö` in Windows-1252"
    assert at(d) == (1, 34)
    assert "save it as UTF-8" in d.help


def test_E0200_imported_file_does_not_exist(tmp_path: Path) -> None:
    source = src(
        """
        param a = 1
        use "codes.ersl"
        """
    )
    diags = diagnostics_of(tmp_path, source)
    (d,) = diags
    # the `use` declaration on line 2, col 1
    assert (d.code, *at(d)) == ("E0200", 2, 1)
    assert "codes.ersl does not exist" in d.message
    assert "relative to the importing file" in d.help


def test_E0206_an_absolute_use_is_refused_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.ersl"
    outside.write_text("param secret = 1\n", encoding="utf-8")
    diags = diagnostics_of(tmp_path, f'param a = 1\nuse "{outside}"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0206", 2, 1)
    assert d.message == (
        f"`{outside}` is an absolute path; a path in an ERSL file is relative to that file "
        "and stays inside the project"
    )
    assert "use stdlib" in d.help and "--root" in d.help


def test_E0206_a_use_leading_out_of_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "outside.ersl").write_text("param b = 2\n", encoding="utf-8")
    diags = diagnostics_of(project, 'use "../outside"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0206", 1, 1)
    assert d.message == f"`../outside.ersl` leads outside the project root {project.resolve()}"
    # the same file is fine once the root is the folder above
    assert check_file(project / "contract.ersl", root=tmp_path)


def test_E0206_a_symbolic_link_out_of_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    (tmp_path / "outside.ersl").write_text("param b = 2\n", encoding="utf-8")
    (project / "linked.ersl").symlink_to(tmp_path / "outside.ersl")
    diags = diagnostics_of(project, 'use "linked.ersl"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0206", 1, 1)
    assert "`linked.ersl` leads outside the project root" in d.message


def test_E0206_use_stdlib_stays_in_the_library(tmp_path: Path) -> None:
    diags = diagnostics_of(tmp_path, 'use stdlib "../../../etc/passwd"\n')
    (d,) = diags
    assert d.code == "E0206"
    assert "`../../../etc/passwd.ersl` leads outside the project root" in d.message


def test_a_use_inside_the_project_and_the_standard_library_are_fine(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "codes.ersl").write_text("param b = 2\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert diagnostics_of(sub, 'use "../lib/codes"\nuse stdlib "schema/sweden"\n') == []


def test_E0200_imported_file_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "codes.ersl").write_bytes("## åäö\n".encode("latin-1"))
    diags = diagnostics_of(tmp_path, 'use "codes.ersl"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0200", 1, 1)
    assert "not UTF-8" in d.message


def test_E0200_unknown_standard_library_file(tmp_path: Path) -> None:
    diags = diagnostics_of(tmp_path, 'use stdlib "schema/swedn"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0200", 1, 1)
    assert 'no standard library file "schema/swedn"' in d.message
    assert "did you mean `schema/sweden`" in d.help


def test_E0200_unknown_standard_library_file_lists_what_there_is(tmp_path: Path) -> None:
    diags = diagnostics_of(tmp_path, 'use stdlib "nothing/like/it"\n')
    (d,) = diags
    assert d.code == "E0200"
    assert d.help.startswith("available:") and "schema/sweden" in d.help


def test_E0201_import_cycle_names_it(tmp_path: Path) -> None:
    # contract.ersl → a.ersl → b.ersl → a.ersl: reported at b's `use "a.ersl"` (line 2, col 1)
    files = {
        "a.ersl": 'use "b.ersl"\nparam a = 1\n',
        "b.ersl": 'param b = 2\nuse "a.ersl"\n',
    }
    diags = diagnostics_of(tmp_path, 'use "a.ersl"\n', **files)
    (d,) = diags
    assert d.code == "E0201"
    assert d.span.file.endswith("b.ersl")
    assert at(d) == (2, 1)
    assert "import cycle" in d.message
    assert d.message.index("a.ersl") < d.message.index("b.ersl")
    assert d.message.endswith("a.ersl")
    assert "a file both can use" in d.help


def test_E0201_a_file_importing_itself(tmp_path: Path) -> None:
    diags = diagnostics_of(tmp_path, 'param a = 1\nuse "contract.ersl"\n')
    (d,) = diags
    assert (d.code, *at(d)) == ("E0201", 2, 1)
    assert "import cycle" in d.message and "contract.ersl" in d.message


def test_an_import_shared_by_two_files_is_not_a_cycle(tmp_path: Path) -> None:
    files = {
        "a.ersl": 'use "common.ersl"\nparam a = c\n',
        "b.ersl": 'use "common.ersl"\nparam b = c\n',
        "common.ersl": "param c = 1 kr\n",
    }
    assert diagnostics_of(tmp_path, 'use "a.ersl"\nuse "b.ersl"\n', **files) == []


def test_errors_in_an_imported_file_point_into_it(tmp_path: Path) -> None:
    files = {"rates.ersl": "param a = 1\nparam b = 100 kr + 1\n"}
    diags = diagnostics_of(tmp_path, 'use "rates.ersl"\n', **files)
    (d,) = diags
    assert d.span.file.endswith("rates.ersl")
    assert (d.code, *at(d)) == ("E0400", 2, 11)


# =====================================================================================
# Parameters are typed whatever their order; functions are known to parameters
# =====================================================================================


def test_an_untyped_parameter_using_a_later_one_is_checked(tmp_path: Path) -> None:
    # `b` is declared after `a`: `a = b + 1` is still money + int. `param a = ` is 10 characters.
    diags = diagnostics_of(tmp_path, "param a = b + 1\nparam b = 1 kr\n")
    assert [(d.code, *at(d)) for d in diags] == [("E0400", 1, 11)], render(diags)
    assert "cannot add a money value and an int value" in diags[0].message


def test_untyped_parameters_in_a_chain_get_their_types(tmp_path: Path) -> None:
    path = write(tmp_path, "param a = b * 2\nparam b = c + 1 kr\nparam c = 3 kr\n")
    symbols = check_file(path).symbols
    assert {n: t.describe() for n, t in symbols.param_types.items()} == {
        "a": "money",
        "b": "money",
        "c": "money",
    }


def test_an_untyped_parameter_calling_a_function_gets_its_result_type(tmp_path: Path) -> None:
    path = write(tmp_path, 'use stdlib "functions/p4p"\nparam a = attainment(85 %, 70 %, 90 %)\n')
    assert check_file(path).symbols.param_types["a"].describe() == "decimal"


# =====================================================================================
# Valid contracts: every rule of the unit table (ersl/types.py, SPEC §4) passes
# =====================================================================================

UNIT_RULES = [
    # (expression, the type the checker infers)
    ("100 kr + 20 kr", "money"),
    ("100 kr - 20 kr", "money"),
    ("100 kr * 2", "money"),
    ("2 * 100 kr", "money"),
    ("100 kr * 1.5", "money"),
    ("100 kr * 3 %", "money"),
    ("3 % * 100 kr", "money"),
    ("100 kr / 4", "money"),
    ("100 kr / 2.5", "money"),
    ("100 kr / 50 kr", "decimal"),
    ("410 kr/year * 3 months", "money"),
    ("410 kr/year * 1 year", "money"),
    ("4 kr/month * 2 years", "money"),
    ("3000 kr/day * 10 days", "money"),
    ("410 kr/year * 1.5", "money per year"),
    ("2 * 4 kr/month", "money per month"),
    ("410 kr/year + 10 kr/year", "money per year"),
    ("410 kr/year / 12", "money per year"),
    ("2022-01-01 + 30 days", "date"),
    ("2022-01-31 + 1 month", "date"),
    ("2022-03-01 - 2 years", "date"),
    ("2022-03-01 - 2022-01-01", "duration in days"),
    ("80 % - 70 %", "pp"),
    ("100 % - 30 %", "percent"),  # the complement of a share is a share (issue 12)
    ("(100 % - 30 %) * 1000 kr", "money"),
    ("(100 % - 30 %) - 10 %", "pp"),
    ("70 % + 5 pp", "percent"),
    ("70 % - 5 pp", "percent"),
    ("6 pp / 3 pp", "decimal"),
    ("7 / 2", "decimal"),
    ("7 * 2", "int"),
    ("7 + 2.5", "decimal"),
    ("50 % * 2", "decimal"),
    ("1 / 4 %", "decimal"),
    ("-100 kr", "money"),
    ("100 kr > 50 kr", "bool"),
    ("85 % >= 0.8", "bool"),
    ("2022-03-01 - 2022-01-01 > 30 days", "bool"),
]


@pytest.mark.parametrize(("expression", "type_"), UNIT_RULES)
def test_unit_table_rule(tmp_path: Path, expression: str, type_: str) -> None:
    path = write(tmp_path, f"param x = {expression}\n")
    assert check_file(path).symbols.param_types["x"].describe() == type_


def test_valid_contract_with_every_kind_of_amount(tmp_path: Path) -> None:
    """Rates on bases with a duration, kr/day by the day, optionals, `otherwise`, none."""
    source = src(
        """
        contract "Giltigt" {
          valid     2022-01-01 .. 2022-12-31
          settle    monthly
          reconcile yearly
          rounding  0.01 kr half_up per line
        }
        use stdlib "schema/sweden"
        use stdlib "functions/p4p"
        use stdlib "functions/listing"

        param age_rate = table of int {
          0 to 5      -> 390 kr/year
          6 and over  -> 310 kr/year
        }
        param bed_day: money per day = 3000 kr/day
        param visit_fee: money

        payment "Listning" {
          kind   fixed
          per    listed patient p at q each month
          amount age_rate(age(p))
        }
        payment "Vårddygn" {
          kind   variable
          per    Stay s each day
          amount bed_day
        }
        payment "Inskrivning" {
          kind   fixed
          per    Enrolment e each month
          amount 1200 kr/year
        }
        payment "Grundpeng" {
          kind   fixed
          per    provider q each quarter where q.kind != none
          amount 100 kr/month * 3 months + split(415 tkr, by average_listed(q))
        }
        payment "Besök" {
          kind   variable
          per    Visit v where v.kind == none or (v.kind otherwise "") != "telefon"
          amount visit_fee * (v.patient.cni otherwise 1)
          weight 1.5 when age(v.patient) >= 80
          weight 1.2 when v.mode in {physical, home} and doctor in v.team
        }
        payment "Kostnadsansvar" {
          kind   variable
          per    Visit v where listed_at(v.patient, v.date) != none
                         and v.provider != listed_at(v.patient, v.date)
          payee  listed_at(v.patient, v.date)
          amount -visit_fee
        }
        cap "Besökstak" for provider q each year {
          applies to "Besök" v where v.profession == doctor
          measure count(Visit v where v.provider == q) / average_listed(q)
          limit   1.9
          above   reduce 33 % of excess
        }
        indicator "Blodtryck" for provider q {
          population listed patients p at q
          numerator  exists(Observation o where o.patient == p within 450 days)
        }
        performance "Kvalitet" for provider q each year {
          bonus      30 kr/year * average_listed(q)
          indicators { "Blodtryck" linear 70 % to 90 % weight 1 }
        }
        function above_mean(q: Provider): bool = value(q, "Blodtryck") - region_mean("Blodtryck") > 5 pp
        """
    )
    assert diagnostics_of(tmp_path, source) == []


# =====================================================================================
# Odd arguments to built-ins give a diagnostic, never an internal error
# =====================================================================================

BUILTIN_NAMES = [
    "age",
    "age_in_year",
    "year",
    "month",
    "days",
    "size",
    "listed_at",
    "listed_count",
    "min",
    "max",
    "abs",
    "round",
    "paid",
    "value",
    "rank",
    "region_mean",
    "monthly_average",
    "count",
    "exists",
    "sum",
    "mean",
    "split",
    "today",
    "attainment",
    "fee",
]
ODD_ARGUMENTS = [
    "",
    "Visit v",
    "1 for Visit v",
    "to: 1 kr",
    "by 3",
    "x y, 1",
    "1, x y",
    "1, to: 1 kr",
    "to: 1 kr, 1",
    "by 1, by 2",
    "1, 2, 3",
]


@pytest.mark.parametrize("arguments", ODD_ARGUMENTS)
@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_odd_arguments_never_crash(tmp_path: Path, name: str, arguments: str) -> None:
    source = src(
        f"""
        use stdlib "schema/sweden"
        use stdlib "functions/p4p"
        param fee = table of int {{ 0 and over -> 1 kr }}
        payment "Pott" {{
          kind   fixed
          per    provider q each year
          amount {name}({arguments})
        }}
        """
    )
    diags = diagnostics_of(tmp_path, source)
    assert all(d.code.startswith("E0") and d.span.line >= 1 for d in diags)


# =====================================================================================
# `ersl check`: exit codes and output formats (SPEC §7)
# =====================================================================================

VALID = 'use stdlib "schema/sweden"\nparam fee: money = 100 kr\n'
INVALID = 'use stdlib "schema/sweden"\nparam fee: money = 100 kr + 2\n'


def test_cli_check_ok_exit_0(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, VALID)
    assert main(["check", str(path)]) == 0
    assert "ok: 1 file checked" in capsys.readouterr().out


def test_cli_check_errors_exit_1_with_rendered_diagnostic(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, INVALID)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    # `param fee: money = ` is 19 characters: the sum starts at col 20.
    assert f"{path}:2:20: error[E0400]: cannot add a money value and an int value" in out
    assert "2 | param fee: money = 100 kr + 2" in out
    assert " " * 19 + "^" * len("100 kr + 2") in out
    assert "help: give the number its unit" in out
    assert "1 error in 1 of 1 file" in out


def test_cli_check_several_files_one_bad_exit_1(tmp_path: Path, capsys) -> None:
    good = write(tmp_path, VALID, name="good.ersl")
    bad = write(tmp_path, INVALID, name="bad.ersl")
    assert main(["check", str(good), str(bad)]) == 1
    assert "1 error in 1 of 2 files" in capsys.readouterr().out


def test_cli_check_missing_file_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path / "missing.ersl")]) == 2
    out = capsys.readouterr().out
    assert "error[E0001]" in out and "does not exist" in out
    assert "Traceback" not in out


def test_cli_check_non_utf8_file_exit_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "latin1.ersl"
    path.write_bytes("param avgift = 100 kr # åäö\n".encode("latin-1"))
    assert main(["check", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().out


def test_cli_check_missing_file_by_bare_name_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "missing.ersl"]) == 2


def test_cli_check_missing_file_given_as_dot_path_exit_2(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "./missing.ersl"]) == 2


def test_cli_check_missing_import_is_an_invalid_contract_exit_1(tmp_path: Path) -> None:
    path = write(tmp_path, 'use "nowhere.ersl"\n')
    assert main(["check", str(path)]) == 1


def test_cli_check_usage_error_exit_2(capsys) -> None:
    assert main(["check"]) == 2
    assert main(["check", "--format", "xml", "x.ersl"]) == 2


def test_cli_check_json_fields(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "param fee = 100 kr\nparam fee = 200 kr\n")
    assert main(["check", "--format", "json", str(path)]) == 1
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 1
    (item,) = items
    assert set(item) == {
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
        "notes",
    }
    assert item["code"] == "E0202"
    assert item["severity"] == "error"
    assert "`fee` is declared twice" in item["message"]
    assert item["file"] == str(path)
    # the second `fee`: line 2, columns 7 up to (not including) 10
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (2, 7, 2, 10)
    assert item["help"].startswith("rename")
    assert item["notes"] == [
        {"message": "first declared here", "file": str(path), "line": 1, "column": 7}
    ]


def test_cli_check_json_when_valid_is_an_empty_list(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, VALID)
    assert main(["check", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == []


# =====================================================================================
# docs/checker-errors.md: one section per code; its examples give their code, fixes pass
# =====================================================================================

DOC = Path(__file__).resolve().parents[2] / "docs" / "checker-errors.md"


def _emitted_codes() -> set[str]:
    roots = [Path(ersl.loader.__file__), *Path(ersl.checker.__file__).parent.glob("*.py")]
    found = set()
    for path in roots:
        found |= set(re.findall(r'"(E0\d{3})"', path.read_text(encoding="utf-8")))
    return found


def _doc_sections() -> dict[str, str]:
    parts = re.split(r"^## (E\d{4})\b.*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_docs_have_one_section_per_code() -> None:
    sections = _doc_sections()
    assert _emitted_codes() | {"E0002"} == set(sections)


def test_the_code_titles_are_the_doc_headings() -> None:
    """`ersl.checker.codes.TITLES` (SARIF rule entries) says what the page's headings say."""
    from ersl.checker.codes import TITLES, title

    headings = dict(re.findall(r"^## (E\d{4}) — (.*)$", DOC.read_text(encoding="utf-8"), re.M))
    assert TITLES == headings
    assert title("E0100") == "Unexpected word or symbol"  # syntax errors: their catalogue
    assert title("E9999") is None


def _example_and_fix(body: str) -> tuple[str, str] | None:
    example = re.search(
        r"Example \(`contract.ersl`\):\n\n(?:<!--.*?-->\n)?```ersl\n(.*?)```", body, re.S
    )
    fix = re.search(r"Fix:\n\n```ersl\n(.*?)```", body, re.S)
    return (example.group(1), fix.group(1)) if example and fix else None


DOC_EXAMPLES = [
    (code, *pair)
    for code, body in (_doc_sections().items() if DOC.exists() else ())
    if (pair := _example_and_fix(body))
]


@pytest.mark.parametrize(("code", "example", "fix"), DOC_EXAMPLES, ids=[e[0] for e in DOC_EXAMPLES])
def test_docs_example_and_fix(tmp_path: Path, code: str, example: str, fix: str) -> None:
    diags = diagnostics_of(tmp_path, example)
    assert [d.code for d in diags] == [code], render(diags)
    assert diagnostics_of(tmp_path, fix) == []
