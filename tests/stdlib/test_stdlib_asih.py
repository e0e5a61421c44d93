"""Stockholm advanced home care (stdlib_rules/stockholm/asih.ersl; seed
003_69a00d45db5f6ba2.txt §4.3.3): the mean enrolment time of a year must not change
when later data arrive.

The contract tests beside the model (asih_test.ersl) hold the hand-computed amounts;
this property checks, on generated enrolments, that settling 2022 with the data as
known at the end of 2022 (enrolments still open then have no end; none started later)
and with the data as known later gives the same 2022 penalty — in batches and unit by
unit alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_stdlib_support import model, patient, provider, settle

PARAMS = {
    "heldygnsersättning": "2000 kr/day",
    "inskrivningsersättning": "3000 kr",
    "vite_medelinskrivningstid": "50000 kr",
    "tak_medelinskrivningstid": "30",
}
YEAR_END = dt.date(2022, 12, 31)
DAY0 = dt.date(2021, 6, 1)

enrolments = st.lists(
    st.tuples(st.integers(0, 900), st.integers(0, 200)),  # start offset, length − 1
    min_size=1,
    max_size=8,
)


def _records(spans: list[tuple[dt.date, dt.date | None]]) -> list[dict]:
    records = [provider("ASIH")]
    for i, (start, end) in enumerate(spans):
        records.append(patient(f"P{i}", "1940-01-01"))
        record = {"type": "enrolment", "patient": f"P{i}", "provider": "ASIH"}
        record["start"] = start.isoformat()
        if end is not None:
            record["end"] = end.isoformat()
        records.append(record)
    return records


def _penalty(folder: Path, spans, batches: bool) -> dict:
    """The 2022 penalty lines of `spans`, settled in batches or unit by unit."""
    folder.mkdir()
    lines = settle(model("stockholm/asih.ersl"), folder, _records(spans), "2022", PARAMS, batches)
    return {k: v for k, v in lines.items() if k[2] == "Vite medelinskrivningstid"}


@settings(max_examples=40, deadline=None)
@given(enrolments, st.booleans())
def test_a_years_penalty_does_not_change_when_later_data_arrive(tmp_path_factory, spans, batches):
    later = [(DAY0 + dt.timedelta(days=s), DAY0 + dt.timedelta(days=s + n)) for s, n in spans]
    known_then = [
        (start, end if end <= YEAR_END else None) for start, end in later if start <= YEAR_END
    ]
    folder = tmp_path_factory.mktemp("asih")
    assert _penalty(folder / "a", known_then, batches) == _penalty(folder / "b", later, batches)
