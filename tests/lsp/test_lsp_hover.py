"""`ersl lsp` over a pipe: hover on parameters, tables, built-ins, lines and expressions."""

from __future__ import annotations

from .lsp_fixtures import CONTRACT, where


def _hover(server, uri, needle, occurrence=1, offset=1) -> str:
    line, char = where(CONTRACT, needle, occurrence, offset)
    result = server.hover(uri, line, char)
    assert result is not None, f"no hover on {needle!r}"
    return result.contents.value


def test_hover_on_a_dated_parameter_shows_its_value_on_each_date(server, project):
    uri = server.open(project)
    text = _hover(server, uri, "amount avgift", offset=len("amount "))
    assert "param avgift: money" in text
    assert "unit **kr**" in text
    assert "Besöksavgift per besök." in text  # its `##` documentation
    assert "from 2022-01-01 -> 200 kr\nfrom 2022-07-01 -> 225 kr" in text


def test_hover_on_a_table_shows_its_bands(server, project):
    uri = server.open(project)
    # the table looked up in "Listning": `åldersersättning(age(p))`
    text = _hover(server, uri, "amount åldersersättning", offset=len("amount "))
    assert "param åldersersättning: table of int -> money per year" in text
    assert "unit **kr/year**" in text
    assert "0 to 5 -> 953 kr/year\n6 and over -> 794 kr/year" in text


def test_hover_on_a_built_in_shows_its_signature_and_docs(server, project):
    uri = server.open(project)
    text = _hover(server, uri, "age(p)")
    assert "age(p: Patient): int" in text
    assert "completed years on the context date" in text


def test_hover_on_a_payment_shows_its_kind_basis_and_period(server, project):
    uri = server.open(project)
    text = _hover(server, uri, '"Besök"')
    assert 'payment "Besök"' in text
    assert "- kind: `variable`" in text
    assert "- basis: `per Visit v where v.mode in {physical, home}`" in text
    assert "- period: the settlement period (`settle monthly`)" in text
    listing = _hover(server, uri, '"Listning"')
    assert "- period: each month" in listing


def test_hover_on_an_expression_shows_its_type_and_unit(server, project):
    uri = server.open(project)
    # on the `*` of `avgift * tillägg`: money times a decimal is money
    assert _hover(server, uri, "* tillägg", offset=0) == "type: `money`, unit **kr**"


def test_hover_on_a_name_from_a_used_file_and_a_field(server, project):
    uri = server.open(project)
    assert "param tillägg: decimal" in _hover(server, uri, "tillägg")
    assert "Tillägg för alla besök." in _hover(server, uri, "tillägg")
    assert "Visit.mode: Mode" in _hover(server, uri, "v.mode", offset=3)
    assert "v: Visit" in _hover(server, uri, "v.mode", offset=0)


def test_hover_on_an_enum_member_and_a_type(server, project):
    uri = server.open(project)
    member = _hover(server, uri, "physical")
    assert "`physical`: a member of" in member and "enum Mode {" in member
    visit = _hover(server, uri, "Visit v")
    assert "event Visit {" in visit and "  mode: Mode" in visit


def test_no_hover_on_a_keyword_or_a_comment(server, project):
    uri = server.open(project)
    line, char = where(CONTRACT, "payment")
    assert server.hover(uri, line, char) is None
    line, char = where(CONTRACT, "## Besöksavgift")
    assert server.hover(uri, line, char + 4) is None
