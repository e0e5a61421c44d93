"""Parquet straight into DuckDB tables (`ersl/data/table_data.py`, `sql_checks.py`).

The table path is a shortcut, never a second meaning: clean data settles to the same
statement bytes as the records path, and data the reference would refuse (or merely
reads with care) is read as records, so its diagnostics are the reference's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_data_parquet_parity import DECODER, _write_both

import ersl.api as api
from ersl.cli import main
from ersl.data.dump import dump_csv
from ersl.data.table_data import NeedsRecords, TableDataset, read_tables
from ersl.errors import ErslError

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
TUTORIAL = EXAMPLES / "tutorial" / "clinic.ersl"
TUTORIAL_FEES = f"visit_fee={EXAMPLES / 'tutorial' / 'fees.csv'}"

EXAMPLE_RUNS = {
    "primary_care": (
        "contract.ersl",
        ["--param", f"visit_fee={EXAMPLES / 'primary_care' / 'fees.csv'}"],
    ),
    "hospital": (
        "contract.ersl",
        ["--param", "drg_price=48000kr", "--param", "outlier_threshold=1000000kr"],
    ),
    "hip_knee": ("contract.ersl", []),
    "tutorial": ("clinic.ersl", ["--param", TUTORIAL_FEES]),
}
PC = EXAMPLES / "primary_care"
BIG = {"Patient", "Listing", "Visit", "Observation", "patient_attribute"}  # with rows


def _objects(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [DECODER.decode(line) for line in lines if line.strip()]


def _parquet(tmp_path: Path, objects: list[dict], typed: bool = True) -> Path:
    """The objects as one Parquet file (a `type` column), row N = object N."""
    _, parquet = _write_both(objects, tmp_path, typed=typed)
    return parquet


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("example", sorted(EXAMPLE_RUNS))
def test_examples_from_parquet_settle_as_from_json_lines(tmp_path, capsys, example):
    contract, params = EXAMPLE_RUNS[example]
    folder = EXAMPLES / example
    parquet = _parquet(tmp_path, _objects(folder / "data.jsonl"))
    for fmt in ("csv", "json"):
        columns = ["run", str(folder / contract), "--data", str(parquet), *params]
        code, out, err = _run(capsys, [*columns, "--engine", "columnar", "-v", "--format", fmt])
        assert code == 0, err
        reference = ["run", str(folder / contract), "--data", str(folder / "data.jsonl"), *params]
        code, expected, _ = _run(capsys, [*reference, "--format", fmt])
        assert code == 0
        if fmt == "json":  # the statement names its data files
            out = out.replace(str(parquet), "DATA")
            expected = expected.replace(str(folder / "data.jsonl"), "DATA")
        assert out == expected
        assert "data: " in err


@pytest.mark.parametrize("example", ["tutorial", "hospital"])
def test_examples_settle_on_tables_alone(tmp_path, capsys, example):
    contract, params = EXAMPLE_RUNS[example]
    parquet = _parquet(tmp_path, _objects(EXAMPLES / example / "data.jsonl"))
    argv = ["run", str(EXAMPLES / example / contract), "--data", str(parquet), *params]
    code, _, err = _run(capsys, [*argv, "--engine", "columnar", "-v", "--format", "csv"])
    assert code == 0
    assert "data: DuckDB tables straight from the files; read as records: Provider\n" in err


def test_primary_care_reads_no_big_type_as_records(tmp_path):
    contract = api.load(EXAMPLES / "primary_care" / "contract.ersl")
    parquet = _parquet(tmp_path, _objects(EXAMPLES / "primary_care" / "data.jsonl"))
    data = api.read_data([parquet], contract, tables=True)
    assert isinstance(data, TableDataset)
    # Types without rows count as read (there is nothing to read); no type with rows
    # but the provider is read as records.
    assert "Provider" in data.small_types()
    assert not BIG & set(data.small_types())
    assert data.report() == "DuckDB tables straight from the files; read as records: Provider"
    assert [p.id for p in data.providers()] == ["VC1"]
    # The tables hold every row: 2 patients, 2 listings, 3 visits (data.jsonl).
    counts = {
        name: data.con.execute(f"SELECT count(*) FROM {data.tables[name]}").fetchall()[0][0]
        for name in ("Patient", "Listing", "Visit")
    }
    assert counts == {"Patient": 2, "Listing": 2, "Visit": 3}
    with pytest.raises(NeedsRecords, match="Visit records"):
        data.between("Visit")


def test_a_settlement_that_needs_records_reads_them_and_settles_again(tmp_path, capsys):
    # hip_knee's bundle builds its episodes from the patients' records (the
    # interpreter's own code): the run reads the records and says why; the statement
    # is the reference's from JSON Lines.
    contract, params = EXAMPLE_RUNS["hip_knee"]
    jsonl = EXAMPLES / "hip_knee" / "data.jsonl"
    parquet = _parquet(tmp_path, _objects(jsonl))
    argv = ["run", str(EXAMPLES / "hip_knee" / contract), *params, "--format", "csv"]
    code, out, err = _run(capsys, [*argv, "--data", str(parquet), "--engine", "columnar", "-v"])
    assert code == 0
    assert "data: read as records because the settlement asked for" in err
    code, reference, _ = _run(capsys, [*argv, "--data", str(jsonl), "--engine", "reference"])
    assert code == 0 and out == reference


def test_json_lines_and_csv_become_tables(tmp_path, capsys):
    contract, params = EXAMPLE_RUNS["primary_care"]
    jsonl = PC / "data.jsonl"
    csv = tmp_path / "csv"
    dump_csv(api.read_data([jsonl], api.load(PC / contract)), csv)
    for data in (jsonl, csv):
        found = api.read_data([data], api.load(PC / contract), tables=True)
        assert isinstance(found, TableDataset)
        assert found.report() == "DuckDB tables straight from the files; read as records: Provider"
        argv = ["run", str(PC / contract), "--data", str(data), *params, "--format", "csv"]
        code, out, err = _run(capsys, [*argv, "-v"])
        assert code == 0, err
        assert "data: DuckDB tables straight from the files" in err
        assert out == _run(capsys, [*argv, "--engine", "reference"])[1]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_file_named_like_a_pattern_is_read_as_records(tmp_path, capsys, suffix):
    # DuckDB's readers take `*`, `?`, `[…]` and `{…}` in a name as a file pattern: the
    # file `data[12].jsonl` would read `data1.jsonl` and `data2.jsonl` instead. The
    # table path leaves such a file to the reader, which reads that file and only it.
    contract, params = EXAMPLE_RUNS["primary_care"]
    objects = _objects(PC / "data.jsonl")
    decoy = [{"type": "provider", "id": "VC9"}]
    if suffix == ".jsonl":
        named = tmp_path / "data[12].jsonl"
        named.write_bytes((PC / "data.jsonl").read_bytes())
        (tmp_path / "data1.jsonl").write_text(json.dumps(decoy[0]) + "\n", encoding="utf-8")
    else:
        named = tmp_path / "data[12].parquet"
        for folder, records, target in [("real", objects, named), ("decoy", decoy, None)]:
            (tmp_path / folder).mkdir()
            _parquet(tmp_path / folder, records).rename(target or tmp_path / "data1.parquet")
    reason = read_tables([named], api.load(PC / contract).checked)
    assert reason == f"the name {named} has a character of file patterns"
    argv = ["run", str(PC / contract), "--data", str(named), *params, "--format", "csv"]
    code, out, err = _run(capsys, [*argv, "-v"])
    assert code == 0 and "data: read as records because the name" in err
    code, expected, _ = _run(capsys, [*argv[:3], str(PC / "data.jsonl"), *argv[4:]])
    assert code == 0 and out == expected


def test_skip_invalid_and_as_of_read_records(tmp_path):
    contract = api.load(TUTORIAL)
    parquet = _parquet(tmp_path, _objects(EXAMPLES / "tutorial" / "data.jsonl"))
    skipped = api.read_data([parquet], contract, skip_invalid=True, tables=True)
    assert skipped.table_report == "read as records because --skip-invalid is given"
    dated = api.read_data([parquet], contract, as_of="2019-12-31", tables=True)
    assert dated.table_report == "read as records because --as-of is given"


# ---------------------------------------------------------------------- dirty data

DIRTY = {
    "duplicate id": (
        {"type": "patient", "id": "P1", "birth_date": "1941-01-01"},
        "two patient records have one id",
    ),
    "unknown reference": (
        {"type": "listing", "patient": "P2", "provider": "VCX", "start": "2022-03-01"},
        "a listing record's `provider` names no Provider",
    ),
    "overlapping listings": (
        {"type": "listing", "patient": "P1", "provider": "VC1", "start": "2021-01-01"},
        "listings of one patient overlap",
    ),
    "conflicting attribute": (
        {"type": "patient_attribute", "patient": "P1", "from": "2021-01-01", "cni": "1.7"},
        "two patient_attribute records of one patient from one date",
    ),
    "bad row": (
        {"type": "patient", "id": "P3", "birth_date": "2022-02-30"},
        "needs the reader's own checks",
    ),
    "a number too large, as text": (
        {"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "cni": "9" * 31},
        "needs the reader's own checks",
    ),
    "indicator result twice": (
        [
            {
                "type": "indicator_result",
                "provider": "VC1",
                "indicator": "x",
                "period": "2022",
                "value": 1,
            },
            {
                "type": "indicator_result",
                "provider": "VC1",
                "indicator": "x",
                "period": "2022",
                "value": 2,
            },
        ],
        "an indicator result is given twice",
    ),
}


def _diagnostics(path: Path, contract, tables: bool) -> list:
    with pytest.raises(ErslError) as caught:
        api.read_data([path], contract, tables=tables)
    return [(d.code, d.message, d.span, d.help, d.notes) for d in caught.value.diagnostics]


@pytest.mark.parametrize("case", sorted(DIRTY))
def test_dirty_data_gives_the_references_diagnostics(tmp_path, case):
    extra, reason = DIRTY[case]
    objects = _objects(PC / "data.jsonl") + (extra if isinstance(extra, list) else [extra])
    parquet = _parquet(tmp_path, objects, typed=False)
    contract = api.load(PC / "contract.ersl")
    found = read_tables([parquet], contract.checked)
    assert isinstance(found, str) and reason in found
    assert _diagnostics(parquet, contract, True) == _diagnostics(parquet, contract, False)


@pytest.mark.parametrize(
    "extra, reason",
    [
        # Same-day attribute records with equal values: the reference reads them; the
        # SQL check is stricter and leaves them to it.
        (
            {"type": "patient_attribute", "patient": "P1", "from": "2021-01-01", "cni": "1.50"},
            "from one date",
        ),
        # A registration field: the reference reads the registration history.
        (
            {
                "type": "visit",
                "id": "V9",
                "patient": "P1",
                "provider": "VC1",
                "date": "2022-06-10",
                "profession": "doctor",
                "mode": "physical",
                "registered": "2022-06-12",
            },
            "needs the reader's own checks",
        ),
    ],
)
def test_data_the_checks_cannot_clear_settles_from_records(tmp_path, capsys, extra, reason):
    objects = _objects(PC / "data.jsonl") + [extra]
    parquet = _parquet(tmp_path, objects, typed=False)
    contract, params = EXAMPLE_RUNS["primary_care"]
    argv = ["run", str(PC / contract), "--data", str(parquet), *params, "--format", "csv"]
    code, out, err = _run(capsys, [*argv, "--engine", "columnar", "-v"])
    assert code == 0, err
    assert "data: read as records because" in err and reason in err
    code, expected, _ = _run(capsys, [*argv, "--engine", "reference"])
    assert out == expected


# ---------------------------------------------------------------------- property

_DATES = ["2018-01-01", "2019-01-01", "2019-03-15", "2019-06-30", "2019-07-01", "2019-12-31"]
_CNI = ["1.5", "0.80", "2", "1.125", "0.333"]


@st.composite
def _datasets(draw) -> list[dict]:
    """Small datasets for the tutorial's contract: clean ones (unique ids, references
    that resolve, one listing per patient, attributes one per date) and free ones
    (duplicates, unknown references, overlaps, unknown professions)."""
    clean = draw(st.booleans())
    ids = ["P1", "P2", "P3", "Ö4", "P10"]
    providers = draw(st.sets(st.sampled_from(["VC1", "VC2"]), min_size=1))
    records = [{"type": "provider", "id": p} for p in sorted(providers)]
    if clean:
        patient_ids = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True))
        patients = st.sampled_from(patient_ids)
        providers_of = st.sampled_from(sorted(providers))
        professions = st.sampled_from(["doctor", "nurse", "physiotherapist"])
    else:
        patient_ids = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5))
        patients = st.sampled_from([*ids, "P9"])
        providers_of = st.sampled_from(["VC1", "VC2", "VCX"])
        professions = st.sampled_from(["doctor", "nurse", "surgeon"])
    for pid in patient_ids:
        birth = draw(st.sampled_from(["1950-04-12", "2016-07-01", "1985-09-30"]))
        patient = {"type": "patient", "id": pid, "birth_date": birth}
        if draw(st.booleans()):
            patient["cni"] = draw(st.sampled_from(_CNI))
        records.append(patient)
    seen = set()
    for _ in range(draw(st.integers(0, 5))):
        key = (draw(patients), draw(st.sampled_from(_DATES)))
        if clean and key in seen:
            continue
        seen.add(key)
        cni = draw(st.sampled_from(_CNI))
        records.append({"type": "patient_attribute", "patient": key[0], "from": key[1], "cni": cni})
    listed = set()
    for _ in range(draw(st.integers(0, 5))):
        patient = draw(patients)
        if clean and patient in listed:
            continue
        listed.add(patient)
        start = draw(st.sampled_from(_DATES))
        end = draw(st.sampled_from([None, *(d for d in _DATES if d >= start)]))
        listing = {"type": "listing", "patient": patient, "provider": draw(providers_of)}
        listing["start"] = start
        if end is not None:
            listing["end"] = end
        records.append(listing)
    for n in range(draw(st.integers(1 if clean else 0, 6))):
        records.append(
            {
                "type": "visit",
                "id": f"V{n}" if clean else draw(st.sampled_from([f"V{n}", "V0"])),
                "patient": draw(patients),
                "provider": draw(providers_of),
                "date": draw(st.sampled_from(_DATES[1:])),
                "profession": draw(professions),
                "mode": draw(st.sampled_from(["physical", "video", "home"])),
            }
        )
    return records


def _outcome(path: Path, contract, tables: bool) -> tuple:
    try:
        data = api.read_data([path], contract, tables=tables)
        statement = contract.settle(
            data, "2019", {"visit_fee": TUTORIAL_FEES.split("=", 1)[1]}, engine="columnar"
        )
    except ErslError as error:
        return ("error", [(d.code, d.message, d.span, d.help, d.notes) for d in error.diagnostics])
    return ("statement", statement.to_csv(), statement.to_text())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=_datasets())
def test_tables_and_records_give_the_same_statement_or_errors(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("data")
    objects = [DECODER.decode(json.dumps(r)) for r in records]
    parquet = _parquet(folder, objects)
    contract = api.load(TUTORIAL)
    assert _outcome(parquet, contract, True) == _outcome(parquet, contract, False)


def test_explaining_a_line_settled_from_tables_needs_the_records(tmp_path):
    contract = api.load(TUTORIAL)
    parquet = _parquet(tmp_path, _objects(EXAMPLES / "tutorial" / "data.jsonl"))
    data = api.read_data([parquet], contract, tables=True)
    statement = contract.settle(
        data, "2019", {"visit_fee": TUTORIAL_FEES.split("=", 1)[1]}, engine="columnar"
    )
    assert isinstance(statement.run.data, TableDataset)
    with pytest.raises(ErslError) as caught:
        statement.explain(payee="VC1", name="Listningsersättning ålder", period="2019-01")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0909"
    assert diagnostic.message.startswith("explaining this line needs the data's records: ")
    assert diagnostic.help == "read the data without tables=True to explain lines"


def test_a_file_duckdb_cannot_read_in_full_is_left_to_the_reader(tmp_path):
    import duckdb

    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "patient.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'P' || i AS id, DATE '1950-01-01' + CAST(i % 9000 AS INTEGER) AS birth_date "
        f"FROM range(200000) t(i)) TO '{target}' (FORMAT parquet)"
    )
    con.close()
    data = bytearray(target.read_bytes())
    data[1000:200000] = b"Z" * 199000  # the data pages, not the footer: DESCRIBE still works
    target.write_bytes(bytes(data))
    reason = read_tables([folder], api.load(TUTORIAL).checked)
    assert isinstance(reason, str) and reason.startswith("DuckDB could not make the tables (")
    # … and the reader names the file (no traceback).
    with pytest.raises(ErslError) as caught:
        api.read_data([folder], api.load(TUTORIAL), tables=True)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0800"
    assert diagnostic.message.startswith(f"cannot read {target} as Parquet: ")
    assert diagnostic.help.startswith("the file is damaged or not wholly Parquet")


# ---------------------------------------------------------------------- messy data


def _read_outcome(path: Path, tables: bool) -> tuple:
    from test_data_speed_paths import EXT, _snapshot

    try:
        data = api.read_data([path], EXT, tables=tables)
    except ErslError as error:
        return ("error", [(d.code, d.message, d.span, d.help, d.notes) for d in error.diagnostics])
    if isinstance(data, TableDataset):
        data = data.as_records()
    return ("data", *_snapshot(data))


@pytest.mark.parametrize("seed", range(8))
def test_messy_data_from_parquet_reads_as_without_tables(tmp_path, seed):
    import random

    from test_data_parquet_parity import _objects as messy_objects
    from test_data_speed_paths import _lines

    objects = messy_objects(_lines(random.Random(seed), 150))
    _, parquet = _write_both(objects, tmp_path, typed=bool(seed % 2))
    assert _read_outcome(parquet, True) == _read_outcome(parquet, False)


def test_a_table_dataset_settles_again_and_again(tmp_path):
    fees = {"visit_fee": TUTORIAL_FEES.split("=", 1)[1]}
    contract = api.load(TUTORIAL)
    parquet = _parquet(tmp_path, _objects(EXAMPLES / "tutorial" / "data.jsonl"))
    data = api.read_data([parquet], contract, tables=True)
    first = contract.settle(data, "2019", fees, engine="columnar").to_csv()
    assert contract.settle(data, "2019", fees, engine="columnar").to_csv() == first
    # The reference engine needs the records: read once, and kept for what follows.
    assert contract.settle(data, "2019", fees, engine="reference").to_csv() == first
    assert data.records_read is not None
    assert contract.settle(data, "2019", fees, engine="columnar").to_csv() == first
