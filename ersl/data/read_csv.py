"""Reading CSV data files (SPEC §5): one file per record type, named after it.

Part of the data layer (:mod:`ersl.data`): the CSV half of phase 1 of reading, mixed
into the reader of :mod:`ersl.data.read`, which owns the records, the problem log and
`record` (the conversion shared with JSON Lines). Headers are checked once per file
(unknown, repeated and missing columns), a `;`-separated file reads decimal commas in
its number columns, and blank rows are counted, never silently skipped.
"""

from __future__ import annotations

import csv
import itertools
import os
from typing import Any

from ersl.data.excel import SEPARATOR_NAMES, decimal_point, delimiter, is_number
from ersl.data.history import META_FIELDS
from ersl.data.problems import Problem
from ersl.data.records import TypeInfo
from ersl.data.values import Layout, show
from ersl.diagnostics import did_you_mean


class CsvReading:
    """The CSV reading of the data reader (a mixin of `ersl.data.read._Reader`)."""

    def read_csv(self, file: str, stem: str) -> None:
        """Read one CSV file of records of type ``stem`` (phase 1)."""
        if self.only is not None and stem not in self.only:
            self.files.setdefault(file, len(self.files))
            return
        fh = self._open(file, newline="")
        if fh is None:
            return
        try:
            with fh:
                self._csv(file, stem, fh)
        except UnicodeDecodeError:
            self._not_utf8(file)

    def _csv(self, file: str, stem: str, fh: Any) -> None:
        first = fh.readline()
        separator = delimiter(first)
        rows = csv.reader(itertools.chain([first], fh), delimiter=separator)
        try:
            header = next(rows, None)
        except csv.Error as err:
            self.fatal("E0813", f"cannot read the CSV header of {file}: {err}", file)
            return
        if header is None:
            return
        header = [h.strip() for h in header]
        self.csv_headers[file] = header
        self.csv_separators[file] = separator
        layout = self.layouts.get(stem)
        file_problems: list[Problem] = []
        if layout is None:
            known = sorted(self.infos)
            file_problems.append(
                Problem(
                    "E0802",
                    f"unknown record type {show(stem)} (from the file name {os.path.basename(file)}); "
                    f"expected one of {', '.join(known)}",
                    file,
                    1,
                    column=1,
                    help=type_help(stem, known)
                    or "name each CSV file after its record type, e.g. visit.csv",
                )
            )
        else:
            info = layout.info
            seen: set[str] = set()
            for name in header:
                if name in seen:
                    file_problems.append(
                        Problem(
                            "E0803",
                            f"the column `{name}` appears twice in the header",
                            file,
                            1,
                            field=name,
                        )
                    )
                seen.add(name)
                if name not in info.index and name not in META_FIELDS:
                    file_problems.append(self._unknown_field_column(info, name, file))
            for i in layout.required:
                if info.fields[i] not in seen:
                    file_problems.append(
                        Problem(
                            "E0804",
                            f"missing required column `{info.fields[i]}` in {os.path.basename(file)}; "
                            f"expected the columns {layout.field_list}",
                            file,
                            1,
                            column=1,
                        )
                    )
        width = len(header)
        commas = (
            [i for i, name in enumerate(header) if _number_field(layout, name)]
            if separator == ";" and layout is not None
            else []
        )
        line_no = rows.line_num
        count = 0
        for row in self._csv_rows(rows, file):
            start_line = line_no + 1
            line_no = rows.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                self.blank_lines.append((file, start_line))
                continue
            count += 1
            if file_problems:
                continue
            if len(row) != width:
                self.bad_records += 1
                self.problem(
                    Problem(
                        "E0813",
                        f"this row has {len(row)} cell{'s' if len(row) != 1 else ''} but the header "
                        f"has {width}; expected {width} {SEPARATOR_NAMES[separator]}-separated "
                        f"cells ({', '.join(header)})",
                        file,
                        start_line,
                        column=1,
                        help="quote cells that contain commas; separate set members with `;`"
                        if separator == ","
                        else 'quote cells that contain `;` (set members, e.g. "I10;I11")',
                    )
                )
                continue
            for i in commas:
                row[i] = decimal_point(row[i])
            self.record(layout, dict(zip(header, row, strict=True)), file, start_line)
        if file_problems:
            self.bad_records += count
            s = "" if count == 1 else "s"
            for p in file_problems:
                p.message += f" (the file's {count} row{s} are not read)" if count else ""
                self.problem(p)

    def _csv_rows(self, rows, file: str):
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as err:
                self.bad_records += 1
                self.problem(
                    Problem("E0813", f"malformed CSV: {err}", file, rows.line_num, column=1)
                )
                continue
            yield row

    def _unknown_field_column(self, info: TypeInfo, name: str, file: str) -> Problem:
        return Problem(
            "E0803",
            f"unknown column `{name}` in {os.path.basename(file)}; {info.data_name} has the fields "
            f"{', '.join(info.fields)}",
            file,
            1,
            field=name,
            help=did_you_mean(name, info.fields),
        )


def _number_field(layout: Layout, name: str) -> bool:
    i = layout.info.index.get(name)
    return i is not None and is_number(layout.info.types[i])


def type_help(type_name: Any, known: list[str]) -> str | None:
    """Help for an unknown record type: did you mean, or why an attribute type is unknown."""
    if type_name in ("patient_attribute", "provider_attribute"):
        owner = type_name.split("_")[0].capitalize()
        return (
            f"the contract's {owner} has no time-varying fields; "
            f"add them with `extend record {owner} {{ … }}`"
        )
    return did_you_mean(type_name, known) if isinstance(type_name, str) else None
