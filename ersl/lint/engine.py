"""Running the rules over one checked contract: select, check, set severities, suppress."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from ersl.diagnostics import Diagnostic, SourceCache
from ersl.lint.config import LintConfig, config_for
from ersl.lint.framework import RULES, LintContext
from ersl.lint.suppressions import apply_suppressions, parse_suppressions, unused


@attrs.define
class LintResult:
    """The findings for one linted file, and the sources to quote them from."""

    path: str
    findings: list[Diagnostic]
    sources: SourceCache
    config: LintConfig


def lint(checked, config: LintConfig | None = None) -> list[Diagnostic]:
    """Every finding for the root file of a checked contract, sorted by place."""
    config = config or LintConfig()
    ctx = LintContext(checked, config)
    findings: list[Diagnostic] = []
    for code in sorted(RULES):
        rule = RULES[code]
        if rule.check is None or not config.enabled(code):
            continue
        severity = config.severity_of(code)
        for found in rule.check(ctx):
            if found.span.file != ctx.path:
                continue  # rules report on the linted file only
            findings.append(
                Diagnostic(code, found.message, found.span, severity, found.help, found.notes)
            )
    sources = checked.loaded.sources
    suppressions, problems = parse_suppressions(ctx.root, lambda n: sources.line(ctx.path, n))
    findings = apply_suppressions(findings, suppressions)
    meta = problems + unused(suppressions, config.enabled)
    findings += [
        attrs.evolve(d, severity=config.severity_of(d.code)) for d in meta if config.enabled(d.code)
    ]
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda d: (d.span.line, d.span.column, d.code, d.message))


def lint_file(
    path: str | os.PathLike, config: LintConfig | None = None, text: str | None = None
) -> LintResult:
    """Check and lint one file; raise `ErslError` if it does not check.

    Without `config`, the nearest `[tool.ersl.lint]` is used (see `ersl.lint.config`).
    """
    from ersl.checker import check_file

    checked = check_file(path, text)
    if config is None:
        config = config_for(Path(path))
    return LintResult(checked.root.path, lint(checked, config), checked.loaded.sources, config)
