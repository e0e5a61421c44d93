"""A run split over two processes gives the same statement, byte for byte."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import ersl
from ersl.interpreter import parallel

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not parallel.available(), reason="no second process can be forked here")
def test_two_processes_give_the_same_statement(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(300, 1500, providers=4)),
        encoding="utf-8",
    )
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "key,value\ndoctor,400\nnurse,250\nassistant_nurse,200\npsychosocial,400\n"
        "physiotherapist,300\noccupational_therapist,300\ndietitian,250\nother,200\n"
    )
    contract = ersl.load(REPO / "examples" / "primary_care" / "contract.ersl")
    records = ersl.read_data([data], contract)
    one = contract.settle(records, "2022", {"visit_fee": str(fees)}, jobs=1).to_json()
    monkeypatch.setattr(parallel, "MIN_UNITS", 0)
    calls = []
    monkeypatch.setattr(
        parallel,
        "_adopt",
        lambda s, names, rows, f=parallel._adopt: (calls.append(names), f(s, names, rows)),
    )
    two = contract.settle(records, "2022", {"visit_fee": str(fees)}, jobs=2).to_json()
    assert calls and calls[0], "the worker computed no line"
    assert one == two
