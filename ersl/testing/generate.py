"""Generating event data from a contract's schema for `property` blocks (Hypothesis).

The data is built to be valid by construction, so every example reaches the
contract: providers (1–3) and patients (1–N) with ids `Q1…` and `P1…`, each
patient's listings one after another (never overlapping), and up to N records
of every other event, span and record type the contract mentions, dated from a
year before the property's period to its end. Values come from the contract
itself where that matters: text fields take the string literals the contract
compares with (`"preop"`, `"blood_pressure"`), code fields codes inside and
outside its code sets, enums their members. Optional fields are filled only
when the contract reads a field of that name; attributes such as `cni` are
written on the patient's own row. Reported indicators get `indicator_result`
records for some providers and periods.

Hypothesis shrinks towards fewer records, earlier dates, first enum members
and first literals, so a counterexample is small and reads naturally.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from ersl import ast
from ersl import types as T
from ersl.dates import Period, add_years, periods_in
from ersl.testing.given import GivenData

LOOKBACK_DAYS = 365
MAX_PROVIDERS = 3
REPEATS = (1, 1, 2, 3, 5)


def _span_record(drawn) -> tuple[dict, int]:
    """(fields, copies) of a span from its start, length (None: open), other fields."""
    start, length, rest, copies = drawn
    fields = {"start": start}
    if length is not None:
        end = datetime.date.fromisoformat(start) + datetime.timedelta(days=length)
        fields["end"] = end.isoformat()
    return fields | rest, copies


class Harvest:
    """What the contract reads: fields, types, text literals, codes, reported indicators."""

    def __init__(self, checked) -> None:
        symbols = checked.symbols
        self.fields: set[str] = {"end", "start"}
        self.type_names: set[str] = set()
        texts: dict[str, None] = {}
        schema_names = set(symbols.schema)
        for module in checked.loaded.modules:
            for decl in module.decls:
                if isinstance(decl, ast.SchemaDecl | ast.EnumDecl | ast.Test):
                    continue
                for node in ast.walk(decl):
                    if isinstance(node, ast.FieldAccess):
                        self.fields.add(node.name.name)
                    elif isinstance(node, ast.Ident) and node.name in schema_names:
                        self.type_names.add(node.name)
                    elif isinstance(node, ast.StringLit):
                        texts[node.value] = None
                    elif isinstance(node, ast.ListedCollection | ast.ListedBasis):
                        self.type_names.add("Listing")
        names = set(symbols.line_names()) | set(symbols.indicators)
        self.texts = [t for t in texts if t not in names] + ["other"]
        self.codes: dict[str, list[str]] = {}
        for codeset in symbols.codesets.values():
            pool = self.codes.setdefault(codeset.system.name, [])
            for item in codeset.items:
                for code in (item.low, item.high):
                    if code is None:
                        continue
                    code = code.rstrip("*") + ("1" if code.endswith("*") else "")
                    if code and code not in pool:
                        pool.append(code)
        self.reported = [name for name, ind in symbols.indicators.items() if ind.reported]
        units = {
            (perf.each.name if perf.each else None) or _reconcile(symbols)
            for perf in symbols.performances.values()
        }
        self.result_units = sorted(units) or [_reconcile(symbols)]


def _reconcile(symbols) -> str:
    header = symbols.contract
    if header is not None and header.reconcile is not None:
        return {"monthly": "month", "quarterly": "quarter"}.get(header.reconcile.name, "year")
    return "year"


def field_kinds(infos) -> dict[str, dict[str, str]]:
    """How to write each field's value back as ERSL (`render_given`)."""
    kinds: dict[str, dict[str, str]] = {}
    for data_name, info in infos.items():
        kinds[data_name] = {f: _kind(t) for f, t in zip(info.fields, info.types, strict=True)}
    return kinds


def _kind(t: T.Type) -> str:
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        return _kind(t.element)
    if isinstance(t, T.EnumT | T.RecordT):
        return "name"
    if t in (T.DATE, T.MONTH):
        return "date"
    if t == T.MONEY or isinstance(t, T.Rate):
        return "money"
    if t in (T.PERCENT, T.PP):
        return "percent"
    if t in (T.INT, T.DECIMAL):
        return "number"
    return "text"


