"""`ersl lint` on the command line: formats, exit codes, configuration, suppressions."""

from __future__ import annotations

import json
import textwrap

import pytest

from ersl.cli import main
from ersl.lint import RULES, LintConfig, lint_file
from ersl.lint.config import ConfigError, config_for, parse_table

HEAD = 'contract "T" { valid 2022-01-01 .. 2022-12-31 }\nuse stdlib "schema/sweden"\n'

# L201 (warning) at 3:1 and L102 (error) at 10:3.
MIXED = HEAD + textwrap.dedent(
    """\
    payment "Besök" {
      kind   variable
      per    Visit v
      amount rate(age(v.patient))
    }
    param rate = table of int {
      0 to 65     -> 1 kr
      65 and over -> 2 kr
    }
    """
)
WARNING_ONLY = HEAD + 'payment "Besök" {\n  kind variable\n  per Visit v\n  amount 1 kr\n}\n'
CLEAN = HEAD + 'payment "Besök" {\n  kind fixed\n  per Visit v\n  amount 1 kr\n}\n'


@pytest.fixture(name="contract")
def contract_fixture(tmp_path, monkeypatch):
    """Write contract.ersl into an empty folder that is the working directory."""
    monkeypatch.chdir(tmp_path)

    def write(text: str, name: str = "contract.ersl"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return name

    return write


def run(capsys, *argv):
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ exit codes


def test_exit_0_when_clean(contract, capsys):
    code, out, _ = run(capsys, contract(CLEAN))
    assert code == 0
    assert out.strip() == "ok: no findings in 1 file"


def test_warnings_do_not_fail_by_default_but_do_with_fail_on_warning(contract, capsys):
    name = contract(WARNING_ONLY)
    assert run(capsys, name)[0] == 0
    assert run(capsys, name, "--fail-on", "warning")[0] == 1


def test_errors_fail(contract, capsys):
    code, out, _ = run(capsys, contract(MIXED))
    assert code == 1
    assert "contract.ersl:10:3: error[L102]" in out
    assert "contract.ersl:3:1: warning[L201]" in out
    assert out.rstrip().endswith("2 findings (1 error, 1 warning) in 1 file")


def test_invalid_contract_exits_2_with_its_errors(contract, capsys):
    name = contract(HEAD + 'payment "P" { kind fixed  per Visit v  amount 1 kr + 2 }\n')
    code, out, _ = run(capsys, name)
    assert code == 2
    assert "error[E0400]" in out
    code, out, _ = run(capsys, name, "--format", "json")
    assert code == 2
    assert json.loads(out)[0]["code"] == "E0400"


def test_unreadable_file_and_usage_errors_exit_2(contract, capsys):
    assert run(capsys, "missing.ersl")[0] == 2
    code, _, err = run(capsys)
    assert code == 2 and "give at least one FILE" in err
    assert run(capsys, contract(CLEAN), "--format", "xml")[0] == 2


def test_folders_are_expanded(contract, capsys):
    contract(CLEAN, "a/one.ersl")
    contract(WARNING_ONLY, "a/b/two.ersl")
    code, out, _ = run(capsys, "a")
    assert code == 0
    assert "a/b/two.ersl:3:1: warning[L201]" in out
    assert "in 2 files" in out


# ------------------------------------------------------------------ formats


def test_json_findings_have_the_documented_fields(contract, capsys):
    code, out, _ = run(capsys, contract(MIXED), "--format", "json")
    assert code == 1
    items = json.loads(out)
    assert [(i["code"], i["line"], i["column"]) for i in items] == [
        ("L201", 3, 1),
        ("L102", 10, 3),
    ]
    first = items[0]
    for key in ("code", "severity", "message", "file", "line", "column", "end_line", "end_column"):
        assert key in first
    assert first["file"] == "contract.ersl"
    assert first["rule"] == "variable-payment-without-cap"
    assert first["category"] == "incentives"
    assert items[1]["notes"][0]["line"] == 9


def test_sarif_is_2_1_0_with_rule_descriptors(contract, capsys):
    code, out, _ = run(capsys, contract(MIXED), "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    for rule in rules:
        assert rule["helpUri"].startswith("file:") and rule["helpUri"].endswith(f"{rule['id']}.md")
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
        assert not rule["fullDescription"]["text"].startswith("Severity")
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} ")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("L201", "warning"), ("L102", "error")]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 10, "startColumn": 3, "endLine": 10, "endColumn": 14}
    assert results[1]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "contract.ersl",
        "uriBaseId": "SRCROOT",
    }
    assert rules[results[1]["ruleIndex"]]["id"] == "L102"
    assert results[1]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 9


def test_sarif_help_uri_from_configuration(contract, capsys):
    contract(
        '[tool.ersl.lint]\nhelp-uri = "https://example.org/docs/lint/{code}.md"\n',
        "pyproject.toml",
    )
    _, out, _ = run(capsys, contract(MIXED), "--format", "sarif")
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == f"https://example.org/docs/lint/{rules[0]['id']}.md"


def test_github_annotations(contract, capsys):
    code, out, _ = run(capsys, contract(MIXED), "--format", "github")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith(
        "::warning file=contract.ersl,line=3,endLine=3,col=1,endColumn=16,"
        "title=L201 variable-payment-without-cap::"
    )
    assert lines[1].startswith("::error file=contract.ersl,line=10,")
    assert "%0Ahelp: " in lines[1]


# ------------------------------------------------------------------ explain and list


