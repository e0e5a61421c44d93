"""L140: lines that are settled only when an optional parameter is given."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.checker.dependencies import is_optional_param, reads
from ersl.lint.framework import Finding, LintContext, declaration_kind, rule

_LINES = (ast.Payment, ast.Cap, ast.Performance, ast.Bundle)


@rule(
    "L140",
    "paid-only-with-optional-parameter",
    "info",
    "correctness",
    "a payment, cap, performance or bundle reads an optional parameter: "
    "it is not settled unless that parameter is given",
)
def paid_only_with_optional_parameter(ctx: LintContext) -> Iterator[Finding]:
    """List each line that reads an optional parameter (`T?` without a value)."""
    symbols = ctx.symbols
    optional = {
        name
        for name, decl in symbols.params.items()
        if is_optional_param(decl, symbols.param_types.get(name))
    }
    if not optional:
        return
    for decl in ctx.decls(_LINES):
        found = {k.removeprefix("param:") for k in reads(ctx.checked, f"line:{decl.name}", False)}
        names = sorted(found & optional)
        if not names:
            continue
        listed = ", ".join(f"`{n}`" for n in names)
        noun = "parameter" if len(names) == 1 else "parameters"
        verb = "applied" if isinstance(decl, ast.Cap) else "paid"
        yield Finding(
            ctx.head(decl),
            f'{declaration_kind(decl)} "{decl.name}" is not {verb} unless the optional '
            f"{noun} {listed} {'is' if len(names) == 1 else 'are'} given",
            help=f"give it with `--param {names[0]}=…` (the statement lists the lines left "
            "unsettled), or declare the figure if a source gives it",
        )
