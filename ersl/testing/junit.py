"""JUnit XML and JSON reports of an `ersl test` session.

JUnit: one `<testsuite name="ersl">` with one `<testcase>` per `test` or
`property` block (`classname` = the test file's path with `/` → `.` and the
`.ersl` suffix dropped, `name` = the block's name, `time`), whose
`<system-out>` is the block's place (`path:line`). A failure has
`<failure type="failure" message="first line">full failure text</failure>`; a
test file that does not load or check, and an internal error, is a `<failure
type="error">` (counted in the suite's `errors`). The document is valid against
Jenkins' `junit-10.xsd` (the strict one pytest's own output is tested against,
`tests/schemas/`): it allows no `file` or `line` attribute on a test case and no
`<error>` element.

JSON (`ersl.test-report/1`): the summary counts, one object per test
(file, line, name, kind, outcome, duration, message), the files that did not
load, and the coverage when asked for.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from ersl.testing.model import ERROR, FAILED, PASSED

FORMAT = "ersl.test-report/1"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plain(text: str) -> str:
    """Text without terminal colours."""
    return _ANSI.sub("", text)


def _classname(display: str) -> str:
    name = display.removesuffix(".ersl").lstrip("./")
    return name.replace("/", ".")


def _case(suite, classname: str, name: str, seconds: float, place: str, problem) -> None:
    """One `<testcase>`: its failure (type, message, text) if any, and its place."""
    case = ET.SubElement(
        suite, "testcase", {"classname": classname, "name": name, "time": f"{seconds:.3f}"}
    )
    if problem is not None:
        kind, message, text = problem
        failure = ET.SubElement(case, "failure", {"type": kind, "message": message})
        failure.text = text
    ET.SubElement(case, "system-out").text = place


def junit_xml(session, seconds: float) -> str:
    """The session as JUnit XML text."""
    errors = session.file_errors
    failures = sum(1 for o in session.outcomes if o.status == FAILED)
    internal = sum(1 for o in session.outcomes if o.status == ERROR)
    suite = ET.Element(
        "testsuite",
        {
            "name": "ersl",
            "tests": str(len(session.outcomes) + len(errors)),
            "failures": str(failures),
            "errors": str(len(errors) + internal),
            "skipped": "0",
            "time": f"{seconds:.3f}",
        },
    )
    for test_file in errors:
        text = test_file.error.render()
        _case(
            suite,
            _classname(test_file.display),
            test_file.display,
            0.0,
            test_file.display,
            ("error", text.splitlines()[0] if text else "", text),
        )
    for outcome in session.outcomes:
        case = outcome.case
        problem = None
        if outcome.status in (FAILED, ERROR):
            kind = "failure" if outcome.status == FAILED else "error"
            problem = (kind, _plain(outcome.summary), _plain(outcome.message))
        _case(
            suite,
            _classname(case.file.display),
            case.name,
            outcome.duration,
            f"{case.file.display}:{case.line}",
            problem,
        )
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def json_report(session, seconds: float, coverage=None) -> str:
    """The session as JSON text."""
    from ersl.testing.report import counts

    n = counts(session.outcomes, len(session.file_errors))
    document = {
        "format": FORMAT,
        "summary": {
            "passed": n[PASSED],
            "failed": n[FAILED],
            "errors": n[ERROR],
            "deselected": session.deselected,
            "seconds": round(seconds, 3),
        },
        "tests": [
            {
                "file": o.case.file.display,
                "line": o.case.line,
                "name": o.case.name,
                "kind": o.case.kind,
                "outcome": o.status,
                "duration": round(o.duration, 3),
                "examples": o.examples,
                "message": o.message,
            }
            for o in session.outcomes
        ],
        "errors": [
            {
                "file": f.display,
                "diagnostics": [d.to_dict() for d in f.error.diagnostics],
                "message": f.error.render(),
            }
            for f in session.file_errors
        ],
    }
    if coverage is not None:
        document["coverage"] = [c.to_dict() for c in coverage]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


__all__ = ["FORMAT", "json_report", "junit_xml"]
