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
