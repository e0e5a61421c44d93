"""Comparing a settled statement with a test's `expect` block or expected statement file.

- `PAYEE "Name" PERIOD = AMOUNT`: the payee's lines of that name whose period lies
  within PERIOD, summed (one line when PERIOD is the line's own period). No such
  line is `none`; `= none` expects exactly that.
- `PAYEE total PERIOD = AMOUNT`: every line of the payee whose period lies within
  PERIOD, summed (`none` when there is none).
- `expect "file.json"`: an `ersl.statement/1` file; every line must match
  (payee, period, name, amount), none missing, none extra.

Each failed expectation is a `Mismatch` with the expected and actual amounts and,
when one line is behind the actual amount, that line's explanation (an expectation
that sums several lines lists their amounts instead of explaining every one).
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import attrs

from ersl import ast
from ersl.dates import Period, parse_period
from ersl.encoding import not_utf8_message
from ersl.exact import format_amount, format_decimal
from ersl.span import Span


@attrs.define
class Mismatch:
    """One expectation that does not hold."""

    what: str
    """`VC1 "Besöksersättning" 2022-03`."""
    expected: Fraction | None
    actual: Fraction | None
    span: Span | None = None
    explanations: list[str] = attrs.field(factory=list)
    note: str | None = None


def show_amount(amount: Fraction | None) -> str:
    """`300.00 kr`, or `none`."""
    return "none" if amount is None else f"{_kronor(amount)} kr"


def show_difference(m: Mismatch) -> str:
    """`difference -100.00 kr` (actual − expected), or what is missing."""
    if m.expected is None:
        return "no line was expected"
    if m.actual is None:
        return "no line was computed"
    difference = m.actual - m.expected
    sign = "+" if difference > 0 else ""
    return f"difference {sign}{_kronor(difference)} kr"


def _kronor(amount: Fraction) -> str:
    """An amount with two decimals, or exactly when it is no whole number of öre
    (an expected amount computed by an expression, e.g. `100 kr / 3`)."""
    return format_amount(amount) if (amount * 100).denominator == 1 else format_decimal(amount)


@lru_cache(maxsize=4096)
def line_period(label: str) -> Period:
    """The period of a statement line from its label (`2022-03`, `2022-Q1`, `2022`)."""
    return parse_period(label)


def _within(label: str, period: Period) -> bool:
    return period.covers(line_period(label))


def _explain(statement, lines) -> list[str]:
    from ersl.errors import ErslError
    from ersl.interpreter.explain import explain, render_text

    texts = []
    for line in lines:
        try:
            tree = explain(statement, line.payee, line.name, line.period)
        except (ErslError, KeyError):  # pragma: no cover - every statement line is explainable
            continue
        texts.append(render_text(tree).rstrip())
    return texts


def check_block(items, statement, run, run_period: Period) -> list[Mismatch]:
    """The mismatches of an `expect { … }` block against a statement."""
    from ersl.interpreter.env import Env

    mismatches = []
    for item in items:
        period = parse_period(item.period.text)
        payee = item.payee.name
        if isinstance(item, ast.ExpectLine):
            what = f'{payee} "{item.name}" {item.period.text}'
            lines = [
                line
                for line in statement.lines
                if line.payee == payee and line.name == item.name and _within(line.period, period)
            ]
        else:
            what = f"{payee} total {item.period.text}"
            lines = [
                line
                for line in statement.lines
                if line.payee == payee and _within(line.period, period)
            ]
        actual = sum((line.amount for line in lines), Fraction(0)) if lines else None
        if isinstance(item.amount, ast.NoneLit):
            expected = None
        else:
            expected = Fraction(run.evaluator.eval(item.amount, Env({}, period.end, period)))
        if expected == actual:
            continue
        mismatch = Mismatch(what, expected, actual, item.span)
        if not run_period.covers(period):
            mismatch.note = (
                f"the test settles {run_period.label}, so no line of {item.period.text} is "
                "computed; widen the test's `period`"
            )
        elif len(lines) == 1 and isinstance(item, ast.ExpectLine):
            mismatch.explanations = _explain(statement, lines)
        elif lines and isinstance(item, ast.ExpectLine):
            mismatch.note = _sum_of(lines)
        else:
            mismatch.note = _lines_of(statement, payee, period)
        mismatches.append(mismatch)
    return mismatches


def _sum_of(lines) -> str:
    """The lines behind an expectation that sums several (a year of monthly lines): their
    amounts, not every line's explanation."""
    amounts = [show_amount(line.amount) for line in lines]
    width = max(len(a) for a in amounts)
    shown = "\n".join(
        f"  {line.period}  {amount:>{width}}" for line, amount in zip(lines, amounts, strict=True)
    )
    return (
        f"the actual amount is the sum of {len(lines)} lines:\n{shown}\n"
        f"expect one line's period to see how it was computed (e.g. {lines[0].period})"
    )


def _lines_of(statement, payee: str, period: Period) -> str:
    lines = [
        line for line in statement.lines if line.payee == payee and _within(line.period, period)
    ]
    if not lines:
        payees = sorted({line.payee for line in statement.lines})
        others = ", ".join(payees) if payees else "none: the statement is empty"
        return f"{payee} has no lines in {period.label} (payees with lines: {others})"
    shown = "\n".join(
        f'  {line.payee} "{line.name}" {line.period} = {show_amount(line.amount)}' for line in lines
    )
    return f"{payee}'s lines in {period.label}:\n{shown}"


class ExpectedFileError(ValueError):
    """An expected statement file that cannot be read or is not a statement."""


def read_expected(path: Path) -> dict[tuple[str, str, str], Fraction]:
    """(payee, period, name) → amount of an `ersl.statement/1` file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExpectedFileError(f"the expected statement {path} does not exist") from None
    except UnicodeDecodeError:
        raise ExpectedFileError(not_utf8_message(str(path), path.read_bytes())) from None
    except OSError as error:
        raise ExpectedFileError(f"cannot read the expected statement {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise ExpectedFileError(f"{path} is not JSON: {error}") from None
    lines = document.get("lines") if isinstance(document, dict) else None
    if not isinstance(lines, list):
        raise ExpectedFileError(f'{path} is not a statement: it has no "lines" list')
    expected = {}
    for number, line in enumerate(lines, 1):
        try:
            key = (str(line["payee"]), str(line["period"]), str(line["name"]))
            expected[key] = Fraction(str(line["amount"]))
        except (KeyError, TypeError, ValueError):
            raise ExpectedFileError(
                f"line {number} of {path} needs a payee, period, name and amount"
            ) from None
    return expected


def check_file(path: Path, statement, span: Span | None) -> list[Mismatch]:
    """The mismatches of a statement against an expected statement file."""
    expected = read_expected(path)
    actual = {(line.payee, line.period, line.name): line for line in statement.lines}
    mismatches = []
    for key in sorted(set(expected) | set(actual)):
        want = expected.get(key)
        line = actual.get(key)
        got = None if line is None else line.amount
        if want == got:
            continue
        payee, period, name = key
        mismatch = Mismatch(f'{payee} "{name}" {period}', want, got, span)
        if line is not None:
            mismatch.explanations = _explain(statement, [line])
            if want is None:
                mismatch.note = f"the line is not in {path.name}"
        else:
            mismatch.note = f"the statement has no such line ({path.name} has it)"
        mismatches.append(mismatch)
    return mismatches


__all__ = ["Mismatch", "check_block", "check_file", "read_expected", "show_amount"]
