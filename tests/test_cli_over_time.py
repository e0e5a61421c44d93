"""The command line of settlement over time (issue 18, docs/reference/time.md): `--as-of`,
`--paid`, `--monthly-as-of` on `ersl run` and `ersl explain`, and their errors.
The data are those of tests/interpreter/fixtures/over_time (see test_over_time.py for
the amounts, computed by hand there)."""

from __future__ import annotations

import json
from pathlib import Path

from ersl.cli import main

HERE = Path(__file__).resolve().parent / "interpreter" / "fixtures" / "over_time"
CONTRACT = str(HERE / "clinic.ersl")
DATA = str(HERE / "data.jsonl")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_as_of_writes_the_date_in_the_statement(capsys):
    code, out, _ = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-02",
        "--as-of",
        "2022-02-28",
        "--format",
        "json",
    )
    assert code == 0
    statement = json.loads(out)
    assert statement["as_of"] == "2022-02-28"
    # V3 and V4, two doctor visits: 2 × 400 = 800
    assert [(x["period"], x["amount"]) for x in statement["lines"]] == [("2022-02", "800.00")]


def test_a_bad_as_of_date_is_a_usage_error(capsys):
    code, _, err = run(capsys, "run", CONTRACT, "--data", DATA, "--as-of", "March")
    assert code == 2
    assert "error[E0909]: --as-of March:" in err


def test_run_paid_writes_the_correction_statement(capsys, tmp_path):
    february = tmp_path / "february.json"
    code, _, _ = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-02",
        "--as-of",
        "2022-02-28",
        "--format",
        "json",
        "-o",
        february,
    )
    assert code == 0
    code, out, _ = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-02",
        "--paid",
        february,
        "--format",
        "json",
    )
    assert code == 0
    statement = json.loads(out)
    assert statement["paid"] == [
        {"file": str(february), "period": "2022-02", "as_of": "2022-02-28"}
    ]
    # due 200 (V3b, a nurse visit, replaced V3; V4 withdrawn), paid 800 → −600
    (line,) = statement["lines"]
    assert (line["kind"], line["amount"], line["due"], line["paid"]) == (
        "correction",
        "-600.00",
        "200.00",
        "800.00",
    )
    assert statement["totals"]["VC1"]["correction"] == "-600.00"
    code, out, _ = run(
        capsys, "run", CONTRACT, "--data", DATA, "--period", "2022-02", "--paid", february
    )
    assert "statement for 2022-02 (corrections)" in out
    assert "total correction" in out and "-600.00" in out


def test_explain_paid_names_the_records_that_changed_the_line(capsys, tmp_path):
    february = tmp_path / "february.json"
    run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-02",
        "--as-of",
        "2022-02-28",
        "--format",
        "json",
        "-o",
        february,
    )
    code, out, _ = run(
        capsys,
        "explain",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-02",
        "--paid",
        february,
        "--payee",
        "VC1",
        "--name",
        "Besök",
    )
    assert code == 0
    assert "correction: due 200.00 kr − paid 800.00 kr = -600.00 kr" in out
    assert "visit V3b registered 2022-04-02, replacing V3" in out
    assert "visit V4 withdrawn 2022-04-15" in out
    assert 'behind "Besök" then, no line now' in out


def test_a_paid_file_that_is_not_a_statement(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    code, _, err = run(capsys, "run", CONTRACT, "--data", DATA, "--paid", bad)
    assert code == 2
    assert f'error[E0920]: {bad}: is not a statement: expected "format": "ersl.statement/1"' in err


def test_monthly_as_of_prints_what_was_paid_when(capsys):
    code, out, _ = run(
        capsys, "run", CONTRACT, "--data", DATA, "--period", "2022", "--monthly-as-of"
    )
    assert code == 0
    assert out.startswith("Klinik över tid — paid month by month, 2022\n")
    # May: the March visit V2 registered on 2022-05-10, 1 × 400
    assert (
        "paid 2022-05-31 (data as of 2022-05-31, 2022-01..2022-05)\n"
        "  VC1  2022-03  Besök  400.00  (correction: due 400.00, paid 0.00)\n"
        "  total 400.00\n"
    ) in out
    # April: February corrected, due 200 − paid 800
    assert "  VC1  2022-02  Besök  -600.00  (correction: due 200.00, paid 800.00)\n" in out
    # December settles the whole year: the cap (−400) and the bonus (1 000)
    assert "  VC1  2022  Läkartak  -400.00" in out and "  VC1  2022  Årsbonus  1000.00" in out
    # 400 + 800 − 600 + 400 + 400 (Jun) + 400 (Sep) + 400 (Nov) − 400 + 1 000 = 2 800
    assert out.endswith("paid in all: 2800.00\n")


def test_monthly_as_of_json(capsys):
    code, out, _ = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022",
        "--monthly-as-of",
        "--format",
        "json",
    )
    assert code == 0
    payments = json.loads(out)
    assert payments["format"] == "ersl.payments/1"
    assert [p["as_of"] for p in payments["payments"]][:2] == ["2022-01-31", "2022-02-28"]
    assert payments["payments"][-1]["as_of"] is None  # the reconciliation with all data
    assert len(payments["payments"]) == 13


