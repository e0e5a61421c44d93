"""`ersl synth` (issue 15 §1): profiles, determinism, validity against the schema by
construction, and the distributions of a large sample against the profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ersl.api as api
from ersl.cli import main
from ersl.errors import ErslError
from ersl.tender.profile import MODES, PROFESSIONS, read_profile
from ersl.tender.synth import generate, synthesise

REPO = Path(__file__).resolve().parents[2]
STOCKHOLM = REPO / "stdlib_rules" / "profiles" / "stockholm.toml"
HUSLAKARE = REPO / "stdlib_rules" / "stockholm" / "husläkare.ersl"


@pytest.fixture(scope="module")
def profile():
    return read_profile(STOCKHOLM)


@pytest.fixture(scope="module")
def contract():
    return api.load(HUSLAKARE)


def test_the_profile_enums_are_the_standard_schema_s(contract):
    enums = contract.checked.symbols.enums
    assert tuple(m.name for m in enums["Profession"].members) == PROFESSIONS
    assert tuple(m.name for m in enums["Mode"].members) == MODES


@pytest.mark.parametrize("suffix", ["data.jsonl", "data.parquet", "folder"])
def test_the_same_seed_gives_the_same_bytes(tmp_path, profile, suffix):
    first = synthesise(profile, tmp_path / "a" / suffix, 600, seed=7)
    second = synthesise(profile, tmp_path / "b" / suffix, 600, seed=7)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_another_seed_gives_another_population(tmp_path, profile):
    (a,) = synthesise(profile, tmp_path / "a.jsonl", 300, seed=1)
    (b,) = synthesise(profile, tmp_path / "b.jsonl", 300, seed=2)
    assert a.read_bytes() != b.read_bytes()


def test_what_synth_writes_reads_back_without_a_diagnostic(tmp_path, profile, contract):
    """JSON Lines and a folder of CSV files are read by ERSL's data reader against the
    Stockholm model's schema with no error (read_data raises on any), give equal
    datasets, and settle."""
    (jsonl,) = synthesise(profile, tmp_path / "data.jsonl", 3000, seed=3)
    synthesise(profile, tmp_path / "folder", 3000, seed=3)
    from_jsonl = api.read_data([jsonl], contract)
    from_csv = api.read_data([tmp_path / "folder"], contract)
    assert not from_jsonl.skipped and not from_csv.skipped
    assert from_jsonl == from_csv
    assert len(from_jsonl.patients()) == 3000
    kinds = {name: len(from_jsonl.records(name)) for name in ("Visit", "Listing", "Observation")}
    assert all(kinds.values()), kinds
    # several providers, moves between them (a patient with two listings), unlisted patients
    many = synthesise(profile, tmp_path / "many.jsonl", 30000, seed=3)[0]
    data = api.read_data([many], contract)
    assert len(data.providers()) == 3  # 30 000 × 0.92 / 10 000 listed per clinic, rounded
    listings = [len(data.listings(p)) for p in data.patients()]
    assert max(listings) == 2 and listings.count(0) > 0
    fees = tmp_path / "fees.csv"
    fees.write_text("key,value\n" + "".join(f"{p},200\n" for p in PROFESSIONS), encoding="utf-8")
    statement = contract.settle(from_jsonl, "2022", {"besöksersättning": str(fees)})
    assert statement.lines


def test_parquet_outputs_read_back_equal_to_json_lines(tmp_path, profile, contract):
    """One Parquet file with a type column and a folder of <type>.parquet files are read
    by ERSL's Parquet reader with no diagnostic, into the dataset of the JSON Lines."""
    (jsonl,) = synthesise(profile, tmp_path / "d.jsonl", 2000, seed=4)
    (single,) = synthesise(profile, tmp_path / "d.parquet", 2000, seed=4)
    synthesise(profile, tmp_path / "folder", 2000, seed=4, folder_format="parquet")
    expected = api.read_data([jsonl], contract)
    assert api.read_data([single], contract) == expected
    assert api.read_data([tmp_path / "folder"], contract) == expected


