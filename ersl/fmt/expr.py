"""Expressions, types and literals for `ersl fmt` (see `ersl.fmt`).

Parentheses are printed only where precedence (SPEC §2) needs them; `and`/`or`
chains are groups that break before each operator, aligned under the first
operand, and `if … then … else` breaks before each `else` where a new line is
allowed (never in a list block outside parentheses); an `else if` chain always
breaks there, one branch per line.
"""

from __future__ import annotations

import re

import attrs

from ersl import ast
from ersl.fmt.comments import ChainTarget
from ersl.fmt.doc import BREAK_PARENT, HARD, LINE, Align, Doc, Group, Indent, LineSuffix

# Precedence levels, loosest first (SPEC §2 and grammar/ersl.lark).
IF, OTHERWISE, OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, POSTFIX, ATOM = range(1, 12)

BINARY = {
    "otherwise": OTHERWISE,
    "or": OR,
    "and": AND,
    "==": COMPARE,
    "!=": COMPARE,
    "<": COMPARE,
    "<=": COMPARE,
    ">": COMPARE,
    ">=": COMPARE,
    "in": COMPARE,
    "not in": COMPARE,
    "+": SUM,
    "-": SUM,
    "*": PRODUCT,
    "/": PRODUCT,
}

# Every word the grammar uses as a keyword; a name spelled like one is put in
# parentheses where the keyword could also be read (the anchor of `within … before`).
KEYWORDS = frozenset(
    """above after all amount and any applies at before better bonus bundle by cap check
    code codeset contract covers data dated each else enum episode event every excess exclude
    expect extend false for from function given if in includes indicator indicators is kind
    limit linear listed listing lower measure most none not numerator of or otherwise over
    param participant patient patients pay payee payment penalty per performance period
    population price property provider reconcile record reduce region reported rounding set
    settle span stdlib table test then to total trigger true under use valid version warranty
    weight when where within""".split()
)

_NUMBER_RE = re.compile(r"(-?)[ \t]*(\d[\d_]*(?:\.\d[\d_]*)?)[ \t]*(.*)")


def precedence(expr: object) -> int:
    """How tightly an expression binds (higher binds tighter)."""
    if isinstance(expr, ast.If):
        return IF
    if isinstance(expr, ast.Binary):
        return BINARY[expr.op]
    if isinstance(expr, ast.Unary):
        return NOT if expr.op == "not" else UNARY
    if isinstance(expr, ast.FieldAccess | ast.Call):
        return POSTFIX
    return ATOM


def chain_operands(expr: ast.Binary) -> list[object]:
    """The operands of a left-nested `and`/`or` chain: `a and b and c` -> [a, b, c]."""
    operands = []
    node: object = expr
    while isinstance(node, ast.Binary) and node.op == expr.op:
        operands.append(node.right)
        node = node.left
    operands.append(node)
    return operands[::-1]


def is_chain(expr: object) -> bool:
    """Whether an expression is an `and`/`or` chain."""
    return isinstance(expr, ast.Binary) and expr.op in ("and", "or")


def find_chains(node: object) -> list[list[object]]:
    """The outermost `and`/`or` chains inside a node, as operand lists in source order."""
    if is_chain(node):
        return [chain_operands(node)]
    found: list[list[object]] = []
    if isinstance(node, tuple | list):
        for item in node:
            found.extend(find_chains(item))
    elif isinstance(node, ast.Node):
        for field in attrs.fields(type(node)):
            if field.name == "span":
                continue
            value = getattr(node, field.name)
            if isinstance(value, ast.Node | tuple | list):
                found.extend(find_chains(value))
    return found


def chain_targets(node: object) -> list[ChainTarget]:
    """The operands of the outermost chains inside a node, as comment targets."""
    targets = []
    for operands in find_chains(node):
        last = len(operands) - 1
        for k, operand in enumerate(operands):
            targets.append(ChainTarget(operand, k > 0, k < last))
    targets.sort(key=lambda t: (t.expr.span.line, t.expr.span.column))
    return targets


