"""JSON Lines and CSV files as DuckDB relations, for the table path (issue 14).

Part of the data layer (:mod:`ersl.data`), used by :mod:`ersl.data.table_data`. A
text file becomes, per record type, a relation with one column per field and a
column kind the Parquet plans know (:mod:`ersl.data.parquet_plan`: ``str``, ``int``,
``dec``, ``bool``, ``list:str``), so the same row checks and conversions apply.

Both readers read only what DuckDB and Python's own readers certainly read alike;
anything else is a reason to read the file as records (the reader's diagnostics):

* **JSON Lines**: every line is blank or one flat JSON object in strict JSON (a
  regular expression of the grammar: strings without control characters, lone
  surrogates or NUL; numbers without an exponent — their text is taken from the line
  itself, exactly, since DuckDB keeps a fraction as a binary float; values texts,
  numbers, true/false, null or flat lists), lines split at ``\\n`` only (a ``\\r``
  only before it), no key twice, a text ``type`` naming a record type, no unknown key,
  one JSON kind per field and type;
* **CSV**: a header without quotes naming known, distinct fields (every required one
  among them), no blank row, no lone ``\\r``, no white space between a separator and
  a quote, every row exactly as wide as the header (a full match of the file: cells
  quoted or without quotes; DuckDB's strict mode lets a row end in extra empty
  cells), no cell longer than Python's csv field limit, in a file of one column no
  row of white space; a `;`-separated file's decimal commas are read as the reader
  reads them.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from ersl.data.excel import delimiter, is_number
from ersl.data.parquet_plan import quote_name, quote_text
from ersl.data.values import Layout

TypeSource = tuple[str, dict[str, str], str]
"""A record type's rows in a file: (SQL relation, field → column kind, SQL row check)."""

_ROW = "__ersl_row"
_CHECK = "__ersl_check"  # the JSON Lines checks of a row, beside its fields

# ------------------------------------------------------------------ JSON Lines grammar
_WS = "[ \\t]*"
_STRING = (
    '"(?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt]'
    "|\\\\u(?:[1-9a-cA-CefEF][0-9a-fA-F]{3}|0(?:0(?:0[1-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F])"
    '|[1-9a-fA-F][0-9a-fA-F]{2})|[dD][0-7][0-9a-fA-F]{2}))*"'
)
_NUMBER = "-?(?:0|[1-9][0-9]{0,17})(?:\\.[0-9]{1,18})?"
_ATOM = f"(?:{_STRING}|{_NUMBER}|true|false|null)"
_LIST = f"\\[{_WS}(?:{_ATOM}(?:{_WS},{_WS}{_ATOM})*)?{_WS}\\]"
_PAIR = f"{_STRING}{_WS}:{_WS}(?:{_ATOM}|{_LIST})"
LINE = f"{_WS}\\{{{_WS}(?:{_PAIR}(?:{_WS},{_WS}{_PAIR})*)?{_WS}\\}}{_WS}\\r?"
"""A line the table path reads (RE2): one flat JSON object in strict JSON."""
BLANK = "[ \\t]*\\r?"
"""A blank line (the reader skips it)."""

_KINDS = {
    frozenset(): "str",
    frozenset({"VARCHAR"}): "str",
    frozenset({"BIGINT"}): "int",
    frozenset({"UBIGINT"}): "int",
    frozenset({"BIGINT", "UBIGINT"}): "int",
    frozenset({"BOOLEAN"}): "bool",
    frozenset({"ARRAY"}): "list:str",
}
_NUMBER_KINDS = {"BIGINT", "UBIGINT", "DOUBLE"}


