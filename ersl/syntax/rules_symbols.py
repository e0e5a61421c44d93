"""Syntax error rules for symbols: `=`, `:` and `==`, brackets, separators, an early end.

Each rule takes the `Situation` at a parse error and returns a `Diagnostic`
when the mistake is its kind, else None; `ersl.syntax.syntax_errors` runs them
in order.
"""

from __future__ import annotations

from lark import Token

from ersl.diagnostics import Diagnostic, Note
from ersl.span import Span
from ersl.syntax.error_replay import Situation, token_span
from ersl.syntax.error_words import DECL_WORDS
from ersl.syntax.grammar_words import describe_expected, describe_found, terminal


# ------------------------------------------------------------------ `=`, `:` and `==`
def equals_for_comparison(s: Situation) -> Diagnostic | None:
    """A single `=` where a comparison `==` fits."""
    if not s.at_token or s.token.type != terminal("="):
        return None
    if terminal("==") not in s.accepts:
        return None
    fix = s.fixed_line(s.token.line, s.token.column, s.token.end_column, "==")
    return Diagnostic(
        "E0112", "`=` gives a value; to compare, write `==`", s.span(), help=f"write `{fix}`"
    )


def _double_equals(s: Situation, first: Token, last: Token) -> Diagnostic:
    """`==` (one token, or two `=` from `first` to `last`) where `=` gives a value."""
    fix = s.fixed_line(first.line, first.column, last.end_column, "=")
    span = Span(s.path, first.line, first.column, last.line, last.end_column)
    return Diagnostic(
        "E0118", "`==` compares; to give a value, write `=`", span, help=f"write `{fix}`"
    )


def colon_equals_mixup(s: Situation) -> Diagnostic | None:
    """`:` and `=` mixed up in a `param`, a field, a table, or `==` where `=` gives a value."""
    if not s.at_token:
        return None
    tok = s.token
    sig = s.significant
    last3 = [t.type for t in sig[-3:]]
    value_start = {"NUMBER", "QUANTITY", "STRING", "DATE", "MONTH"} | {
        terminal(v) for v in ("-", "dated", "true", "false", "none", "(", "{", "=")
    }
    # param visit_fee: 225 kr   /   param x := 3
    if last3 == [terminal("param"), "NAME", terminal(":")] and tok.type in value_start:
        name = str(sig[-2])
        colon = sig[-1]
        if tok.type == terminal("="):
            fix = s.fixed_line(colon.line, colon.column, tok.end_column, "=")
            return Diagnostic(
                "E0118",
                "write `=`, not `:=`, to give a parameter its value",
                s.span(),
                help=f"write `{fix}`",
            )
        fix = s.fixed_line(colon.line, colon.column, colon.end_column, " =")
        return Diagnostic(
            "E0118",
            f"`:` gives the type of `{name}`; its value comes after `=`",
            token_span(s.path, colon),
            help=f"write `{fix}`, or with a type, `param {name}: TYPE = …`",
        )
    # expect { VC1 "X" 2022-03 == 300 kr }: the lexer reads `==` there as two `=`
    prev = s.prev
    if (
        tok.type == terminal("=")
        and prev is not None
        and prev.type == terminal("=")
        and prev.end_pos == tok.start_pos
    ):
        return _double_equals(s, prev, tok)
    # param age_rate: table of int {   /   param x: money per year dated {
    param_index = next(
        (i for i in range(len(sig) - 1, -1, -1) if sig[i].type == terminal("param")), None
    )
    if (
        param_index is not None
        and len(sig) - param_index <= 12
        and len(sig) > param_index + 2
        and sig[param_index + 2].type == terminal(":")
        and all(t.type != terminal("=") for t in sig[param_index:])
        and tok.type in value_start
        and tok.type != terminal("=")
    ):
        name = str(sig[param_index + 1])
        if tok.type == terminal("{") and any(
            t.type == terminal("table") for t in sig[param_index:]
        ):
            return Diagnostic(
                "E0118",
                f"the bands of table `{name}` follow `=`",
                s.span(),
                help=f"write `param {name} = table of … {{` (the type goes after `=` "
                "with the bands), or `param "
                f"{name}: table of K -> V` for a table given as input",
            )
        if terminal("=") not in s.accepts:
            return None
        return Diagnostic(
            "E0118",
            f"`=` is missing between the type of `{name}` and its value",
            s.span(),
            help=f"write `param {name}: TYPE = VALUE`",
        )
    # record Patient { id = text }
    if (
        tok.type == terminal("=")
        and terminal(":") in s.accepts
        and prev is not None
        and prev.type == "NAME"
    ):
        fix = s.fixed_line(tok.line, tok.column, tok.end_column, ":")
        return Diagnostic(
            "E0118", "a field's type follows `:`, not `=`", s.span(), help=f"write `{fix}`"
        )
    # param x == 3, or `==` in a test's expected line
    if tok.type == terminal("==") and terminal("=") in s.accepts:
        return _double_equals(s, tok, tok)
    return None


