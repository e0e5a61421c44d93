"""`ersl lint`: find defects and risky incentives in a contract (SPEC §7, Lint).

    from ersl.lint import lint_file
    result = lint_file("contract.ersl")          # raises ErslError if it does not check
    for finding in result.findings:              # ersl.diagnostics.Diagnostic
        print(finding.code, finding.severity, finding.message)

Layout: `framework` (rules, context), `rules/` (one module per rule or group),
`tables` (gap/overlap analysis), `conditions` (can a condition hold?), `estimate`
(bounds on amounts, the contract's yearly total), `config` (`[tool.ersl.lint]`),
`suppressions` (`# ersl: ignore[CODE] reason`), `engine` (running the rules),
`output` (text, json, sarif, github), `docs` (the rule pages shipped in the package).
"""

from __future__ import annotations

from ersl.lint import rules as _rules  # noqa: F401 - registers every rule
from ersl.lint import suppressions as _suppressions  # noqa: F401 - registers L001-L003
from ersl.lint.config import ConfigError, LintConfig, config_for, load_config
from ersl.lint.engine import LintResult, lint, lint_file
from ersl.lint.framework import RULES, Finding, LintContext, Rule, rule

__all__ = [
    "RULES",
    "ConfigError",
    "Finding",
    "LintConfig",
    "LintContext",
    "LintResult",
    "Rule",
    "config_for",
    "lint",
    "lint_file",
    "load_config",
    "rule",
]
