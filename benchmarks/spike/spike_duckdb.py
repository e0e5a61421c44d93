"""Spike: settle 2022 of the Stockholm primary-care model (capitation, visit fees, the
visit cost responsibility, the psychosocial visit cap, the health-promotion split) in
DuckDB SQL, exactly: BIGINT numerators over fixed denominators summed into HUGEINT
(DuckDB raises on overflow), no float.

    python benchmarks/spike/spike_duckdb.py DATA --fees fees.csv [--weight-80 1.5] [--out s.csv]

DATA is the JSON Lines file of benchmarks/generate.py or the Parquet folder that
benchmarks/spike/to_parquet.py makes of it. SPIKE_MEMORY_LIMIT=300MB in the environment
sets DuckDB's memory limit (past it, joins and aggregates spill to a temporary folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common as c  # noqa: E402

DECIMAL = r"^-?[0-9]+(\.[0-9]{1,6})?$"
JSON_COLUMNS = {
    "type": "VARCHAR",
    "id": "VARCHAR",
    "patient": "VARCHAR",
    "provider": "VARCHAR",
    "birth_date": "DATE",
    "from": "DATE",
    "cni": "VARCHAR",
    "acg": "VARCHAR",
    "start": "DATE",
    "end": "DATE",
    "date": "DATE",
    "profession": "VARCHAR",
    "mode": "VARCHAR",
}


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory database on the machine's cores, spilling to a temporary folder
    past its memory limit."""
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    con.execute("SET preserve_insertion_order = false")
    if os.environ.get("SPIKE_MEMORY_LIMIT"):  # e.g. 300MB: spill to disk past it
        con.execute(f"SET memory_limit = '{os.environ['SPIKE_MEMORY_LIMIT']}'")
    return con


def _millionths(name: str) -> str:
    # Checked first: CAST rounds a seventh decimal.
    return f"CAST(CAST({name} AS DECIMAL(18, 6)) * 1000000 AS BIGINT) AS {name}"


def read_jsonl(path: Path):
    """Every record of the file in one typed table per record type."""
    con = connect()
    columns = ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items())
    con.execute(
        f"""CREATE TEMP TABLE raw AS SELECT * FROM read_json(
              '{path}', format = 'newline_delimited', columns = {{{columns}}})"""
    )
    bad = con.execute(
        f"""SELECT cni, acg FROM raw WHERE type IN ('patient', 'patient_attribute')
              AND NOT (coalesce(regexp_full_match(cni, '{DECIMAL}'), true)
                       AND coalesce(regexp_full_match(acg, '{DECIMAL}'), true)) LIMIT 1"""
    ).fetchall()
    if bad:
        raise SystemExit(f"cni/acg {bad[0]} is not a decimal with at most 6 places")
    con.execute(
        """CREATE TEMP TABLE provider AS SELECT id FROM raw WHERE type = 'provider';
           CREATE TEMP TABLE patient AS SELECT id, birth_date, {cni}, {acg}
             FROM raw WHERE type = 'patient';
           CREATE TEMP TABLE patient_attribute AS SELECT patient, "from", {cni}, {acg}
             FROM raw WHERE type = 'patient_attribute';
           CREATE TEMP TABLE listing AS SELECT patient, provider, start, "end"
             FROM raw WHERE type = 'listing';
           CREATE TEMP TABLE visit AS SELECT id, patient, provider, date, profession, mode
             FROM raw WHERE type = 'visit';
           DROP TABLE raw;""".format(cni=_millionths("cni"), acg=_millionths("acg"))
    )
    return con


