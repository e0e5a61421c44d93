"""Data CSV files as Excel saves them: a UTF-8 byte-order mark, `;` between cells and
decimal commas (Swedish Excel), Windows line ends — read exactly like the plain CSV
they stand for; and the files Excel makes that cannot be read (Windows-1252, UTF-16,
thousands separators, decimal commas in a comma-separated file) rejected with a
message that says what was found and what to do."""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_data import EXT, FIXTURES, PROPERTY, STD, _read_text, data_lines

from ersl.data import dump_csv, read_data
from ersl.data.excel import decimal_point, delimiter
from ersl.errors import ErslError
from ersl.exact import parse_decimal

_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def as_swedish_excel(text: str) -> bytes:
    """A comma-separated CSV text as Swedish Excel saves it ("CSV UTF-8"): BOM, `;`
    between cells (cells holding `;` quoted), decimal commas, CRLF line ends."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([c.replace(".", ",") if _DECIMAL.fullmatch(c) else c for c in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def excel_folder(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        (target / path.name).write_bytes(as_swedish_excel(path.read_text(encoding="utf-8")))
    return target


def test_the_fixture_as_swedish_excel_reads_as_the_plain_csv(tmp_path):
    plain = read_data([FIXTURES / "small_csv"], EXT)
    folder = excel_folder(FIXTURES / "small_csv", tmp_path / "excel")
    stay = (folder / "stay.csv").read_bytes()
    # the conversion did what Excel does: BOM, `;`, decimal commas, CRLF
    assert stay.startswith(codecs.BOM_UTF8 + b"id;patient;provider;")
    assert b";0,975;41250,5;" in stay and stay.endswith(b"\r\n")
    assert b'"I10;E11.9"' in (folder / "visit.csv").read_bytes()  # sets are quoted
    assert read_data([folder], EXT) == plain


@PROPERTY
@given(data_lines())
def test_any_dataset_saved_as_swedish_excel_reads_back_equal(lines):
    data = _read_text("\n".join(lines) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain"
        dump_csv(data, plain)
        excel = excel_folder(plain, Path(folder) / "excel")
        again = read_data([excel], STD) if any(excel.iterdir()) else data
    assert again == data


@given(st.integers(-(10**12), 10**12), st.text("0123456789", min_size=1, max_size=12))
def test_decimal_point_reads_any_decimal_comma_exactly(whole: int, digits: str):
    """`W,DDD` reads as W + DDD/10^len (with W's sign), exactly."""
    magnitude = abs(whole) + Fraction(int(digits), 10 ** len(digits))
    expected = -magnitude if whole < 0 else magnitude
    assert parse_decimal(decimal_point(f"{whole},{digits}")) == expected


def test_decimal_point_leaves_other_text_alone():
    assert decimal_point("12,5 %") == "12.5 %"
    for text in ("I10;E11.9", "1,2,3", "Två, Norr", "250.50", "", "1 200,00"):
        assert decimal_point(text) == text


def test_the_separator_is_judged_from_the_header():
    assert delimiter("id;patient;provider\r\n") == ";"
    assert delimiter("id,patient,provider\n") == ","
    assert delimiter("id\n") == ","  # one column: either reads the same
    assert delimiter("id;name,x\n") == ","  # both: the standard comma


def test_decimal_commas_only_in_number_columns(tmp_path):
    """In a `;` file a text column keeps its comma; a decimal column reads 1,25 as 1.25."""
    (tmp_path / "provider.csv").write_bytes(b"id;name\r\nVC1;Ett, Norr\r\n")
    (tmp_path / "patient.csv").write_text("id;birth_date\nP1;1950-01-01\n", encoding="utf-8")
    (tmp_path / "patient_attribute.csv").write_text(
        "patient;from;cni\nP1;2022-01-01;1,25\n", encoding="utf-8"
    )
    data = read_data([tmp_path], STD)
    assert data.provider("VC1")["name"] == "Ett, Norr"
    assert data.patient("P1").timeline("cni") == ((date(2022, 1, 1), Fraction(5, 4)),)


def fails(folder: Path) -> str:
    with pytest.raises(ErslError) as info:
        read_data([folder], STD)
    return str(info.value)


def test_a_decimal_comma_in_a_comma_separated_file_says_what_to_do(tmp_path):
    (tmp_path / "provider.csv").write_text("id\nVC1\n", encoding="utf-8")
    (tmp_path / "patient.csv").write_text("id,birth_date\nP1,1950-01-01\n", encoding="utf-8")
    (tmp_path / "patient_attribute.csv").write_text(
        'patient,from,cni\nP1,2022-01-01,"1,25"\n', encoding="utf-8"
    )
    text = fails(tmp_path)
    path = tmp_path / "patient_attribute.csv"
    assert (
        f'{path}:2:15: error[E0806]: field `cni` of patient_attribute: "1,25" is not a number'
        in text
    )
    assert "help: use a decimal point: 1.25 (decimal commas are read in CSV files with `;`" in text


def test_thousands_separators_say_what_to_do(tmp_path):
    (tmp_path / "provider.csv").write_text("id\nVC1\n", encoding="utf-8")
    (tmp_path / "patient.csv").write_text("id;birth_date\nP1;1950-01-01\n", encoding="utf-8")
    (tmp_path / "stay.csv").write_text(
        "id;patient;provider;start;end;cost\nS1;P1;VC1;2022-01-01;2022-01-02;41\u00a0250,50\n",
        encoding="utf-8",
    )
    text = fails(tmp_path)
    # the cell is found in a `;` file: `41 250,50` starts at column 33 (after 32 characters)
    assert f"{tmp_path / 'stay.csv'}:2:33: error[E0806]: field `cost` of stay" in text
    assert "help: write the number without thousands separators: 41250.50" in text


def test_a_semicolon_file_with_a_row_too_long_names_its_separator(tmp_path):
    (tmp_path / "provider.csv").write_text("id;name\nVC1;Ett;Två\n", encoding="utf-8")
    text = fails(tmp_path)
    assert "this row has 3 cells but the header has 2; expected 2 semicolon-separated cells" in text
    assert 'quote cells that contain `;` (set members, e.g. "I10;I11")' in text


def test_windows_1252_names_the_byte_line_and_column(tmp_path):
    (tmp_path / "provider.csv").write_bytes("id;name\r\nVC1;Vårdcentral\r\n".encode("cp1252"))
    text = fails(tmp_path)
    path = tmp_path / "provider.csv"
    assert (
        f"{path}:2:6: error[E0002]: {path} is not UTF-8 text: the byte 0xE5 is `å` "
        "in Windows-1252" in text
    )
    assert 'help: save it as UTF-8: in Excel choose Save As → "CSV UTF-8 (comma delimited)"' in text


def test_utf16_says_so(tmp_path):
    (tmp_path / "provider.csv").write_bytes("id\tname\r\nVC1\tEtt\r\n".encode("utf-16"))
    text = fails(tmp_path)
    assert "is not UTF-8 text: it is UTF-16 (Excel's “Unicode text”)" in text