def test_a_parquet_file_holds_every_type_with_a_type_column(tmp_path, profile):
    import duckdb

    (path,) = synthesise(profile, tmp_path / "d.parquet", 500, seed=1)
    rows = duckdb.sql(f"SELECT type, count(*) FROM '{path}' GROUP BY type ORDER BY type")
    types = dict(rows.fetchall())
    assert types["patient"] == 500 and types["provider"] == 1
    assert set(types) == {
        "indicator_result",
        "listing",
        "observation",
        "patient",
        "patient_attribute",
        "provider",
        "visit",
    }


# ---------------------------------------------------------------- distributions

SAMPLE = 200_000


@pytest.fixture(scope="module")
def sample(profile):
    con = generate(profile, SAMPLE, seed=11)
    yield con
    con.close()


def test_the_age_mix_is_the_profile_s(sample, profile):
    """Each band's share within 0.5 pp of the profile (binomial σ ≤ 0.11 pp at 200 000),
    and every age inside its band: the age at the year's start from the birth date."""
    shares = dict(
        sample.execute("SELECT band, count(*) / 200000 FROM pat GROUP BY band").fetchall()
    )
    for band in profile.age_bands:
        assert abs(shares[band.name] - band.share) < 0.005, band.name
    outside = sample.execute(
        """SELECT count(*) FROM pat JOIN bands USING (band)
           WHERE date_diff('year', birth_date, DATE '2022-01-01')
                 - (strftime(birth_date, '%m-%d') > '01-01')::INT NOT BETWEEN lo_age AND hi_age"""
    ).fetchone()[0]
    assert outside == 0


def test_visit_rates_by_age_and_profession_are_the_profile_s(sample, profile):
    """Visits per person and year by band and profession within four standard errors of
    the profile's rate (a band of n people with rate r has r·n Poisson visits: standard
    error √(r/n) per person), and the overall rate of each band within 2 %."""
    rows = sample.execute(
        """SELECT pat.band, visit.profession, count(*), any_value(n)
           FROM visit JOIN pat ON pat.id = visit.patient
           JOIN (SELECT band, count(*) AS n FROM pat GROUP BY band) sizes USING (band)
           GROUP BY ALL"""
    ).fetchall()
    observed = {(band, prof): (visits, n) for band, prof, visits, n in rows}
    for band, rates in profile.rates.items():
        for prof, rate in rates.items():
            visits, n = observed[band, prof]
            assert abs(visits / n - rate) <= 4 * (rate / n) ** 0.5, (band, prof, visits / n)
        total = sum(v for (b, _), (v, _n) in observed.items() if b == band)
        n = next(n for (b, _), (_v, n) in observed.items() if b == band)
        assert total / n == pytest.approx(profile.visit_rate(band), rel=0.02), band
    assert {prof for _, prof in observed} <= set(PROFESSIONS)


def test_shares_of_the_population_are_the_profile_s(sample, profile):
    female, unlisted = sample.execute(
        "SELECT avg((sex = 'F')::INT), avg((NOT listed)::INT) FROM pat"
    ).fetchone()
    assert female == pytest.approx(profile.female_share, abs=0.005)
    assert unlisted == pytest.approx(profile.unlisted_share, abs=0.005)
    doctor_modes = dict(
        sample.execute(
            """SELECT mode, count(*) / sum(count(*)) OVER () FROM visit
               WHERE profession = 'doctor' GROUP BY mode"""
        ).fetchall()
    )
    for mode, share in profile.modes["doctor"].items():
        assert doctor_modes[mode] == pytest.approx(share, abs=0.005), mode


# ---------------------------------------------------------------- profile errors

GOOD = STOCKHOLM.read_text(encoding="utf-8")


def _error(tmp_path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ErslError) as caught:
        read_profile(path)
    return caught.value.render()


def test_a_profile_that_is_not_toml_is_e1500_with_its_line(tmp_path):
    message = _error(tmp_path, '[profile]\nname = "x"\nyear = = 2022\n')
    assert "error[E1500]" in message and "p.toml:3:" in message


