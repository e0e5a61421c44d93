"""Which parameters a settlement needs, and which lines it cannot pay without them.

- A **required** parameter (declared without a value) is demanded only when a line
  settled in the run reads it (directly, through functions, parameters, indicators,
  `paid`, a cap's `applies to` or bundle coverage): running without it is then an
  error naming the parameter and the line (E0901).
- An **optional** parameter (declared `T?` without a value) may be left out. A line
  that reads one that was not given is not settled at all; the statement carries a
  notice saying so (`ersl.statement.Notice`), in every output format.
"""

from __future__ import annotations

from ersl import ast
from ersl.checker.dependencies import is_optional_param, line_decls, reads
from ersl.dates import Period
from ersl.diagnostics import Diagnostic
from ersl.errors import ErslError
from ersl.interpreter.units import line_periods, run_range, valid_range

_KINDS = {
    ast.Payment: "payment",
    ast.Cap: "cap",
    ast.Performance: "performance",
    ast.Bundle: "bundle",
}


def _settled(settler, decl: ast.Node, period: Period) -> bool:
    """Whether the run settles any of `decl`'s lines (its line periods for caps,
    performance and provider bases; otherwise any day of the run)."""
    contract = settler.run.contract
    valid = valid_range(contract.valid if contract else None, decl.valid)
    if valid is None:
        return False
    each = None
    if isinstance(decl, (ast.Cap, ast.Performance)):
        each = (decl.each.name if decl.each else None) or settler.reconcile_unit
    elif isinstance(decl, ast.Payment) and isinstance(decl.basis, ast.ProviderBasis):
        each = decl.basis.each.name
    if each is not None:
        return bool(line_periods(each, valid, period))
    return run_range(valid, period) is not None


def _absent(run, name: str) -> bool:
    return name not in run.overrides and run.symbols.params[name].value is None


def unsettled_lines(settler, period: Period) -> dict[str, tuple[str, str, tuple, str]]:
    """Lines settled in the run that read an optional parameter that was not given:
    name → (name, kind, the parameters, source) — the fields of a statement notice."""
    run = settler.run
    symbols = run.symbols
    absent_optional = {
        name
        for name, decl in symbols.params.items()
        if _absent(run, name) and is_optional_param(decl, symbols.param_types.get(name))
    }
    notices: dict[str, tuple[str, str, tuple, str]] = {}
    if not absent_optional:
        return notices
    for name, decl in line_decls(symbols).items():
        if not _settled(settler, decl, period):
            continue
        found = {k.removeprefix("param:") for k in reads(run.checked, f"line:{name}", False)}
        missing = sorted(found & absent_optional)
        if missing:
            kind = _KINDS[type(decl)]
            notices[name] = (name, kind, tuple(missing), run.source(decl.span))
    return notices


def check_required(settler, period: Period, unsettled: dict) -> None:
    """E0901 for every required parameter without a value that a line settled in the
    run reads (lines left unsettled for a missing optional parameter read nothing)."""
    run = settler.run
    symbols = run.symbols
    missing = {
        name
        for name, decl in symbols.params.items()
        if _absent(run, name) and not is_optional_param(decl, symbols.param_types.get(name))
    }
    if not missing:
        return
    needed: dict[str, str] = {}
    stop = frozenset(f"line:{name}" for name in unsettled)
    for name, decl in line_decls(symbols).items():
        if name in unsettled or not _settled(settler, decl, period):
            continue
        for key in sorted(reads(run.checked, f"line:{name}", True, stop)):
            param = key.removeprefix("param:")
            if key.startswith("param:") and param in missing and param not in needed:
                needed[param] = f'{_KINDS[type(decl)]} "{name}"'
    if needed:
        raise ErslError(
            [
                Diagnostic(
                    "E0901",
                    f"the parameter `{param}` has no value; {reader} reads it in {period.label}",
                    symbols.params[param].span,
                    help=f"give it on the command line: --param {param}=…",
                )
                for param, reader in sorted(needed.items())
            ],
            run.checked.loaded.sources,
        )
