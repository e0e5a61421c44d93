"""L203: a bundle without a complication warranty (seeds 000, 002)."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule

SEEDS = ("000_9d4395d8d41cc7b8.txt", "002_974c249cd2c6d881.txt")


@rule(
    "L203",
    "bundle-without-warranty",
    "warning",
    "incentives",
    "an episode bundle has no complication warranty",
    sources=SEEDS,
)
def bundle_without_warranty(ctx: LintContext) -> Iterator[Finding]:
    """Bundles of the linted file with no `warranty` block."""
    for bundle in ctx.decls(ast.Bundle):
        if bundle.warranty is None:
            yield Finding(
                ctx.head(bundle),
                f'the bundle "{bundle.name}" has no warranty: one price for the whole episode '
                "rewards doing less, and complications are paid again as new care",
                help="add `warranty { covers … within the episode's patient  period 2 years }` "
                "so that the provider bears the cost of complications for a bounded period",
            )
