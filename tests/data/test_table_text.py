"""JSON Lines and CSV straight into DuckDB tables (`ersl/data/table_text.py`).

The table path is a shortcut, never a second meaning: for any file,
``read_data([path], contract, tables=True)`` either gives a `TableDataset` whose
tables hold exactly the records the reference reader reads (and settle to the same
statement bytes), or reads the data as records — the same dataset, the same
diagnostics. Hypothesis writes the tutorial's and primary care's data with nasty
spellings (escapes, number texts, white space, line ends, quoting, separators) and
the extended test schema's every kind of field; the deterministic tests below show
each conservative check of the module sending its input to the reader, and clean
files becoming tables.

A long run: ``ERSL_TABLE_EXAMPLES=600 pytest tests/data/test_table_text.py`` (the
primary-care property takes half that many).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_data_speed_paths import EXT, INFOS, _pool
from test_table_data import EXAMPLES, PC, TUTORIAL, TUTORIAL_FEES, _datasets

import ersl.api as api
from ersl import types as T
from ersl.data import table_text
from ersl.data.dump import dump_csv
from ersl.data.excel import is_number
from ersl.data.records import Entity
from ersl.data.table_data import TableDataset, read_tables
from ersl.errors import ErslError

TUTORIAL_RUN = (TUTORIAL, "2019", {"visit_fee": TUTORIAL_FEES.split("=", 1)[1]})
PC_RUN = (PC / "contract.ersl", "2022", {"visit_fee": str(PC / "fees.csv")})
_CONTRACTS: dict[Path, api.Contract] = {}


def _examples(in_ci: int) -> int:
    """Examples per property: CI's count, or ``ERSL_TABLE_EXAMPLES`` for a long run."""
    return int(os.environ.get("ERSL_TABLE_EXAMPLES", in_ci))


def _contract(path: Path) -> api.Contract:
    if path not in _CONTRACTS:
        _CONTRACTS[path] = api.load(path)
    return _CONTRACTS[path]


# ---------------------------------------------------------------------- the oracle


def _errors(error: ErslError) -> tuple:
    return ("error", [(d.code, d.message, d.span, d.help, d.notes) for d in error.diagnostics])


def _settled(contract, data, period: str, params: dict, engine: str) -> tuple:
    try:
        statement = contract.settle(data, period, params, engine=engine)
    except ErslError as error:
        return _errors(error)
    return ("statement", statement.to_csv(), statement.to_text())


def _norm(value, t: T.Type):
    """A table's or a record's value of a field of type ``t``, comparable."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        return tuple(sorted(_norm(v, t.element) for v in value or ()))
    if isinstance(value, Entity):
        return value.id
    if value is not None and is_number(t):
        return Fraction(value)
    return value


def _table_rows(data: TableDataset, name: str, info) -> list:
    """The rows of a type's table (fields in schema order), sorted."""
    columns = ", ".join(f'"{f}"' for f in info.fields)
    rows = data.con.execute(f"SELECT {columns} FROM {data.tables[name]}").fetchall()
    return sorted(
        (tuple(_norm(v, t) for v, t in zip(row, info.types, strict=True)) for row in rows),
        key=repr,
    )


def _record_rows(records, name: str, info) -> list:
    return sorted(
        (
            tuple(_norm(v, t) for v, t in zip(r.values, info.types, strict=True))
            for r in records.records(name)
        ),
        key=repr,
    )


REFUSED = "the reader refuses the data"
TABLES = "tables"  # the outcome of a clean file: a TableDataset


def _check_same(path: Path, run: tuple):
    """Read ``path`` with tables and assert that it reads as without; what it gave: a
    `TableDataset`, or why the data was read as records (or refused).

    Agreeing: a `TableDataset` whose tables hold the records the reader reads (every
    non-attribute type, every field; the attribute types are seen through the
    statement: `cni`) and which settles to the bytes the records settle to (with both
    engines); or a plain `Dataset` (the reader's own); or the reader's diagnostics."""
    contract_path, period, params = run
    contract = _contract(contract_path)
    try:
        data = api.read_data([path], contract, tables=True)
    except ErslError as error:
        with pytest.raises(ErslError) as caught:
            api.read_data([path], contract)
        assert _errors(error) == _errors(caught.value)
        return REFUSED
    if not isinstance(data, TableDataset):
        assert data.table_report.startswith("read as records because ")
        return data.table_report
    records = api.read_data([path], contract)
    for name in records.type_names():
        info = records.info(name)
        assert _table_rows(data, name, info) == _record_rows(records, name, info), name
    expected = _settled(contract, records, period, params, "columnar")
    assert _settled(contract, records, period, params, "reference") == expected
    assert _settled(contract, data, period, params, "columnar") == expected
    data.con.close()
    return data


