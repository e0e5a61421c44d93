"""L130 dated values that leave part of the contract's `valid` range without a value,
L131 dated entries that are never in force while the contract is valid."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ersl import ast
from ersl.dates import period_containing
from ersl.lint.framework import Finding, LintContext, rule, show_date

LINE_DECLS = ("payments", "caps", "performances", "bundles")


def _users(ctx: LintContext) -> dict[str, set[str]]:
    """Parameter name → names of the lines that use it (directly or through functions
    and other parameters), from the checker's dependency graph. An indicator's
    parameters are used by the performance lines that score the indicator."""
    if "param_users" in ctx.cache:
        return ctx.cache["param_users"]
    graph = ctx.facts.depends
    scorers: dict[str, set[str]] = {}
    for name, performance in ctx.symbols.performances.items():
        for ref in performance.indicators:
            scorers.setdefault(ref.name, set()).add(name)
    users: dict[str, set[str]] = {}
    for owner in graph:
        kind, _, name = owner.partition(":")
        if kind == "line":
            lines = {name}
        elif kind == "indicator":
            lines = scorers.get(name, set())
        else:
            continue
        seen: set[str] = set()
        stack = [owner]
        while stack:
            node = stack.pop()
            for target in graph.get(node, {}):
                if target not in seen and not target.startswith("line:"):
                    seen.add(target)
                    stack.append(target)
        for target in seen:
            if target.startswith("param:"):
                users.setdefault(target[6:], set()).update(lines)
    ctx.cache["param_users"] = users
    return users


_RECONCILE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def context_dates(ctx: LintContext, decl) -> tuple[datetime.date, datetime.date] | None:
    """The first and the last date a line can read a parameter on (its context dates,
    SPEC §3.5, §3.6, §3.7): from the start of its `valid` range — or, for lines per
    provider and period, caps and performance, from the last day of their first period —
    to the end of the range (the last day of the last period). The first date is never
    later, and the last never earlier, than the real ones."""
    contract = ctx.valid
    start, end = contract.start, contract.end
    valid = getattr(decl, "valid", None)
    if valid is not None:
        start, end = max(start, valid.start), min(end, valid.end)
    if start > end:
        return None
    unit = None
    if isinstance(decl, ast.Payment) and isinstance(decl.basis, ast.ProviderBasis):
        unit = decl.basis.each.name
    elif isinstance(decl, ast.Cap | ast.Performance):
        header = ctx.symbols.contract
        default = _RECONCILE.get(header.reconcile.name if header and header.reconcile else "")
        unit = decl.each.name if decl.each is not None else default or "year"
    if unit in ("month", "quarter", "year"):
        return min(period_containing(start, unit).end, end), period_containing(end, unit).end
    return start, end


def window(ctx: LintContext, name: str) -> tuple[datetime.date, datetime.date] | None:
    """The dates a parameter's value may be read on: from the earliest to the latest
    context date of the lines that use it; the contract's `valid` range if none does."""
    contract = ctx.valid
    if contract is None:
        return None
    ranges = []
    for line in _users(ctx).get(name, ()):
        decl = None
        for kind in LINE_DECLS:
            decl = getattr(ctx.symbols, kind).get(line) or decl
        dates = context_dates(ctx, decl) if decl is not None else None
        if dates is not None:
            ranges.append(dates)
    if not ranges:
        return contract.start, contract.end
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def _dated(ctx: LintContext) -> Iterator[tuple[ast.Param, ast.DatedValue]]:
    for param in ctx.decls(ast.Param):
        if isinstance(param.value, ast.DatedValue) and param.value.entries:
            yield param, param.value


@rule(
    "L130",
    "dated-gap",
    "error",
    "correctness",
    "a dated value has no entry in force at the start of the contract's `valid` range",
)
def dated_gap(ctx: LintContext) -> Iterator[Finding]:
    """The first `from` date is after the first day the value is needed."""
    for param, dated in _dated(ctx):
        needed = window(ctx, param.name.name)
        if needed is None:
            continue
        first = min(dated.entries, key=lambda e: e.start)
        if first.start > needed[0]:
            last_missing = min(first.start - datetime.timedelta(days=1), needed[1])
            when = (
                f"on {show_date(needed[0])}"
                if last_missing == needed[0]
                else f"from {show_date(needed[0])} to {show_date(last_missing)}"
            )
            yield Finding(
                first.span,
                f"`{param.name.name}` has no value {when}, when it is used: its first entry "
                f"is from {show_date(first.start)}",
                help=f"add an entry `from {show_date(needed[0])} -> …`, or start this one earlier; "
                "a lookup before the first entry stops the settlement with an error",
            )


@rule(
    "L131",
    "dated-entry-never-in-force",
    "info",
    "correctness",
    "a dated entry starts after the contract's `valid` range ends",
)
def dated_entry_never_in_force(ctx: LintContext) -> Iterator[Finding]:
    """An entry from a date after the last day the value is needed is never used."""
    for param, dated in _dated(ctx):
        needed = window(ctx, param.name.name)
        if needed is None:
            continue
        for entry in dated.entries:
            if entry.start > needed[1]:
                yield Finding(
                    entry.span,
                    f"this entry of `{param.name.name}` is never in force: it starts "
                    f"{show_date(entry.start)}, after the last day it is used ({show_date(needed[1])})",
                    help="check the year, or extend the contract's `valid` range",
                )
