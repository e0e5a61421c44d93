"""Spike: settle 2022 of the Stockholm primary-care model (capitation, visit fees, the
visit cost responsibility, the psychosocial visit cap, the health-promotion split) in
polars, exactly: integer numerators over fixed denominators, no float.

    python benchmarks/spike/spike_polars.py DATA --fees fees.csv [--weight-80 1.5] [--out s.csv]

DATA is the JSON Lines file of benchmarks/generate.py or the Parquet folder that
benchmarks/spike/to_parquet.py makes of it. SPIKE_POLARS_ENGINE=streaming in the
environment runs the queries on polars' streaming engine.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common as c  # noqa: E402

FIELDS = [
    "type",
    "id",
    "patient",
    "provider",
    "birth_date",
    "from",
    "cni",
    "acg",
    "start",
    "end",
    "date",
    "profession",
    "mode",
]
DECIMAL = r"^-?[0-9]+(\.[0-9]{1,6})?$"
EARLIEST = datetime.date(1, 1, 1)
ENGINE = os.environ.get("SPIKE_POLARS_ENGINE", "auto")


def millionths(name: str) -> pl.Expr:
    """A decimal text column as integer millionths (checked first by `_check_decimals`:
    a cast alone would round a seventh decimal)."""
    return (pl.col(name).cast(pl.Decimal(18, 6)) * c.MILLION).cast(pl.Int64).alias(name)


def _check_decimals(frame: pl.DataFrame, names: list[str]) -> None:
    for name in names:
        bad = frame.filter(pl.col(name).is_not_null() & ~pl.col(name).str.contains(DECIMAL))
        if bad.height:
            raise SystemExit(f"{name}: {bad[name][0]!r} is not a decimal with at most 6 places")


def read_jsonl(path: Path) -> dict[str, pl.DataFrame]:
    """Every record of the file in one typed frame per record type."""
    schema = {name: pl.String for name in FIELDS}
    raw = pl.read_ndjson(path, schema=schema)
    parts = raw.partition_by("type", as_dict=True)
    day = "%Y-%m-%d"

    def part(name):
        return parts[(name,)]

    attrs = part("patient_attribute")
    patients = part("patient")
    _check_decimals(attrs, ["cni", "acg"])
    _check_decimals(patients, ["cni", "acg"])
    return {
        "provider": part("provider").select("id"),
        "patient": patients.select(
            "id", pl.col("birth_date").str.to_date(day), millionths("cni"), millionths("acg")
        ),
        "patient_attribute": attrs.select(
            "patient", pl.col("from").str.to_date(day), millionths("cni"), millionths("acg")
        ),
        "listing": part("listing").select(
            "patient", "provider", pl.col("start").str.to_date(day), pl.col("end").str.to_date(day)
        ),
        "visit": part("visit").select(
            "id", "patient", "provider", pl.col("date").str.to_date(day), "profession", "mode"
        ),
    }


def read_parquet(folder: Path) -> dict[str, pl.DataFrame]:
    """The Parquet folder: typed columns (dates, decimal(18,6)), only the columns used."""

    def scaled(name):
        return (pl.col(name) * c.MILLION).cast(pl.Int64)

    def read(name, columns):
        return pl.read_parquet(folder / f"{name}.parquet", columns=columns)

    return {
        "provider": read("provider", ["id"]),
        "patient": read("patient", ["id", "birth_date", "cni", "acg"]).with_columns(
            scaled("cni"), scaled("acg")
        ),
        "patient_attribute": read(
            "patient_attribute", ["patient", "from", "cni", "acg"]
        ).with_columns(scaled("cni"), scaled("acg")),
        "listing": read("listing", ["patient", "provider", "start", "end"]),
        "visit": read("visit", ["id", "patient", "provider", "date", "profession", "mode"]),
    }


def read(path: Path) -> dict[str, pl.DataFrame]:
    """JSON Lines or Parquet, by what the path is."""
    return read_parquet(path) if path.is_dir() else read_jsonl(path)


def age(on: str, born: str = "birth_date") -> pl.Expr:
    """Completed years on `on` (a 29 February birthday falls on 1 March)."""
    d, b = pl.col(on), pl.col(born)

    def month_day(x: pl.Expr) -> pl.Expr:  # dt.month() is Int8: widen before × 100
        return x.dt.month().cast(pl.Int32) * 100 + x.dt.day()

    before = month_day(d) < month_day(b)
    return (d.dt.year().cast(pl.Int32) - b.dt.year() - before.cast(pl.Int32)).alias("age")


def in_force(left: pl.LazyFrame, attrs: pl.LazyFrame, patients, name: str, on: str):
    """`p.<name>` in force on the date `on`, by an equi-join on the patient and a range
    filter on validity intervals [from, until): the value on the patient's own row
    holds before the first attribute record with that field. Listings and attribute
    records never overlap (the data checks refuse it), so at most one interval matches;
    a row that matches none has no value in force (checked by the caller's counts)."""
    own = patients.select(
        pl.col("id").alias("patient"), pl.lit(EARLIEST).alias("from"), pl.col(name)
    )
    timeline = (
        pl.concat([own, attrs.select("patient", "from", name)])
        .filter(pl.col(name).is_not_null())
        .sort("patient", "from")
        .with_columns(until=pl.col("from").shift(-1).over("patient"))
    )
    return (
        left.drop(name, strict=False)
        .join(timeline, on="patient")
        .filter(
            (pl.col("from") <= pl.col(on))
            & (pl.col("until").is_null() | (pl.col(on) < pl.col("until")))
        )
        .drop("from", "until")
    )


def band(expr: pl.Expr, bands) -> pl.Expr:
    """A table of int bands as a conditional column (a key outside every band is null)."""
    out = pl.lit(None, dtype=pl.Int64)
    for low, high, value in reversed(bands):
        test = expr >= low if high is None else expr.is_between(low, high)
        out = pl.when(test).then(value).otherwise(out)
    return out


def in_ages(ages) -> pl.Expr:
    return pl.col("age").is_between(*ages)


def rounded(num: str, den: int) -> pl.Expr:
    """A line total `num / den` öre rounded half up to whole öre, in Int128."""
    n = pl.col(num)
    whole = (2 * n.abs() + den) // (2 * den)
    return pl.when(n < 0).then(pl.lit(0, pl.Int128) - whole).otherwise(whole)  # no i128 `neg`


def compute(t: dict[str, pl.DataFrame], fees: dict[str, int], weight: int | None) -> list[tuple]:
    """The statement lines of 2022."""
    patients = t["patient"].lazy()
    attrs = t["patient_attribute"].lazy()
    listings = t["listing"].lazy()
    months = pl.LazyFrame({"first": c.MONTHS})

    # Listed patient-months: each listing × the months whose first day it covers.
    expanded = (
        listings.join(months, how="cross")
        .filter(
            (pl.col("start") <= pl.col("first"))
            & (pl.col("end").is_null() | (pl.col("first") <= pl.col("end")))
        )
        .select("patient", "provider", "first")
    )
    listed = expanded.join(patients.select("id", "birth_date"), left_on="patient", right_on="id")
    listed = in_force(
        in_force(listed, attrs, patients, "cni", "first"), attrs, patients, "acg", "first"
    )
    listed = listed.with_columns(age("first"))
    i128 = pl.Int128
    capitation = listed.group_by("provider", "first").agg(
        n=pl.len(),
        age_num=band(pl.col("age"), c.AGE_BANDS_ORE).sum(),
        cni_num=(pl.col("cni").cast(i128) * c.CNI_ORE).sum(),
        acg_num=(pl.col("acg").cast(i128) * c.ACG_ORE).sum(),
        unborn=(pl.col("age") < 0).sum(),
        psyk_n=in_ages(c.PSYK_AGES).sum(),
        koord_n=in_ages(c.KOORD_AGES).sum(),
    )
    capitation, expanded_n = pl.collect_all([capitation, expanded.select(pl.len())], engine=ENGINE)
    if capitation["n"].sum() != expanded_n.item() or capitation["unborn"].sum():
        raise SystemExit("a listed patient has no CNI/ACG in force, or is not born yet")

    # Paid visits of the run period, each with its fee and the patient's age on its date.
    fee_table = pl.LazyFrame(
        {"profession": list(fees), "fee": list(fees.values())},
        schema={"profession": pl.String, "fee": pl.Int64},
    )
    visits = (
        t["visit"]
        .lazy()
        .filter(
            pl.col("mode").is_in(c.PAID_MODES) & pl.col("date").is_between(c.FIRST_DAY, c.LAST_DAY)
        )
        .join(patients.select("id", "birth_date"), left_on="patient", right_on="id")
        .join(fee_table, on="profession", how="left")
        .with_columns(first=pl.col("date").dt.truncate("1mo"), age=age("date"))
    )
    factor = c.MILLION
    if weight is not None:
        factor = pl.when(pl.col("age") >= 80).then(weight).otherwise(c.MILLION)
    visits = visits.with_columns(num=pl.col("fee").cast(i128) * factor)
    paid = visits.group_by("provider", "first").agg(n=pl.len(), num=pl.col("num").sum())
    # The visits of listed patients with the provider listed at on the visit date
    # (listings never overlap: at most one contains the date).
    listed_visits = visits.join(listings.rename({"provider": "listed"}), on="patient").filter(
        (pl.col("start") <= pl.col("date"))
        & (pl.col("end").is_null() | (pl.col("date") <= pl.col("end")))
    )
    cost = (
        listed_visits.filter(pl.col("listed") != pl.col("provider"))
        .group_by(pl.col("listed").alias("provider"), "first")
        .agg(n=pl.len(), num=pl.lit(0, pl.Int128) - pl.col("num").sum())
    )
    capped = (
        listed_visits.filter(
            (pl.col("profession") == c.CAP_PROFESSION) & (pl.col("listed") == pl.col("provider"))
        )
        .group_by("provider")
        .agg(count=pl.len(), num=pl.col("num").sum())
    )
    paid, cost, capped, checks = pl.collect_all(
        [
            paid,
            cost,
            capped,
            visits.select(no_fee=pl.col("fee").is_null().sum(), unborn=(pl.col("age") < 0).sum()),
        ],
        engine=ENGINE,
    )
    if checks["no_fee"][0] or checks["unborn"][0]:
        raise SystemExit("a visit's profession has no fee, or its patient is not born yet")

    lines = []

    def add(frame: pl.DataFrame, num: str, den: int, name: str, units="n") -> None:
        rows = frame.filter(pl.col(units) > 0).select(
            "provider", pl.col("first").dt.strftime("%Y-%m"), units, rounded(num, den)
        )
        lines.extend(c.money_lines(rows.iter_rows(), name))

    add(capitation, "age_num", c.PER_MONTH, c.AGE)
    add(capitation, "cni_num", c.CNI_DEN, c.CNI)
    add(capitation, "acg_num", c.CNI_DEN, c.ACG)
    for name, ore, units in ((c.PSYK, c.PSYK_ORE, "psyk_n"), (c.KOORD, c.KOORD_ORE, "koord_n")):
        with_num = capitation.with_columns((pl.col(units).cast(i128) * ore).alias("num"))
        add(with_num, "num", c.PER_MONTH, name, units)
    add(paid, "num", c.VISIT_DEN, c.VISIT)
    add(cost, "num", c.VISIT_DEN, c.COST)

    listed_sums = dict(capitation.group_by("provider").agg(pl.col("n").sum()).iter_rows())
    for q in t["provider"]["id"]:
        listed_sums.setdefault(q, 0)
    counted = {q: (n, num, listed_sums[q]) for q, n, num in capped.iter_rows()}
    for q in t["provider"]["id"]:
        counted.setdefault(q, (0, 0, listed_sums[q]))
    lines.extend(c.cap_lines(counted))
    lines.extend(c.split_lines(listed_sums))
    lines.extend(c.performance_lines(listed_sums))
    return lines


if __name__ == "__main__":
    c.main("polars", read, compute)
