"""Checking `test` and `property` blocks like any other ERSL (SPEC §7).

An expected line must name a real line ("did you mean"), given records must
be of schema types with real fields, parameter overrides must name
parameters, and periods must be periods.
"""

from __future__ import annotations

from ersl import ast
from ersl import types as T
from ersl.checker.declarations import DeclarationChecker
from ersl.checker.expressions import Scope
from ersl.dates import parse_period
from ersl.diagnostics import did_you_mean

# Record types a `given` block may hold besides the schema's own types.
ATTRIBUTE_TYPES = ("patient_attribute", "provider_attribute")


class ContractTestChecker:
    """Checks test and property blocks against the contract's symbols."""

    def __init__(self, decls: DeclarationChecker) -> None:
        self.decls = decls
        self.symbols = decls.symbols
        self.exprs = decls.exprs

    def period(self, spec: ast.PeriodSpec | None) -> None:
        """A period must parse (`2022`, `2022-03`, `2022-Q1`, ranges)."""
        if spec is None:
            return
        try:
            parse_period(spec.text)
        except ValueError as problem:
            self.decls.error(
                "E0511",
                f"`{spec.text}` is not a period: {problem}",
                spec.span,
                help="write 2022, 2022-03, 2022-Q1 or 2022-01..2022-06",
            )

    def params(self, params: tuple[ast.Param, ...]) -> None:
        """Overrides must name declared parameters and fit their types."""
        for param in params:
            declared = self.symbols.params.get(param.name.name)
            if declared is None:
                self.decls.error(
                    "E0300",
                    f"there is no parameter `{param.name.name}` to set",
                    param.name.span,
                    help=did_you_mean(param.name.name, self.symbols.params),
                )
                continue
            if param.value is None:
                continue
            wanted = self.symbols.param_types.get(param.name.name, T.ERROR)
            actual = self.decls.value_type(param.value, wanted, None)
            if not T.assignable(actual, wanted):
                self.decls.error(
                    "E0405",
                    f"`{param.name.name}` is {wanted.describe()}, but this value is {actual.describe()}",
                    param.value.span,
                )

    def test(self, test: ast.Test) -> None:
        """Check one test block."""
        self.period(test.period)
        self.params(test.params)
        if isinstance(test.given, tuple):
            by_data = self.symbols.schema_by_data_name()
            for item in test.given:
                if isinstance(item, ast.GivenRecord):
                    self.given_record(item, by_data)
        if isinstance(test.expect, tuple):
            names = self.symbols.line_names()
            for item in test.expect:
                self.period(item.period)
                if isinstance(item, ast.ExpectLine) and item.name not in names:
                    self.decls.error(
                        "E0304",
                        f'the contract has no line named "{item.name}"',
                        item.span,
                        help=did_you_mean(item.name, names),
                    )
                if not isinstance(item.amount, ast.NoneLit):
                    self.exprs.expect(item.amount, Scope(), [T.MONEY], "an expected amount")

    def given_record(self, item: ast.GivenRecord, by_data) -> None:
        """A given record's type and fields must exist in the schema."""
        type_name = item.type.name
        if type_name in ATTRIBUTE_TYPES:
            return
        schema = by_data.get(type_name)
        if schema is None:
            self.decls.error(
                "E0302",
                f"unknown record type `{type_name}`",
                item.type.span,
                help=did_you_mean(type_name, list(by_data) + list(ATTRIBUTE_TYPES)),
            )
            return
        for field in item.fields:
            if field.name.name not in schema.fields:
                self.decls.error(
                    "E0301",
                    f"`{type_name}` has no field `{field.name.name}`",
                    field.name.span,
                    help=did_you_mean(field.name.name, schema.fields)
                    or f"its fields are: {', '.join(schema.fields)}",
                )

    def property(self, prop: ast.Property) -> None:
        """Check a property's invariant with the provider variable bound."""
        self.period(prop.period)
        self.params(prop.params)
        if prop.check is None:
            self.decls.error(
                "E0500",
                f'the property "{prop.name}" has no `check`',
                prop.span,
                help="add `check <condition>`",
            )
            return
        bindings = {}
        if prop.every_provider is not None:
            bindings[prop.every_provider.name] = self.decls._schema("Provider")
        self.exprs.condition(prop.check, Scope(bindings=bindings), "a property's check")
