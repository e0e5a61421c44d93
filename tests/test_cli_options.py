"""The command line, for people: options before the contract, warnings about a
`--period` that pays less than it seems, did-you-mean for `--payee` and `--name`, the
records `--skip-invalid` skipped, and `explain -o`."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from ersl.cli import build_parser, main

EXAMPLE = REPO / "examples" / "primary_care"
CONTRACT = str(EXAMPLE / "contract.ersl")
DATA = str(EXAMPLE / "data.jsonl")
FEES = f"visit_fee={EXAMPLE / 'fees.csv'}"


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ options first
def test_the_contract_may_come_after_the_options(capsys):
    usual = run(capsys, "run", CONTRACT, "--data", DATA, "--param", FEES, "--format", "json")
    after_data = run(capsys, "run", "--param", FEES, "--format", "json", "--data", DATA, CONTRACT)
    last = run(capsys, "run", "--data", DATA, "--param", FEES, "--format", "json", CONTRACT)
    assert usual[0] == 0, usual[2]
    assert after_data == usual
    assert last == usual
    explained = run(
        capsys, "explain", "--data", DATA, CONTRACT, "--param", FEES,
        "--payee", "VC1", "--name", "Besöksersättning", "--line-period", "2022-03",
    )  # fmt: skip
    assert explained[0] == 0, explained[2]
    assert '"Besöksersättning" for VC1, 2022-03' in explained[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--data", DATA],
        ["run", "--data", DATA, CONTRACT, CONTRACT],
        ["run", "--data", CONTRACT],
    ],
    ids=["no contract", "two contracts", "no data"],
)
def test_without_one_contract_it_says_so(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "error[E0909]: give the contract file" in err
    assert "the contract may also come last" in err


# ------------------------------------------------------------------ period warnings
def test_a_period_outside_the_valid_range_warns_that_nothing_is_paid(capsys):
    code, out, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--param", FEES, "--period", "2023"
    )
    assert code == 0
    assert (
        "<command line>: warning[W0901]: --period 2023 lies outside the contract's valid range "
        "2022-01-01 .. 2022-12-31: nothing is paid"
    ) in err
    assert "(no lines: nothing is payable in this period)" in out


def test_a_period_partly_outside_says_what_is_settled(capsys):
    code, _, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--param", FEES, "--period", "2021-07..2022-06"
    )
    assert code == 0
    assert "only 2022-01-01 .. 2022-06-30 is settled" in err


def test_a_month_leaves_out_the_yearly_parts_and_says_which(capsys):
    code, out, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--param", FEES, "--period", "2022-03"
    )
    assert code == 0
    assert (
        'warning[W0902]: --period 2022-03 does not cover whole years: "Besökstak läkare", '
        '"Kvalitetsersättning" (counted per year) are not settled for the years it cuts'
    ) in err
    assert "Besökstak" not in out and "Kvalitet" not in out  # indeed not settled


@pytest.mark.parametrize("period", ["2022", "2022-01..2022-12"])
def test_a_whole_valid_year_gives_no_warning(capsys, period):
    code, _, err = run(capsys, "run", CONTRACT, "--data", DATA, "--param", FEES, "--period", period)
    assert code == 0 and err == ""


# ------------------------------------------------------------------ did you mean
@pytest.mark.parametrize(
    ("payee", "name", "hint"),
    [
        ("VC2", "Besöksersättning", "help: --payee: did you mean `VC1`?"),
        ("vc1", "Besöksersättning", "help: --payee: did you mean `VC1`?"),
        ("VC1", "Besöksersätning", "help: --name: did you mean `Besöksersättning`?"),
        ("VC1", "besökstak läkare", "help: --name: did you mean `Besökstak läkare`?"),
    ],
)
def test_explain_suggests_the_payee_or_name_meant(capsys, payee, name, hint):
    code, out, err = run(
        capsys,
        "explain",
        CONTRACT,
        "--data",
        DATA,
        "--param",
        FEES,
        "--payee",
        payee,
        "--name",
        name,
    )
    assert code == 2 and out == ""
    assert f'error[E0911]: the statement has no line "{name}" for {payee}' in err
    assert hint in err


# ------------------------------------------------------------------ --skip-invalid
def test_skip_invalid_lists_the_records_it_skipped(capsys, tmp_path):
    data = tmp_path / "data.jsonl"
    lines = (EXAMPLE / "data.jsonl").read_text(encoding="utf-8").splitlines()
    lines += [
        '{"type": "visit", "id": "X1", "patient": "P9", "provider": "VC1", '
        '"date": "2022-03-01", "profession": "doctor", "mode": "physical"}',
        '{"type": "vist", "id": "X2"}',
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n = len(lines)
    code, _, err = run(capsys, "run", CONTRACT, "--data", data, "--param", FEES, "--skip-invalid")
    assert code == 0
    report = err.splitlines()
    assert report[0] == "skipped 2 invalid records (1 unknown reference, 1 unknown type):"
    assert report[1].startswith(f"  {data}:{n - 1}: unknown reference — ")
    assert '"P9"' in report[1]
    assert report[2].startswith(f"  {data}:{n}: unknown type — ")


# ------------------------------------------------------------------ explain -o
def test_explain_output_option_says_it_writes_the_explanation(capsys, tmp_path):
    explain = next(
        a for a in build_parser()._subparsers._group_actions[0].choices.items() if a[0] == "explain"
    )[1]
    helps = {a.dest: a.help for a in explain._actions}
    assert helps["output"] == "write the explanation to FILE instead of standard output"
    assert "ersl.explanation/1" in helps["format"]
    out_file = tmp_path / "why.json"
    code, out, _ = run(
        capsys, "explain", CONTRACT, "--data", DATA, "--param", FEES, "--payee", "VC1",
        "--name", "Kvalitetsersättning", "--format", "json", "-o", out_file,
    )  # fmt: skip
    assert code == 0 and out == ""
    assert json.loads(out_file.read_text(encoding="utf-8"))["format"] == "ersl.explanation/1"
