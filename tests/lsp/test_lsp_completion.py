"""`ersl lsp` over a pipe: completion of fields, keywords, names, enum values and paths."""

from __future__ import annotations

from lsprotocol import types

from ersl.resources import stdlib_root

from .lsp_fixtures import CONTRACT, where

OWN_SCHEMA = """\
enum Sätt { mottagning, hembesök }

event Besök {
  date: date
  sätt: Sätt
  patient: text
}

payment "Besök" {
  kind   variable
  per    Besök v where v.
  amount 100 kr
}
"""


def _labels(items) -> list[str]:
    return [item.label for item in items]


def _after(text: str, needle: str) -> tuple[int, int]:
    return where(text, needle, offset=len(needle))


def test_completion_after_v_dot_lists_the_fields_of_the_event_type(server, tmp_path):
    path = tmp_path / "egen.ersl"
    uri = server.open(path, OWN_SCHEMA)
    items = server.completion(uri, *_after(OWN_SCHEMA, "where v."))
    assert _labels(items) == ["date", "sätt", "patient"]
    assert {item.kind for item in items} == {types.CompletionItemKind.Field}
    assert [item.detail for item in items] == ["date", "Sätt", "text"]


def test_completion_after_v_dot_on_a_standard_event_while_typing(server, project):
    # the line does not parse yet (`where v.` has no field): the placeholder makes it parse
    text = CONTRACT.replace("where v.mode in {physical, home}", "where v.")
    uri = server.open(project, text)
    labels = _labels(server.completion(uri, *_after(text, "where v.")))
    assert {"id", "patient", "provider", "date", "profession", "mode"} <= set(labels)
    assert "birth_date" not in labels  # a field of Patient, not of Visit
    # a chain: the fields of the visit's patient
    text = CONTRACT.replace("where v.mode in {physical, home}", "where v.patient.")
    server.change(uri, text)
    labels = _labels(server.completion(uri, *_after(text, "v.patient.")))
    assert "birth_date" in labels and "mode" not in labels


def test_keywords_come_from_the_parser(server, project):
    text = CONTRACT.replace("  kind   variable\n", "  kind   variable\n  \n", 1)
    uri = server.open(project, text)
    line, _ = where(text, "  kind   variable\n")
    keywords = {
        item.label
        for item in server.completion(uri, line + 1, 2)
        if item.kind == types.CompletionItemKind.Keyword
    }
    # the clauses a payment block accepts, and no others (`bonus` belongs to performance);
    # `and`/`or`/… may continue the `per … where` condition on the line before
    assert {"amount", "per", "weight", "valid", "payee"} <= keywords
    assert not keywords & {"bonus", "penalty", "measure", "payment", "contract"}


def test_keywords_at_the_top_level(server, tmp_path):
    uri = server.open(tmp_path / "ny.ersl", "")
    labels = set(_labels(server.completion(uri, 0, 0)))
    assert {"contract", "use", "param", "payment", "cap", "test"} <= labels
    assert "amount" not in labels


def test_names_in_scope_and_enum_values(server, project):
    text = CONTRACT.replace("where v.mode in {physical, home}", "where v.mode == ")
    uri = server.open(project, text)
    items = server.completion(uri, *_after(text, "v.mode == "))
    by_label = {item.label: item for item in items}
    assert {"v", "avgift", "tillägg", "åldersersättning", "age", "count"} <= set(by_label)
    assert by_label["avgift"].kind == types.CompletionItemKind.Variable
    assert by_label["age"].detail == "age(p: Patient): int"
    # the members of Mode, the type `v.mode` is compared with, are ranked first
    first = sorted(items, key=lambda item: item.sort_text or item.label)[:5]
    assert _labels(first) == ["digital", "home", "phone", "physical", "video"]
    assert "p" not in by_label  # bound in the other payment


def test_type_names_in_a_type(server, project):
    text = CONTRACT + "\nparam ny: \n"
    uri = server.open(project, text)
    labels = set(_labels(server.completion(uri, *_after(text, "param ny: "))))
    assert {"money", "int", "Visit", "Patient", "Mode", "table", "set"} <= labels
    assert "avgift" not in labels


def test_standard_library_paths_after_use_stdlib(server, project):
    text = CONTRACT.replace('use stdlib "schema/sweden"', 'use stdlib "sch')
    uri = server.open(project, text)
    labels = _labels(server.completion(uri, *_after(text, 'use stdlib "sch')))
    expected = sorted(
        p.relative_to(stdlib_root()).with_suffix("").as_posix()
        for p in stdlib_root().rglob("*.ersl")
        if not p.name.endswith("_test.ersl")
    )
    assert labels == expected
    assert "schema/sweden" in labels
    text = CONTRACT.replace('use stdlib "schema/sweden"', 'use stdlib "functions/')
    server.change(uri, text)
    labels = _labels(server.completion(uri, *_after(text, 'use stdlib "functions/')))
    assert labels == [path for path in expected if path.startswith("functions/")]
    assert "functions/p4p" in labels and "schema/sweden" not in labels


def test_paths_of_files_beside_the_document_after_use(server, project):
    text = CONTRACT.replace('use "avgifter.ersl"', 'use "')
    uri = server.open(project, text)
    assert _labels(server.completion(uri, *_after(text, 'use "'))) == ["avgifter.ersl"]


def test_in_a_string_the_lines_and_in_a_comment_nothing(server, project):
    uri = server.open(project)
    server.diagnostics(uri)  # while typing, the names come from the last text that checked
    text = CONTRACT.replace("amount avgift * tillägg", 'amount paid("') + "# a comment \n"
    server.change(uri, text)
    labels = _labels(server.completion(uri, *_after(text, 'amount paid("')))
    assert labels == ["Besök", "Listning"]
    assert server.completion(uri, *_after(text, "# a comm")) == []
