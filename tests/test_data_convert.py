"""`ersl data convert`: JSON Lines/CSV → one Parquet file, validated, stable bytes; the
examples settle from the converted file to the very statement bytes they settle to
from JSON Lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_examples import EXAMPLES, PARAMS

from ersl.checker import check_file
from ersl.cli import main
from ersl.data import dump_csv, read_data

FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"


@pytest.mark.parametrize("example", sorted(PARAMS))
def test_examples_settle_the_same_from_parquet(example: str, tmp_path: Path, capsys) -> None:
    folder = EXAMPLES / example
    out = tmp_path / "data.parquet"
    contract = str(folder / "contract.ersl")
    assert (
        main(
            ["data", "convert", str(folder / "data.jsonl"), "-o", str(out), "--contract", contract]
        )
        == 0
    )
    assert f"to {out}" in capsys.readouterr().err
    args = ["run", contract, "--period", "2022", *PARAMS[example], "--format", "json"]
    assert main([*args, "--data", str(out)]) == 0
    from_parquet = capsys.readouterr().out
    assert from_parquet == (folder / "expected.json").read_text(encoding="utf-8")
    assert main([*args, "--format", "csv", "--data", str(out)]) == 0
    csv_parquet = capsys.readouterr().out
    assert main([*args, "--format", "csv", "--data", str(folder / "data.jsonl")]) == 0
    assert capsys.readouterr().out == csv_parquet


def test_the_same_records_give_the_same_bytes(tmp_path: Path, capsys) -> None:
    contract = str(FIXTURES / "extended.ersl")
    source = FIXTURES / "small.jsonl"
    data = read_data([source], check_file(contract))
    dump_csv(data, tmp_path / "csv")
    outs = []
    for n, inputs in enumerate([[str(source)], [str(tmp_path / "csv")], [str(source)]]):
        out = tmp_path / f"{n}.parquet"
        assert main(["data", "convert", *inputs, "-o", str(out), "--contract", contract]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert read_data([tmp_path / "0.parquet"], check_file(contract)) == data


def test_without_a_contract_the_standard_schema_validates(tmp_path: Path, capsys) -> None:
    out = tmp_path / "data.parquet"
    code = main(["data", "convert", str(FIXTURES / "small.jsonl"), "-o", str(out)])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "error[E0803]: unknown field `target_points` (value 1200) in a provider record" in err
    assert (
        main(["data", "convert", str(FIXTURES / "small.jsonl"), "-o", str(out), "--skip-invalid"])
        == 0
    )
    err = capsys.readouterr().err
    # 4 records with unknown fields (the provider VC1 among them), 1 of an unknown type,
    # 7 referring to VC1 or to the patient with the unknown field: 12 of the 25 skipped
    assert err.startswith(
        "skipped 12 invalid records (4 unknown field, 8 unknown reference, 1 unknown type)"
    )
    assert err.endswith(f"wrote 13 records to {out}\n")
    assert out.exists()


def test_output_must_be_a_new_parquet_file(tmp_path: Path, capsys) -> None:
    source = str(FIXTURES / "small.jsonl")
    assert main(["data", "convert", source, "-o", str(tmp_path / "data.jsonl")]) == 2
    assert "error[E0909]: the output" in capsys.readouterr().err
    pq = tmp_path / "data.parquet"
    pq.write_bytes(b"")
    assert main(["data", "convert", str(pq), "-o", str(pq)]) == 2
    assert f"error[E0909]: the output {pq} is also an input" in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "data.parquet"
    contract = str(FIXTURES / "extended.ersl")
    assert main(["data", "convert", source, "-o", str(missing), "--contract", contract]) == 2
    assert f"cannot write {missing}: the folder" in capsys.readouterr().err


def test_data_needs_a_subcommand(capsys) -> None:
    assert main(["data"]) == 2
    assert "convert" in capsys.readouterr().err
