"""Output formats of `ersl lint`: text, json, sarif (2.1.0) and github (workflow commands).

Every format takes the lint results (one per file) and the errors of files that could
not be checked (their checker diagnostics are reported in the same format).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ersl.diagnostics import Diagnostic, SourceCache, render_all
from ersl.lint.framework import RULES
from ersl.version import HOMEPAGE, __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _all(results, errors) -> list[Diagnostic]:
    return [d for d, _ in _with_sources(results, errors)]


def _with_sources(results, errors) -> list[tuple[Diagnostic, SourceCache]]:
    """Every finding, then every error of a file that does not check, with its sources."""
    found = [(d, r.sources) for r in results for d in r.findings]
    found += [(d, e.sources) for e in errors for d in e.diagnostics]
    return found


def summary(results, errors) -> str:
    """One line: how many findings of each severity, in how many files."""
    findings = [d for r in results for d in r.findings]
    files = len(results) + len(errors)
    plural = "s" if files != 1 else ""
    parts = []
    if errors:
        parts.append(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be checked")
    if not findings:
        head = f"ok: no findings in {files} file{plural}" if not errors else ""
        return "; ".join([p for p in [head] if p] + parts)
    counts = {s: sum(1 for d in findings if d.severity == s) for s in ("error", "warning", "info")}
    words = {
        "error": ("error", "errors"),
        "warning": ("warning", "warnings"),
        "info": ("info", "info"),
    }
    detail = ", ".join(
        f"{n} {words[s][0] if n == 1 else words[s][1]}" for s, n in counts.items() if n
    )
    line = f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({detail}) in {files} file{plural}"
    return "; ".join([line] + parts)


def text(results, errors, colour: bool = False) -> str:
    """The shared diagnostics renderer, file by file, then a summary line."""
    blocks = []
    for error in errors:
        blocks.append(error.render(colour=colour))
    for result in results:
        if result.findings:
            blocks.append(render_all(result.findings, result.sources, colour))
    blocks.append(summary(results, errors))
    return "\n\n".join(blocks)


def to_dict(diagnostic: Diagnostic) -> dict:
    """A finding as JSON: the diagnostic's fields plus the rule's name and category."""
    item = diagnostic.to_dict()
    rule = RULES.get(diagnostic.code)
    item["rule"] = rule.name if rule else None
    item["category"] = rule.category if rule else None
    return item


def json_format(results, errors) -> str:
    """A JSON list of findings (code, severity, message, file, line, column, end_line, …)."""
    return json.dumps([to_dict(d) for d in _all(results, errors)], ensure_ascii=False, indent=2)


def help_uri(code: str, config) -> str:
    """The help page of a rule: the configured `help-uri` template, else the packaged page."""
    template = getattr(config, "help_uri", None)
    if template:
        return template.replace("{code}", code)
    from ersl.lint.docs import page_path

    return page_path(code).resolve().as_uri()


def _descriptor(rule, config) -> dict:
    from ersl.lint.docs import page

    text = page(rule.code) or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(text) or rule.summary},
        "helpUri": help_uri(rule.code, config),
        "help": {"text": text, "markdown": text},
        "defaultConfiguration": {
            "level": SARIF_LEVEL[config.severity_of(rule.code) if config else rule.severity],
            "enabled": config.enabled(rule.code) if config else True,
        },
        "properties": {
            "category": rule.category,
            "tags": [rule.category],
            "sources": list(rule.sources),
        },
    }


def _first_paragraph(markdown: str) -> str:
    """The first paragraph of the page's `## What` section, on one line."""
    what = markdown.split("\n## What\n", 1)
    body = what[1] if len(what) == 2 else markdown
    for paragraph in body.split("\n\n"):
        paragraph = paragraph.strip()
        if paragraph and not paragraph.startswith(("#", "```")):
            return " ".join(paragraph.split())
    return ""


def _uri(file: str) -> str:
    """A relative path as a percent-encoded relative URI; an absolute one as a file URI."""
    from urllib.parse import quote

    path = Path(file)
    return quote(path.as_posix()) if not path.is_absolute() else path.as_uri()


def _region(d: Diagnostic) -> dict | None:
    span = d.span
    if span.line <= 0:
        return None
    region = {"startLine": span.line, "startColumn": max(span.column, 1)}
    if span.end_line >= span.line:
        region["endLine"] = span.end_line
        if span.end_column > 0 and (span.end_line > span.line or span.end_column > span.column):
            region["endColumn"] = span.end_column
    return region


