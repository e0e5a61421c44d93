"""The quick paths of the data reader agree with its thorough ones.

`Layout.build` converts a whole record in one generated function and
`Layout.resolve` replaces the ids of all records at once; when either gives up,
the reader goes the slow way (`_Reader._problems`, the per-field loop of
`Checks._resolve`). Forcing the slow way for every record must give the same
dataset and the same errors, in the same order. The values below are chosen to
hit each shortcut: text that needs stripping, numbers given as text (and zero,
which is falsy), unhashable values, lines with more than one object on them.
"""

from __future__ import annotations

import gc
import json
import random
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from ersl import types as T
from ersl.checker import check_file
from ersl.data import Dataset, Entity, dump_jsonl, read_data
from ersl.data.values import Layout, _date, type_infos
from ersl.dates import parse_date
from ersl.errors import ErslError

ROOT = Path(__file__).resolve().parents[2]
EXT = check_file(ROOT / "tests" / "data" / "fixtures" / "extended.ersl")
INFOS = type_infos(EXT.symbols)

IDS = {"Patient": ["P1", "P2", " P2", 2], "Provider": ["VC1", "H1", "H1 ", "VCX"]}
ODD = [None, "", 7, True, [], {}, ["x"], {"a": 1}, "2022-02-30", "abc", "1,5"]
# Per kind: values read well (the first two the plain way), then values that are not.
POOLS = {
    "date": ["2022-01-01", "2022-07-01", " 2022-03-01", "2022-02-30", "0000-01-01", 20220101],
    "month": ["2022-02", "2021-12", " 2022-03", "2022-13", 202202],
    "int": [1, 2, "2", " 3 ", 1.0, 1.5, "x"],
    "bool": [True, False, "true", "FALSE", "yes", 1],
    "number": [1, "1.5", 0, "0", "0.0", " 1.5 ", 1.25, "40 %", "3 pp", "1e3"],
    "text": ["a", "b", " b ", 3],
}


def _pool(t: T.Type) -> list:
    t = T.strip_optional(t)
    if isinstance(t, T.SetT):
        element = _pool(t.element)
        return [[element[0]], element[:2], ";".join(map(str, element[:3])), [], [None], 5]
    if isinstance(t, T.RecordT):
        return IDS.get(t.name, ["X1", "X2"])
    if isinstance(t, T.EnumT):
        members = [m.name for m in EXT.symbols.enums[t.name].members]
        return [*members[:2], f" {members[0]}", members[0].upper(), "nope"]
    if t == T.DATE:
        return POOLS["date"]
    if t in (T.MONTH, T.INT, T.BOOL):
        return POOLS[t.name]
    if t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate):
        return POOLS["number"]
    return POOLS["text"]


def _value(rng: random.Random, pool: list):
    r = rng.random()
    if r < 0.8:
        return pool[rng.randrange(2)]
    if r < 0.97:
        return rng.choice(pool)
    return rng.choice(ODD)


def _lines(rng: random.Random, n: int) -> list[str]:
    lines = [
        '{"type": "provider", "id": "VC1"}',
        '{"type": "provider", "id": "H1", "share": "10 %"}',
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01"}',
        '{"type": "patient", "id": "P2", "birth_date": "1990-06-30", "cni": "1.5"}',
    ]
    names = sorted(INFOS)
    for _ in range(n):
        info = INFOS[rng.choice(names)]
        record: dict = {"type": info.data_name}
        for field, t in zip(info.fields, info.types, strict=True):
            optional = isinstance(t, (T.Optional, T.SetT)) or field in info.attribute_fields
            if rng.random() < (0.4 if optional else 0.01):
                continue
            if field == "id" and rng.random() < 0.95:
                record[field] = f"{info.data_name[:2]}{len(lines)}"
            else:
                record[field] = _value(rng, _pool(t))
        if rng.random() < 0.01:
            record["colour"] = "red"
        line = json.dumps(record, ensure_ascii=False)
        r = rng.random()
        if r < 0.02:
            line = f"  {line} "
        elif r < 0.03:
            line += ' {"type": "provider", "id": "VC2"}'
        elif r < 0.04:
            line = rng.choice(["", "   ", "null", "[1]", '{"id": "P1"}', line[:-2]])
        lines.append(line)
    return lines


@contextmanager
def _slow_way():
    """Every record converted and resolved the thorough way."""

    def give_up(*args):
        raise KeyError("slow")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Layout, "_compile_build", lambda self: give_up)
        mp.setattr(Layout, "_compile_resolve", lambda self: lambda items, *gets: list(items))
        yield


def _outcome(path: Path, skip: bool) -> tuple:
    """Everything observable of one read: the error, or the data, skipped problems, timelines."""
    try:
        data = read_data([path], EXT, skip_invalid=skip)
    except ErslError as err:
        return ("error", err.render())
    return ("data", *_snapshot(data))


