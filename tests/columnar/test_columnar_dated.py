"""Dated values in the columnar engine: only the versions that can be in force on a
payment's unit days are compiled (`Compiler._in_force`), and the amounts are those of
the version in force on each day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from interp_helpers import contract, listing, patient, provider, settle

from ersl.columnar.expr import UNIT_DAY, Compiler, Scope

D = dt.date
ENTRIES = [(D(2021, 1, 1), "v2021"), (D(2022, 1, 1), "v2022"), (D(2023, 1, 1), "v2023")]


def _in_force(unit_days, today=UNIT_DAY):
    compiler = SimpleNamespace(consts=SimpleNamespace(unit_days=unit_days))
    kept = Compiler._in_force(compiler, ENTRIES, Scope({}, today))
    return [value for _, value in kept]


def test_one_version_covering_the_unit_days_is_compiled_alone():
    assert _in_force((D(2022, 1, 1), D(2022, 12, 1))) == ["v2022"]


def test_versions_beginning_inside_the_unit_days_are_kept():
    # June 2022 to February 2023: 2022's version, then 2023's from 1 January
    assert _in_force((D(2022, 6, 1), D(2023, 2, 1))) == ["v2022", "v2023"]


def test_every_version_is_kept_when_the_date_is_not_the_unit_day():
    # an aggregate's own dates or a provider row's date can lie outside the run
    assert _in_force((D(2022, 1, 1), D(2022, 12, 1)), today="v.date") == [
        "v2021",
        "v2022",
        "v2023",
    ]
    assert _in_force(None) == ["v2021", "v2022", "v2023"]


SOURCE = contract(
    """
param rate: money per year = dated {
  from 2021-01-01 -> 120 kr/year
  from 2022-01-01 -> 240 kr/year
  from 2023-01-01 -> 360 kr/year
}

payment "Listning" {
  kind   fixed
  per    listed patient p at q each month
  amount rate
}
""",
    valid="2021-01-01 .. 2023-12-31",
)
RECORDS = [provider("VC1"), patient("P1"), listing("P1", "VC1", "2020-01-01")]


def test_a_dated_rate_settles_by_the_version_of_each_month(tmp_path):
    settled = settle(tmp_path, SOURCE, RECORDS, period="2022-11..2023-02")
    assert settled.statement.run.engine_report == {"Listning": "columnar"}
    # 240 kr/year ÷ 12 = 20.00 kr a month in 2022; 360 kr/year ÷ 12 = 30.00 kr in 2023
    assert settled.lines == {
        ("VC1", "2022-11", "Listning"): "20.00",
        ("VC1", "2022-12", "Listning"): "20.00",
        ("VC1", "2023-01", "Listning"): "30.00",
        ("VC1", "2023-02", "Listning"): "30.00",
    }
    # the whole of 2022: one version, 12 × 20.00 kr
    settled = settle(tmp_path / "y", SOURCE, RECORDS, period="2022")
    assert sum(Decimal(a) for a in settled.lines.values()) == Decimal(240)
