"""`ersl lint` over the repository's own contracts: `stdlib_rules/` and `examples/` have no
error-level finding, and every warning is fixed or suppressed with a reason."""

from __future__ import annotations

import pytest
from conftest import REPO, repo_ersl_files

from ersl.lint import LintConfig, lint_file

FILES = repo_ersl_files()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_errors_or_warnings(path):
    findings = lint_file(path, LintConfig()).findings
    loud = [f for f in findings if f.severity in ("error", "warning")]
    assert loud == [], "\n".join(f"{f.span}: {f.severity}[{f.code}]: {f.message}" for f in loud)
