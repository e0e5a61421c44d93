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
            if isinstance(wanted, T.TableT) and isinstance(param.value, ast.StringLit):
                if not param.value.value.lower().endswith(".csv"):
                    self.decls.error(
                        "E0405",
                        f"`{param.name.name}` is a table: give its values or a CSV file",
                        param.value.span,
                        help='a CSV file with the columns key,value, e.g. "fees.csv"',
                    )
                continue  # a table from a CSV file, relative to the test file
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
                    self._whole_ore(item.amount)

    def _whole_ore(self, amount: ast.Expr) -> None:
        """E0512: an expected amount written as a number is a whole number of öre."""
        scale = _KRONOR.get(amount.unit) if isinstance(amount, ast.Quantity) else None
        if scale is not None and (amount.value * scale * 100).denominator != 1:
            self.decls.error(
                "E0512",
                f"an expected amount is a whole number of öre, but `{amount.text}` is not",
                amount.span,
                help="statement lines are rounded to öre: write the amount with at most "
                "two decimals, e.g. 0.01 kr",
            )

    def given_record(self, item: ast.GivenRecord, by_data) -> None:
        """A given record's type and fields must exist in the schema, its values fit them."""
        type_name = item.type.name
        if type_name in ATTRIBUTE_TYPES:
            fields = self._attribute_fields(type_name)
            if fields is None:
                owner = type_name.split("_")[0].capitalize()
                self.decls.error(
                    "E0302",
                    f"the contract's {owner} has no time-varying fields, so there is no "
                    f"`{type_name}`",
                    item.type.span,
                    help=f"write the value on the {owner.lower()} record itself",
                )
                return
        else:
            schema = by_data.get(type_name)
            if schema is None:
                self.decls.error(
                    "E0302",
                    f"unknown record type `{type_name}`",
                    item.type.span,
                    help=did_you_mean(type_name, list(by_data) + list(ATTRIBUTE_TYPES)),
                )
                return
            fields = schema.fields
        if item.id is not None and "id" not in fields:
            self.decls.error(
                "E0301",
                f"{_article(type_name)} `{type_name}` record has no id, so "
                f"`{item.id.name}` cannot name it",
                item.id.span,
                help=f"leave out the name: `{type_name} {{ … }}`",
            )
        registration = {
            "registered": T.DATE,  # ersl.data.history: when the record reached the region
            "replaces": T.RecordT(type_name, "record"),
            "withdraws": T.RecordT(type_name, "record"),
        }
        for field in item.fields:
            if field.name.name not in fields and field.name.name in registration:
                self.given_value(registration[field.name.name], field.value, f"`{field.name.name}`")
                continue
            if field.name.name not in fields:
                self.decls.error(
                    "E0301",
                    f"`{type_name}` has no field `{field.name.name}`",
                    field.name.span,
                    help=did_you_mean(field.name.name, fields)
                    or f"its fields are: {', '.join(fields)}",
                )
                continue
            self.given_value(
                fields[field.name.name], field.value, f"`{type_name}.{field.name.name}`"
            )

    def _attribute_fields(self, type_name: str) -> dict[str, T.Type] | None:
        from ersl.data.values import type_infos

        info = type_infos(self.symbols).get(type_name)
        if info is None:
            return None
        return dict(zip(info.fields, info.types, strict=True))

    def given_value(self, wanted: T.Type, node: ast.Expr, what: str) -> None:
        """A given field's value must be a literal of the field's type."""
        if isinstance(node, ast.NoneLit):
            if not isinstance(wanted, T.Optional | T.SetT):
                self.decls.error("E0405", f"{what} is required: it cannot be none", node.span)
            return
        wanted = T.strip_optional(wanted)
        if isinstance(wanted, T.SetT):
            if not isinstance(node, ast.SetLit):
                self.decls.error(
                    "E0405",
                    f"{what} is {wanted.describe()}: write its members in braces",
                    node.span,
                    help='e.g. {"I10", "E11"}, or {} for none',
                )
                return
            for member in node.items:
                self.given_value(wanted.element, member, f"a member of {what}")
            return
        if isinstance(wanted, T.EnumT):
            members = [m.name for m in self.symbols.enums[wanted.name].members]
            if isinstance(node, ast.Name) and node.name not in members:
                self.decls.error(
                    "E0303",
                    f"`{node.name}` is not a {wanted.name}",
                    node.span,
                    help=did_you_mean(node.name, members)
                    or f"{wanted.name} has: {', '.join(members)}",
                )
                return
            if isinstance(node, ast.Name):
                return
            example = members[0] if members else "…"
            return self._not_a(what, wanted, node, f"write a member, e.g. {example}")
        if isinstance(wanted, T.RecordT):
            if isinstance(node, ast.Name | ast.StringLit):
                return
            return self._not_a(what, wanted, node, "write the id of the record, e.g. P1")
        if wanted == T.TEXT or isinstance(wanted, T.Code):
            if isinstance(node, ast.StringLit):
                return
            return self._not_a(what, wanted, node, 'write text in quotes, e.g. "preop"')
        literal = {
            "date": ast.DateLit,
            "month": ast.MonthLit,
            "bool": ast.BoolLit,
        }.get(getattr(wanted, "name", ""))
        if literal is not None:
            if isinstance(node, literal):
                return
            return self._not_a(what, wanted, node, None)
        number = node.operand if isinstance(node, ast.Unary) and node.op == "-" else node
        if not isinstance(number, ast.Number | ast.Quantity):
            return self._not_a(what, wanted, node, None)
        actual = (
            T.UNIT_TYPES.get(number.unit, T.ERROR)
            if isinstance(number, ast.Quantity)
            else (T.INT if number.value.denominator == 1 and "." not in number.text else T.DECIMAL)
        )
        if wanted in (T.PERCENT, T.PP) and actual in (T.INT, T.DECIMAL):
            return  # a fraction, as in data files (0.8 = 80 %)
        if not T.assignable(actual, wanted):
            help = None
            if wanted == T.MONEY or isinstance(wanted, T.Rate):
                help = "write an amount with its unit, e.g. 52000 kr"
            self._not_a(what, wanted, node, help, actual)

    def _not_a(self, what: str, wanted: T.Type, node, help, actual: T.Type | None = None) -> None:
        found = actual.describe() if actual is not None else _literal_kind(node)
        self.decls.error(
            "E0405",
            f"{what} is {wanted.describe()}, but this value is {found}",
            node.span,
            help=help,
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


#: Kronor per money unit, for the öre check of expected amounts.
_KRONOR = {"kr": 1, "SEK": 1, "tkr": 1000, "Mkr": 1_000_000, "MSEK": 1_000_000}


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _literal_kind(node: ast.Node) -> str:
    """What a given value was written as, for messages."""
    kinds = {
        ast.StringLit: "text",
        ast.Name: "a name",
        ast.DateLit: "a date",
        ast.MonthLit: "a month",
        ast.BoolLit: "true or false",
        ast.SetLit: "a set",
        ast.Number: "a number",
        ast.Quantity: "an amount",
    }
    return kinds.get(type(node), "an expression, not a literal value")
