"""What each statement line reads: the parameters behind a payment, cap, performance or
bundle, through the functions, parameters, indicators and other lines it uses.

The checker records direct uses in `Facts.depends` (`line:Name` → `param:x`,
`function:f`, `indicator:I`, `line:Other`). Settling adds two kinds of reading the
expressions do not show: an event or per-day payment in a contract with bundles
reads every bundle (coverage decides which units are paid), and a payment per
episode of a bundle reads that bundle. The interpreter uses this to demand a
required parameter only when a line settled in the run reads it, and to leave a
line unpaid, loudly, when it reads an optional parameter that was not given.
"""

from __future__ import annotations

from ersl import ast
from ersl import types as T


def line_decls(symbols) -> dict[str, ast.Node]:
    """Every declaration that makes statement lines, by line name (bundles once)."""
    return {
        **symbols.payments,
        **symbols.caps,
        **symbols.performances,
        **symbols.bundles,
    }


def _settling_edges(symbols, key: str) -> list[str]:
    """The lines a line reads when it is settled, beyond its expressions."""
    name = key.removeprefix("line:")
    payment = symbols.payments.get(name)
    if payment is None or payment.basis is None:
        return []
    basis = payment.basis
    if isinstance(basis, ast.EpisodeBasis):
        return [f"line:{basis.bundle}"]
    if isinstance(basis, ast.EventBasis) or (
        isinstance(basis, ast.SpanBasis) and basis.each.name == "day"
    ):
        return [f"line:{bundle}" for bundle in symbols.bundles]
    return []


def reads(checked, key: str, through_lines: bool, stop: frozenset = frozenset()) -> set[str]:
    """The keys `key` reads, directly or not. With `through_lines`, also through the
    lines it reads (`paid`, a cap's `applies to`, bundle coverage); without, only
    through functions, parameters, indicators and the bundle of an episode basis.
    Keys in `stop` are not followed (lines that will not be settled)."""
    seen: set[str] = set()
    todo = [key]
    while todo:
        for target in _targets(checked, todo.pop(), through_lines):
            if target not in seen and target not in stop:
                seen.add(target)
                todo.append(target)
    return seen


def _targets(checked, node: str, through_lines: bool) -> list[str]:
    targets = list(checked.facts.depends.get(node, {}))
    if not through_lines:
        targets = [t for t in targets if not t.startswith("line:")]
    if node.startswith("line:"):
        payment = checked.symbols.payments.get(node.removeprefix("line:"))
        episodes = payment is not None and isinstance(payment.basis, ast.EpisodeBasis)
        if through_lines or episodes:
            targets += _settling_edges(checked.symbols, node)
    return targets


def params_read(checked, key: str, through_lines: bool) -> list[str]:
    """Names of the parameters `key` reads (sorted)."""
    found = reads(checked, key, through_lines)
    return sorted(k.removeprefix("param:") for k in found if k.startswith("param:"))


def is_optional_param(decl: ast.Param, param_type: T.Type) -> bool:
    """An optional parameter: declared `T?` without a value (it may be left out)."""
    return decl.value is None and isinstance(param_type, T.Optional)
