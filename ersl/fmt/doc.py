"""Layout documents for `ersl fmt`: a small Wadler/Prettier-style pretty printer.

A document is a tree of plain strings (no newlines), Python lists (concatenation)
and the node classes below. `render` lays it out in a given width: a `Group` is
printed flat (its `Line`s become spaces) when it fits on the rest of the line,
otherwise broken (its `Line`s become newlines). A hard line, or a `BREAK_PARENT`
marker, forces every enclosing group to break. `LineSuffix` text (a trailing
comment) is deferred to the end of the line it was emitted on.

The renderer returns lines as `(code, comment)` pairs; `assemble` aligns the
trailing comments of consecutive lines and joins everything into text.
"""

from __future__ import annotations

from collections.abc import Iterable

WIDTH = 100
COMMENT_GAP = 2

Doc = object  # str | list[Doc] | one of the node classes below


class Group:
    """Contents printed flat when they fit, otherwise with every `Line` broken."""

    __slots__ = ("contents", "broken")

    def __init__(self, contents: Doc) -> None:
        self.contents = contents
        self.broken = False


class Indent:
    """Contents whose new lines are indented `n` more columns."""

    __slots__ = ("n", "contents")

    def __init__(self, n: int, contents: Doc) -> None:
        self.n = n
        self.contents = contents


class Align:
    """Contents whose new lines start at the column where the contents begin."""

    __slots__ = ("contents",)

    def __init__(self, contents: Doc) -> None:
        self.contents = contents


class Line:
    """A space when its group is flat, a new line when it is broken."""

    __slots__ = ()


class Hard:
    """Always a new line (with an empty line before it when `blank`)."""

    __slots__ = ("blank",)

    def __init__(self, blank: bool = False) -> None:
        self.blank = blank


class IfBreak:
    """`broken` when the enclosing group is broken, else `flat`."""

    __slots__ = ("broken", "flat")

    def __init__(self, broken: Doc, flat: Doc) -> None:
        self.broken = broken
        self.flat = flat


