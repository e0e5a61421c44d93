"""Why a payment changed: a structural diff of the two sides of a comparison.

Declarations are compared by name — parameters (band by band for tables, entry by
entry for dated values), functions, indicators, payments, caps, performances and
bundles (clause by clause) — ignoring layout, comments and doc comments (AST nodes
compare without their spans). Parameter values given on the command line and, for
two periods of one dated model, the dated entries in force in each period are
compared too. Each `Difference` carries the source lines of both sides and the
dependency key (`param:x`, `line:Name`, …) that `attribute` follows to the statement
lines that read it (`ersl.checker.dependencies.reads`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import attrs

from ersl import ast
from ersl.checker.dependencies import reads
from ersl.dates import parse_period
from ersl.encoding import decode
from ersl.errors import ErslError

#: Source lines shown per side at most.
MAX_LINES = 4


@dataclass(frozen=True)
class Place:
    """Where one side of a difference is written: file, first line and the text."""

    file: str
    line: int
    text: str

    def to_dict(self) -> dict:
        """The JSON form."""
        return {"file": self.file, "line": self.line, "text": self.text}


@dataclass(frozen=True)
class Difference:
    """One structural difference between the old and the new side."""

    what: str
    name: str
    change: str
    detail: str
    old: Place | None
    new: Place | None
    key: str

    def to_dict(self) -> dict:
        """The JSON form (docs/diff.md)."""
        return {
            "what": self.what,
            "name": self.name,
            "change": self.change,
            "detail": self.detail,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
        }

    def sentence(self) -> str:
        """One line of text: `parameter age_rate changed: band 0 to 5 …`."""
        return f"{self.what} {self.name} {self.change}: {self.detail}"


_LINES: dict[str, list[str]] = {}


def place(node: ast.Node | None) -> Place | None:
    """The source lines of `node` (at most MAX_LINES), or None."""
    if node is None or not node.span.file or node.span.line < 1:
        return None
    span = node.span
    if span.file not in _LINES:
        try:
            _LINES[span.file] = decode(Path(span.file).read_bytes(), span.file).splitlines()
        except (OSError, ErslError):  # a file gone or not UTF-8: the place has no text
            _LINES[span.file] = []
    lines = _LINES[span.file][span.line - 1 : min(span.end_line, span.line + MAX_LINES - 1)]
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    if span.end_line >= span.line + MAX_LINES:
        text += "\n…"
    return Place(span.file, span.line, _dedent(text))


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def _plain(node):
    """A node compared without its doc comment (spans never count)."""
    if attrs.has(type(node)) and "doc" in attrs.fields_dict(type(node)):
        return attrs.evolve(node, doc=None)
    return node


#: Clauses compared for each kind of declaration, in the order they are reported.
CLAUSES = {
    "payment": ("kind", "basis", "amount", "weights", "payee", "valid"),
    "cap": ("each", "applies", "measure", "limit", "action", "valid"),
    "performance": ("each", "bonus", "penalty", "indicators", "unreported", "valid"),
    "bundle": ("trigger", "price", "weights", "includes", "warranty", "valid"),
    "indicator": ("lower_is_better", "reported", "population", "numerator", "exclude"),
    "function": ("params", "result", "body"),
}
_TABLES = (
    ("parameter", "params", "param"),
    ("function", "functions", "function"),
    ("indicator", "indicators", "indicator"),
    ("payment", "payments", "line"),
    ("cap", "caps", "line"),
    ("performance", "performances", "line"),
    ("bundle", "bundles", "line"),
)


def differences(old, new) -> list[Difference]:
    """Every difference between two sides (`diff.Side`): declarations, parameter values
    given, and dated entries in force in each side's period."""
    found: list[Difference] = []
    a, b = old.contract.checked.symbols, new.contract.checked.symbols
    if old.contract is not new.contract:
        if _plain(a.contract) != _plain(b.contract) and a.contract and b.contract:
            if a.contract.rounding != b.contract.rounding:
                found.append(
                    _clause(
                        "contract", a.contract.name, "rounding", a.contract, b.contract, "contract"
                    )
                )
        for what, table, prefix in _TABLES:
            one, two = getattr(a, table), getattr(b, table)
            for name in sorted(set(one) | set(two)):
                key = f"{prefix}:{name}"
                if name not in two:
                    found.append(
                        Difference(
                            what,
                            name,
                            "removed",
                            "only in the old contract",
                            place(one[name]),
                            None,
                            key,
                        )
                    )
                elif name not in one:
                    found.append(
                        Difference(
                            what,
                            name,
                            "added",
                            "only in the new contract",
                            None,
                            place(two[name]),
                            key,
                        )
                    )
                elif _plain(one[name]) != _plain(two[name]):
                    found += _changed(what, name, one[name], two[name], key)
    found += _given(old, new)
    if old.period != new.period:
        found += _dated(old, new)
    return found