def read_parquet(folder: Path):
    """The Parquet folder: typed columns (dates, decimal(18,6)), only the columns used."""
    con = connect()

    def table(name: str, columns: str) -> None:
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {columns} FROM read_parquet('{folder}/{name}.parquet')"
        )

    scaled = "CAST(cni * 1000000 AS BIGINT) AS cni, CAST(acg * 1000000 AS BIGINT) AS acg"
    table("provider", "id")
    # CNI and ACG on the patient row are optional (`ersl synth` gives them by attribute only)
    has = {r[0] for r in con.execute(f"DESCRIBE '{folder}/patient.parquet'").fetchall()}
    fixed = scaled if {"cni", "acg"} <= has else "NULL::BIGINT AS cni, NULL::BIGINT AS acg"
    table("patient", f"id, birth_date, {fixed}")
    table("patient_attribute", f'patient, "from", {scaled}')
    table("listing", 'patient, provider, start, "end"')
    table("visit", "id, patient, provider, date, profession, mode")
    return con


def read(path: Path):
    """JSON Lines or Parquet, by what the path is."""
    return read_parquet(path) if path.is_dir() else read_jsonl(path)


def age(on: str, born: str = "birth_date") -> str:
    """Completed years on `on` (a 29 February birthday falls on 1 March)."""
    return (
        f"(year({on}) - year({born}) - CASE WHEN month({on}) * 100 + day({on})"
        f" < month({born}) * 100 + day({born}) THEN 1 ELSE 0 END)"
    )


def band(key: str, bands) -> str:
    """A table of int bands as a CASE (a key outside every band is NULL)."""
    arms = " ".join(
        f"WHEN {key} >= {low} THEN {value}"
        if high is None
        else f"WHEN {key} BETWEEN {low} AND {high} THEN {value}"
        for low, high, value in bands
    )
    return f"CASE {arms} END"


def rounded(num: str, den: int) -> str:
    """A line total `num / den` öre rounded half up to whole öre, in HUGEINT."""
    return f"sign({num}) * ((2 * abs({num}) + {den}) // {2 * den})"


def in_force(name: str) -> str:
    """The validity intervals [from, until) of `p.<name>`: the value on the patient's own
    row holds before the first attribute record with that field. Listings and
    attribute records never overlap (the data checks refuse it): joined on the patient
    with a range condition, at most one interval matches."""
    return f"""(SELECT patient, "from", lead("from") OVER (PARTITION BY patient ORDER BY "from")
                       AS until, {name}
                FROM (SELECT id AS patient, DATE '0001-01-01' AS "from", {name} FROM patient
                      UNION ALL SELECT patient, "from", {name} FROM patient_attribute)
                WHERE {name} IS NOT NULL)"""


def _within(alias: str, on: str) -> str:
    return f'{alias}."from" <= {on} AND ({alias}.until IS NULL OR {on} < {alias}.until)'


