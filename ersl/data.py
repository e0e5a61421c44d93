"""Event data for settlement (SPEC §5): read, validate and index it once per run.

The public API of the data layer::

    from ersl.data import read_data
    data = read_data(["events.jsonl", "more_csv/"], contract)   # raises ErslError on bad input
    data.records("Visit")                 # every visit, by date then id
    data.by_patient("Visit", "P1")        # a patient's visits, by date
    data.listed_at(patient, date)         # the provider, or None (end day inclusive)
    data.attribute(patient, "cni", date)  # value in force, or MissingAttribute

Reading lives in :mod:`ersl.data_read`, the in-memory model and its indexes in
:mod:`ersl.data_model`; both are re-exported here. Formats, validation rules
and the error codes are described in ``docs/data.md``.
"""

from __future__ import annotations

from ersl.data_dump import dump_csv, dump_jsonl
from ersl.data_model import (
    PATIENT_FIXED_FIELDS,
    PROVIDER_FIXED_FIELDS,
    AttributeVaries,
    Dataset,
    Entity,
    MissingAttribute,
    Record,
    TypeInfo,
    canonical,
)
from ersl.data_read import MAX_ERRORS, read_data

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
    "read_data",
]
