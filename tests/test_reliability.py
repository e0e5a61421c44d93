"""Issue 17: bad input ends in a clear diagnostic and exit 1 or 2, never exit 3 or a hang.

One test (or a few) per class of the issue, each with the smallest input that used to
end in "internal error" (exit 3); the classes are numbered as in the issue and in
docs/reliability.md. Every command runs in-process through `ersl.cli.main`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from ersl.cli import main
from ersl.nesting import MAX_NESTING

TUTORIAL = REPO / "examples" / "tutorial"
CONTRACT = str(TUTORIAL / "clinic.ersl")
DATA = str(TUTORIAL / "data.jsonl")
FEES = f"visit_fee={TUTORIAL / 'fees.csv'}"
RUN = ("run", CONTRACT, "--data", DATA, "--period", "2019-03", "--param", FEES)
LONG_NAME = "a" * 300  # longer than any file name the system allows (255 bytes)


def ersl(capsys, *argv) -> tuple[int, str, str]:
    """Run `ersl ARGV…` in-process: the exit code, standard output and standard error."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "internal error" not in out + err
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1 deep nesting
@pytest.mark.parametrize(
    "expression",
    [
        "not " * 300 + "true",
        "year(" * 300 + "d" + ")" * 300,
        "1 otherwise " * 300 + "1",
        "-" * 300 + "1",
        "{" * 300 + "1" + "}" * 300,
    ],
    ids=["not", "year(", "otherwise", "minus", "set"],
)
def test_1_nesting_deeper_than_the_limit_is_E0130(tmp_path, capsys, expression):
    path = write(tmp_path, "deep.ersl", f"param d = 2019-01-01\nparam x = {expression}\n")
    for command in ("check", "lint", "fmt", "highlight"):
        code, out, err = ersl(capsys, command, path)
        if command == "highlight":  # highlighting does not parse: it prints the text
            assert code == 0
            continue
        assert code in (1, 2), (command, out, err)
        assert f"error[E0130]: this is nested deeper than {MAX_NESTING} levels" in out + err
        assert "deep.ersl:2:" in out + err


def test_1_nesting_of_200_levels_is_accepted_by_every_tool(tmp_path, capsys):
    # 200 `not`s and 200 nested calls: far more than anyone writes, well within the limit
    text = (
        'use stdlib "schema/sweden"\nparam d = 2019-01-01\n'
        f"param b = {'not ' * 200}true\n"
        f"param y = {'year(' * 200}d{')' * 200}\n"
    )
    path = write(tmp_path, "deep.ersl", text)
    code, out, err = ersl(capsys, "check", path)
    assert code == 1  # year(year(d)) is a type error, reported as usual
    assert "E0405" in out and "E0130" not in out
    assert ersl(capsys, "fmt", "--check", path)[0] in (0, 1)
    assert ersl(capsys, "lint", path)[0] in (0, 1, 2)


def test_1_a_k_expression_nested_too_deeply_is_a_usage_error(capsys):
    code, _, err = ersl(capsys, "test", TUTORIAL, "-k", "(" * 300 + "x" + ")" * 300)
    assert code == 2
    assert "nests parentheses deeper than 200 levels" in err


def test_1_a_long_chain_of_not_and_or_in_k_is_fine(capsys):
    # 3001 `not`s: odd, so `not capitation`; 2000 `or`s of `capitation`
    code, out, _ = ersl(capsys, "test", TUTORIAL, "-k", "not " * 3001 + "capitation")
    assert code == 0 and "1 deselected" in out
    code, out, _ = ersl(capsys, "test", TUTORIAL, "-k", " or ".join(["capitation"] * 2000))
    assert code == 0 and "4 deselected" in out


