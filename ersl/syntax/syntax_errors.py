"""Turning Lark's parse errors into diagnostics a contract writer understands.

`describe_syntax_error(error, text, path)` returns one `Diagnostic` that says,
in words, what was found and what was expected (never a Lark terminal name),
points at the exact line and column, and gives a `help:` line with the likely
fix. The classes of mistakes and their codes are listed in
`ersl.syntax.error_catalogue` (and in `docs/errors.md`).

Mechanism
---------
Lark's `UnexpectedInput.match_examples` was tried first and rejected: it keys
on LALR state numbers, so one example is needed for every state a mistake can
occur in (a missing `}` alone can surface in dozens of states), the examples
silently stop matching whenever the grammar changes, and it re-parses every
example on every error. Instead the classifier replays the failed parse with
Lark's interactive parser (the same parser and post-lexer as `parse`) and
looks at

* the offending token (or character, or the end of the file),
* the tokens before it (the replay records them), including the brackets that
  are still open,
* the set of terminals the parser accepts at that point, and
* *repair probes*: whether the parser would accept the token after a `,`, or
  whether inserting a `}` / replacing a word by a keyword lets the parse get
  past the offending line.

Ordered rules (`RULES`) over these facts give the class; the first that
matches wins. The rules survive grammar changes because they speak about
tokens and what the parser accepts, not about state numbers.

Where things live: the replay and its facts in `error_replay`, the grammar's
terminals in words in `grammar_words`, fixed word lists in `error_words`, and
the rules by kind of mistake in `rules_literals`, `rules_symbols` and
`rules_words`.
"""

from __future__ import annotations

from lark.exceptions import UnexpectedInput

from ersl.diagnostics import Diagnostic
from ersl.span import Span
from ersl.syntax import rules_literals, rules_symbols, rules_words
from ersl.syntax.error_replay import Rule, Situation, end_of_file, replay

# Re-exported under the names this module has always offered.
from ersl.syntax.error_replay import token_span as token_span
from ersl.syntax.error_words import BLOCK_PREFIXES as BLOCK_PREFIXES
from ersl.syntax.error_words import CLAUSE_WORDS as CLAUSE_WORDS
from ersl.syntax.error_words import DECL_WORDS as DECL_WORDS
from ersl.syntax.error_words import TERMINAL_WORDS as TERMINAL_WORDS
from ersl.syntax.grammar_words import (
    block_clauses,
    describe_expected,
    describe_found,
    describe_terminal,
    vocabulary,
)

__all__ = [
    "block_clauses",
    "classify",
    "describe_expected",
    "describe_syntax_error",
    "describe_terminal",
]

RULES: tuple[Rule, ...] = (
    rules_literals.unterminated_string,
    rules_literals.percent_operator,
    rules_literals.foreign_character,
    rules_words.glued_keyword,
    rules_literals.date_written_wrongly,
    rules_symbols.equals_for_comparison,
    rules_symbols.colon_equals_mixup,
    rules_symbols.extra_brace,
    rules_symbols.extra_paren,
    rules_words.clause_without_value,
    rules_literals.unit_word,
    rules_words.misspelt_keyword,
    rules_symbols.missing_separator,
    rules_literals.number_issues,
    rules_words.clause_outside_block,
    rules_symbols.missing_paren,
    rules_symbols.missing_brace,
    rules_words.wrong_block,
    rules_words.unquoted_name,
    rules_words.misspelt_earlier_word,
    rules_symbols.file_ends_early,
)


def classify(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """Run the rules on a parse error; raises if a rule has a bug (used by the tests)."""
    situation = replay(text, path, error)
    for rule in RULES:
        found = rule(situation)
        if found is not None:
            return found
    return _unexpected(situation)


def describe_syntax_error(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """A diagnostic for a Lark parse error: where, what was found, what was expected, the fix."""
    try:
        return classify(error, text, path)
    except Exception:  # noqa: BLE001 - a bug here must not hide the user's syntax error
        return _fallback(error, text, path)


def _unexpected(s: Situation) -> Diagnostic:
    """No rule matched: what was expected and what was found, and a keyword that fits."""
    if s.kind == "char":  # pragma: no cover - foreign_character handles every character
        return Diagnostic("E0100", "unexpected character", s.span())
    assert s.token is not None
    missing = s.insertable()
    help = f"is `{missing}` missing before {describe_found(s.token)}?" if missing else None
    token = s.token
    if (
        missing
        and missing.isalpha()
        and token.type in vocabulary().keywords
        and s.passes_line(token.start_pos or 0, len(str(token)), missing)
    ):
        help = f"write `{missing}` here instead of `{token}`"
    return Diagnostic(
        "E0100",
        f"expected {describe_expected(s.accepts)}, found {describe_found(s.token)}",
        s.span(),
        help=help,
    )


def _fallback(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    """A plain diagnostic built from the Lark error alone."""
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END":
        line, column = end_of_file(text)
        return Diagnostic(
            "E0101", "the file ends too early", Span(path, line, column, line, column + 1)
        )
    line = getattr(error, "line", 1) or 1
    column = getattr(error, "column", 1) or 1
    if line < 1 or column < 1:
        line, column = end_of_file(text)
    expected = getattr(error, "expected", None) or getattr(error, "allowed", None) or ()
    found = describe_found(token) if token is not None else "an unexpected character"
    return Diagnostic(
        "E0100",
        f"expected {describe_expected(expected)}, found {found}",
        Span(path, line, column, line, column + 1),
    )
