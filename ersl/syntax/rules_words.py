"""Syntax error rules for words: misspelt keywords, clauses misplaced or without a value,
names without quotes.

Each rule takes the `Situation` at a parse error and returns a `Diagnostic`
when the mistake is its kind, else None; `ersl.syntax.syntax_errors` runs them
in order.
"""

from __future__ import annotations

import re

from lark import Token

from ersl.diagnostics import Diagnostic
from ersl.span import Span
from ersl.syntax.error_replay import Situation, token_span
from ersl.syntax.error_words import (
    BLOCK_PREFIXES,
    CLAUSE_EXAMPLES,
    CLAUSE_WORDS,
    DECL_WORDS,
    PLACEHOLDER_WORDS,
    VALUE_KEYWORDS,
)
from ersl.syntax.grammar_words import (
    block_clauses,
    closest_keyword,
    join_words,
    keyword_words,
    terminal,
    vocabulary,
)

_VALUE_TYPES = {"NAME", "NUMBER", "QUANTITY", "STRING", "DATE", "MONTH"}


# ------------------------------------------------------------------ misspelt keywords
def _did_you_mean(message: str, span: Span, keyword: str) -> Diagnostic:
    return Diagnostic("E0115", message, span, help=f"did you mean `{keyword}`?")


def glued_keyword(s: Situation) -> Diagnostic | None:
    """A keyword read as the start of a longer word (`patients` read as `patient` + `s`)."""
    if not s.at_token:
        return None
    keywords = vocabulary().keywords
    tokens = s.significant[-2:] + [s.token]
    for first, second in zip(tokens, tokens[1:], strict=False):
        if (
            first.type in keywords
            and second.start_pos is not None
            and first.end_pos == second.start_pos
            and str(second)[:1].isalnum()
        ):
            word = str(first) + str(second)
            span = Span(s.path, first.line, first.column, second.end_line, second.end_column)
            return _did_you_mean(f"`{word}` is not a keyword here", span, str(first))
    return None


def misspelt_keyword(s: Situation) -> Diagnostic | None:
    """A name close to one of the keywords the parser accepts here."""
    word = s.word
    if word is None or s.token.type != "NAME":
        return None
    suggestion = closest_keyword(word, s.accepted_keywords())
    if suggestion is None:
        return None
    return _did_you_mean(f"`{word}` is not a keyword ERSL knows here", s.span(), suggestion)


def misspelt_earlier_word(s: Situation) -> Diagnostic | None:
    """A misspelt keyword read as a name, with the parse failing a little later."""
    if not s.at_token:
        return None
    keywords = keyword_words(vocabulary().keywords)
    words = [t for t in s.significant[-3:] if t.type == "NAME" and t.line == s.token.line]
    for tok in reversed(words):
        suggestion = closest_keyword(str(tok), keywords)
        if suggestion is None:
            continue
        if s.passes_line(tok.start_pos or 0, len(str(tok)), suggestion):
            message = f"`{tok}` is not a keyword ERSL knows here"
            return _did_you_mean(message, token_span(s.path, tok), suggestion)
    return None


# ------------------------------------------------------------------ clauses
def clause_without_value(s: Situation) -> Diagnostic | None:
    """A clause keyword followed by `}`, another clause or the end, instead of its value."""
    sig = s.significant
    if not sig or s.token is None:
        return None
    keywords = vocabulary().keywords
    ends = {terminal("}"), terminal(")"), terminal(","), "_NL", "$END"} | keywords
    keyword: Token | None = None
    # `amount }`, `amount` at the end of the file, `valid payee …`
    if (
        sig[-1].type in keywords
        and str(sig[-1]) in VALUE_KEYWORDS
        and s.token.type in ends
        and s.accepts & _VALUE_TYPES
    ):
        keyword = sig[-1]
    # `amount` alone on its line, followed by `weight 1.5 …`: `weight` was read as its value
    elif (
        s.kind == "token"
        and len(sig) >= 2
        and sig[-1].type == "NAME"
        and str(sig[-1]) in CLAUSE_WORDS
        and sig[-2].type in keywords
        and str(sig[-2]) in CLAUSE_WORDS | {"where", "when"}
        and sig[-1].line > sig[-2].end_line
    ):
        keyword = sig[-2]
    if keyword is None:
        return None
    word = str(keyword)
    what = PLACEHOLDER_WORDS.get(word, "value")
    example = CLAUSE_EXAMPLES.get(word)
    help = f"write the {what} after `{word}`" + (f", e.g. `{example}`" if example else "")
    return Diagnostic("E0116", f"`{word}` has no {what}", token_span(s.path, keyword), help=help)


