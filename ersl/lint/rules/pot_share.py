"""L204: a performance pot under 1 % of the contract's estimated total (seed 000).

The estimate is `ersl.lint.estimate`: an upper bound of the pot against a lower bound
of the other payments, both per provider and year, for every list size (or the
configured `expected-listed`); `expected-total` replaces the estimated total.
"""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.estimate import Estimator, Lin, describe, max_share
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.wording import money, percent

SEED = "000_9d4395d8d41cc7b8.txt"


@rule(
    "L204",
    "weak-performance-pot",
    "warning",
    "incentives",
    "a performance pot is under 1 % of the contract's estimated total (weak incentive)",
    sources=(SEED,),
)
def weak_performance_pot(ctx: LintContext) -> Iterator[Finding]:
    """Compare each bonus or penalty pot with the contract's estimated yearly total."""
    config = ctx.config
    estimator = Estimator(ctx.symbols, ctx.symbols.contract)
    threshold = config.min_pot_share
    for performance in ctx.decls(ast.Performance):
        pot = estimator.pot_upper(performance)
        if pot is None:
            continue
        if config.expected_total is not None:
            if pot.b and config.expected_listed is None:
                continue
            listed = config.expected_listed or 0
            if config.expected_total <= 0:
                continue
            share = pot.at(listed) / config.expected_total
            basis = f"the expected total of {money(config.expected_total)} a year (pyproject.toml)"
        else:
            total = estimator.total_lower()
            share = max_share(pot, total, config.expected_listed)
            if share is None:
                continue
            basis = _estimate_words(total, config.expected_listed)
        if share >= threshold:
            continue
        which = "bonus" if performance.bonus is not None else "penalty"
        node = performance.bonus if performance.bonus is not None else performance.penalty
        yield Finding(
            node.span,
            f'the {which} of "{performance.name}" is at most {percent(_round(share))} of '
            f"{basis}: pot at most {describe(pot)} a year; under {percent(threshold)} "
            "the goals are unlikely to be worth the provider's effort",
            help="raise the pot, or set `expected-total` / `expected-listed` in "
            "[tool.ersl.lint] if the estimate does not fit this contract",
        )


def _estimate_words(total: Lin, listed: int | None) -> str:
    where = f" with {listed} listed patients" if listed is not None else ""
    return f"one provider's estimated yearly total{where} (at least {describe(total)} + the pot)"


def _round(share):
    from fractions import Fraction

    return Fraction(round(share * 10000)) / 10000 if share > 0 else share