# ------------------------------------------------------------------ brackets
def extra_brace(s: Situation) -> Diagnostic | None:
    """A `}` that closes no open block."""
    if not s.at_token or s.token.type != terminal("}") or s.open_braces():
        return None
    return Diagnostic(
        "E0111",
        "this `}` closes no block",
        s.span(),
        help="remove it, or add the `{` that should open its block",
        notes=s.last_closer_note("the block above is closed here"),
    )


def extra_paren(s: Situation) -> Diagnostic | None:
    """A `)` with no open `(`."""
    if not s.at_token or s.token.type != terminal(")"):
        return None
    if any(s.history[i].type == terminal("(") for i in s.open_brackets()):
        return None
    return Diagnostic(
        "E0120",
        "this `)` has no matching `(`",
        s.span(),
        help="remove it, or add the `(` that it closes",
    )


def missing_paren(s: Situation) -> Diagnostic | None:
    """The innermost open bracket is a `(` and the parser would take its `)` here."""
    stack = s.open_brackets()
    if not stack or s.history[stack[-1]].type != terminal("("):
        return None
    if terminal(")") not in s.accepts or s.token is None:
        return None
    paren = s.history[stack[-1]]
    found = "the end of the file" if s.kind == "eof" else describe_found(s.token)
    return Diagnostic(
        "E0120",
        f"`)` missing before {found}",
        s.span(),
        help="add the `)` that closes the `(` shown in the note",
        notes=(Note(token_span(s.path, paren), "this `(` is not closed"),),
    )


def missing_brace(s: Situation) -> Diagnostic | None:
    """A block not closed before the end of the file or before a line that a `}` lets parse."""
    braces = s.open_braces()
    stack = s.open_brackets()
    if not braces or stack[-1] != braces[-1]:
        return None
    index = braces[-1]
    brace = s.history[index]
    label = s.block_label(index)
    what = "set" if label.startswith("the set") else "block"
    if s.kind == "eof":
        if not s.feeds([terminal("}")]):
            return None
        count = f" ({len(braces)} blocks are not closed)" if len(braces) > 1 else ""
        return Diagnostic(
            "E0110",
            f"`}}` missing at the end of the file{count}",
            s.span(),
            help=f"close the {what} with `}}`",
            notes=s.unclosed_notes(braces[-3:]),
        )
    if not s.at_token:
        return None
    first = s.first_on_line()
    if first is None or first.line <= brace.line:
        return None
    is_decl = s.token is first and str(s.token) in DECL_WORDS and s.token.type != "NAME"
    if not is_decl and not s.passes_line(first.start_pos or 0, 0, "}\n"):
        return None
    return Diagnostic(
        "E0110",
        f"`}}` missing before {describe_found(first)}",
        token_span(s.path, first),
        help=f"add the `}}` that closes the {what} before this line",
        notes=(Note(token_span(s.path, brace), f"{label} is not closed"),),
    )


# ------------------------------------------------------------------ separators and the end
def missing_separator(s: Situation) -> Diagnostic | None:
    """Two items of a list on one line without the `,` the parser would take between them."""
    if not s.at_token or not s.same_line():
        return None
    if terminal(",") not in s.accepts or s.token.type in ("_NL", "$END"):
        return None
    candidates: list[Token] = [s.token]
    if s.word is not None and s.token.type != "NAME":
        candidates.append(Token("NAME", str(s.token)))
    if not any(s.feeds([Token(terminal(","), ","), c]) for c in candidates):
        return None
    prev = s.prev
    assert prev is not None
    help = "separate the items with `,`"
    if "_NL" in s.accepts:
        help += " or put each on its own line"
    return Diagnostic(
        "E0117",
        f"`,` missing between {describe_found(prev)} and {describe_found(s.token)}",
        s.span(),
        help=help,
    )


def file_ends_early(s: Situation) -> Diagnostic | None:
    """The file ends inside a declaration or an expression."""
    if s.kind != "eof":
        return None
    return Diagnostic(
        "E0101",
        "the file ends too early",
        s.span(),
        help=f"expected {describe_expected(s.accepts)}",
        notes=s.unclosed_notes(s.open_brackets())[:2],
    )
