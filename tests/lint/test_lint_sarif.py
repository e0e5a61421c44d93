"""`ersl lint --format sarif` against the official SARIF 2.1.0 schema (vendored in
tests/schemas/, validated with jsonschema), with what GitHub code scanning needs:
`partialFingerprints.primaryLocationLineHash` on every result, the tool's
`informationUri`, and a rule entry for every result — checker errors included."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from test_lint_cli import MIXED, contract_fixture, run  # noqa: F401 - the `contract` fixture

from ersl.checker.codes import TITLES
from ersl.lint import RULES

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json").read_text(
        encoding="utf-8"
    )
)
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(
    SCHEMA, format_checker=jsonschema.FormatChecker()
)
BROKEN = 'contract "T" { valid 2022-01-01 .. 2022-12-31 }\npayment "X" { kind fixed }\n'


def sarif(capsys, *files: str) -> dict:
    _, out, _ = run(capsys, *files, "--format", "sarif")
    return json.loads(out)


def assert_valid(log: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_findings_and_checker_errors_are_valid_sarif(contract, capsys):
    log = sarif(capsys, contract(MIXED), contract(BROKEN, "broken.ersl"))
    assert_valid(log)
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    info = urlparse(driver["informationUri"])
    assert info.scheme == "https" and info.netloc  # an absolute URI
    results = run_["results"]
    # the broken payment misses both `per` and `amount`: two E0500 on one line
    assert [r["ruleId"] for r in results] == ["L201", "L102", "E0500", "E0500"]
    rules = driver["rules"]
    # every result names its rule entry, the checker error too
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    checker = rules[results[2]["ruleIndex"]]
    assert checker["shortDescription"]["text"] == f"{TITLES['E0500']} (E0500)"
    assert checker["defaultConfiguration"]["level"] == "error"
    assert checker["helpUri"].endswith(
        "/docs/checker-errors.md#e0500--a-required-clause-is-missing"
    )
    assert [r["id"] for r in rules[: len(RULES)]] == sorted(RULES)
    counts = []
    for result in results:
        line_hash = result["partialFingerprints"]["primaryLocationLineHash"]
        digest, _, count = line_hash.partition(":")
        assert len(digest) == 16 and int(digest, 16) >= 0
        counts.append(count)
    assert counts == ["1", "1", "1", "2"]


def test_the_fingerprint_follows_the_line_not_its_number(contract, capsys):
    """Lines added above a finding move it, but keep its fingerprint; two findings of one
    rule on equal lines are told apart by the count after the colon."""
    before = sarif(capsys, contract(MIXED))["runs"][0]["results"]
    moved = MIXED.replace('use stdlib "schema/sweden"\n', 'use stdlib "schema/sweden"\n\n\n', 1)
    after = sarif(capsys, contract(moved))["runs"][0]["results"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after]
    assert lines == [5, 12]  # were 3 and 10
    prints = [r["partialFingerprints"] for r in before]
    assert prints == [r["partialFingerprints"] for r in after]
    twice = MIXED + MIXED.split("\n", 2)[2].replace('"Besök"', '"Besök2"').replace(
        "param rate", "param rate2"
    ).replace("rate(", "rate2(")
    results = sarif(capsys, contract(twice))["runs"][0]["results"]
    table_gaps = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in results
        if r["ruleId"] == "L102"
    ]
    assert len(table_gaps) == 2
    assert table_gaps[0].split(":")[0] == table_gaps[1].split(":")[0]
    assert [h.split(":")[1] for h in table_gaps] == ["1", "2"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda log: log["runs"][0]["results"][0].pop("message"),
        lambda log: log["runs"][0]["results"][0].update(level="fatal"),
        lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
    ],
    ids=["result without message", "unknown level", "driver without name"],
)
def test_the_schema_rejects_what_is_not_sarif(contract, capsys, damage):
    """The vendored schema is the real, strict one: a damaged log fails it."""
    log = sarif(capsys, contract(MIXED))
    damage(log)
    assert list(VALIDATOR.iter_errors(log))
