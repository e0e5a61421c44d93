"""SPEC §6.3 statement JSON, exactly, and byte-identical output (§6.3, §6.1)."""

from __future__ import annotations

import hashlib
import json
import random

from interp_helpers import (
    contract,
    jsonl,
    listing,
    patient,
    provider,
    settle,
    visit,
)

from ersl.cli import main

CONTRACT = """contract "Statement test" {
  version "v7"
  valid 2022-01-01 .. 2022-12-31
}
use stdlib "schema/sweden"
use "lib/fees.ersl"

payment "Zeta" {
  kind   fixed
  per    listed patient p at q each month
  amount 1217 kr/year
}
payment "Ålder" {
  kind   fixed
  per    listed patient p at q each month
  amount 1 kr
}
payment "alpha" {
  kind   variable
  per    Visit v
  amount 1234567.5 kr
}
"""

LIBRARY = """use stdlib "schema/sweden"
payment "Besök" {
  kind   variable
  per    Visit v where v.mode == home
  amount -200 kr
}
"""

RECORDS = [
    provider("VC1"),
    provider("Vå"),
    provider("vc"),
    patient("P1"),
    patient("P2"),
    listing("P1", "VC1", "2020-01-01"),
    listing("P2", "vc", "2022-10-01"),
    visit("V1", "P1", "VC1", "2022-10-05", mode="home"),
    visit("V2", "P1", "Vå", "2022-09-30"),
]


def _write(tmp_path, records=RECORDS, data_name="data.jsonl"):
    folder = tmp_path / "contracts"
    (folder / "lib").mkdir(parents=True, exist_ok=True)
    (folder / "contract.ersl").write_text(CONTRACT, encoding="utf-8")
    (folder / "lib" / "fees.ersl").write_text(LIBRARY, encoding="utf-8")
    data = tmp_path / data_name
    data.write_text(jsonl(records), encoding="utf-8")
    return folder / "contract.ersl", data


def _line(payee, period, name, kind, units, amount, source):
    return {
        "payee": payee,
        "period": period,
        "name": name,
        "kind": kind,
        "units": units,
        "amount": amount,
        "source": source,
    }


