"""Convert the JSON Lines of benchmarks/generate.py to a folder of Parquet files, one per
record type, with typed columns: dates as date32, decimals as decimal(18, 6) (exact:
a value with more than six decimals is refused, as a cast would round it), text as
strings. DuckDB streams the file, so memory stays bounded at any size.

    python benchmarks/spike/to_parquet.py data.jsonl OUT_FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

DAY, DECIMAL = "DATE", "DECIMAL(18, 6)"
TYPES = {
    "provider": {"id": "VARCHAR", "name": "VARCHAR", "kind": "VARCHAR", "start_date": DAY},
    "patient": {
        "id": "VARCHAR",
        "birth_date": DAY,
        "sex": "VARCHAR",
        "cni": DECIMAL,
        "acg": DECIMAL,
    },
    "patient_attribute": {"patient": "VARCHAR", "from": DAY, "cni": DECIMAL, "acg": DECIMAL},
    "listing": {"patient": "VARCHAR", "provider": "VARCHAR", "start": DAY, "end": DAY},
    "visit": {
        "id": "VARCHAR",
        "patient": "VARCHAR",
        "provider": "VARCHAR",
        "date": DAY,
        "profession": "VARCHAR",
        "mode": "VARCHAR",
        "diagnoses": "VARCHAR[]",
    },
    "observation": {"patient": "VARCHAR", "date": DAY, "kind": "VARCHAR"},
}
PLACES = r"^-?[0-9]+(\.[0-9]{1,6})?$"


def convert(source: Path, folder: Path) -> None:
    """Write `<type>.parquet` for each record type of the file."""
    columns = {"type": "VARCHAR"}
    for fields in TYPES.values():
        for name, type_ in fields.items():
            # dates are parsed by the reader; decimals are read as text and checked
            columns[name] = "VARCHAR" if type_ == DECIMAL else type_
    spec = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"""CREATE TEMP TABLE raw AS SELECT * FROM read_json('{source}',
              format = 'newline_delimited', columns = {{{spec}}})"""
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, fields in TYPES.items():
        for field, type_ in fields.items():
            if type_ == DECIMAL:
                bad = con.execute(
                    f"""SELECT "{field}" FROM raw WHERE type = '{name}' AND "{field}" IS NOT NULL
                          AND NOT regexp_full_match("{field}", '{PLACES}') LIMIT 1"""
                ).fetchall()
                if bad:
                    raise SystemExit(f"{name}.{field}: {bad[0][0]!r} has too many decimals")
        select = ", ".join(
            f'CAST("{k}" AS {DECIMAL}) AS "{k}"' if t == DECIMAL else f'"{k}"'
            for k, t in fields.items()
        )
        target = folder / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT {select} FROM raw WHERE type = '{name}') TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
