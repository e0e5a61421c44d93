"""Building the Lark LALR parser for `grammar/ersl.lark`, once per process.

The parser is built with `strict=True`, so a grammar conflict is an error at
build time, never resolved silently. A compiled copy is cached in the user's
cache directory (`$XDG_CACHE_HOME/ersl` or `~/.cache/ersl`), never inside the
installed package; if that directory is not writable ERSL simply builds the
parser in memory each time.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import lark
from lark import Lark, Token

from ersl.resources import grammar_path
from ersl.syntax.layout import CommentCollector, Layout

_collector: contextvars.ContextVar[CommentCollector | None] = contextvars.ContextVar(
    "ersl_comment_collector", default=None
)


def _collect(token: Token) -> Token:
    collector = _collector.get()
    return collector(token) if collector is not None else token


_CALLBACKS = {name: _collect for name in ("COMMENT", "_NL", "_CONT", "_SKIPNL")}


def cache_dir() -> Path | None:
    """The user-owned directory for the compiled-parser cache, or None if unusable."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "ersl"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def build_parser(strict: bool = True, cache: bool = True) -> Lark:
    """Build the LALR parser from the grammar file (used directly by the grammar tests)."""
    text = grammar_path().read_text(encoding="utf-8")
    cache_file: str | bool = False
    if cache:
        folder = cache_dir()
        if folder is not None:
            digest = hashlib.sha256(f"{lark.__version__}\n{strict}\n{text}".encode()).hexdigest()
            cache_file = str(folder / f"ersl-grammar-{digest[:20]}.lark-cache")
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
        postlex=Layout(),
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
        lexer_callbacks=_CALLBACKS,
        cache=cache_file,
    )


@lru_cache(maxsize=1)
def get_parser() -> Lark:
    """The shared parser instance."""
    return build_parser()


def parse_tree(text: str) -> tuple[lark.Tree, CommentCollector]:
    """Parse `text` into a Lark tree and the comments found on the way."""
    collector = CommentCollector(text)
    token = _collector.set(collector)
    try:
        tree = get_parser().parse(text)
    finally:
        _collector.reset(token)
    return tree, collector
