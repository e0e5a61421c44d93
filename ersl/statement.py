"""Payment statements: the lines each provider is owed, and their outputs (SPEC §6.3).

JSON (`ersl.statement/1`, byte-identical for identical input), a readable
text table per payee, CSV and an Excel workbook. Amounts are exact `Fraction`s already rounded
by the interpreter; totals are sums of rounded lines.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from fractions import Fraction

import attrs

from ersl.exact import format_amount

FORMAT = "ersl.statement/1"
KINDS = ("fixed", "variable", "performance")


@attrs.frozen
class Line:
    """One statement line: a (payee, period, name) with its rounded amount."""

    payee: str
    period: str
    name: str
    kind: str
    units: int
    amount: Fraction
    source: str
    exact: Fraction = attrs.field(eq=False, repr=False, default=Fraction(0))
    """The exact total before rounding (for explanations)."""
    due: Fraction | None = attrs.field(eq=False, repr=False, default=None)
    """A `correction` line: the amount now due (``amount`` is ``due - paid``)."""
    paid: Fraction | None = attrs.field(eq=False, repr=False, default=None)
    """A `correction` line: what was already paid for its payee, period and name."""

    def sort_key(self) -> tuple[str, str, str]:
        """Lines sort by payee, period, name (code points)."""
        return (self.payee, self.period, self.name)

    def to_dict(self) -> dict:
        """The line's JSON object, keys in the order of SPEC §6.3."""
        return {
            "payee": self.payee,
            "period": self.period,
            "name": self.name,
            "kind": self.kind,
            "units": self.units,
            "amount": format_amount(self.amount),
            "source": self.source,
        } | (
            {"due": format_amount(self.due), "paid": format_amount(self.paid)}
            if self.due is not None and self.paid is not None
            else {}
        )


_NOT_SETTLED = {"payment": "not paid", "bundle": "not paid", "performance": "not paid"}


@attrs.frozen
class Notice:
    """A line the run did not settle because it reads an optional parameter that was
    not given (`kind` is payment, cap, performance or bundle)."""

    name: str
    kind: str
    parameters: tuple[str, ...]
    source: str

    @property
    def reason(self) -> str:
        """`not paid: parameter `x` not given` (`not applied` for a cap)."""
        verb = _NOT_SETTLED.get(self.kind, "not applied")
        names = ", ".join(f"`{p}`" for p in self.parameters)
        noun = "parameter" if len(self.parameters) == 1 else "parameters"
        return f"{verb}: {noun} {names} not given"

    @property
    def message(self) -> str:
        """The whole notice: `payment "X" not paid: parameter `x` not given`."""
        return f'{self.kind} "{self.name}" {self.reason}'

    def to_dict(self) -> dict:
        """The notice's JSON object."""
        return {
            "name": self.name,
            "kind": self.kind,
            "parameters": list(self.parameters),
            "message": self.message,
            "source": self.source,
        }


