"""Typed data records and entities: what one row of event data is once read.

Values are typed: numbers are exact :class:`fractions.Fraction` (never floats),
dates :class:`datetime.date` (a ``month`` field is the first day of its month),
enum members and codes ``str``, sets ``frozenset``, references to a patient,
provider or other entity the :class:`Entity` itself, and an absent optional
field ``None``. Entities (patients, providers) carry time-varying attributes as
timelines; :class:`ersl.data.dataset.Dataset` holds them all with their indexes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from ersl import types as T
from ersl.exact import format_decimal
from ersl.span import Span, place
from ersl.types import snake_case

#: Patient fields that never vary; every other Patient field is a time-varying attribute.
PATIENT_FIXED_FIELDS = ("id", "birth_date", "sex")
#: Provider fields that never vary; extended fields may vary through `provider_attribute`.
PROVIDER_FIXED_FIELDS = ("id", "name", "kind", "start_date", "area")

#: The "no value" sentinel of attribute look-ups (distinct from an absent value, None).
MISSING: Any = object()


class MissingAttribute(LookupError):
    """A time-varying attribute has no value in force on a date (SPEC §5).

    Raised by :meth:`Dataset.attribute` / :meth:`Entity.attribute`; the interpreter
    turns it into a diagnostic naming the declaration. ``entity_kind`` is the
    schema type name (``"Patient"``), ``entity_id`` its id, ``field`` the
    attribute and ``date`` the day it was needed.
    """

    def __init__(self, entity_kind: str, entity_id: str, field: str, date: date) -> None:
        self.entity_kind = entity_kind
        self.entity_id = entity_id
        self.field = field
        self.date = date
        data_name = snake_case(entity_kind)
        super().__init__(
            f"{data_name} {entity_id} has no `{field}` in force on {date.isoformat()}; "
            f"add a `{data_name}_attribute` record with `{field}` from a date on or before "
            f"{date.isoformat()}"
        )


class AttributeVaries(KeyError):
    """A time-varying attribute was read without a date; use :meth:`Entity.attribute`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class TypeInfo:
    """How one data record type is laid out: its fields, their types and roles.

    Shared by every record of the type. ``name`` is the schema name (``Visit``;
    ``patient_attribute`` for the attribute types), ``data_name`` the ``type``
    written in the data (``visit``), ``kind`` one of record/event/span/attribute.
    """

    __slots__ = (
        "name",
        "data_name",
        "kind",
        "fields",
        "types",
        "index",
        "date_field",
        "date_index",
        "id_index",
        "attribute_fields",
        "attribute_of",
        "is_entity",
    )

    def __init__(
        self,
        name: str,
        data_name: str,
        kind: str,
        fields: dict[str, T.Type],
        date_field: str | None,
        attribute_fields: tuple[str, ...] = (),
        attribute_of: str | None = None,
    ) -> None:
        self.name = name
        self.data_name = data_name
        self.kind = kind
        self.fields: tuple[str, ...] = tuple(fields)
        self.types: tuple[T.Type, ...] = tuple(fields.values())
        self.index: dict[str, int] = {f: i for i, f in enumerate(self.fields)}
        self.date_field = date_field
        self.date_index = self.index.get(date_field) if date_field else None
        self.id_index = self.index.get("id") if kind != "attribute" else None
        self.attribute_fields = attribute_fields
        self.attribute_of = attribute_of
        self.is_entity = kind == "record" and "id" in self.index

    def __repr__(self) -> str:
        return f"TypeInfo({self.name})"


class Record:
    """One data record: an event, a span, or a record without id (e.g. IndicatorResult).

    Read a field with ``record["date"]`` or ``record.get("kind")``; values are
    typed (see the module docstring). ``id`` is the record's id, or a synthetic
    id (``observation#0001``: the position in the canonical order of its type)
    for types without an ``id`` field. ``source`` points at the data line.
    Records compare by identity: within one `Dataset` each is one object.
    """

    __slots__ = ("info", "id", "values", "_file", "_line")

    def __init__(self, info: TypeInfo, id: str, values: tuple, file: str, line: int) -> None:
        self.info = info
        self.id = id
        self.values = values
        self._file = file
        self._line = line

    @property
    def type(self) -> str:
        """The schema type name (``Visit``)."""
        return self.info.name

    @property
    def data_name(self) -> str:
        """The data type name (``visit``)."""
        return self.info.data_name

    @property
    def date(self) -> date | None:
        """The record's date: ``date`` for events, ``start`` for spans, else None."""
        i = self.info.date_index
        return None if i is None else self.values[i]

    @property
    def source(self) -> Span:
        """The data line the record came from (whole line)."""
        return Span(self._file, self._line, 1, self._line, 1)

    @property
    def location(self) -> str:
        """``file:line`` of the record (``file:row N`` for a Parquet file)."""
        return place(self._file, self._line)

    @property
    def has_synthetic_id(self) -> bool:
        """Whether ``id`` was made up (the type has no ``id`` field)."""
        return self.info.id_index is None

    def __getitem__(self, field: str) -> Any:
        i = self.info.index.get(field)
        if i is None:
            raise KeyError(f"{self.info.name} has no field `{field}`")
        return self.values[i]

    def get(self, field: str, default: Any = None) -> Any:
        """The value of ``field``, or ``default`` when it is absent (None)."""
        i = self.info.index.get(field)
        if i is None:
            raise KeyError(f"{self.info.name} has no field `{field}`")
        value = self.values[i]
        return default if value is None else value

    def fields(self) -> dict[str, Any]:
        """Every field and its value (None for absent optional fields)."""
        return dict(zip(self.info.fields, self.values, strict=True))

    def __repr__(self) -> str:
        return f"{self.info.name}({self.id})"


