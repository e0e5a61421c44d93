"""`ersl fmt`: print an ERSL file in its one canonical layout (SPEC §7, docs/fmt.md).

`format_source(text)` parses the text (raising `ErslError` like `parse` when it
does not parse), then prints the AST: declarations and clauses from the AST,
their order and exact positions from the parse tree, and every comment in its
place (see `ersl.fmt.comments`). The result parses to an equal AST, keeps the
same comments, and formats to itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from ersl import ast
from ersl.fmt.clauses import clause_specs
from ersl.fmt.comments import Child, by_position, split_block, split_chain
from ersl.fmt.doc import (
    BLANK,
    HARD,
    LINE,
    WIDTH,
    Doc,
    Group,
    IfBreak,
    Indent,
    LineSuffix,
    assemble,
    flat_width,
    render,
)
from ersl.fmt.expr import IF, ExprPrinter, chain_targets, number, string, type_text
from ersl.span import Span
from ersl.syntax import parse
from ersl.syntax.parser import parse_tree

__all__ = ["format_source"]

# A list item starting with one of these would continue the item before it (SPEC §2);
# such an item is separated from the one before by a comma.
_CONTINUES = re.compile(
    r"(?:and|or|where|within|otherwise|in|not[ \t]+in|at[ \t]+most)(?!\w)|->|==|!=|<|>|\+|\*|/"
)


def format_source(text: str, path: str = "<string>") -> str:
    """The canonical layout of ERSL source `text`; raises `ErslError` if it does not parse.

    Line ends are read as `ersl check` reads them (CRLF, LF and a lone CR each end a
    line), and the file's are kept: when its first line ends in CRLF (Windows), every
    line of the result does."""
    first = text.find("\n")
    windows = first > 0 and text[first - 1] == "\r"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    module = parse(text, path)
    if text.startswith("\ufeff"):
        text = text[1:]
    tree, _ = parse_tree(text)
    formatted = _Printer(module, tree, text).format()
    return formatted.replace("\n", "\r\n") if windows else formatted


def _flat_text(doc: Doc) -> str:
    """The text of a document printed flat, comments left out (for prefix checks)."""
    if isinstance(doc, str):
        return doc
    if isinstance(doc, list):
        return "".join(_flat_text(d) for d in doc)
    if isinstance(doc, IfBreak):
        return _flat_text(doc.flat)
    contents = getattr(doc, "contents", None)
    if contents is not None:
        return _flat_text(contents)
    return " " if doc is LINE else ""


def _date_range(node: ast.DateRange) -> str:
    return f"{node.start.isoformat()} .. {node.end.isoformat()}"


def _band_literal(node: object) -> str:
    if isinstance(node, ast.Number | ast.Quantity):
        return number(node)
    if isinstance(node, ast.StringLit):
        return string(node.value)
    return node.name


def _band(band: ast.Band) -> str:
    if band.kind == "range":
        return f"{_band_literal(band.low)} to {_band_literal(band.high)}"
    if band.kind == "over":
        return f"{_band_literal(band.low)} and over"
    if band.kind == "under":
        return f"under {_band_literal(band.high)}"
    if band.kind == "eq":
        if isinstance(band.low, ast.Name):
            return band.low.name
        if isinstance(band.low, ast.StringLit):  # a text key or a code pattern: as written
            return _band_literal(band.low)
        return f"= {_band_literal(band.low)}"
    return "else"


class _Printer(ExprPrinter):
    """Prints one parsed module; see the module docstring."""

    def __init__(self, module: ast.Module, tree, text: str) -> None:
        super().__init__()
        self.module = module
        self.tree = tree
        self.lines = text.split("\n")
        self.indent = 0

    # ------------------------------------------------------------ driver
    def format(self) -> str:
        """The formatted text of the whole module."""
        trees = [t for t in self.tree.children if hasattr(t, "data")]
        children = [
            self._decl(decl, tree) for decl, tree in zip(self.module.decls, trees, strict=True)
        ]
        split = split_block(list(self.module.comments), [c.span for c in children])
        if split.opener:  # a comment on the first line after indentation: treat as own-line
            if children:
                split.lead[0] = by_position(split.opener + split.lead[0])
            else:
                split.closer = by_position(split.opener + split.closer)
        built = []
        for child, lead, inside, trail in zip(
            children, split.lead, split.inside, split.trail, strict=True
        ):
            doc, extras = child.build(inside, trail)
            built.append((child, extras, lead, doc))
        parts = self._entries(built, split.closer, "top")
        return assemble(render(parts, WIDTH), WIDTH)

    def _blank(self, after: int, before: int) -> bool:
        """Whether the source has an empty line strictly between two 1-based lines."""
        return any(not self.lines[i].strip() for i in range(after, before - 1))

    # ------------------------------------------------------------ targets
    def _assign(self, comments: list, node: object) -> list:
        """Give comments inside `node` to its chain operands; return the rest."""
        if not comments:
            return []
        targets = chain_targets(node)
        if not targets:
            return by_position(comments)
        lead, inside, trail, leftovers = split_chain(comments, targets)
        for target, led, ins, trailing in zip(targets, lead, inside, trail, strict=True):
            pool = by_position(self._assign(ins, target.expr) + trailing)
            suffix = pool[-1] if target.trail_ok and pool else None
            extras = pool[:-1] if suffix is not None else pool
            before = extras + led
            if not target.lead_ok:
                leftovers.extend(before)
                before = []
            if before or suffix is not None:
                self.chain_comments[id(target.expr)] = (before, suffix)
        return by_position(leftovers)

    def line_target(self, make: Callable[[], Doc], node: object, inside: list, trail: list):
        """A one-line target (it may wrap at `and`/`or`); returns (doc, extras)."""
        leftovers = self._assign(inside, node)
        doc = make()
        pool = by_position(leftovers + trail)
        if pool:
            return [doc, LineSuffix(pool[-1].text)], pool[:-1]
        return doc, []

    def block(
        self,
        opener: Doc,
        children: list[Child],
        inside: list,
        trail: list,
        inline: bool = False,
        finalize: Callable[[], None] | None = None,
    ):
        """A `{ … }` target: `opener {`, its children one per line, `}`.

        With `inline`, the block is printed `{ a, b }` on one line when it fits
        and holds no comment.
        """
        split = split_block(inside, [c.span for c in children])
        extras = split.opener[:-1]
        self.indent += 2
        built = []
        for child, lead, ins, tr in zip(
            children, split.lead, split.inside, split.trail, strict=True
        ):
            doc, child_extras = child.build(ins, tr)
            built.append((child, child_extras, lead, doc))
        if finalize is not None:
            finalize()
        mode = "inline" if inline and not inside else "block"
        parts = self._entries(built, split.closer, mode)
        self.indent -= 2
        body: list[Doc] = ["{"]
        if split.opener:
            body.append(LineSuffix(split.opener[-1].text))
        if parts:
            first = LINE if mode == "inline" else HARD
            body.extend([Indent(2, [first, parts]), first, "}"])
        elif split.opener:
            body.extend([HARD, "}"])
        else:
            body.append("}")
        doc: list[Doc] = [opener, Group(body) if mode == "inline" else body]
        if trail:
            doc.append(LineSuffix(trail[-1].text))
            extras = extras + trail[:-1]
        return doc, extras

    def _entries(self, built: list, closer: list, mode: str) -> list[Doc]:
        """Children with their comments, separated by new lines (or `, ` inline).

        Blank lines: at top level one between declarations, except between two
        one-line declarations of one group (`use`s; `param`s without a table or
        dated value; enums, records and code sets; reported indicators), which keep
        the source's choice; inside blocks a single blank line the source had
        between items is kept.
        """
        elements: list[list] = []  # [is_child, doc, blank_before]
        prev_line: int | None = None
        prev_group: str | None = None
        for child, extras, lead, doc in built:
            first_line = lead[0].span.line if lead else child.span.line
            group = child.group
            if group is not None and mode == "top":
                width = flat_width(doc, suffixes=True)
                group = group if width is not None and width <= WIDTH else None
            if prev_line is None:
                entry_blank = False
            elif mode == "top" and (group is None or prev_group != group):
                entry_blank = True
            else:
                entry_blank = self._blank(prev_line, first_line)
            # A moved `##` comment must not become the doc of the declaration below it.
            after_extras = mode == "top" and any(c.kind == "doc" for c in extras)
            blank = entry_blank
            for comment in extras:
                elements.append([False, comment.text, blank])
                blank = False
            if extras:
                blank = after_extras
            line = None
            for comment in lead:
                if line is not None:
                    blank = self._blank(line, comment.span.line)
                elements.append([False, comment.text, blank])
                line = comment.span.line
            if line is not None:
                blank = self._blank(line, child.span.line)
            elements.append([True, doc, blank])
            prev_group, prev_line = group, child.span.end_line
        for comment in closer:
            blank = prev_line is not None and self._blank(prev_line, comment.span.line)
            elements.append([False, comment.text, blank])
            prev_line = comment.span.line
        parts: list[Doc] = []
        last_child = None
        for index, (is_child, doc, _) in enumerate(elements):
            protect = (
                is_child
                and mode != "top"
                and last_child is not None
                and _CONTINUES.match(_flat_text(doc).lstrip())
            )
            if protect and mode == "block":
                elements[last_child][1] = [elements[last_child][1], ","]
            if is_child:
                last_child = index
        for index, (_, doc, blank) in enumerate(elements):
            if index:
                if blank:
                    parts.append(BLANK)
                elif mode == "inline":
                    comma = _CONTINUES.match(_flat_text(doc).lstrip())
                    parts.append(["," if comma else IfBreak("", ","), LINE])
                else:
                    parts.append(HARD)
            parts.append(doc)
        return parts

    # ------------------------------------------------------------ declarations
    def _decl(self, decl: object, tree) -> Child:
        if isinstance(decl, ast.Use):
            keyword = "use stdlib " if decl.stdlib else "use "
            make = partial(lambda d, k: [k, string(d.path)], decl, keyword)
            return Child(decl.span, partial(self.line_target, make, None), group="use")
        if isinstance(decl, ast.Param):
            simple = not isinstance(decl.value, ast.TableValue | ast.DatedValue)
            group = "param" if simple else None
            return Child(decl.span, partial(self.param, decl, "param "), group=group)
        if isinstance(decl, ast.Function):
            return Child(decl.span, partial(self.line_target, partial(self._function, decl), decl))
        if isinstance(decl, ast.EnumDecl):
            return Child(decl.span, partial(self._enum, decl), group="schema")
        if isinstance(decl, ast.SchemaDecl):
            return Child(decl.span, partial(self._schema, decl), group="schema")
        if isinstance(decl, ast.Codeset):
            return Child(decl.span, partial(self._codeset, decl), group="schema")
        if isinstance(decl, ast.Indicator) and decl.reported:
            make = partial(lambda d: [self._indicator_head(d), " reported"], decl)
            return Child(decl.span, partial(self.line_target, make, None), group="indicator")
        return Child(decl.span, partial(self._clause_decl, decl, tree))

    def _function(self, decl: ast.Function) -> Doc:
        params = ", ".join(f"{p.name.name}: {type_text(p.type)}" for p in decl.params)
        head = f"function {decl.name.name}({params}): {type_text(decl.result)} ="
        return [head, Group(Indent(2, [LINE, self.expr(decl.body, IF, True)]))]

    def param(self, decl: ast.Param, keyword: str, inside: list, trail: list):
        head = keyword + decl.name.name
        if decl.type is not None:
            head += ": " + type_text(decl.type)
        value = decl.value
        if value is None:
            return self.line_target(lambda: head, None, inside, trail)
        head += " = "
        if isinstance(value, ast.TableValue):
            return self._table(head, value, inside, trail)
        if isinstance(value, ast.DatedValue):
            children = [Child(e.span, partial(self._dated_entry, e)) for e in value.entries]
            return self.block(head + "dated ", children, inside, trail)
        return self.line_target(lambda: [head, self.expr(value, IF, True)], value, inside, trail)

    def _table(self, head: str, table: ast.TableValue, inside: list, trail: list):
        opener = head + "table "
        if table.key_type is not None:
            opener += f"of {type_text(table.key_type)} "
        bands = [_band(e.band) for e in table.entries]
        width = max((len(b) for b in bands), default=0)
        children = []
        for entry, band in zip(table.entries, bands, strict=True):
            make = partial(
                lambda e, b: [b.ljust(width), " -> ", self.expr(e.value, IF, False)], entry, band
            )
            children.append(Child(entry.span, partial(self.line_target, make, entry.value)))
        return self.block(opener, children, inside, trail)

    def _dated_entry(self, entry: ast.DatedEntry, inside: list, trail: list):
        head = f"from {entry.start.isoformat()} -> "
        if isinstance(entry.value, ast.TableValue):
            return self._table(head, entry.value, inside, trail)
        make = partial(lambda e: [head, self.expr(e.value, IF, False)], entry)
        return self.line_target(make, entry.value, inside, trail)

    def _simple_items(self, items: list[tuple[Span, str]]) -> list[Child]:
        return [
            Child(span, partial(self.line_target, partial(lambda t: t, text), None))
            for span, text in items
        ]

    def _enum(self, decl: ast.EnumDecl, inside: list, trail: list):
        items = self._simple_items([(m.span, m.name) for m in decl.members])
        return self.block(f"enum {decl.name.name} ", items, inside, trail, inline=True)

    def _schema(self, decl: ast.SchemaDecl, inside: list, trail: list):
        head = ("extend " if decl.extend else "") + f"{decl.kind} {decl.name.name} "
        fields = [(f.span, f"{f.name.name}: {type_text(f.type)}") for f in decl.fields]
        return self.block(head, self._simple_items(fields), inside, trail, inline=True)

    def _codeset(self, decl: ast.Codeset, inside: list, trail: list):
        head = f"codeset {decl.name.name}: {decl.system.name} "
        items = [
            (i.span, string(i.low) + ("" if i.high is None else ".." + string(i.high)))
            for i in decl.items
        ]
        return self.block(head, self._simple_items(items), inside, trail, inline=True)

    def _indicator_head(self, decl: ast.Indicator) -> str:
        head = f"indicator {string(decl.name)}"
        return head + " lower is better" if decl.lower_is_better else head

    def _header(self, decl: object) -> str:
        name = string(decl.name)
        if isinstance(decl, ast.Contract):
            return f"contract {name} "
        if isinstance(decl, ast.Indicator):
            return f"{self._indicator_head(decl)} for provider {decl.provider_var.name} "
        if isinstance(decl, ast.Cap | ast.Performance):
            word = "cap" if isinstance(decl, ast.Cap) else "performance"
            each = "" if decl.each is None else f" each {decl.each.name}"
            return f"{word} {name} for provider {decl.provider_var.name}{each} "
        word = {ast.Payment: "payment", ast.Bundle: "bundle", ast.Test: "test"}
        return f"{word.get(type(decl), 'property')} {name} "

    def _clause_decl(self, decl: object, tree, inside: list, trail: list):
        return self.clause_block(self._header(decl), decl, tree, inside, trail)

    def clause_block(self, opener: str, decl: object, tree, inside: list, trail: list):
        """A block of clauses, each starting with its keyword; keywords padded to one column."""
        specs = clause_specs(self, decl, tree)
        width = max((len(s.keyword) for s in specs if s.aligned), default=0)
        children = []
        for spec in specs:
            if spec.aligned and not spec.block:
                prefix = spec.keyword.ljust(width) + " "
            else:
                prefix = spec.keyword + (" " if spec.has_value else "")
            children.append(Child(spec.span, partial(spec.build, prefix)))
        return self.block(opener, children, inside, trail)
