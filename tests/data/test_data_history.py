"""Registration fields (issue 18, docs/data.md "Registration and corrections"):
`registered`, `replaces` and `withdraws` read from JSON Lines and CSV, the history kept,
the records in force as of a date, and every problem with its file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ersl.checker import check_file
from ersl.data import read_data
from ersl.errors import ErslError

ROOT = Path(__file__).resolve().parents[2]
STD = check_file(ROOT / "stdlib_rules" / "schema" / "sweden.ersl")

BASE = [
    '{"type": "provider", "id": "VC1"}',
    '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}',
]


def visit(id: str, day: str, profession: str = "doctor", **extra: str) -> str:
    fields = "".join(f', "{k}": "{v}"' for k, v in extra.items())
    return (
        f'{{"type": "visit", "id": "{id}", "patient": "P1", "provider": "VC1", '
        f'"date": "{day}", "profession": "{profession}", "mode": "physical"{fields}}}'
    )


HISTORY = BASE + [
    visit("V1", "2022-01-10"),  # line 3: known from the start
    visit("V2", "2022-03-05", registered="2022-05-10"),  # line 4: late
    visit("V3", "2022-02-07", registered="2022-02-08"),  # line 5
    visit("V3b", "2022-02-07", "nurse", registered="2022-04-02", replaces="V3"),  # line 6
    visit("V4", "2022-02-20", registered="2022-02-21"),  # line 7
    '{"type": "visit", "withdraws": "V4", "registered": "2022-04-15"}',  # line 8
    visit("V5", "2022-02-25", registered="2022-02-26"),  # line 9
    visit("V5", "2022-02-25", "nurse", registered="2022-03-01"),  # line 10: new version
]


def write(tmp_path: Path, lines: list[str], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def visits(tmp_path: Path, lines: list[str], as_of: str | None) -> list[tuple[str, str]]:
    day = None if as_of is None else date.fromisoformat(as_of)
    data = read_data([write(tmp_path, lines)], STD, as_of=day)
    return [(v.id, v["profession"]) for v in data.records("Visit")]


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2022-01-31", [("V1", "doctor")]),
        # V3, V4, V5 registered in February; V5's second version comes on 03-01
        ("2022-02-28", [("V1", "doctor"), ("V3", "doctor"), ("V4", "doctor"), ("V5", "doctor")]),
        ("2022-03-01", [("V1", "doctor"), ("V3", "doctor"), ("V4", "doctor"), ("V5", "nurse")]),
        # V3b replaces V3 on 04-02
        ("2022-04-02", [("V1", "doctor"), ("V3b", "nurse"), ("V4", "doctor"), ("V5", "nurse")]),
        # V4 withdrawn on 04-15
        ("2022-04-15", [("V1", "doctor"), ("V3b", "nurse"), ("V5", "nurse")]),
        # V2 (dated March) arrives on 05-10
        ("2022-05-10", [("V1", "doctor"), ("V3b", "nurse"), ("V5", "nurse"), ("V2", "doctor")]),
        (None, [("V1", "doctor"), ("V3b", "nurse"), ("V5", "nurse"), ("V2", "doctor")]),
    ],
)
def test_records_in_force_as_of_a_date(tmp_path, as_of, expected):
    assert visits(tmp_path, HISTORY, as_of) == expected


def test_the_history_keeps_every_version(tmp_path):
    data = read_data([write(tmp_path, HISTORY)], STD)
    history = data.history
    assert history.as_of is None
    assert history.latest() == date(2022, 5, 10)
    described = [c.describe().split(" (")[0] for c in history.between(date(2022, 3, 1), None)]
    assert described == [
        "visit V3b registered 2022-04-02, replacing V3",
        "visit V4 withdrawn 2022-04-15",
        "visit V2 registered 2022-05-10",
    ]
    # the version of V5 from 03-01 is a correction of the same id
    assert [c.action for c in history.changes if c.id == "V5"] == ["registered", "corrected"]


def test_data_without_registration_has_no_history(tmp_path):
    data = read_data([write(tmp_path, BASE + [visit("V1", "2022-01-10")])], STD)
    assert data.history is None and data.as_of is None


def test_csv_reads_the_registration_columns(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "provider.csv").write_text("id\nVC1\n", encoding="utf-8")
    (folder / "patient.csv").write_text("id,birth_date\nP1,1950-01-01\n", encoding="utf-8")
    (folder / "visit.csv").write_text(
        "id,patient,provider,date,profession,mode,registered,replaces,withdraws\n"
        "V1,P1,VC1,2022-01-10,doctor,physical,,,\n"
        "V3,P1,VC1,2022-02-07,doctor,physical,2022-02-08,,\n"
        "V3b,P1,VC1,2022-02-07,nurse,physical,2022-04-02,V3,\n"
        ",,,,,,2022-04-15,,V1\n",
        encoding="utf-8",
    )
    from_csv = read_data([folder], STD, as_of=date(2022, 4, 20))
    assert [(v.id, v["profession"]) for v in from_csv.records("Visit")] == [("V3b", "nurse")]
    early = read_data([folder], STD, as_of=date(2022, 3, 1))
    assert [v.id for v in early.records("Visit")] == ["V1", "V3"]


def fails(tmp_path: Path, lines: list[str]) -> tuple[str, str, list]:
    path = write(tmp_path, lines)
    with pytest.raises(ErslError) as info:
        read_data([path], STD)
    return str(path), str(info.value), info.value.diagnostics


@pytest.mark.parametrize(
    "extra, code, line, field, message",
    [
        (
            [visit("V9", "2022-02-01", registered="2022-03-01", replaces="V8")],
            "E0820",
            3,
            "replaces",
            '`replaces` of visit "V9" names no visit record: "V8"',
        ),
        (
            [visit("V9", "2022-02-01", registered="2022-03-01", replaces="V9")],
            "E0820",
            3,
            "replaces",
            '`replaces` of visit "V9" names the record itself',
        ),
        (
            ['{"type": "visit", "withdraws": "V8", "registered": "2022-04-15"}'],
            "E0820",
            3,
            "withdraws",
            'the withdrawal names no visit record: "V8"',
        ),
        (
            [
                visit("V1", "2022-02-01", registered="2022-03-01"),
                visit("V2", "2022-02-01", registered="2022-02-10", replaces="V1"),
            ],
            "E0821",
            4,
            "registered",
            'visit "V1" is replaced on 2022-02-10, before it was registered (2022-03-01)',
        ),
        (
            [
                visit("V1", "2022-02-01", registered="2022-03-01"),
                '{"type": "visit", "withdraws": "V1", "registered": "2022-02-15"}',
            ],
            "E0821",
            4,
            "registered",
            'visit "V1" is withdrawn on 2022-02-15, before it was registered (2022-03-01)',
        ),
        (
            [
                visit("V1", "2022-02-01"),
                visit("V2", "2022-02-01", registered="2022-03-01", replaces="V1"),
                visit("V3", "2022-02-01", registered="2022-03-02", replaces="V1"),
            ],
            "E0822",
            5,
            "replaces",
            'visit "V1" is replaced twice: also at',
        ),
        (
            [
                visit("V1", "2022-02-01"),
                '{"type": "visit", "withdraws": "V1", "registered": "2022-04-15"}',
                '{"type": "visit", "withdraws": "V1", "registered": "2022-04-16"}',
            ],
            "E0822",
            5,
            "withdraws",
            'visit "V1" is withdrawn twice: also at',
        ),
        (
            [
                visit("V1", "2022-02-01"),
                visit("V2", "2022-02-01", registered="2022-03-01", replaces="V1"),
                '{"type": "visit", "withdraws": "V1", "registered": "2022-04-16"}',
            ],
            "E0822",
            5,
            "withdraws",
            'visit "V1" is withdrawn on 2022-04-16, after V2 replaced it',
        ),
        (
            [visit("V1", "2022-02-01"), visit("V2", "2022-02-01", replaces="V1")],
            "E0823",
            4,
            "replaces",
            "a correction needs `registered`: the date it reached the region",
        ),
        (
            [visit("V1", "2022-02-01"), '{"type": "visit", "withdraws": "V1"}'],
            "E0823",
            4,
            "withdraws",
            "a withdrawal needs `registered`",
        ),
        (
            [visit("V1", "2022-02-01", registered="2022-01-20")],
            "E0824",
            3,
            "registered",
            'visit "V1" is registered on 2022-01-20, before it happened (2022-02-01)',
        ),
        (
            [
                visit("V1", "2022-02-01"),
                '{"type": "visit", "withdraws": "V1", "registered": "2022-04-15", "mode": "home"}',
            ],
            "E0803",
            4,
            "mode",
            "a withdrawal has only `type`, `withdraws` and `registered`; found `mode`",
        ),
        (
            [visit("V1", "2022-02-01", registered="2022-02-30")],
            "E0805",
            3,
            "registered",
            'field `registered` of visit: "2022-02-30"',
        ),
        (
            [visit("V1", "2022-02-01"), visit("V1", "2022-02-01", registered="2022-02-01")]
            + [visit("V1", "2022-02-01", "nurse", registered="2022-02-01")],
            "E0812",
            5,
            "id",
            'duplicate visit id "V1"',
        ),
    ],
)
def test_registration_problems_name_file_line_and_field(
    tmp_path, extra, code, line, field, message
):
    path, text, diagnostics = fails(tmp_path, BASE + extra)
    found = [d for d in diagnostics if d.code == code]
    assert found, text
    d = found[0]
    assert (d.span.file, d.span.line) == (path, line)
    assert message in d.message
    assert f"{path}:{line}:" in text
    # the span covers the field (JSON key and value), not the whole line
    source = (tmp_path / "data.jsonl").read_text(encoding="utf-8").splitlines()[line - 1]
    assert source[d.span.column - 1 :].startswith(f'"{field}"')


def test_replaces_on_a_type_without_id(tmp_path):
    lines = BASE + [
        '{"type": "indicator_result", "provider": "VC1", "indicator": "X", "period": "2022", '
        '"value": 0.5, "registered": "2023-01-10", "replaces": "R1"}'
    ]
    path, text, diagnostics = fails(tmp_path, lines)
    assert [d.code for d in diagnostics] == ["E0820"]
    assert "indicator_result records have no id to correct" in diagnostics[0].message


def test_skip_invalid_skips_a_bad_correction(tmp_path):
    lines = BASE + [
        visit("V1", "2022-02-01"),
        visit("V2", "2022-02-01", registered="2022-03-01", replaces="V8"),
    ]
    data = read_data([write(tmp_path, lines)], STD, skip_invalid=True)
    assert [v.id for v in data.records("Visit")] == ["V1"]
    assert data.skipped_records == 1
    assert "skipped 1 invalid record (1 correction of an unknown record)" in data.skip_report()


def test_a_version_registered_after_a_withdrawal_brings_the_record_back(tmp_path):
    lines = BASE + [
        visit("V1", "2022-02-01", registered="2022-02-02"),
        '{"type": "visit", "withdraws": "V1", "registered": "2022-03-01"}',
        visit("V1", "2022-02-01", "nurse", registered="2022-04-01"),
    ]
    assert visits(tmp_path, lines, "2022-03-15") == []
    assert visits(tmp_path, lines, "2022-04-01") == [("V1", "nurse")]


def test_the_input_order_does_not_matter(tmp_path):
    forward = visits(tmp_path, HISTORY, "2022-04-02")
    backward = visits(tmp_path, BASE + HISTORY[:1:-1], "2022-04-02")
    assert forward == backward
    clash = [
        visit("V1", "2022-02-01"),
        visit("V2", "2022-02-01", registered="2022-03-01", replaces="V1"),
        visit("V3", "2022-02-01", registered="2022-03-01", replaces="V1"),
    ]
    one = [d.message for d in fails(tmp_path, BASE + clash)[2]]
    other = [d.message for d in fails(tmp_path, BASE + clash[::-1])[2]]
    # the same record (V3, after V2 by id) is reported, whatever the order
    assert [m.split(": also at")[0] for m in one] == [m.split(": also at")[0] for m in other]
    assert one[0].startswith('visit "V1" is replaced twice')


def test_parquet_reads_the_registration_columns(tmp_path):
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * FROM (VALUES
        ('V1', 'P1', 'VC1', '2022-01-10', 'doctor', 'physical', NULL),
        ('V2', 'P1', 'VC1', '2022-03-05', 'doctor', 'physical', '2022-05-10'))
        t(id, patient, provider, date, profession, mode, registered))
        TO '{tmp_path / "visit.parquet"}' (FORMAT PARQUET)"""
    )
    (tmp_path / "provider.jsonl").write_text('{"type": "provider", "id": "VC1"}\n')
    (tmp_path / "patient.jsonl").write_text(
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}\n'
    )
    paths = [tmp_path / "provider.jsonl", tmp_path / "patient.jsonl", tmp_path / "visit.parquet"]
    early = read_data(paths, STD, as_of=date(2022, 4, 1))
    assert [v.id for v in early.records("Visit")] == ["V1"]  # V2 arrives on 2022-05-10
    assert [v.id for v in read_data(paths, STD).records("Visit")] == ["V1", "V2"]


def test_converting_versioned_data_to_parquet_says_the_history_is_left_out(tmp_path, capsys):
    from ersl.cli import main

    source = write(tmp_path, HISTORY)
    out = tmp_path / "data.parquet"
    assert main(["data", "convert", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "the Parquet file holds the records in force now" in err
    converted = read_data([out], STD)
    # the latest versions: V1, V3b, V5 (nurse), V2; V4 withdrawn
    assert sorted((v.id, v["profession"]) for v in converted.records("Visit")) == [
        ("V1", "doctor"),
        ("V2", "doctor"),
        ("V3b", "nurse"),
        ("V5", "nurse"),
    ]
    assert converted.history is None