def jsonl_types(
    con: Any, file: str, name: str, layouts: dict[str, Layout], keep: set[str]
) -> dict | str:
    """Per record type of a JSON Lines file its `TypeSource`, or why the file is left to
    the reader. ``name`` is a table name free in ``con``: the file's lines, each parsed
    once into a struct of its fields' JSON values, beside the texts of its decimal
    numbers and — for the types in ``keep``, which the reader may read — the line."""
    lines = f"{name}_lines"
    con.execute(
        f"CREATE TEMP TABLE {lines} AS SELECT n AS {_ROW}, line FROM (SELECT n, "
        "CASE WHEN n = 1 THEN regexp_replace(line, '^\\x{feff}', '') ELSE line END AS line "
        "FROM (SELECT generate_subscripts(l, 1) AS n, unnest(l) AS line FROM "
        f"(SELECT string_split(content, chr(10)) AS l FROM read_text({quote_text(file)})))) "
        # blank lines are skipped (the last of a file ending in a new line is one)
        f"WHERE NOT regexp_full_match(line, {quote_text(BLANK)})"
    )
    bad = con.execute(
        f"SELECT min({_ROW}) FROM {lines} WHERE NOT regexp_full_match(line, {quote_text(LINE)})"
    ).fetchall()[0][0]
    if bad is not None:
        return f"{file}:{bad} is not a flat JSON object the tables read"
    signatures = con.execute(
        "SELECT json_type(line, '$.type'), line ->> '$.type', json_keys(line) "
        f"FROM {lines} GROUP BY ALL"
    ).fetchall()
    keys_of: dict[str, set[str]] = {}
    for type_kind, type_name, keys in signatures:
        if type_kind != "VARCHAR" or len(set(keys)) != len(keys):
            return f"{file} has a record with no text type or a key given twice"
        layout = layouts.get(type_name)
        if layout is None:
            return f"{file} has a record of no known type"
        unknown = [k for k in keys if k != "type" and k not in layout.info.index]
        if unknown:
            return f"{file} gives {type_name} the unknown field `{unknown[0]}`"
        keys_of.setdefault(type_name, set()).update(k for k in keys if k != "type")
    fields = sorted(set().union(*keys_of.values()))
    structure = "{" + ", ".join(['"type": "VARCHAR"', *(f'"{k}": "JSON"' for k in fields)]) + "}"
    numbers = _number_fields(keys_of, layouts)
    texts = [
        f"CASE WHEN j.type IN ({', '.join(map(quote_text, sorted(types)))}) "
        f"THEN {_number_text(key)} END AS {_text_column(key)}"
        for key, types in sorted(numbers.items())
    ]
    kept = ", ".join(map(quote_text, sorted(keep & set(keys_of)))) or "NULL"
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT {_ROW}, "
        f"CASE WHEN j.type IN ({kept}) THEN line END AS line, {''.join(t + ', ' for t in texts)}j "
        f"FROM (SELECT {_ROW}, line, from_json(line, {quote_text(structure)}) AS j FROM {lines})"
    )
    con.execute(f"DROP TABLE {lines}")
    kinds = con.execute(
        f"SELECT j.type, {', '.join(['NULL', *(f'json_type({_field(k)})' for k in fields)])} "
        f"FROM {name} GROUP BY ALL"
    ).fetchall()
    kinds_of: dict[tuple[str, str], set[str]] = {}
    for type_name, _, *found in kinds:
        for key, kind in zip(fields, found, strict=True):
            if kind is not None and kind != "NULL":
                kinds_of.setdefault((type_name, key), set()).add(kind)
    sources: dict[str, TypeSource] = {}
    for type_name in sorted(keys_of):
        columns, cats, checks = [_ROW], {}, []
        for key in sorted(keys_of[type_name]):
            found = frozenset(kinds_of.get((type_name, key), ()))
            column, value = quote_name(key), _field(key)
            cat = "dec" if found and found <= _NUMBER_KINDS and "DOUBLE" in found else None
            cat = cat or _KINDS.get(found)
            if cat is None:
                return f"{file} gives {type_name}'s `{key}` values of different kinds"
            cats[key] = cat
            if cat == "dec":
                text = _text_column(key) if type_name in numbers.get(key, ()) else "NULL"
                columns.append(f"{text} AS {column}")
                checks.append(f"({_absent(key)} OR {text} IS NOT NULL)")
            elif cat == "int":  # JSON's whole numbers are exact (up to 18 digits: `LINE`)
                columns.append(f"CAST({value} AS BIGINT) AS {column}")
            elif cat == "bool":
                columns.append(f"CAST({value} AS BOOLEAN) AS {column}")
            elif cat == "list:str":
                columns.append(f"CAST({value} AS VARCHAR[]) AS {column}")
                checks.append(
                    f"({_absent(key)} OR len(list_filter(CAST({value} AS JSON[]), "
                    "lambda e: json_type(e) <> 'VARCHAR')) = 0)"
                )
            else:
                columns.append(f"{value} ->> '$' AS {column}")
        columns.append(f"({' AND '.join(checks) or 'TRUE'}) AS {_CHECK}")
        where = f"j.type = {quote_text(type_name)}"
        source = f"(SELECT {', '.join(columns)} FROM {name} WHERE {where})"
        sources[type_name] = (source, cats, _CHECK)
    return sources


def _number_fields(keys_of: dict[str, set[str]], layouts: dict[str, Layout]) -> dict:
    """Per key, the record types whose field of that name holds a number (their
    decimals' texts are taken from the lines)."""
    found: dict[str, set[str]] = {}
    for type_name, keys in keys_of.items():
        info = layouts[type_name].info
        for key in keys:
            if is_number(info.types[info.index[key]]):
                found.setdefault(key, set()).add(type_name)
    return found


def _text_column(field: str) -> str:
    """The column of a parsed line with the text of a field's number."""
    return quote_name(f"__ersl_text_{field}")


def _field(field: str) -> str:
    """SQL: the JSON value of a field of a parsed line (NULL if the line has none)."""
    return f"j.{quote_name(field)}"


def _absent(field: str) -> str:
    """SQL: the line gives the field no value (no key, or null)."""
    return f"coalesce(json_type({_field(field)}), 'NULL') = 'NULL'"


