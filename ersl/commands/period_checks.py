"""Warnings about a run's `--period` (`ersl run`, `ersl explain`): a period outside the
contract's `valid` range pays nothing, and one that does not cover a whole year (or
quarter) leaves out the parts counted by the year — caps, performance, payments per
provider and year — because a line appears only when the run covers its period.

W0901: the period lies wholly or partly outside `valid`.
W0902: a part counted per year or quarter has a period the run cuts.
"""

from __future__ import annotations

from ersl import ast
from ersl.dates import Period, clip, parse_period, periods_in
from ersl.diagnostics import Diagnostic
from ersl.errors import COMMAND_LINE

_RECONCILE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def _show(period: Period) -> str:
    return f"{period.start.isoformat()} .. {period.end.isoformat()}"


def _unit_of(decl, reconcile: str) -> str | None:
    """The period unit of a part longer than a month (None for the others)."""
    if isinstance(decl, ast.Payment):
        basis = decl.basis
        each = basis.each.name if isinstance(basis, ast.ProviderBasis) else None
    else:
        each = decl.each.name if decl.each is not None else reconcile
    return each if each in ("quarter", "year") else None


def period_warnings(symbols, label: str) -> list[Diagnostic]:
    """The warnings about settling the period `label` of a contract with `symbols`."""
    header = symbols.contract
    if header is None or header.valid is None:
        return []
    run = parse_period(label)
    valid = Period(header.valid.start, header.valid.end, "valid")
    inside = clip(run, valid.start, valid.end)
    if inside is None:
        return [
            Diagnostic(
                "W0901",
                f"--period {label} lies outside the contract's valid range {_show(valid)}: "
                "nothing is paid",
                COMMAND_LINE,
                severity="warning",
                help=f"settle a period inside {_show(valid)}, or leave --period out to "
                "settle the whole valid range",
            )
        ]
    warnings = []
    if not valid.covers(run):
        warnings.append(
            Diagnostic(
                "W0901",
                f"--period {label} lies partly outside the contract's valid range "
                f"{_show(valid)}: only {_show(inside)} is settled",
                COMMAND_LINE,
                severity="warning",
            )
        )
    reconcile = _RECONCILE.get(header.reconcile.name if header.reconcile else "", "year")
    cut: dict[str, list[str]] = {}
    for decl in (
        *symbols.payments.values(),
        *symbols.caps.values(),
        *symbols.performances.values(),
    ):
        unit = _unit_of(decl, reconcile)
        if unit is None:
            continue
        for whole in periods_in(inside.start, inside.end, unit):
            part = clip(whole, valid.start, valid.end)
            if part is not None and not run.covers(part):
                cut.setdefault(unit, []).append(decl.name)
                break
    for unit, names in cut.items():
        shown = ", ".join(f'"{n}"' for n in sorted(names))
        warnings.append(
            Diagnostic(
                "W0902",
                f"--period {label} does not cover whole {unit}s: {shown} "
                f"(counted per {unit}) {'is' if len(names) == 1 else 'are'} not settled "
                f"for the {unit}s it cuts",
                COMMAND_LINE,
                severity="warning",
                help=f"settle whole {unit}s (e.g. --period {inside.start.year}) to include "
                f"{'it' if len(names) == 1 else 'them'}",
            )
        )
    return warnings


__all__ = ["period_warnings"]