def test_monthly_as_of_refuses_as_of_and_paid(capsys):
    code, _, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--monthly-as-of", "--as-of", "2022-03-01"
    )
    assert code == 2
    assert "--monthly-as-of settles each month as of its own date" in err
    code, _, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--monthly-as-of", "--format", "csv"
    )
    assert code == 2 and "--monthly-as-of prints text or json" in err


def test_explain_refuses_monthly_as_of(capsys):
    code, _, err = run(
        capsys,
        "explain",
        CONTRACT,
        "--data",
        DATA,
        "--monthly-as-of",
        "--payee",
        "VC1",
        "--name",
        "Besök",
    )
    assert code == 2
    assert "`ersl explain` explains one statement's line" in err


def test_explaining_every_month_of_a_correction_statement(capsys, tmp_path):
    paths = []
    for month, last in (("01", "31"), ("02", "28"), ("03", "31")):
        path = tmp_path / f"{month}.json"
        run(
            capsys,
            "run",
            CONTRACT,
            "--data",
            DATA,
            "--period",
            f"2022-{month}",
            "--as-of",
            f"2022-{month}-{last}",
            "--format",
            "json",
            "-o",
            path,
        )
        paths.append(path)
    code, out, _ = run(
        capsys,
        "explain",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022-01..2022-03",
        "--paid",
        *paths,
        "--payee",
        "VC1",
        "--name",
        "Besök",
        "--format",
        "json",
    )
    assert code == 0
    lines = json.loads(out)["lines"]
    # January unchanged (no line); February −600 (V3b, V4); March +400 (V2)
    assert [(x["line"]["period"], x["line"]["amount"]) for x in lines] == [
        ("2022-02", "-600.00"),
        ("2022-03", "400.00"),
    ]
    assert [c["record"].split(" (")[0] for c in lines[1]["correction"]["changes"]] == [
        "visit V2 registered 2022-05-10"
    ]


def test_monthly_as_of_on_a_payment_day_of_the_following_month(capsys):
    code, out, _ = run(
        capsys,
        "run",
        CONTRACT,
        "--data",
        DATA,
        "--period",
        "2022",
        "--monthly-as-of",
        "--payment-day",
        "5",
    )
    assert code == 0
    # March is paid on 5 April: V3b (registered 2 April) has replaced V3 by then, so
    # February is corrected with March's payment: due 200 + 400 (V4) − paid 800 = −200
    assert (
        "paid 2022-04-05 (data as of 2022-04-05, 2022-01..2022-03)\n"
        "  VC1  2022-02  Besök  -200.00  (correction: due 600.00, paid 800.00)\n"
    ) in out
    # February paid on 5 March: V3 and V4, 800, not marked as a correction
    assert (
        "paid 2022-03-05 (data as of 2022-03-05, 2022-01..2022-02)\n  VC1  2022-02  Besök  800.00\n"
        in out
    )
    assert out.endswith("paid in all: 2800.00\n")


def test_payment_day_needs_monthly_as_of(capsys):
    code, _, err = run(capsys, "run", CONTRACT, "--data", DATA, "--payment-day", "5")
    assert code == 2 and "--payment-day goes with --monthly-as-of" in err
    code, _, err = run(
        capsys, "run", CONTRACT, "--data", DATA, "--monthly-as-of", "--payment-day", "40"
    )
    assert code == 2 and "give a day of the month, 1 to 31" in err


def test_the_columnar_engine_settles_over_time_the_same(capsys):
    for options in (["--as-of", "2022-04-20", "--format", "json"], ["--monthly-as-of"]):
        outputs = []
        for engine in ("reference", "columnar"):
            code, out, _ = run(
                capsys,
                "run",
                CONTRACT,
                "--data",
                DATA,
                "--period",
                "2022",
                "--engine",
                engine,
                *options,
            )
            assert code == 0
            outputs.append(out)
        assert outputs[0] == outputs[1]
