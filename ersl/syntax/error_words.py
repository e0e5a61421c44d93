"""The fixed words behind the syntax error messages.

Keyword groups and block headers the rules reason about, how the grammar's
regex terminals are said in words, and the word lists that feed the messages
and `help:` lines: units written other ways, rate periods, an example for each
clause, and characters other languages use.
"""

from __future__ import annotations

# Regex terminals in words (string terminals are shown as themselves, in backticks).
TERMINAL_WORDS = {
    "STRING": 'a text in quotes ("…")',
    "NAME": "a name",
    "NUMBER": "a number",
    "QUANTITY": "an amount with its unit (e.g. 390 kr, 33 %, 900 days)",
    "DATE": "a date (YYYY-MM-DD)",
    "MONTH": "a month (YYYY-MM)",
    "QUARTER": "a quarter (YYYY-Qn)",
    "_NL": "a new line",
    "$END": "the end of the file",
}

DECL_WORDS = frozenset(
    "contract use enum record event span extend codeset param function payment cap "
    "indicator performance bundle test property".split()
)
CLAUSE_WORDS = frozenset(
    "version region valid settle reconcile rounding kind per amount weight payee applies "
    "measure limit above population numerator exclude bonus penalty indicators trigger "
    "price includes warranty covers period extend given expect check unreported".split()
)
# Blocks whose body is a sequence of clauses, and a header that opens each (for probing).
BLOCK_PREFIXES = {
    "contract": 'contract "x" {',
    "payment": 'payment "x" {',
    "cap": 'cap "x" for provider q {',
    "indicator": 'indicator "x" for provider q {',
    "performance": 'performance "x" for provider q {',
    "bundle": 'bundle "x" {',
    "warranty": 'bundle "x" { warranty {',
    "test": 'test "x" {',
    "property": 'property "x" {',
}
# Words that may stand between a block's keyword and its `{`.
HEADER_WORDS = ("for", "provider", "each", "lower", "is", "better")
# Keywords that take a value after them, and what a missing value is called.
VALUE_KEYWORDS = CLAUSE_WORDS | {
    "where",
    "when",
    "within",
    "then",
    "else",
    "linear",
    "reduce",
    "pay",
}
PLACEHOLDER_WORDS = {"where": "condition", "when": "condition", "per": "basis", "valid": "dates"}

# Words written after a number that mean a unit ERSL spells differently (lower-cased keys).
UNIT_WORDS: dict[str, str] = {
    "kr": "kr",
    "kr.": "kr",
    "kronor": "kr",
    "krona": "kr",
    "kronors": "kr",
    "sek": "SEK",
    "tkr": "tkr",
    "tsek": "tkr",
    "tusen": "tkr",
    "mkr": "Mkr",
    "msek": "MSEK",
    "miljoner": "Mkr",
    "mnkr": "Mkr",
    "day": "days",
    "days": "days",
    "dag": "days",
    "dagar": "days",
    "dygn": "days",
    "d": "days",
    "week": "weeks",
    "weeks": "weeks",
    "vecka": "weeks",
    "veckor": "weeks",
    "month": "months",
    "months": "months",
    "mån": "months",
    "månad": "months",
    "månader": "months",
    "manad": "months",
    "manader": "months",
    "year": "years",
    "years": "years",
    "år": "years",
    "ar": "years",
    "percent": "%",
    "procent": "%",
    "pct": "%",
    "pp": "pp",
    "procentenheter": "pp",
    "procentenhet": "pp",
    "points": "pp",
}

UNIT_LIST = (
    "`kr`, `tkr`, `Mkr`, `SEK`, `MSEK`, the rates `kr/day`, `kr/month`, `kr/year`, "
    "`%`, `pp`, `days`, `weeks`, `months`, `years`"
)

# Period words after `per` that make a rate (`390 kr per year` is written `390 kr/year`).
RATE_PERIODS: dict[str, str] = {
    "day": "day",
    "days": "day",
    "dag": "day",
    "month": "month",
    "months": "month",
    "månad": "month",
    "year": "year",
    "years": "year",
    "år": "year",
}

