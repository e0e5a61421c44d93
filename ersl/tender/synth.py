"""`ersl synth`: a synthetic population from a profile, generated in DuckDB.

Every random draw is a hash of (record number, stream) mixed with the seed: `u(i, k)` =
hash(hash(128 i + k) xor seed) scaled to [0, 1), which depends on nothing else — not on threads, not on the order rows are made —
so the same profile, size and seed give the same bytes (with the same DuckDB version).
Categorical draws (age band, provider, profession, mode, diagnosis, visit count) are
ASOF joins of a uniform draw against the cumulative shares of small lookup tables;
visit counts are Poisson by age band (the cumulative distribution as a lookup table).
The records follow the standard schema (stdlib_rules/schema/sweden.ersl) by
construction; docs/synth.md describes what is drawn how.
"""

from __future__ import annotations

import datetime
import math
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from ersl.tender.profile import MODES, PROFESSIONS, Profile

#: Visits per patient are capped here (a Poisson tail beyond it is folded into it).
MAX_VISITS = 63
#: The record types written, in the order of a JSON Lines file.
TYPES = (
    "provider",
    "indicator_result",
    "patient",
    "patient_attribute",
    "listing",
    "visit",
    "observation",
)


def _lookup(con, name: str, columns: str, rows: list[tuple]) -> None:
    """A small lookup table filled with parameters (profile text never enters SQL text)."""
    con.execute(f"CREATE TABLE {name} ({columns})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)


def _cumulative(pairs: list[tuple[object, float]]) -> list[tuple[object, float]]:
    """(value, share) → (value, lower cumulative bound); zero shares are left out."""
    rows, total = [], 0.0
    for value, share in pairs:
        if share > 0:
            rows.append((value, total))
            total += share
    return rows


def _poisson_pmf(rate: float) -> list[tuple[int, float]]:
    """(k, probability) of Poisson(rate) for k = 0…, stopping when the tail is below
    1e-12 or at MAX_VISITS (which takes the rest of the tail)."""
    rows, total, p = [], 0.0, math.exp(-rate)
    for k in range(MAX_VISITS + 1):
        rows.append((k, p))
        total += p
        p = p * rate / (k + 1)
        if total >= 1 - 1e-12:
            break
    return rows


def _pick(u: str, pairs: list[tuple[int, float]]) -> str:
    """A SQL CASE choosing, for the uniform draw `u`, the value whose cumulative weight
    range holds it; `pairs` are (whole-number value, weight ≥ 0). Only numbers enter SQL."""
    pairs = [(int(value), float(weight)) for value, weight in pairs if weight > 0]
    if not pairs:
        return "0"
    total = sum(weight for _, weight in pairs)
    parts, running = [], 0.0
    for value, weight in pairs[:-1]:
        running += weight
        parts.append(f"WHEN {u} < {running / total!r} THEN {value}")
    if not parts:
        return str(pairs[-1][0])
    return f"CASE {' '.join(parts)} ELSE {pairs[-1][0]} END"


def _by_band(key: str, tables: list[list[tuple[int, float]]], u: str) -> str:
    """A CASE on the whole-number column `key` picking from `tables[key]` with `u`."""
    arms = " ".join(f"WHEN {n} THEN {_pick(u, pairs)}" for n, pairs in enumerate(tables))
    return f"CASE {key} {arms} END"


def generate(profile: Profile, size: int, seed: int, con=None):
    """Build the tables of the population in a DuckDB connection (returned)."""
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    year = profile.year
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = (last - first).days + 1
    providers = profile.providers(size)
    width = max(3, len(str(providers)))
    pwidth = max(7, len(str(size)))
    con.execute(
        "CREATE MACRO u(i, k) AS ((hash(xor(hash(i * 128 + k), "
        f"{int(seed)}::UBIGINT)) >> 11)::DOUBLE / 9007199254740992.0)"
    )
    con.execute("CREATE MACRO normal(a, b) AS (sqrt(-2 * ln(1 - a)) * cos(2 * pi() * b))")
    _lookup(con, "areas", "area VARCHAR, lo DOUBLE", _cumulative(list(profile.areas.items())))
    bands = _cumulative(
        [((b.name, b.lo, b.hi, n), b.share) for n, b in enumerate(profile.age_bands)]
    )
    _lookup(
        con,
        "bands",
        "band VARCHAR, lo_age INT, hi_age INT, b INT, lo DOUBLE",
        [(*band, lo) for band, lo in bands],
    )
    _lookup(
        con,
        "indicators",
        "n INT, indicator VARCHAR, low DOUBLE, high DOUBLE, period VARCHAR",
        [
            (n * 13 + m, ind.name, ind.low, ind.high, f"{year}-{m:02d}" if m else str(year))
            for n, ind in enumerate(profile.indicators)
            for m in (range(1, 13) if ind.monthly else (0,))
        ],
    )
    spread = float(profile.list_size_spread)
    opened = float(profile.opened_in_year_share)
    con.execute(
        f"""CREATE TABLE prov AS
        SELECT p AS idx, 'VC' || lpad((p + 1)::VARCHAR, {width}, '0') AS id,
               'Vårdcentral ' || (p + 1) AS name, ? AS kind, areas.area AS area,
               CASE WHEN u(p, 3) < {opened!r}
                    THEN DATE '{first}' + floor(u(p, 4) * 180)::INT
                    ELSE ?::DATE END AS start_date,
               1 - {spread!r} + 2 * {spread!r} * u(p, 1) AS weight
        FROM (SELECT u(p, 2) AS ua, p FROM range({providers}) t(p))
        ASOF JOIN areas ON ua >= areas.lo""",
        [profile.provider_kind, profile.provider_start],
    )
    con.execute(
        """CREATE TABLE prov_cum AS SELECT idx,
             (sum(weight) OVER (ORDER BY idx) - weight) / sum(weight) OVER () AS lo FROM prov"""
    )
    year_start_text = f"DATE '{first}'"
    listing_days = (datetime.date(year - 1, 12, 31) - datetime.date(2015, 1, 1)).days + 1
    moves = float(profile.moves_share) if providers > 1 else 0.0
    con.execute(
        f"""CREATE TABLE pat AS
        WITH draws AS (
          SELECT i, u(i, 1) AS u_band, u(i, 6) AS u_prov FROM range({size}) t(i)),
        banded AS (
          SELECT draws.*, bands.band, bands.b, bands.lo_age, bands.hi_age
          FROM draws ASOF JOIN bands ON draws.u_band >= bands.lo),
        placed AS (
          SELECT banded.*, prov_cum.idx AS prov
          FROM banded ASOF JOIN prov_cum ON banded.u_prov >= prov_cum.lo),
        aged AS (
          SELECT *, lo_age + least(floor(u(i, 2) * (hi_age - lo_age + 1)),
                                   hi_age - lo_age)::INT AS age
          FROM placed)
        SELECT i, 'P' || lpad(i::VARCHAR, {pwidth}, '0') AS id, band, b, age,
               (make_date({year} - age - 1, 1, 2) + floor(u(i, 3) * date_diff('day',
                 make_date({year} - age - 1, 1, 1), make_date({year} - age, 1, 1)))::INT)
                 AS birth_date,
               CASE WHEN u(i, 4) < {float(profile.female_share)!r} THEN 'F' ELSE 'M' END AS sex,
               u(i, 5) >= {float(profile.unlisted_share)!r} AS listed,
               prov,
               (DATE '2015-01-01' + floor(u(i, 7) * {listing_days})::INT) AS listing_start,
               CASE WHEN u(i, 8) < {moves!r}
                    THEN {year_start_text} + floor(u(i, 9) * 334)::INT END AS move_day,
               ((prov + 1 + floor(u(i, 10) * ({providers} - 1))::INT) % {providers})::INT
                 AS other
        FROM aged"""
    )
    cni, acg = profile.cni, profile.acg
    con.execute(
        f"""CREATE TABLE attr AS
        SELECT id AS patient, DATE '{year - 2}-01-01' AS "from",
          round(least(greatest({cni["median"]!r} * exp({cni["spread"]!r} * normal(u(i, 11),
                u(i, 12))), {cni["min"]!r}), {cni["max"]!r}), 3)::DECIMAL(9, 3) AS cni,
          round(least(greatest({acg["median"]!r} * exp({acg["spread"]!r} * normal(u(i, 13),
                u(i, 14))), {acg["min"]!r}), {acg["max"]!r}), 3)::DECIMAL(9, 3) AS acg
        FROM pat
        UNION ALL
        SELECT id, DATE '{year}-07-01', NULL,
          round(least(greatest({acg["median"]!r} * exp({acg["spread"]!r} * normal(u(i, 16),
                u(i, 17))), {acg["min"]!r}), {acg["max"]!r}), 3)::DECIMAL(9, 3)
        FROM pat WHERE u(i, 15) < {float(profile.acg_change_share)!r}"""
    )
    con.execute(
        """CREATE TABLE listing AS
        SELECT pat.id AS patient, prov.id AS provider,
               greatest(listing_start, birth_date) AS start, move_day AS "end"
        FROM pat JOIN prov ON prov.idx = pat.prov WHERE listed
        UNION ALL
        SELECT pat.id, prov.id, move_day + 1, NULL
        FROM pat JOIN prov ON prov.idx = pat.other WHERE listed AND move_day IS NOT NULL"""
    )
    elsewhere = float(profile.elsewhere_share)
    diagnosed = float(profile.diagnosis_share)
    counts = _by_band(
        "b",
        [[(k, p) for k, p in _poisson_pmf(profile.visit_rate(b.name))] for b in profile.age_bands],
        "u(i, 18)",
    )
    professions = _by_band(
        "b",
        [
            [(PROFESSIONS.index(prof), rate) for prof, rate in profile.rates[b.name].items()]
            for b in profile.age_bands
        ],
        "u(vi, 21)",
    )
    modes = _by_band(
        "profession",
        [
            [
                (MODES.index(m), share)
                for m, share in profile.modes.get(prof, profile.modes["default"]).items()
            ]
            for prof in PROFESSIONS
        ],
        "u(vi, 22)",
    )
    code_names = list(profile.diagnoses)
    code_pick = _pick("u(vi, 27)", list(enumerate(profile.diagnoses.values())))
    codes_list = "[" + ", ".join(_literal(code) for code in code_names) + "]::VARCHAR[]"
    con.execute(
        f"""CREATE TABLE counted AS
        SELECT * FROM (SELECT i, id, b, listed, prov, other, move_day, {counts} AS k FROM pat)
        WHERE k > 0"""
    )
    professions_list = "[" + ", ".join(f"'{p}'" for p in PROFESSIONS) + "]"
    modes_list = "[" + ", ".join(f"'{m}'" for m in MODES) + "]"
    con.execute(
        f"""CREATE TABLE visit AS
        WITH each AS (
          SELECT *, i * 64 + j AS vi FROM (SELECT *, unnest(range(k)) AS j FROM counted)),
        prof AS (SELECT *, {professions} AS profession FROM each),
        dated AS (
          SELECT *, {modes} AS mode,
            {year_start_text} + floor(u(vi, 23) * {days})::INT AS date,
            CASE WHEN NOT listed OR u(vi, 24) < {elsewhere!r}
                 THEN floor(u(vi, 25) * {providers})::INT
                 ELSE prov END AS at_prov,
            CASE WHEN u(vi, 26) < {diagnosed!r} THEN {code_pick} END AS ci
          FROM prof),
        placed AS (
          SELECT *, CASE WHEN listed AND at_prov = prov AND move_day IS NOT NULL
                              AND date > move_day
                         THEN other ELSE at_prov END AS at_final
          FROM dated)
        SELECT vi, 'V' || substr(placed.id, 2) || '-' || lpad(j::VARCHAR, 2, '0') AS id,
               placed.id AS patient, 'VC' || lpad((at_final + 1)::VARCHAR, {width}, '0') AS provider, date,
               {professions_list}[profession + 1] AS profession, {modes_list}[mode + 1] AS mode,
               CASE WHEN ci IS NULL THEN []::VARCHAR[] ELSE [({codes_list})[ci + 1]] END
                 AS diagnoses
        FROM placed"""
    )
    con.execute(
        f"""CREATE TABLE observation AS
        SELECT pat.id AS patient, prov.id AS provider,
               {year_start_text} + floor(u(i, 20) * {days})::INT AS date, ? AS kind
        FROM pat LEFT JOIN prov ON prov.idx = pat.prov AND pat.listed
        WHERE u(i, 19) < {float(profile.observation_share)!r}""",
        [profile.observation_kind],
    )
    con.execute(
        """CREATE TABLE indicator_result AS
        SELECT prov.id AS provider, indicators.indicator, indicators.period,
          round(low + u(prov.idx * 1000 + n, 30) * (high - low), 3)::DECIMAL(9, 3) AS value
        FROM prov CROSS JOIN indicators"""
    )
    return con


#: Each type's query in output order: schema field order, rows in a fixed order.
QUERIES = {
    "provider": "SELECT id, name, kind, start_date, area FROM prov ORDER BY id",
    "indicator_result": "SELECT * FROM indicator_result ORDER BY provider, indicator, period",
    "patient": "SELECT id, birth_date, sex FROM pat ORDER BY id",
    "patient_attribute": 'SELECT * FROM attr ORDER BY patient, "from"',
    "listing": "SELECT * FROM listing ORDER BY patient, start",
    "visit": "SELECT * EXCLUDE (vi) FROM visit ORDER BY vi",
    "observation": "SELECT * FROM observation ORDER BY patient, date, provider",
}


def _typed(name: str, csv: bool) -> str:
    """The query of a type, with its `type` column (JSON) or sets joined by `;` (CSV)."""
    query = QUERIES[name]
    if csv:
        if name == "visit":
            return f"SELECT * REPLACE (array_to_string(diagnoses, ';') AS diagnoses) FROM ({query})"
        return query
    return f"SELECT '{name}' AS type, * FROM ({query})"


def write(con, output: str | Path, folder_format: str = "csv") -> list[Path]:
    """Write the population: `X.jsonl` one JSON Lines file, `X.parquet` one Parquet file
    with a `type` column, anything else a folder of `<type>.csv` (or `<type>.parquet`
    with folder_format "parquet"). Returns the files written."""
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
            parts = []
            for name in TYPES:
                part = Path(tmp) / f"{name}.jsonl"
                con.execute(f"COPY ({_typed(name, False)}) TO '{_path(part)}' (FORMAT JSON)")
                parts.append(part)
            with open(output, "wb") as out:
                for part in parts:
                    with open(part, "rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 20)
        return [output]
    if suffix == ".parquet":
        output.parent.mkdir(parents=True, exist_ok=True)
        union = " UNION ALL BY NAME ".join(f"({_typed(name, False)})" for name in TYPES)
        con.execute(f"COPY ({union}) TO '{_path(output)}' (FORMAT PARQUET)")
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TYPES:
        if folder_format == "parquet":
            target = output / f"{name}.parquet"
            con.execute(f"COPY ({QUERIES[name]}) TO '{_path(target)}' (FORMAT PARQUET)")
        else:
            target = output / f"{name}.csv"
            con.execute(f"COPY ({_typed(name, True)}) TO '{_path(target)}' (HEADER)")
        written.append(target)
    return written


def _literal(text: str) -> str:
    """A SQL string literal (quotes doubled) for a text of the profile."""
    return "'" + text.replace("'", "''") + "'"


def _path(path: Path) -> str:
    """A path as a SQL string literal's contents (quotes doubled)."""
    return os.fspath(path).replace("'", "''")


def synthesise(
    profile: Profile, output: str | Path, size: int | None = None, seed: int = 1, **options
) -> list[Path]:
    """Generate `size` patients (the profile's size by default) and write them."""
    con = generate(profile, size or profile.size, seed)
    try:
        return write(con, output, **options)
    finally:
        con.close()
