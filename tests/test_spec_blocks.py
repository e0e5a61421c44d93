"""Every ERSL code block in SPEC.md passes `ersl check`, combined with what it needs.

SPEC blocks are excerpts: some use declarations made in other blocks or in
the standard library, two contain `…` placeholders. Each case below names the
blocks it combines and the smallest supplement it needs; nothing in a block is
changed except deleting a clause that is only `…`.
"""

from __future__ import annotations

import re

import pytest
from conftest import spec_blocks

from ersl.cli import main

SCHEMA = 'use stdlib "schema/sweden"\n'
FUNCTIONS = 'use stdlib "functions/listing"\nuse stdlib "functions/p4p"\n'
CODESETS = """
codeset ischemic_heart: icd10 { "I10".."I15" }
codeset hip_knee_arthroplasty: kva { "NFB*", "NGB*" }
codeset lab_and_imaging: kva { "AF*", "UA*" }
codeset joint_reoperation: kva { "NFC*", "NGC*" }
codeset antibiotics: atc { "J01*" }
"""
# Block 1 is an abbreviated schema; it needs the types it mentions but does not declare.
SCHEMA_SUPPLEMENT = """
enum Profession { doctor, nurse }
record Provider { id: text }
event Procedure { id: text, patient: Patient, provider: Provider, date: date, code: code kva }
"""
INDICATORS = """
indicator "111 Rökning – ischemisk hjärtsjukdom" reported
indicator "Nytt mått 2022" reported
indicator "Endast miniminivå" reported
indicator "114 LDL – ischemisk hjärtsjukdom" reported
event Contact { id: text, patient: Patient, provider: Provider, date: date, days_to_assessment: int }
"""
# Block 9 tests a Stockholm model; until stdlib_rules/stockholm/husläkare.ersl exists this
# stand-in declares the lines and parameter the block names.
HUSLAKARE_STANDIN = """
contract "stand-in" { valid 2022-01-01 .. 2022-12-31 }
use stdlib "schema/sweden"
use stdlib "functions/listing"
param visit_fee: money
payment "Besöksersättning" { kind variable  per Visit v  amount visit_fee }
performance "Kvalitetsersättning" for provider q each year {
  bonus 30 kr/year * average_listed(q)
  indicators { "Q" if reported }
}
indicator "Q" reported
"""


def _without_ellipsis(block: str) -> str:
    return "\n".join(line for line in block.splitlines() if "…" not in line)


CASES = {
    "header": lambda b, w: (w("codes.ersl", ""), b[0])[1],
    "schema": lambda b, w: b[1] + SCHEMA_SUPPLEMENT,
    "parameters": lambda b, w: SCHEMA + b[2],
    "functions": lambda b, w: SCHEMA + b[3],
    "payments": lambda b, w: SCHEMA + b[2] + b[4],
    "cap": lambda b, w: SCHEMA + FUNCTIONS + b[2] + b[4] + b[5],
    "indicators": lambda b, w: SCHEMA + FUNCTIONS + CODESETS + INDICATORS + _without_ellipsis(b[6]),
    "bundle": lambda b, w: SCHEMA + CODESETS + _without_ellipsis(b[7]),
    "pools": lambda b, w: SCHEMA + FUNCTIONS + "param visit_fee: money\n" + b[8],
    "tests": lambda b, w: (w("../stdlib_rules/stockholm/husläkare.ersl", HUSLAKARE_STANDIN), b[9])[
        1
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_spec_block_checks(case, tmp_path, capsys):
    blocks = spec_blocks()
    if len(blocks) < 10:
        pytest.skip("SPEC.md is not beside the repository")
    folder = tmp_path / "contracts"
    folder.mkdir()

    def write(name, text):
        path = (folder / name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    source = CASES[case](blocks, write)
    path = write(f"{case}.ersl", source)
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out


def test_every_spec_block_is_covered():
    blocks = spec_blocks()
    if not blocks:
        pytest.skip("SPEC.md is not beside the repository")
    import inspect

    text = inspect.getsource(__import__(__name__))
    used = {int(m) for m in re.findall(r"b\[(\d+)\]", text)}
    assert used == set(range(len(blocks))), (
        f"SPEC has {len(blocks)} blocks; cases use {sorted(used)}"
    )


def test_every_library_and_example_file_checks(capsys):
    from conftest import repo_ersl_files

    files = [str(p) for p in repo_ersl_files()]
    assert files, "no .ersl files found"
    code = main(["check", *files])
    assert code == 0, capsys.readouterr().out
