"""The records of a `given` block, as data for a settlement (SPEC §7).

A `given { … }` block holds records written as ERSL (`visit V1 { patient P1,
date 2022-03-10, … }`, `listing P1 at VC1 from 2020-01-01`). They are turned
into raw records — the values a JSON Lines line would hold — and read by the
data layer's own reader, so inline records are validated exactly like data
files (references, duplicate ids, overlapping listings, enum members…). A data
error points at the record or field in the test file, not at a data file.

`GivenRecord` is also what the property checker generates, and `render_given`
writes records back as a ready-to-paste `given` block.
"""

from __future__ import annotations

import copy
import datetime
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from ersl import ast
from ersl.data.dataset import Dataset
from ersl.data.read import _Reader
from ersl.data.values import symbols_of
from ersl.errors import ErslError
from ersl.exact import format_decimal
from ersl.span import Span


@attrs.define
class GivenData:
    """One raw record: its data type (`visit`), raw field values and where it was written."""

    type: str
    fields: dict[str, Any]
    span: Span | None = None
    field_spans: dict[str, Span] = attrs.field(factory=dict)


class NotALiteral(ValueError):
    """A given field's value is not a literal value (the checker normally reports it)."""

    def __init__(self, node: ast.Node) -> None:
        super().__init__("a given field needs a literal value")
        self.node = node


def raw_value(node: ast.Expr) -> Any:
    """The raw data value (as JSON would hold it) of a literal written in a `given` record."""
    from ersl.interpreter.values import RateValue, quantity_value

    match node:
        case ast.StringLit(value=value):
            return value
        case ast.Name(name=name):
            return name
        case ast.DateLit(value=value):
            return value.isoformat()
        case ast.MonthLit(year=year, month=month):
            return f"{year:04d}-{month:02d}"
        case ast.Number(value=value):
            return int(value) if value.denominator == 1 else value
        case ast.Quantity():
            value = quantity_value(node)
            if isinstance(value, RateValue):
                return value.amount
            if isinstance(value, Fraction | int):
                return Fraction(value)
            raise NotALiteral(node)
        case ast.BoolLit(value=value):
            return value
        case ast.NoneLit():
            return None
        case ast.SetLit(items=items):
            return [raw_value(item) for item in items]
        case ast.Unary(op="-", operand=operand):
            value = raw_value(operand)
            if isinstance(value, int | Fraction) and not isinstance(value, bool):
                return -value
    raise NotALiteral(node)


def from_block(items, symbols) -> list[GivenData]:
    """The raw records of a `given { … }` block."""
    id_types = {schema.data_name for schema in symbols.schema.values() if "id" in schema.fields}
    records = []
    for item in items:
        if isinstance(item, ast.GivenListing):
            fields: dict[str, Any] = {
                "patient": item.patient.name,
                "provider": item.provider.name,
                "start": item.start.isoformat(),
            }
            spans = {
                "patient": item.patient.span,
                "provider": item.provider.span,
                "start": item.span,
            }
            if item.end is not None:
                fields["end"] = item.end.isoformat()
                spans["end"] = item.span
            records.append(GivenData("listing", fields, item.span, spans))
            continue
        fields = {}
        spans = {}
        if item.id is not None and item.type.name in id_types:
            fields["id"] = item.id.name
            spans["id"] = item.id.span
        for field in item.fields:
            try:
                fields[field.name.name] = raw_value(field.value)
            except NotALiteral as problem:
                raise ErslError(_not_literal(problem.node)) from None
            spans[field.name.name] = field.value.span
        records.append(GivenData(item.type.name, fields, item.span, spans))
    return records


def _not_literal(node: ast.Node):
    from ersl.diagnostics import Diagnostic

    return Diagnostic(
        "E0405",
        "a given field needs a literal value (a date, number, amount, text, name or set)",
        node.span,
        help='write the value itself, e.g. 2022-03-10, 1.5, 200 kr, "preop", doctor, {"I10"}',
    )