def _plain(values: tuple) -> tuple:
    """Values comparable between two reads (records compare by identity)."""
    return tuple(
        ("ref", v.type, v.id)
        if isinstance(v, Entity)
        else sorted(_plain(tuple(v)), key=repr)
        if isinstance(v, frozenset)
        else (type(v), v)
        for v in values
    )


def _snapshot(data: Dataset) -> tuple:
    records = [
        (r.type, r.id, r.location, _plain(r.values))
        for name in data.type_names()
        for r in data.records(name)
    ]
    timelines = [
        (r.id, f, t.dates, _plain(t.values))
        for name in data.type_names()
        for r in data.records(name)
        if isinstance(r, Entity)
        for f, t in r._timelines.items()
    ]
    skipped = [(d.code, d.message, str(d.span), d.help) for d in data.skipped]
    return dump_jsonl(data), records, timelines, skipped, data.skipped_records


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("skip", [False, True])
def test_quick_and_slow_ways_agree(tmp_path: Path, seed: int, skip: bool) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_lines(random.Random(seed), 150)) + "\n", encoding="utf-8")
    quick = _outcome(path, skip)
    with _slow_way():
        slow = _outcome(path, skip)
    assert quick == slow


def test_quick_and_slow_ways_agree_on_valid_data(tmp_path: Path) -> None:
    lines = [
        '{"type": "provider", "id": "VC1"}',
        '{"type": "provider", "id": "H1", "target_points": "12.5"}',
        '{"type": "provider_attribute", "provider": "VC1", "from": "2022-01-01", "share": "0"}',
        '{"type": "provider_attribute", "provider": "H1", "from": "2022-01-01", "share": "0"}',
        '{"type": "patient", "id": "P1", "birth_date": "1950-01-01", "cni": "0"}',
        '{"type": "patient", "id": 2, "birth_date": "1950-01-01"}',
        '{"type": "patient_attribute", "patient": "P1", "from": "2022-01-01", "cni": "1.5"}',
        '{"type": "patient_attribute", "patient": "2", "from": "2022-01-01", "cni": "1.5"}',
        '{"type": "patient_attribute", "patient": "2", "from": "2022-06-01", "cni": "0.0"}',
        '{"type": "visit", "id": "V2", "patient": " P1", "provider": "VC1", "date": "2022-03-01",'
        ' "profession": " doctor", "mode": "home", "team": "nurse; doctor"}',
        '{"type": "visit", "id": "V1", "patient": "2", "provider": "VC1", "date": "2022-03-01",'
        ' "profession": "doctor", "mode": "home", "kind": null}',
        '{"type": "meeting", "id": "M1", "date": "2022-01-01", "kind": "x",'
        ' "participants": ["VC1", "H1"]}',
        '{"type": "observation", "patient": "P1", "date": "2022-01-01", "kind": "a"}',
        '{"type": "observation", "patient": "P1", "date": "2022-01-01", "kind": "a"}',
    ]
    path = tmp_path / "data.jsonl"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    quick = _outcome(path, False)
    assert quick[0] == "data"
    with _slow_way():
        assert _outcome(path, False) == quick
    data = read_data([path], EXT)
    p1, p2 = data.records("Patient")
    assert (p1.id, p2.id) == ("2", "P1")
    assert p2.attribute("cni", date(2022, 1, 1)) == 1.5
    assert p1.attribute("cni", date(2022, 7, 1)) == 0
    assert [o.id for o in data.records("Observation")] == ["observation#1", "observation#2"]


def test_unhashable_values_are_described(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(
        '{"type": "provider", "id": "VC1"}\n'
        '{"type": "patient", "id": "P1", "birth_date": ["1950-01-01"]}\n'
        '{"type": "visit", "id": "V1", "patient": "P1", "provider": "VC1", '
        '"date": "2022-01-01", "profession": {"a": 1}, "mode": "home"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ErslError) as info:
        read_data([path], EXT)
    text = str(info.value)
    assert 'field `birth_date` of patient: ["1950-01-01"] is not a date' in text
    assert 'field `profession` of visit: {"a": 1} is not a Profession' in text


def test_quick_dates_are_parse_date() -> None:
    texts = [
        f"{y:04d}-{m:02d}-{d:02d}"
        for y in (0, 1, 1900, 2000, 2022, 2024, 9999)
        for m in range(14)
        for d in range(33)
    ]
    texts += ["2022-1-01", "20220101", "2022-W01-1", "2022-01-01T00", "٢٠٢٢-01-01", "2022-01-01\n"]
    for text in texts:
        try:
            expected = parse_date(text)
        except ValueError as err:
            with pytest.raises(ValueError) as info:
                _date(text)
            assert str(info.value) == str(err)
        else:
            assert _date(text) == expected


def test_reading_leaves_the_collector_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"type": "provider", "id": "VC1"}\n', encoding="utf-8")
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    read_data([path], EXT)
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    gc.disable()
    try:
        read_data([path], EXT)
        assert not gc.isenabled()
    finally:
        gc.enable()
