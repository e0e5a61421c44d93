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

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from ersl.checker import check_file
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
# 24 characters, so `modd` is col 25.
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
    25,
    "modd",
    ["`Visit`", "no field", "`modd`"],
    ["did you mean `mode`"],
)

# a misspelt enum member: `  per    Visit v where v.profession == ` is 38 characters.
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
    39,
    "doctr",
    ["`doctr`", "not a member of Profession"],
    ["did you mean `doctor`"],
)

# a member of another enum: `  per    Visit v where v.mode == ` is 32 characters.
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
    33,
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
