"""The symbol table of a loaded contract: every declaration by name, once.

Builds the schema (records, events, spans, enums, with `extend` merged),
code sets, parameters, functions, the statement lines (payments, caps,
performance, bundles and their charges — one namespace), indicators, tests
and properties. Reports names declared twice (showing both places), unknown
types and `extend` of an unknown type.
"""

from __future__ import annotations

import attrs

from ersl import ast
from ersl import types as T
from ersl.dates import DATE_SERIES
from ersl.diagnostics import Diagnostic, Note, did_you_mean
from ersl.span import Span

EPISODE = "Episode"
DURATION_UNITS = {"days": T.DAYS, "weeks": T.DAYS, "months": T.MONTHS, "years": T.MONTHS}
"""`duration in UNIT`: weeks count in days, years in months (a year is 12 months)."""


@attrs.define
class SchemaType:
    """A record, event or span type with its fields (extensions merged in)."""

    name: str
    kind: str
    fields: dict[str, T.Type]
    field_spans: dict[str, Span]
    span: Span
    decl: ast.SchemaDecl | None = None

    @property
    def type(self) -> T.RecordT:
        """The type of values of this schema type."""
        return T.RecordT(self.name, self.kind)

    @property
    def data_name(self) -> str:
        """The data record type / CSV file stem: snake_case of the name."""
        return T.snake_case(self.name)

    @property
    def date_field(self) -> str | None:
        """The field giving an event's date (`date`, or `start` for spans)."""
        if self.kind == "span":
            return "start"
        return "date" if "date" in self.fields else None


@attrs.define
class Symbols:
    """Every declaration of a contract and its imports, by name."""

    contract: ast.Contract | None = None
    enums: dict[str, ast.EnumDecl] = attrs.field(factory=dict)
    schema: dict[str, SchemaType] = attrs.field(factory=dict)
    codesets: dict[str, ast.Codeset] = attrs.field(factory=dict)
    params: dict[str, ast.Param] = attrs.field(factory=dict)
    functions: dict[str, ast.Function] = attrs.field(factory=dict)
    payments: dict[str, ast.Payment] = attrs.field(factory=dict)
    caps: dict[str, ast.Cap] = attrs.field(factory=dict)
    performances: dict[str, ast.Performance] = attrs.field(factory=dict)
    bundles: dict[str, ast.Bundle] = attrs.field(factory=dict)
    indicators: dict[str, ast.Indicator] = attrs.field(factory=dict)
    tests: list[ast.Test] = attrs.field(factory=list)
    properties: list[ast.Property] = attrs.field(factory=list)
    param_types: dict[str, T.Type] = attrs.field(factory=dict)
    function_types: dict[str, tuple[tuple[T.Type, ...], T.Type]] = attrs.field(factory=dict)

    def line_names(self) -> list[str]:
        """Every name a statement line can have."""
        names = list(self.payments) + list(self.caps) + list(self.performances)
        for bundle in self.bundles:
            names += [bundle, f"{bundle}: charge"]
        return names

    def enum_of_member(self, member: str) -> list[str]:
        """Names of the enums that have `member`."""
        return [
            name for name, decl in self.enums.items() if any(m.name == member for m in decl.members)
        ]

    def date_series(self, name: str):
        """The dates a built-in date collection (`MonthEnd d`, `MonthStart d`) holds in a
        window, as a function of (start, end); None for a schema type or unknown name."""
        if name in self.schema:
            return None
        return DATE_SERIES.get(name)

    def schema_by_data_name(self) -> dict[str, SchemaType]:
        """Schema types keyed by their data record name (`visit`)."""
        return {s.data_name: s for s in self.schema.values()}