@attrs.define
class Statement:
    """A settled period: the contract it came from, its lines and per-payee totals."""

    contract_name: str
    contract_version: str | None
    contract_sha256: str
    period: str
    lines: list[Line]
    explanations: dict = attrs.field(factory=dict, repr=False)
    """(payee, period, name) -> the interpreter's draft of that line (for explanations)."""
    run: object = attrs.field(default=None, repr=False)
    """The run that produced the statement (for explanations)."""
    explainer: Callable[..., dict] | None = attrs.field(default=None, repr=False)
    """`explainer(statement, payee, name, period)`: set by the settlement that made the
    statement (the statement layer knows nothing of how amounts were computed)."""
    notices: list[Notice] = attrs.field(factory=list)
    """Lines not settled because an optional parameter was not given, by name."""
    as_of: str | None = None
    """The date the data were taken as of (`--as-of`, ISO), or None: all data known."""
    paid: list[dict] = attrs.field(factory=list)
    """A correction statement: the earlier statements it corrects (their period and
    as-of date, in the order given); empty for a settlement."""
    preliminary: list[tuple[str, str, str]] = attrs.field(factory=list)
    """(payee, period, name) of lines whose rule needs data after the as-of date."""

    def __attrs_post_init__(self) -> None:
        self.lines = sorted(self.lines, key=Line.sort_key)
        self.notices = sorted(self.notices, key=lambda n: n.name)

    def explain(self, payee: str, name: str, period: str | None = None) -> dict:
        """How a line was computed (SPEC §6.4): the `ersl.explanation/1` tree."""
        if self.explainer is None:
            raise ValueError("this statement was not produced by a settlement that can explain it")
        return self.explainer(self, payee, name, period)

    def kinds(self) -> tuple[str, ...]:
        """The kinds the totals show: fixed, variable, performance, and `correction`
        when a line is one (a correction statement)."""
        if any(line.kind == "correction" for line in self.lines):
            return (*KINDS, "correction")
        return KINDS

    def totals(self) -> dict[str, dict[str, Fraction]]:
        """Per payee: the sum of each kind's lines and the total."""
        result: dict[str, dict[str, Fraction]] = {}
        kinds = self.kinds()
        for line in self.lines:
            per_kind = result.setdefault(line.payee, {k: Fraction(0) for k in (*kinds, "total")})
            per_kind[line.kind] += line.amount
            per_kind["total"] += line.amount
        return dict(sorted(result.items()))

    def to_dict(self) -> dict:
        """The statement as the JSON object of SPEC §6.3; `notices` is added only when
        a line was not settled for a missing optional parameter."""
        result = {
            "format": FORMAT,
            "contract": {
                "name": self.contract_name,
                "version": self.contract_version,
                "sha256": self.contract_sha256,
            },
            "period": self.period,
            **({"as_of": self.as_of} if self.as_of is not None else {}),
            **({"paid": self.paid} if self.paid else {}),
            "lines": [self._line_dict(line) for line in self.lines],
            "totals": {
                payee: {kind: format_amount(amount) for kind, amount in kinds.items()}
                for payee, kinds in self.totals().items()
            },
        }
        if self.notices:
            result["notices"] = [notice.to_dict() for notice in self.notices]
        return result

    def _line_dict(self, line: Line) -> dict:
        """A line's JSON object; `"preliminary": true` when its data are not complete."""
        d = line.to_dict()
        if self.preliminary and line.sort_key() in self._preliminary_keys():
            d["preliminary"] = True
        return d

    def _preliminary_keys(self) -> set[tuple[str, str, str]]:
        return set(self.preliminary)

    def to_json(self) -> str:
        """Deterministic JSON text (two-space indent, UTF-8, trailing newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """One row per line: payee, period, name, kind, units, amount, source; then a
        row per notice: no payee, the statement's period, the line's name, kind
        `notice`, no units or amount, and as source where the line is and why it was
        not settled."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["payee", "period", "name", "kind", "units", "amount", "source"])
        for line in self.lines:
            d = line.to_dict()
            writer.writerow(
                [d[k] for k in ("payee", "period", "name", "kind", "units", "amount", "source")]
            )
        for notice in self.notices:
            writer.writerow(
                [
                    "",
                    self.period,
                    notice.name,
                    "notice",
                    "",
                    "",
                    f"{notice.source}: {notice.reason}",
                ]
            )
        return out.getvalue()

    def to_xlsx(self) -> bytes:
        """An Excel workbook: sheets of lines and of totals per payee and kind
        (`ersl.statement_xlsx`)."""
        from ersl.statement_xlsx import to_xlsx

        return to_xlsx(self)

    def to_text(self) -> str:
        """A readable table per payee: lines, subtotals per kind, total."""
        title = f"{self.contract_name} — statement for {self.period}"
        if self.as_of is not None:
            title += f" as of {self.as_of}"
        out = [title + (" (corrections)" if self.paid else "")]
        if self.notices:
            out.append("")
            out.append("Not settled:")
            out.extend(f"  {n.message} ({n.source})" for n in self.notices)
        if not self.lines:
            out.append("")
            out.append("(no lines: nothing is payable in this period)")
            return "\n".join(out) + "\n"
        totals = self.totals()
        preliminary = self._preliminary_keys()
        name_width = max(len(line.name) for line in self.lines)
        name_width = max(name_width, len("total performance"))
        amount_width = max(len(_thousands(line.amount)) for line in self.lines)
        for kinds in totals.values():
            amount_width = max(amount_width, *(len(_thousands(v)) for v in kinds.values()))
        for payee, kinds in totals.items():
            out.append("")
            out.append(payee)
            for line in self.lines:
                if line.payee != payee:
                    continue
                mark = " *" if line.sort_key() in preliminary else ""
                out.append(
                    f"  {line.period:<9} {line.name:<{name_width}}  {line.kind:<11} "
                    f"{line.units:>8}  {_thousands(line.amount):>{amount_width}}{mark}"
                )
            rule = " " * (2 + 9 + 1) + "-" * (name_width + 2 + 11 + 1 + 8 + 2 + amount_width)
            out.append(rule)
            for kind in self.kinds():
                label = f"total {kind}"
                out.append(
                    f"  {'':<9} {label:<{name_width}}  {'':<11} {'':>8}  "
                    f"{_thousands(kinds[kind]):>{amount_width}}"
                )
            out.append(
                f"  {'':<9} {'TOTAL':<{name_width}}  {'':<11} {'':>8}  "
                f"{_thousands(kinds['total']):>{amount_width}}"
            )
        if preliminary:
            out.append("")
            out.append(
                "* preliminary: the rule needs data after the as-of date (docs/reference/time.md)"
            )
        return "\n".join(out) + "\n"


def _thousands(amount: Fraction) -> str:
    """`1234567.50` → `1 234 567.50` (space as thousands separator, Swedish style)."""
    text = format_amount(amount)
    sign = "-" if text.startswith("-") else ""
    whole, _, cents = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{' '.join(groups)}.{cents}"
