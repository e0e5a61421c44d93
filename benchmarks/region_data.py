"""A deterministic Stockholm-like population written straight to Parquet (DuckDB SQL).

    python benchmarks/region_data.py --listed 2400000 --out /tmp/region

writes one `<type>.parquet` file per record type into the folder — `provider`,
`patient`, `patient_attribute`, `listing`, `visit`, `indicator_result` — the layout
`ersl run --data FOLDER` reads and `benchmarks/spike/` reads too. No row passes
through Python: every value is a function of the row number and a salt (DuckDB's
`hash`), so the same arguments give the same records, in the same order, at any
size and on any number of threads (the bytes are the same for one DuckDB version).

The population, for `--listed N` (Region Stockholm: 2.4 M):

* providers: one vårdcentral per 10 000 listed (at least 20; 240 for Stockholm);
* patients: birth dates 1920–2021, CNI and ACG (three decimals) from 2021, and for
  15 % a new ACG during 2022;
* listings: 88 % listed all year at one clinic, 8 % move during 2022 (the first
  listing ends the day before the second starts, elsewhere), 3 % are listed during
  2022, 1 % leave during 2022;
* visits: `--visits-per` per patient (6.25: ≈ 15 M for Stockholm) on days of 2022,
  by profession and mode (the weights of `benchmarks/generate.py`), 85 % at the
  patient's own clinic, 15 % elsewhere (charged to the listing clinic);
* indicator results: each clinic's yearly quality and penalty attainment and its
  monthly care-guarantee result (`stdlib_rules/stockholm/husläkare.ersl`).

This is the population of the region benchmark (`benchmarks/region.py`); the
`generate` function may be replaced by `ersl synth` writing the same files.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

# The visit mix of the small benchmark (same professions and modes, same weights).
from generate import MODES, PROFESSIONS  # noqa: E402  (benchmarks/ is on the path)

QUALITY = "Kvalitetsområden: måluppfyllelse"
PENALTY = "Vite kvalitetsområden: måluppfyllelse"
GUARANTEE = "Medicinsk bedömning inom 3 dagar"


def _weighted(h: str, table: list[tuple[str, int]]) -> str:
    """SQL: a member of ``table`` picked by the hash ``h`` with the table's weights."""
    total = sum(w for _, w in table)
    parts, upto = [], 0
    for value, weight in table:
        upto += weight
        parts.append(f"WHEN {h} % {total} < {upto} THEN '{value}'")
    return "CASE " + " ".join(parts) + " END"


def _decimal(thousandths: str) -> str:
    """SQL: an exact DECIMAL(18, 6) from a whole number of thousandths."""
    return f"CAST(printf('%d.%03d', ({thousandths}) // 1000, ({thousandths}) % 1000) AS DECIMAL(18, 6))"


