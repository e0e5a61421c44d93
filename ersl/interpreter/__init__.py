"""The interpreter: settle a checked contract against event data (SPEC §3–§6).

Layout: `values` (run-time values and literal units), `arithmetic` (exact
operations on them), `evaluate` (expressions over a unit's bindings),
`builtins` (built-in functions), `units` (iterating the units of each basis),
`bundles` (episodes and coverage), `settle` (lines, caps, performance,
rounding, statements), `explain` (how a line was computed).
"""