# ------------------------------------------------------------------ 2 non-ASCII digits
@pytest.mark.parametrize(
    ("value", "column", "digit"), [("١٢٣", 11, "١"), ("12٣", 13, "٣"), ("１２ kr", 11, "１")]
)
def test_2_digits_other_than_0_to_9_are_a_lexical_error(tmp_path, capsys, value, column, digit):
    path = write(tmp_path, "c.ersl", f"param x = {value}\n")
    code, out, _ = ersl(capsys, "check", path)
    assert code == 1
    assert f"c.ersl:1:{column}: error[E0126]: `{digit}` (U+{ord(digit):04X}) is not a digit" in out
    assert "write numbers with the digits 0 to 9" in out


# ------------------------------------------------------------------ 3 huge numbers
def test_3_a_number_of_31_digits_in_a_contract_is_E0127(tmp_path, capsys):
    path = write(tmp_path, "c.ersl", f"param x = {'9' * 30}\nparam y = {'9' * 31}\n")
    code, out, _ = ersl(capsys, "check", path)
    assert code == 1
    assert "c.ersl:2:11: error[E0127]: number too large:" in out
    assert "has 31 digits before the decimal point; ERSL reads at most 30" in out
    assert "c.ersl:1:" not in out  # 30 digits are fine


def test_3_thirty_one_decimals_are_too_many(tmp_path, capsys):
    path = write(tmp_path, "c.ersl", f"param x = 0.{'1' * 31} kr\n")
    code, out, _ = ersl(capsys, "check", path)
    assert code == 1
    assert "error[E0127]" in out and "31 digits after the decimal point" in out


def test_3_a_5000_digit_number_in_a_contract(tmp_path, capsys):
    path = write(tmp_path, "c.ersl", f"param x = {'9' * 5000}\n")
    code, out, _ = ersl(capsys, "check", path)
    assert code == 1 and "5000 digits before the decimal point" in out


def test_3_a_huge_param_on_the_command_line_is_a_usage_error(capsys):
    code, _, err = ersl(capsys, *RUN, "--param", f"cni_rate={'9' * 5000}")
    assert code == 2
    assert "error[E0909]" in err and "number too large" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 31, "is too large: it has 31 digits before the decimal point"),
        (f'"{"9" * 31}"', "is too large: it has 31 digits before the decimal point"),
        ("9" * 5000, "malformed JSON: a number has more than 30 digits"),
    ],
    ids=["int", "text", "5000 digits"],
)
def test_3_a_huge_number_in_a_data_field(tmp_path, capsys, value, message):
    data = write(
        tmp_path,
        "d.jsonl",
        f'{{"type": "patient", "id": "P9", "birth_date": "1950-04-12", "cni": {value}}}\n',
    )
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", data, "--period", "2019-03")
    assert code == 2
    assert "d.jsonl:1:" in err and message in err


# ------------------------------------------------------------------ 4 expected öre
def test_4_an_expected_amount_below_one_ore_is_a_checker_error(tmp_path, capsys):
    shutil.copy(CONTRACT, tmp_path / "clinic.ersl")
    test = write(
        tmp_path,
        "clinic_test.ersl",
        'use "clinic.ersl"\ntest "t" {\n  period 2019-03\n  expect {\n'
        '    VC1 "Listningsersättning CNI" 2019-03 = 0.0000001 kr\n  }\n}\n',
    )
    code, out, _ = ersl(capsys, "test", test)
    assert code == 2
    assert "clinic_test.ersl:5:45: error[E0512]" in out
    assert ersl(capsys, "check", test)[0] == 1


# ------------------------------------------------------------------ 6 output paths
def _outputs(folder: Path) -> list[tuple[str, str]]:
    missing = folder / "missing" / "out.txt"
    long = folder / LONG_NAME
    return [
        (str(missing), f"the folder {folder / 'missing'} does not exist"),
        (str(folder), "it is a folder"),
        (str(long), "file name too long"),
    ]