def _why(outcome, path: Path) -> str:
    """Why the data of a `_check_same` outcome was left to the reader ("tables" if not)."""
    if isinstance(outcome, TableDataset):
        return TABLES
    if outcome != REFUSED:
        return outcome
    try:
        found = read_tables([path], _contract(TUTORIAL).checked)
    except ErslError:  # the small types' records, read by the reader
        return "the reader refuses the small types' records"
    if isinstance(found, TableDataset):
        found.con.close()
        return TABLES
    return str(found)


def _tally(found) -> None:
    """Count the outcomes (`--hypothesis-show-statistics`): tables, or why not."""
    why = re.sub(r"/\S+|\d+|`.*`|\(.*", "", str(found))
    event("tables" if isinstance(found, TableDataset) else why)


def _write(tmp: Path, text: str | bytes, name: str = "data.jsonl") -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# ---------------------------------------------------------------------- JSON Lines spellings

_NUMBER_SPELLINGS = {
    # a decimal's texts: plain, padded, negative zero, exponents, too long, too precise
    "1.5": ["1.5", "1.50", "1.500000000000000000", "15e-1", "0.15E1", "1.5000000000000000000001"],
    "0.80": ["0.80", "0.8", "8e-1", "0.800000000000000000000000000001"],
    "2": ["2", "2.0", "2e0", "20E-1", "2.000000000000000000"],
    "1.125": ["1.125", "1.1250", "1125e-3"],
    "0.333": ["0.333", "0.3330", "333e-3", "0.33300000000000000001"],
}
_ODD_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "-0.0",
    "0",
    "1e2",
    "123456789012345678901234567890",
    "123456789012345678",
    "007",
    "true",
    "null",
    "[]",
    '["a", 1]',
    '["a", null]',
    '{"a": 1}',
    '"\\u0000"',
    '"\\ud83d\\ude00"',
    '"\\ud83d"',
    '"\\udc00x"',
    '"a\\"b"',
    '"a\\\\b"',
    '"\\/"',
    '"\\t"',
    '"\\u001f"',
    '"\u2028"',
    '"\u00a0"',
    '" "',
    '""',
]
_SEPARATORS = ["", " ", "  ", "\t", " \t"]
_RARE_SEPARATORS = ["\r", "\x0c", "\x0b", "\u00a0", "\n "]


_JSON_TEXTS = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6)


