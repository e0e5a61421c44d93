"""The Transformer from Lark's parse tree to the ERSL AST (`ersl.ast`).

One method per grammar rule (or alias), grouped by area in the classes
`ToAst` is assembled from: declarations (`transform_declarations`), settlement
blocks (`transform_blocks`), tests and properties (`transform_tests`) and
expressions (`transform_expressions`); what they share is in `transform_base`.
Problems that the grammar cannot express — a clause given twice, an impossible
date like 2022-02-30 — are collected as diagnostics rather than raised, so one
parse reports them all.
"""

from __future__ import annotations

from lark import v_args

from ersl.syntax.transform_base import Clause, present, unescape
from ersl.syntax.transform_blocks import BlockRules
from ersl.syntax.transform_declarations import DeclarationRules
from ersl.syntax.transform_expressions import ExpressionRules
from ersl.syntax.transform_tests import ContractTestRules

__all__ = ["Clause", "ToAst", "unescape"]


@v_args(meta=True)
class ToAst(DeclarationRules, BlockRules, ContractTestRules, ExpressionRules):
    """Transforms the parse tree of one file into an `ast.Module`."""

    def start(self, meta, children):
        return list(present(children))