@pytest.mark.parametrize("case", range(3), ids=["missing folder", "a folder", "too long"])
def test_6_an_output_file_that_cannot_be_written_is_a_usage_error(tmp_path, capsys, case):
    path, reason = _outputs(tmp_path)[case]
    explain = ("explain", *RUN[1:], "--payee", "VC1", "--name", "Listningsersättning CNI")
    for argv in (
        (*RUN, "-o", path),
        (*RUN, "--format", "xlsx", "-o", path),
        ("highlight", CONTRACT, "-o", path),
        (*explain, "-o", path),
    ):
        code, _, err = ersl(capsys, *argv)
        assert code == 2, argv
        assert f"error[E0912]: cannot write {path}: {reason}" in err


def test_6_test_reports_that_cannot_be_written(tmp_path, capsys):
    for option in ("--junit-xml", "--coverage-xml"):
        code, _, err = ersl(capsys, "test", TUTORIAL, option, tmp_path / "missing" / "r.xml")
        assert code == 2
        assert f"cannot write {tmp_path / 'missing' / 'r.xml'}" in err


@pytest.mark.parametrize("command", ["fmt", "lint", "check", "highlight", "test"])
def test_6_7_a_file_name_too_long(tmp_path, capsys, command):
    path = tmp_path / f"{LONG_NAME}.ersl"
    code, out, err = ersl(capsys, command, path)
    assert code == 2
    assert LONG_NAME in out + err


# ------------------------------------------------------------------ 7 contract paths
@pytest.mark.parametrize("contract", ["folder", "long", "nul"])
def test_7_a_contract_path_that_is_no_readable_file(tmp_path, capsys, contract):
    path = {"folder": str(tmp_path), "long": str(tmp_path / LONG_NAME), "nul": "a\0b.ersl"}[
        contract
    ]
    code, _, err = ersl(capsys, "run", path, "--data", DATA, "--period", "2019-03")
    assert code == 2
    assert "error[E0001]" in err


def test_7_a_data_path_too_long(tmp_path, capsys):
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", tmp_path / LONG_NAME)
    assert code == 2 and "error[E0800]" in err


# ------------------------------------------------------------------ 8 dates
def test_8_a_window_beyond_the_calendar_ends_at_its_last_day(tmp_path, capsys):
    # `within 10000 years after` a 2019 visit reaches past 9999-12-31: the window
    # is every day from the visit on, and the contract settles as with 100 years.
    def settle(years: str) -> tuple[int, str]:
        text = (TUTORIAL / "clinic.ersl").read_text(encoding="utf-8")
        text += (
            '\npayment "Uppföljning" {\n  kind variable\n  per Visit v\n'
            f"  amount if exists(Visit w where w.patient == v.patient within {years} after)"
            " then 1 kr else 0 kr\n}\n"
        )
        path = write(tmp_path, "c.ersl", text)
        code, out, _ = ersl(capsys, *(a if a != CONTRACT else path for a in RUN))
        return code, out

    assert settle("10000 years") == settle("100 years")
    assert settle("4294967296 years")[0] == 0


def test_8_a_date_moved_beyond_the_calendar_is_E0913(tmp_path, capsys):
    text = (TUTORIAL / "clinic.ersl").read_text(encoding="utf-8")
    text += (
        '\npayment "Framtid" {\n  kind variable\n  per Visit v\n'
        "  amount if v.date + 10000 years > v.date then 1 kr else 0 kr\n}\n"
    )
    path = write(tmp_path, "c.ersl", text)
    code, _, err = ersl(capsys, *(a if a != CONTRACT else path for a in RUN))
    assert code == 2
    assert "error[E0913]" in err and "is outside the calendar (years 1 to 9999)" in err


def test_8_a_period_beyond_the_calendar_is_a_usage_error(capsys):
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", DATA, "--period", "999999")
    assert code == 2 and "error[E0908]" in err


# ------------------------------------------------------------------ 9 coverage threshold
@pytest.mark.parametrize("value", ["inf", "nan", "-1", "abc", "100.5"])
def test_9_a_coverage_threshold_that_is_no_percentage(capsys, value):
    code, _, err = ersl(capsys, "test", TUTORIAL, f"--coverage-threshold={value}")
    assert code == 2
    assert f"`{value}` is not a percentage from 0 to 100" in err


