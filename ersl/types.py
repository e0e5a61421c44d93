"""ERSL's types and the table of what arithmetic and comparison produce (SPEC §4).

Types are small frozen values. Units are part of the type: `money`,
`money per year`, `percent`, `pp`, durations counted in days or in months.
The arithmetic rules are one table (`ARITHMETIC`) rather than code paths, so
the checker, the linter and the documentation read the same source of truth.
"""

from __future__ import annotations

import re

import attrs


@attrs.frozen
class Type:
    """Base class of all types."""

    def describe(self) -> str:
        """The type as a contract writer would write it."""
        raise NotImplementedError


@attrs.frozen
class Prim(Type):
    """A built-in scalar: bool, int, decimal, percent, pp, money, date, month, text."""

    name: str

    def describe(self) -> str:
        """The type's name."""
        return self.name


@attrs.frozen
class Rate(Type):
    """Money per day, month or year."""

    per: str

    def describe(self) -> str:
        """`money per year` etc."""
        return f"money per {self.per}"


@attrs.frozen
class Duration(Type):
    """A length of time counted in days or in months (a year is 12 months)."""

    unit: str  # "days" | "months"

    def describe(self) -> str:
        """`duration in days` / `duration in months`."""
        return f"duration in {self.unit}"


@attrs.frozen
class Code(Type):
    """A code of one code system (`code icd10`)."""

    system: str

    def describe(self) -> str:
        """`code <system>`."""
        return f"code {self.system}"


@attrs.frozen
class EnumT(Type):
    """A declared enum."""

    name: str

    def describe(self) -> str:
        """The enum's name."""
        return self.name


@attrs.frozen
class RecordT(Type):
    """A declared record, event or span (or the built-in `Episode`)."""

    name: str
    kind: str  # "record" | "event" | "span" | "episode"

    def describe(self) -> str:
        """The type's name."""
        return self.name


@attrs.frozen
class SetT(Type):
    """`set of T`."""

    element: Type

    def describe(self) -> str:
        """`set of T`."""
        return f"set of {self.element.describe()}"


@attrs.frozen
class TableT(Type):
    """`table of K -> V`: a function from key to value."""

    key: Type
    value: Type

    def describe(self) -> str:
        """`table of K -> V`."""
        return f"table of {self.key.describe()} -> {self.value.describe()}"


@attrs.frozen
class Optional(Type):
    """`T?`: a value that may be none."""

    inner: Type

    def describe(self) -> str:
        """`T?`."""
        return f"{self.inner.describe()}?"


@attrs.frozen
class CodesetT(Type):
    """The type of a code set name used with `in`."""

    system: str

    def describe(self) -> str:
        """`code set of <system>`."""
        return f"code set of {self.system}"


@attrs.frozen
class ErrorT(Type):
    """The type of an expression that already has an error; silences follow-on errors."""

    def describe(self) -> str:
        """Placeholder text."""
        return "<error>"


BOOL = Prim("bool")
INT = Prim("int")
DECIMAL = Prim("decimal")
PERCENT = Prim("percent")
PP = Prim("pp")
MONEY = Prim("money")
DATE = Prim("date")
MONTH = Prim("month")
TEXT = Prim("text")
NONE = Prim("none")
DAYS = Duration("days")
MONTHS = Duration("months")
ERROR = ErrorT()

PRIMITIVES = {t.name: t for t in (BOOL, INT, DECIMAL, PERCENT, PP, MONEY, DATE, MONTH, TEXT)}
RATE_PERIODS = ("day", "month", "year")

# Units written after a number, and the type they give.
UNIT_TYPES: dict[str, Type] = {
    "kr": MONEY,
    "SEK": MONEY,
    "tkr": MONEY,
    "Mkr": MONEY,
    "MSEK": MONEY,
    "%": PERCENT,
    "pp": PP,
    "day": DAYS,
    "days": DAYS,
    "week": DAYS,
    "weeks": DAYS,
    "month": MONTHS,
    "months": MONTHS,
    "year": MONTHS,
    "years": MONTHS,
}
for _money in ("kr", "SEK", "tkr", "Mkr", "MSEK"):
    for _per in RATE_PERIODS:
        UNIT_TYPES[f"{_money}/{_per}"] = Rate(_per)


def strip_optional(t: Type) -> Type:
    """`T` for `T?`, otherwise `t` itself."""
    return t.inner if isinstance(t, Optional) else t


