"""Writing a `Dataset` back out: canonical JSON Lines and CSV folders.

Part of the data layer (:mod:`ersl.data`). The dump is canonical — types in a
fixed order, records in canonical order, fields in schema order, absent
optional fields and empty sets left out, synthetic ids not written — so two
datasets are equal exactly when their dumps are, and reading a dump back gives
an equal `Dataset`.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from ersl import types as T
from ersl.data.dataset import Dataset
from ersl.data.records import Entity, TypeInfo
from ersl.exact import format_decimal

__all__ = ["dump_csv", "dump_jsonl"]

#: A JSON string literal, non-ASCII letters kept (``json.dumps(s, ensure_ascii=False)``).
_quote: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]

_DECIMALS: dict[Fraction, str] = {}


def _decimal(value: Fraction | int) -> str:
    """``format_decimal``, remembered (data repeats the same amounts)."""
    text = _DECIMALS.get(value)
    if text is None:
        if len(_DECIMALS) > 100_000:
            _DECIMALS.clear()
        text = _DECIMALS[value] = format_decimal(Fraction(value))
    return text


def _text_writer(t: T.Type) -> Callable[[Any], str]:
    """How a value of type ``t`` is written as text (a CSV cell, a JSON string's content)."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        element = _text_writer(t.element)
        return lambda v: ";".join(sorted(map(element, v)))
    if isinstance(t, T.RecordT):
        return lambda v: v.id
    if t == T.MONTH:
        return lambda v: v.isoformat()[:7]
    if t == T.DATE:
        return date.isoformat
    if t == T.BOOL:
        return lambda v: "true" if v else "false"
    if t == T.INT:
        return str
    if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate):
        return _decimal
    return lambda v: v if v.__class__ is str else str(v)


def _json_writer(t: T.Type) -> Callable[[Any], str]:
    """How a value of type ``t`` is written as JSON: numbers and truth values bare."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        element = _json_writer(t.element)
        return lambda v: "[" + ", ".join(sorted(map(element, v))) + "]"
    if t == T.BOOL:
        return lambda v: "true" if v else "false"
    if t == T.INT or t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate):
        return _decimal
    text = _text_writer(t)
    return lambda v: _quote(text(v))


def _absent(value: Any) -> bool:
    return value is None or (value.__class__ is frozenset and not value)


def _attribute_rows(dataset: Dataset, info: TypeInfo) -> list[tuple[Entity, date, dict]]:
    """Attribute records grouped per (entity, date), fields in schema order."""
    rows = []
    for entity in dataset._records.get(info.attribute_of or "", ()):
        by_date: dict[date, dict[str, Any]] = {}
        for field in entity.info.attribute_fields:
            for day, value in entity.timeline(field):
                by_date.setdefault(day, {})[field] = value
        for day in sorted(by_date):
            rows.append((entity, day, by_date[day]))
    return rows


def _dump_order(dataset: Dataset) -> list[str]:
    names = [n for n in dataset._records if dataset._infos[n].kind != "attribute"]
    entities = sorted(
        (n for n in names if dataset._infos[n].is_entity),
        key=lambda n: (n != "Provider", n != "Patient", n),
    )
    others = sorted((n for n in names if not dataset._infos[n].is_entity), key=lambda n: n)
    attrs_ = [n for n in ("provider_attribute", "patient_attribute") if n in dataset._infos]
    return entities + attrs_ + others


def dump_jsonl(dataset: Dataset) -> str:
    """The dataset as canonical JSON Lines: reading it back gives an equal `Dataset`.

    Types in a fixed order (providers, patients, other entities, attribute
    records, then the rest by name), records in canonical order, fields in
    schema order; absent optional fields and empty sets are left out; synthetic
    ids are not written. Two datasets are equal exactly when their dumps are.
    """
    out: list[str] = []
    for name in _dump_order(dataset):
        info = dataset._infos[name]
        head = f'{{"type": {json.dumps(info.data_name)}'
        writers = [
            (f'"{f}": ', _json_writer(t)) for f, t in zip(info.fields, info.types, strict=True)
        ]
        if info.kind == "attribute":
            ref, by_field = info.fields[0], dict(zip(info.fields, writers, strict=True))
            for entity, day, values in _attribute_rows(dataset, info):
                parts = [
                    head,
                    f'"{ref}": {_quote(entity.id)}',
                    f'"from": "{day.isoformat()}"',
                ]
                for f, v in values.items():
                    key, write = by_field[f]
                    parts.append(key + write(v))
                out.append(", ".join(parts) + "}\n")
            continue
        for record in dataset._records[name]:
            parts = [head]
            for (key, write), value in zip(writers, record.values, strict=True):
                if not _absent(value):
                    parts.append(key + write(value))
            out.append(", ".join(parts) + "}\n")
    return "".join(out)


def dump_csv(dataset: Dataset, folder: str | os.PathLike) -> list[Path]:
    """Write the dataset as a folder of ``<type>.csv`` files; returns the files written.

    Reading the folder back gives an equal `Dataset`. Types without records are
    not written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(data_name: str, header: Iterable[str], rows: list[list[str]]) -> None:
        if not rows:
            return
        path = folder / f"{data_name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(list(header))
            writer.writerows(rows)
        written.append(path)

    for name in _dump_order(dataset):
        info = dataset._infos[name]
        writers = [_text_writer(t) for t in info.types]
        if info.kind == "attribute":
            by_field = dict(zip(info.fields, writers, strict=True))
            rows = [
                [entity.id, day.isoformat()]
                + ["" if (v := values.get(f)) is None else by_field[f](v) for f in info.fields[2:]]
                for entity, day, values in _attribute_rows(dataset, info)
            ]
            write(info.data_name, info.fields, rows)
            continue
        rows = [
            ["" if _absent(v) else w(v) for w, v in zip(writers, record.values, strict=True)]
            for record in dataset._records[name]
        ]
        write(info.data_name, info.fields, rows)
    return written
