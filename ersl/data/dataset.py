"""The in-memory event data of one run: records and the indexes over them.

Built once per run by :func:`ersl.data.read_data` (the reader lives in
:mod:`ersl.data.read`). Everything here is read-only after construction and
fully deterministic: records are kept in a canonical order (by date, then id;
entities by id), so the same records in any input order give the same
`Dataset` — compare two with ``==`` or with :func:`ersl.data.dump_jsonl`.

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

from ersl.data.records import MISSING, Entity, Record, TypeInfo, canonical
from ersl.diagnostics import Diagnostic
from ersl.span import place

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


SKIPS_LISTED = 10
"""How many skipped records' problems `skip_report` lists (`ersl run --skip-invalid`)."""


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
        #: (file, line) of each blank line in CSV data: skipped, never a record.
        self.blank_lines: tuple[tuple[str, int], ...] = ()
        self._by_id: dict[str, dict[str, Record]] = dict(by_id or {})
        self._date_index: dict[str, _DateIndex] = {}
        self._ref_index: dict[tuple[str, str], dict[str, _DateIndex]] = {}
        self._listed_memo: dict[tuple[str, date], list[Entity]] = {}
        self._listing_by_patient: dict[str, tuple[list, list, list, list]] | None = None
        """Per patient id: listing start ordinals, listings, end ordinals, providers."""
        self._listing_by_provider: dict[str, list[tuple[int, int, Entity]]] | None = None
        self._indicators: dict[tuple[str, str, str], Fraction] | None = None
        self.history: Any = None
        """The registration history (`ersl.data.history.History`) when a record carries
        `registered`, `replaces` or `withdraws`; else None."""
        self.as_of: date | None = None
        """The date the records were selected as of (`read_data(as_of=…)`), or None."""
        self.table_report: str | None = None
        """How the data was read for the columnar engine (`ersl run --verbose`), or None."""

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
    def attribute(self, entity: Entity | str, field: str, on: date, default: Any = MISSING) -> Any:
        """The value of an entity's attribute in force on ``on``.

        Raises `MissingAttribute` when none is in force, unless ``default`` is given.
        A string ``entity`` is taken as a patient id.
        """
        if isinstance(entity, str):
            entity = self._must("Patient", entity)
        return entity.attribute(field, on, default)

    def patient_attribute(
        self, patient: Entity | str, field: str, on: date, default: Any = MISSING
    ) -> Any:
        """A patient's attribute in force on ``on`` (see :meth:`attribute`)."""
        return self.attribute(patient, field, on, default)

    def provider_attribute(
        self, provider: Entity | str, field: str, on: date, default: Any = MISSING
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
    def skip_report(self, listed: int = SKIPS_LISTED) -> str:
        """An account of skipped records: how many, how many per reason, and the first
        `listed` problems with their file and line (then how many more)."""
        if not self.skipped_records:
            return "no records skipped"
        counts: dict[str, int] = {}
        for d in self.skipped:
            reason = _REASONS.get(d.code, d.code)
            counts[reason] = counts.get(reason, 0) + 1
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))
        s = "" if self.skipped_records == 1 else "s"
        lines = [f"skipped {self.skipped_records} invalid record{s} ({parts})"]
        if listed:
            lines[0] += ":"
            for d in self.skipped[:listed]:
                where = place(d.span.file, d.span.line) if d.span.line else d.span.file
                lines.append(f"  {where}: {_REASONS.get(d.code, d.code)} — {d.message}")
            more = len(self.skipped) - listed
            if more > 0:
                lines.append(f"  … and {more} more problem{'s' if more != 1 else ''}")
        return "\n".join(lines)

    def blank_report(self, listed: int = SKIPS_LISTED) -> str:
        """An account of the blank lines skipped in CSV data: how many, and the first
        `listed` of them as file:line (then how many more)."""
        count = len(self.blank_lines)
        if not count:
            return "no blank lines skipped"
        s = "" if count == 1 else "s"
        shown = ", ".join(f"{file}:{line}" for file, line in self.blank_lines[:listed])
        more = f" and {count - listed} more" if count > listed else ""
        return f"skipped {count} blank line{s} in CSV data: {shown}{more}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self._canonical_form() == other._canonical_form()

    def _canonical_form(self) -> dict[str, list[tuple]]:
        """Every record's values as canonical text, by type, in canonical order; entities
        with their attribute timelines. Synthetic ids, and the difference between an
        absent value and an empty set, do not count (the dump writes neither)."""
        form = {}
        for name, records in self._records.items():
            info = self._infos[name]
            if info.kind == "attribute" or not records:
                continue
            rows = []
            for r in records:
                values = tuple(canonical(v, t) for v, t in zip(r.values, info.types, strict=True))
                timelines = ()
                if isinstance(r, Entity):
                    timelines = tuple(
                        (f, tuple((d, canonical(v, info.types[info.index[f]])) for d, v in line))
                        for f in info.attribute_fields
                        if (line := r.timeline(f))
                    )
                rows.append((None if r.has_synthetic_id else r.id, values, timelines))
            form[name] = rows
        return form

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
    "E0820": "correction of an unknown record",
    "E0821": "correction before the record",
    "E0822": "record corrected twice",
    "E0823": "correction without a date",
    "E0824": "registered before it happened",
}