def _changed(what: str, name: str, x, y, key: str) -> list[Difference]:
    if what == "parameter":
        return _param(name, x, y, key)
    out = []
    for clause in CLAUSES.get(what, ()):
        if getattr(x, clause) != getattr(y, clause):
            if clause == "indicators":
                out += _indicator_refs(name, x.indicators, y.indicators, key)
            else:
                out.append(_clause(what, name, clause, x, y, key))
    return out or [Difference(what, name, "changed", "declaration", place(x), place(y), key)]


def _clause(what: str, name: str, clause: str, x, y, key: str) -> Difference:
    one, two = getattr(x, clause), getattr(y, clause)
    label = {"weights": "weight", "applies": "applies to", "action": "above", "each": "period"}
    change = "changed" if one and two else ("added" if two else "removed")
    return Difference(
        what,
        name,
        change,
        label.get(clause, clause),
        place(_clause_node(one, x)),
        place(_clause_node(two, y)),
        key,
    )


def _clause_node(value, decl):
    """The node to show for a clause: the clause, its first item, or the declaration."""
    if isinstance(value, tuple):
        return value[0] if value else decl
    return value if isinstance(value, ast.Node) else decl


def _indicator_refs(name: str, xs, ys, key: str) -> list[Difference]:
    one = {r.name: r for r in xs}
    two = {r.name: r for r in ys}
    out = []
    for ref in sorted(set(one) | set(two)):
        r1, r2 = one.get(ref), two.get(ref)
        if r1 == r2:
            continue
        change = "changed" if r1 and r2 else ("added" if r2 else "removed")
        part = "scoring" if r1 and r2 and r1.scoring != r2.scoring else "weight"
        detail = f'indicator "{ref}" {part}' if change == "changed" else f'indicator "{ref}"'
        out.append(Difference("performance", name, change, detail, place(r1), place(r2), key))
    return out


def _param(name: str, x: ast.Param, y: ast.Param, key: str) -> list[Difference]:
    v1, v2 = x.value, y.value
    if isinstance(v1, ast.TableValue) and isinstance(v2, ast.TableValue):
        return _bands(name, v1, v2, key, "")
    if isinstance(v1, ast.DatedValue) and isinstance(v2, ast.DatedValue):
        one = {e.start: e for e in v1.entries}
        two = {e.start: e for e in v2.entries}
        out = []
        for start in sorted(set(one) | set(two)):
            e1, e2 = one.get(start), two.get(start)
            if e1 == e2:
                continue
            if (
                e1
                and e2
                and isinstance(e1.value, ast.TableValue)
                and isinstance(e2.value, ast.TableValue)
            ):
                out += _bands(name, e1.value, e2.value, key, f"from {start}: ")
            else:
                change = "changed" if e1 and e2 else ("added" if e2 else "removed")
                out.append(
                    Difference(
                        "parameter", name, change, f"from {start}", place(e1), place(e2), key
                    )
                )
        return out or [Difference("parameter", name, "changed", "value", place(x), place(y), key)]
    what = "type" if x.type != y.type and v1 == v2 else "value"
    return [Difference("parameter", name, "changed", what, place(x), place(y), key)]


def _bands(name: str, t1: ast.TableValue, t2: ast.TableValue, key: str, prefix: str):
    one = {e.band: e for e in t1.entries}
    two = {e.band: e for e in t2.entries}
    out = []
    for band in list(dict.fromkeys([*one, *two])):
        e1, e2 = one.get(band), two.get(band)
        if e1 == e2:
            continue
        change = "changed" if e1 and e2 else ("added" if e2 else "removed")
        out.append(
            Difference(
                "parameter",
                name,
                change,
                f"{prefix}band {_band_text(e1 or e2)}",
                place(e1),
                place(e2),
                key,
            )
        )
    return out or [
        Difference("parameter", name, "changed", f"{prefix}table", place(t1), place(t2), key)
    ]