def clause_outside_block(s: Situation) -> Diagnostic | None:
    """A clause keyword at the top level, between declarations."""
    word = s.keyword
    if word is None or s.open_braces() or word not in CLAUSE_WORDS - DECL_WORDS:
        return None
    if len(s.accepts & {terminal(w) for w in DECL_WORDS}) < 8:  # not between declarations
        return None
    return Diagnostic(
        "E0122",
        f"`{word}` is a clause, but it is outside any block",
        s.span(),
        help=f"move `{word}` inside the `{{ }}` of the declaration it belongs to",
        notes=s.last_closer_note("the block above is closed here; is this `}` too early?"),
    )


def wrong_block(s: Situation) -> Diagnostic | None:
    """A clause that exists, but in another kind of block."""
    word = s.keyword
    if word is None or word not in CLAUSE_WORDS or s.first_on_line() is not s.token:
        return None
    braces = s.open_braces()
    if not braces:
        return None
    kind = s.block_kind(braces[-1])
    if kind is None:
        return None
    clauses = block_clauses(kind)
    if word in clauses:
        return None
    homes = [k for k in BLOCK_PREFIXES if word in block_clauses(k)]
    help = f"the clauses of a {kind} are " + join_words([f"`{c}`" for c in clauses], "and")
    if homes:
        help += f"; `{word}` belongs in " + join_words([f"a {k}" for k in homes])
    return Diagnostic("E0123", f"a {kind} has no `{word}` clause", s.span(), help=help)


# ------------------------------------------------------------------ names
def unquoted_name(s: Situation) -> Diagnostic | None:
    """A name written as words where the parser wants a text in quotes."""
    if s.word is None or "STRING" not in s.accepts or "NAME" in s.accepts:
        return None
    prev = s.prev
    list_item = prev is None or prev.type in (terminal("{"), terminal(","))
    if not s.same_line() and not (list_item and s.token.type == "NAME"):
        return None  # a word on the next line: the name is missing, not unquoted
    after = s.text[s.token.end_pos or 0 :].lstrip(" \t")
    if after.startswith('"'):
        return None  # an extra word before the quoted name
    # The name runs up to the first word or symbol that may follow a quoted name here.
    vocab = vocabulary()
    after_name = s.accepts_after([Token("STRING", '"x"')])
    stops = {vocab.literal[n] for n in after_name if n in vocab.literal}
    rest = s.line_text(s.token.line)[s.token.column - 1 :]
    words = []
    for piece in re.findall(r"\w+|[^\w\s]+", rest):
        if piece in stops or not (piece[0].isalnum() or piece[0] in "_-/."):
            break
        words.append(piece)
    name = rest[: _prefix_length(rest, words)] if words else str(s.token)
    after = f"after `{prev}` " if prev is not None and prev.type in vocab.keywords else ""
    fix = s.fixed_line(s.token.line, s.token.column, s.token.column + len(name), f'"{name}"')
    return Diagnostic(
        "E0124", f"the name {after}is a text and needs quotes", s.span(), help=f"write `{fix}`"
    )


def _prefix_length(text: str, pieces: list[str]) -> int:
    """Length of the start of `text` that holds these pieces (and the spaces between)."""
    position = 0
    for piece in pieces:
        position = text.index(piece, position) + len(piece)
    return position