def _pairs(value):
    """A JSON value with every object as a list of (key, value) pairs, keeping order."""
    if isinstance(value, dict):
        return [(k, _pairs(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_pairs(v) for v in value]
    return value


def test_statement_json_exactly(tmp_path, monkeypatch, capsys):
    path, data = _write(tmp_path)
    monkeypatch.chdir(tmp_path)  # run from another folder than the contract's
    capsys.readouterr()
    code = main(
        [
            "run",
            "contracts/contract.ersl",
            "--data",
            "data.jsonl",
            "--period",
            "2022-09..2022-10",
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    # Zeta: 1217 kr/year × 1 month = 101.4166… → 101.42; Ålder: 1 kr; alpha: 1234567.50;
    # Besök (imported, line 2 of lib/fees.ersl): −200 for the home visit V1.
    # Order: payee, period, name in code points: "VC1" < "Vå" < "vc" ('C' 0x43 < 'å' 0xE5,
    # 'V' 0x56 < 'v' 0x76) and "Besök" < "Zeta" < "alpha" < "Ålder" (B, Z, a, Å).
    expected = {
        "format": "ersl.statement/1",
        "contract": {"name": "Statement test", "version": "v7", "sha256": sha},
        "period": "2022-09..2022-10",
        "lines": [
            _line("VC1", "2022-09", "Zeta", "fixed", 1, "101.42", "contract.ersl:8"),
            _line("VC1", "2022-09", "Ålder", "fixed", 1, "1.00", "contract.ersl:13"),
            _line("VC1", "2022-10", "Besök", "variable", 1, "-200.00", "lib/fees.ersl:2"),
            _line("VC1", "2022-10", "Zeta", "fixed", 1, "101.42", "contract.ersl:8"),
            _line("VC1", "2022-10", "alpha", "variable", 1, "1234567.50", "contract.ersl:18"),
            _line("VC1", "2022-10", "Ålder", "fixed", 1, "1.00", "contract.ersl:13"),
            _line("Vå", "2022-09", "alpha", "variable", 1, "1234567.50", "contract.ersl:18"),
            _line("vc", "2022-10", "Zeta", "fixed", 1, "101.42", "contract.ersl:8"),
            _line("vc", "2022-10", "Ålder", "fixed", 1, "1.00", "contract.ersl:13"),
        ],
        "totals": {
            # fixed 2 × 101.42 + 2 × 1 = 204.84; variable 1234567.50 − 200 = 1234367.50;
            # total 204.84 + 1234367.50 = 1234572.34
            "VC1": {
                "fixed": "204.84",
                "variable": "1234367.50",
                "performance": "0.00",
                "total": "1234572.34",
            },
            "Vå": {
                "fixed": "0.00",
                "variable": "1234567.50",
                "performance": "0.00",
                "total": "1234567.50",
            },
            "vc": {  # 101.42 + 1.00
                "fixed": "102.42",
                "variable": "0.00",
                "performance": "0.00",
                "total": "102.42",
            },
        },
    }
    assert json.loads(out, object_pairs_hook=list) == _pairs(expected)


def test_sha256_is_of_the_contract_file_bytes(tmp_path):
    # CRLF line endings and a trailing comment: the digest is of the bytes as stored
    source = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
# a comment changes the bytes, not the lines
""")
    folder = tmp_path / "crlf"
    folder.mkdir()
    path = folder / "contract.ersl"
    path.write_bytes(source.replace("\n", "\r\n").encode("utf-8"))
    (folder / "data.jsonl").write_text(
        jsonl([provider("VC1"), patient("P1"), visit("V1", "P1", "VC1", "2022-03-01")]),
        encoding="utf-8",
    )
    import ersl.api as api

    loaded = api.load(path)
    statement = loaded.settle(api.read_data([str(folder / "data.jsonl")], loaded), "2022")
    digest = json.loads(statement.to_json())["contract"]["sha256"]
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest != hashlib.sha256(source.encode("utf-8")).hexdigest()


def _run_bytes(capsys, path, data, out_file) -> bytes:
    capsys.readouterr()
    code = main(
        ["run", str(path), "--data", str(data), "--period", "2022", "--format", "json"]
        + ["-o", str(out_file)]
    )
    _, err = capsys.readouterr()
    assert code == 0, err
    return out_file.read_bytes()


def test_identical_input_gives_byte_identical_output(tmp_path, capsys):
    path, data = _write(tmp_path)
    first = _run_bytes(capsys, path, data, tmp_path / "a.json")
    second = _run_bytes(capsys, path, data, tmp_path / "b.json")
    assert first == second
    assert first.endswith(b"\n")
    # and the API gives the same text as the command line
    result = settle(tmp_path / "api", CONTRACT.replace('use "lib/fees.ersl"\n', ""), RECORDS)
    assert result.text == result.statement.to_json()


def test_shuffled_data_lines_give_the_same_bytes(tmp_path, capsys):
    path, data = _write(tmp_path)
    reference = _run_bytes(capsys, path, data, tmp_path / "ref.json")
    rng = random.Random(7)
    for attempt in range(4):
        records = list(RECORDS)
        rng.shuffle(records)
        if attempt == 0:
            records.reverse()
        _, shuffled = _write(tmp_path, records, data_name=f"shuffled{attempt}.jsonl")
        out = _run_bytes(capsys, path, shuffled, tmp_path / f"out{attempt}.json")
        assert out == reference


def test_statement_with_no_lines(tmp_path):
    src = contract("""
payment "Fee" {
  kind   variable
  per    Visit v
  amount 100 kr
}
""")
    result = settle(tmp_path, src, [provider("VC1")], period="2022-03")
    assert result.json["lines"] == []
    assert result.json["totals"] == {}
    assert result.json["period"] == "2022-03"


# ---------------------------------------------------------------- --format xlsx
def _hand_statement():
    """A statement built by hand: two payees, every kind, a negative line, an amount in
    the millions and one of a few öre."""
    from fractions import Fraction

    from ersl.statement import Line, Statement

    lines = [
        Line("VC1", "2022-01", "Listning", "fixed", 120, Fraction(123456789, 100), "c.ersl:4"),
        Line("VC1", "2022-01", "Besök", "variable", 3, Fraction(75050, 100), "c.ersl:9"),
        Line("VC1", "2022", "Tak", "variable", 1, Fraction(-2010, 100), "c.ersl:15"),
        Line("Vå", "2022", "Kvalitet", "performance", 1, Fraction(10, 100), "c.ersl:20"),
    ]
    return Statement("Kalkyl", "v1", "ab" * 32, "2022", lines)


def test_xlsx_statement_reads_back_with_openpyxl(tmp_path):
    import openpyxl

    path = tmp_path / "s.xlsx"
    path.write_bytes(_hand_statement().to_xlsx())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["lines", "totals", "contract"]
    lines = book["lines"]
    rows = list(lines.iter_rows(values_only=True))
    assert rows[0] == ("payee", "period", "name", "kind", "units", "amount", "source")
    # sorted by payee, period, name (code points): VC1 2022 Tak, VC1 2022-01 Besök,
    # VC1 2022-01 Listning, Vå 2022 Kvalitet
    assert [r[:5] for r in rows[1:]] == [
        ("VC1", "2022", "Tak", "variable", 1),
        ("VC1", "2022-01", "Besök", "variable", 3),
        ("VC1", "2022-01", "Listning", "fixed", 120),
        ("Vå", "2022", "Kvalitet", "performance", 1),
    ]
    assert [r[6] for r in rows[1:]] == ["c.ersl:15", "c.ersl:9", "c.ersl:4", "c.ersl:20"]
    amounts = [lines.cell(row=r, column=6) for r in range(2, 6)]
    assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in amounts)
    assert [round(c.value * 100) for c in amounts] == [-2010, 75050, 123456789, 10]
    assert lines.freeze_panes == "A2"
    assert lines["A1"].font.b
    # a column is at least as wide as its longest text: "Listning" is 8, "c.ersl:15" 9
    assert lines.column_dimensions["C"].width >= 8
    assert lines.column_dimensions["G"].width >= 9
    totals = list(book["totals"].iter_rows(values_only=True))
    assert totals[0] == ("payee", "fixed", "variable", "performance", "total")
    # VC1: fixed 1234567.89; variable 750.50 − 20.10 = 730.40; total 1235298.29.
    # Vå: performance 0.10.
    cents = [tuple(round(v * 100) for v in row[1:]) for row in totals[1:]]
    assert [row[0] for row in totals[1:]] == ["VC1", "Vå"]
    assert cents == [(123456789, 73040, 0, 123529829), (0, 0, 10, 10)]
    assert book["totals"].freeze_panes == "A2"
    contract_rows = dict(book["contract"].iter_rows(min_row=2, values_only=True))
    assert contract_rows == {
        "contract": "Kalkyl",
        "version": "v1",
        "sha256": "ab" * 32,
        "period": "2022",
    }


def test_xlsx_amounts_are_the_exact_decimal_text(tmp_path):
    """The cells hold the amounts' two-decimal text itself, not a float's digits."""
    import re
    import zipfile

    path = tmp_path / "s.xlsx"
    path.write_bytes(_hand_statement().to_xlsx())
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        totals = book.read("xl/worksheets/sheet2.xml").decode()
    amounts = re.findall(r'<c r="F\d+" s="\d+"><v>([^<]*)</v>', sheet)
    assert amounts == ["-20.10", "750.50", "1234567.89", "0.10"]
    assert re.findall(r'<c r="E\d+" s="\d+"><v>([^<]*)</v>', totals) == ["1235298.29", "0.10"]


def test_xlsx_is_byte_identical_run_after_run(tmp_path, capsys):
    path, data = _write(tmp_path)
    outputs = []
    for name in ("a.xlsx", "b.xlsx"):
        capsys.readouterr()
        code = main(
            ["run", str(path), "--data", str(data), "--format", "xlsx", "-o", str(tmp_path / name)]
        )
        outputs.append((code, (tmp_path / name).read_bytes() if code == 0 else b""))
    assert outputs[0][0] == 0, capsys.readouterr().err
    assert outputs[0] == outputs[1]
    assert outputs[0][1].startswith(b"PK")


def test_xlsx_is_not_written_to_a_terminal(tmp_path, capsys, monkeypatch):
    path, data = _write(tmp_path)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    capsys.readouterr()
    code = main(["run", str(path), "--data", str(data), "--format", "xlsx"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "an xlsx statement is a file, not text for a terminal" in err
    assert "-o statement.xlsx" in err
