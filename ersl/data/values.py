"""Value conversion for event data: how each schema field type is read from JSON or CSV.

Part of the data layer (:mod:`ersl.data`). A `Layout` describes one record type
for the reader: a converter per field, which fields are required, which are
references, and the canonical content order. Converters raise `Bad` with what
was wrong and what was expected; the reader turns that into a diagnostic.
Numbers are read exactly (`fractions.Fraction`), never through floats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from fractions import Fraction
from typing import Any

from ersl import types as T
from ersl.data.excel import number_help
from ersl.data.records import (
    PATIENT_FIXED_FIELDS,
    PROVIDER_FIXED_FIELDS,
    Entity,
    Record,
    TypeInfo,
    canonical,
)
from ersl.dates import parse_date
from ersl.diagnostics import did_you_mean
from ersl.exact import (
    LIMIT,
    MAX_DIGITS,
    NumberTooLarge,
    bounded_fraction,
    format_decimal,
    parse_decimal,
)
from ersl.types import snake_case as snake


class Bad(Exception):
    """A value that cannot be converted: code, what is wrong (after the value), help."""

    def __init__(self, code: str, problem: str, help: str | None = None) -> None:
        super().__init__(problem)
        self.code = code
        self.problem = problem
        self.help = help


def show(value: Any) -> str:
    """A data value as it would be written, shortened for messages."""
    if isinstance(value, Fraction):
        text = format_decimal(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list, str, int)) or value is None:
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def expected_text(t: T.Type, symbols_enums: dict[str, tuple[str, ...]]) -> str:
    """What a value of type ``t`` should look like, for messages."""
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        return f"a list of {expected_text(t.element, symbols_enums)} (CSV: separated by `;`)"
    if isinstance(t, T.EnumT):
        return f"one of {', '.join(symbols_enums.get(t.name, ()))}"
    if isinstance(t, T.RecordT):
        return f"the id of a `{snake(t.name)}` record"
    if isinstance(t, T.Code):
        return f"a {t.system} code"
    if isinstance(t, T.Rate):
        return f"an amount per {t.per} like 390 or 390.00 (no unit)"
    return {
        "text": "text",
        "int": "a whole number",
        "decimal": "a decimal number like 62.4",
        "percent": 'a fraction like 0.8 or a percentage like "80 %"',
        "pp": 'a fraction like 0.03 or percentage points like "3 pp"',
        "money": "an amount like 390 or 390.00 (no unit)",
        "date": "a date YYYY-MM-DD, e.g. 2022-03-01",
        "month": "a month YYYY-MM, e.g. 2022-03",
        "bool": "true or false",
    }.get(getattr(t, "name", ""), t.describe())


_INT_RE = re.compile(r"[+-]?[0-9]+")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(text: str) -> date:
    """`parse_date`, quicker for a well-formed date (the same result, the same errors)."""
    if _DATE_RE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # e.g. 2022-02-30: parse_date says why
            pass
    return parse_date(text)


_FRACTIONS: dict[Any, Fraction] = {}


def exact(text_or_int: str | int) -> Fraction:
    """``Fraction(x)``, remembered: data repeats the same numbers over and over."""
    value = _FRACTIONS.get(text_or_int)
    if value is None:
        if len(_FRACTIONS) > 200_000:
            _FRACTIONS.clear()
        value = _FRACTIONS[text_or_int] = Fraction(text_or_int)
    return value


def json_number(text: str) -> Fraction:
    """A JSON number with a fraction or exponent, exactly; `NumberTooLarge` beyond the
    bounds of `parse_decimal` (an exponent like ``1e999999999`` is never expanded)."""
    if len(text) <= 30 and "e" not in text and "E" not in text:
        return exact(text)
    return bounded_fraction(text)


def no_constant(name: str) -> Any:
    """Reject JSON's NaN and Infinity, which are no numbers."""
    raise ValueError(f"{name} is not a number")


