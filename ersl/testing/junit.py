"""JUnit XML and JSON reports of an `ersl test` session.

JUnit: one `<testsuite name="ersl">` with one `<testcase>` per `test` or
`property` block (`classname` = the test file's path with `/` → `.` and the
`.ersl` suffix dropped, `name` = the block's name, `file`, `line`, `time`). A
failure has `<failure message="first line">full failure text</failure>`; a
test file that does not load or check is one `<testcase>` with an `<error>`.

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
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": _classname(test_file.display),
                "name": test_file.display,
                "file": test_file.display,
                "time": "0.000",
            },
        )
        text = test_file.error.render()
        error = ET.SubElement(case, "error", {"message": text.splitlines()[0] if text else ""})
        error.text = text
    for outcome in session.outcomes:
        case = outcome.case
        element = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": _classname(case.file.display),
                "name": case.name,
                "file": case.file.display,
                "line": str(case.line),
                "time": f"{outcome.duration:.3f}",
            },
        )
        if outcome.status in (FAILED, ERROR):
            tag = "failure" if outcome.status == FAILED else "error"
            failure = ET.SubElement(element, tag, {"message": _plain(outcome.summary)})
            failure.text = _plain(outcome.message)
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
