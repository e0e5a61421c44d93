"""Completion: keywords the parser accepts, names in scope, fields, enum values, paths.

- Keywords come from the LALR parser itself (`ersl.syntax.expected_at`): only those
  valid at the cursor are offered.
- Names are found by checking the document with a placeholder name at the cursor
  (the word being typed replaced by it): the checker then says what the placeholder
  stands in — an expression (parameters, functions, code sets, built-ins, enum values
  and the variables bound around it), a type, or a field after `.` (the fields of the
  value's type). When the edited text does not parse, the last analysis that did
  gives the names.
- After `use stdlib "` the standard library's files; after `use "` the `.ersl` files
  beside the document; in another string the names of the statement lines and the
  indicators (`paid("…", q)`, `applies to "…"`, an expected line); in a comment nothing.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import attrs
from lsprotocol import types

from ersl import ast
from ersl import types as T
from ersl.checker import BUILTINS, fields_of
from ersl.lsp.analysis import Analysis, analyse_document
from ersl.lsp.hover import source_text
from ersl.lsp.lookup import binders_in_scope, chain_at, chains
from ersl.lsp.positions import offset_of
from ersl.resources import stdlib_root
from ersl.syntax import expected_at

PLACEHOLDER = "ersl_completion_placeholder"
# sort_text prefixes: what fits best first
EXPECTED, BOUND, NAMED, KEYWORD, OTHER = "0", "1", "2", "3", "4"
MAX_FILES = 500
"""At most this many files are offered after `use "` (a document in a large folder)."""
_WORD_BEFORE = re.compile(r"[^\W\d]\w*$|$")
_WORD_AFTER = re.compile(r"^\w*")
_USE_PATH = re.compile(r'^\s*use\s+(stdlib\s+)?"([^"]*)$')
_OBJECT_BEFORE_DOT = re.compile(r"([^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*)\s*\.\s*$")
_ENUM_OPERATORS = ("==", "!=", "in", "not in")
K = types.CompletionItemKind


@attrs.frozen
class Request:
    """A completion request: the document's text, its analysis and the cursor."""

    path: Path
    text: str
    line: int
    column: int
    overlay: dict
    last: Analysis | None
    """The latest analysis whose text parsed (names when the edited text does not)."""


def complete(request: Request) -> list[types.CompletionItem]:
    """The completion items at the cursor."""
    offset = offset_of(request.text, request.line, request.column)
    line_start = request.text.rfind("\n", 0, offset) + 1
    before = request.text[line_start:offset]
    use = _USE_PATH.match(before)
    if use:
        return _paths(request.path, stdlib=bool(use.group(1)), typed=use.group(2))
    inside = _inside(before)
    if inside == "comment":
        return []
    if inside == "string":
        return _named_by_string(request.last)
    word_start = offset - len(_WORD_BEFORE.search(before).group(0))
    word_end = offset + len(_WORD_AFTER.match(request.text[offset:]).group(0))
    head = request.text[:word_start]
    if head.rstrip().endswith(".") and not head.rstrip().endswith(".."):
        return _fields(request, head, word_end)
    expected = expected_at(head)
    items = [_keyword(word) for word in sorted(expected.keywords)] if expected else []
    if expected is None or expected.name:
        items += _names(request, head, word_end)
    return _unique(items)


def _inside(before: str) -> str | None:
    """Whether the cursor, after `before` on its line, is in a "string" or a "comment"."""
    quoted = False
    escaped = False
    for ch in before:
        if quoted:
            quoted = escaped or ch != '"'
            escaped = not escaped and ch == "\\"
        elif ch == '"':
            quoted = True
        elif ch == "#":
            return "comment"
    return "string" if quoted else None


def _named_by_string(last: Analysis | None) -> list[types.CompletionItem]:
    """Inside a string: the statement lines and indicators (`paid("…")`, `applies to "…"`)."""
    if last is None or last.checked is None:
        return []
    symbols = last.checked.symbols
    items = [_item(name, K.Reference, "statement line", None) for name in symbols.line_names()]
    items += [_item(name, K.Reference, "indicator", None) for name in symbols.indicators]
    return items


def _unique(items: list[types.CompletionItem]) -> list[types.CompletionItem]:
    seen: dict[str, types.CompletionItem] = {}
    for item in items:
        seen.setdefault(item.label, item)
    return list(seen.values())


def _keyword(word: str) -> types.CompletionItem:
    return types.CompletionItem(word, kind=K.Keyword, sort_text=KEYWORD + word)


# ------------------------------------------------------------------ placeholder analysis


def _with_placeholder(request: Request, head: str, word_end: int):
    """The document checked with the placeholder at the cursor, and the nodes around it."""
    text = head + PLACEHOLDER + request.text[word_end:]
    analysis = analyse_document(request.path, text, request.overlay)
    if analysis.module is None:
        return None, []
    line = head.count("\n") + 1
    column = len(head) - (head.rfind("\n") + 1) + 1
    return analysis, chain_at(analysis.module, line, column)


def _fields(request: Request, head: str, word_end: int) -> list[types.CompletionItem]:
    analysis, chain = _with_placeholder(request, head, word_end)
    record = None
    if analysis is not None and analysis.checked is not None and len(chain) > 1:
        access = chain[-2]
        if isinstance(access, ast.FieldAccess):
            record = analysis.checked.facts.types.get(id(access.obj))
    if record is None:
        analysis, record = _type_before_dot(request, head)
    if analysis is None or analysis.checked is None or record is None:
        return []
    fields = fields_of(analysis.checked.symbols, T.strip_optional(record)) or {}
    return [
        types.CompletionItem(name, kind=K.Field, detail=t.describe(), sort_text=EXPECTED + name)
        for name, t in fields.items()
    ]


