"""The columnar engine (issue 14): a checked contract's payments compiled into DuckDB
queries over the run's data, exact on integer numerators (HUGEINT) over denominators
fixed at compile time.

The unit-by-unit interpreter stays the reference: a payment the compiler does not
handle (`NotCompiled`), or whose query meets a problem the reference reports (a none
operand, a key in no band, an overflow), is settled by the interpreter's batch path
instead. This package knows nothing of the interpreter: the interpreter's bridge
(`ersl.interpreter.engine`) hands it parameter values and literals as the neutral
values of `ersl.columnar.values` and turns its line totals into statement lines.

Modules: `values` (constants, `NotCompiled`), `store` (the run's data as DuckDB
tables), `expr` (expressions → SQL), `plan` (payments → line totals).
"""

from ersl.columnar.plan import ColumnarEngine, LineTotal, PaymentPlan
from ersl.columnar.values import Band, BandTable, Mapping, NotCompiled, Rate

__all__ = [
    "Band",
    "BandTable",
    "ColumnarEngine",
    "LineTotal",
    "Mapping",
    "NotCompiled",
    "PaymentPlan",
    "Rate",
]