class SymbolBuilder:
    """Collects declarations from modules (imports first) into a `Symbols`."""

    def __init__(self) -> None:
        self.symbols = Symbols()
        self.errors: list[Diagnostic] = []
        self._places: dict[tuple[str, str], Span] = {}
        self._extends: list[ast.SchemaDecl] = []

    # ------------------------------------------------------------ registration
    def _claim(self, namespace: str, name: str, span: Span, what: str) -> bool:
        key = (namespace, name)
        if key in self._places:
            first = self._places[key]
            self.errors.append(
                Diagnostic(
                    "E0202",
                    f"{what} `{name}` is declared twice",
                    span,
                    help="rename one of them or remove the duplicate",
                    notes=(Note(first, "first declared here"),),
                )
            )
            return False
        self._places[key] = span
        return True

    def add_module(self, module: ast.Module, is_root: bool) -> None:
        """Register every declaration of one module."""
        s = self.symbols
        for decl in module.decls:
            match decl:
                case ast.Contract():
                    if is_root:
                        s.contract = decl
                case ast.EnumDecl():
                    if self._claim("type", decl.name.name, decl.name.span, "the type"):
                        s.enums[decl.name.name] = decl
                        seen: dict[str, Span] = {}
                        for member in decl.members:
                            if member.name in seen:
                                self.errors.append(
                                    Diagnostic(
                                        "E0202",
                                        f"`{member.name}` is listed twice in enum {decl.name.name}",
                                        member.span,
                                        notes=(Note(seen[member.name], "first listed here"),),
                                    )
                                )
                            seen[member.name] = member.span
                case ast.SchemaDecl(extend=True):
                    self._extends.append(decl)
                case ast.SchemaDecl():
                    if self._claim("type", decl.name.name, decl.name.span, "the type"):
                        s.schema[decl.name.name] = SchemaType(
                            decl.name.name, decl.kind, {}, {}, decl.name.span, decl
                        )
                case ast.Codeset():
                    if self._claim("value", decl.name.name, decl.name.span, "the name"):
                        s.codesets[decl.name.name] = decl
                case ast.Param():
                    if self._claim("value", decl.name.name, decl.name.span, "the name"):
                        s.params[decl.name.name] = decl
                case ast.Function():
                    if self._claim("value", decl.name.name, decl.name.span, "the name"):
                        s.functions[decl.name.name] = decl
                case ast.Payment():
                    if self._claim("line", decl.name, decl.span, "the line name"):
                        s.payments[decl.name] = decl
                case ast.Cap():
                    if self._claim("line", decl.name, decl.span, "the line name"):
                        s.caps[decl.name] = decl
                case ast.Performance():
                    if self._claim("line", decl.name, decl.span, "the line name"):
                        s.performances[decl.name] = decl
                case ast.Bundle():
                    if self._claim("line", decl.name, decl.span, "the line name"):
                        s.bundles[decl.name] = decl
                        self._claim("line", f"{decl.name}: charge", decl.span, "the line name")
                case ast.Indicator():
                    if self._claim("indicator", decl.name, decl.span, "the indicator"):
                        s.indicators[decl.name] = decl
                case ast.Test():
                    if is_root and self._claim("test", decl.name, decl.span, "the test"):
                        s.tests.append(decl)
                case ast.Property():
                    if is_root and self._claim("test", decl.name, decl.span, "the property"):
                        s.properties.append(decl)

    # ------------------------------------------------------------ types
    def resolve_type(self, node: ast.TypeExpr) -> T.Type:
        """The type a type expression denotes; unknown names are reported."""
        match node:
            case ast.OptionalType(inner=inner):
                return T.Optional(self.resolve_type(inner))
            case ast.SetType(element=element):
                return T.SetT(self.resolve_type(element))
            case ast.CodeType(system=system):
                return T.Code(system.name)
            case ast.TableType(key=key, value=value):
                return T.TableT(self.resolve_type(key), self.resolve_type(value))
            case ast.RateType(base=base, per=per):
                if base.name != "money":
                    self.errors.append(
                        Diagnostic(
                            "E0302",
                            f"only money can be a rate, not `{base.name}`",
                            base.span,
                            help="write `money per year`, `money per month` or `money per day`",
                        )
                    )
                    return T.ERROR
                if per.name not in T.RATE_PERIODS:
                    self.errors.append(
                        Diagnostic(
                            "E0302",
                            f"`{per.name}` is not a rate period",
                            per.span,
                            help=did_you_mean(per.name, T.RATE_PERIODS) or "use day, month or year",
                        )
                    )
                    return T.ERROR
                return T.Rate(per.name)
            case ast.DurationType(base=base, unit=unit):
                return self._duration_type(base, unit)
            case ast.NamedType(name=name):
                return self.named_type(name)
        raise AssertionError(node)  # pragma: no cover

    def _duration_type(self, base: ast.Ident, unit: ast.Ident) -> T.Type:
        """`duration in days|weeks` (counted in days) or `in months|years` (in months)."""
        if base.name != "duration":
            return self._type_error(
                f"only a duration is counted in a unit, not `{base.name}`",
                base.span,
                "write `duration in months` or `duration in days`",
            )
        if unit.name not in DURATION_UNITS:
            return self._type_error(
                f"`{unit.name}` is not a unit of time",
                unit.span,
                did_you_mean(unit.name, DURATION_UNITS)
                or "count a duration in days, weeks, months or years",
            )
        return DURATION_UNITS[unit.name]

    def _type_error(self, message: str, span: Span, help: str) -> T.Type:
        """Report a type that cannot be (E0302) and give the error type."""
        self.errors.append(Diagnostic("E0302", message, span, help=help))
        return T.ERROR

    def named_type(self, name: ast.Ident) -> T.Type:
        """The type named `name`: a primitive, `duration`, an enum or a schema type."""
        if name.name in T.PRIMITIVES:
            return T.PRIMITIVES[name.name]
        if name.name == "duration":
            return T.DAYS
        if name.name in self.symbols.enums:
            return T.EnumT(name.name)
        if name.name in self.symbols.schema:
            return self.symbols.schema[name.name].type
        known = (
            list(T.PRIMITIVES) + ["duration"] + list(self.symbols.enums) + list(self.symbols.schema)
        )
        self.errors.append(
            Diagnostic(
                "E0302",
                f"unknown type `{name.name}`",
                name.span,
                help=did_you_mean(name.name, known)
                or "declare it with `record`, `event`, `span` or `enum`, or `use` the file that does",
            )
        )
        return T.ERROR

    def finish(self) -> Symbols:
        """Resolve field types and merge `extend` declarations; return the symbols."""
        s = self.symbols
        for schema in s.schema.values():
            self._add_fields(schema, schema.decl.fields)
        for ext in self._extends:
            target = s.schema.get(ext.name.name)
            if target is None:
                self.errors.append(
                    Diagnostic(
                        "E0203",
                        f"cannot extend `{ext.name.name}`: no such {ext.kind}",
                        ext.name.span,
                        help=did_you_mean(ext.name.name, s.schema)
                        or 'is `use stdlib "schema/sweden"` missing?',
                    )
                )
                continue
            if target.kind != ext.kind:
                self.errors.append(
                    Diagnostic(
                        "E0203",
                        f"`{ext.name.name}` is a {target.kind}, not a{'n' if ext.kind == 'event' else ''} {ext.kind}",
                        ext.name.span,
                        help=f"write `extend {target.kind} {ext.name.name}`",
                    )
                )
                continue
            self._add_fields(target, ext.fields)
        for schema in s.schema.values():
            self._check_shape(schema)
        return s

    def _add_fields(self, schema: SchemaType, fields) -> None:
        for field in fields:
            if field.name.name in schema.fields:
                self.errors.append(
                    Diagnostic(
                        "E0204",
                        f"`{schema.name}` already has a field `{field.name.name}`",
                        field.name.span,
                        notes=(Note(schema.field_spans[field.name.name], "first declared here"),),
                    )
                )
                continue
            schema.fields[field.name.name] = self.resolve_type(field.type)
            schema.field_spans[field.name.name] = field.name.span

    def _check_shape(self, schema: SchemaType) -> None:
        required = {"event": ("date",), "span": ("start", "end")}.get(schema.kind, ())
        for name in required:
            if name not in schema.fields:
                self.errors.append(
                    Diagnostic(
                        "E0205",
                        f"the {schema.kind} `{schema.name}` needs {'an' if name == 'end' else 'a'} `{name}` field",
                        schema.span,
                        help="events have `date: date`; spans have `start: date` and `end: date?`",
                    )
                )
