"""Checks on the data as a whole and the building of the `Dataset` (reading phases 2–6).

Part of the data layer (:mod:`ersl.data`). After every line is converted
(phase 1, :mod:`ersl.data.read`), these phases work per type, never in input
order, so errors and results do not depend on how the input was ordered:
(2) duplicate ids and the entity tables; (3) references; (4) conflicting
attribute values; (5) overlapping listings, indicator results given twice;
(6) the canonical order, synthetic ids, frozen values and attribute timelines.
"""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any

from ersl import types as T
from ersl.data.dataset import Dataset
from ersl.data.problems import Problem, ProblemLog
from ersl.data.records import Entity, Record, Timeline, TypeInfo, canonical
from ersl.data.values import Layout, show, snake
from ersl.diagnostics import did_you_mean

_record_id = attrgetter("id")


def _items_dropped(items: list[Record], dropped: set[int]) -> list[Record]:
    """The records of ``items`` that were dropped."""
    return [r for r in items if id(r) in dropped]


def _range(start: date, end: date | None) -> str:
    if end is None:
        return f"from {start.isoformat()} (no end)"
    return f"from {start.isoformat()} to {end.isoformat()}"


class Checks(ProblemLog):
    """Phases 2–6 of reading; the reader (phase 1) fills ``recs`` and the problem log."""

    infos: dict[str, TypeInfo]
    layouts: dict[str, Layout]
    recs: dict[str, list[Record]]
    dropped: set[int]
    bad_ids: dict[str, set[str]]
    bad_records: int
    skip_invalid: bool
    _dropped_ids: dict[str, set[str]]

    def finish(self) -> Dataset:
        """Check the records as a whole, then build the `Dataset` (phases 2–6)."""
        entities: dict[str, dict[str, Entity]] = {}
        recs = self.recs
        # Phase 2: duplicate ids; the entity tables.
        for data_name, items in recs.items():
            info = self.infos[data_name]
            if info.id_index is None:
                continue
            self._duplicates(self.layouts[data_name], items)
            if info.is_entity:
                entities[info.name] = {r.id: r for r in self._good(items)}  # type: ignore[misc]
        # Phase 3: references (entities first, so records never point at a dropped entity).
        order = sorted(recs, key=lambda n: (not self.infos[n].is_entity, n))
        for data_name in order:
            self._resolve(self.layouts[data_name], recs[data_name], entities)
            info = self.infos[data_name]
            if info.is_entity and self.dropped:
                table = entities[info.name]
                for r in _items_dropped(recs[data_name], self.dropped):
                    if table.get(r.id) is r:
                        del table[r.id]
                        self._dropped_ids.setdefault(info.name, set()).add(r.id)
        # Phase 4: conflicting attribute values.
        for data_name in ("patient_attribute", "provider_attribute"):
            if data_name in recs:
                self._attributes(self.layouts[data_name], recs[data_name])
        # Phase 5: listings, indicator results.
        if "listing" in recs and self.infos["listing"].name == "Listing":
            self._listings(self.layouts["listing"], recs["listing"])
        if "indicator_result" in recs:
            self._indicator_results(self.layouts["indicator_result"], recs["indicator_result"])
        if self.problem_count and (self.fatal_count or not self.skip_invalid):
            raise self.error()
        # Phase 6: canonical order, final values, timelines.
        records: dict[str, tuple[Record, ...]] = {}
        by_name: dict[str, TypeInfo] = {}
        for data_name, items in recs.items():
            info = self.infos[data_name]
            by_name[info.name] = info
            by_name[data_name] = info
            if info.kind != "attribute":
                records[info.name] = self._build(self.layouts[data_name], self._good(items))
        for data_name in ("patient_attribute", "provider_attribute"):
            if data_name in recs:
                self._timelines(self.infos[data_name], self._good(recs[data_name]))
        skipped = self.diagnostics(self.sorted_problems(), None)[1] if self.problem_count else []
        return Dataset(by_name, records, skipped, self.bad_records, entities)

    def _good(self, items: list[Record]) -> list[Record]:
        """The records not dropped."""
        if not self.dropped:
            return items
        dropped = self.dropped
        return [r for r in items if id(r) not in dropped]

    def _drop(self, record: Record) -> None:
        if id(record) not in self.dropped:
            self.dropped.add(id(record))
            self.bad_records += 1

    def _repeats(self, layout: Layout, items, key_of):
        """(key, first, repeat) for every record whose key an earlier record (in canonical
        order) already has; each repeat is dropped."""
        groups: dict = {}
        for r in items:
            groups.setdefault(key_of(r), []).append(r)
        for key, group in groups.items():
            if len(group) < 2:
                continue
            group.sort(key=layout.order_key)
            for r in group[1:]:
                self._drop(r)
                yield key, group[0], r

    def _duplicates(self, layout: Layout, items: list[Record]) -> None:
        info = layout.info
        if len(set(map(_record_id, items))) == len(items):
            return
        for id_, first, r in self._repeats(layout, items, _record_id):
            self.problem(
                Problem(
                    "E0812",
                    f"duplicate {info.data_name} id {show(id_)}: it is also used at "
                    f"{first.location}",
                    r._file,
                    r._line,
                    field="id",
                    help=f"ids must be unique among {info.data_name} records",
                    notes=((first._file, first._line, "id", "the id is first used here"),),
                )
            )

    def _resolve(
        self, layout: Layout, items: list[Record], entities: dict[str, dict[str, Entity]]
    ) -> None:
        """Replace the ids in reference fields by the entities (phase 3)."""
        if not layout.refs:
            return
        tables = [entities.get(target) for _, target, _ in layout.refs]
        failed = layout.resolve(self._good(items), *((t or {}).get for t in tables))
        if not failed:
            return
        # Records with an unknown id, reported field by field as they come.
        fields = layout.info.fields
        values_of = {id(r): list(r.values) for r in failed}
        for (i, target, is_set), table in zip(layout.refs, tables, strict=True):
            get = (table or {}).get
            for r in failed:
                values = values_of[id(r)]
                value = values[i]
                if value is None:
                    continue
                if not is_set:
                    entity = get(value)
                    if entity is None:
                        self._unknown_ref(r, fields[i], target, value, table)
                    else:
                        values[i] = entity
                    continue
                resolved = []
                for member in sorted(value):
                    entity = get(member)
                    if entity is None:
                        self._unknown_ref(r, fields[i], target, member, table)
                    else:
                        resolved.append(entity)
                values[i] = frozenset(resolved)
        for r in failed:
            r.values = tuple(values_of[id(r)])

    def _unknown_ref(
        self, record: Record, field: str, target: str, id_: str, table: dict[str, Entity] | None
    ) -> None:
        info = record.info
        kind = snake(target)
        self._drop(record)
        if table is None:
            message = (
                f"field `{field}` of {info.data_name}: {target} records cannot be referred to by id"
            )
            help = None
        elif id_ in self.bad_ids.get(target, ()) or id_ in self._dropped_ids.get(target, ()):
            if not self.skip_invalid:
                return  # the entity's own error is reported; do not repeat it per record
            message = f"field `{field}` of {info.data_name}: the {kind} {show(id_)} is invalid"
            help = f"fix the {kind} record with id {show(id_)} (reported separately)"
        else:
            message = (
                f"field `{field}` of {info.data_name}: unknown {kind} {show(id_)}; "
                f"expected the id of a `{kind}` record"
            )
            help = did_you_mean(id_, table) if len(table) <= 2000 else None
            help = help or f"add a {kind} record with id {show(id_)}"
        self.problem(Problem("E0809", message, record._file, record._line, field=field, help=help))

    def _attributes(self, layout: Layout, items: list[Record]) -> None:
        """Find conflicting values for one entity, field and date (phase 4)."""
        info = layout.info
        owner_field = info.fields[0]
        i_owner, i_from = info.index[owner_field], info.index["from"]
        items = self._good(items)
        # Values can only conflict between records of one owner and date.
        if len({(r.values[i_owner].id, r.values[i_from]) for r in items}) == len(items):
            return
        entries: dict[tuple[str, str, date], list[tuple[Any, Record]]] = {}
        fields = [(f, info.index[f]) for f in info.attribute_fields]
        for r in items:
            owner = r.values[i_owner].id
            day = r.values[i_from]
            for f, i in fields:
                value = r.values[i]
                if value is not None:
                    entries.setdefault((owner, f, day), []).append((value, r))
        for (owner, f, day), entry_list in entries.items():
            if len(entry_list) < 2:
                continue
            t = info.types[info.index[f]]
            group = sorted(
                ((canonical(v, t), r) for v, r in entry_list),
                key=lambda e: (e[0], layout.order_key(e[1])),
            )
            first_value, first = group[0]
            for value, r in group[1:]:
                if value == first_value:
                    continue
                self._drop(r)
                self.problem(
                    Problem(
                        "E0814",
                        f"conflicting `{f}` for {owner_field} {show(owner)} from "
                        f"{day.isoformat()}: {value} here, {first_value} at {first.location}",
                        r._file,
                        r._line,
                        field=f,
                        help="give each attribute one value per date",
                        notes=((first._file, first._line, f, "the other value"),),
                    )
                )

    def _timelines(self, info: TypeInfo, items: list[Record]) -> None:
        """Attach each attribute's values, by date, to its entity (phase 6)."""
        i_owner, i_from = info.index[info.fields[0]], info.index["from"]
        fields = [(f, info.index[f]) for f in info.attribute_fields]
        # Most entities have one attribute record: group by entity first.
        per: dict[Entity, Any] = {}
        for r in items:
            entity = r.values[i_owner]
            group = per.get(entity)
            if group is None:
                per[entity] = r
            elif group.__class__ is list:
                group.append(r)
            else:
                per[entity] = [group, r]
        # Timelines are immutable, and many entities have the same single value from the
        # same day (the same objects: converted values are shared): one Timeline serves.
        shared: dict[tuple[int, int], tuple[date, Any, Timeline]] = {}
        for entity, group in per.items():
            timelines = entity._timelines
            if group.__class__ is not list:
                values = group.values
                day = values[i_from]
                for f, i in fields:
                    value = values[i]
                    if value is not None:
                        hit = shared.get((id(day), id(value)))
                        if hit is None:  # keeping day and value alive keeps their ids unique
                            hit = shared[id(day), id(value)] = (
                                day,
                                value,
                                Timeline([(day, value)]),
                            )
                        timelines[f] = hit[2]
                continue
            entries: dict[str, list[tuple[date, Any]]] = {}
            for r in group:
                values = r.values
                day = values[i_from]
                for f, i in fields:
                    value = values[i]
                    if value is not None:
                        entries.setdefault(f, []).append((day, value))
            for f, found in entries.items():
                if len(found) > 1:
                    found = sorted(dict(found).items())  # same-day values are equal (phase 4)
                timelines[f] = Timeline(found)

    def _listings(self, layout: Layout, items: list[Record]) -> None:
        """Overlapping listings of one patient (phase 5)."""
        info = layout.info
        ip, iq = info.index["patient"], info.index["provider"]
        i_start, i_end = info.index["start"], info.index["end"]
        per: dict[str, list[Record]] = {}
        for r in self._good(items):
            per.setdefault(r.values[ip].id, []).append(r)
        far = date.max.toordinal()
        for patient, group in per.items():
            if len(group) < 2:
                continue
            group.sort(key=layout.order_key)
            reach, keep = -1, None
            for r in group:
                start, end = r.values[i_start], r.values[i_end]
                if keep is not None and start.toordinal() <= reach:
                    self._drop(r)
                    other = keep.values
                    self.problem(
                        Problem(
                            "E0811",
                            f"listings of patient {show(patient)} overlap: at "
                            f"{r.values[iq].id} {_range(start, end)} and at {other[iq].id} "
                            f"{_range(other[i_start], other[i_end])} ({keep.location})",
                            r._file,
                            r._line,
                            field="start",
                            help="a patient is listed at one provider at a time; `end` is "
                            "inclusive, so end a listing the day before the next one starts",
                            notes=((keep._file, keep._line, "start", "the other listing"),),
                        )
                    )
                    continue
                new_reach = far if end is None else end.toordinal()
                if keep is None or new_reach > reach:
                    reach, keep = new_reach, r

    def _indicator_results(self, layout: Layout, items: list[Record]) -> None:
        """One reported value per provider, indicator and period (phase 5)."""
        info = layout.info
        needed = ("provider", "indicator", "period")
        if not all(f in info.index for f in needed):
            return
        idx = [info.index[f] for f in needed]

        def key_of(r: Record) -> tuple:
            return tuple(canonical(r.values[i]) for i in idx)

        for key, first, r in self._repeats(layout, self._good(items), key_of):
            self.problem(
                Problem(
                    "E0815",
                    f"indicator result for provider {show(key[0])}, indicator "
                    f"{show(key[1])}, period {show(key[2])} is given twice (also at "
                    f"{first.location})",
                    r._file,
                    r._line,
                    column=1,
                    help="report one value per provider, indicator and period",
                    notes=((first._file, first._line, None, "the other result"),),
                )
            )

    def _build(self, layout: Layout, items: list[Record]) -> tuple[Record, ...]:
        """The records of one type in canonical order (phase 6)."""
        info = layout.info
        if info.is_entity:
            items.sort(key=_record_id)
        elif info.id_index is not None:
            di = info.date_index
            if di is not None and not isinstance(info.types[di], T.Optional):
                # By date, then id: two stable sorts are quicker than one on pairs.
                items.sort(key=_record_id)
                items.sort(key=lambda r: r.values[di])
            else:
                items.sort(key=layout.order_key)
        else:
            items.sort(key=layout.order_key)
            name = info.data_name.replace("%", "%%")
            synthetic = f"{name}#%0{len(str(len(items)))}d"  # observation#0001, …
            for n, r in enumerate(items, 1):
                r.id = synthetic % n
        return tuple(items)