class _GivenReader(_Reader):
    """The data reader, pointing its errors at `given` records in a test file."""

    _SHARED = ("infos", "layouts", "enums", "decoder")  # built once, read-only while reading

    def __init__(self, symbols: Any) -> None:
        super().__init__(symbols, skip_invalid=False)
        self.given_spans: dict[tuple[str, int], Span] = {}
        self.given_fields: dict[tuple[str, int, str], Span] = {}

    def fresh(self) -> _GivenReader:
        """A new reader sharing this one's layouts (building them is the costly part)."""
        clone = copy.copy(self)
        for name, value in vars(self).items():
            if name not in self._SHARED:
                setattr(clone, name, copy.deepcopy(value))
        return clone

    def point_at(self, records: list[GivenData]) -> None:
        """Remember where each record and field was written."""
        for record in records:
            if record.span is None:
                continue
            key = (record.span.file, record.span.line)
            self.given_spans.setdefault(key, record.span)
            for name, span in record.field_spans.items():
                self.given_fields.setdefault((*key, name), span)

    def span(self, file, line, field, column, lines):  # ProblemLog's hook
        if (file, line) in self.given_spans:
            if field is not None and (file, line, field) in self.given_fields:
                return self.given_fields[(file, line, field)]
            return self.given_spans[(file, line)]
        return super().span(file, line, field, column, lines)


_TEMPLATES: dict[int, tuple[object, _GivenReader]] = {}


def _reader(symbols) -> _GivenReader:
    """A fresh reader for a contract's symbols (layouts built once per symbols)."""
    entry = _TEMPLATES.get(id(symbols))
    if entry is None or entry[0] is not symbols:
        if len(_TEMPLATES) > 32:
            _TEMPLATES.clear()
        entry = _TEMPLATES[id(symbols)] = (symbols, _GivenReader(symbols))
    return entry[1].fresh()


def read_given(
    records: list[GivenData],
    contract,
    sources=None,
    origin: str = "<given>",
    as_of: date | None = None,
) -> Dataset:
    """A validated `Dataset` of in-memory records (raises `ErslError` with their spans),
    as known on ``as_of`` when given."""
    symbols = symbols_of(contract)
    reader = _reader(symbols)
    reader.as_of = as_of
    reader.point_at(records)
    for number, record in enumerate(records, 1):
        file, line = (
            (record.span.file, record.span.line) if record.span is not None else (origin, number)
        )
        layout = reader.layouts.get(record.type)
        if layout is None:
            reader.bad_records += 1
            reader._unknown_type(record.type, file, line)
            continue
        reader.record(layout, dict(record.fields), file, line)
    try:
        return reader.finish()
    except ErslError as error:
        if sources is None:
            raise
        raise ErslError(error.diagnostics, sources) from None


# ---------------------------------------------------------------------- writing records back


def literal(value: Any, kind: str = "text") -> str:
    """A raw data value written as an ERSL literal (`kind`: text, name, date, money, number)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return "{" + ", ".join(literal(v, kind) for v in items) + "}"
    if kind == "money":
        return f"{format_decimal(Fraction(value))} kr"
    if kind == "percent":
        return f"{format_decimal(Fraction(value) * 100)} %"
    if isinstance(value, int | Fraction):
        return format_decimal(Fraction(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind in ("name", "date"):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render_given(
    records: list[GivenData], kinds: dict[str, dict[str, str]], indent: str
) -> list[str]:
    """`given` block lines for raw records; `kinds[type][field]` says how to write a value."""
    lines = []
    for record in records:
        fields = dict(record.fields)
        if record.type == "listing" and set(fields) <= {"patient", "provider", "start", "end"}:
            text = f"listing {fields['patient']} at {fields['provider']} from {fields['start']}"
            if fields.get("end") is not None:
                text += f" to {fields['end']}"
            lines.append(indent + text)
            continue
        head = record.type
        ident = fields.pop("id", None)
        if ident is not None:
            head += f" {ident}"
        type_kinds = kinds.get(record.type, {})
        parts = [
            f"{name} {literal(value, type_kinds.get(name, 'text'))}"
            for name, value in fields.items()
            if value is not None and value != []
        ]
        lines.append(indent + head + (" { " + ", ".join(parts) + " }" if parts else " {}"))
    return lines


__all__ = ["GivenData", "from_block", "literal", "raw_value", "read_given", "render_given"]