def _location(span_holder, message: str | None = None) -> dict:
    artifact = {"uri": _uri(span_holder.span.file)}
    if not Path(span_holder.span.file).is_absolute():
        artifact["uriBaseId"] = "SRCROOT"
    location = {"physicalLocation": {"artifactLocation": artifact}}
    region = _region(span_holder)
    if region is not None:
        location["physicalLocation"]["region"] = region
    if message:
        location["message"] = {"text": message}
    return location


def _checker_descriptor(code: str) -> dict:
    """A rule entry for an error of a file that does not check (syntax, names, types)."""
    from ersl.checker.codes import title

    heading = title(code) or "ERSL error"
    page = "errors" if code.startswith("E01") else "checker-errors"
    anchor = re.sub(r"[^\w\- ]", "", f"{code} — {heading}".lower()).replace(" ", "-")
    return {
        "id": code,
        "name": "checker-error",
        "shortDescription": {"text": f"{heading} ({code})"},
        "fullDescription": {
            "text": f"{code}: {heading}. The file does not pass `ersl check`, so it is not "
            "linted; fix this error first."
        },
        "helpUri": f"{HOMEPAGE}/blob/main/docs/{page}.md#{anchor}",
        "defaultConfiguration": {"level": "error", "enabled": True},
        "properties": {"category": "checker", "tags": ["checker"]},
    }


def line_hash(code: str, text: str) -> str:
    """A fingerprint of a finding from its rule and its line's text (spaces removed), so
    that it stays the same when lines above it are added or removed."""
    digest = hashlib.sha256(f"{code}\0{''.join(text.split())}".encode()).hexdigest()
    return digest[:16]


def sarif(results, errors, config=None) -> str:
    """SARIF 2.1.0: one run; every lint rule described (with its help page) and a rule
    entry for each checker error found; one result per finding, with its place and a
    `primaryLocationLineHash` fingerprint (`HASH:N`, N counting equal lines of a file)."""
    rules = [RULES[code] for code in sorted(RULES)]
    descriptors = [_descriptor(rule, config) for rule in rules]
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_results = []
    seen: dict[tuple[str, str], int] = {}
    for d, sources in _with_sources(results, errors):
        if d.code not in index:
            index[d.code] = len(descriptors)
            descriptors.append(_checker_descriptor(d.code))
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        key = (d.span.file, line_hash(d.code, sources.line(d.span.file, d.span.line) or ""))
        seen[key] = seen.get(key, 0) + 1
        item = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL.get(d.severity, "error"),
            "message": {"text": message},
            "locations": [_location(d)],
            "partialFingerprints": {"primaryLocationLineHash": f"{key[1]}:{seen[key]}"},
        }
        if d.notes:
            item["relatedLocations"] = [
                dict(_location(n, n.message), id=i + 1) for i, n in enumerate(d.notes)
            ]
        sarif_results.append(item)
    root = Path.cwd().resolve().as_uri() + "/"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ersl-lint",
                        "fullName": "ERSL tender linter (ersl lint)",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(results, errors) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`."""
    lines = []
    for d in _all(results, errors):
        span = d.span
        props = [f"file={_escape_property(span.file)}"]
        if span.line > 0:
            props.append(f"line={span.line}")
            props.append(f"endLine={max(span.end_line, span.line)}")
            props.append(f"col={max(span.column, 1)}")
            if span.end_line == span.line and span.end_column > span.column:
                props.append(f"endColumn={span.end_column}")
        rule = RULES.get(d.code)
        title = f"{d.code} {rule.name}" if rule else d.code
        props.append(f"title={_escape_property(title)}")
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        lines.append(
            f"::{GITHUB_LEVEL.get(d.severity, 'error')} {','.join(props)}::{_escape_data(message)}"
        )
    return "\n".join(lines)


def render(kind: str, results, errors, config=None, colour: bool = False) -> str:
    """The report in format `kind` (text, json, sarif, github)."""
    if kind == "json":
        return json_format(results, errors)
    if kind == "sarif":
        return sarif(results, errors, config)
    if kind == "github":
        return github(results, errors)
    return text(results, errors, colour)


__all__ = ["render", "summary", "SourceCache"]
