"""JSON Lines and CSV straight into DuckDB tables (`ersl/data/table_text.py`).

The table path is a shortcut, never a second meaning: for any file,
``read_data([path], contract, tables=True)`` either gives a `TableDataset` whose
tables hold exactly the records the reference reader reads (and settle to the same
statement bytes), or reads the data as records — the same dataset, the same
diagnostics. Hypothesis writes the tutorial's data with nasty spellings (escapes,
number texts, white space, line ends, quoting, separators); the deterministic tests
below show each conservative check of the module sending its input to the reader.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_table_data import PC, TUTORIAL, TUTORIAL_FEES, _datasets

import ersl.api as api
from ersl import types as T
from ersl.data.excel import is_number
from ersl.data.records import Entity
from ersl.data.table_data import TableDataset, read_tables
from ersl.errors import ErslError

TUTORIAL_RUN = (TUTORIAL, "2019", {"visit_fee": TUTORIAL_FEES.split("=", 1)[1]})
PC_RUN = (PC / "contract.ersl", "2022", {"visit_fee": str(PC / "fees.csv")})
_CONTRACTS: dict[Path, api.Contract] = {}


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


def _check_same(path: Path, run: tuple) -> tuple:
    """Read ``path`` with and without tables; assert they agree; the tables' answer.

    Agreeing: both raise the same diagnostics, or both settle to the same bytes (the
    records with both engines, the tables with the columnar one) — and a
    `TableDataset`'s tables hold the records the reference reads of every non-attribute
    type (the attribute types are seen through the statement: `cni`)."""
    contract_path, period, params = run
    contract = _contract(contract_path)
    found = read_tables([path], contract.checked)
    try:
        records = api.read_data([path], contract)
    except ErslError as error:
        expected = _errors(error)
        assert not isinstance(found, TableDataset), "the tables read what the reader refuses"
        with pytest.raises(ErslError) as caught:
            api.read_data([path], contract, tables=True)
        assert _errors(caught.value) == expected
        return found
    expected = _settled(contract, records, period, params, "columnar")
    assert _settled(contract, records, period, params, "reference") == expected
    if isinstance(found, TableDataset):
        for name in records.type_names():
            info = records.info(name)
            assert _table_rows(found, name, info) == _record_rows(records, name, info), name
        found.con.close()
    data = api.read_data([path], contract, tables=True)
    assert isinstance(data, TableDataset) == isinstance(found, TableDataset)
    assert _settled(contract, data, period, params, "columnar") == expected
    if isinstance(data, TableDataset):
        # The same data read the other way (`as_records`) settles alike, too.
        assert _settled(contract, data.as_records(), period, params, "columnar") == expected
    return found


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
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_json_lines_read_into_tables_as_the_reader_reads_them(tmp_path_factory, data):
    records = data.draw(_datasets())
    text = data.draw(_jsonl_files(records))
    path = _write(tmp_path_factory.mktemp("jsonl"), text)
    found = _check_same(path, TUTORIAL_RUN)
    import re

    event(
        "tables"
        if isinstance(found, TableDataset)
        else re.sub(r"/\S+|\d+|`.*`|\(.*", "", str(found))
    )


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
                text = "" if value is None else str(value)
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
    max_examples=60,
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
    import re

    event(
        "tables"
        if isinstance(found, TableDataset)
        else re.sub(r"/\S+|\d+|`.*`|\(.*", "", str(found))
    )
