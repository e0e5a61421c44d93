"""In a list block a new line separates items exactly as a comma does (SPEC §2,
docs/reference/lexical.md), whatever word starts the next item.

The grammar used to share one `_sep` rule among all lists. Its LALR state after a new
line then merged the words that may start an item of *any* list (`from` of a `dated`
entry, `listing` of a `given` block, `true`/`not`/`if` of a set …), and the contextual
lexer read a record field named `from` on its own line as that keyword: E0100
"expected a name, found `from`" — a layout that `ersl fmt` itself writes when a
record's fields do not fit on one line (found by the fuzz harness, issue 17).
"""

from __future__ import annotations

import pytest

from ersl.errors import ErslError
from ersl.fmt.expr import KEYWORDS
from ersl.syntax import parse

#: Words that continue the item above when they start a line (the grammar's `_CONT`):
#: on a new line they are no new item, by design.
CONTINUATION_WORDS = {"and", "or", "where", "within", "otherwise", "in", "at"}

WORDS = sorted((KEYWORDS | {"true", "false", "none"}) - CONTINUATION_WORDS)

#: One list block of each kind whose items may start with a name; `{sep}` separates
#: the first item from one whose first word is `{w}`.
LISTS = {
    "enum member": "enum E {{ a{sep}{w} }}\n",
    "record field": "record R {{ a: int{sep}{w}: int }}\n",
    "given record type": 'test "t" {{ given {{ patient P1 {{}}{sep}{w} P2 {{}} }} }}\n',
    "given record field": 'test "t" {{ given {{ patient P1 {{ a 1{sep}{w} 2 }} }} }}\n',
    "given listing field": 'test "t" {{ given {{ listing {{ patient P1{sep}{w} 2 }} }} }}\n',
    "expect payee": ('test "t" {{ expect {{ VC1 "A" 2022 = 1 kr{sep}{w} "B" 2022 = 2 kr }} }}\n'),
    "table band": "param p = table of Mode {{ a -> 1{sep}{w} -> 2 }}\n",
    "set in a given record": 'test "t" {{ given {{ patient P1 {{ s {{ a{sep}{w} }} }} }} }}\n',
    "includes item": (
        'bundle "B" {{ trigger Procedure op price 1 kr includes {{ Visit v{sep}{w} x }} }}\n'
    ),
}


def _parsed(text: str):
    try:
        return parse(text)
    except ErslError as error:
        return error.diagnostics[0].message


@pytest.mark.parametrize("where", sorted(LISTS))
def test_a_new_line_separates_items_like_a_comma_whatever_the_word(where):
    """For every keyword: an item starting with it parses after a new line exactly as
    after a comma (to the same AST), or fails after both."""
    template = LISTS[where]
    wrong = []
    for word in WORDS:
        comma = _parsed(template.format(sep=", ", w=word))
        newline = _parsed(template.format(sep="\n  ", w=word))
        if isinstance(comma, str) != isinstance(newline, str):
            wrong.append(f"{word}: after a comma {comma!r:.60}, after a new line {newline!r:.60}")
        elif not isinstance(comma, str) and comma != newline:
            wrong.append(f"{word}: a different AST after a new line")
    assert not wrong, "\n".join(wrong)


def test_a_given_record_field_named_from_on_its_own_line():
    """The smallest reproducer of the fuzz failure: `from` on the line after a field."""
    module = parse(
        'test "t" {\n  given {\n    patient_attribute {\n      patient P1\n'
        "      from 2021-01-01\n      to 2021-12-31\n    }\n  }\n}\n"
    )
    (record,) = module.decls[0].given
    assert [f.name.name for f in record.fields] == ["patient", "from", "to"]
