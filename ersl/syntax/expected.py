"""What the parser accepts at a place in the text, for an editor's completion.

`expected_at(prefix)` runs the LALR parser (the same parser and layout rules as
`parse`) over the text before the cursor and asks it which terminals may come
next: the keywords valid there, and whether a name or a string may stand there.
Nothing is guessed from lists of words: the answer follows the grammar.
"""

from __future__ import annotations

import re

import attrs
from lark.exceptions import LarkError

from ersl.syntax.error_words import DECL_WORDS
from ersl.syntax.grammar_words import keyword_words, terminal
from ersl.syntax.parser import get_parser

# A line that starts a top-level declaration: where parsing may start again.
_DECL_START = re.compile(r"^(?:" + "|".join(sorted(DECL_WORDS)) + r")(?!\w)", re.M)


@attrs.frozen
class Expected:
    """The terminals the parser accepts next, and the keywords among them."""

    terminals: frozenset[str]
    keywords: frozenset[str]

    @property
    def name(self) -> bool:
        """Whether a name (a parameter, a binding, a type, …) may come next."""
        return "NAME" in self.terminals

    @property
    def string(self) -> bool:
        """Whether a string literal may come next."""
        return "STRING" in self.terminals

    def accepts(self, literal: str) -> bool:
        """Whether the keyword or symbol `literal` (`"?"`, `"->"`, `"payment"`) may come next."""
        return terminal(literal) in self.terminals


def _accepted(text: str) -> Expected | None:
    parser = get_parser().parse_interactive(text)
    try:
        for _ in parser.iter_parse():
            pass
        terminals = frozenset(parser.accepts())
    except LarkError:
        return None
    return Expected(terminals, frozenset(keyword_words(terminals)))


def expected_at(prefix: str) -> Expected | None:
    """What the parser accepts after `prefix`, the text before the cursor.

    `prefix` should end before the word being typed. When an earlier part of the file
    does not parse, parsing starts again at the last line beginning with a declaration
    keyword (at column 1) before the cursor; None when even that does not parse.
    """
    found = _accepted(prefix)
    if found is not None:
        return found
    starts = [m.start() for m in _DECL_START.finditer(prefix)]
    if starts and starts[-1] > 0:
        return _accepted(prefix[starts[-1] :])
    return None
