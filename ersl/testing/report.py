"""The failure text of a test (shared by `ersl test` and the pytest plugin), and the
pytest-like session report of `ersl test`: progress, failures, short summary and
the final `N passed, M failed` line."""

from __future__ import annotations

from ersl.diagnostics import Diagnostic, SourceCache, _paint, render
from ersl.testing.expectations import Mismatch, show_amount, show_difference
from ersl.testing.model import ERROR, FAILED, PASSED, Outcome, TestCase


def _excerpt(span, sources: SourceCache, colour: bool) -> list[str]:
    """The quoted source line with a caret, from the one diagnostics renderer."""
    text = render(Diagnostic("", "", span), sources, colour)
    return text.splitlines()[1:]


def title(case: TestCase) -> str:
    """`test "name"` or `property "name"`."""
    return f'{case.kind} "{case.name}"'


def indent(text: str, by: str = "    ") -> str:
    """Every line of `text` indented."""
    return "\n".join(by + line if line else line for line in text.splitlines())


def mismatch_text(m: Mismatch, sources: SourceCache, colour: bool) -> str:
    """One failed expectation: where, the expected and actual amounts, how it was computed."""
    where = f"{m.span.file}:{m.span.line}:{m.span.column}: " if m.span is not None else ""
    out = [f"{where}{_paint(m.what, '31', colour)}"]
    if m.span is not None:
        out += _excerpt(m.span, sources, colour)
    out.append(f"  expected: {show_amount(m.expected)}")
    out.append(f"  actual:   {show_amount(m.actual)}")
    if m.note:
        out.append(indent(m.note, "  "))
    if m.explanations:
        out.append("  how the actual amount was computed:")
        out += [indent(text) for text in m.explanations]
    return "\n".join(out)


def one_line(m: Mismatch) -> str:
    """`VC1 "Name" 2022-03: expected 300.00 kr, actual 200.00 kr`."""
    return f"{m.what}: expected {show_amount(m.expected)}, actual {show_amount(m.actual)}"


def diff_line(m: Mismatch) -> str:
    """`VC1 "Name" 2022-03: expected 300.00 kr, actual 200.00 kr, difference -100.00 kr`."""
    return f"{one_line(m)}, {show_difference(m)}"


def failure_text(
    case: TestCase, mismatches: list[Mismatch], sources: SourceCache, colour: bool = False
) -> str:
    """The failure text of a test whose expectations do not hold: the short diff of every
    expectation first (expected, actual, difference), then each one in detail."""
    parts = [diff_line(m) for m in mismatches]
    if len(mismatches) > 1:
        more = len(mismatches) - 1
        parts[0] += f" (and {more} more expectation{'s' if more > 1 else ''} not met)"
    parts.append("")
    parts += [mismatch_text(m, sources, colour) + "\n" for m in mismatches]
    return "\n".join(parts).rstrip() + "\n"


def error_text(case: TestCase, error, colour: bool = False) -> str:
    """The failure text of a test that could not run (invalid data, run-time error)."""
    import attrs

    from ersl.errors import ErslError

    diagnostics = [
        attrs.evolve(d, help=f"give it in the {case.kind}: `param {_param_name(d)} = …`")
        if d.code == "E0901"
        else d
        for d in error.diagnostics
    ]
    error = ErslError(diagnostics, error.sources)
    first = diagnostics[0].message if diagnostics else "error"
    return f"{title(case)} could not run: {first}\n\n{error.render(colour=colour)}\n"


def _param_name(diagnostic) -> str:
    message = diagnostic.message
    return message.split("`")[1] if message.count("`") >= 2 else "…"


# ---------------------------------------------------------------------- session report


def counts(outcomes: list[Outcome], file_errors: int = 0) -> dict[str, int]:
    """How many passed, failed and errored (files that did not load are errors)."""
    result = {PASSED: 0, FAILED: 0, ERROR: file_errors}
    for outcome in outcomes:
        result[outcome.status] += 1
    return result


def summary_line(
    outcomes: list[Outcome], file_errors: int = 0, seconds: float | None = None
) -> str:
    """`3 passed, 1 failed in 0.42s` (`, 1 error` when a test file did not load)."""
    n = counts(outcomes, file_errors)
    text = f"{n[PASSED]} passed, {n[FAILED]} failed"
    if n[ERROR]:
        text += f", {n[ERROR]} error{'s' if n[ERROR] != 1 else ''}"
    if seconds is not None:
        text += f" in {seconds:.2f}s"
    return text


def rule(title_text: str, char: str = "=", width: int = 80) -> str:
    """`===== title =====` centred in `width`."""
    title_text = f" {title_text} "
    left = max((width - len(title_text)) // 2, 3)
    right = max(width - len(title_text) - left, 3)
    return char * left + title_text + char * right


__all__ = ["error_text", "failure_text", "mismatch_text", "summary_line"]
