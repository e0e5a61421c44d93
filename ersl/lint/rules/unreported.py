"""L206: `unreported excluded` — not reporting can pay more than reporting a low result."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule

SEEDS = ("000_9d4395d8d41cc7b8.txt", "004_887ea947c2495c54.txt")


@rule(
    "L206",
    "unreported-excluded",
    "warning",
    "incentives",
    "a performance leaves unreported indicators out (`unreported excluded`): not reporting "
    "can pay more than reporting a low result",
    sources=SEEDS,
)
def unreported_excluded(ctx: LintContext) -> Iterator[Finding]:
    """A performance with `unreported excluded` scoring a reported indicator on its value."""
    for performance in ctx.decls(ast.Performance):
        if performance.unreported is None:
            continue
        affected = [
            ref.name
            for ref in performance.indicators
            if ref.scoring.kind != "reported"
            and (indicator := ctx.symbols.indicators.get(ref.name)) is not None
            and indicator.reported
        ]
        if not affected:
            continue
        gain = (
            "escapes the penalty"
            if performance.penalty is not None
            else "is paid on its other indicators alone"
        )
        yield Finding(
            performance.unreported.span,
            f'a provider that does not report "{affected[0]}" {gain}, which can pay more '
            "than reporting a low result",
            help="leave out `unreported excluded`: an unreported indicator then scores 0 and "
            "keeps its weight",
        )