def _type_before_dot(request: Request, head: str):
    """The type of the value before the `.`, from the last analysis that parsed."""
    match = _OBJECT_BEFORE_DOT.search(head)
    last = request.last
    if match is None or last is None or last.checked is None or last.module is None:
        return last, None
    wanted = re.sub(r"\s+", "", match.group(1))
    line = head.count("\n") + 1
    best = None
    for chain in chains(last.module):
        node = chain[-1]
        if not isinstance(node, (ast.Name, ast.FieldAccess)):
            continue
        t = last.checked.facts.types.get(id(node))
        if t is None or source_text(last, node.span).replace(" ", "") != wanted:
            continue
        distance = abs(node.span.line - line)
        if best is None or distance < best[0]:
            best = (distance, t)
    return last, best[1] if best else None


# ------------------------------------------------------------------ names


def _names(request: Request, head: str, word_end: int) -> list[types.CompletionItem]:
    analysis, chain = _with_placeholder(request, head, word_end)
    if analysis is None or analysis.checked is None:
        return _names_while_broken(request, head)
    symbols = analysis.checked.symbols
    node = chain[-1] if chain else None
    parent = chain[-2] if len(chain) > 1 else None
    if isinstance(node, ast.Ident):
        if _is_type_position(parent, node):
            return _type_names(symbols)
        if not (isinstance(parent, ast.Call) and parent.func is node):
            return []  # a new name is being declared or bound
    items = [
        types.CompletionItem(b.name, kind=K.Variable, detail="variable", sort_text=BOUND + b.name)
        for b in binders_in_scope(chain)
        if b.name != PLACEHOLDER
    ]
    items += _enum_values(analysis, chain)
    return items + _value_names(symbols)


def _names_while_broken(request: Request, head: str) -> list[types.CompletionItem]:
    """Names from the last analysis, when the text with the placeholder does not parse.

    What the parser accepts after a name at the cursor tells a type (`param x: T?`,
    `money per year`) from a value; a name after it (`per Visit v`) may be either.
    """
    last = request.last
    if last is None or last.checked is None:
        return []
    symbols = last.checked.symbols
    after = expected_at(head + PLACEHOLDER + " ")
    if after is not None and (after.accepts("?") or after.accepts("per")):
        return _type_names(symbols)
    return _type_names(symbols) + _value_names(symbols)


def _is_type_position(parent, ident: ast.Ident) -> bool:
    if isinstance(parent, ast.NamedType):
        return True
    return getattr(parent, "type", None) is ident


def _value_names(symbols) -> list[types.CompletionItem]:
    items = []
    for name, param in symbols.params.items():
        t = symbols.param_types.get(name)
        detail = t.describe() if t is not None and not isinstance(t, T.ErrorT) else "parameter"
        items.append(_item(name, K.Variable, detail, param.doc))
    for name, function in symbols.functions.items():
        items.append(_item(name, K.Function, "function", function.doc))
    for name, codeset in symbols.codesets.items():
        items.append(_item(name, K.Constant, f"code set of {codeset.system.name}", codeset.doc))
    for name, builtin in BUILTINS.items():
        items.append(_item(name, K.Function, builtin.signature or "built-in", builtin.doc))
    for enum in symbols.enums.values():
        for member in enum.members:
            items.append(_item(member.name, K.EnumMember, enum.name.name, None, OTHER))
    return items


def _enum_values(analysis: Analysis, chain: list) -> list[types.CompletionItem]:
    """The members of the enum the placeholder is compared with, ranked first."""
    facts = analysis.checked.facts
    for index in range(len(chain) - 2, 0, -1):
        node = chain[index]
        if isinstance(node, ast.Binary) and node.op in _ENUM_OPERATORS:
            other = node.left if chain[index + 1] is not node.left else node.right
            t = T.strip_optional(facts.types.get(id(other)) or T.ERROR)
            t = t.element if isinstance(t, T.SetT) else t
            decl = analysis.checked.symbols.enums.get(t.name) if isinstance(t, T.EnumT) else None
            if decl is not None:
                return [_item(m.name, K.EnumMember, t.name, None, EXPECTED) for m in decl.members]
            return []
    return []


def _type_names(symbols) -> list[types.CompletionItem]:
    items = [_item(n, K.Keyword, "built-in type", None, NAMED) for n in sorted(T.PRIMITIVES)]
    items += [_item(n, K.Class, s.kind, None, BOUND) for n, s in symbols.schema.items()]
    items += [_item(n, K.Enum, "enum", None, BOUND) for n in symbols.enums]
    return items


def _item(name: str, kind, detail: str, doc: str | None, rank: str = NAMED):
    documentation = types.MarkupContent(types.MarkupKind.Markdown, doc) if doc else None
    return types.CompletionItem(
        name, kind=kind, detail=detail, documentation=documentation, sort_text=rank + name
    )


# ------------------------------------------------------------------ paths


def _paths(document: Path, stdlib: bool, typed: str) -> list[types.CompletionItem]:
    root = stdlib_root() if stdlib else document.parent
    names = []
    for path in sorted(itertools.islice(root.rglob("*.ersl"), MAX_FILES)):
        if path.name.endswith("_test.ersl") or path.resolve() == document:
            continue
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        names.append(relative.removesuffix(".ersl") if stdlib else relative)
    return [
        types.CompletionItem(
            name,
            kind=K.File,
            detail="standard library" if stdlib else os.path.relpath(root / name),
            sort_text=name,
        )
        for name in names
        if name.startswith(typed[: typed.rfind("/") + 1])
    ]