class Generator:
    """A Hypothesis strategy for the data of one property (lists of `GivenData`)."""

    def __init__(self, checked, period: Period, max_size: int = 6) -> None:
        from ersl.data.values import type_infos

        self.checked = checked
        self.symbols = checked.symbols
        self.period = period
        self.max_size = max(1, max_size)
        self.harvest = Harvest(checked)
        self.infos = type_infos(self.symbols)
        self.kinds = field_kinds(self.infos)
        self.enums = {
            name: [m.name for m in decl.members] for name, decl in self.symbols.enums.items()
        }
        self.first = period.start - datetime.timedelta(days=LOOKBACK_DAYS)
        self.prefixes = self._prefixes()
        self._cache: dict = {}
        self._dates = None

    def _prefixes(self) -> dict[str, str]:
        used = {"Q", "P"}
        prefixes = {"provider": "Q", "patient": "P"}
        for data_name, info in sorted(self.infos.items()):
            if info.id_index is None or data_name in prefixes:
                continue
            letters = "".join(w[0] for w in data_name.split("_")).upper()
            prefix = letters if letters not in used else data_name[:2].upper()
            n = 2
            while prefix in used:
                n += 1
                prefix = data_name[:n].upper()
            used.add(prefix)
            prefixes[data_name] = prefix
        return prefixes

    # ------------------------------------------------------------------ values
    def _date(self):
        from hypothesis import strategies as st

        if self._dates is None:
            days = (self.period.end - self.period.start).days
            start = self.period.start
            inside = st.integers(0, days)
            before = st.integers(-LOOKBACK_DAYS, -1)
            # three in four dates fall in the period; the rest serve look-backs
            offsets = st.one_of(inside, inside, inside, before)
            self._dates = offsets.map(lambda n: (start + datetime.timedelta(days=n)).isoformat())
        return self._dates

    def value(self, t: T.Type, refs: dict[str, list[str]]):
        """A strategy for a raw value of type `t` (None when it cannot be generated)."""
        from hypothesis import strategies as st

        if isinstance(t, T.Optional):
            inner = self.value(t.inner, refs)
            if inner is None:
                return None
            # three in four optional values are present; shrinking leaves them out where
            # the property still fails without them
            return st.one_of(st.none(), inner, inner, inner)
        if isinstance(t, T.SetT):
            element = self.value(t.element, refs)
            if element is None:
                return None
            return st.lists(element, max_size=3, unique=True)
        if isinstance(t, T.EnumT):
            members = self.enums.get(t.name) or []
            if not members:
                return None
            # the first member half the time: events of one kind pile up (doctor visits)
            return st.one_of(st.just(members[0]), st.sampled_from(members))
        if isinstance(t, T.RecordT):
            ids = refs.get(t.name) or []
            return st.sampled_from(ids) if ids else None
        if isinstance(t, T.Code):
            return st.sampled_from([*self.harvest.codes.get(t.system, []), "Z99"])
        if t == T.TEXT:
            return st.sampled_from(self.harvest.texts)
        if t == T.DATE:
            return self._date()
        if t == T.MONTH:
            months = [p.label for p in periods_in(self.period.start, self.period.end, "month")]
            return st.sampled_from(months)
        if t == T.BOOL:
            return st.booleans()
        if t == T.INT:
            return st.integers(0, 100)
        if t == T.DECIMAL:
            return st.integers(0, 40).map(lambda n: Fraction(n, 10))
        if t in (T.PERCENT, T.PP):
            return st.integers(0, 100).map(lambda n: Fraction(n, 100))
        if t == T.MONEY or isinstance(t, T.Rate):
            return st.integers(0, 200).map(lambda n: Fraction(n * 500))
        return None

    def _wanted(self, info, field: str, t: T.Type) -> bool:
        """Whether to generate a field: required ones always, optional ones the contract reads."""
        if field in info.attribute_fields:
            return field in self.harvest.fields
        if isinstance(t, T.Optional | T.SetT):
            return field in self.harvest.fields
        return True

    def _fields(self, draw, info, refs, skip=()) -> dict:
        """Draw the generated fields of one record (one cached strategy per type and ids)."""
        key = (info.data_name, tuple(skip), tuple((k, tuple(v)) for k, v in sorted(refs.items())))
        strategy = self._cache.get(key)
        if strategy is None:
            strategy = self._cache[key] = self._fields_strategy(info, refs, skip)
        return dict(draw(strategy))

    def _fields_strategy(self, info, refs, skip):
        from hypothesis import strategies as st

        fields = {}
        for field, t in zip(info.fields, info.types, strict=True):
            if field in skip or field == "id" or not self._wanted(info, field, t):
                continue
            if isinstance(T.strip_optional(t), T.SetT):
                t = T.strip_optional(t)
            strategy = self.value(t, refs)
            if strategy is None:
                if not isinstance(t, T.Optional | T.SetT):
                    fields[field] = st.none()  # the reader reports it: a generator limit
                continue
            fields[field] = strategy
        return st.fixed_dictionaries(fields)

    # ------------------------------------------------------------------ records
    def strategy(self):
        """The Hypothesis strategy of one example's records."""
        from hypothesis import strategies as st

        @st.composite
        def examples(draw):
            return self.draw_records(draw)

        return examples()

    def _mentioned(self, info) -> bool:
        return info.name in self.harvest.type_names

    def draw_records(self, draw) -> list[GivenData]:
        from hypothesis import strategies as st

        records: list[GivenData] = []
        refs: dict[str, list[str]] = {}
        size = self.max_size
        # mostly one provider, so that events pile up on one payee
        providers = draw(st.sampled_from((1, 1, 2, 3)[: max(1, min(MAX_PROVIDERS, size) + 1)]))
        patients = draw(st.one_of(st.integers(1, 2), st.integers(1, size)))
        refs["Provider"] = [f"Q{i}" for i in range(1, providers + 1)]
        refs["Patient"] = [f"P{i}" for i in range(1, patients + 1)]
        entity_types = [
            (data_name, info)
            for data_name, info in sorted(self.infos.items())
            if info.is_entity and info.name not in ("Provider", "Patient")
        ]
        for data_name, info in entity_types:
            count = draw(st.integers(1, min(3, size)))
            refs[info.name] = [f"{self.prefixes[data_name]}{i}" for i in range(1, count + 1)]
        provider_info = self.infos.get("provider")
        for ident in refs["Provider"]:
            fields = {"id": ident}
            if provider_info is not None:
                fields |= self._fields(draw, provider_info, refs)
            records.append(GivenData("provider", fields))
        patient_info = self.infos.get("patient")
        for ident in refs["Patient"]:
            fields = {"id": ident}
            if patient_info is not None and "birth_date" in patient_info.index:
                age = draw(st.integers(0, 100))
                day = draw(st.integers(0, 364))
                birth = add_years(self.period.start, -age) - datetime.timedelta(days=day)
                fields["birth_date"] = birth.isoformat()
            if patient_info is not None:
                fields |= self._fields(draw, patient_info, refs, skip=("birth_date",))
            records.append(GivenData("patient", fields))
        for data_name, info in entity_types:
            for ident in refs.get(info.name, []):
                records.append(
                    GivenData(data_name, {"id": ident, **self._fields(draw, info, refs)})
                )
        if "listing" in self.infos and "Listing" in self.harvest.type_names:
            records += self._listings(draw, refs)
        for data_name, info in sorted(self.infos.items()):
            if info.kind in ("attribute",) or info.is_entity or data_name == "listing":
                continue
            if data_name == "indicator_result":
                records += self._indicator_results(draw, refs)
                continue
            if not self._mentioned(info):
                continue
            # up to `size` records, some repeated (same fields, new id): volumes build up
            # on one provider, which is what caps and limits are about. A list, so that
            # shrinking can drop records one by one.
            drawn = draw(st.lists(self._record_strategy(info, refs), max_size=size))
            made = 0
            for fields, copies in drawn:
                for _ in range(copies):
                    if made >= 2 * size:
                        break
                    made += 1
                    copy = dict(fields)
                    if info.id_index is not None:
                        copy = {"id": f"{self.prefixes[data_name]}{made}", **fields}
                    records.append(GivenData(data_name, copy))
        return self._referenced_patients(records)

    def _referenced_patients(self, records: list[GivenData]) -> list[GivenData]:
        """Leave out patients nothing refers to: they take part in no settlement, and
        without them a counterexample shrinks to the patients that matter."""
        used: set = set()
        for record in records:
            info = self.infos.get(record.type)
            if info is None or record.type == "patient":
                continue
            for field, t in zip(info.fields, info.types, strict=True):
                t = T.strip_optional(t)
                target = T.strip_optional(t.element) if isinstance(t, T.SetT) else t
                if isinstance(target, T.RecordT) and target.name == "Patient":
                    value = record.fields.get(field)
                    used.update(value if isinstance(value, list) else [value])
        return [r for r in records if r.type != "patient" or r.fields["id"] in used]

    def _record_strategy(self, info, refs):
        """(fields, copies) of one record of a type (cached per type and ids)."""
        from hypothesis import strategies as st

        key = ("record", info.data_name, tuple((k, tuple(v)) for k, v in sorted(refs.items())))
        strategy = self._cache.get(key)
        if strategy is not None:
            return strategy
        copies = st.sampled_from(REPEATS)
        if info.kind == "span" and "start" in info.index and "end" in info.index:
            end_type = info.types[info.index["end"]]
            length = (
                st.one_of(st.integers(0, 60), st.none())
                if isinstance(end_type, T.Optional)
                else st.integers(0, 60)
            )
            rest = self._fields_strategy(info, refs, ("start", "end"))
            strategy = st.tuples(self._date(), length, rest, copies).map(_span_record)
        else:
            strategy = st.tuples(self._fields_strategy(info, refs, ()), copies)
        self._cache[key] = strategy
        return strategy

    def _listings(self, draw, refs) -> list[GivenData]:
        """Each patient's listings, one after another: only the last may be open."""
        from hypothesis import strategies as st

        info = self.infos["listing"]
        records = []
        segment = st.tuples(
            st.sampled_from(refs["Provider"]),
            st.one_of(st.just(0), st.integers(0, 400)),  # often listed all along
            st.one_of(st.none(), st.integers(0, 400)),
        )
        for patient in refs["Patient"]:
            segments = draw(st.lists(segment, max_size=2))
            cursor = self.first
            for i, (provider, gap, length) in enumerate(segments):
                start = cursor + datetime.timedelta(days=gap)
                last = i == len(segments) - 1
                if length is None and not last:
                    length = 30
                fields = {"patient": patient, "provider": provider, "start": start.isoformat()}
                if length is not None:
                    end = start + datetime.timedelta(days=length)
                    fields["end"] = end.isoformat()
                    cursor = end + datetime.timedelta(days=1)
                extra = self._fields(draw, info, refs, skip=("patient", "provider", "start", "end"))
                records.append(GivenData("listing", fields | extra))
        return records

    def _indicator_results(self, draw, refs) -> list[GivenData]:
        from hypothesis import strategies as st

        if not self.harvest.reported:
            return []
        labels = []
        for unit in self.harvest.result_units:
            labels += [p.label for p in periods_in(self.period.start, self.period.end, unit)]
        records = []
        value = st.one_of(st.none(), st.integers(0, 100).map(lambda n: Fraction(n, 100)))
        for provider in refs["Provider"]:
            for indicator in self.harvest.reported:
                for label in labels:
                    result = draw(value)
                    if result is not None:
                        fields = {
                            "provider": provider,
                            "indicator": indicator,
                            "period": label,
                            "value": result,
                        }
                        records.append(GivenData("indicator_result", fields))
        return records


__all__ = ["Generator", "Harvest", "field_kinds"]