class Timeline:
    """Values of one attribute of one entity, each in force from its date."""

    __slots__ = ("dates", "values")

    def __init__(self, entries: list[tuple[date, Any]]) -> None:
        self.dates, self.values = zip(*entries, strict=True) if entries else ((), ())

    def at(self, on: date) -> Any:
        """The value in force on ``on``, or the missing marker."""
        i = bisect_right(self.dates, on) - 1
        return self.values[i] if i >= 0 else MISSING


class Entity(Record):
    """A record looked up by id: a patient, a provider, or another `record` type with `id`.

    Fixed fields read as for any record. Time-varying attributes (every Patient
    field except id, birth_date and sex; Provider's extended fields) are read
    with :meth:`attribute` on a date; ``entity["cni"]`` raises `AttributeVaries`.
    A value written on the entity's own row is in force before its first
    attribute record.
    """

    __slots__ = ("_timelines",)

    def __init__(self, info: TypeInfo, id: str, values: tuple, file: str, line: int) -> None:
        super().__init__(info, id, values, file, line)
        self._timelines: dict[str, Timeline] = {}

    def __getitem__(self, field: str) -> Any:
        if field in self.info.attribute_fields:
            raise AttributeVaries(
                f"`{field}` of {self.info.name} varies over time; "
                f"use .attribute({field!r}, on=date) or Dataset.attribute"
            )
        return super().__getitem__(field)

    def get(self, field: str, default: Any = None) -> Any:
        """The value of a fixed field, or ``default`` when absent."""
        self[field]  # raises for unknown and time-varying fields
        return super().get(field, default)

    def attribute(self, field: str, on: date, default: Any = MISSING) -> Any:
        """The value of ``field`` in force on ``on``.

        Raises `MissingAttribute` when none is in force, unless ``default`` is given.
        Fixed fields may be read this way too (their value on every date).
        """
        i = self.info.index.get(field)
        if i is None:
            raise KeyError(f"{self.info.name} has no field `{field}`")
        timeline = self._timelines.get(field)
        value = MISSING if timeline is None else timeline.at(on)
        if value is MISSING:
            value = self.values[i]
            if value is None:
                value = MISSING
        if value is MISSING:
            if default is not MISSING:
                return default
            raise MissingAttribute(self.info.name, self.id, field, on)
        return value

    def timeline(self, field: str) -> tuple[tuple[date, Any], ...]:
        """The attribute records of ``field``: ``(from, value)`` by date (row value excluded)."""
        t = self._timelines.get(field)
        return () if t is None else tuple(zip(t.dates, t.values, strict=True))


def attribute_column(entities: Sequence[Entity], field: str, dates: Sequence[date]) -> list:
    """`entity.attribute(field, on)` for each entity and date of two equal-length columns
    of one entity type (bulk settlement); raises `MissingAttribute` as `attribute` does."""
    if not entities:
        return []
    i = entities[0].info.index[field]
    out = []
    for entity, on in zip(entities, dates, strict=True):
        timeline = entity._timelines.get(field)
        value = MISSING
        if timeline is not None:  # Timeline.at, inlined
            at = bisect_right(timeline.dates, on) - 1
            if at >= 0:
                value = timeline.values[at]
        if value is MISSING:
            value = entity.values[i]
            if value is None:
                raise MissingAttribute(entity.info.name, entity.id, field, on)
        out.append(value)
    return out


# ---------------------------------------------------------------------- canonical form


def canonical(value: Any, type_: T.Type | None = None) -> str:
    """A value as text, the same way for JSON and CSV input (used for ordering and checks)."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None:
        return ""
    if cls is date:
        if type_ is not None and T.strip_optional(type_) == T.MONTH:
            return value.isoformat()[:7]
        return value.isoformat()
    if cls is Fraction:
        return format_decimal(value)
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return str(value)
    if cls is frozenset:
        t = T.strip_optional(type_) if type_ is not None else None
        element = t.element if isinstance(t, T.SetT) else None
        return ";".join(sorted(canonical(v, element) for v in value))
    if isinstance(value, Record):
        return value.id
    return str(value)