def _spell_text(draw, text: str) -> str:
    """A JSON string spelling ``text``: characters plain or escaped every JSON way."""
    out = []
    for c in text:
        how = draw(st.sampled_from(["plain"] * 6 + ["u", "U", "solidus"]))
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c == "/" and how == "solidus":
            out.append("\\/")
        elif how == "u":
            out.append(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c)
        elif how == "U":
            out.append(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else c)
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _spell_value(draw, key: str, value, tidy: bool, numbers: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        sep = draw(st.sampled_from(_SEPARATORS))
        return "[" + f",{sep}".join(_spell_value(draw, key, v, tidy, numbers) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "cni" and value in _NUMBER_SPELLINGS and (numbers if tidy else draw(st.booleans())):
        spellings = _NUMBER_SPELLINGS[value]
        if tidy:  # the numbers the tables read
            spellings = [n for n in spellings if "e" not in n.lower() and len(n) < 20]
        return draw(st.sampled_from(spellings))
    return _spell_text(draw, str(value))


@st.composite
def _jsonl_files(draw, records: list[dict]) -> str:
    """The records as a JSON Lines text, each line spelt its own way; now and then a
    line, a value or the file made nasty."""
    tidy = draw(st.integers(0, 4)) > 1  # only spellings the tables read alike
    numbers = draw(st.booleans())  # a tidy file's `cni` as JSON numbers (else texts)
    lines = []
    for record in records:
        items = list(record.items())
        if record.get("type") == "patient" and draw(st.booleans()):
            items.append(("sex", draw(_JSON_TEXTS)))
        if not tidy and draw(st.integers(0, 5)) == 0:  # a nasty value, field or type
            nasty = draw(st.integers(0, 5))
            key = draw(st.sampled_from([k for k, _ in items]))
            if nasty == 0:
                items = [
                    (k, draw(st.sampled_from(_ODD_VALUES)) if k == key else v) for k, v in items
                ]
                items = [(k, ("raw", v) if k == key else v) for k, v in items]
            elif nasty == 1:
                items.append((key, draw(st.sampled_from(["P1", "VC1", "2019-01-01", None]))))
            elif nasty == 2:
                items.append((draw(st.sampled_from(["colour", "registered", "replaces", ""])), "x"))
            elif nasty == 3:
                items = [(k, v) for k, v in items if k != "type"]
                if draw(st.booleans()):
                    items.append(
                        (
                            "type",
                            (
                                "raw",
                                draw(st.sampled_from(["1", "null", "[]", '"Patient"', '"visits"'])),
                            ),
                        )
                    )
            elif nasty == 4:
                items.append(("cni", ("raw", draw(st.sampled_from(["1.5", '"1.5"', "2", "true"])))))
            else:
                items = [(("escaped", k) if k == key else k, v) for k, v in items]
        if draw(st.booleans()):
            items = draw(st.permutations(items))
        pairs = []
        for k, v in items:
            if isinstance(k, tuple):  # a key written with escapes
                key_text = '"' + "".join(f"\\u{ord(c):04x}" for c in k[1]) + '"'
            else:
                key_text = json.dumps(k)
            if isinstance(v, tuple) and v[0] == "raw":
                value_text = v[1]
            else:
                value_text = _spell_value(draw, k if isinstance(k, str) else k[1], v, tidy, numbers)
            before, after = draw(st.sampled_from(_SEPARATORS)), draw(st.sampled_from(_SEPARATORS))
            pairs.append(f"{key_text}{before}:{after}{value_text}")
        sep = draw(st.sampled_from(_SEPARATORS))
        if not tidy and draw(st.integers(0, 5)) == 0:
            sep = draw(st.sampled_from(_RARE_SEPARATORS))
        line = "{" + sep + f",{sep}".join(pairs) + draw(st.sampled_from(_SEPARATORS)) + "}"
        line = draw(st.sampled_from(["", " ", "\t"])) + line + draw(st.sampled_from(["", " "]))
        if not tidy and draw(st.integers(0, 10)) == 0:
            line = draw(st.sampled_from(["", "   ", "\t", "null", "[1]", line[:-1], line + line]))
        lines.append(line)
    ends = draw(st.sampled_from(["\n", "\r\n", "mixed" if not tidy else "\n"]))
    text = ""
    for line in lines:
        end = (
            ends
            if ends != "mixed"
            else draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n"]))
        )
        text += line + end
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return text


@settings(
    max_examples=_examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_json_lines_read_into_tables_as_the_reader_reads_them(tmp_path_factory, data):
    records = data.draw(_datasets())
    text = data.draw(_jsonl_files(records))
    path = _write(tmp_path_factory.mktemp("jsonl"), text)
    found = _check_same(path, TUTORIAL_RUN)
    _tally(found)


# ---------------------------------------------------------------------- CSV spellings

_TIDY_TEXTS = st.text(
    alphabet=st.sampled_from(list("ab Ö,;\"'\n\t/\\") + ["\u00a0", "\u2028", "é"]), max_size=6
)
_TEXTS = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t\x0c') + ["\u00a0"]), max_size=6)


def _cell(draw, text: str, separator: str, tidy: bool) -> str:
    """A CSV cell reading ``text``: quoted when it must be, and now and then anyway."""
    special = any(c in text for c in f'{separator}"\r\n') or text != text.strip()
    if special or draw(st.integers(0, 5)) == 0:
        return '"' + text.replace('"', '""') + '"'
    return text


_NASTY_CELLS = [
    'ab"c',  # a quote mid-cell
    '"ab"c',  # text after a closing quote
    ' "ab"',  # space before an opening quote
    '"ab" ',  # … after a closing quote
    '\t"ab"',
    '"ab"\t',
    '"a\nb"',  # a line break in a quoted cell
    '"a\r\nb"',
    '"a\rb"',
    '""',
    '"  "',
    '"\u00a0"',
    " 1,5",
    "1,5 %",
    '"1,5"',
    "١.٥",  # Arabic-Indic digits
    "1,5",
    "-0",
    "+1.5",
    "1.5e0",
]


@st.composite
def _csv_files(draw, records: list[dict]) -> dict[str, str]:
    """The records as CSV files (`<type>.csv`), spelt many ways; now and then made nasty
    (cells, rows, header, line ends)."""
    tidy = draw(st.integers(0, 4)) > 1
    by_type: dict[str, list[dict]] = {}
    for record in records:
        record = dict(record)
        type_name = record.pop("type")
        if type_name == "patient" and draw(st.booleans()):
            record["sex"] = draw(_TIDY_TEXTS if tidy else _TEXTS)
        if type_name == "provider" and draw(st.booleans()):
            record["name"] = draw(_TIDY_TEXTS if tidy else _TEXTS)
        by_type.setdefault(type_name, []).append(record)
    files = {}
    for type_name, rows in by_type.items():
        separator = draw(st.sampled_from([",", ";"]))
        header = sorted({k for row in rows for k in row})
        header = draw(st.permutations(header))
        names = [draw(st.sampled_from([h, f" {h}", f"{h} ", f"\t{h}"])) for h in header]
        lines = [separator.join(names)]
        for row in rows:
            cells = []
            for h in header:
                value = row.get(h)
                text = ";".join(value) if isinstance(value, list) else str(value)
                text = "" if value is None else text
                if h == "cni" and separator == ";" and draw(st.booleans()):
                    text = text.replace(".", ",")  # a decimal comma
                cells.append(_cell(draw, text, separator, tidy))
            lines.append(separator.join(cells))
        end = draw(st.sampled_from(["\n", "\r\n"]))
        if not tidy:
            for _ in range(draw(st.integers(1, 3))):
                lines = _nasty(draw, lines, separator)
        text = ""
        for line in lines:
            text += line + (end if tidy else draw(st.sampled_from([end, end, "\n", "\r\n", "\r"])))
        if draw(st.booleans()):
            text = text.removesuffix(end)
        if draw(st.integers(0, 4)) == 0:
            text = "\ufeff" + text
        files[f"{type_name}.csv"] = text
    return files


def _nasty(draw, lines: list[str], separator: str) -> list[str]:
    """The lines of a CSV file with one thing made nasty."""
    lines = list(lines)
    n = draw(st.integers(1, max(1, len(lines) - 1))) if len(lines) > 1 else 0
    how = draw(st.integers(0, 6))
    if how == 0:  # a blank or white row
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(["", " ", "\t", '""'])))
    elif how == 1 and n:  # a row too wide or too narrow
        row = lines[n]
        lines[n] = draw(
            st.sampled_from([row + separator, row + separator * 2, row + separator + "x"])
        )
        if separator in row and draw(st.booleans()):
            lines[n] = row.rsplit(separator, 1)[0]
    elif how == 2 and n:  # a nasty cell
        cells = lines[n].split(separator)
        i = draw(st.integers(0, len(cells) - 1))
        cells[i] = draw(st.sampled_from(_NASTY_CELLS))
        lines[n] = separator.join(cells)
    elif how == 3:  # an unknown, twice named or quoted column; a required one missing
        names = lines[0].split(separator)
        change = draw(st.sampled_from(["unknown", "twice", "quoted", "missing", "registered"]))
        if change == "unknown":
            names.append("colour")
        elif change == "registered":
            names.append("registered")
        elif change == "twice":
            names.append(names[0])
        elif change == "quoted":
            names[0] = f'"{names[0].strip()}"'
        else:
            names = names[1:]
        lines[0] = separator.join(names)
    elif how == 4:  # the other separator in the header
        other = "," if separator == ";" else ";"
        lines[0] = lines[0].replace(separator, other)
    elif how == 5:  # no rows, or no header
        lines = lines[:1] if draw(st.booleans()) else [""]
    else:  # a second BOM, a NUL, a form feed
        lines[-1] = lines[-1] + draw(st.sampled_from(["\ufeff", "\x00", "\x0c", "\u00a0"]))
    return lines


@settings(
    max_examples=_examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_csv_read_into_tables_as_the_reader_reads_it(tmp_path_factory, data):
    records = data.draw(_datasets())
    files = data.draw(_csv_files(records))
    folder = tmp_path_factory.mktemp("csv") / "data"
    for name, text in files.items():
        _write(folder, text, name)
    found = _check_same(folder, TUTORIAL_RUN)
    _tally(found)


# ---------------------------------------------------------------------- every field type


@st.composite
def _ext_lines(draw) -> str:
    """JSON Lines for the extended test schema (every kind of field): per type and
    field one JSON kind of value in the file (as a table column needs), the values
    mostly ones the reader takes (`test_data_speed_paths` pools), texts spelt with
    escapes, numbers as JSON numbers or texts."""
    lines = [
        '{"type": "provider", "id": "VC1"}',
        '{"type": "provider", "id": "H1"}',
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}',
        '{"type": "patient", "id": "P2", "birth_date": "1990-06-30"}',
    ]
    names = draw(st.lists(st.sampled_from(sorted(INFOS)), min_size=1, max_size=4, unique=True))
    for name in names:
        info = INFOS[name]
        spelling = {}  # field → (good values, other values) of one JSON kind
        for field, t in zip(info.fields, info.types, strict=True):
            pool = _pool(t) + [1.5, 0.1, -0.0, 0, 12, True, 123456789012345678]
            if field == "id":
                pool = ["x"]
            odd_kind = draw(st.integers(0, 9)) == 9
            kinds = {type(v).__name__ for v in (pool if odd_kind else _pool(t)[:2])}
            kind = draw(st.sampled_from(sorted(kinds)))
            of_kind = [v for v in pool if type(v).__name__ == kind]
            good = [v for v in _pool(t)[:2] if type(v).__name__ == kind]
            spelling[field] = (good or of_kind, of_kind)
        for n in range(draw(st.integers(1, 4))):
            pairs = [f'"type": {_spell_text(draw, name)}']
            for field, t in zip(info.fields, info.types, strict=True):
                optional = isinstance(t, (T.Optional, T.SetT)) or field in info.attribute_fields
                if optional and draw(st.booleans()):
                    continue
                good, of_kind = spelling[field]
                value = draw(st.sampled_from(of_kind if draw(st.integers(0, 9)) == 9 else good))
                if field == "id":
                    value = f"{name[:2]}{n}"
                if isinstance(value, str):
                    text = _spell_text(draw, value)
                elif isinstance(value, list):
                    text = "[" + ", ".join(_spell_text(draw, str(v)) for v in value) + "]"
                else:
                    text = json.dumps(value)
                key = _spell_text(draw, field) if draw(st.integers(0, 9)) == 9 else f'"{field}"'
                pairs.append(f"{key}: {text}")
            lines.append("{" + ", ".join(draw(st.permutations(pairs))) + "}")
    return "\n".join(lines) + "\n"


def _check_read(path: Path, checked) -> tuple:
    """Read ``path`` with and without tables: the same diagnostics, or tables holding
    the reader's records (every non-attribute type, every field)."""
    found = read_tables([path], checked)
    try:
        records = api.read_data([path], checked)
    except ErslError as error:
        assert not isinstance(found, TableDataset), "the tables read what the reader refuses"
        with pytest.raises(ErslError) as caught:
            api.read_data([path], checked, tables=True)
        assert _errors(caught.value) == _errors(error)
        return found
    if isinstance(found, TableDataset):
        for name in records.type_names():
            info = records.info(name)
            assert _table_rows(found, name, info) == _record_rows(records, name, info), name
        found.con.close()
    return found


@settings(
    max_examples=_examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_ext_lines())
def test_every_field_type_reads_into_tables_as_the_reader_reads_it(tmp_path_factory, text):
    path = _write(tmp_path_factory.mktemp("ext"), text)
    found = _check_read(path, EXT)
    _tally(found)


# ---------------------------------------------------------------------- each check, JSON Lines

TUTORIAL_LINES = (EXAMPLES / "tutorial" / "data.jsonl").read_text(encoding="utf-8")
_VISIT = (
    '{"type": "visit", "id": "V99", "patient": "P2", "provider": "VC1", "date": "2019-04-01", '
    '"profession": "nurse", "mode": "physical"'
)
_CNI = '{"type": "patient_attribute", "patient": "P3", "from": "2019-07-01", "cni": '
_PATIENT = '{"type": "patient", "id": "P4", "birth_date": "1941-02-03", "sex": '
JSONL_CASES = {
    # clean spellings: tables
    "as written": (TUTORIAL_LINES, TABLES),
    "CRLF line ends": (TUTORIAL_LINES.replace("\n", "\r\n"), TABLES),
    "a byte order mark": ("\ufeff" + TUTORIAL_LINES, TABLES),
    "blank lines": ("\n \n" + TUTORIAL_LINES.replace("\n", "\n\t\r\n", 3) + "  ", TABLES),
    "no last line end": (TUTORIAL_LINES.rstrip("\n"), TABLES),
    "escapes in texts": (
        TUTORIAL_LINES + _PATIENT + '"\\u00e9\\/\\"\\\\\\t\\u001f"}\n'
        '{"type": "listing", "patient": "P\\u0034", "provider": "VC1", "start": "2019-01-01"}\n',
        TABLES,
    ),
    "numbers with padding": (TUTORIAL_LINES + _CNI + "1.50}\n", TABLES),
    "numbers as whole numbers": (TUTORIAL_LINES + _CNI + "2}\n", TABLES),
    "numbers as -0": (TUTORIAL_LINES + _CNI + "-0.0}\n", TABLES),
    "white space around tokens": (
        TUTORIAL_LINES + '\t{ "type" :\t"patient" ,"id":"P4"  ,  "birth_date":"1941-02-03"}  \n',
        TABLES,
    ),
    "null values": (TUTORIAL_LINES + _PATIENT + "null}\n", TABLES),
    # the strict flat JSON grammar
    "a nested object": (TUTORIAL_LINES + _PATIENT + '{"a": 1}}\n', "is not a flat JSON object"),
    "a list of lists": (TUTORIAL_LINES + _VISIT + ', "team": [["nurse"]]}\n', "not a flat JSON"),
    "an exponent": (TUTORIAL_LINES + _CNI + "15e-1}\n", "is not a flat JSON object"),
    "a long fraction": (TUTORIAL_LINES + _CNI + "1.0000000000000000001}\n", "not a flat JSON"),
    "a long whole number": (TUTORIAL_LINES + _CNI + "1234567890123456789012}\n", "not a flat JSON"),
    "NaN": (TUTORIAL_LINES + _CNI + "NaN}\n", "is not a flat JSON object"),
    "Infinity": (TUTORIAL_LINES + _CNI + "-Infinity}\n", "is not a flat JSON object"),
    "leading zeros": (TUTORIAL_LINES + _CNI + "01.5}\n", "is not a flat JSON object"),
    "a lone surrogate": (TUTORIAL_LINES + _PATIENT + '"\\ud83d"}\n', "is not a flat JSON object"),
    "a surrogate pair": (TUTORIAL_LINES + _PATIENT + '"\\ud83d\\ude00"}\n', "not a flat JSON"),
    "a NUL escape": (TUTORIAL_LINES + _PATIENT + '"a\\u0000"}\n', "is not a flat JSON object"),
    "a raw control character": (TUTORIAL_LINES + _PATIENT + '"a\tb"}\n', "not a flat JSON"),
    "a lone CR": (TUTORIAL_LINES + _PATIENT + '"a"}\r' + _PATIENT + '"b"}\n', "not a flat JSON"),
    "a CR inside a line": (TUTORIAL_LINES + _PATIENT + '\r"a"}\n', "is not a flat JSON object"),
    "a CR before white space": (TUTORIAL_LINES + _PATIENT + '"a"}\r \n', "not a flat JSON"),
    "two byte order marks": ("\ufeff\ufeff" + TUTORIAL_LINES, "is not a flat JSON object"),
    "a form feed": (TUTORIAL_LINES + _PATIENT + '\x0c"a"}\n', "is not a flat JSON object"),
    "two objects on a line": (TUTORIAL_LINES.replace("}\n", "} {}\n", 1), "not a flat JSON"),
    "no object": (TUTORIAL_LINES + "[1]\n", "is not a flat JSON object"),
    "malformed JSON": (TUTORIAL_LINES + _PATIENT + '"a"\n', "is not a flat JSON object"),
    # keys and types
    "a key twice": (TUTORIAL_LINES + _CNI + '1.5, "cni": 1.5}\n', "a key given twice"),
    "a key twice, once escaped": (
        TUTORIAL_LINES + _CNI + '1.5, "\\u0063ni": 1.5}\n',
        "a key given twice",
    ),
    "no type": (TUTORIAL_LINES + '{"id": "P4", "birth_date": "1941-02-03"}\n', "no text type"),
    "a type not text": (TUTORIAL_LINES + '{"type": 1, "id": "P4"}\n', "no text type"),
    "a type null": (TUTORIAL_LINES + '{"type": null, "id": "P4"}\n', "no text type"),
    "an unknown type": (
        TUTORIAL_LINES + '{"type": "Patient", "id": "P4", "birth_date": "1941-02-03"}\n',
        "has a record of no known type",
    ),
    "an unknown field": (TUTORIAL_LINES + _PATIENT + '"F", "colour": "red"}\n', "`colour`"),
    "a registration field": (
        TUTORIAL_LINES + _VISIT + ', "registered": "2019-04-02"}\n',
        "gives visit the unknown field `registered`",
    ),
    "a number and a text": (TUTORIAL_LINES + _CNI + '"1.5"}\n', "values of different kinds"),
    "a number and a truth": (TUTORIAL_LINES + _CNI + "true}\n", "values of different kinds"),
    "a list and a text": (
        TUTORIAL_LINES
        + _VISIT
        + ', "team": ["nurse"]}\n'
        + _VISIT.replace("V99", "V98")
        + ', "team": "nurse"}\n',
        "values of different kinds",
    ),
    # the row checks of the text's own columns
    "a number's key escaped": (
        TUTORIAL_LINES + '{"type": "patient_attribute", "patient": "P3", "from": "2019-07-01", '
        '"\\u0063ni": 1.5}\n',
        "needs the reader's own checks",
    ),
    "a list of a number": (TUTORIAL_LINES + _VISIT + ', "team": ["nurse", 1]}\n', "own checks"),
    "a list with null": (TUTORIAL_LINES + _VISIT + ', "team": [null]}\n', "own checks"),
    # not UTF-8
    "Latin-1": (
        TUTORIAL_LINES.encode()
        + b'{"type": "patient", "id": "P\xe9", "birth_date": "1941-02-03"}\n',
        "DuckDB could not make the tables",
    ),
}


@pytest.mark.parametrize("case", sorted(JSONL_CASES))
def test_each_json_lines_check(tmp_path, case):
    text, reason = JSONL_CASES[case]
    path = _write(tmp_path, text)
    assert reason in _why(_check_same(path, TUTORIAL_RUN), path)


# ---------------------------------------------------------------------- each check, CSV


VISIT_FIELDS = ["id", "patient", "provider", "date", "profession", "mode"]
VISITS = (
    "\n".join(
        [",".join(VISIT_FIELDS)]
        + [
            ",".join(str(o[f]) for f in VISIT_FIELDS)
            for o in map(json.loads, TUTORIAL_LINES.splitlines())
            if o["type"] == "visit"
        ]
    )
    + "\n"
)


def _tutorial_csv(tmp_path: Path, **edits) -> Path:
    """The tutorial's data as a folder of CSV files; ``edits``: per type (``visit``) the
    file's new text, or a function of its text."""
    folder = tmp_path / "csv"
    dump_csv(api.read_data([EXAMPLES / "tutorial" / "data.jsonl"], _contract(TUTORIAL)), folder)
    (folder / "visit.csv").write_text(VISITS, encoding="utf-8")  # six columns
    for name, edit in edits.items():
        path = folder / f"{name}.csv"
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        new = edit(old) if callable(edit) else edit
        path.write_bytes(new.encode("utf-8") if isinstance(new, str) else new)
    return folder


def _add(row: str):
    return lambda text: text + row


def _with_kind(cell: str):
    """The visits with a `kind` column: one visit's ``cell``."""

    def edit(text: str) -> str:
        header, *rows = text.splitlines()
        rows = [row + ("," + cell if n == 0 else ",") for n, row in enumerate(rows)]
        return "\n".join([header + ",kind", *rows]) + "\n"

    return edit


def _semicolons(text: str) -> str:
    return text.replace(",", ";")


CSV_CASES = {
    # clean spellings: tables
    "as written": ({}, TABLES),
    "CRLF line ends": ({"visit": lambda t: t.replace("\n", "\r\n")}, TABLES),
    "a byte order mark": ({"visit": lambda t: "\ufeff" + t}, TABLES),
    "no last line end": ({"visit": lambda t: t.rstrip("\n")}, TABLES),
    "spaces around header names": ({"visit": lambda t: t.replace(",", " , ", 2)}, TABLES),
    "quoted cells": (
        {"provider": 'id,name\n"VC1","Björken,""the"" clinic\nsecond line\r\nthird"\n'},
        TABLES,
    ),
    "semicolons": ({"visit": _semicolons, "patient_attribute": _semicolons}, TABLES),
    "decimal commas": (
        {
            "patient_attribute": lambda t: (
                _semicolons(t).replace("1.8", "1,8").replace("0.9", '"0,9"')
            )
        },
        TABLES,
    ),
    "sets": (
        {
            "visit": "id;patient;provider;date;profession;mode;team\n"
            'V1;P1;VC1;2019-01-15;doctor;physical;"nurse;doctor"\n'
            "V2;P1;VC1;2019-03-05;doctor;physical;nurse\n"
            'V3;P1;VC1;2019-03-20;nurse;physical;""\n'
            "V4;P2;VC1;2019-03-12;doctor;video;\n"
        },
        TABLES,
    ),
    "empty cells": (
        {"patient": 'id,birth_date,sex\nP1,1950-04-12,\nP2,2016-07-01,""\nP3,1985-09-30,F\n'},
        TABLES,
    ),
    # the file name and the header
    "a file of no type": ({"colour": "id\nx\n"}, "is named after no record type"),
    "an empty file": ({"visit": ""}, "has no header"),
    "a blank header": ({"visit": lambda t: "\n" + t}, "has no header"),
    "a quoted header": ({"visit": lambda t: '"id"' + t[2:]}, "the header of"),
    "a CR in the header": ({"visit": lambda t: "id\r" + t[2:]}, "the header of"),
    "an unknown column": (
        {"provider": "id,name,colour\nVC1,Björken,red\n"},
        "names a field twice or an unknown field",
    ),
    "a registration column": (
        {"provider": "id,registered\nVC1,2019-01-01\n"},
        "names a field twice or an unknown field",
    ),
    "a column twice": ({"provider": "id,id\nVC1,VC1\n"}, "names a field twice"),
    "a required column missing": ({"provider": "name\nBjörken\n"}, "lacks a required field"),
    "a second byte order mark": ({"visit": lambda t: "\ufeff\ufeff" + t}, "an unknown field"),
    # blank rows, line ends, white space by quotes
    "a blank row": ({"visit": lambda t: t.replace("\n", "\n\n", 2)}, "has a blank row"),
    "a row of white space": ({"visit": _add(" \t\n")}, "has a blank row"),
    "white space at the end": ({"visit": _add("  ")}, "has a blank row"),
    "a lone CR": ({"visit": lambda t: t.replace("\n", "\r", 2)}, "line ends the reader reads"),
    "a space before a quote": ({"provider": 'id,name\nVC1, "Björken"\n'}, "white space"),
    "a tab after a quote": ({"provider": 'id,name\nVC1,"Björken"\t\n'}, "white space"),
    # rows as wide as the header; quotes only around cells
    "a row too short": ({"visit": _add("V99,P1\n")}, "not as wide as its header"),
    "a row too long": ({"visit": _add("V99,P1,VC1,2019-04-01,doctor,physical,x\n")}, "as wide"),
    "a row ending in a separator": (
        {"visit": _add("V99,P1,VC1,2019-04-01,doctor,physical,\n")},
        "not as wide as its header",
    ),
    "a row ending in separators": (
        {"visit": _add("V99,P1,VC1,2019-04-01,doctor,physical,,\n")},
        "not as wide as its header",
    ),
    "a row ending in a quoted empty cell": (
        {"visit": _add('V99,P1,VC1,2019-04-01,doctor,physical,""\n')},
        "not as wide as its header",
    ),
    "a quote mid-cell": ({"provider": 'id,name\nVC1,Bj"örken\n'}, "a quote inside a cell"),
    "text after a quote": ({"provider": 'id,name\nVC1,"Bj"örken\n'}, "a quote inside a cell"),
    "a backslash escape": ({"provider": 'id,name\nVC1,"Bj\\"örken"\n'}, "a quote inside"),
    "a form feed before a quote": ({"provider": 'id,name\nVC1,\x0c"Bj"\n'}, "a quote inside"),
    # the row checks
    "a quoted blank cell alone": ({"provider": 'id\nVC1\n"  "\n'}, "needs the reader's own"),
    "a quoted empty cell alone": ({"provider": 'id\nVC1\n""\n'}, "needs the reader's own checks"),
    "a no-break space alone": ({"provider": "id\nVC1\n\u00a0\n"}, "needs the reader's own"),
    "a decimal comma in a comma file": (
        {"patient_attribute": lambda t: t.replace("1.8", '"1,8"')},
        "needs the reader's own checks",
    ),
    "a decimal comma with spaces": (
        {"patient_attribute": lambda t: _semicolons(t).replace("1.8", " 1,8")},
        "needs the reader's own checks",
    ),
    "a decimal comma and a unit": (
        {"patient_attribute": lambda t: _semicolons(t).replace("1.8", "1,8 kr")},
        "needs the reader's own checks",
    ),
    "a cell as long as Python's csv field limit": (
        {"visit": _with_kind("x" * csv.field_size_limit())},
        TABLES,
    ),
    "a cell longer than Python's csv field limit": (
        {"visit": _with_kind('"' + "x" * csv.field_size_limit() + '"""')},
        "needs the reader's own checks",
    ),
    # DuckDB's strict reader, and bytes
    "mixed line ends": (
        {"visit": lambda t: t.replace("\n", "\r\n", 1)},
        "DuckDB could not make the tables",
    ),
    "Latin-1": ({"provider": "id,name\nVC1,Björken\n".encode("latin-1")}, "cannot be read"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_each_csv_check(tmp_path, case):
    edits, reason = CSV_CASES[case]
    path = _tutorial_csv(tmp_path, **edits)
    assert reason in _why(_check_same(path, TUTORIAL_RUN), path)


PC_RECORDS = [json.loads(line) for line in (PC / "data.jsonl").read_text().splitlines()]


@settings(
    max_examples=_examples(30) // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), as_csv=st.booleans())
def test_primary_care_spelt_many_ways_settles_as_from_records(tmp_path_factory, data, as_csv):
    folder = tmp_path_factory.mktemp("pc")
    if as_csv:
        path = folder / "data"
        for name, text in data.draw(_csv_files(PC_RECORDS)).items():
            _write(path, text, name)
    else:
        path = _write(folder, data.draw(_jsonl_files(PC_RECORDS)))
    found = _check_same(path, PC_RUN)
    _tally(found)


def test_python_white_space_is_every_character_str_strip_removes():
    # A one-column file's row of any of these is blank to the reader (`str.strip`).
    everything = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    assert set(table_text._PY_SPACE) == everything
