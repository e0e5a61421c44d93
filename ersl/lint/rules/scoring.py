"""L110: a `linear MIN to TARGET` scoring whose minimum is not below its target; L112: one
whose levels are equal (a step: `at least X`)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.values import constants
from ersl.lint.wording import percent


def _linear_scorings(ctx: LintContext):
    """(ref, minimum values, target values) of each `linear` scoring of the linted file;
    the values are None when a level is not a constant."""
    for performance in ctx.decls(ast.Performance):
        for ref in performance.indicators:
            if ref.scoring.kind == "linear":
                lows = constants(ref.scoring.low, ctx.symbols)
                yield ref, lows, constants(ref.scoring.high, ctx.symbols)


def _linear_levels(ctx: LintContext):
    """(ref, minimum values, target values, lower is better) of each constant `linear`."""
    for ref, lows, highs in _linear_scorings(ctx):
        if lows and highs:
            indicator = ctx.symbols.indicators.get(ref.name)
            lower_is_better = indicator is not None and indicator.lower_is_better
            yield ref, lows, highs, lower_is_better


@rule(
    "L110",
    "linear-min-beyond-target",
    "error",
    "correctness",
    "a `linear MIN to TARGET` scoring has its minimum above its target "
    "(below it for `lower is better`)",
)
def linear_min_beyond_target(ctx: LintContext) -> Iterator[Finding]:
    """Compare the written levels; a dated level must be wrong for every value it has."""
    for ref, lows, highs, lower_is_better in _linear_levels(ctx):
        span = ref.scoring.span
        if lower_is_better:
            if max(lows) < min(highs):
                yield Finding(
                    span,
                    f'"{ref.name}" is `lower is better`, so its minimum ({percent(max(lows))}) '
                    f"must be above its target ({percent(min(highs))})",
                    help="for a lower-is-better indicator write the worse (higher) level first, "
                    "e.g. `linear 20 % to 10 %`",
                )
        elif min(lows) > max(highs):
            yield Finding(
                span,
                f'the minimum of "{ref.name}" ({percent(min(lows))}) is above its target '
                f"({percent(max(highs))}): no result earns a partial score, and the order "
                "suggests the levels were swapped",
                help="write the minimum first and the target second, e.g. `linear 70 % to 90 %`",
            )


@rule(
    "L112",
    "linear-step",
    "error",
    "correctness",
    "a `linear MIN to TARGET` scoring has equal levels: a step, not a linear scale",
)
def linear_step(ctx: LintContext) -> Iterator[Finding]:
    """`linear X to X`: full score at X or more, none below — `at least X` says that."""
    for ref, lows, highs in _linear_scorings(ctx):
        scoring = ref.scoring
        same_values = bool(lows) and lows == highs and len(lows) == 1
        if not (same_values or scoring.low == scoring.high):
            continue
        low, high = _text(ctx, scoring.low), _text(ctx, scoring.high)
        level = low if low == high else percent(lows[0])
        yield Finding(
            scoring.span,
            f'"{ref.name}" scores `linear {low} to {high}`: a step, not a linear '
            f"scale — the full score at {level} or more, nothing below",
            help=f"write `at least {level}` for that step (`above` is strict), or give "
            "a minimum below the target for a sliding scale",
        )


def _text(ctx: LintContext, node: ast.Node) -> str:
    """The source text of a scoring level (a one-line expression)."""
    span = node.span
    line = ctx.checked.loaded.sources.line(span.file, span.line) or ""
    if span.end_line != span.line:
        return line[span.column - 1 :].strip() + " …"
    return line[span.column - 1 : span.end_column - 1]
