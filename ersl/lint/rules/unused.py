"""L301: parameters, functions, code sets and indicators that nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from ersl import ast
from ersl.lint.framework import Finding, LintContext, rule
from ersl.lint.walk import nodes

_KINDS = {ast.Param: "parameter", ast.Function: "function", ast.Codeset: "code set"}


def _used(ctx: LintContext) -> tuple[set[tuple[str, str]], set[str]]:
    """(kind, name) of every referenced parameter, function and code set; indicator names."""
    refs: set[tuple[str, str]] = set()
    for kind, target in ctx.facts.refs.values():
        if kind in ("param", "table"):
            refs.add(("parameter", target))
        elif kind == "function":
            refs.add(("function", target))
        elif kind == "codeset":
            refs.add(("code set", target))
    indicators: set[str] = set()
    for module in ctx.checked.loaded.modules:
        for decl in module.decls:
            if isinstance(decl, ast.Performance):
                indicators |= {ref.name for ref in decl.indicators}
            for node in nodes(decl):
                if (
                    isinstance(node, ast.Call)
                    and node.func.name in ("value", "rank", "region_mean", "reported")
                    and node.args
                ):
                    for arg in node.args:
                        if isinstance(arg, ast.StringLit):
                            indicators.add(arg.value)
    return refs, indicators


@rule(
    "L301",
    "unused-declaration",
    "warning",
    "style",
    "a parameter, function, code set or indicator of a contract is never used",
)
def unused_declaration(ctx: LintContext) -> Iterator[Finding]:
    """Only in contract files: a library's declarations are there to be used elsewhere."""
    if not ctx.is_contract:
        return
    refs, indicators = _used(ctx)
    for decl in ctx.decls((ast.Param, ast.Function, ast.Codeset, ast.Indicator)):
        if isinstance(decl, ast.Indicator):
            if decl.name not in indicators:
                yield Finding(
                    ctx.head(decl),
                    f'the indicator "{decl.name}" is not used by any performance',
                    help="add it to a performance's `indicators`, or remove it",
                )
            continue
        kind = _KINDS[type(decl)]
        if (kind, decl.name.name) not in refs:
            yield Finding(
                decl.name.span,
                f"the {kind} `{decl.name.name}` is never used",
                help=f"remove it, or use it where it was meant to be used (a forgotten "
                f"{'payment clause' if kind == 'parameter' else 'condition'}?)",
            )