def generate(folder: Path, listed: int, visits_per: float = 6.25, seed: int = 1) -> dict:
    """Write the population's Parquet files into ``folder``; returns rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    providers = max(20, listed // 10_000)
    visits = round(listed * visits_per)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")

    def h(n: str, salt: int) -> str:
        return f"hash({n}, {seed * 1000 + salt})"

    def write(name: str, select: str) -> int:
        path = folder / f"{name}.parquet"
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
        return con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]

    home = f"({h('p', 20)} % {providers})"
    other = f"(({home} + 1 + {h('p', 21)} % {providers - 1}) % {providers})"
    vc = "printf('VC%03d', {} + 1)"
    old_start = f"DATE '2015-01-01' + CAST({h('p', 31)} % 2500 AS INTEGER)"
    move = f"DATE '2022-01-15' + CAST({h('p', 32)} % 330 AS INTEGER)"
    late = f"DATE '2022-01-01' + CAST({h('p', 33)} % 360 AS INTEGER)"
    cls = f"({h('p', 30)} % 100)"
    rows = {
        "provider": write(
            "provider",
            f"SELECT {vc.format('i')} AS id, printf('Vårdcentral %d', i + 1) AS name, "
            "'vårdcentral' AS kind, DATE '2010-01-01' AS start_date "
            f"FROM range({providers}) t(i) ORDER BY i",
        ),
        "patient": write(
            "patient",
            "SELECT printf('P%08d', p) AS id, "
            f"DATE '1920-01-01' + CAST({h('p', 1)} % 37000 AS INTEGER) AS birth_date, "
            f"CASE WHEN {h('p', 2)} % 2 = 0 THEN 'F' ELSE 'M' END AS sex, "
            "CAST(NULL AS DECIMAL(18, 6)) AS cni, CAST(NULL AS DECIMAL(18, 6)) AS acg "
            f"FROM range({listed}) t(p) ORDER BY p",
        ),
        "patient_attribute": write(
            "patient_attribute",
            'SELECT patient, "from", cni, acg FROM ('
            "SELECT p, 0 AS k, printf('P%08d', p) AS patient, DATE '2021-01-01' AS \"from\", "
            f"{_decimal('500 + ' + h('p', 3) + ' % 2001')} AS cni, "
            f"{_decimal('200 + ' + h('p', 4) + ' % 2801')} AS acg FROM range({listed}) t(p) "
            "UNION ALL "
            "SELECT p, 1, printf('P%08d', p), "
            f"DATE '2022-01-02' + CAST({h('p', 41)} % 360 AS INTEGER), NULL, "
            f"{_decimal('200 + ' + h('p', 42) + ' % 2801')} FROM range({listed}) t(p) "
            f"WHERE {h('p', 40)} % 100 < 15"
            ") ORDER BY p, k",
        ),
        "listing": write(
            "listing",
            'SELECT patient, provider, start, "end" FROM ('
            f"SELECT p, 0 AS k, printf('P%08d', p) AS patient, {vc.format(home)} AS provider, "
            f"CASE WHEN {cls} BETWEEN 96 AND 98 THEN {late} ELSE {old_start} END AS start, "
            f"CASE WHEN {cls} BETWEEN 88 AND 95 THEN {move} - 1 "
            f'WHEN {cls} = 99 THEN {late} ELSE NULL END AS "end" '
            f"FROM range({listed}) t(p) "
            "UNION ALL "
            f"SELECT p, 1, printf('P%08d', p), {vc.format(other)}, {move}, NULL "
            f"FROM range({listed}) t(p) WHERE {cls} BETWEEN 88 AND 95"
            ") ORDER BY p, k",
        ),
        "visit": write(
            "visit",
            f"SELECT printf('V%09d', v) AS id, printf('P%08d', p) AS patient, "
            f"{vc.format('q')} AS provider, "
            f"DATE '2022-01-01' + CAST({h('v', 51)} % 365 AS INTEGER) AS date, "
            f"CASE WHEN q % 8 = 0 AND {h('v', 56)} % 100 < 15 THEN 'psychosocial' "
            f"ELSE {_weighted(h('v', 54), PROFESSIONS)} END AS profession, "
            f"{_weighted(h('v', 55), MODES)} AS mode "
            f"FROM (SELECT v, p, CASE WHEN {h('v', 52)} % 100 < 85 THEN {home} "
            f"ELSE {h('v', 53)} % {providers} END AS q "
            f"FROM (SELECT v, {h('v', 50)} % {listed} AS p FROM range({visits}) t(v))) ORDER BY v",
        ),
        "indicator_result": write(
            "indicator_result",
            "SELECT provider, indicator, period, value FROM ("
            f"SELECT i, 0 AS k, {vc.format('i')} AS provider, '{QUALITY}' AS indicator, "
            f"'2022' AS period, {_decimal(h('i', 60) + ' % 1001')} AS value "
            f"FROM range({providers}) t(i) UNION ALL "
            f"SELECT i, 1, {vc.format('i')}, '{PENALTY}', '2022', "
            f"{_decimal(h('i', 61) + ' % 1001')} FROM range({providers}) t(i) UNION ALL "
            f"SELECT i, 1 + m, {vc.format('i')}, '{GUARANTEE}', printf('2022-%02d', m), "
            f"{_decimal(h('i * 100 + m', 62) + ' % 1001')} "
            f"FROM range({providers}) t(i), range(1, 13) s(m)"
            ") ORDER BY i, k",
        ),
    }
    con.close()
    return rows


def main() -> None:
    """Write the population and print rows per file, time and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listed", type=int, default=100_000, help="listed patients")
    parser.add_argument("--visits-per", type=float, default=6.25, help="visits per patient")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the folder to write")
    args = parser.parse_args()
    start = time.perf_counter()
    rows = generate(args.out, args.listed, args.visits_per, args.seed)
    size = sum(f.stat().st_size for f in args.out.glob("*.parquet"))
    print(rows, f"{time.perf_counter() - start:.1f} s, {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
