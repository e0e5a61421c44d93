"""Reading event data (SPEC §5): JSON Lines files and folders of CSV files.

:func:`read_data` reads every path, converts each value by its schema field
type (:mod:`ersl.data.values`), checks the data as a whole
(:mod:`ersl.data.check`: references, duplicate ids, overlapping listings,
conflicting attributes) and builds a :class:`ersl.data.dataset.Dataset`. Every
problem of a run is collected and raised together as one `ErslError` (the
first 50, then "… and N more"); with ``skip_invalid`` the bad records are left
out instead and listed in ``Dataset.skipped``.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ersl.data.check import Checks
from ersl.data.dataset import Dataset
from ersl.data.history import META_FIELDS, Withdrawal, select
from ersl.data.problems import MAX_ERRORS, Problem
from ersl.data.read_csv import CsvReading, type_help
from ersl.data.read_parquet import read_parquet
from ersl.data.records import Record, TypeInfo
from ersl.data.registration import read_registered
from ersl.data.values import (
    Bad,
    Layout,
    expected_text,
    json_number,
    no_constant,
    show,
    snake,
    symbols_of,
    type_infos,
)
from ersl.diagnostics import did_you_mean
from ersl.encoding import NOT_UTF8, help_for, not_utf8_message, not_utf8_place
from ersl.exact import MAX_DIGITS, NumberTooLarge
from ersl.paths import is_dir, is_file

__all__ = ["MAX_ERRORS", "read_data"]

_SKIP = object()  # `_Reader._parse`: no value on this line
_NOT_QUICK = (KeyError, Bad, TypeError)  # `Layout.build` gives up: `_problems` takes over


class _Reader(CsvReading, Checks):
    """Phase 1 of reading: parse and convert every line of every input."""

    def __init__(self, symbols: Any, skip_invalid: bool) -> None:
        super().__init__()
        self.skip_invalid = skip_invalid
        enums = {name: tuple(m.name for m in decl.members) for name, decl in symbols.enums.items()}
        self.infos = type_infos(symbols)
        self.layouts = {name: Layout(info, enums) for name, info in self.infos.items()}
        self.recs: dict[str, list[Record]] = {name: [] for name in self.infos}
        self.dropped: set[int] = set()  # id() of records found invalid after phase 1
        self.bad_records = 0
        self.bad_ids: dict[str, set[str]] = {}
        self.decoder = json.JSONDecoder(parse_float=json_number, parse_constant=no_constant)
        self.enums = enums
        self._dropped_ids: dict[str, set[str]] = {}
        # Registration fields (ersl.data.history): per id() of a record, its
        # (registered, replaces); the withdrawals; the date to select as of.
        self.meta: dict[int, tuple[date | None, str | None]] = {}
        self.withdrawals: list[Withdrawal] = []
        self.as_of: date | None = None
        self.blank_lines: list[tuple[str, int]] = []  # blank CSV lines: skipped and counted
        #: The data names of the record types read from Parquet and CSV files (None:
        #: every type); `ersl.data.table_data` reads only the small types as records,
        #: and gives the lines of theirs in JSON Lines files (file → (number, line)).
        self.only: set[str] | None = None
        self.lines: dict[str, list[tuple[int, str]]] = {}

    # ------------------------------------------------------------------ paths
    def read_path(self, path: str | os.PathLike) -> None:
        """Read a JSON Lines, CSV or Parquet file, or a folder of CSV and Parquet files."""
        shown = os.fspath(path)
        p = Path(path)
        if is_dir(p):
            files = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix in (".csv", ".parquet")
            )
            if not files:
                self.fatal(
                    "E0800",
                    f"the folder {shown} holds no CSV files (nor Parquet files)",
                    shown,
                    "a data folder holds one `<type>.csv` (or `<type>.parquet`) file per "
                    "record type, e.g. visit.csv",
                )
            for f in files:
                if f.suffix == ".parquet":
                    read_parquet(self, os.path.join(shown, f.name), f.stem)
                else:
                    self.read_csv(os.path.join(shown, f.name), f.stem)
        elif is_file(p):
            if p.suffix == ".csv":
                self.read_csv(shown, p.stem)
            elif p.suffix == ".parquet":
                read_parquet(self, shown, p.stem)
            else:
                self.read_jsonl(shown)
        else:
            self.fatal(
                "E0800",
                f"cannot read data from {shown}: no such file or folder",
                shown,
                "give a JSON Lines file or a folder of CSV files",
            )

    def _open(self, file: str, newline: str | None = None) -> Any:
        """The file opened for reading UTF-8 text, or None (reported) if it cannot be."""
        self.files.setdefault(file, len(self.files))
        try:
            return open(file, encoding="utf-8-sig", newline=newline)
        except OSError as err:
            self.fatal("E0800", f"cannot read {file}: {err.strerror or err}", file)
            return None

    def _not_utf8(self, file: str) -> None:
        """Report where a file stops being UTF-8 (found again from its bytes: rare)."""
        data = Path(file).read_bytes()
        line, column = not_utf8_place(file, data)
        self.fatal_count += 1
        self.problem(
            Problem(
                NOT_UTF8,
                not_utf8_message(file, data),
                file,
                line,
                column=column,
                help=help_for(file),
            )
        )

    # ------------------------------------------------------------------ JSON Lines
    def read_jsonl(self, file: str) -> None:
        """Read one JSON Lines file (phase 1)."""
        if file in self.lines:  # the lines of the wanted types, found already
            self.files.setdefault(file, len(self.files))
            self._jsonl_lines(file, self.lines[file])
            return
        fh = self._open(file)
        if fh is None:
            return
        try:
            with fh:
                self._jsonl_lines(file, enumerate(fh, 1))
        except UnicodeDecodeError:
            self._not_utf8(file)

    def _jsonl_lines(self, file: str, lines: Iterable[tuple[int, str]]) -> None:
        scan = self.decoder.scan_once
        layouts = self.layouts
        builders = {
            name: (layout.build, self.recs[name].append) for name, layout in layouts.items()
        }
        for number, line in lines:
            # The C scanner directly: a line that is exactly one object (the usual case)
            # needs none of the whitespace handling and error reporting of `_parse`.
            try:
                obj, end = scan(line, 0)
                if end != len(line) and line[end] != "\n":
                    raise ValueError("more on the line")
            except (StopIteration, ValueError, RecursionError):
                obj = self._parse(file, number, line)
                if obj is _SKIP:
                    continue
            if obj.__class__ is not dict:
                self.bad_records += 1
                self.problem(
                    Problem(
                        "E0801",
                        f'expected a JSON object with a "type", got {show(obj)}',
                        file,
                        number,
                        column=1,
                    )
                )
                continue
            type_name = obj.pop("type", None)
            try:
                build, append = builders[type_name]
            except (KeyError, TypeError):  # not a known type name, or not even hashable
                self.bad_records += 1
                self._unknown_type(type_name, file, number)
                continue
            try:
                append(build(obj, file, number))
            except _NOT_QUICK:
                self._slow(layouts[type_name], obj, file, number)

    def _parse(self, file: str, number: int, line: str) -> Any:
        """The JSON value on one line, or `_SKIP` for a blank line or malformed JSON (reported)."""
        line = line.rstrip("\n")
        if not line or line.isspace():
            return _SKIP
        try:
            try:
                obj, end = self.decoder.scan_once(line, 0)
            except StopIteration:
                end = -1
            if end != len(line):
                obj = self.decoder.decode(line)
        except json.JSONDecodeError as err:
            self.bad_records += 1
            self.problem(
                Problem(
                    "E0801",
                    f"malformed JSON: {err.msg} (column {err.colno})",
                    file,
                    number,
                    column=err.colno,
                    help='write one JSON object per line, e.g. {"type": "patient", "id": "P1", '
                    '"birth_date": "1950-01-01"}',
                )
            )
            return _SKIP
        except RecursionError:
            self.bad_records += 1
            self.problem(
                Problem(
                    "E0801",
                    "malformed JSON: the line nests arrays or objects too deeply",
                    file,
                    number,
                    column=1,
                    help="a record is one flat JSON object; its values are texts, numbers, "
                    "true/false, null or lists of those",
                )
            )
            return _SKIP
        except ValueError as error:  # a number Fraction cannot hold, e.g. NaN/Infinity
            self.bad_records += 1
            message = f"malformed JSON: {error}" if isinstance(error, NumberTooLarge) else ""
            if "integer string conversion" in str(error):  # Python's own 4300-digit bound
                message = f"malformed JSON: a number has more than {MAX_DIGITS} digits"
            self.problem(Problem("E0801", message or "malformed JSON", file, number, column=1))
            return _SKIP
        return obj

    def _unknown_type(self, type_name: Any, file: str, line: int) -> None:
        known = sorted(self.infos)
        if type_name is None:
            message = 'the record has no "type"'
        else:
            message = f"unknown record type {show(type_name)}"
        help = type_help(type_name, known)
        self.problem(
            Problem(
                "E0802",
                f"{message}; expected one of {', '.join(known)}",
                file,
                line,
                field="type" if type_name is not None else None,
                column=None if type_name is not None else 1,
                help=help,
            )
        )

    # ------------------------------------------------------------------ one record
    def record(self, layout: Layout, raw: dict[str, Any], file: str, line: int) -> None:
        """Convert one record's fields (phase 1); keep it if it is valid.

        ``raw`` maps field names to raw values. The fast path (`Layout.build`)
        converts and checks; any problem sends the record to `_problems`, which
        goes through it again to describe every problem.
        """
        try:
            record = layout.build(raw, file, line)
        except _NOT_QUICK:
            return self._slow(layout, raw, file, line)
        self.recs[layout.info.data_name].append(record)

    def _slow(self, layout: Layout, raw: dict[str, Any], file: str, line: int) -> None:
        """A record the quick build refused: its registration fields taken apart
        (`ersl.data.registration`), then every problem described (`_problems`)."""
        index = layout.info.index
        if not any(k in raw and k not in index for k in META_FIELDS):
            self._problems(layout, raw.items(), file, line)
            return
        read_registered(self, layout, raw, file, line)

    def finish(self):
        """Select the records in force as of the date (`ersl.data.history`), then check
        them as a whole and build the `Dataset` (phases 2–6)."""
        history = None
        if self.meta or self.withdrawals:
            history = select(self, self.recs, self.infos, self.meta, self.withdrawals, self.as_of)
        dataset = super().finish()
        dataset.history = history
        dataset.as_of = self.as_of
        return dataset

    def _problems(
        self,
        layout: Layout,
        items: Any,
        file: str,
        line: int,
        problems: list[Problem] | None = None,
    ) -> Record | None:
        """Describe every problem of one record (slow path); keep and return it if there
        are none. ``problems`` are found already (in its registration fields)."""
        info = layout.info
        index = info.index
        converters = layout.converters
        values = layout.defaults.copy()
        problems = list(problems or ())
        for key, raw in items:
            i = index.get(key)
            if i is None:
                problems.append(self._unknown_field(info, key, raw, file, line))
                continue
            try:
                values[i] = converters[i](raw)
            except Bad as bad:
                problems.append(
                    Problem(
                        bad.code,
                        f"field `{key}` of {info.data_name}: {show(raw)} {bad.problem}",
                        file,
                        line,
                        field=key,
                        help=bad.help,
                    )
                )
        bad_fields = {p.field for p in problems}
        for i in layout.required:
            field = info.fields[i]
            if values[i] is None and field not in bad_fields:
                problems.append(
                    Problem(
                        "E0804",
                        f"missing required field `{field}` of {info.data_name}; "
                        f"expected {expected_text(info.types[i], self.enums)}",
                        file,
                        line,
                        column=1,
                        help=f"a {info.data_name} record has the fields {layout.field_list}",
                    )
                )
        if (
            layout.attribute_indexes
            and not problems
            and all(values[i] is None for i in layout.attribute_indexes)
        ):
            problems.append(
                Problem(
                    "E0804",
                    f"the {info.data_name} record sets no attribute; expected at least one of "
                    f"{', '.join(info.attribute_fields)}",
                    file,
                    line,
                    column=1,
                )
            )
        if layout.span_indexes:
            start, end = values[layout.span_indexes[0]], values[layout.span_indexes[1]]
            if isinstance(start, date) and isinstance(end, date) and end < start:
                problems.append(
                    Problem(
                        "E0810",
                        f"{info.data_name} ends before it starts: `end` {end.isoformat()} is "
                        f"before `start` {start.isoformat()}",
                        file,
                        line,
                        field="end",
                        help=f"`end` is inclusive: a one-day {info.data_name} has end = start",
                    )
                )
        if not problems:
            i = info.id_index
            record = layout.make(info, "" if i is None else values[i], tuple(values), file, line)
            self.recs[info.data_name].append(record)
            return record
        self.bad_records += 1
        for p in problems:
            self.problem(p)
        if info.id_index is not None and isinstance(values[info.id_index], str):
            self.bad_ids.setdefault(info.name, set()).add(values[info.id_index])
        return None

    def _unknown_field(self, info: TypeInfo, key: str, raw: Any, file: str, line: int) -> Problem:
        help = did_you_mean(key, info.fields)
        if info.kind == "attribute" and key not in info.fields:
            owner = self.infos.get(snake(info.attribute_of or ""))
            if owner is not None and key in owner.index:
                help = f"`{key}` does not vary over time; write it on the {owner.data_name} record"
        return Problem(
            "E0803",
            f"unknown field `{key}` (value {show(raw)}) in a {info.data_name} record; "
            f"expected one of {', '.join(info.fields)}",
            file,
            line,
            field=key,
            help=help,
        )


def read_data(
    paths: Iterable[str | os.PathLike],
    contract: Any,
    skip_invalid: bool = False,
    as_of: date | None = None,
) -> Dataset:
    """Read and validate event data for a checked contract (SPEC §5).

    ``paths`` are JSON Lines files (one object per line with ``"type"``), CSV
    files named ``<type>.csv`` or folders of them; their records are merged.
    ``contract`` is a `CheckedContract` (or its `Symbols`): its schema decides the
    record types and how each field is read. Raises `ErslError` listing every
    problem (the first 50, then a count); with ``skip_invalid`` bad records are
    left out and listed in ``Dataset.skipped`` instead (unreadable paths still raise).
    ``as_of`` keeps only the records registered on or before that date, each in its
    latest version as of it (``ersl.data.history``; None: every registered record).
    """
    return read_types(paths, contract, skip_invalid, as_of)


def read_types(
    paths: Iterable[str | os.PathLike],
    contract: Any,
    skip_invalid: bool = False,
    as_of: date | None = None,
    only: set[str] | None = None,
    lines: dict[str, list[tuple[int, str]]] | None = None,
) -> Dataset:
    """`read_data`, reading from Parquet and CSV files only the record types (data
    names) in ``only`` (None: every type), and from a JSON Lines file in ``lines`` only
    the (number, line) pairs given; `ersl.data.table_data` reads its small types this
    way."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    # Reading creates millions of objects and no reference cycles; the cyclic
    # garbage collector would rescan them over and over, so it pauses meanwhile.
    was_enabled = gc.isenabled()
    was_frozen = gc.get_freeze_count()
    gc.disable()
    try:
        reader = _Reader(symbols_of(contract), skip_invalid)
        reader.as_of = as_of
        reader.only = only
        reader.lines = lines or {}
        for path in paths:
            reader.read_path(path)
        dataset = reader.finish()
        dataset.blank_lines = tuple(reader.blank_lines)
        return dataset
    finally:
        if was_enabled:
            # Everything built while paused counts as new: the first collection
            # after it would scan every record once more (a second or so for a
            # million). The data is long-lived, so it goes straight to the
            # oldest generation: freeze then unfreeze moves it there unscanned.
            # Under `bulk_work` (already frozen) its own unfreeze does that.
            gc.freeze()
            if not was_frozen:
                gc.unfreeze()
            gc.enable()
