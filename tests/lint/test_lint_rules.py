"""Every lint rule: a contract that triggers it (code, line and column asserted) and
contracts that do not.

Sources are written flush left (line 1 is the first line of the string). Each triggering
case names the text that starts at the expected line:column (`snippet`);
`test_case_positions_are_what_we_read` checks that against the source, so a miscounted
column fails separately from a rule that reports the wrong place.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from fractions import Fraction

import pytest

from ersl.lint import RULES, LintConfig, lint_file

HEAD = 'contract "T" { valid 2022-01-01 .. 2022-12-31 }\nuse stdlib "schema/sweden"\nuse stdlib "functions/listing"\n'
"""Three lines every case starts with: header, schema, listing functions."""


def src(body: str) -> str:
    """HEAD followed by `body` (written flush left); the body starts on line 4."""
    return HEAD + textwrap.dedent(body).lstrip("\n")


def lint_source(tmp_path, source: str, config: LintConfig | None = None):
    path = tmp_path / "contract.ersl"
    path.write_text(source, encoding="utf-8")
    return lint_file(path, config or LintConfig()).findings


@dataclass
class Hit:
    id: str
    code: str
    source: str
    line: int
    column: int
    snippet: str
    words: tuple[str, ...] = ()
    config: LintConfig | None = None


@dataclass
class Miss:
    id: str
    code: str
    source: str
    config: LintConfig | None = None


HITS: list[Hit] = []
MISSES: list[Miss] = []


def hit(id, code, body, line, column, snippet, words=(), config=None):
    HITS.append(Hit(id, code, src(body), line, column, snippet, tuple(words), config))


def miss(id, code, body, config=None):
    MISSES.append(Miss(id, code, src(body), config))


# ------------------------------------------------------------------ L101 table gaps
hit(
    "decimal gap between bands",
    "L101",
    """
    param rate = table of decimal {
      0 to 1     -> 1 kr
      2 and over -> 2 kr
    }
    """,
    6,
    3,
    "2 and over",
    ["no band for 1.5", "above 1 and below 2"],
)
hit(
    "int gap above the last band",
    "L101",
    """
    param rate = table of int {
      0 to 5  -> 1 kr
      6 to 10 -> 2 kr
    }
    """,
    6,
    3,
    "6 to 10",
    ["no band for 11", "keys 11 and over"],
)
hit(
    "int gap inside",
    "L101",
    """
    param rate = table of int {
      0 to 5      -> 1 kr
      8 and over  -> 2 kr
    }
    """,
    6,
    3,
    "8 and over",
    ["no band for 6", "keys from 6 to 7"],
)
hit(
    "enum member without band",
    "L101",
    """
    param fee = table of Mode {
      physical -> 1 kr
      home     -> 2 kr
    }
    """,
    4,
    13,
    "table of Mode",
    ["`video`", "`phone`", "`digital`"],
)
hit(
    "percent keys",
    "L101",
    """
    param bonus = table of percent {
      under 50 %     -> 0 kr
      60 % and over  -> 100 kr
    }
    """,
    6,
    3,
    "60 % and over",
    ["no band for 50 %", "from 50 % and below 60 %"],
)
miss(
    "int bands meeting",
    "L101",
    """
    param age_rate = table of int {
      0 to 5      -> 390 kr/year
      6 to 64     -> 310 kr/year
      65 and over -> 1117 kr/year
    }
    payment "P" {
      kind   fixed
      per    listed patient p at q each month
      amount age_rate(age(p))
    }
    """,
)
miss(
    "decimal gaps closed by else",
    "L101",
    """
    param rate = table of decimal {
      0 to 1 -> 1 kr
      2 to 3 -> 2 kr
      else   -> 3 kr
    }
    """,
)
miss(
    "every enum member",
    "L101",
    """
    param fee = table of Mode {
      physical, home, video -> 1 kr
      phone -> 2 kr
      digital -> 3 kr
    }
    """.replace(
        "physical, home, video -> 1 kr", "physical -> 1 kr\n  home -> 1 kr\n  video -> 1 kr"
    ),
)

# ------------------------------------------------------------------ L102 overlaps
hit(
    "int bands sharing an end",
    "L102",
    """
    param rate = table of int {
      0 to 65     -> 1 kr
      65 and over -> 2 kr
    }
    """,
    6,
    3,
    "65 and over",
    ["overlaps `0 to 65`", "both hold 65"],
)
hit(
    "band after else",
    "L102",
    """
    param rate = table of int {
      under 10 -> 1 kr
      else     -> 2 kr
      20 to 30 -> 3 kr
    }
    """,
    7,
    3,
    "20 to 30",
    ["never used"],
)
hit(
    "enum member twice",
    "L102",
    """
    param fee = table of Mode {
      physical -> 1 kr
      home     -> 2 kr
      physical -> 3 kr
      else     -> 4 kr
    }
    """,
    7,
    3,
    "physical",
    ["never used", "physical"],
)
miss(
    "under and over meet without overlap",
    "L102",
    """
    param rate = table of decimal {
      under 5     -> 1 kr
      5 and over  -> 2 kr
    }
    """,
)

# ------------------------------------------------------------------ L103 empty band
hit(
    "reversed range",
    "L103",
    """
    param rate = table of int {
      0 to 5      -> 1 kr
      64 to 6     -> 2 kr
      65 and over -> 3 kr
    }
    """,
    6,
    3,
    "64 to 6",
    ["`64 to 6`", "holds no key"],
)
miss(
    "single-key range",
    "L103",
    """
    param rate = table of int {
      under 5     -> 1 kr
      5 to 5      -> 2 kr
      6 and over  -> 3 kr
    }
    """,
)

# ------------------------------------------------------------------ L104 text tables
hit(
    "text keys without else",
    "L104",
    """
    param ward = table of text {
      "rehab" -> 1 kr
      "other" -> 2 kr
    }
    """,
    4,
    14,
    "table of text",
    ['e.g. "x"'],
)
miss(
    "text keys with else",
    "L104",
    """
    param ward = table of text {
      "rehab" -> 1 kr
      else    -> 2 kr
    }
    """,
)

# ------------------------------------------------------------------ code-keyed tables
hit(
    "code keys without else",
    "L104",
    """
    param avgift = table of code kva {
      "NFB49" -> 56300 kr
      "NGB*"  -> 40000 kr
    }
    """,
    4,
    16,
    "table of code kva",
    ["keyed by codes", 'e.g. "OTHER"'],
)
hit(
    "a code after the prefix that holds it",
    "L102",
    """
    param avgift = table of code kva {
      "NGB*"  -> 40000 kr
      "NGB19" -> 45000 kr
      else    -> 0 kr
    }
    """,
    6,
    3,
    '"NGB19"',
    ['the band `"NGB19"`', "is never used"],
)
miss(
    "a code before the prefix that holds it is an exception",
    "L102",
    """
    param avgift = table of code kva {
      "NGB19"      -> 45000 kr
      "NGB*"       -> 40000 kr
      "NH" to "NJ" -> 100 kr
      else         -> 0 kr
    }
    """,
)
hit(
    "a code range written backwards",
    "L103",
    """
    param avgift = table of code kva {
      "NJ" to "NH" -> 100 kr
      else         -> 0 kr
    }
    """,
    5,
    3,
    '"NJ" to "NH"',
    ["holds no key"],
)

# ------------------------------------------------------------------ L110, L112 linear levels
PERFORMANCE = """
indicator "I" {lib} for provider q {{
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p)
}}
performance "Kvalitet" for provider q each year {{
  bonus      30 kr/year * average_listed(q)
  indicators {{ "I" {scoring} }}
}}
"""


def perf(scoring: str, lib: str = "") -> str:
    return PERFORMANCE.format(scoring=scoring, lib=lib)


hit(
    "minimum above target",
    "L110",
    perf("linear 90 % to 70 %"),
    10,
    20,
    "linear 90 % to 70 %",
    ["minimum", "90 %", "above its target", "70 %"],
)
hit(
    "lower is better written upwards",
    "L110",
    perf("linear 10 % to 20 %", "lower is better"),
    10,
    20,
    "linear 10 % to 20 %",
    ["lower is better", "10 %", "20 %"],
)
hit(
    "levels from parameters",
    "L110",
    "param min_level: percent = 95 %\nparam target_level: percent = 80 %\n"
    + perf("linear min_level to target_level"),
    13,
    20,
    "linear min_level",
    ["95 %", "80 %"],
)
miss("minimum below target", "L110", perf("linear 70 % to 90 %"))
miss("lower is better written downwards", "L110", perf("linear 20 % to 10 %", "lower is better"))
miss("equal levels are L112, not L110", "L110", perf("linear 85 % to 85 %"))
hit(
    "equal levels",
    "L112",
    perf("linear 85 % to 85 %"),
    10,
    20,
    "linear 85 % to 85 %",
    ["a step, not a linear scale", "85 % or more"],
)
hit(
    "the same parameter twice",
    "L112",
    "param andel: percent = dated {\n  from 2022-01-01 -> 85 %\n  from 2022-07-01 -> 80 %\n}\n"
    + perf("linear andel to andel"),
    15,
    20,
    "linear andel to andel",
    ["`linear andel to andel`", "the full score at andel or more"],
)
miss("distinct levels", "L112", perf("linear 80 % to 85 %"))
miss("the step written as `at least`", "L112", perf("at least 85 %"))

# ------------------------------------------------------------------ L111 shares
VISITS = """
payment "Besök" {{
  kind   variable
  per    Visit v
  amount 400 kr
}}
cap "Tak" for provider q each year {{
  applies to "Besök"
  measure    count(Visit v where v.provider == q) / average_listed(q)
  limit      3
  above      {action}
}}
"""


def capped(action: str) -> str:
    return VISITS.format(action=action)


hit(
    "reduction above 100 %",
    "L111",
    capped("reduce 120 % of excess"),
    13,
    21,
    "120 %",
    ["`120 %`", "share a cap reduces", "0 %", "100 %"],
)
hit(
    "negative share paid",
    "L111",
    "param paid_share: percent = -10 %\n" + capped("pay paid_share of excess"),
    15,
    18,
    "paid_share",
    ["`paid_share` is -10 %", "share paid above the limit"],
)
hit(
    "scoring level above 100 %",
    "L111",
    perf("linear 70 % to 120 %"),
    10,
    35,
    "120 %",
    ["scoring level"],
)
hit(
    "pot as a share of a payment",
    "L111",
    """
    payment "Dygn" {
      kind   fixed
      per    provider q each month
      amount 1000 kr
    }
    indicator "I" for provider q {
      population listed patients p at q
      numerator  exists(Observation o where o.patient == p)
    }
    performance "Mål" for provider q each year {
      bonus      150 % * paid("Dygn", q)
      indicators { "I" above 50 % }
    }
    """,
    14,
    14,
    "150 %",
    ["pot's share"],
)
miss("reduction of 33 %", "L111", capped("reduce 33 % of excess"))
miss(
    "a weight above 100 % is not a share",
    "L111",
    """
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 400 kr
      weight 150 % when age(v.patient) >= 80
    }
    """,
)

# ------------------------------------------------------------------ L120 conditions
hit(
    "payment where: two enum members",
    "L120",
    """
    payment "Hembesök" {
      kind   variable
      per    Visit v where v.mode == home and v.mode == video
      amount 600 kr
    }
    """,
    6,
    24,
    "v.mode == home",
    ['"Hembesök"', "never pays"],
)
hit(
    "payment where: integer interval",
    "L120",
    """
    payment "Äldre" {
      kind   variable
      per    Visit v where age(v.patient) >= 80 and age(v.patient) < 65
      amount 600 kr
    }
    """,
    6,
    24,
    "age(v.patient) >= 80",
)
hit(
    "cap where contradicts the payment's where",
    "L120",
    """
    payment "Besök" {
      kind   variable
      per    Visit v where v.profession == doctor
      amount 400 kr
    }
    cap "Tak" for provider q each year {
      applies to "Besök" x where x.profession == nurse
      measure    count(Visit v where v.provider == q) / average_listed(q)
      limit      3
      above      reduce 33 % of excess
    }
    """,
    10,
    30,
    "x.profession == nurse",
    ['"Tak" never applies', '"Besök"'],
)
hit(
    "bundle trigger",
    "L120",
    """
    bundle "B" {
      trigger  Procedure op where op.side == "left" and op.side == "right"
      price    100 kr
      warranty { covers Procedure r where r.patient == op.patient  period 1 year }
    }
    """,
    5,
    31,
    'op.side == "left"',
    ["no episode ever starts"],
)
hit(
    "indicator numerator against population",
    "L120",
    """
    indicator "I" for provider q {
      population listed patients p at q where age(p) >= 65
      numerator  age(p) < 18
    }
    """,
    6,
    14,
    "age(p) < 18",
    ["always 0 %"],
)
hit(
    "aggregate where",
    "L120",
    """
    function visits(q: Provider): int = count(Visit v where v.date > 2022-06-30 and v.date < 2022-07-01)
    """,
    4,
    57,
    "v.date > 2022-06-30",
    ["finds nothing"],
)
miss(
    "satisfiable conditions",
    "L120",
    """
    payment "Besök" {
      kind   variable
      per    Visit v where v.mode in {home, video} and age(v.patient) >= 75 and age(v.patient) < 80
      amount 600 kr
    }
    cap "Tak" for provider q each year {
      applies to "Besök" x where x.mode == home
      measure    count(Visit v where v.provider == q) / average_listed(q)
      limit      3
      above      reduce 33 % of excess
    }
    """,
)

# ------------------------------------------------------------------ L121 weights
hit(
    "weight contradicting the where",
    "L121",
    """
    payment "Besök" {
      kind   variable
      per    Visit v where v.mode in {physical, video}
      amount 400 kr
      weight 1.5 when v.mode == home
    }
    """,
    8,
    19,
    "v.mode == home",
    ["never applies", '"Besök"'],
)
hit(
    "weight never holding alone",
    "L121",
    """
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 400 kr
      weight 1.5 when not (v.mode == home or v.mode != home)
    }
    """,
    8,
    19,
    "not (v.mode",
    ["never applies"],
)
miss(
    "weight for some units",
    "L121",
    """
    payment "Besök" {
      kind   variable
      per    Visit v where v.mode in {physical, home}
      amount 400 kr
      weight 1.5 when v.mode == home
    }
    """,
)

# ------------------------------------------------------------------ L122 never in force
hit(
    "payment valid the year before",
    "L122",
    """
    payment "Besök" {
      kind   fixed
      per    Visit v
      amount 400 kr
      valid  2021-01-01 .. 2021-12-31
    }
    """,
    8,
    10,
    "2021-01-01 .. 2021-12-31",
    ["outside the contract's"],
)
miss(
    "payment valid half the year",
    "L122",
    """
    payment "Besök" {
      kind   fixed
      per    Visit v
      amount 400 kr
      valid  2022-07-01 .. 2023-06-30
    }
    """,
)

# ------------------------------------------------------------------ L130, L131 dated values
DATED = """
param rate: money per year = dated {{
{entries}
}}
payment "Capitation" {{
  kind   fixed
  per    listed patient p at q each month
  amount rate * (p.acg otherwise 1){valid}
}}
"""


def dated(entries: str, valid: str = "") -> str:
    return DATED.format(entries=entries, valid=valid)


hit(
    "first entry after the start",
    "L130",
    dated("  from 2022-02-01 -> 1200 kr/year"),
    5,
    3,
    "from 2022-02-01",
    ["no value from 2022-01-01 to 2022-01-31"],
)
miss("first entry before the start", "L130", dated("  from 2021-02-01 -> 1133 kr/year"))
miss(
    "the only user starts later",
    "L130",
    dated("  from 2022-02-01 -> 1200 kr/year", "\n  valid  2022-02-01 .. 2022-12-31"),
)
miss(
    "a yearly cap reads its limit on the last day of the year",
    "L130",
    """
    param limit: decimal = dated {
      from 2022-06-01 -> 1.9
    }
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 400 kr
    }
    cap "Tak" for provider q each year {
      applies to "Besök"
      measure    count(Visit v where v.provider == q) / average_listed(q)
      limit      limit
      above      reduce 33 % of excess
    }
    """,
)
miss(
    "an indicator's threshold is read when the performance is settled",
    "L130",
    """
    param days: int = dated {
      from 2022-06-01 -> 3
    }
    indicator "I" for provider q {
      population Visit v where v.provider == q
      numerator  v.date - v.date <= days * 1 day
    }
    performance "Kvalitet" for provider q each year {
      bonus      30 kr/year * average_listed(q)
      indicators { "I" linear 70 % to 90 % }
    }
    """,
)
hit(
    "a monthly payment per provider reads it at the end of January",
    "L130",
    """
    param fee: money = dated {
      from 2022-02-01 -> 100 kr
    }
    payment "Grund" {
      kind   fixed
      per    provider q each month
      amount fee
    }
    """,
    5,
    3,
    "from 2022-02-01",
    ["no value on 2022-01-31, when it is used"],
)
hit(
    "entry after the contract",
    "L131",
    dated("  from 2022-01-01 -> 1200 kr/year\n  from 2032-01-01 -> 1300 kr/year"),
    6,
    3,
    "from 2032-01-01",
    ["never in force", "2032-01-01"],
)
miss(
    "entry within the contract",
    "L131",
    dated("  from 2022-01-01 -> 1200 kr/year\n  from 2022-07-01 -> 1300 kr/year"),
)

# ------------------------------------------------------------------ L150 optional parameters
hit(
    "payment reading an optional parameter through a function",
    "L150",
    """
    param tillägg: money?
    function hemtillägg(v: Visit): money = if v.mode == home then tillägg else 0 kr
    # ersl: ignore[L201] a test of L150
    payment "Hembesök" {
      kind   variable
      per    Visit v
      amount hemtillägg(v)
    }
    """,
    7,
    1,
    'payment "Hembesök"',
    ['payment "Hembesök" is not paid unless the optional parameter `tillägg` is given'],
)
miss(
    "a parameter with a value, even none",
    "L150",
    """
    param tillägg: money? = none
    # ersl: ignore[L201] a test of L150
    payment "Hembesök" {
      kind   variable
      per    Visit v where tillägg != none
      amount tillägg
    }
    """,
)

# ------------------------------------------------------------------ L206 unreported excluded
UNREPORTED = """
indicator "Nöjda" reported
indicator "Vårdplan" for provider q {
  population listed patients p at q
  numerator  exists(Visit v where v.patient == p)
}
performance "Vite" for provider q each year {
  penalty    10 kr/year * average_listed(q)
%s
  indicators {
    "Nöjda"    %s
    "Vårdplan" linear 50 %% to 80 %%
  }
}
"""
hit(
    "a penalty that not reporting escapes",
    "L206",
    UNREPORTED % ("  unreported excluded", "above 80 %"),
    11,
    3,
    "unreported excluded",
    ['does not report "Nöjda" escapes the penalty', "more than reporting a low result"],
)
miss("the default scores 0", "L206", UNREPORTED % ("", "linear 60 % to 90 %"))
miss("only paid for reporting", "L206", UNREPORTED % ("  unreported excluded", "if reported"))

# ------------------------------------------------------------------ L160 period result moves later
hit(
    "a look-ahead window",
    "L160",
    """
    payment "Återbesök" {
      kind   variable
      per    Visit v where count(Visit x where x.patient == v.patient within 30 days after) > 1
      amount 100 kr
    }
    """,
    6,
    67,
    "within 30 days after",
    ['payment "Återbesök" counts records dated after', "can move when later periods"],
)
hit(
    "the end of spans chosen by start",
    "L160",
    """
    payment "Medel" {
      kind   variable
      per    provider q each year
      amount 1 kr * mean(days(e.end - e.start) for Enrolment e where e.provider == q)
    }
    """,
    7,
    22,
    "days(e.end - e.start) for Enrolment e",
    ["reads the end of Enrolment spans chosen by their start"],
)
hit(
    "the end read through a function",
    "L160",
    """
    function tid(e: Enrolment): decimal = days(e.end - e.start) + 1
    payment "Medel" {
      kind   variable
      per    provider q each year
      amount 1 kr * mean(tid(e) for Enrolment e where e.provider == q)
    }
    """,
    8,
    22,
    "tid(e) for Enrolment e",
    ["reads the end of Enrolment spans"],
)
miss(
    "a look-back window",
    "L160",
    """
    payment "Återbesök" {
      kind   variable
      per    Visit v where count(Visit x where x.patient == v.patient within 30 days before) > 1
      amount 100 kr
    }
    """,
)
miss(
    "spans chosen by the end (the ASiH way)",
    "L160",
    """
    function tid(e: Enrolment): decimal = days(e.end - e.start) + 1
    function avslutad(e: Enrolment, q: Provider): bool =
      e.provider == q and e.end != none and year(e.end) == year(today)
    payment "Medel" {
      kind   variable
      per    provider q each year
      amount 1 kr * mean(tid(e) for Enrolment e where avslutad(e, q)
                                 within today - 2000-01-01 before today)
    }
    """,
)

# ------------------------------------------------------------------ L201 variable without cap
hit(
    "uncapped visit fee",
    "L201",
    """
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 400 kr
    }
    """,
    4,
    1,
    'payment "Besök"',
    ['"Besök" has no cap'],
)
miss("capped visit fee", "L201", capped("reduce 33 % of excess"))
miss(
    "charges are not reported",
    "L201",
    """
    payment "Kostnadsansvar" {
      kind   variable
      per    Visit v where listed_at(v.patient, v.date) != none
      payee  listed_at(v.patient, v.date)
      amount -200 kr
    }
    """,
)

miss(
    "a ceiling written as a payment is a charge",
    "L201",
    """
    extend record Provider { ceiling: money }
    function episodes(q: Provider): money = 100 kr
    payment "Tak" {
      kind   variable
      per    provider q each year where episodes(q) > q.ceiling
      amount q.ceiling - episodes(q)
    }
    """,
)

# ------------------------------------------------------------------ L202 capitation
hit(
    "flat capitation",
    "L202",
    """
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each month
      amount 1800 kr/year
    }
    """,
    4,
    1,
    'payment "Listning"',
    ["same for every listed patient"],
)
hit(
    "capitation as a headcount per provider",
    "L202",
    """
    payment "Grund" {
      kind   fixed
      per    provider q each month
      amount 150 kr * listed_count(q, today)
    }
    """,
    4,
    1,
    'payment "Grund"',
)
miss(
    "capitation by age",
    "L202",
    """
    param age_rate = table of int {
      0 to 64     -> 1500 kr/year
      65 and over -> 3000 kr/year
    }
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each month
      amount age_rate(age(p))
    }
    """,
)
miss(
    "a flat part beside an adjusted part",
    "L202",
    """
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each month
      amount 1000 kr/year
    }
    payment "Listning ACG" {
      kind   fixed
      per    listed patient p at q each month
      amount 1200 kr/year * (p.acg otherwise 1)
    }
    """,
)

# ------------------------------------------------------------------ L203 bundles
BUNDLE = """
codeset hip_knee: kva {{ "NFB*", "NGB*" }}
bundle "Protes" {{
  trigger  Procedure op where op.code in hip_knee
  price    56300 kr{warranty}
}}
"""
hit(
    "bundle without warranty",
    "L203",
    BUNDLE.format(warranty=""),
    5,
    1,
    'bundle "Protes"',
    ["no warranty"],
)
miss(
    "bundle with warranty",
    "L203",
    BUNDLE.format(
        warranty="\n  warranty { covers Procedure r where r.patient == op.patient  period 2 years }"
    ),
)

# ------------------------------------------------------------------ L204 performance pot
POT = """
param age_rate = table of int {{
  0 to 64     -> 1500 kr/year
  65 and over -> 3000 kr/year
}}
payment "Listning" {{
  kind   fixed
  per    listed patient p at q each month
  amount age_rate(age(p))
}}
indicator "I" for provider q {{
  population listed patients p at q
  numerator  exists(Observation o where o.patient == p)
}}
performance "Kvalitet" for provider q each {each} {{
  bonus      {pot}
  indicators {{ "I" linear 70 % to 90 % }}
}}
"""


def pot(amount: str, each: str = "year") -> str:
    return POT.format(pot=amount, each=each)


hit(
    "pot per listed patient",
    "L204",
    pot("5 kr/year * average_listed(q)"),
    18,
    14,
    "5 kr/year",
    ["at most 0.33 %", "1500 kr per listed patient"],
)
hit(
    "a fixed pot against capitation, at the configured list size",
    "L204",
    pot("10000 kr"),
    18,
    14,
    "10000 kr",
    ["with 8000 listed patients"],
    LintConfig(expected_listed=8000),
)
hit(
    "against the configured total",
    "L204",
    pot("100 tkr", each="quarter"),
    18,
    14,
    "100 tkr",
    ["0.67 %", "60000000 kr"],
    LintConfig(expected_total=Fraction(60_000_000)),
)
miss("pot of 30 kr per listed patient", "L204", pot("30 kr/year * average_listed(q)"))
miss("a fixed pot with unknown list size", "L204", pot("10000 kr"))
miss(
    "a higher threshold is configurable",
    "L204",
    pot("5 kr/year * average_listed(q)"),
    LintConfig(min_pot_share=Fraction(1, 1000)),
)
miss(
    "no estimate without figures",
    "L204",
    """
    param fee: money
    payment "Besök" {
      kind   variable
      per    Visit v
      amount fee
    }
    indicator "I" for provider q {
      population listed patients p at q
      numerator  exists(Observation o where o.patient == p)
    }
    performance "Kvalitet" for provider q each year {
      bonus      1 kr/year * average_listed(q)
      indicators { "I" linear 70 % to 90 % }
    }
    """,
)

# ------------------------------------------------------------------ L205 caps
hit(
    "nothing paid above the limit",
    "L205",
    capped("reduce 100 % of excess"),
    13,
    3,
    "above      reduce 100 %",
    ["pays nothing", "last months of the year"],
)
hit(
    "pay 0 % of excess",
    "L205",
    capped("pay 0 % of excess"),
    13,
    3,
    "above      pay 0 %",
    ["pays nothing"],
)
hit(
    "reduce of all: a cliff",
    "L205",
    capped("reduce 10 % of all"),
    13,
    3,
    "above      reduce 10 % of all",
    ["takes back 10 %", "whole year's payment"],
)
miss("a reduced price above the limit", "L205", capped("reduce 33 % of excess"))

# ------------------------------------------------------------------ L301 unused
hit(
    "unused parameter",
    "L301",
    """
    param fee: money = 400 kr
    param home_fee: money = 600 kr
    payment "Besök" {
      kind   fixed
      per    Visit v
      amount fee
    }
    """,
    5,
    7,
    "home_fee",
    ["parameter `home_fee` is never used"],
)
hit(
    "unused code set",
    "L301",
    'codeset heart: icd10 { "I10".."I15" }\n',
    4,
    9,
    "heart",
    ["code set `heart`"],
)
hit(
    "unused function",
    "L301",
    "function twice(x: int): int = 2 * x\n",
    4,
    10,
    "twice",
    ["function `twice`"],
)
hit(
    "unused indicator",
    "L301",
    """
    indicator "I" for provider q {
      population listed patients p at q
      numerator  exists(Observation o where o.patient == p)
    }
    """,
    4,
    1,
    'indicator "I"',
    ['indicator "I" is not used'],
)
miss(
    "used by a function, a table lookup and a performance",
    "L301",
    """
    param rate = table of int { 0 to 64 -> 1 kr, 65 and over -> 2 kr }
    function fee(a: int): money = rate(a)
    payment "Besök" {
      kind   fixed
      per    Visit v
      amount fee(age(v.patient))
    }
    """
    + perf("linear 70 % to 90 %"),
)


# ------------------------------------------------------------------ L140–L142 unit traps
# The capitation trap of issue 13: a table of kr where kr/year was meant pays the yearly
# figure every month (12 ×).
hit(
    "capitation table written in kr on a monthly basis",
    "L140",
    """
    param age_rate = table of int {
      0 to 5     -> 4000 kr
      6 and over -> 310 kr
    }
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each month
      amount age_rate(age(p))
    }
    """,
    11,
    10,
    "age_rate(age(p))",
    ['"Listning" pays `4000 kr` in full every month', "not a rate"],
)
hit(
    "money literal on a monthly provider basis",
    "L140",
    """
    payment "Grund" {
      kind   fixed
      per    provider q each month
      amount 50000 kr
    }
    """,
    7,
    10,
    "50000 kr",
    ["every month"],
)
hit(
    "a required parameter declared as money on a daily span basis",
    "L140",
    """
    param dygn: money
    payment "Dygn" {
      kind   fixed
      per    Stay s each day
      amount dygn
    }
    """,
    8,
    10,
    "dygn",
    ["`dygn` (declared as money)", "every day"],
)
hit(
    "money through a function and an if on a quarterly basis",
    "L140",
    """
    function grund(q: Provider): money = if q.kind == "vc" then 9000 kr else 0 kr
    payment "Kvartal" {
      kind   fixed
      per    provider q each quarter
      amount grund(q)
    }
    """,
    8,
    10,
    "grund(q)",
    ["`9000 kr`", "every quarter"],
)
hit(
    "a money pot on a monthly performance",
    "L140",
    """
    indicator "I" for provider q {
      population listed patients p at q
      numerator  exists(Observation o where o.patient == p)
    }
    performance "P" for provider q each month {
      bonus      30 kr * average_listed(q)
      indicators { "I" linear 70 % to 90 % }
    }
    """,
    9,
    14,
    "30 kr * average_listed(q)",
    ['the pot of "P"', "every month"],
)
miss(
    "money once per span: a daily basis whose condition picks one day (today == its end)",
    "L140",
    """
    param slutbetalning: money
    payment "Avräkning" {
      kind   variable
      per    Enrolment e each day where e.end != none and today == e.end
      amount slutbetalning
    }
    """,
)
hit(
    "a daily basis whose condition compares today without pinning one day still pays daily",
    "L140",
    """
    param dygn: money
    payment "Dygn" {
      kind   fixed
      per    Stay s each day where today >= s.start
      amount dygn
    }
    """,
    8,
    10,
    "dygn",
    ["every day"],
)
miss(
    "rates on monthly and daily bases, money on events and years, money converted by hand",
    "L140",
    """
    param age_rate = table of int { 0 to 5 -> 390 kr/year, 6 and over -> 310 kr/year }
    param target: money = 1200000 kr
    payment "Listning" {
      kind   fixed
      per    listed patient p at q each month
      amount age_rate(age(p))
    }
    payment "Dygn" {
      kind   fixed
      per    Stay s each day
      amount 2500 kr/day
    }
    payment "Besök" {
      kind   variable
      per    Visit v
      amount 400 kr
    }
    payment "Årligt" {
      kind   fixed
      per    provider q each year
      amount 1 Mkr
    }
    payment "Månadsdel" {
      kind   fixed
      per    provider q each month
      amount target / 12
    }
    payment "Kostnad" {
      kind   variable
      per    Stay s each month
      amount paid("Besök", s.provider) otherwise 0 kr
    }
    """,
)
hit(
    "a yearly rate divided by 12 on a monthly basis",
    "L141",
    """
    param cni_rate: money per year = 410 kr/year
    payment "CNI" {
      kind   fixed
      per    listed patient p at q each month
      amount cni_rate / 12 * p.cni
    }
    """,
    8,
    10,
    "cni_rate / 12",
    ["divides a rate per year by 12", "1/12 of the figure"],
)
hit(
    "a yearly rate times 1/365 in a parameter",
    "L141",
    """
    param daily = 912500 kr/year * (1 / 365)
    """,
    4,
    15,
    "912500 kr/year * (1 / 365)",
    ["divides a rate per year by 365"],
)
hit(
    "a monthly rate multiplied by 12",
    "L141",
    """
    payment "Anslag" {
      kind   fixed
      per    provider q each month
      amount 400 kr/month * 12
    }
    """,
    7,
    10,
    "400 kr/month * 12",
    ["multiplies a rate per month by 12", "12 times the figure"],
)
miss(
    "rates scaled by ordinary factors, money divided by 12",
    "L141",
    """
    param cni_rate: money per year = 410 kr/year
    payment "CNI" {
      kind   fixed
      per    listed patient p at q each month
      amount cni_rate * p.cni / 2 * 1.5
    }
    payment "Månadsdel" {
      kind   fixed
      per    provider q each month
      amount 1200000 kr / 12
    }
    """,
)
hit(
    "a yearly rate times 1 year on a monthly basis",
    "L142",
    """
    payment "Anslag" {
      kind   fixed
      per    provider q each month
      amount 48000 kr/year * 1 year
    }
    """,
    7,
    10,
    "48000 kr/year * 1 year",
    ["multiplies a rate by 1 year on a basis counted each month", "every month pays 1 year"],
)
hit(
    "a daily rate times 365 days (a parameter) on a monthly span basis",
    "L142",
    """
    param year_days = 365 days
    payment "Inskriven" {
      kind   fixed
      per    Stay s each month
      amount 100 kr/day * year_days
    }
    """,
    8,
    10,
    "100 kr/day * year_days",
    ["365 days"],
)
miss(
    "a rate times one unit of its basis, and rate times a duration on events",
    "L142",
    """
    payment "Anslag" {
      kind   fixed
      per    provider q each month
      amount 4000 kr/month * 1 month
    }
    payment "Kvartal" {
      kind   fixed
      per    provider q each quarter
      amount 16000 kr/year * 3 months
    }
    payment "Vårdtid" {
      kind   variable
      per    Stay s
      amount 3000 kr/day * 7 days
    }
    """,
)


# ------------------------------------------------------------------ the tests


def test_every_rule_has_a_triggering_and_a_clean_case():
    codes = {code for code, rule in RULES.items() if rule.check is not None}
    assert codes <= {h.code for h in HITS}
    assert codes <= {m.code for m in MISSES}


@pytest.mark.parametrize("case", HITS, ids=lambda c: f"{c.code} {c.id}")
def test_case_positions_are_what_we_read(case):
    line = case.source.splitlines()[case.line - 1]
    assert line[case.column - 1 :].startswith(case.snippet), line


@pytest.mark.parametrize("case", HITS, ids=lambda c: f"{c.code} {c.id}")
def test_rule_triggers_at_its_place(tmp_path, case):
    findings = lint_source(tmp_path, case.source, case.config)
    mine = [f for f in findings if f.code == case.code]
    places = [(f.span.line, f.span.column) for f in mine]
    assert (case.line, case.column) in places, "\n".join(
        f"{f.span.line}:{f.span.column} {f.code} {f.message}" for f in findings
    )
    found = next(f for f in mine if (f.span.line, f.span.column) == (case.line, case.column))
    for word in case.words:
        assert word in found.message, found.message
    assert found.severity == RULES[case.code].severity
    assert found.help


@pytest.mark.parametrize("case", MISSES, ids=lambda c: f"{c.code} {c.id}")
def test_rule_stays_silent(tmp_path, case):
    findings = lint_source(tmp_path, case.source, case.config)
    assert [f for f in findings if f.code == case.code] == [], [
        f"{f.span.line}:{f.span.column} {f.message}" for f in findings if f.code == case.code
    ]


def test_library_files_have_no_unused_findings(tmp_path):
    findings = lint_source(tmp_path, 'use stdlib "schema/sweden"\nparam fee: money = 400 kr\n')
    assert findings == []


def test_overlap_names_the_earlier_band_in_a_note(tmp_path):
    source = src(
        """
        param rate = table of int {
          0 to 65     -> 1 kr
          65 and over -> 2 kr
        }
        """
    )
    (finding,) = [f for f in lint_source(tmp_path, source) if f.code == "L102"]
    (note,) = finding.notes
    assert (note.span.line, note.span.column) == (5, 3)
    assert "also holds 65" in note.message


def test_dated_tables_are_analysed_entry_by_entry(tmp_path):
    source = src(
        """
        param rate: table of int -> money = dated {
          from 2021-01-01 -> table { 0 to 5 -> 1 kr, 6 and over -> 2 kr }
          from 2022-01-01 -> table { 0 to 5 -> 1 kr, 7 and over -> 2 kr }
        }
        """
    )
    (finding,) = [f for f in lint_source(tmp_path, source) if f.code == "L101"]
    assert finding.span.line == 6
    assert "in force from 2022-01-01" in finding.message
    assert "no band for 6" in finding.message


def test_findings_in_imported_files_are_not_reported(tmp_path):
    (tmp_path / "lib.ersl").write_text(
        'use stdlib "schema/sweden"\nparam rate = table of int { 0 to 5 -> 1 kr, 7 and over -> 2 kr }\n',
        encoding="utf-8",
    )
    source = HEAD + 'use "lib.ersl"\n'
    assert [f.code for f in lint_source(tmp_path, source)] == []
    lib = lint_file(tmp_path / "lib.ersl", LintConfig()).findings
    assert [f.code for f in lib] == ["L101"]
