"""Hover: what the name or expression under the cursor is, in Markdown.

- a name or expression: its type and unit;
- a parameter: its type and value — for a dated parameter the value from each date,
  for a table its bands (as written in the contract);
- a built-in: its signature and what it does;
- a payment, cap, performance or bundle: its kind, basis and period;
- a type: its fields or members; a field, a variable, a code set, an indicator.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ersl import ast
from ersl import types as T
from ersl.lsp.analysis import Analysis
from ersl.lsp.lookup import Target
from ersl.lsp.positions import to_range
from ersl.span import Span

_SPACES = re.compile(r"[ \t]+")


def source_text(analysis: Analysis, span: Span) -> str:
    """The text a span covers, runs of spaces made one (for showing clauses)."""
    lines = []
    for number in range(span.line, span.end_line + 1):
        text = analysis.line(span.file, number) or ""
        end = span.end_column - 1 if number == span.end_line else len(text)
        start = span.column - 1 if number == span.line else 0
        lines.append(text[start:end].strip())
    return _SPACES.sub(" ", " ".join(line for line in lines if line))


def unit_of(t: T.Type | None) -> str | None:
    """The unit values of type `t` are written in (`kr`, `kr/year`, `%`, `days`), if any."""
    t = T.strip_optional(t) if t is not None else None
    if t == T.MONEY:
        return "kr"
    if isinstance(t, T.Rate):
        return f"kr/{t.per}"
    if t == T.PERCENT:
        return "%"
    if t == T.PP:
        return "pp (percentage points)"
    if isinstance(t, T.Duration):
        return t.unit
    if isinstance(t, T.TableT):
        return unit_of(t.value)
    return None


def _type_line(t: T.Type | None) -> str:
    if t is None or isinstance(t, T.ErrorT):
        return "type: unknown (see the errors)"
    unit = unit_of(t)
    return f"type: `{t.describe()}`" + (f", unit **{unit}**" if unit else "")


def _code(text: str) -> str:
    return f"```ersl\n{text}\n```"


def _doc(doc: str | None) -> list[str]:
    return [doc] if doc else []


# ------------------------------------------------------------------ by kind


def _table_lines(analysis: Analysis, table: ast.TableValue, indent: str = "") -> list[str]:
    return [indent + source_text(analysis, entry.span) for entry in table.entries]


def _param(analysis: Analysis, target: Target) -> list[str]:
    param: ast.Param = target.node
    parts = [_code(f"param {param.name.name}: {_described(target.type)}"), _type_line(target.type)]
    parts += _doc(param.doc)
    value = param.value
    if value is None:
        parts.append("required: given with `--param` when the contract is run")
    elif isinstance(value, ast.DatedValue):
        lines = []
        for entry in value.entries:
            if isinstance(entry.value, ast.TableValue):
                lines.append(f"from {entry.start} ->")
                lines += _table_lines(analysis, entry.value, "  ")
            else:
                lines.append(f"from {entry.start} -> {source_text(analysis, entry.value.span)}")
        parts.append("value on each date:\n" + _code("\n".join(lines)))
    elif isinstance(value, ast.TableValue):
        parts.append("bands:\n" + _code("\n".join(_table_lines(analysis, value))))
    else:
        parts.append("value: " + _code(source_text(analysis, value.span)))
    return parts


def _described(t: T.Type | None) -> str:
    return t.describe() if t is not None and not isinstance(t, T.ErrorT) else "?"


def _function(analysis: Analysis, target: Target) -> list[str]:
    function: ast.Function = target.node
    params = ", ".join(
        f"{p.name.name}: {source_text(analysis, p.type.span)}" for p in function.params
    )
    result = source_text(analysis, function.result.span)
    return [_code(f"function {function.name.name}({params}): {result}"), *_doc(function.doc)]


def _builtin(analysis: Analysis, target: Target) -> list[str]:
    builtin = target.node
    return [_code(builtin.signature or target.name), "built-in", *_doc(builtin.doc)]


def _period(analysis: Analysis, decl) -> str:
    each = getattr(getattr(decl, "basis", None), "each", None) or getattr(decl, "each", None)
    if isinstance(each, ast.Ident):
        return f"each {each.name}"
    checked = analysis.checked
    contract = checked.symbols.contract if checked is not None else None
    settle = contract.settle.name if contract is not None and contract.settle else None
    return f"the settlement period (`settle {settle}`)" if settle else "the settlement period"


def _line(analysis: Analysis, target: Target) -> list[str]:
    decl = target.node
    if decl is None:
        return [f'`"{target.name}"`: no such statement line']
    word = type(decl).__name__.lower()
    parts = [_code(f'{word} "{decl.name}"')]
    facts = []
    kind = getattr(decl, "kind", None)
    if isinstance(kind, ast.Ident):
        facts.append(f"- kind: `{kind.name}`")
    elif isinstance(decl, ast.Performance):
        facts.append("- kind: `performance`")
    basis = getattr(decl, "basis", None)
    if basis is not None:
        facts.append(f"- basis: `per {source_text(analysis, basis.span)}`")
    elif isinstance(decl, (ast.Cap, ast.Performance)):
        facts.append(f"- basis: `for provider {decl.provider_var.name}`")
    elif isinstance(decl, ast.Bundle) and decl.trigger is not None:
        facts.append(f"- basis: `trigger {source_text(analysis, decl.trigger.span)}`")
    facts.append(f"- period: {_period(analysis, decl)}")
    valid = getattr(decl, "valid", None)
    if valid is not None:
        facts.append(f"- valid: {valid.start} .. {valid.end}")
    return parts + ["\n".join(facts), *_doc(getattr(decl, "doc", None))]


def _schema(analysis: Analysis, target: Target) -> list[str]:
    schema = target.node
    if schema is None:
        return [f"built-in type `{target.name}`"]
    fields = "\n".join(f"  {name}: {t.describe()}" for name, t in schema.fields.items())
    doc = schema.decl.doc if schema.decl is not None else None
    return [_code(f"{schema.kind} {schema.name} {{\n{fields}\n}}"), *_doc(doc)]


def _enum(analysis: Analysis, target: Target) -> list[str]:
    decl: ast.EnumDecl = target.node
    members = ", ".join(m.name for m in decl.members) if decl is not None else ""
    head = f"enum {target.type.describe() if target.type else target.name} {{ {members} }}"
    if target.kind == "member":
        return [f"`{target.name}`: a member of", _code(head)]
    return [_code(head), *_doc(decl.doc if decl is not None else None)]


def _field(analysis: Analysis, target: Target) -> list[str]:
    owner = target.node.name if target.node is not None else "?"
    return [_code(f"{owner}.{target.name}: {_described(target.type)}"), _type_line(target.type)]


def _codeset(analysis: Analysis, target: Target) -> list[str]:
    codeset: ast.Codeset = target.node
    count = len(codeset.items)
    return [
        _code(f"codeset {codeset.name.name}: {codeset.system.name}"),
        f"{count} code{'s' if count != 1 else ''} or ranges",
        *_doc(codeset.doc),
    ]


def _indicator(analysis: Analysis, target: Target) -> list[str]:
    decl: ast.Indicator = target.node
    if decl is None:
        return [f'`"{target.name}"`: no such indicator']
    facts = ["- lower is better" if decl.lower_is_better else "- higher is better"]
    if decl.reported:
        facts.append("- reported (results come from the data)")
    if decl.population is not None:
        facts.append(f"- population: `{source_text(analysis, decl.population.span)}`")
    return [_code(f'indicator "{decl.name}"'), "\n".join(facts), *_doc(decl.doc)]


def _plain(analysis: Analysis, target: Target) -> list[str]:
    if target.kind == "binding":
        return [_code(f"{target.name}: {_described(target.type)}"), _type_line(target.type)]
    if target.kind == "file":
        return [f"`{target.name}`: {target.definition.file if target.definition else '?'}"]
    if target.kind == "test":
        return [_code(f'test "{target.name}"')]
    return [_type_line(target.type)]


_BY_KIND = {
    "param": _param,
    "function": _function,
    "builtin": _builtin,
    "line": _line,
    "schema": _schema,
    "enum": _enum,
    "member": _enum,
    "field": _field,
    "codeset": _codeset,
    "indicator": _indicator,
}


def hover(analysis: Analysis, target: Target) -> types.Hover:
    """The hover for a target found at the cursor."""
    parts = _BY_KIND.get(target.kind, _plain)(analysis, target)
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts)),
        range=to_range(target.span, analysis.line),
    )