def _number(raw: Any, unit: str | None) -> Fraction:
    """An exact number from JSON (int or exact Fraction) or text; ``unit`` % or pp allowed."""
    cls = raw.__class__
    if cls is Fraction:
        return raw
    if cls is int:
        if not -LIMIT < raw < LIMIT:
            raise Bad("E0806", f"is too large: {_too_large(raw)}")
        return exact(raw)
    if cls is not str:
        raise Bad("E0806", "is not a number")
    text = raw.strip()
    scale = 1
    if unit and text.endswith(unit):
        text, scale = text[: -len(unit)].rstrip(), 100
    try:
        value = parse_decimal(text)
    except NumberTooLarge as error:
        raise Bad("E0806", f"is too large: {error.detail}") from None
    except ValueError:
        help = number_help(text)
        if help is None and re.fullmatch(r"[+-]?[0-9.]+\s*(kr|SEK|tkr|Mkr|MSEK)(/\w+)?", text):
            help = "write amounts in kronor without a unit, e.g. 390.00"
        raise Bad("E0806", "is not a number", help) from None
    return value / scale if scale != 1 else value


def _too_large(raw: int) -> str:
    digits = len(str(abs(raw)))
    return f"it has {digits} digits before the decimal point; ERSL reads at most {MAX_DIGITS}"


_EMPTY: frozenset = frozenset()
_SEEN_LIMIT = 100_000  # numbers remembered per field (a bound on memory)