def _band_text(entry: ast.TableEntry) -> str:
    p = place(entry.band)
    if p is None:
        return entry.band.kind
    text = p.text.split("->")[0].strip()
    return text


def _given(old, new) -> list[Difference]:
    """Parameter values given on the command line that differ between the sides."""
    out = []
    for name in sorted(set(old.params) | set(new.params)):
        v1, v2 = old.params.get(name), new.params.get(name)
        if v1 == v2 or (v1 and v2 and _csv_rows(v1) is not None and _csv_rows(v1) == _csv_rows(v2)):
            continue
        detail = f"given {v1 if v1 is not None else 'not given'} → {v2 if v2 is not None else 'not given'}"
        rows1, rows2 = (_csv_rows(v) if v else None for v in (v1, v2))
        if rows1 is not None and rows2 is not None:
            keys = [k for k in dict.fromkeys([*rows1, *rows2]) if rows1.get(k) != rows2.get(k)]
            detail = "; ".join(f"{k}: {rows1.get(k, '–')} → {rows2.get(k, '–')}" for k in keys)
        line1 = Place("--param", 0, f"{name}={v1}") if v1 is not None else None
        line2 = Place("--param-new", 0, f"{name}={v2}") if v2 is not None else None
        out.append(
            Difference("parameter value", name, "changed", detail, line1, line2, f"param:{name}")
        )
    return out


def _csv_rows(value: str) -> dict[str, str] | None:
    """A table parameter's CSV rows (key → value text), or None if not a CSV file."""
    if not value.lower().endswith(".csv"):
        return None
    try:
        text = decode(Path(value).read_bytes(), value)
    except OSError:
        return None
    separator = (
        ";" if ";" in text.partition("\n")[0] and "," not in text.partition("\n")[0] else ","
    )
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))[1:]
    return {r[0].strip(): r[1].strip() for r in rows if len(r) == 2}


def _dated(old, new) -> list[Difference]:
    """For one dated model over two periods: the entries in force at each period's start
    that differ, for every dated parameter."""
    out = []
    start1 = parse_period(old.period).start
    start2 = parse_period(new.period).start
    a, b = old.contract.checked.symbols, new.contract.checked.symbols
    for name in sorted(set(a.params) & set(b.params)):
        v1, v2 = a.params[name].value, b.params[name].value
        if not isinstance(v1, ast.DatedValue) or not isinstance(v2, ast.DatedValue):
            continue
        e1, e2 = _in_force(v1, start1), _in_force(v2, start2)
        if (
            e1 is None
            and e2 is None
            or (e1 is not None and e2 is not None and e1.value == e2.value)
        ):
            continue
        detail = f"in force on {start1}: from {e1.start if e1 else '–'}; on {start2}: from {e2.start if e2 else '–'}"
        if (
            e1
            and e2
            and isinstance(e1.value, ast.TableValue)
            and isinstance(e2.value, ast.TableValue)
        ):
            for d in _bands(name, e1.value, e2.value, f"param:{name}", ""):
                out.append(
                    Difference(
                        "dated value", name, d.change, f"{d.detail} ({detail})", d.old, d.new, d.key
                    )
                )
            continue
        out.append(
            Difference(
                "dated value", name, "changed", detail, place(e1), place(e2), f"param:{name}"
            )
        )
    return out


def _in_force(value: ast.DatedValue, day):
    entries = [e for e in value.entries if e.start <= day]
    return max(entries, key=lambda e: e.start) if entries else None


def reach_map(old, new) -> dict[str, set[str]]:
    """Line name → the keys the line reads in either contract (itself, the parameters,
    functions, indicators and lines behind it, and the caps that apply to it)."""
    reach: dict[str, set[str]] = {}
    for side in (old, new):
        checked = side.contract.checked
        symbols = checked.symbols
        for name in symbols.line_names():
            key = f"line:{name.removesuffix(': charge')}"
            keys = reach.setdefault(name, {f"line:{name}", key})
            keys |= reads(checked, key, through_lines=True)
        for cap_name, cap in symbols.caps.items():
            for target in cap.applies.names if cap.applies else ():
                reach.setdefault(target, {f"line:{target}"}).add(f"line:{cap_name}")
    return reach


def attribute(found: list[Difference], line_name: str, reach: dict[str, set[str]]) -> list[int]:
    """Indices of the differences that the statement line `line_name` reads."""
    keys = reach.get(line_name, {f"line:{line_name}"})
    return [i for i, d in enumerate(found) if d.key in keys or d.key == "contract"]
