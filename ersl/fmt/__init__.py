"""`ersl fmt`: print an ERSL file in its one canonical layout (SPEC §7, docs/fmt.md).

The package's modules, lowest first: :mod:`ersl.fmt.doc` (the document algebra
and its renderer), :mod:`ersl.fmt.comments` (placing comments),
:mod:`ersl.fmt.expr` (expressions and types), :mod:`ersl.fmt.clauses` (the
clauses of block declarations) and :mod:`ersl.fmt.printer` (declarations and
whole files).
"""

from ersl.fmt.printer import format_source

__all__ = ["format_source"]