# Example clauses for "`amount` has no value" (keyed by keyword).
CLAUSE_EXAMPLES: dict[str, str] = {
    "version": 'version "FFU 2022"',
    "region": 'region "Region Stockholm"',
    "valid": "valid 2022-01-01 .. 2022-12-31",
    "settle": "settle monthly",
    "reconcile": "reconcile yearly",
    "rounding": "rounding 0.01 kr half_up per line",
    "kind": "kind variable",
    "per": "per Visit v where v.mode == home",
    "amount": "amount 390 kr",
    "weight": "weight 1.5 when age(v.patient) >= 80",
    "when": "weight 1.5 when age(v.patient) >= 80",
    "payee": "payee listed_at(v.patient, v.date)",
    "applies": 'applies to "Besöksersättning"',
    "measure": "measure count(Visit v where v.provider == q)",
    "limit": "limit 1.9",
    "above": "above reduce 33 % of excess",
    "reduce": "above reduce 33 % of excess",
    "population": "population listed patients p at q",
    "numerator": 'numerator exists(Observation o where o.patient == p and o.kind == "blood_pressure")',
    "exclude": "exclude age(p) < 18",
    "bonus": "bonus 30 kr/year * average_listed(q)",
    "penalty": "penalty 15 kr/year * average_listed(q)",
    "unreported": "unreported excluded",
    "trigger": "trigger Procedure op where op.code in hip_knee_arthroplasty",
    "price": "price 56300 kr",
    "covers": "covers Procedure r where r.code in joint_reoperation",
    "period": "period 2 years",
    "extend": "extend to 5 years when exists(Drug d where d.patient == op.patient)",
    "check": 'check paid("Kvalitetsersättning", q) <= 100 kr',
    "where": "where v.mode == home",
    "within": "within 90 days before",
    "linear": "linear 70 % to 90 %",
    "then": "if x > 0 then 1 else 0",
    "else": "if x > 0 then 1 else 0",
    "otherwise": 'v.kind otherwise "none"',
    "given": 'given "data/events.jsonl"',
    "expect": 'expect "data/expected.json"',
    "to": "linear 70 % to 90 %",
}

# Characters other languages (or word processors) use, and what ERSL writes instead.
CHARACTER_HELP: dict[str, tuple[str, str]] = {
    "&": ("`&`", "write `and` to combine conditions"),
    "|": ("`|`", "write `or` to combine conditions"),
    "!": ("`!`", "write `not` to negate a condition, or `!=` for 'not equal'"),
    "'": ("a single quote", 'texts are written in double quotes: "…"'),
    ";": ("`;`", "ERSL does not end clauses with `;`; remove it"),
    "[": ("`[`", "sets are written with braces: `{a, b}`"),
    "]": ("`]`", "sets are written with braces: `{a, b}`"),
    "\u201c": ("a curly quote (“)", 'write texts with straight double quotes: "…"'),
    "\u201d": ("a curly quote (”)", 'write texts with straight double quotes: "…"'),
    "\u201e": ("a curly quote („)", 'write texts with straight double quotes: "…"'),
    "\u2018": ("a curly quote (‘)", 'write texts with straight double quotes: "…"'),
    "\u2019": ("a curly quote (’)", 'write texts with straight double quotes: "…"'),
    "\u2013": ("a dash (–)", "write `-` for minus, or `..` between two dates"),
    "\u2014": ("a dash (—)", "write `-` for minus, or `..` between two dates"),
    "\u2212": ("a minus sign (−)", "write the ASCII minus `-`"),
    "\u00d7": ("`×`", "write `*` to multiply"),
    "\u00f7": ("`÷`", "write `/` to divide"),
    "\u2265": ("`≥`", "write `>=`"),
    "\u2264": ("`≤`", "write `<=`"),
    "\u2260": ("`≠`", "write `!=`"),
    "\u2192": ("an arrow (→)", "write `->`"),
    "\u2026": ("an ellipsis (…)", "replace the placeholder with the actual value"),
    "\u00a0": (
        "a non-breaking space",
        "replace it with an ordinary space (it often comes from a word processor)",
    ),
    "\u200b": ("a zero-width space", "delete it (it often comes from a word processor)"),
    "\ufeff": ("a byte-order mark", "delete it"),
    "$": ("`$`", "amounts are written with their unit after the number, e.g. `390 kr`"),
    "€": ("`€`", "ERSL amounts are in Swedish kronor, e.g. `390 kr`"),
    "\\": ("`\\`", 'a backslash is only used inside texts, as `\\"` or `\\\\`'),
    "`": ("a backtick", 'texts are written in double quotes: "…"'),
    "@": ("`@`", "remove it"),
    "^": ("`^`", "ERSL has no power operator; multiply instead"),
    "~": ("`~`", "remove it"),
}
