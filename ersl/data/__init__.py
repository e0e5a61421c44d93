"""Event data for settlement (SPEC §5): read, validate and index it once per run.

The public API of the data layer::

    from ersl.data import read_data
    data = read_data(["events.jsonl", "more_csv/"], contract)   # raises ErslError on bad input
    data.records("Visit")                 # every visit, by date then id
    data.by_patient("Visit", "P1")        # a patient's visits, by date
    data.listed_at(patient, date)         # the provider, or None (end day inclusive)
    data.attribute(patient, "cni", date)  # value in force, or MissingAttribute

The package's modules, lowest first: :mod:`ersl.data.problems` (collecting
diagnostics), :mod:`ersl.data.records` (typed records and entities),
:mod:`ersl.data.dataset` (a run's data and its indexes), :mod:`ersl.data.values`
(the schema as read: field types, converters), :mod:`ersl.data.check` (validation),
:mod:`ersl.data.read` (JSON Lines and CSV in), :mod:`ersl.data.parquet_plan` and
:mod:`ersl.data.read_parquet` (Parquet in, checked as columns),
:mod:`ersl.data.write_parquet` (Parquet out) and :mod:`ersl.data.dump` (canonical
JSON Lines and CSV out); the public names are re-exported here. Formats, validation rules
and the error codes are described in ``docs/data.md``.
"""

from __future__ import annotations

from ersl.data.dataset import Dataset
from ersl.data.dump import dump_csv, dump_jsonl
from ersl.data.read import MAX_ERRORS, read_data
from ersl.data.records import (
    PATIENT_FIXED_FIELDS,
    PROVIDER_FIXED_FIELDS,
    AttributeVaries,
    Entity,
    MissingAttribute,
    Record,
    TypeInfo,
    canonical,
)
from ersl.data.write_parquet import dump_parquet

__all__ = [
    "MAX_ERRORS",
    "PATIENT_FIXED_FIELDS",
    "PROVIDER_FIXED_FIELDS",
    "AttributeVaries",
    "Dataset",
    "Entity",
    "MissingAttribute",
    "Record",
    "TypeInfo",
    "canonical",
    "dump_csv",
    "dump_jsonl",
    "dump_parquet",
    "read_data",
]