def compute(con, fees: dict[str, int], weight: int | None) -> list[tuple]:
    """The statement lines of 2022."""
    months = ", ".join(f"(DATE '{m}')" for m in c.MONTHS)
    fee_rows = ", ".join(f"('{p}', {ore})" for p, ore in fees.items())
    paid_modes = ", ".join(f"'{m}'" for m in c.PAID_MODES)
    factor = "1000000"
    if weight is not None:
        factor = f"CASE WHEN {age('v.date')} >= 80 THEN {weight} ELSE 1000000 END"
    con.execute(
        f"""CREATE TEMP TABLE listed AS
            SELECT l.provider, m.first, {age("m.first")} AS age, c.cni, a.acg
            FROM listing l
            JOIN (VALUES {months}) m(first)
              ON l.start <= m.first AND (l."end" IS NULL OR m.first <= l."end")
            JOIN patient p ON p.id = l.patient
            LEFT JOIN {in_force("cni")} c ON c.patient = l.patient AND {_within("c", "m.first")}
            LEFT JOIN {in_force("acg")} a ON a.patient = l.patient AND {_within("a", "m.first")}"""
    )
    psyk = f"age BETWEEN {c.PSYK_AGES[0]} AND {c.PSYK_AGES[1]}"
    koord = f"age BETWEEN {c.KOORD_AGES[0]} AND {c.KOORD_AGES[1]}"
    con.execute(
        f"""CREATE TEMP TABLE capitation AS SELECT provider, first AS month, count(*) AS n,
                   sum({band("age", c.AGE_BANDS_ORE)}) AS age_num,
                   sum(cni * {c.CNI_ORE}) AS cni_num,
                   sum(acg * {c.ACG_ORE}) AS acg_num,
                   count(*) FILTER (WHERE cni IS NULL OR acg IS NULL OR age < 0) AS missing,
                   count(*) FILTER (WHERE {psyk}) AS psyk_n,
                   count(*) FILTER (WHERE {koord}) AS koord_n
            FROM listed GROUP BY ALL"""
    )
    if con.execute("SELECT sum(missing) FROM capitation").fetchone()[0]:
        raise SystemExit("a listed patient has no CNI/ACG in force, or is not born yet")
    con.execute(
        f"""CREATE TEMP TABLE paid AS
            SELECT v.provider, date_trunc('month', v.date) AS month, v.profession,
                   l.provider AS listed,
                   CAST(f.fee AS BIGINT) * {factor} AS num,
                   f.fee IS NULL OR {age("v.date")} < 0 AS bad
            FROM visit v
            JOIN patient p ON p.id = v.patient
            LEFT JOIN (VALUES {fee_rows}) f(profession, fee) ON f.profession = v.profession
            LEFT JOIN listing l ON l.patient = v.patient AND l.start <= v.date
                                   AND (l."end" IS NULL OR v.date <= l."end")
            WHERE v.mode IN ({paid_modes})
              AND v.date BETWEEN DATE '{c.FIRST_DAY}' AND DATE '{c.LAST_DAY}'"""
    )
    if con.execute("SELECT count(*) FROM paid WHERE bad").fetchone()[0]:
        raise SystemExit("a visit's profession has no fee, or its patient is not born yet")

    def rows(sql: str):
        return con.execute(sql).fetchall()

    def lines_of(name: str, den: int, n: str, num: str, table: str = "capitation"):
        found = rows(
            f"""SELECT provider, strftime(month, '%Y-%m'), {n}, {rounded(num, den)}
                FROM {table} WHERE {n} > 0"""
        )
        return c.money_lines(found, name)

    lines = []
    lines += lines_of(c.AGE, c.PER_MONTH, "n", "age_num")
    lines += lines_of(c.CNI, c.CNI_DEN, "n", "cni_num")
    lines += lines_of(c.ACG, c.CNI_DEN, "n", "acg_num")
    lines += lines_of(c.PSYK, c.PER_MONTH, "psyk_n", f"psyk_n * {c.PSYK_ORE}")
    lines += lines_of(c.KOORD, c.PER_MONTH, "koord_n", f"koord_n * {c.KOORD_ORE}")
    visit_lines = "(SELECT provider, month, count(*) AS n, sum(num) AS num FROM paid GROUP BY ALL)"
    lines += lines_of(c.VISIT, c.VISIT_DEN, "n", "num", visit_lines)
    cost_lines = """(SELECT listed AS provider, month, count(*) AS n, -sum(num) AS num
                     FROM paid WHERE listed IS NOT NULL AND listed <> provider GROUP BY ALL)"""
    lines += lines_of(c.COST, c.VISIT_DEN, "n", "num", cost_lines)

    listed_sums = dict(rows("SELECT provider, sum(n) FROM capitation GROUP BY ALL"))
    providers = [q for (q,) in rows("SELECT id FROM provider")]
    for q in providers:
        listed_sums.setdefault(q, 0)
    counted = {
        q: (n, num, listed_sums[q])
        for q, n, num in rows(
            f"""SELECT provider, count(*), sum(num) FROM paid
                WHERE profession = '{c.CAP_PROFESSION}' AND listed = provider GROUP BY ALL"""
        )
    }
    for q in providers:
        counted.setdefault(q, (0, 0, listed_sums[q]))
    lines += c.cap_lines(counted)
    lines += c.split_lines(listed_sums)
    lines += c.performance_lines(listed_sums)
    return lines


if __name__ == "__main__":
    c.main("duckdb", read, compute)
