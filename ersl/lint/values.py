"""Constant values of expressions, as written in the contract.

`constants(expr, symbols)` gives every value a constant expression can have: a literal,
a parameter with a written value (each entry of a `dated` value), or arithmetic of
those. Percentages are fractions (33 % → 33/100), money is in kr. Used by rules that
judge figures (percent ranges, `linear` levels, cap shares). A parameter given on the
command line replaces its written value at run time; the linter judges what the
tender says.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from ersl import ast
from ersl.interpreter.values import quantity_value

LIMIT = 16
"""At most this many alternative values are followed (dated parameters multiply)."""


def constants(node: ast.Expr | None, symbols, depth: int = 0) -> list[Fraction] | None:
    """Every value `node` can have, or None if it is not a constant expression."""
    if node is None or depth > 8:
        return None
    match node:
        case ast.Number(value=value):
            return [Fraction(value)]
        case ast.Quantity():
            value = quantity_value(node)
            return [Fraction(value)] if isinstance(value, Fraction | int) else None
        case ast.Unary(op="-", operand=operand):
            inner = constants(operand, symbols, depth + 1)
            return None if inner is None else [-v for v in inner]
        case ast.Name(name=name):
            param = symbols.params.get(name) if symbols is not None else None
            if param is None or param.value is None:
                return None
            if isinstance(param.value, ast.DatedValue):
                values: list[Fraction] = []
                for entry in param.value.entries:
                    if isinstance(entry.value, ast.TableValue):
                        return None
                    more = constants(entry.value, symbols, depth + 1)
                    if more is None:
                        return None
                    values += more
                return _unique(values)
            if isinstance(param.value, ast.TableValue):
                return None
            return constants(param.value, symbols, depth + 1)
        case ast.Binary(op="+" | "-" | "*" | "/", left=left, right=right):
            a = constants(left, symbols, depth + 1)
            b = constants(right, symbols, depth + 1)
            if a is None or b is None or len(a) * len(b) > LIMIT:
                return None
            result = []
            for x, y in product(a, b):
                if node.op == "/" and y == 0:
                    return None
                result.append({"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else 0}[node.op])
            return _unique(result)
    return None


def via_parameter(node: ast.Expr) -> str | None:
    """The parameter a value is read from, for messages (`marginal_share`)."""
    return node.name if isinstance(node, ast.Name) else None


def _unique(values: list[Fraction]) -> list[Fraction]:
    return list(dict.fromkeys(values))
