"""Files made by Excel and Windows editors, through every command.

- Table parameters from CSV (`--param fee=fees.csv`, `param fee = "fees.csv"` in a
  test): a byte-order mark, `;` between cells and decimal commas are read; a wrong
  header, thousands separators or a decimal comma in a comma-separated file say what
  was found and what to do.
- A Windows-1252 file — a contract, a test file, JSON Lines or CSV data, a parameter
  CSV, an expected statement — gets the same message in every command: E0002, its
  path, the line and column of the first byte UTF-8 cannot read, and what that byte
  is in Windows-1252.
"""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from ersl.cli import main

EXAMPLE = REPO / "examples" / "primary_care"
CONTRACT = EXAMPLE / "contract.ersl"
DATA = EXAMPLE / "data.jsonl"


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def settle_march(capsys, fees: Path) -> tuple[int, dict, str]:
    code, out, err = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-03",
        "--param",
        f"visit_fee={fees}",
        "--format",
        "json",
    )
    lines = {}
    if code == 0:
        for line in json.loads(out)["lines"]:
            lines[(line["payee"], line["name"])] = line["amount"]
    return code, lines, err


# --------------------------------------------------------------- parameter CSVs
def test_parameter_csv_as_excel_saves_it_settles_as_the_plain_one(tmp_path, capsys):
    """fees.csv of the example (comma-separated, decimal points) against the same
    table as Swedish Excel saves it: BOM, `key;value`, decimal commas, CRLF."""
    plain = tmp_path / "plain.csv"
    plain.write_text("key,value\ndoctor,250.50\nnurse,120\n", encoding="utf-8")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(codecs.BOM_UTF8 + b"key;value\r\ndoctor;250,50\r\nnurse;120\r\n")
    code, expected, err = settle_march(capsys, plain)
    assert code == 0, err
    code, got, err = settle_march(capsys, excel)
    assert code == 0, err
    assert got == expected
    # The example's one March visit: V1 on 2022-03-10, a doctor, P1 born 1940-05-01 is
    # 81 (the 80+ weight 1.5): 250.50 × 1.5 = 375.75.
    assert got[("VC1", "Besöksersättning")] == "375.75"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "nyckel;värde\ndoctor;250\n",
            ["the first row must be `key,value` (or `key;value`); found `nyckel;värde`"],
        ),
        ("", ["the first row must be `key,value`", "the file is empty"]),
        (
            "key;value\ndoctor;1 250,00\n",
            ["`1 250,00` is not a value", "write the number without thousands separators: 1250.00"],
        ),
        (
            'key,value\ndoctor,"250,50"\n',
            ["`250,50` is not a value", "use a decimal point: 250.50"],
        ),
        ("key;value\ndoctor;250;x\n", ["expected 2 cells (key;value), found 3"]),
    ],
    ids=["header", "empty", "thousands", "decimal comma with commas", "cells"],
)
def test_parameter_csv_problems_say_what_was_found(tmp_path, capsys, content, words):
    fees = tmp_path / "fees.csv"
    fees.write_text(content, encoding="utf-8")
    code, _, err = settle_march(capsys, fees)
    assert code == 2
    assert "error[E0909]" in err and "Traceback" not in err
    for word in words:
        assert word in err, err


# --------------------------------------------------------------- Windows-1252 everywhere
def latin(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("cp1252"))
    return path


def assert_one_message(err: str, path: Path, line: int, column: int, char: str) -> None:
    byte = char.encode("cp1252")[0]
    head = (
        f"{path}:{line}:{column}: error[E0002]: {path} is not UTF-8 text: "
        f"the byte 0x{byte:02X} is `{char}` in Windows-1252"
    )
    assert head in err, err
    assert "Traceback" not in err


@pytest.fixture
def clinic(tmp_path):
    """A copy of the primary-care example whose contract has a Windows-1252 comment on
    line 2 (`# Vårdcentral`: `å` is the 3rd character of the comment, column 4)."""
    folder = tmp_path / "clinic"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "contract.ersl").read_text(encoding="utf-8")
    latin(folder / "latin.ersl", text.replace("\n", "\n# Vårdcentral\n", 1))
    return folder


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{latin}"],
        ["lint", "{latin}"],
        ["fmt", "--check", "{latin}"],
        ["highlight", "{latin}"],
        ["run", "{latin}", "--data", "{data}"],
        ["explain", "{latin}", "--data", "{data}", "--payee", "VC1", "--name", "x"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_windows_1252_contract_gets_one_message_in_every_command(clinic, capsys, argv):
    argv = [a.format(latin=clinic / "latin.ersl", data=clinic / "data.jsonl") for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    # `ersl check` prints its diagnostics on standard output, the others on standard error
    assert_one_message(out + err, clinic / "latin.ersl", 2, 4, "å")


def test_windows_1252_data_and_parameters_get_the_same_message(clinic, capsys):
    contract = clinic / "contract.ersl"
    jsonl = latin(clinic / "latin.jsonl", '{"type": "provider", "id": "Växjö"}\n')
    code, _, err = run(capsys, "run", contract, "--data", jsonl, "--param", "visit_fee=1 kr")
    assert code == 2
    assert_one_message(err, jsonl, 1, 30, "ä")
    folder = clinic / "csv"
    folder.mkdir()
    csv_file = latin(folder / "provider.csv", "id;name\nVC1;Vårdcentral\n")
    code, _, err = run(capsys, "run", contract, "--data", folder, "--param", "visit_fee=1 kr")
    assert code == 2
    assert_one_message(err, csv_file, 2, 6, "å")
    fees = latin(clinic / "avgifter.csv", "key;value\ndoctor;250\nnurse;100 # sjuksköterska\n")
    code, _, err = run(
        capsys, "run", contract, "--data", clinic / "data.jsonl", "--param", f"visit_fee={fees}"
    )
    assert code == 2
    assert_one_message(err, fees, 3, 19, "ö")  # `nurse;100 # sjuksk` is 18 characters


def test_windows_1252_in_contract_tests_gets_the_same_message(clinic, capsys):
    tests = latin(
        clinic / "latin_test.ersl",
        'use "contract.ersl"\n# Vårdcentral\ntest "år" {\n  period 2022\n}\n',
    )
    code, out, _ = run(capsys, "test", tests)
    assert code == 2
    assert_one_message(out, tests, 2, 4, "å")
    latin(clinic / "expected.json", '{"lines": [], "note": "förväntat"}\n')
    code, out, _ = run(capsys, "test", clinic / "contract_test.ersl", "-k", "statement")
    assert code == 1
    expected = clinic / "expected.json"
    assert f"{expected} is not UTF-8 text: the byte 0xF6 is `ö` in Windows-1252" in out
