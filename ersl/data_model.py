"""The in-memory event data of one run: records, entities and the indexes over them.

Built once per run by :func:`ersl.data.read_data` (the reader lives in
:mod:`ersl.data_read`). Everything here is read-only after construction and
fully deterministic: records are kept in a canonical order (by date, then id;
entities by id), so the same records in any input order give the same
`Dataset` — compare two with ``==`` or with :func:`ersl.data.dump_jsonl`.

Values are typed: numbers are exact :class:`fractions.Fraction` (never floats),
dates :class:`datetime.date` (a ``month`` field is the first day of its month),
enum members and codes ``str``, sets ``frozenset``, references to a patient,
provider or other entity the :class:`Entity` itself, and an absent optional
field ``None``.

Indexes (per type by date, per patient, per provider, listings per patient and
per provider) are built when first asked for and kept for the run, so look-ups
cost a dictionary access plus a binary search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from ersl import types as T
from ersl.checker.symbols import snake_case
from ersl.diagnostics import Diagnostic
from ersl.exact import format_decimal
from ersl.span import Span

__all__ = [
    "PATIENT_FIXED_FIELDS",
    "PROVIDER_FIXED_FIELDS",
    "AttributeVaries",
    "Dataset",
    "Entity",
    "MissingAttribute",
    "Record",
    "Timeline",
    "TypeInfo",
    "canonical",
]

#: Patient fields that never vary; every other Patient field is a time-varying attribute.
PATIENT_FIXED_FIELDS = ("id", "birth_date", "sex")
#: Provider fields that never vary; extended fields may vary through `provider_attribute`.
PROVIDER_FIXED_FIELDS = ("id", "name", "kind", "start_date", "area")

_MISSING: Any = object()


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
        """``file:line`` of the record."""
        return f"{self._file}:{self._line}"

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
        return self.values[i] if i >= 0 else _MISSING


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

    def attribute(self, field: str, on: date, default: Any = _MISSING) -> Any:
        """The value of ``field`` in force on ``on``.

        Raises `MissingAttribute` when none is in force, unless ``default`` is given.
        Fixed fields may be read this way too (their value on every date).
        """
        i = self.info.index.get(field)
        if i is None:
            raise KeyError(f"{self.info.name} has no field `{field}`")
        timeline = self._timelines.get(field)
        value = _MISSING if timeline is None else timeline.at(on)
        if value is _MISSING:
            value = self.values[i]
            if value is None:
                value = _MISSING
        if value is _MISSING:
            if default is not _MISSING:
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
        value = _MISSING
        if timeline is not None:  # Timeline.at, inlined
            at = bisect_right(timeline.dates, on) - 1
            if at >= 0:
                value = timeline.values[at]
        if value is _MISSING:
            value = entity.values[i]
            if value is None:
                raise MissingAttribute(entity.info.name, entity.id, field, on)
        out.append(value)
    return out


_END = date.max.toordinal()
"""The end ordinal of an open listing."""


class _DateIndex:
    """Records in canonical order (date, id) with their date ordinals, for range look-ups."""

    __slots__ = ("records", "ordinals")

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = tuple(records)
        self.ordinals: list[int] | None = None
        if self.records and self.records[0].info.date_index is not None:
            at = self.records[0].info.date_index
            self.ordinals = [r.values[at].toordinal() for r in self.records]

    @classmethod
    def of(cls, records: list[Record], ordinals: list[int] | None) -> _DateIndex:
        """An index of records already in canonical order, their date ordinals given."""
        index = cls.__new__(cls)
        index.records = tuple(records)
        index.ordinals = ordinals
        return index

    def between(self, start: date | None, end: date | None) -> tuple[Record, ...]:
        """The records dated within ``start .. end`` (inclusive; None is open)."""
        if start is None and end is None:
            return self.records
        if self.ordinals is None:
            if not self.records:
                return ()
            raise ValueError(f"{self.records[0].info.name} records have no date")
        lo = 0 if start is None else bisect_left(self.ordinals, start.toordinal())
        hi = len(self.ordinals) if end is None else bisect_right(self.ordinals, end.toordinal())
        return self.records[lo:hi]


_EMPTY_INDEX = _DateIndex(())


def _as_id(entity: Entity | str) -> str:
    return entity if isinstance(entity, str) else entity.id


class Dataset:
    """The validated event data of one run, with indexes built once.

    Type names may be given as schema names (``"Visit"``) or data names
    (``"visit"``). Date ranges are closed: ``start <= date <= end``; ``None``
    leaves a side open. Results are tuples or lists in canonical order.
    ``skipped`` lists why records were skipped under ``skip_invalid``;
    ``skipped_records`` counts them.
    """

    def __init__(
        self,
        infos: dict[str, TypeInfo],
        records: dict[str, tuple[Record, ...]],
        skipped: Sequence[Diagnostic] = (),
        skipped_records: int = 0,
        by_id: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self._infos = infos  # by schema name and by data name
        self._records = records  # by schema name, canonical order
        self.skipped: tuple[Diagnostic, ...] = tuple(skipped)
        self.skipped_records = skipped_records
        self._by_id: dict[str, dict[str, Record]] = dict(by_id or {})
        self._date_index: dict[str, _DateIndex] = {}
        self._ref_index: dict[tuple[str, str], dict[str, _DateIndex]] = {}
        self._listed_memo: dict[tuple[str, date], list[Entity]] = {}
        self._listing_by_patient: dict[str, tuple[list, list, list, list]] | None = None
        """Per patient id: listing start ordinals, listings, end ordinals, providers."""
        self._listing_by_provider: dict[str, list[tuple[int, int, Entity]]] | None = None
        self._indicators: dict[tuple[str, str, str], Fraction] | None = None

    # ------------------------------------------------------------------ types
    def info(self, type_name: str) -> TypeInfo:
        """The layout of a type, by schema or data name; KeyError if unknown."""
        try:
            return self._infos[type_name]
        except KeyError:
            raise KeyError(f"no record type `{type_name}` in this contract's schema") from None

    def type_names(self) -> list[str]:
        """Schema names of every data type (attribute types excluded), sorted."""
        return sorted(n for n in self._records if self._infos[n].kind != "attribute")

    def attribute_fields(self, type_name: str) -> tuple[str, ...]:
        """The time-varying fields of an entity type (``("cni", "acg")`` for Patient)."""
        return self.info(type_name).attribute_fields

    # ------------------------------------------------------------------ records
    def records(self, type_name: str) -> tuple[Record, ...]:
        """Every record of a type, ordered by date (or start) then id; entities by id."""
        return self._records.get(self.info(type_name).name, ())

    def _ids(self, name: str) -> dict[str, Record]:
        table = self._by_id.get(name)
        if table is None:
            table = self._by_id[name] = {r.id: r for r in self._records.get(name, ())}
        return table

    def get(self, type_name: str, id: str) -> Record | None:
        """The record of a type with this id (synthetic ids included), or None."""
        return self._ids(self.info(type_name).name).get(id)

    def patient(self, id: str) -> Entity | None:
        """The patient with this id, or None."""
        return self._ids("Patient").get(id)  # type: ignore[return-value]

    def provider(self, id: str) -> Entity | None:
        """The provider with this id, or None."""
        return self._ids("Provider").get(id)  # type: ignore[return-value]

    def patients(self) -> tuple[Entity, ...]:
        """Every patient, by id."""
        return self._records.get("Patient", ())  # type: ignore[return-value]

    def providers(self) -> tuple[Entity, ...]:
        """Every provider, by id."""
        return self._records.get("Provider", ())  # type: ignore[return-value]

    def between(
        self, type_name: str, start: date | None = None, end: date | None = None
    ) -> tuple[Record, ...]:
        """Records of a type dated within ``start .. end`` (inclusive), by date then id."""
        name = self.info(type_name).name
        index = self._date_index.get(name)
        if index is None:
            index = self._date_index[name] = _DateIndex(self._records.get(name, ()))
        return index.between(start, end)

    def by_ref(
        self,
        type_name: str,
        field: str,
        entity: Entity | str,
        start: date | None = None,
        end: date | None = None,
    ) -> tuple[Record, ...]:
        """Records whose reference ``field`` is ``entity`` (or, for a set field, holds it)."""
        info = self.info(type_name)
        key = (info.name, field)
        index = self._ref_index.get(key)
        if index is None:
            index = self._ref_index[key] = self._build_ref_index(info, field)
        return index.get(_as_id(entity), _EMPTY_INDEX).between(start, end)

    def _build_ref_index(self, info: TypeInfo, field: str) -> dict[str, _DateIndex]:
        i = info.index.get(field)
        if i is None:
            raise KeyError(f"{info.name} has no field `{field}`")
        records = self._records.get(info.name, ())
        at = info.date_index
        # (records, date ordinals) per referenced id, both in canonical order
        groups: dict[str, tuple[list[Record], list[int]]] = {}

        def add(key: str, record: Record, ordinal: int) -> None:
            group = groups.get(key)
            if group is None:
                group = groups[key] = ([], [])
            group[0].append(record)
            group[1].append(ordinal)

        for record in records:
            value = record.values[i]
            ordinal = 0 if at is None else record.values[at].toordinal()
            if isinstance(value, Entity):
                add(value.id, record, ordinal)
            elif isinstance(value, frozenset):
                for member in value:
                    if isinstance(member, Entity):
                        add(member.id, record, ordinal)
            elif value is not None:
                raise KeyError(f"`{field}` of {info.name} is not a reference")
        return {
            key: _DateIndex.of(group, None if at is None else ordinals)
            for key, (group, ordinals) in groups.items()
        }

    def by_patient(
        self,
        type_name: str,
        patient: Entity | str,
        start: date | None = None,
        end: date | None = None,
    ) -> tuple[Record, ...]:
        """Records of a type whose ``patient`` is this patient, by date then id."""
        return self.by_ref(type_name, "patient", patient, start, end)

    def by_provider(
        self,
        type_name: str,
        provider: Entity | str,
        start: date | None = None,
        end: date | None = None,
    ) -> tuple[Record, ...]:
        """Records of a type whose ``provider`` is this provider, by date then id."""
        return self.by_ref(type_name, "provider", provider, start, end)

    # ------------------------------------------------------------------ attributes
    def attribute(self, entity: Entity | str, field: str, on: date, default: Any = _MISSING) -> Any:
        """The value of an entity's attribute in force on ``on``.

        Raises `MissingAttribute` when none is in force, unless ``default`` is given.
        A string ``entity`` is taken as a patient id.
        """
        if isinstance(entity, str):
            entity = self._must("Patient", entity)
        return entity.attribute(field, on, default)

    def patient_attribute(
        self, patient: Entity | str, field: str, on: date, default: Any = _MISSING
    ) -> Any:
        """A patient's attribute in force on ``on`` (see :meth:`attribute`)."""
        return self.attribute(patient, field, on, default)

    def provider_attribute(
        self, provider: Entity | str, field: str, on: date, default: Any = _MISSING
    ) -> Any:
        """A provider's attribute in force on ``on`` (see :meth:`attribute`)."""
        if isinstance(provider, str):
            provider = self._must("Provider", provider)
        return provider.attribute(field, on, default)

    def _must(self, type_name: str, id: str) -> Entity:
        entity = self._ids(type_name).get(id)
        if entity is None:
            raise KeyError(f"no {type_name.lower()} `{id}`")
        return entity  # type: ignore[return-value]

    # ------------------------------------------------------------------ listings
    def _listing_indexes(self) -> None:
        by_patient: dict[str, list[Record]] = {}
        by_provider: dict[str, list[tuple[str, int, int, Entity]]] = {}
        info = self._infos.get("Listing")
        if info is not None:
            ip, iq, i_end = info.index["patient"], info.index["provider"], info.index["end"]
            for listing in self._records.get("Listing", ()):
                patient, provider, end = (
                    listing.values[ip],
                    listing.values[iq],
                    listing.values[i_end],
                )
                by_patient.setdefault(patient.id, []).append(listing)
                by_provider.setdefault(provider.id, []).append(
                    (
                        patient.id,
                        listing.date.toordinal(),
                        date.max.toordinal() if end is None else end.toordinal(),
                        patient,
                    )
                )
        if info is not None:
            self._listing_by_patient = {
                pid: (
                    [r.date.toordinal() for r in recs],
                    recs,
                    [
                        _END if r.values[i_end] is None else r.values[i_end].toordinal()
                        for r in recs
                    ],
                    [r.values[iq] for r in recs],
                )
                for pid, recs in by_patient.items()
            }
        else:
            self._listing_by_patient = {}
        self._listing_by_provider = {
            qid: [(s, e, p) for _, s, e, p in sorted(rows, key=lambda row: (row[0], row[1]))]
            for qid, rows in by_provider.items()
        }

    def listings(self, patient: Entity | str) -> tuple[Record, ...]:
        """A patient's listings, by start."""
        if self._listing_by_patient is None:
            self._listing_indexes()
        entry = self._listing_by_patient.get(_as_id(patient))  # type: ignore[union-attr]
        return () if entry is None else tuple(entry[1])

    def listing_at(self, patient: Entity | str, on: date) -> Record | None:
        """The listing in force for the patient on ``on`` (start and end inclusive), or None."""
        if self._listing_by_patient is None:
            self._listing_indexes()
        entry = self._listing_by_patient.get(_as_id(patient))  # type: ignore[union-attr]
        if entry is None:
            return None
        starts, recs = entry[0], entry[1]
        i = bisect_right(starts, on.toordinal()) - 1
        if i < 0:
            return None
        listing = recs[i]
        end = listing["end"]
        return listing if end is None or on <= end else None

    def listed_at_column(self, patients: Sequence[Entity], dates: Sequence[date]) -> list:
        """`listed_at(patient, on)` for each patient and date of two equal-length columns."""
        if self._listing_by_patient is None:
            self._listing_indexes()
        by_patient = self._listing_by_patient
        out = []
        for patient, on in zip(patients, dates, strict=True):
            entry = by_patient.get(patient.id)  # type: ignore[union-attr]
            provider = None
            if entry is not None:
                day = on.toordinal()
                i = bisect_right(entry[0], day) - 1
                if i >= 0 and day <= entry[2][i]:
                    provider = entry[3][i]
            out.append(provider)
        return out

    def listed_at(self, patient: Entity | str, on: date) -> Entity | None:
        """The provider the patient is listed at on ``on`` (end day inclusive), or None."""
        listing = self.listing_at(patient, on)
        return None if listing is None else listing["provider"]

    def listed_patients(self, provider: Entity | str, on: date) -> list[Entity]:
        """The patients listed at the provider on ``on``, by patient id."""
        key = (_as_id(provider), on)
        found = self._listed_memo.get(key)
        if found is None:
            if self._listing_by_provider is None:
                self._listing_indexes()
            rows = self._listing_by_provider.get(key[0], ())  # type: ignore[union-attr]
            day = on.toordinal()
            found = [p for s, e, p in rows if s <= day <= e]
            if len(self._listed_memo) >= 4096:  # settlements ask for few dates; bound it anyway
                self._listed_memo.clear()
            self._listed_memo[key] = found
        return list(found)

    def listed_count(self, provider: Entity | str, on: date) -> int:
        """How many patients are listed at the provider on ``on``."""
        if self._listing_by_provider is None:
            self._listing_indexes()
        return len(self.listed_patients(provider, on))

    # ------------------------------------------------------------------ indicator results
    def indicator_value(self, provider: Entity | str, indicator: str, period: str) -> Any:
        """The reported `indicator_result` value for (provider, indicator, period), or None."""
        if self._indicators is None:
            self._indicators = {}
            info = self._infos.get("IndicatorResult")
            if info is not None and {"provider", "indicator", "period", "value"} <= set(info.index):
                for r in self._records.get("IndicatorResult", ()):
                    key = (r["provider"].id, r["indicator"], r["period"])
                    self._indicators[key] = r["value"]
        return self._indicators.get((_as_id(provider), indicator, period))

    # ------------------------------------------------------------------ comparison, reports
    def skip_report(self) -> str:
        """A short account of skipped records: how many, and how many per reason."""
        if not self.skipped_records:
            return "no records skipped"
        counts: dict[str, int] = {}
        for d in self.skipped:
            reason = _REASONS.get(d.code, d.code)
            counts[reason] = counts.get(reason, 0) + 1
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))
        s = "" if self.skipped_records == 1 else "s"
        return f"skipped {self.skipped_records} invalid record{s} ({parts})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        from ersl.data_dump import dump_jsonl

        return dump_jsonl(self) == dump_jsonl(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        counts = ", ".join(f"{n}: {len(self._records[n])}" for n in sorted(self._records))
        return f"Dataset({counts})"


_REASONS = {
    "E0800": "unreadable",
    "E0801": "malformed JSON",
    "E0802": "unknown type",
    "E0803": "unknown field",
    "E0804": "missing field",
    "E0805": "bad date",
    "E0806": "bad number",
    "E0807": "unknown enum member",
    "E0808": "bad value",
    "E0809": "unknown reference",
    "E0810": "end before start",
    "E0811": "overlapping listing",
    "E0812": "duplicate id",
    "E0813": "wrong number of CSV cells",
    "E0814": "conflicting attribute",
    "E0815": "duplicate indicator result",
}


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