def test_explain_prints_the_page(capsys):
    code, out, _ = run(capsys, "--explain", "L201")
    assert code == 0
    assert out.startswith("# L201 variable-payment-without-cap")
    assert "000_9d4395d8d41cc7b8.txt" in out
    assert run(capsys, "--explain", "table-gap")[1].startswith("# L101 ")
    assert run(capsys, "--explain", "l102")[1].startswith("# L102 ")


def test_explain_unknown_code(capsys):
    code, _, err = run(capsys, "--explain", "L999")
    assert code == 2
    assert "no lint rule `L999`" in err


def test_list_rules(capsys):
    code, out, _ = run(capsys, "--list-rules")
    assert code == 0
    assert len(out.strip().splitlines()) == len(RULES)
    assert "L204  warning  incentives   weak-performance-pot:" in out


# ------------------------------------------------------------------ configuration


def test_pyproject_is_found_upwards_and_applied(contract, capsys):
    contract(
        '[tool.ersl.lint]\nignore = ["L201"]\nseverity = { L102 = "warning" }\n',
        "pyproject.toml",
    )
    name = contract(MIXED, "tenders/2022/contract.ersl")
    code, out, _ = run(capsys, name, "--format", "json")
    assert code == 0
    assert [(i["code"], i["severity"]) for i in json.loads(out)] == [("L102", "warning")]


def test_a_pyproject_without_the_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ersl.lint]\nselect = ["L1"]\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (inner / "c.ersl").write_text(CLEAN)
    config = config_for(inner / "c.ersl", cwd=inner)
    assert config.select == ("L1",)
    assert config.source == str(tmp_path / "pyproject.toml")


def test_select_by_prefix_name_and_category(contract, capsys):
    name = contract(MIXED)
    assert [
        i["code"] for i in json.loads(run(capsys, name, "--format", "json", "--select", "L1")[1])
    ] == ["L102"]
    out = run(capsys, name, "--format", "json", "--select", "incentives")[1]
    assert [i["code"] for i in json.loads(out)] == ["L201"]
    out = run(capsys, name, "--format", "json", "--ignore", "table-overlap")[1]
    assert [i["code"] for i in json.loads(out)] == ["L201"]


@pytest.mark.parametrize(
    "table, words",
    [
        ({"selekt": ["L1"]}, "unknown key `selekt`"),
        ({"select": ["L9"]}, "matches no lint rule"),
        ({"severity": {"L201": "fatal"}}, "must be one of"),
        ({"severity": {"L999": "error"}}, "no rule `L999`"),
        ({"expected-total": 100}, "with its unit"),
        ({"expected-total": "100 %"}, "with its unit"),
        ({"expected-listed": 0}, "positive whole number"),
        ({"help-uri": "https://x"}, "{code}"),
    ],
)
def test_invalid_configuration(table, words):
    with pytest.raises(ConfigError, match=None) as raised:
        parse_table(table)
    assert words in str(raised.value)


def test_invalid_configuration_exits_2(contract, capsys):
    contract("[tool.ersl.lint]\nselekt = []\n", "pyproject.toml")
    code, _, err = run(capsys, contract(CLEAN))
    assert code == 2
    assert "unknown key `selekt`" in err and "did you mean `select`?" in err


def test_figures_are_read_with_units():
    config = parse_table({"expected-total": "60 Mkr", "min-pot-share": "2.5 %"})
    assert config.expected_total == 60_000_000
    assert str(config.min_pot_share) == "1/40"


# ------------------------------------------------------------------ suppressions


def _codes(path):
    return [(f.code, f.span.line, f.span.column) for f in lint_file(path, LintConfig()).findings]


def test_suppression_above_the_documentation(contract):
    name = contract(
        HEAD + "# ersl: ignore[L201] volumes are limited by the referral quota\n"
        "## Visits.\n" + WARNING_ONLY.removeprefix(HEAD)
    )
    assert _codes(name) == []


def test_suppression_at_the_end_of_the_line(contract):
    text = WARNING_ONLY.replace(
        'payment "Besök" {', 'payment "Besök" {  # ersl: ignore[L201] bounded by the quota'
    )
    assert _codes(contract(text)) == []


def test_suppression_without_reason_still_suppresses_and_is_reported(contract):
    name = contract(HEAD + "# ersl: ignore[L201]\n" + WARNING_ONLY.removeprefix(HEAD))
    assert _codes(name) == [("L001", 3, 1)]


def test_unknown_code_is_reported_and_suppresses_nothing(contract):
    name = contract(HEAD + "# ersl: ignore[L2O1] a reason\n" + WARNING_ONLY.removeprefix(HEAD))
    assert _codes(name) == [("L002", 3, 1), ("L201", 4, 1)]
    name = contract(HEAD + "# ersl: ignore a reason\n" + WARNING_ONLY.removeprefix(HEAD))
    assert _codes(name) == [("L002", 3, 1), ("L201", 4, 1)]


def test_unused_suppression_is_reported(contract):
    name = contract(HEAD + "# ersl: ignore[L201] a reason\n" + CLEAN.removeprefix(HEAD))
    assert _codes(name) == [("L003", 3, 1)]


def test_suppression_names_several_codes(contract):
    name = contract(
        HEAD + "# ersl: ignore[L201, L202] a reason\n" + WARNING_ONLY.removeprefix(HEAD)
    )
    assert _codes(name) == []


def test_suppression_comments_do_not_suppress_other_codes(contract):
    name = contract(HEAD + "# ersl: ignore[L202] a reason\n" + WARNING_ONLY.removeprefix(HEAD))
    assert _codes(name) == [("L003", 3, 1), ("L201", 4, 1)]
