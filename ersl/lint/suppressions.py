"""Inline suppressions: `# ersl: ignore[CODE, …] reason`.

- A comment on a line of its own suppresses the findings of the named codes that
  start on the next line holding code (blank lines and other comments are skipped,
  so a suppression may stand above a declaration's `##` documentation).
- A comment at the end of a line suppresses findings starting on that line.
- The reason is required: a suppression without one still suppresses, and is itself
  reported (L001). An unknown code or a malformed comment is reported (L002); a
  suppression that suppresses nothing is reported (L003) when its codes are enabled.

Suppression findings cannot themselves be suppressed (use `ignore` in pyproject.toml).
"""

from __future__ import annotations

import re

import attrs

from ersl import ast
from ersl.diagnostics import Diagnostic
from ersl.lint.framework import RULES, meta_rule

meta_rule("L001", "suppression-without-reason", "warning", "a suppression comment gives no reason")
meta_rule(
    "L002",
    "invalid-suppression",
    "warning",
    "a suppression comment is malformed or names an unknown code",
)
meta_rule("L003", "unused-suppression", "info", "a suppression comment suppresses nothing")

_COMMENT = re.compile(r"#\s*ersl:\s*ignore(?P<rest>.*)$")
_BRACKETS = re.compile(r"\[(?P<codes>[^\]]*)\](?P<reason>.*)$")
_CODE = re.compile(r"^[A-Z]+[0-9]+$")


@attrs.define
class Suppression:
    """One `# ersl: ignore[…]` comment and the line it applies to."""

    comment: ast.Comment
    codes: tuple[str, ...]
    reason: str
    target: int
    used: bool = False


def parse_suppressions(module: ast.Module, line_text) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions of `module`, and findings about malformed ones (L001, L002).

    `line_text(n)` gives line n of the module's source (None past the end).
    """
    comment_lines = {c.span.line for c in module.comments if c.own_line}
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for comment in module.comments:
        if comment.kind != "ignore":
            continue
        match = _COMMENT.match(comment.text)
        rest = match["rest"] if match else ""
        brackets = _BRACKETS.match(rest.strip())
        if brackets is None:
            problems.append(
                Diagnostic(
                    "L002",
                    "this suppression names no code: write `# ersl: ignore[CODE] reason`",
                    comment.span,
                    "warning",
                    help="name the finding's code, e.g. `# ersl: ignore[L201] volumes are "
                    "limited by the referral process`",
                )
            )
            continue
        codes = tuple(c.strip() for c in brackets["codes"].split(",") if c.strip())
        reason = brackets["reason"].strip()
        bad = [c for c in codes if c not in RULES or RULES[c].check is None]
        if not codes or bad:
            what = (
                "names no code"
                if not codes
                else f"names {'an unknown code' if len(bad) == 1 else 'unknown codes'} "
                + ", ".join(f"`{c}`" for c in bad)
            )
            hint = None
            if bad:
                from ersl.diagnostics import did_you_mean

                hint = did_you_mean(
                    bad[0].upper(), [c for c, r in RULES.items() if r.check is not None]
                )
            problems.append(
                Diagnostic(
                    "L002",
                    f"this suppression {what}",
                    comment.span,
                    "warning",
                    help=hint or "see `ersl lint --list-rules` for the codes",
                )
            )
            codes = tuple(c for c in codes if c not in bad)
            if not codes:
                continue
        if not reason:
            problems.append(
                Diagnostic(
                    "L001",
                    f"the suppression of {', '.join(codes)} gives no reason",
                    comment.span,
                    "warning",
                    help=f"say why the finding does not apply, e.g. `# ersl: ignore[{codes[0]}] "
                    "the region caps this volume in the framework agreement`",
                )
            )
        target = comment.span.line
        if comment.own_line:
            target += 1
            while True:
                text = line_text(target)
                if text is None or (text.strip() and target not in comment_lines):
                    break
                target += 1
        found.append(Suppression(comment, codes, reason, target))
    return found, problems


def apply_suppressions(
    findings: list[Diagnostic], suppressions: list[Suppression]
) -> list[Diagnostic]:
    """The findings no suppression covers; marks the suppressions that were used."""
    kept = []
    for finding in findings:
        covering = [
            s for s in suppressions if s.target == finding.span.line and finding.code in s.codes
        ]
        for s in covering:
            s.used = True
        if not covering:
            kept.append(finding)
    return kept


def unused(suppressions: list[Suppression], enabled) -> list[Diagnostic]:
    """L003 for suppressions that suppressed nothing although their codes ran."""
    result = []
    for s in suppressions:
        if not s.used and all(enabled(c) for c in s.codes):
            result.append(
                Diagnostic(
                    "L003",
                    f"nothing on line {s.target} is reported as {', '.join(s.codes)}; "
                    "this suppression is not needed",
                    s.comment.span,
                    "info",
                    help="remove the comment, or move it above the line with the finding",
                )
            )
    return result
