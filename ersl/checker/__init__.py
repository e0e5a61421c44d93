"""The checker: resolve names, type-check, find cycles (SPEC §3–§4).

`check(loaded)` turns a loaded contract (`ersl.loader.Loaded`) into a
`CheckedContract` — the symbols plus what the checker learned about every
expression — or raises `ErslError` with every problem found.
"""

from __future__ import annotations

import os

import attrs

from ersl import ast
from ersl import types as T
from ersl.checker.builtins import BUILTINS
from ersl.checker.contract_tests import ContractTestChecker
from ersl.checker.declarations import DeclarationChecker
from ersl.checker.expressions import ExpressionChecker, Facts
from ersl.checker.symbols import SymbolBuilder, Symbols
from ersl.diagnostics import Diagnostic, Note
from ersl.errors import ErslError
from ersl.loader import Loaded, load


@attrs.define
class CheckedContract:
    """A contract that passed the checker: what the interpreter and tools work from."""

    loaded: Loaded
    symbols: Symbols
    facts: Facts

    @property
    def root(self) -> ast.Module:
        """The module of the file that was checked."""
        return self.loaded.root


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(diagnostics))
    return sorted(unique, key=lambda d: (d.span.file, d.span.line, d.span.column, d.code))


def _cycles(facts: Facts, errors: list[Diagnostic]) -> None:
    """Report cyclic definitions (functions, parameters) and `paid` cycles between lines."""
    graph = facts.depends
    state: dict[str, int] = {}
    reported: set[frozenset] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target, span in graph.get(node, {}).items():
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target] if target in path else [node, target]
                key = frozenset(cycle)
                if key in reported:
                    continue
                reported.add(key)
                names = " → ".join(_show(k) for k in cycle)
                # only `paid(…)` and a cap's `applies to` lead into a line
                is_paid = any(k.startswith("line:") for k in cycle)
                errors.append(
                    Diagnostic(
                        "E0601" if is_paid else "E0600",
                        f"{'`paid` cycle' if is_paid else 'cyclic definition'}: {names}",
                        span,
                        help="a line cannot depend on itself through `paid`; break the cycle"
                        if is_paid
                        else "functions and parameters cannot be defined in terms of themselves",
                    )
                )
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def _has_error(t: T.Type) -> bool:
    match t:
        case T.ErrorT():
            return True
        case T.Optional(inner=inner) | T.SetT(element=inner):
            return _has_error(inner)
        case T.TableT(key=key, value=value):
            return _has_error(key) or _has_error(value)
    return False


def _infer_again(symbols, decls: DeclarationChecker) -> None:
    """Infer untyped parameters that use parameters declared after them.

    The first pass sees such a later parameter as an (already reported, so
    silent) error; infer again until nothing changes. Diagnostics found twice
    are the same value and are reported once (`_sorted`).
    """
    for _ in range(len(symbols.params)):
        changed = False
        for name, param in symbols.params.items():
            if param.type is None and param.value is not None:
                if _has_error(symbols.param_types[name]):
                    t = decls.param_type(param)
                    changed |= t != symbols.param_types[name]
                    symbols.param_types[name] = t
        if not changed:
            return


def _show(key: str) -> str:
    kind, _, name = key.partition(":")
    return f'"{name}"' if kind in ("line", "indicator") else name


@attrs.define
class Analysis:
    """What the checker learned about a contract, valid or not (for editors).

    `checked` is complete when `diagnostics` is empty; otherwise its symbols and facts
    cover what could be resolved, which is enough for hover and navigation.
    """

    checked: CheckedContract
    diagnostics: list[Diagnostic]


def check(loaded: Loaded) -> CheckedContract:
    """Check a loaded contract; raise `ErslError` with all diagnostics if it is invalid."""
    analysis = analyse(loaded)
    if analysis.diagnostics:
        raise ErslError(analysis.diagnostics, loaded.sources)
    return analysis.checked


def analyse(loaded: Loaded) -> Analysis:
    """Check a loaded contract and return what was learned with every diagnostic; never raises
    `ErslError` (the language server shows the diagnostics and still answers hovers)."""
    builder = SymbolBuilder()
    for module in loaded.modules:
        builder.add_module(module, module is loaded.root)
    symbols = builder.finish()
    errors = builder.errors
    facts = Facts()
    exprs = ExpressionChecker(symbols, facts, errors)
    decls = DeclarationChecker(builder, exprs)
    # Function signatures first: an untyped parameter's value may call a function.
    for name, function in symbols.functions.items():
        params = tuple(builder.resolve_type(p.type) for p in function.params)
        symbols.function_types[name] = (params, builder.resolve_type(function.result))
    for name, param in symbols.params.items():
        symbols.param_types[name] = decls.param_type(param)
    _infer_again(symbols, decls)
    decls.contract(symbols.contract)
    for param in symbols.params.values():
        decls.param(param)
    for function in symbols.functions.values():
        decls.function(function)
    for payment in symbols.payments.values():
        decls.payment(payment)
    for cap in symbols.caps.values():
        decls.cap(cap)
    for indicator in symbols.indicators.values():
        decls.indicator(indicator)
    for performance in symbols.performances.values():
        decls.performance(performance)
    for bundle in symbols.bundles.values():
        decls.bundle(bundle)
    tests = ContractTestChecker(decls)
    for test in symbols.tests:
        tests.test(test)
    for prop in symbols.properties:
        tests.property(prop)
    _cycles(facts, errors)
    return Analysis(CheckedContract(loaded, symbols, facts), _sorted(errors))


def fields_of(symbols: Symbols, t: T.Type) -> dict[str, T.Type] | None:
    """The fields of values of type `t` (a record, event, span or episode), or None.

    What `.` after such a value may name; the language server completes from it.
    """
    return ExpressionChecker(symbols, Facts(), []).fields_of(t)


def check_file(
    path: str | os.PathLike, text: str | None = None, root: str | os.PathLike | None = None
) -> CheckedContract:
    """Load and check one file (and its imports, which stay inside `root`: see `load`)."""
    return check(load(path, text, root=root))


__all__ = [
    "BUILTINS",
    "Analysis",
    "CheckedContract",
    "analyse",
    "check",
    "check_file",
    "fields_of",
    "Note",
    "T",
]
