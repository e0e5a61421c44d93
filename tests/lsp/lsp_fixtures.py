"""The small contract the language-server tests open, and helpers to find places in it.

`CONTRACT` uses the standard library's schema and a file of its own (`avgifter.ersl`);
`CONTRACT_TEST` tests it. Positions are found by searching the text, so the tests say
which word they point at rather than a bare line and column.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

REPO = Path(__file__).resolve().parents[2]

CONTRACT = """\
contract "Testavtal" {
  valid  2022-01-01 .. 2022-12-31
  settle monthly
}

use stdlib "schema/sweden"
use "avgifter.ersl"

## Besöksavgift per besök.
param avgift = dated {
  from 2022-01-01 -> 200 kr
  from 2022-07-01 -> 225 kr
}

## Ersättning per listad och år efter ålder.
param åldersersättning = table of int {
  0 to 5     -> 953 kr/year
  6 and over -> 794 kr/year
}

payment "Besök" {
  kind   variable
  per    Visit v where v.mode in {physical, home}
  amount avgift * tillägg
}

payment "Listning" {
  kind   fixed
  per    listed patient p at q each month
  amount åldersersättning(age(p))
}
"""

FEES = """\
## Tillägg för alla besök.
param tillägg = 1.5
"""

CONTRACT_TEST = """\
use "contract.ersl"

test "Ett besök i mars" {
  given {
    patient  P1  { birth_date 1950-01-01 }
    provider VC1 {}
    visit    V1  { patient P1, provider VC1, date 2022-03-10, profession doctor, mode physical }
  }
  expect {
    # 200 kr (the fee from 2022-01-01) * 1.5 (tillägg) = 300 kr
    VC1 "Besök" 2022-03 = 300 kr
  }
}
"""


def write_project(folder: Path) -> Path:
    """Write the contract, its fee file and its test file into `folder`; return the contract."""
    (folder / "avgifter.ersl").write_text(FEES, encoding="utf-8")
    (folder / "contract_test.ersl").write_text(CONTRACT_TEST, encoding="utf-8")
    contract = folder / "contract.ersl"
    contract.write_text(CONTRACT, encoding="utf-8")
    return contract


def where(text: str, needle: str, occurrence: int = 1, offset: int = 0) -> tuple[int, int]:
    """The 0-based line and character of the `occurrence`-th `needle` in `text` (+ `offset`)."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply text edits (positions in UTF-16 units, as the protocol says) to `text`."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        units = lines[position.line].encode("utf-16-le")[: position.character * 2]
        return before + len(units.decode("utf-16-le"))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text