def _number_text(field: str) -> str:
    """SQL: the text of a number field's decimal value, from the line itself (NULL if
    not there: a key written with escapes, a value that is no number)."""
    pattern = '"' + re.escape(field) + '"' + _WS + ":" + _WS + f"({_NUMBER})" + _WS + "[,}]"
    return f"nullif(regexp_extract(line, {quote_text(pattern)}, 1), '')"


# ------------------------------------------------------------------ CSV


def csv_type(
    con: Any, file: str, stem: str, layouts: dict[str, Layout]
) -> tuple[str, TypeSource] | str:
    """The record type of a CSV file and its `TypeSource`, or why the file is left to
    the reader."""
    layout = layouts.get(stem)
    if layout is None:
        return f"{file} is named after no record type"
    info = layout.info
    with open(file, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if not first.strip():
        return f"{file} has no header"
    if '"' in first or "\r" in first.rstrip("\r\n"):
        return f"the header of {file} has quotes"
    separator = delimiter(first)
    header = [h.strip() for h in first.rstrip("\r\n").split(separator)]
    if len(set(header)) != len(header) or any(h not in info.index for h in header):
        return f"the header of {file} names a field twice or an unknown field"
    if any(info.fields[i] not in header for i in layout.required):
        return f"the header of {file} lacks a required field"
    sep = re.escape(separator)
    text = f"(SELECT content FROM read_text({quote_text(file)}))"
    suspicious = (
        # a blank row (counted by the reader), a lone CR, white space before an opening
        # or after a closing quote (read differently by Python's csv and DuckDB)
        f"(^|\\n)[ \\t\\f\\v\\r]*\\n|\\n[ \\t\\f\\v\\r]+$|\\r([^\\n]|$)"
        f'|(^|\\n|{sep})[ \\t]+"|"[ \\t]+({sep}|\\r|\\n|$)'
    )
    found = con.execute(
        f"SELECT regexp_matches(content, {quote_text(suspicious)}) FROM {text}"
    ).fetchall()
    if found and found[0][0]:
        return f"{file} has a blank row or white space or line ends the reader reads its own way"
    # Every row exactly as wide as the header: DuckDB's strict mode lets a row end in
    # extra empty cells (`a,b,,` read as `a,b`), Python's csv counts them.
    if not _rows_as_wide(con, text, separator, len(header)):
        return f"{file} has a row not as wide as its header, or a quote inside a cell"
    names = {f"c{i}": h for i, h in enumerate(header)}
    columns = "{" + ", ".join(f"{quote_text(c)}: 'VARCHAR'" for c in names) + "}"
    read = (
        f"read_csv({quote_text(file)}, columns = {columns}, header = false, skip = 1, "
        f"sep = {quote_text(separator)}, quote = '\"', escape = '\"', auto_detect = false, "
        "strict_mode = true, null_padding = false)"
    )
    values = []
    for c, field in names.items():
        value = c
        if separator == ";" and is_number(info.types[info.index[field]]):
            value = (
                f"CASE WHEN regexp_full_match({c}, '[+-]?[0-9]+,[0-9]+') "
                f"THEN replace({c}, ',', '.') ELSE {c} END"
            )
        values.append(f"{value} AS {quote_name(field)}")
    source = f"(SELECT row_number() OVER () + 1 AS {_ROW}, {', '.join(values)} FROM {read})"
    # Python's csv refuses a cell longer than its field limit ("malformed CSV").
    limit = csv.field_size_limit()
    checks = [f"coalesce(length({quote_name(h)}), 0) <= {limit}" for h in header]
    if len(header) == 1:
        # A file of one column: a row of white space (quoted, or any Python white
        # space) is a blank row to the reader, a value to DuckDB.
        checks.append(f"regexp_matches({quote_name(header[0])}, {quote_text(_NOT_BLANK)})")
    return info.data_name, (source, dict.fromkeys(header, "str"), " AND ".join(checks))


_PY_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)  # every character whose str.isspace() is true
_NOT_BLANK = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in _PY_SPACE) + "]"
"""A character Python's `str.strip` keeps (RE2)."""


def _rows_as_wide(con: Any, text: str, separator: str, width: int) -> bool:
    """Whether the file (``text``: SQL of its content) is a header line, then rows of
    exactly ``width`` cells, each quoted (RFC 4180) or without quotes (RE2)."""
    sep = re.escape(separator)
    cell = f'(?:"(?:[^"]|"")*"|[^"{sep}\\r\\n]*)'
    row = cell + f"(?:{sep}{cell})" * (width - 1)
    pattern = f"[^\\r\\n]*(?:\\r?\\n{row})*(?:\\r?\\n)?"
    found = con.execute(f"SELECT regexp_full_match(content, {quote_text(pattern)}) FROM {text}")
    return all(ok for (ok,) in found.fetchall())
