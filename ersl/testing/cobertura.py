"""Contract coverage as Cobertura XML (`ersl test --coverage-xml FILE`), so that GitLab
and Codecov show which lines of a contract the tests exercised.

Each coverable part (`ersl.testing.coverage`) is a line of the file that declares it:
`hits` is the number of tests that exercised the part. A line that holds several parts
is a branch line (`branch="true"`, `condition-coverage="50% (1/2)"`, its parts counted
as branches) whose hits are those of its least exercised part, so it counts as covered
only when all its parts are. Each contract file is a `<class>` in a `<package>`
named after its folder; paths are relative to the working directory, the one
`<source>`. The document follows Cobertura's `coverage-04.dtd` (tests/schemas/) and is
the same for the same tests: its timestamp is 0.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from ersl.exact import format_decimal, round_to
from ersl.version import __version__

DOCTYPE = '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">'


def _rate(done: int, total: int) -> str:
    """A coverage rate as Cobertura writes it: a decimal with up to four places."""
    if total == 0:
        return "1"
    return format_decimal(round_to(Fraction(done, total), Fraction(1, 10_000), "half_up"))


def _relative(file: str, root: Path) -> str:
    path = Path(file).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _lines_of(coverage, root: Path) -> dict[str, dict[int, list[str]]]:
    """file (relative) → line → the keys of the parts declared on it."""
    files: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, part in coverage.parts.items():
        file, _, line = part.where.rpartition(":")
        files[_relative(file, root)][int(line)].append(key)
    return files


def _line(lines_element, number: int, keys: list[str], coverage) -> tuple[int, int, int]:
    """One `<line>`; returns (1 if covered, branch parts exercised, branch parts)."""
    counts = [coverage.tests[key] if key in coverage.hits else 0 for key in keys]
    done = sum(1 for n in counts if n)
    attributes = {"number": str(number), "hits": str(min(counts))}
    if len(keys) == 1:
        ET.SubElement(lines_element, "line", attributes)
        return int(done == 1), 0, 0
    attributes["branch"] = "true"
    attributes["condition-coverage"] = f"{done * 100 // len(keys)}% ({done}/{len(keys)})"
    ET.SubElement(lines_element, "line", attributes)
    return int(done == len(keys)), done, len(keys)


class _Tally:
    """Covered and valid lines and branches of a class, package or the whole document."""

    def __init__(self) -> None:
        self.lines = [0, 0]
        self.branches = [0, 0]

    def add(self, covered: int, done: int, total: int) -> None:
        self.lines[0] += covered
        self.lines[1] += 1
        self.branches[0] += done
        self.branches[1] += total

    def merge(self, other: _Tally) -> None:
        for mine, theirs in ((self.lines, other.lines), (self.branches, other.branches)):
            mine[0] += theirs[0]
            mine[1] += theirs[1]

    def rates(self) -> dict[str, str]:
        return {
            "line-rate": _rate(*self.lines),
            "branch-rate": _rate(*self.branches),
            "complexity": "0",
        }


def cobertura_xml(coverages, root: str | os.PathLike | None = None) -> str:
    """The coverage of every tested contract as one Cobertura XML document."""
    base = Path(root if root is not None else os.getcwd()).resolve()
    packages: dict[str, list[tuple[str, dict[int, list[str]], object]]] = defaultdict(list)
    for coverage in coverages:
        for file, lines in _lines_of(coverage, base).items():
            folder = os.path.dirname(file)
            packages[folder.strip("/").replace("/", ".") or "."].append((file, lines, coverage))
    document = ET.Element("coverage")
    ET.SubElement(ET.SubElement(document, "sources"), "source").text = base.as_posix()
    packages_element = ET.SubElement(document, "packages")
    whole = _Tally()
    for name in sorted(packages):
        package = ET.SubElement(packages_element, "package", {"name": name})
        classes = ET.SubElement(package, "classes")
        in_package = _Tally()
        for file, lines, coverage in sorted(packages[name], key=lambda item: item[0]):
            klass = ET.SubElement(classes, "class", {"name": Path(file).stem, "filename": file})
            ET.SubElement(klass, "methods")
            lines_element = ET.SubElement(klass, "lines")
            in_file = _Tally()
            for number in sorted(lines):
                in_file.add(*_line(lines_element, number, lines[number], coverage))
            klass.attrib.update(in_file.rates())
            in_package.merge(in_file)
        package.attrib.update(in_package.rates())
        whole.merge(in_package)
    document.attrib.update(
        {
            "line-rate": _rate(*whole.lines),
            "branch-rate": _rate(*whole.branches),
            "lines-covered": str(whole.lines[0]),
            "lines-valid": str(whole.lines[1]),
            "branches-covered": str(whole.branches[0]),
            "branches-valid": str(whole.branches[1]),
            "complexity": "0",
            "version": f"ersl {__version__}",
            "timestamp": "0",
        }
    )
    ET.indent(document)
    body = ET.tostring(document, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{DOCTYPE}\n{body}\n'


__all__ = ["cobertura_xml"]