class LineSuffix:
    """Text (a trailing comment) printed at the end of the current line."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _BreakParent:
    """Forces every enclosing group to break."""

    __slots__ = ()


LINE = Line()
HARD = Hard()
BLANK = Hard(blank=True)
BREAK_PARENT = _BreakParent()

_FLAT, _BREAK = 0, 1


def propagate_breaks(doc: Doc) -> bool:
    """Mark groups that contain a forced break as broken; True if `doc` contains one."""
    if isinstance(doc, str):
        return False
    if isinstance(doc, list):
        found = False
        for part in doc:
            found = propagate_breaks(part) or found
        return found
    if isinstance(doc, Group):
        if propagate_breaks(doc.contents):
            doc.broken = True
        return doc.broken
    if isinstance(doc, Indent | Align):
        return propagate_breaks(doc.contents)
    if isinstance(doc, IfBreak):
        broken = propagate_breaks(doc.broken)
        flat = propagate_breaks(doc.flat)
        return broken or flat
    return isinstance(doc, Hard | _BreakParent)


def flat_width(doc: Doc, suffixes: bool = False) -> int | None:
    """Width of `doc` printed flat, or None if it contains a forced break.

    A trailing comment (`LineSuffix`) counts as a forced break unless `suffixes`
    is true, in which case it is left out of the width.
    """
    if isinstance(doc, str):
        return len(doc)
    if isinstance(doc, list):
        total = 0
        for part in doc:
            width = flat_width(part, suffixes)
            if width is None:
                return None
            total += width
        return total
    if isinstance(doc, Group | Indent | Align):
        return flat_width(doc.contents, suffixes)
    if isinstance(doc, IfBreak):
        return flat_width(doc.flat, suffixes)
    if isinstance(doc, Line):
        return 1
    if isinstance(doc, LineSuffix) and suffixes:
        return 0
    if isinstance(doc, LineSuffix | _BreakParent | Hard):
        return None
    raise TypeError(f"not a document: {doc!r}")


def _fits(pending: list[tuple[int, Doc]], rest: list[tuple[int, int, Doc]], width: int) -> bool:
    """Whether `pending` (then `rest`) fits in `width` up to the next line break."""
    cmds = list(pending)
    rest_index = len(rest)
    while width >= 0:
        if not cmds:
            if rest_index == 0:
                return True
            rest_index -= 1
            _, mode, doc = rest[rest_index]
            cmds.append((mode, doc))
            continue
        mode, doc = cmds.pop()
        if isinstance(doc, str):
            width -= len(doc)
        elif isinstance(doc, list):
            cmds.extend((mode, part) for part in reversed(doc))
        elif isinstance(doc, Indent | Align):
            cmds.append((mode, doc.contents))
        elif isinstance(doc, Group):
            cmds.append((_BREAK if doc.broken else mode, doc.contents))
        elif isinstance(doc, IfBreak):
            cmds.append((mode, doc.broken if mode == _BREAK else doc.flat))
        elif isinstance(doc, Line):
            if mode == _BREAK:
                return True
            width -= 1
        elif isinstance(doc, Hard):
            return True
    return False


def render(doc: Doc, width: int = WIDTH) -> list[tuple[str, str | None]]:
    """Lay `doc` out; the result is one `(code, trailing comment)` pair per line."""
    propagate_breaks(doc)
    lines: list[tuple[str, str | None]] = []
    current: list[str] = []
    pos = 0
    suffixes: list[str] = []

    def newline(indent: int, blank: bool) -> None:
        nonlocal current, pos
        code = "".join(current).rstrip()
        lines.append((code, suffixes[0] if suffixes else None))
        # Two trailing comments cannot share a line: the rest go on lines of their own.
        lines.extend((" " * indent + extra, None) for extra in suffixes[1:])
        suffixes.clear()
        if blank:
            lines.append(("", None))
        current = [" " * indent]
        pos = indent

    stack: list[tuple[int, int, Doc]] = [(0, _BREAK, doc)]
    while stack:
        indent, mode, item = stack.pop()
        if isinstance(item, str):
            current.append(item)
            pos += len(item)
        elif isinstance(item, list):
            stack.extend((indent, mode, part) for part in reversed(item))
        elif isinstance(item, Indent):
            stack.append((indent + item.n, mode, item.contents))
        elif isinstance(item, Align):
            stack.append((pos, mode, item.contents))
        elif isinstance(item, Group):
            if mode == _FLAT and not item.broken:
                stack.append((indent, _FLAT, item.contents))
            elif not item.broken and _fits([(_FLAT, item.contents)], stack, width - pos):
                stack.append((indent, _FLAT, item.contents))
            else:
                stack.append((indent, _BREAK, item.contents))
        elif isinstance(item, IfBreak):
            stack.append((indent, mode, item.broken if mode == _BREAK else item.flat))
        elif isinstance(item, Line):
            if mode == _FLAT:
                current.append(" ")
                pos += 1
            else:
                newline(indent, False)
        elif isinstance(item, Hard):
            newline(indent, item.blank)
        elif isinstance(item, LineSuffix):
            suffixes.append(item.text)
        elif isinstance(item, _BreakParent):
            pass
        else:  # pragma: no cover - programming error
            raise TypeError(f"not a document: {item!r}")
    code = "".join(current).rstrip()
    if code or suffixes:
        lines.append((code, suffixes[0] if suffixes else None))
        lines.extend((extra, None) for extra in suffixes[1:])
    return lines


def assemble(lines: Iterable[tuple[str, str | None]], width: int = WIDTH) -> str:
    """Join rendered lines; trailing comments of consecutive lines share one column.

    A run of consecutive lines that all carry a trailing comment puts the
    comments two columns after the longest code in the run, unless that would
    push a comment past `width`; then each comment follows its code by two spaces.
    """
    lines = list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        code, comment = lines[i]
        if comment is None:
            out.append(code)
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j][1] is not None and lines[j][0]:
            j += 1
        run = lines[i:j] if j > i else [lines[i]]
        column = max(len(c) for c, _ in run) + COMMENT_GAP
        aligned = all(column + len(t or "") <= width for _, t in run)
        for c, t in run:
            if not c:
                out.append(t or "")
            elif aligned:
                out.append(c.ljust(column) + (t or ""))
            else:
                out.append(c + " " * COMMENT_GAP + (t or ""))
        i += len(run)
    text = "\n".join(out).rstrip("\n")
    return text + "\n" if text else ""