def string(value: str) -> str:
    """A string literal: quotes, with `\\` and `"` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def number(node: ast.Number | ast.Quantity) -> str:
    """A number as written; a unit is separated from its number by one space."""
    if isinstance(node, ast.Number):
        return node.text
    match = _NUMBER_RE.fullmatch(node.text)
    assert match is not None, node.text
    return f"{match[1]}{match[2]} {node.unit}"


def type_text(node: object) -> str:
    """A type expression."""
    if isinstance(node, ast.NamedType):
        return node.name.name
    if isinstance(node, ast.RateType):
        return f"{node.base.name} per {node.per.name}"
    if isinstance(node, ast.DurationType):
        return f"{node.base.name} in {node.unit.name}"
    if isinstance(node, ast.SetType):
        return f"set of {type_text(node.element)}"
    if isinstance(node, ast.CodeType):
        return f"code {node.system.name}"
    if isinstance(node, ast.TableType):
        return f"table of {type_text(node.key)} -> {type_text(node.value)}"
    if isinstance(node, ast.OptionalType):
        return f"{type_text(node.inner)}?"
    raise TypeError(f"not a type: {node!r}")


def _leftmost(expr: object) -> object:
    """The first atom of an expression as printed (without parentheses)."""
    while True:
        if isinstance(expr, ast.Binary):
            expr = expr.left
        elif isinstance(expr, ast.FieldAccess):
            expr = expr.obj
        else:
            return expr


class ExprPrinter:
    """Prints expressions; `chain_comments` maps id(operand) to (leading, trailing) comments."""

    def __init__(self) -> None:
        self.chain_comments: dict[int, tuple[list[ast.Comment], ast.Comment | None]] = {}

    def expr(self, node: object, min_prec: int = IF, nl: bool = False) -> Doc:
        """An expression, parenthesised if it binds looser than `min_prec`.

        `nl` tells whether a new line is allowed here (not inside a list block
        unless within parentheses); breaks before `and`/`or` are always allowed.
        """
        if precedence(node) < min_prec:
            return ["(", self._expr(node, True), ")"]
        return self._expr(node, nl)

    def _expr(self, node: object, nl: bool) -> Doc:
        if isinstance(node, ast.Binary):
            if node.op in ("and", "or"):
                return self._chain(node, nl)
            if node.op in ("+", "-"):
                return self._sum(node, nl)
            level = BINARY[node.op]
            if level == COMPARE:
                left, right = SUM, SUM
            else:
                left, right = level, level + 1
            return [
                self.expr(node.left, left, nl),
                f" {node.op} ",
                self.expr(node.right, right, nl),
            ]
        if isinstance(node, ast.Unary):
            if node.op == "not":
                return ["not ", self.expr(node.operand, NOT, nl)]
            operand = self.expr(node.operand, UNARY, nl)
            # `- -x`, not `--x`: two minus signs read better apart.
            return ["- " if isinstance(node.operand, ast.Unary) else "-", operand]
        if isinstance(node, ast.If):
            return self._if(node, nl)
        if isinstance(node, ast.FieldAccess):
            return [self.expr(node.obj, POSTFIX, nl), ".", node.name.name]
        if isinstance(node, ast.Call):
            args: list[Doc] = []
            for i, arg in enumerate(node.args):
                if i:
                    args.append(", ")
                args.append(self._argument(arg))
            return [node.func.name, "(", args, ")"]
        if isinstance(node, ast.Name):
            return node.name
        if isinstance(node, ast.Number | ast.Quantity):
            return number(node)
        if isinstance(node, ast.DateLit):
            return node.value.isoformat()
        if isinstance(node, ast.MonthLit):
            return f"{node.year:04d}-{node.month:02d}"
        if isinstance(node, ast.StringLit):
            return string(node.value)
        if isinstance(node, ast.BoolLit):
            return "true" if node.value else "false"
        if isinstance(node, ast.NoneLit):
            return "none"
        if isinstance(node, ast.SetLit):
            items: list[Doc] = []
            for i, item in enumerate(node.items):
                if i:
                    items.append(", ")
                items.append(self.expr(item, IF, nl))
            return ["{", items, "}"]
        raise TypeError(f"not an expression: {node!r}")

    def _argument(self, arg: object) -> Doc:
        if isinstance(arg, ast.NamedArg):
            return [arg.name.name, ": ", self.expr(arg.value, IF, True)]
        if isinstance(arg, ast.ByArg):
            return ["by ", self.expr(arg.value, IF, True)]
        if isinstance(arg, ast.AggregateArg):
            collection = self.collection(arg.collection, True)
            if arg.value is None:
                return collection
            return [self.expr(arg.value, IF, True), " for ", collection]
        return self.expr(arg, IF, True)

    def _chain(self, node: ast.Binary, nl: bool, hang: bool = False) -> Doc:
        """`a and b and c`: breaks before each operator, aligned under the first operand.

        With `hang` (an `and` chain first in an `or` chain) the continuation lines
        are indented two more, so that `or` stands out from `and`.
        """
        level = OR if node.op == "or" else AND
        first: list[Doc] = []
        rest: list[Doc] = []
        forced = False
        for k, operand in enumerate(chain_operands(node)):
            lead, suffix = self.chain_comments.get(id(operand), ((), None))
            if k == 0 and node.op == "or" and is_chain(operand):
                doc = self._chain(operand, nl, hang=True)
            else:
                doc = self.expr(operand, level if k == 0 else level + 1, nl)
            parts = rest if k else first
            if k:
                parts.append(LINE)
                for comment in lead:
                    parts.extend([comment.text, HARD])
                    forced = True
                parts.extend([node.op, " ", doc])
            else:
                parts.append(doc)
            if suffix is not None:
                parts.append(LineSuffix(suffix.text))
                forced = True
        if forced:
            rest.append(BREAK_PARENT)
        return Group(Align([first, Indent(2, rest) if hang else rest]))

    def _sum(self, node: ast.Binary, nl: bool) -> Doc:
        """`a + b - c`: a group that breaks before each operator, under the first operand.

        In a list block a line cannot start with `-`, so there only `+` breaks.
        """
        terms: list[tuple[str, object]] = []
        left: object = node
        while isinstance(left, ast.Binary) and left.op in ("+", "-"):
            terms.append((left.op, left.right))
            left = left.left
        parts: list[Doc] = [self.expr(left, SUM, nl)]
        for op, term in reversed(terms):
            parts.extend([LINE if nl or op == "+" else " ", op, " ", self.expr(term, PRODUCT, nl)])
        return Group(Align(parts))

    def _if(self, node: ast.If, nl: bool) -> Doc:
        sep = LINE if nl else " "
        parts: list[Doc] = [
            "if ",
            self.expr(node.cond, IF, nl),
            " then ",
            self.expr(node.then, IF, nl),
        ]
        other = node.otherwise
        while isinstance(other, ast.If):
            parts.extend(
                [
                    sep,
                    "else if ",
                    self.expr(other.cond, IF, nl),
                    " then ",
                    self.expr(other.then, IF, nl),
                ]
            )
            other = other.otherwise
        parts.extend([sep, "else ", self.expr(other, IF, nl)])
        if not nl:
            return parts
        if isinstance(node.otherwise, ast.If):  # `else if` chains: one branch per line
            parts.append(BREAK_PARENT)
        return Group(Align(parts))

    # ------------------------------------------------------------ collections
    def where(self, cond: object | None, nl: bool) -> Doc:
        """` where C`, or nothing."""
        return [] if cond is None else [" where ", self.expr(cond, IF, nl)]

    def within(self, node: ast.Within | None, nl: bool) -> Doc:
        """`within N [before|after [X]]`, or nothing."""
        if node is None:
            return []
        parts: list[Doc] = ["within ", self.expr(node.length, IF, nl)]
        if node.direction is not None:
            parts.append(f" {node.direction}")
            if node.anchor is not None:
                first = _leftmost(node.anchor)
                keyword = isinstance(first, ast.Name) and first.name in KEYWORDS
                if keyword:
                    parts.extend([" (", self._expr(node.anchor, True), ")"])
                else:
                    parts.extend([" ", self.expr(node.anchor, IF, nl)])
        return parts

    def collection(self, node: object, nl: bool) -> Doc:
        """`listed patients p at q …` or `Visit v …` (aggregates and populations)."""
        if isinstance(node, ast.ListedCollection):
            head: Doc = ["listed patients ", node.var.name, " at ", self.expr(node.at, POSTFIX, nl)]
        else:
            head = [node.type.name, " ", node.var.name]
        if node.where is None and node.within is None:
            return head
        # A collection that does not fit breaks before `where` and `within`, under its start.
        parts: list[Doc] = [head]
        if node.where is not None:
            parts.extend([LINE, "where ", self.expr(node.where, IF, nl)])
        if node.within is not None:
            parts.extend([LINE, self.within(node.within, nl)])
        return Group(Align(parts))