# ------------------------------------------------------------------ 10 long CSV cells
def test_10_a_parameter_csv_cell_over_131072_characters(tmp_path, capsys):
    fees = write(tmp_path, "fees.csv", "key,value\ndoctor," + "1" * 140_000 + "\n")
    code, _, err = ersl(capsys, *RUN, "--param", f"visit_fee={fees}")
    assert code == 2
    assert "error[E0909]" in err and "field larger than field limit (131072)" in err


def test_10_a_data_csv_cell_over_131072_characters(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "patient.csv", "id,birth_date\nP1," + "1" * 140_000 + "\n")
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", folder, "--period", "2019-03")
    assert code == 2
    assert "patient.csv:2:1: error[E0813]: malformed CSV: field larger than field limit" in err


# ------------------------------------------------------------------ 11 deep JSON
def test_11_a_json_line_nested_thousands_deep_is_that_line_invalid(tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    data = write(tmp_path, "d.jsonl", '{"type": "provider", "id": "VC1"}\n{"cni": ' + deep + "}\n")
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", data, "--period", "2019-03")
    assert code == 2
    assert "d.jsonl:2:1: error[E0801]: malformed JSON: the line nests arrays or objects" in err


# ------------------------------------------------------------------ 12 JSON exponents
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e999999999", "1e999999999 has 1000000000 digits before the decimal point"),
        ("1e-999999999", "1e-999999999 has 999999999 digits after the decimal point"),
        ("1e30", "1e30 has 31 digits before the decimal point"),
    ],
)
def test_12_a_json_number_with_an_enormous_exponent(tmp_path, capsys, number, message):
    data = write(
        tmp_path,
        "d.jsonl",
        f'{{"type": "patient", "id": "P1", "birth_date": "1950-04-12", "cni": {number}}}\n',
    )
    code, _, err = ersl(capsys, "run", CONTRACT, "--data", data, "--period", "2019-03")
    assert code == 2
    assert f"d.jsonl:1:1: error[E0801]: malformed JSON: number too large: {message}" in err


def test_12_exponents_within_the_bounds_are_read_exactly(tmp_path):
    from fractions import Fraction

    from ersl.data.values import json_number

    # 25e-1 = 2.5; 1.50e2 = 150; 1e29 has 30 digits
    assert json_number("25e-1") == Fraction(5, 2)
    assert json_number("1.50e2") == 150
    assert json_number("1e29") == 10**29
    assert json_number("0e999999999") == 0


# ------------------------------------------------------------------ 13 blank CSV lines
def test_13_blank_lines_in_csv_data_are_skipped_and_counted(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "provider.csv", "id,name\nVC1,Björken\n\nVC2,Eken\n\n")
    code, _, err = ersl(capsys, *RUN[:2], "--data", folder, *RUN[4:])
    assert code == 0
    # line 3 and line 5 are blank (line 1 is the header)
    assert f"skipped 2 blank lines in CSV data: {folder / 'provider.csv'}:3, " in err
    assert f"{folder / 'provider.csv'}:5" in err


def test_13_the_dataset_lists_its_blank_lines(tmp_path):
    import ersl

    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "provider.csv", "id,name\n\nVC1,Björken\n")
    data = ersl.read_data(folder, ersl.load(CONTRACT))
    assert data.blank_lines == ((str(folder / "provider.csv"), 2),)
    assert data.blank_report() == f"skipped 1 blank line in CSV data: {folder / 'provider.csv'}:2"


def test_json_report_of_a_check_with_a_deep_file(tmp_path, capsys):
    path = write(tmp_path, "deep.ersl", "param x = " + "-" * 300 + "1\n")
    code, out, _ = ersl(capsys, "check", "--format", "json", path)
    assert code == 1
    assert [d["code"] for d in json.loads(out)] == ["E0130"]