def converter(t: T.Type, enums: dict[str, tuple[str, ...]]) -> Callable[[Any], Any]:
    """A function turning one raw JSON/CSV value into its typed value, or raising `Bad`.

    An absent value (``None`` or ``""``) gives ``None``, or the empty set for a set.
    """
    t = T.strip_optional(t)
    expected = expected_text(t, enums)

    if isinstance(t, T.SetT):
        element = converter(t.element, enums)

        def convert_set(raw: Any) -> frozenset:
            if raw.__class__ is list:
                items: Iterable[Any] = raw
            elif raw is None:
                return _EMPTY
            elif raw.__class__ is str:
                items = [s.strip() for s in raw.split(";")]
                items = [s for s in items if s]
            else:
                raise Bad("E0808", f"is not a list; expected {expected}")
            result = frozenset(map(element, items))
            if None in result:
                raise Bad("E0808", f"has an empty member; expected {expected}")
            return result

        return convert_set

    if isinstance(t, T.EnumT):
        members = {m: m for m in enums.get(t.name, ())}

        def convert_enum(raw: Any) -> str:
            try:
                return members[raw]
            except (KeyError, TypeError):
                pass
            if raw is None or raw == "":
                return None
            member = members.get(raw.strip()) if isinstance(raw, str) else None
            if member is None:
                hint = did_you_mean(raw, members) if isinstance(raw, str) else None
                raise Bad("E0807", f"is not a {t.name}; expected {expected}", hint)
            return member

        convert_enum.inline = ("lookup", members)  # type: ignore[attr-defined]
        return convert_enum

    if isinstance(t, T.RecordT) or t == T.TEXT or isinstance(t, T.Code):
        strip = not (t == T.TEXT)

        def convert_text(raw: Any) -> str | None:
            if raw.__class__ is str:
                return (raw.strip() if strip else raw) or None
            if raw is None:
                return None
            if raw.__class__ is int:
                return str(raw)
            raise Bad("E0808", f"is not text; expected {expected}", "write it in quotes")

        convert_text.inline = ("strip" if strip else "text", None)  # type: ignore[attr-defined]
        return convert_text

    if t == T.DATE:
        cache: dict[str, date] = {}

        def convert_date(raw: Any) -> date:
            try:
                return cache[raw]
            except (KeyError, TypeError):
                pass
            if raw is None or raw == "":
                return None
            if raw.__class__ is str:
                try:
                    value = _date(raw.strip())
                except ValueError as err:
                    problem = "is not a date"
                    if "not a real date: " in str(err):  # e.g. "2022-02 has 28 days"
                        detail = str(err).split("not a real date: ", 1)[1].split(";")[0]
                        problem = f"is not a real date ({detail})"
                    elif "not a real date" in str(err):
                        problem = "is not a real date"
                    raise Bad("E0805", f"{problem}; expected {expected}") from None
                cache[raw] = value
                return value
            raise Bad("E0805", f"is not a date; expected {expected}")

        convert_date.inline = ("lookup", cache)  # type: ignore[attr-defined]
        return convert_date

    if t == T.MONTH:

        def convert_month(raw: Any) -> date | None:
            if raw is None or raw == "":
                return None
            match = _MONTH_RE.fullmatch(raw.strip()) if isinstance(raw, str) else None
            if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
                raise Bad("E0805", f"is not a month; expected {expected}")
            return date(int(match[1]), int(match[2]), 1)

        return convert_month

    if t == T.BOOL:

        def convert_bool(raw: Any) -> bool | None:
            if isinstance(raw, bool):
                return raw
            if raw is None or raw == "":
                return None
            if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
                return raw.strip().lower() == "true"
            raise Bad("E0808", f"is not a truth value; expected {expected}")

        return convert_bool

    if t == T.INT:

        def convert_int(raw: Any) -> int | None:
            if raw.__class__ is int:
                return raw
            if raw is None or raw == "":
                return None
            if raw.__class__ is Fraction and raw.denominator == 1:
                return int(raw)
            if isinstance(raw, str) and _INT_RE.fullmatch(raw.strip()):
                return int(raw.strip())
            raise Bad("E0806", f"is not a whole number; expected {expected}")

        return convert_int

    if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate):
        unit = {"percent": "%", "pp": "pp"}.get(getattr(t, "name", ""))

        seen: dict[str, Fraction] = {}

        def convert_number(raw: Any) -> Fraction | None:
            if raw.__class__ is Fraction:
                return raw
            if raw is None or raw == "":
                return None
            try:
                value = _number(raw, unit)
            except Bad as bad:
                raise Bad("E0806", f"{bad.problem}; expected {expected}", bad.help) from None
            if raw.__class__ is str:  # data repeats the same numbers, as text too
                if len(seen) >= _SEEN_LIMIT:
                    seen.clear()
                seen[raw] = value
            return value

        convert_number.inline = ("number", seen)  # type: ignore[attr-defined]
        return convert_number

    def unsupported(raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        raise Bad("E0808", f"cannot be read: fields of type {t.describe()} are not read from data")

    return unsupported


# ---------------------------------------------------------------------- schema


def symbols_of(contract: Any):
    """The symbols of a `CheckedContract` (or the symbols themselves)."""
    return getattr(contract, "symbols", contract)


def type_infos(symbols: Any) -> dict[str, TypeInfo]:
    """TypeInfos of the schema types and the two attribute types, keyed by data name."""
    infos: dict[str, TypeInfo] = {}
    for schema in symbols.schema.values():
        fixed = {"Patient": PATIENT_FIXED_FIELDS, "Provider": PROVIDER_FIXED_FIELDS}.get(
            schema.name
        )
        attribute_fields: tuple[str, ...] = ()
        if fixed is not None and schema.kind == "record" and "id" in schema.fields:
            attribute_fields = tuple(f for f in schema.fields if f not in fixed)
        infos[schema.data_name] = TypeInfo(
            schema.name,
            schema.data_name,
            schema.kind,
            dict(schema.fields),
            schema.date_field if schema.kind != "record" else None,
            attribute_fields,
        )
    for owner in ("Patient", "Provider"):
        info = next((i for i in infos.values() if i.name == owner and i.is_entity), None)
        if info is None or not info.attribute_fields:
            continue
        ref = snake(owner)
        fields: dict[str, T.Type] = {ref: info_type(owner), "from": T.DATE}
        for f in info.attribute_fields:
            fields[f] = info.types[info.index[f]]
        name = f"{ref}_attribute"
        if name not in infos:
            infos[name] = TypeInfo(
                name, name, "attribute", fields, "from", info.attribute_fields, owner
            )
    return infos


def info_type(name: str) -> T.RecordT:
    """The type of a reference to the entity type ``name``."""
    return T.RecordT(name, "record")


class Layout:
    """Per type: converters, required fields, reference fields and generated helpers."""

    __slots__ = (
        "info",
        "converters",
        "required",
        "refs",
        "defaults",
        "field_list",
        "attribute_indexes",
        "span_indexes",
        "parts",
        "make",
        "build",
        "order_key",
        "resolve",
    )

    def __init__(self, info: TypeInfo, enums: dict[str, tuple[str, ...]]) -> None:
        self.info = info
        self.converters = tuple(converter(t, enums) for t in info.types)
        self.defaults = [
            frozenset() if isinstance(T.strip_optional(t), T.SetT) else None for t in info.types
        ]
        optional_by_role = set(info.attribute_fields)
        self.required = tuple(
            i
            for i, (f, t) in enumerate(zip(info.fields, info.types, strict=True))
            if not isinstance(t, (T.Optional, T.SetT)) and f not in optional_by_role
        )
        refs = []
        for i, t in enumerate(info.types):
            inner = T.strip_optional(t)
            is_set = isinstance(inner, T.SetT)
            target = T.strip_optional(inner.element) if is_set else inner
            if isinstance(target, T.RecordT):
                refs.append((i, target.name, is_set))
        self.refs = tuple(refs)
        self.field_list = ", ".join(info.fields)
        self.attribute_indexes = (
            tuple(info.index[f] for f in info.attribute_fields) if info.kind == "attribute" else ()
        )
        self.span_indexes = (
            (info.index["start"], info.index["end"])
            if "start" in info.index and "end" in info.index
            else ()
        )
        # The content order of a type: date first, then every field.
        order = list(range(len(info.fields)))
        if info.date_index is not None:
            order.remove(info.date_index)
            order.insert(0, info.date_index)
        self.parts = [(i, sort_part(info.types[i])) for i in order]
        self.make = Entity if info.is_entity else Record
        self.build = self._compile_build()
        self.order_key = self._compile_order_key()
        self.resolve = self._compile_resolve() if self.refs else None

    # The three functions below are generated once per type because they run for
    # every record: an unrolled body is about twice as fast as a loop over the fields.
    # Only the text written here is executed; field names are repr()-quoted.

    def _compile_build(self) -> Callable[[dict, str, int], Record]:
        """A function turning one record (a dict of raw values) into a `Record`.

        It raises `Bad` for a bad value, KeyError for any other problem (an unknown
        or missing field, no attribute set, an end before the start) and TypeError
        for an unhashable value; the reader then goes through the record the slow
        way, with the converters, and describes its problems.
        """
        info = self.info
        namespace: dict[str, Any] = {
            "KEYS": frozenset(info.fields),
            "EMPTY": _EMPTY,
            "Fraction": Fraction,
            "INFO": info,
            "make": self.make,
        }
        body = ["def build(obj, file, line):", "    get = obj.get"]
        lines = {}
        for i, (field, default) in enumerate(zip(info.fields, self.defaults, strict=True)):
            convert = namespace[f"c{i}"] = self.converters[i]
            absent = "EMPTY" if default is not None else "None"
            # The common cases inline (a call costs as much as the work); the converter
            # handles everything else, and its errors.
            kind, data = getattr(convert, "inline", (None, None))
            if kind == "lookup":  # enum members, dates: any other value misses, or is
                namespace[f"m{i}"] = data  # unhashable (TypeError: the slow way)
                value = f"m{i}.get(v) or c{i}(v)"
            elif kind == "strip":
                value = f"(v.strip() or None) if v.__class__ is str else c{i}(v)"
            elif kind == "text":
                value = f"(v or None) if v.__class__ is str else c{i}(v)"
            elif kind == "number":  # `or` would call Fraction.__bool__, written in Python
                namespace[f"m{i}"] = data
                value = (
                    f"v if (k := v.__class__) is Fraction else "
                    f"(x if (x := m{i}.get(v)) is not None else c{i}(v)) if k is str else c{i}(v)"
                )
            else:
                value = f"c{i}(v)"
            lines[i] = f"v{i} = {absent} if (v := get({field!r})) is None else {value}"
        # Required fields first: when they are all there is to the record (len), there
        # is no unknown field and the optional ones are absent: no need to look.
        for i in self.required:
            body.append(f"    {lines.pop(i)}")
        if self.required:
            test = " or ".join(f"v{i} is None" for i in self.required)
            body += [f"    if {test}:", "        raise KeyError('missing field')"]
        unset = [f"v{i} = {'None' if self.defaults[i] is None else 'EMPTY'}" for i in lines]
        body.append(f"    if len(obj) == {len(self.required)}:")
        body += [f"        {line}" for line in unset or ["pass"]]
        body += ["    elif not KEYS.issuperset(obj):", "        raise KeyError('unknown field')"]
        if lines:
            body += ["    else:"] + [f"        {line}" for line in lines.values()]
        if self.attribute_indexes:
            test = " and ".join(f"v{i} is None" for i in self.attribute_indexes)
            body += [f"    if {test}:", "        raise KeyError('no attribute')"]
        if self.span_indexes:
            s, e = self.span_indexes
            body += [
                f"    if v{s} is not None and v{e} is not None and v{e} < v{s}:",
                "        raise KeyError('end before start')",
            ]
        id_ = '""' if info.id_index is None else f"v{info.id_index}"
        values = "".join(f"v{i}, " for i in range(len(info.fields)))
        body.append(f"    return make(INFO, {id_}, ({values}), file, line)")
        exec("\n".join(body), namespace)
        return namespace["build"]

    def _compile_order_key(self) -> Callable[[Record], tuple]:
        """The canonical sort key of a record: date, then its fields (ids for references)."""
        namespace: dict[str, Any] = {}
        parts = []
        for n, (i, part) in enumerate(self.parts):
            kind = getattr(part, "inline", None)
            if kind == "text":
                parts.append(f'"" if (x := v[{i}]) is None else x if x.__class__ is str else x.id')
            elif kind == "date":
                parts.append(f"-1 if (x := v[{i}]) is None else x.toordinal()")
            else:
                namespace[f"p{n}"] = part
                parts.append(f"p{n}(v[{i}])")
        body = ["def order_key(record):", "    v = record.values"]
        body.append("    return (" + "".join(f"({p}), " for p in parts) + ")")
        exec("\n".join(body), namespace)
        return namespace["order_key"]

    def _compile_resolve(self) -> Callable[..., list[Record]]:
        """A function replacing the ids in reference fields by the entities they name.

        It takes the records and one ``dict.get`` of entities per reference field
        (in the order of ``refs``), sets each record's resolved values and returns
        the records with an unknown id, untouched, for the checker to report.
        """
        n = len(self.info.fields)
        gets = ", ".join(f"g{k}" for k in range(len(self.refs)))
        names = [f"v{i}" for i in range(n)]
        body = [
            f"def resolve(items, {gets}):",
            "    failed = []",
            "    for r in items:",
            f"        {', '.join(names)}, = r.values",
        ]
        for k, (i, _target, is_set) in enumerate(self.refs):
            if is_set:
                body += [
                    f"        if v{i}:",
                    f"            e = frozenset(map(g{k}, v{i}))",
                    "            if None in e:",
                    "                failed.append(r)",
                    "                continue",
                    f"            v{i} = e",
                ]
            else:
                body += [
                    f"        if (e := g{k}(v{i})) is None and v{i} is not None:",
                    "            failed.append(r)",
                    "            continue",
                    f"        v{i} = e",
                ]
        body += [f"        r.values = ({''.join(f'{x}, ' for x in names)})", "    return failed"]
        namespace: dict[str, Any] = {}
        exec("\n".join(body), namespace)
        return namespace["resolve"]


def sort_part(t: T.Type) -> Callable[[Any], Any]:
    """How one field takes part in the content order: cheap, comparable, never None."""
    t = T.strip_optional(t)
    if t in (T.TEXT,) or isinstance(t, (T.Code, T.EnumT, T.RecordT)):

        def text_part(v: Any) -> str:
            return "" if v is None else (v if v.__class__ is str else v.id)

        text_part.inline = "text"  # type: ignore[attr-defined]  # `Layout.order_key` inlines it
        return text_part
    if t in (T.DATE, T.MONTH):

        def date_part(v: Any) -> int:
            return -1 if v is None else v.toordinal()

        date_part.inline = "date"  # type: ignore[attr-defined]
        return date_part
    return lambda v: canonical(v, t)
