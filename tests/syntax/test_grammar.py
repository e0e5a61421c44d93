"""The grammar: LALR with strict=True, lexical rules of SPEC §2, the AST it yields."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from ersl import ast
from ersl.errors import ErslError
from ersl.syntax import parse
from ersl.syntax.parser import build_parser


def test_grammar_builds_strict_without_conflicts():
    # strict=True turns any shift/reduce conflict or terminal collision into an exception.
    build_parser(strict=True, cache=False)


def _param_value(src: str):
    module = parse(src)
    return module.decls[-1].value


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("390 kr/year", Fraction(390), "kr/year"),
        ("390kr/year", Fraction(390), "kr/year"),
        ("4 kr/month", Fraction(4), "kr/month"),
        ("3000 kr/day", Fraction(3000), "kr/day"),
        ("415 tkr", Fraction(415), "tkr"),
        ("6.5 Mkr", Fraction(13, 2), "Mkr"),
        ("10 SEK", Fraction(10), "SEK"),
        ("2 MSEK", Fraction(2), "MSEK"),
        ("33 %", Fraction(33), "%"),
        ("33%", Fraction(33), "%"),
        ("3 pp", Fraction(3), "pp"),
        ("900 days", Fraction(900), "days"),
        ("1 day", Fraction(1), "day"),
        ("3 months", Fraction(3), "months"),
        ("2 years", Fraction(2), "years"),
        ("6_500_000 kr", Fraction(6_500_000), "kr"),
    ],
)
def test_number_with_unit_is_one_token(text, value, unit):
    node = _param_value(f"param x = {text}")
    assert isinstance(node, ast.Quantity)
    assert (node.value, node.unit) == (value, unit)
    # one token: the span covers exactly the literal
    assert node.span.end_column - node.span.column == len(text)


def test_plain_numbers_are_exact():
    node = _param_value("param x = 62.4")
    assert node == ast.Number(Fraction(624, 10), "62.4")
    assert _param_value("param x = 6_500_000").value == 6_500_000


def test_dates_and_months_outrank_numbers():
    assert _param_value("param d = 2022-01-01") == ast.DateLit(datetime.date(2022, 1, 1))
    assert _param_value("param m = 2022-03") == ast.MonthLit(2022, 3)


def test_impossible_date_is_reported():
    with pytest.raises(ErslError) as info:
        parse("param d = 2022-02-30", "x.ersl")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.span.line, diag.span.column) == ("E0102", 1, 11)


def test_keywords_are_contextual_field_names():
    module = parse(
        'payment "P" { kind variable per Visit v where v.kind == "x" and v.date >= 2022-01-01 '
        "and v.end == v.start amount 1 kr }"
    )
    where = module.decls[0].basis.where
    fields = []

    def walk(node):
        if isinstance(node, ast.FieldAccess):
            fields.append(node.name.name)
        for child in getattr(node, "__attrs_attrs__", ()):
            value = getattr(node, child.name)
            if isinstance(value, ast.Node):
                walk(value)

    walk(where)
    assert fields == ["kind", "date", "end", "start"]


def test_unicode_identifiers():
    module = parse("param listningsersättning_höft = 1 kr")
    assert module.decls[0].name.name == "listningsersättning_höft"


def test_operator_precedence_and_otherwise_loosest():
    e = _param_value("param x = a otherwise b or c and not d == 1 + 2 * -3")
    # otherwise(a, or(b, and(c, not(==(d, +(1, *(2, -3)))))))
    assert e.op == "otherwise"
    disj = e.right
    assert disj.op == "or"
    conj = disj.right
    assert conj.op == "and"
    negation = conj.right
    assert isinstance(negation, ast.Unary) and negation.op == "not"
    cmp = negation.operand
    assert cmp.op == "=="
    total = cmp.right
    assert total.op == "+" and total.right.op == "*"
    assert isinstance(total.right.right, ast.Unary) and total.right.right.op == "-"


def test_comparisons_are_not_associative():
    with pytest.raises(ErslError):
        parse("param x = 1 < 2 < 3")


def test_percent_is_never_an_operator():
    with pytest.raises(ErslError):
        parse("param x = 10 % 3")


def test_list_blocks_split_items_on_newlines_and_commas():
    module = parse(
        "enum A {\n  x\n  y, z\n}\n"
        "param t = table of int {\n  0 to 5 -> 1 kr\n  6 and over\n    -> 2 kr\n}\n"
    )
    assert [m.name for m in module.decls[0].members] == ["x", "y", "z"]
    entries = module.decls[1].value.entries
    assert [e.band.kind for e in entries] == ["range", "over"]


def test_newline_continues_an_item_before_and_or_where_within_at_most():
    module = parse(
        'bundle "B" {\n  trigger Procedure op\n  price 1 kr\n  includes {\n'
        '    Visit x where x.kind == "a"\n      and x.mode == home\n      within 90 days before\n'
        "      at most 1\n    Stay x\n  }\n}\n"
    )
    items = module.decls[0].includes
    assert len(items) == 2
    first = items[0]
    assert first.where.op == "and" and first.within is not None and first.at_most is not None


def test_newline_before_minus_starts_a_new_item():
    module = parse("param t = table {\n  1 -> 1\n  -2 -> 3\n}")
    assert len(module.decls[0].value.entries) == 2


def test_newlines_are_insignificant_in_clause_blocks():
    a = parse('payment "P" { kind variable per Visit v amount 1 kr }')
    b = parse('payment "P" {\n  kind\n    variable\n  per Visit\n v\n  amount\n 1 kr\n}')
    assert a == b


def test_spans_are_excluded_from_equality():
    a = parse("param x = 1 kr", "a.ersl")
    b = parse("\n\n   param   x   =   1 kr", "a.ersl")
    assert a == b
    assert a.decls[0].span != b.decls[0].span


def test_comments_are_kept_with_kinds():
    module = parse(
        "## Doc line\nparam x = 1 kr  # trailing\n# ersl: ignore[L001] reason\nparam y = 2 kr\n"
    )
    kinds = [(c.kind, c.span.line, c.own_line) for c in module.comments]
    assert kinds == [("doc", 1, True), ("line", 2, False), ("ignore", 3, True)]
    assert module.decls[0].doc == "Doc line"


def test_strings_with_escapes():
    node = _param_value(r'param s = "a \"quoted\" \\ text"')
    assert node.value == 'a "quoted" \\ text'


def test_clause_given_twice_is_an_error():
    with pytest.raises(ErslError) as info:
        parse('payment "P" {\n  amount 1 kr\n  amount 2 kr\n}', "p.ersl")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.span.line, diag.span.column) == ("E0103", 3, 3)
    assert diag.notes[0].span.line == 2


def test_parser_cache_lives_in_user_cache_dir(tmp_path, monkeypatch):
    from ersl.syntax import parser as parser_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parser_module.build_parser(strict=True, cache=True)
    files = list((tmp_path / "ersl").glob("*.lark-cache"))
    assert len(files) == 1


def test_indented_comments_on_the_first_and_last_line_are_own_line():
    # only whitespace precedes them on their lines, whatever token carried them
    module = parse("   # first\nparam x = 1 kr  # trailing\n    # last")
    assert [(c.text, c.own_line) for c in module.comments] == [
        ("# first", True),
        ("# trailing", False),
        ("# last", True),
    ]
