"""Synthetic-population profiles: a declarative TOML file read into a checked `Profile`.

The format is documented in docs/synth.md. Every problem is an `ErslError` naming the
file, the line of the key, the key, the value and what was expected (E1500 for a file
that is not TOML, E1501 for a value that is not what the profile needs).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ersl.diagnostics import Diagnostic
from ersl.encoding import decode
from ersl.errors import ErslError
from ersl.span import Span

#: The members of the standard schema's `Profession` and `Mode` (stdlib_rules/schema/
#: sweden.ersl); tests/tender/test_profile.py keeps them equal to the schema.
PROFESSIONS = (
    "doctor",
    "nurse",
    "assistant_nurse",
    "psychosocial",
    "physiotherapist",
    "occupational_therapist",
    "dietitian",
    "other",
)
MODES = ("physical", "home", "video", "phone", "digital")

_BAND = re.compile(r"^(\d+)(?:-(\d+)|\+)$")
#: Shares must sum to one within this tolerance (the profile's figures are rounded).
SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class AgeBand:
    """An age band `lo-hi` (inclusive) or `lo+` (up to the profile's `max_age`)."""

    name: str
    lo: int
    hi: int
    share: float


@dataclass(frozen=True)
class Indicator:
    """A reported indicator: each provider's result drawn uniformly in [low, high]."""

    name: str
    low: float
    high: float
    monthly: bool = False


@dataclass(frozen=True)
class Profile:
    """A checked profile: everything `synth` needs, with defaults filled in."""

    path: str
    name: str
    year: int
    size: int
    listed_per_provider: int
    provider_kind: str
    provider_start: datetime.date
    opened_in_year_share: float
    list_size_spread: float
    areas: dict[str, float]
    female_share: float
    unlisted_share: float
    moves_share: float
    max_age: int
    age_bands: tuple[AgeBand, ...]
    cni: dict[str, float]
    acg: dict[str, float]
    acg_change_share: float
    elsewhere_share: float
    rates: dict[str, dict[str, float]]
    modes: dict[str, dict[str, float]]
    diagnosis_share: float
    diagnoses: dict[str, float]
    observation_share: float
    observation_kind: str
    indicators: tuple[Indicator, ...] = field(default=())

    def providers(self, size: int) -> int:
        """How many providers a population of `size` patients has (at least one)."""
        listed = size * (1 - self.unlisted_share)
        return max(1, round(listed / self.listed_per_provider))

    def visit_rate(self, band: str) -> float:
        """The expected visits per person-year of an age band, all professions."""
        return sum(self.rates[band].values())


class _Reader:
    """Reads the sections of a profile's TOML document, reporting where a key is."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, keys: tuple[str, ...]) -> int:
        """The line of `keys` (a table header or `key =`), best effort; 1 if not found."""
        line = 0
        for depth, key in enumerate(keys):
            header = re.compile(r"^\s*\[+\s*" + r"\s*\.\s*".join(_q(k) for k in keys[: depth + 1]))
            assign = re.compile(r"^\s*" + _q(key) + r"\s*=")
            for number in range(line, len(self.lines)):
                text = self.lines[number]
                if header.match(text) or assign.match(text) or re.search(_q(key) + r"\s*=", text):
                    line = number
                    break
        return line + 1

    def fail(self, keys: tuple[str, ...], value: object, expected: str) -> ErslError:
        """E1501: the value at `keys` is not what the profile needs."""
        line = self.line_of(keys)
        width = len(self.lines[line - 1]) if line - 1 < len(self.lines) else 0
        where = ".".join(keys)
        return ErslError(
            Diagnostic(
                "E1501",
                f"profile key `{where}`: {value!r} is not {expected}",
                Span(self.path, line, 1, line, max(2, width + 1)),
                help="see docs/synth.md for the profile format",
            )
        )

    def table(self, doc: dict, keys: tuple[str, ...], required: bool = True) -> dict:
        """The sub-table at `keys` (an empty one if optional and absent)."""
        node: object = doc
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                if required:
                    raise self.fail(keys, None, "given: the profile needs this table")
                return {}
            node = node[key]
        if not isinstance(node, dict):
            raise self.fail(keys, node, "a table")
        return node

    def number(self, table: dict, keys: tuple[str, ...], lo: float, hi: float, default=None):
        """A number in [lo, hi] (a default if absent and one is given)."""
        value = table.get(keys[-1], default)
        if value is None:
            raise self.fail(keys, None, f"given: a number from {lo} to {hi}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise self.fail(keys, value, f"a number from {lo} to {hi}")
        return value

    def whole(self, table: dict, keys: tuple[str, ...], lo: int, hi: int, default=None) -> int:
        """A whole number in [lo, hi]."""
        value = self.number(table, keys, lo, hi, default)
        if not isinstance(value, int):
            raise self.fail(keys, value, f"a whole number from {lo} to {hi}")
        return value

    def text(self, table: dict, keys: tuple[str, ...], default=None) -> str:
        """A non-empty string."""
        value = table.get(keys[-1], default)
        if not isinstance(value, str) or not value:
            raise self.fail(keys, value, "a non-empty text")
        return value

    def shares(self, table: dict, keys: tuple[str, ...], allowed=None) -> dict[str, float]:
        """A table of name → share, the shares summing to one; names from `allowed`."""
        if not table:
            raise self.fail(keys, table, "a table of shares summing to 1")
        for name in table:
            if allowed is not None and name not in allowed:
                raise self.fail(keys + (name,), name, "one of " + ", ".join(allowed))
            self.number(table, keys + (name,), 0, 1)
        total = sum(table.values())
        if abs(total - 1) > SUM_TOLERANCE:
            raise self.fail(keys, round(total, 9), "a set of shares summing to 1")
        return dict(table)


def _q(key: str) -> str:
    """A key as a regular expression matching it bare or quoted."""
    return "[\"']?" + re.escape(key) + "[\"']?"


def read_profile(path: str | Path) -> Profile:
    """Read and check the profile at `path` (ErslError with E1500/E1501 on bad input)."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            text = decode(fh.read(), path)
    except OSError as error:
        raise ErslError(
            Diagnostic("E1500", f"cannot read the profile {path}: {error.strerror}", _top(path))
        ) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        raise ErslError(
            Diagnostic(
                "E1500",
                f"{path} is not a TOML profile: {str(error).split(' (at')[0]}",
                Span(path, line, column, line, column + 1),
                help="a profile is TOML: `key = value` lines under `[section]` headers",
            )
        ) from None
    return profile_from(doc, _Reader(path, text))


def _top(path: str) -> Span:
    return Span(path, 1, 1, 1, 2)


def profile_from(doc: dict, r: _Reader) -> Profile:
    """Check a parsed profile document and fill in defaults."""
    head = r.table(doc, ("profile",))
    providers = r.table(doc, ("providers",))
    population = r.table(doc, ("population",))
    year = r.whole(head, ("profile", "year"), 1990, 2100)
    max_age = r.whole(population, ("population", "max_age"), 1, 120, 100)
    bands = _age_bands(r, r.table(doc, ("population", "age_bands")), max_age)
    band_names = tuple(b.name for b in bands)
    visits = r.table(doc, ("visits",))
    rates_table = r.table(doc, ("visits", "rates"))
    rates = {}
    for band in band_names:
        row = r.table(rates_table, (band,)) if band in rates_table else None
        if row is None:
            raise r.fail(("visits", "rates", band), None, "given: every age band needs its rates")
        for name in row:
            if name not in PROFESSIONS:
                raise r.fail(("visits", "rates", band, name), name, _one_of(PROFESSIONS))
            r.number(row, ("visits", "rates", band, name), 0, 100)
        rates[band] = dict(row)
    for band in rates_table:
        if band not in band_names:
            raise r.fail(("visits", "rates", band), band, "an age band of [population.age_bands]")
    modes_table = r.table(doc, ("visits", "modes"))
    modes = {}
    for name, row in modes_table.items():
        if name != "default" and name not in PROFESSIONS:
            raise r.fail(("visits", "modes", name), name, "default or " + _one_of(PROFESSIONS))
        if not isinstance(row, dict):
            raise r.fail(("visits", "modes", name), row, "a table of mode shares")
        modes[name] = r.shares(row, ("visits", "modes", name), MODES)
    if "default" not in modes:
        raise r.fail(("visits", "modes", "default"), None, "given: the modes of other professions")
    diagnoses = r.table(doc, ("visits", "diagnoses"), required=False)
    observations = r.table(doc, ("observations",), required=False)
    cni = _index(r, r.table(doc, ("cni",)), "cni")
    acg = _index(r, r.table(doc, ("acg",)), "acg")
    indicators = []
    for name, row in r.table(doc, ("indicators",), required=False).items():
        if not isinstance(row, dict):
            raise r.fail(("indicators", name), row, "a table with low and high")
        low = r.number(row, ("indicators", name, "low"), 0, 1)
        high = r.number(row, ("indicators", name, "high"), 0, 1)
        if high < low:
            raise r.fail(("indicators", name, "high"), high, f"at least low ({low})")
        monthly = row.get("monthly", False)
        if not isinstance(monthly, bool):
            raise r.fail(("indicators", name, "monthly"), monthly, "true or false")
        indicators.append(Indicator(name, low, high, monthly))
    start = providers.get("start_date", datetime.date(2010, 1, 1))
    if not isinstance(start, datetime.date) or isinstance(start, datetime.datetime):
        raise r.fail(("providers", "start_date"), start, "a date (2010-01-01)")
    return Profile(
        path=r.path,
        name=r.text(head, ("profile", "name")),
        year=year,
        size=r.whole(head, ("profile", "size"), 1, 50_000_000),
        listed_per_provider=r.whole(providers, ("providers", "listed_per_provider"), 1, 1_000_000),
        provider_kind=r.text(providers, ("providers", "kind"), "vårdcentral"),
        provider_start=start,
        opened_in_year_share=r.number(providers, ("providers", "opened_in_year_share"), 0, 1, 0),
        list_size_spread=r.number(providers, ("providers", "list_size_spread"), 0, 0.95, 0),
        areas=r.shares(r.table(doc, ("providers", "areas")), ("providers", "areas")),
        female_share=r.number(population, ("population", "female_share"), 0, 1),
        unlisted_share=r.number(population, ("population", "unlisted_share"), 0, 0.99),
        moves_share=r.number(population, ("population", "moves_share"), 0, 1, 0),
        max_age=max_age,
        age_bands=bands,
        cni=cni,
        acg=acg,
        acg_change_share=r.number(r.table(doc, ("acg",)), ("acg", "change_share"), 0, 1, 0),
        elsewhere_share=r.number(visits, ("visits", "elsewhere_share"), 0, 1, 0),
        rates=rates,
        modes=modes,
        diagnosis_share=r.number(diagnoses, ("visits", "diagnoses", "share"), 0, 1, 0),
        diagnoses=(
            r.shares(r.table(diagnoses, ("codes",)), ("visits", "diagnoses", "codes"))
            if diagnoses.get("share")
            else {}
        ),
        observation_share=r.number(observations, ("observations", "share"), 0, 1, 0),
        observation_kind=r.text(observations, ("observations", "kind"), "blood_pressure"),
        indicators=tuple(indicators),
    )


def _one_of(names: tuple[str, ...]) -> str:
    return "one of " + ", ".join(names)


def _age_bands(r: _Reader, table: dict, max_age: int) -> tuple[AgeBand, ...]:
    """The age bands, contiguous from 0 with the last one open (`80+`)."""
    keys = ("population", "age_bands")
    shares = r.shares(table, keys)
    bands = []
    expected = 0
    for name, share in shares.items():
        match = _BAND.match(name)
        if not match:
            raise r.fail(keys + (name,), name, "an age band such as 0-5 or 80+")
        lo = int(match[1])
        hi = int(match[2]) if match[2] is not None else max_age
        if lo != expected or hi < lo:
            raise r.fail(keys + (name,), name, f"a band starting at age {expected}")
        if match[2] is None and name != list(shares)[-1]:
            raise r.fail(keys + (name,), name, "the last band (only the last is open)")
        bands.append(AgeBand(name, lo, hi, share))
        expected = hi + 1
    if not list(shares)[-1].endswith("+"):
        raise r.fail(keys, list(shares)[-1], "a last band open upwards (e.g. 80+)")
    return tuple(bands)


def _index(r: _Reader, table: dict, name: str) -> dict[str, float]:
    """A care-need index drawn log-normally: median, spread (σ of the log), min, max."""
    keys = (name,)
    median = r.number(table, keys + ("median",), 0.01, 100)
    spread = r.number(table, keys + ("spread",), 0, 5)
    low = r.number(table, keys + ("min",), 0, 100, 0)
    high = r.number(table, keys + ("max",), 0, 1000, 100)
    if not low <= median <= high:
        raise r.fail(keys + ("median",), median, f"between min ({low}) and max ({high})")
    return {"median": median, "spread": spread, "min": low, "max": high}
