"""L130 dated values that leave part of the contract's `valid` range without a value,
L131 dated entries that are never in force while the contract is valid."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule, show_date

LINE_DECLS = ("payments", "caps", "performances", "bundles")


def _users(ctx: LintContext) -> dict[str, set[str]]:
    """Parameter name → names of the lines that use it (directly or through functions
    and other parameters), from the checker's dependency graph."""
    if "param_users" in ctx.cache:
        return ctx.cache["param_users"]
    graph = ctx.facts.depends
    users: dict[str, set[str]] = {}
    for owner in graph:
        if not owner.startswith("line:"):
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
                users.setdefault(target[6:], set()).add(owner[5:])
    ctx.cache["param_users"] = users
    return users


def window(ctx: LintContext, name: str) -> tuple[datetime.date, datetime.date] | None:
    """The dates a parameter's value is needed on: the contract's `valid` range, narrowed
    to the `valid` ranges of the lines that use it when every one of them has one."""
    contract = ctx.valid
    if contract is None:
        return None
    start, end = contract.start, contract.end
    ranges = []
    for line in _users(ctx).get(name, ()):
        decl = None
        for kind in LINE_DECLS:
            decl = getattr(ctx.symbols, kind).get(line) or decl
        valid = getattr(decl, "valid", None)
        if valid is None:
            return start, end
        ranges.append(valid)
    if ranges:
        start = max(start, min(r.start for r in ranges))
        end = min(end, max(r.end for r in ranges))
    return (start, end) if start <= end else None


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
            yield Finding(
                first.span,
                f"`{param.name.name}` has no value from {show_date(needed[0])} to "
                f"{show_date(last_missing)}: its first entry is from {show_date(first.start)}",
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
                    f"{show_date(entry.start)}, after the contract ends ({show_date(needed[1])})",
                    help="check the year, or extend the contract's `valid` range",
                )
