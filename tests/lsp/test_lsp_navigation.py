"""`ersl lsp` over a pipe: go to definition and find references across files."""

from __future__ import annotations

from ersl.lsp.positions import path_to_uri
from ersl.resources import stdlib_root

from .lsp_fixtures import CONTRACT, CONTRACT_TEST, FEES, where


def _start(location) -> tuple[int, int]:
    return location.range.start.line, location.range.start.character


def test_definition_in_a_used_file(server, project):
    uri = server.open(project)
    line, char = where(CONTRACT, "* tillägg", offset=2)
    found = server.definition(uri, line, char)
    assert found.uri == path_to_uri(project.parent / "avgifter.ersl")
    # `param tillägg` is line 2 (0-based 1) of avgifter.ersl; the name starts at character 6
    assert _start(found) == where(FEES, "tillägg") == (1, 6)


def test_definition_in_the_standard_library(server, project):
    uri = server.open(project)
    line, char = where(CONTRACT, "Visit v")
    found = server.definition(uri, line, char)
    schema = stdlib_root() / "schema" / "sweden.ersl"
    assert found.uri == path_to_uri(schema)
    text = schema.read_text(encoding="utf-8")
    assert _start(found) == where(text, "event Visit", offset=len("event "))


def test_definition_of_a_field_an_enum_member_and_a_use(server, project):
    uri = server.open(project)
    schema = stdlib_root() / "schema" / "sweden.ersl"
    text = schema.read_text(encoding="utf-8")
    field = server.definition(uri, *where(CONTRACT, "v.mode", offset=3))
    # the field `mode` declared inside `event Visit { … }`
    declared = text.index("  mode:", text.index("event Visit")) + 2
    line = text.count("\n", 0, declared)
    assert _start(field) == (line, declared - (text.rfind("\n", 0, declared) + 1)) == (line, 2)
    member = server.definition(uri, *where(CONTRACT, "home"))
    assert (member.uri, _start(member)) == (path_to_uri(schema), where(text, "home"))
    used = server.definition(uri, *where(CONTRACT, '"avgifter.ersl"', offset=2))
    assert (used.uri, _start(used)) == (path_to_uri(project.parent / "avgifter.ersl"), (0, 0))


def test_definition_of_a_variable_is_its_binding(server, project):
    uri = server.open(project)
    found = server.definition(uri, *where(CONTRACT, "age(p)", offset=4))
    assert (found.uri, _start(found)) == (uri, where(CONTRACT, "patient p", offset=8))


def test_no_definition_for_a_built_in(server, project):
    uri = server.open(project)
    assert server.definition(uri, *where(CONTRACT, "age(p)")) is None


def test_references_across_the_contract_and_its_open_test_file(server, project):
    uri = server.open(project)
    test_uri = server.open(project.parent / "contract_test.ersl")
    line, char = where(CONTRACT, '"Besök"', offset=1)
    found = server.references(uri, line, char)
    places = {(loc.uri, _start(loc)) for loc in found}
    assert places == {
        (uri, (line, char - 1)),  # the declaration's quoted name
        (test_uri, where(CONTRACT_TEST, '"Besök"')),  # the expected line of the test
    }
    without = server.references(uri, line, char, declaration=False)
    assert [(loc.uri, _start(loc)) for loc in without] == [
        (test_uri, where(CONTRACT_TEST, '"Besök"'))
    ]


def test_references_of_a_parameter_from_its_declaration(server, project):
    fees_uri = server.open(project.parent / "avgifter.ersl")
    uri = server.open(project)
    found = server.references(fees_uri, *where(FEES, "tillägg"))
    places = {(loc.uri, _start(loc)) for loc in found}
    assert places == {(fees_uri, (1, 6)), (uri, where(CONTRACT, "* tillägg", offset=2))}