def is_numeric(t: Type) -> bool:
    """int, decimal or percent (percent is a decimal in `*` and `/`)."""
    return strip_optional(t) in (INT, DECIMAL, PERCENT)


def _kind(t: Type) -> str:
    """The arithmetic class of a type: the key used in `ARITHMETIC`."""
    t = strip_optional(t)
    if isinstance(t, Rate):
        return "rate"
    if isinstance(t, Duration):
        return t.unit
    if isinstance(t, Prim):
        return t.name
    return "other"


# (operator, left class, right class) -> result type, or a callable of (left, right).
# "rate" stands for money per X; results "L"/"R" mean the left/right operand's type.
_NUM = ("int", "decimal")
ARITHMETIC: dict[tuple[str, str, str], object] = {}


def _rule(op: str, lefts, rights, result, symmetric: bool = False) -> None:
    for a in (lefts,) if isinstance(lefts, str) else lefts:
        for b in (rights,) if isinstance(rights, str) else rights:
            ARITHMETIC[(op, a, b)] = result
            if symmetric:
                ARITHMETIC[(op, b, a)] = {"L": "R", "R": "L"}.get(result, result)


for _op in ("+", "-"):
    _rule(_op, "int", "int", INT)
    _rule(_op, _NUM, _NUM, DECIMAL)
    _rule(_op, "money", "money", MONEY)
    _rule(_op, "pp", "pp", PP)
    _rule(_op, "percent", "pp", PERCENT)
    _rule(_op, "date", ("days", "months"), DATE)
    _rule(_op, "days", "days", DAYS)
    _rule(_op, "months", "months", MONTHS)
    ARITHMETIC[(_op, "rate", "rate")] = "same-rate"
ARITHMETIC[("+", "pp", "percent")] = PERCENT
ARITHMETIC[("+", "percent", "percent")] = PERCENT
ARITHMETIC[("-", "percent", "percent")] = PP
ARITHMETIC[("-", "date", "date")] = DAYS
ARITHMETIC[("+", "days", "date")] = DATE
ARITHMETIC[("+", "months", "date")] = DATE

_rule("*", "int", "int", INT)
_rule("*", ("int", "decimal", "percent"), ("int", "decimal", "percent"), DECIMAL)
ARITHMETIC[("*", "int", "int")] = INT
_rule("*", "money", ("int", "decimal", "percent"), MONEY, symmetric=True)
_rule("*", "rate", ("int", "decimal", "percent"), "L", symmetric=True)
_rule("*", ("days", "months"), _NUM, "L", symmetric=True)
_rule("*", "pp", _NUM, PP, symmetric=True)
_rule("*", "rate", ("days", "months"), "rate-times-duration", symmetric=True)

_rule("/", ("int", "decimal", "percent"), ("int", "decimal", "percent"), DECIMAL)
_rule("/", "money", ("int", "decimal", "percent"), MONEY)
_rule("/", "money", "money", DECIMAL)
_rule("/", "rate", ("int", "decimal", "percent"), "L")
_rule("/", "pp", "pp", DECIMAL)
_rule("/", "pp", _NUM, PP)
_rule("/", "days", "days", DECIMAL)
_rule("/", "months", "months", DECIMAL)
_rule("/", ("days", "months"), _NUM, "L")
ARITHMETIC[("/", "rate", "rate")] = "same-rate-ratio"


