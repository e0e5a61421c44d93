"""`ersl test --as-of DATE` (issue 18, docs/reference/time.md): a test's given records may carry
`registered`, `replaces` and `withdraws`; the test settles them as known on the date."""

from __future__ import annotations

from pathlib import Path

import pytest

from ersl.cli import main

HERE = Path(__file__).resolve().parent / "fixtures" / "over_time"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The contract and its tests (as_of_tests.ersl, not collected by the pytest plugin:
    without --as-of it fails, on purpose) in a folder of their own."""
    for name, target in (("clinic.ersl", "clinic.ersl"), ("as_of_tests.ersl", "clinic_test.ersl")):
        (tmp_path / target).write_text((HERE / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "as_of, code, shown",
    [
        # as of 2022-03-01: V3, a doctor visit: 400 kr, as expected
        ("2022-03-01", 0, "1 passed"),
        # as of 2022-04-05: V3b (nurse, 200 kr) replaced V3: 200 − 400 = −200
        ("2022-04-05", 1, "expected 400.00 kr, actual 200.00 kr, difference -200.00 kr"),
        # as of 2022-07-01 (and with all data): V3b is withdrawn, no line at all
        ("2022-07-01", 1, "expected 400.00 kr, actual none, no line was computed"),
        (None, 1, "expected 400.00 kr, actual none"),
    ],
)
def test_tests_settle_their_data_as_of_the_date(capsys, folder, as_of, code, shown):
    argv = ["test", str(folder)] + (["--as-of", as_of] if as_of else [])
    assert main(argv) == code
    assert shown in capsys.readouterr().out


def test_a_bad_as_of_date(capsys, folder):
    assert main(["test", str(folder), "--as-of", "2022-02-30"]) == 2
    assert "--as-of 2022-02-30: '2022-02-30' is not a real date" in capsys.readouterr().err


def test_registration_fields_in_a_given_block_are_type_checked(tmp_path, capsys):
    (tmp_path / "clinic.ersl").write_text(
        (HERE / "clinic.ersl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "clinic_test.ersl").write_text(
        'use "clinic.ersl"\n'
        'test "t" {\n'
        "  period 2022-02\n"
        "  given {\n"
        "    provider VC1 {}\n"
        "    patient  P1  { birth_date 1950-01-01 }\n"
        "    visit    V3  { patient P1, provider VC1, date 2022-02-07, profession doctor, "
        'mode physical, registered "soon" }\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    assert main(["test", str(tmp_path)]) == 2
    err = capsys.readouterr()
    assert "`registered` is date, but this value is text" in err.out + err.err


TEST_AS_OF = """use "clinic.ersl"

## V3 (doctor, 400 kr) registered 2022-02-08 is replaced on 2022-04-02 by V3b (nurse,
## 200 kr): as of 2022-03-01 February is 1 × 400.
test "as of March" {
  period 2022-02
  as of  2022-03-01
  given {
    provider VC1 {}
    patient  P1  { birth_date 1950-01-01 }
    visit    V3  {
      patient P1
      provider VC1
      date 2022-02-07
      profession doctor
      mode physical
      registered 2022-02-08
    }
    visit    V3b {
      patient P1
      provider VC1
      date 2022-02-07
      profession nurse
      mode physical
      registered 2022-04-02
      replaces V3
    }
  }
  expect {
    VC1 "Besök" 2022-02 = 400.00 kr
  }
}
"""


def test_a_test_block_may_say_as_of_which_date(tmp_path, capsys):
    (tmp_path / "clinic.ersl").write_text(
        (HERE / "clinic.ersl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "clinic_test.ersl").write_text(TEST_AS_OF, encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 0
    # the test's own `as of` wins over the command line's
    assert main(["test", str(tmp_path), "--as-of", "2022-05-01"]) == 0
    assert "1 passed" in capsys.readouterr().out
    assert main(["fmt", "--check", str(tmp_path / "clinic_test.ersl")]) == 0


def test_as_of_is_one_clause_of_a_real_date(tmp_path, capsys):
    (tmp_path / "clinic.ersl").write_text(
        (HERE / "clinic.ersl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "t_test.ersl").write_text(
        'use "clinic.ersl"\ntest "bad" {\n  as of 2022-02-30\n  as of 2022-03-01\n}\n',
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path / "t_test.ersl")]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "t_test.ersl:3:9: error[E0102]: `2022-02-30` is not a date in the calendar" in text
    assert "t_test.ersl:4:3: error[E0103]: the `as of` clause is given twice in this test" in text