def test_a_missing_profile_is_e1500(tmp_path):
    with pytest.raises(ErslError, match=r"E1500.*cannot read the profile"):
        read_profile(tmp_path / "nope.toml")


def test_shares_that_do_not_sum_to_one_are_e1501_at_their_table(tmp_path):
    message = _error(tmp_path, GOOD.replace('"80+" = 0.045', '"80+" = 0.145'))
    assert "error[E1501]" in message
    assert "population.age_bands" in message and "summing to 1" in message
    line = next(n for n, t in enumerate(GOOD.splitlines(), 1) if "[population.age_bands]" in t)
    assert f"p.toml:{line}:" in message


def test_an_unknown_profession_is_e1501_naming_the_members(tmp_path):
    message = _error(tmp_path, GOOD.replace("dietitian = 0.02", "dietician = 0.02", 1))
    assert "visits.rates.0-5.dietician" in message and "one of doctor, nurse" in message


def test_age_bands_with_a_gap_are_e1501(tmp_path):
    message = _error(tmp_path, GOOD.replace('"6-64" = 0.745', '"7-64" = 0.745'))
    assert "`population.age_bands.7-64`" in message and "a band starting at age 6" in message


def test_a_band_without_rates_is_e1501(tmp_path):
    message = _error(tmp_path, GOOD.replace('[visits.rates."80+"]', '[visits.rates."85+"]'))
    assert "visits.rates.80+" in message and "every age band needs its rates" in message


def test_a_number_out_of_range_is_e1501(tmp_path):
    message = _error(tmp_path, GOOD.replace("unlisted_share = 0.08", "unlisted_share = 8"))
    assert "population.unlisted_share" in message and "a number from 0 to 0.99" in message


def test_an_indicator_with_high_below_low_is_e1501(tmp_path):
    message = _error(tmp_path, GOOD.replace("high = 1.0 ", "high = 0.1 ", 1))
    assert "at least low (0.4)" in message


def test_every_figure_of_the_stockholm_profile_cites_a_source_or_says_assumption():
    """A figure's line, or its table's header line, carries `seed 00N` or `assumption`."""
    header_note = ""
    for number, line in enumerate(GOOD.splitlines(), 1):
        if line.startswith("["):
            header_note = line
            continue
        if re.match(r"^[\w\"'+-]+.*=\s*[\d{]", line):
            note = line + header_note
            assert re.search(r"seed 00\d|assumption", note), f"line {number}: {line}"


# ---------------------------------------------------------------- the command


def test_ersl_synth_writes_a_standard_profile(tmp_path, capsys):
    out = tmp_path / "d.jsonl"
    assert main(["synth", "stockholm", "--size", "200", "--seed", "5", "-o", str(out)]) == 0
    assert "wrote 200 patients" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count('"type":"patient"') == 200


def test_ersl_synth_of_an_unknown_profile_is_e1502(tmp_path, capsys):
    assert main(["synth", "stokholm", "-o", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "E1502" in err and "stockholm" in err


def test_ersl_synth_refuses_a_size_below_one(tmp_path, capsys):
    assert main(["synth", "stockholm", "--size", "0", "-o", str(tmp_path / "x.jsonl")]) == 2
    assert "give at least 1 patient" in capsys.readouterr().err


def test_the_documented_profile_reads_and_its_error_example_is_what_ersl_says(tmp_path):
    """docs/synth.md: the example profile is valid; with 65+ at 0.28 it is the E1501
    shown on the page, verbatim."""
    page = (REPO / "docs" / "synth.md").read_text(encoding="utf-8")
    example = page.split("```toml\n")[1].split("```")[0]
    path = tmp_path / "my_region.toml"
    path.write_text(example, encoding="utf-8")
    assert synthesise(read_profile(path), tmp_path / "d.jsonl", 50, seed=1)
    path.write_text(example.replace('"65+" = 0.18', '"65+" = 0.28'), encoding="utf-8")
    with pytest.raises(ErslError) as caught:
        read_profile(path)
    shown = page.split("```text\n")[1].split("```")[0]
    assert caught.value.render().replace(str(path), "my_region.toml") + "\n" == shown
