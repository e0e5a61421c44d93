"""The engines that settle a contract, and which one settles by default.

`columnar` compiles what it can of each payment into DuckDB queries and settles the
rest on the reference path; `reference` is the unit-by-unit interpreter with its
batches, the oracle the columnar engine is tested against (docs/engine.md). Both
give the same statement, byte for byte.
"""

COLUMNAR = "columnar"
REFERENCE = "reference"
ENGINES = (COLUMNAR, REFERENCE)
DEFAULT_ENGINE = COLUMNAR
