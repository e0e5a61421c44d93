"""Convert the JSON Lines of benchmarks/generate.py to a folder of Parquet files, one per
record type, with typed columns: dates as date32, decimals as decimal(18, 6) (exact:
a value with more than six decimals is refused), text as strings.

    python benchmarks/spike/to_parquet.py data.jsonl OUT_FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

TEXT, DAY, DECIMAL = pl.String, pl.Date, pl.Decimal(18, 6)
TYPES = {
    "provider": {"id": TEXT, "name": TEXT, "kind": TEXT, "start_date": DAY},
    "patient": {"id": TEXT, "birth_date": DAY, "sex": TEXT, "cni": DECIMAL, "acg": DECIMAL},
    "patient_attribute": {"patient": TEXT, "from": DAY, "cni": DECIMAL, "acg": DECIMAL},
    "listing": {"patient": TEXT, "provider": TEXT, "start": DAY, "end": DAY},
    "visit": {
        "id": TEXT,
        "patient": TEXT,
        "provider": TEXT,
        "date": DAY,
        "profession": TEXT,
        "mode": TEXT,
        "diagnoses": pl.List(TEXT),
    },
    "observation": {"patient": TEXT, "date": DAY, "kind": TEXT},
}
PLACES = r"^-?[0-9]+(\.[0-9]{1,6})?$"


def convert(source: Path, folder: Path) -> None:
    """Write `<type>.parquet` for each record type of the file."""
    schema = {"type": TEXT}
    for columns in TYPES.values():
        schema.update({k: pl.List(TEXT) if k == "diagnoses" else TEXT for k in columns})
    raw = pl.read_ndjson(source, schema=schema)
    folder.mkdir(parents=True, exist_ok=True)
    for (name,), part in raw.partition_by("type", as_dict=True).items():
        columns = TYPES[name]
        for field, type_ in columns.items():
            if type_ == DECIMAL:
                bad = part.filter(pl.col(field).is_not_null() & ~pl.col(field).str.contains(PLACES))
                if bad.height:
                    raise SystemExit(f"{name}.{field}: {bad[field][0]!r} has too many decimals")
        typed = part.select(
            pl.col(k).str.to_date("%Y-%m-%d") if t == DAY else pl.col(k).cast(t)
            for k, t in columns.items()
        )
        typed.write_parquet(folder / f"{name}.parquet")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
