"""L160: a line of a closed period that can move when later periods' data arrive."""

from __future__ import annotations

from collections.abc import Iterator

from ersl.lint.framework import Finding, LintContext, declaration_kind, rule
from ersl.stability import unstable_parts

SEED = "003_69a00d45db5f6ba2.txt"


@rule(
    "L160",
    "period-result-moves-later",
    "warning",
    "correctness",
    "a line of a period reads data of later periods (a `within … after` window, or the "
    "end of spans chosen by their start): a settled period can change when they arrive",
    sources=(SEED,),
)
def period_result_moves_later(ctx: LintContext) -> Iterator[Finding]:
    """Look-ahead windows and span ends read for spans chosen by start (`ersl.stability`)."""
    seen = set()
    for part in unstable_parts(ctx.symbols):
        if not ctx.is_root(part.decl):
            continue
        span = part.node.span if ctx.is_root(part.node) else ctx.head(part.decl)
        if (span, part.reason) in seen:
            continue
        seen.add((span, part.reason))
        what = f'{declaration_kind(part.decl)} "{part.line}"'
        if part.reason == "look-ahead":
            yield Finding(
                span,
                f"{what} counts records dated after its context date (`within … after`): "
                "its lines for a period can move when later periods' data arrive",
                help="count what is known at the period's end (`within … before`), or keep "
                "the look-ahead: its lines are marked preliminary until the data are complete",
            )
        else:
            yield Finding(
                span,
                f"{what} reads the end of {part.span_type} spans chosen by their start: a "
                "span that started in the period may end (and be registered) later, so "
                "the period's result can move",
                help=f"choose the spans by their end (e.g. `where x.end != none and "
                f"year(x.end) == year(today)`), so a period counts only {part.span_type} "
                "spans that ended in it",
            )
