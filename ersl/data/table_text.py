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


def _path(field: str) -> str:
    """The JSON path of a top-level key, as an SQL literal."""
    return quote_text('$."' + field + '"')


def jsonl_types(con: Any, file: str, name: str, layouts: dict[str, Layout]) -> dict | str:
    """Per record type of a JSON Lines file its `TypeSource`, or why the file is left to
    the reader. ``name`` is a table name free in ``con`` (the file's lines)."""
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT n AS {_ROW}, "
        "CASE WHEN n = 1 THEN regexp_replace(line, '^\\x{feff}', '') ELSE line END AS line "
        "FROM (SELECT generate_subscripts(l, 1) AS n, unnest(l) AS line FROM "
        f"(SELECT string_split(content, chr(10)) AS l FROM read_text({quote_text(file)})))"
    )
    # the last line of a file ending in a new line is empty: blank, like any other
    con.execute(f"DELETE FROM {name} WHERE regexp_full_match(line, {quote_text(BLANK)})")
    bad = con.execute(
        f"SELECT min({_ROW}) FROM {name} WHERE NOT regexp_full_match(line, {quote_text(LINE)})"
    ).fetchall()[0][0]
    if bad is not None:
        return f"{file}:{bad} is not a flat JSON object the tables read"
    parsed = f"{name}_json"
    con.execute(
        f"CREATE TEMP TABLE {parsed} AS SELECT {_ROW}, line, CAST(line AS JSON) AS j, "
        "json_type(line, '$.type') AS type_kind, line ->> '$.type' AS type_name, "
        "json_keys(line) AS keys FROM " + name
    )
    con.execute(f"DROP TABLE {name}")
    found = con.execute(
        f"SELECT min({_ROW}) FROM {parsed} WHERE len(keys) <> len(list_distinct(keys)) "
        "OR type_kind IS DISTINCT FROM 'VARCHAR'"
    ).fetchall()[0][0]
    if found is not None:
        return f"{file}:{found} gives a key twice or no text type"
    keys_of = dict(
        con.execute(
            f"SELECT type_name, list_distinct(flatten(list(keys))) FROM {parsed} GROUP BY type_name"
        ).fetchall()
    )
    sources: dict[str, TypeSource] = {}
    for type_name in sorted(keys_of):
        layout = layouts.get(type_name)
        if layout is None:
            return f"{file} has a record of no known type"
        info = layout.info
        keys = sorted(k for k in keys_of[type_name] if k != "type")
        unknown = [k for k in keys if k not in info.index]
        if unknown:
            return f"{file} gives {type_name} the unknown field `{unknown[0]}`"
        where = f"type_name = {quote_text(type_name)}"
        kinds_sql = ", ".join(
            f"list_distinct(list(json_type(j, {_path(k)})) FILTER "
            f"(json_type(j, {_path(k)}) <> 'NULL'))"
            for k in keys
        )
        found_kinds = (
            con.execute(f"SELECT {kinds_sql} FROM {parsed} WHERE {where}").fetchall()[0]
            if keys
            else ()
        )
        columns, cats, checks = [f"{_ROW}"], {}, []
        for key, kinds in zip(keys, found_kinds, strict=True):
            kinds = frozenset(kinds or ())
            column = quote_name(key)
            if kinds and kinds <= _NUMBER_KINDS and "DOUBLE" in kinds:
                cats[key] = "dec"
                raw = _number_text(key)
                columns.append(f"{raw} AS {column}")
                checks.append(f"({_absent(key)} OR {raw} IS NOT NULL)")
                continue
            cat = _KINDS.get(kinds)
            if cat is None:
                return f"{file} gives {type_name}'s `{key}` values of different kinds"
            cats[key] = cat
            if cat == "int":
                raw = _number_text(key)
                columns.append(f"CAST({raw} AS BIGINT) AS {column}")
                checks.append(f"({_absent(key)} OR {raw} IS NOT NULL)")
            elif cat == "bool":
                columns.append(f"CAST(j -> {_path(key)} AS BOOLEAN) AS {column}")
            elif cat == "list:str":
                items = f"CAST(j -> {_path(key)} AS JSON[])"
                columns.append(
                    f"CAST(json_extract_string(j, {quote_text(_list_path(key))}) AS VARCHAR[]) "
                    f"AS {column}"
                )
                checks.append(
                    f"({_absent(key)} OR "
                    f"len(list_filter({items}, lambda e: json_type(e) <> 'VARCHAR')) = 0)"
                )
            else:
                columns.append(f"j ->> {_path(key)} AS {column}")
        columns.append(f"({' AND '.join(checks) or 'TRUE'}) AS {_CHECK}")
        source = f"(SELECT {', '.join(columns)} FROM {parsed} WHERE {where})"
        sources[type_name] = (source, cats, _CHECK)
    return sources


def _absent(field: str) -> str:
    """SQL: the line gives the field no value (no key, or null)."""
    return f"coalesce(json_type(j, {_path(field)}), 'NULL') = 'NULL'"


def _list_path(field: str) -> str:
    return '$."' + field + '"[*]'


def _number_text(field: str) -> str:
    """SQL: the text of a number field's value, from the line itself (NULL if not there:
    a key written with escapes)."""
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