class ArithmeticError_(Exception):
    """An operation that the unit rules do not allow, with a plain-language hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def arithmetic(op: str, left: Type, right: Type) -> Type:
    """The type of `left op right`, or raise `ArithmeticError_` explaining why not."""
    if isinstance(left, ErrorT) or isinstance(right, ErrorT):
        return ERROR
    a, b = _kind(left), _kind(right)
    rule = ARITHMETIC.get((op, a, b))
    lt, rt = strip_optional(left), strip_optional(right)
    if rule is None:
        raise ArithmeticError_(
            f"cannot {_VERBS[op]} {_a(lt)} {_PREPS[op]} {_a(rt)}", _hint(op, lt, rt)
        )
    if rule == "L":
        return lt
    if rule == "R":
        return rt
    if rule == "same-rate" or rule == "same-rate-ratio":
        if lt != rt:
            raise ArithmeticError_(
                f"cannot {_VERBS[op]} {_a(lt)} {_PREPS[op]} {_a(rt)}",
                "convert one rate so both are per the same period",
            )
        return lt if rule == "same-rate" else DECIMAL
    if rule == "rate-times-duration":
        rate, duration = (lt, rt) if isinstance(lt, Rate) else (rt, lt)
        if duration == DAYS and rate.per != "day":
            raise ArithmeticError_(
                f"cannot multiply {_a(rate)} by a number of days",
                f"a rate per {rate.per} needs a duration in months or years; "
                "use a rate per day (kr/day) to pay by days",
            )
        if duration == MONTHS and rate.per == "day":
            raise ArithmeticError_(
                "cannot multiply money per day by a number of months",
                "months have different numbers of days; use a rate per month or year",
            )
        return MONEY
    assert isinstance(rule, Type)
    return rule


_VERBS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}
_PREPS = {"+": "and", "-": "from", "*": "by", "/": "by"}


def _a(t: Type) -> str:
    text = t.describe()
    return f"{'an' if text[0] in 'aeiou' else 'a'} {text} value" if isinstance(t, Prim) else text


def _hint(op: str, left: Type, right: Type) -> str | None:
    pair = {left, right}
    if MONEY in pair and (pair & {INT, DECIMAL}) and op in "+-":
        return "give the number its unit, e.g. `100 kr`, or multiply instead"
    if MONEY in pair and PERCENT in pair and op in "+-":
        return "a percentage of an amount is written `amount * 3 %`"
    if PERCENT in pair and (pair & {INT, DECIMAL}) and op in "+-":
        return "write the number as a percent (`5 %`) or percentage points (`5 pp`)"
    if PP in pair and (pair & {MONEY}) or PP in pair and any(isinstance(t, Rate) for t in pair):
        return (
            "a difference of two percentages is in percentage points (pp); for the share "
            "left after a deduction write `(100 % - x)`, or multiply each percentage"
        )
    return None


COMPARABLE_GROUPS = (
    {"int", "decimal", "percent"},
    {"money"},
    {"pp"},
    {"date"},
    {"month"},
    {"days"},
    {"months"},
    {"text"},
    {"bool"},
)


def comparable(left: Type, right: Type) -> bool:
    """Whether `left` and `right` may be compared with `<`, `==` and friends."""
    lt, rt = strip_optional(left), strip_optional(right)
    if isinstance(lt, ErrorT) or isinstance(rt, ErrorT) or lt == NONE or rt == NONE:
        return True
    if lt == rt:
        return True
    if isinstance(lt, Code) and rt == TEXT or isinstance(rt, Code) and lt == TEXT:
        return True
    a, b = _kind(lt), _kind(rt)
    return any(a in group and b in group for group in COMPARABLE_GROUPS) and a != "other"


def assignable(value: Type, target: Type) -> bool:
    """Whether a value of type `value` may be used where `target` is expected."""
    if isinstance(value, ErrorT) or isinstance(target, ErrorT):
        return True
    if value == target:
        return True
    if isinstance(target, Optional):
        return value == NONE or assignable(strip_optional(value), target.inner)
    value = strip_optional(value)
    if value == INT and target in (DECIMAL, PERCENT):
        return True
    if value == DECIMAL and target == PERCENT:
        return True
    if value == PERCENT and target == DECIMAL:
        return True
    if isinstance(value, SetT) and isinstance(target, SetT):
        return assignable(value.element, target.element)
    if isinstance(value, TableT) and isinstance(target, TableT):
        return assignable(target.key, value.key) and assignable(value.value, target.value)
    return False


def unify(a: Type, b: Type) -> Type | None:
    """The common type of two branches/table values, or None if they have none."""
    if isinstance(a, ErrorT):
        return b
    if isinstance(b, ErrorT):
        return a
    if a == b:
        return a
    if a == NONE:
        return b if isinstance(b, Optional) else Optional(b)
    if b == NONE:
        return a if isinstance(a, Optional) else Optional(a)
    if isinstance(a, Optional) or isinstance(b, Optional):
        inner = unify(strip_optional(a), strip_optional(b))
        return Optional(inner) if inner is not None else None
    if {a, b} <= {INT, DECIMAL}:
        return DECIMAL
    if {a, b} <= {INT, DECIMAL, PERCENT}:
        return DECIMAL
    return None


def snake_case(name: str) -> str:
    """The data name of a schema type: `IndicatorResult` → `indicator_result` (the JSON
    `type` and the CSV file stem)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
