"""CSV files as spreadsheets save them: a UTF-8 byte-order mark (read away by the
`utf-8-sig` codec), `;` between cells (Swedish Excel's default, since the comma is the
decimal sign there) and decimal commas (`250,50`) in number columns.

Used by the data reader (`<type>.csv` files) and by table parameters read from CSV
(`--param fee=fees.csv`). A file is `;`-separated when its header — field names, which
never hold either sign — has a `;` and no `,`. Decimal commas are read only in such
files: in a comma-separated file `"1,500"` could as well be an English 1 500.
"""

from __future__ import annotations

import re

from ersl import types as T

_DECIMAL_COMMA = re.compile(r"\s*([+-]?[0-9]+),([0-9]+)\s*(%|pp|kr)?\s*")

SEPARATOR_NAMES = {",": "comma", ";": "semicolon"}


def delimiter(header: str) -> str:
    """The cell separator of a CSV file, judged from its header line."""
    return ";" if ";" in header and "," not in header else ","


def is_number(t: T.Type) -> bool:
    """Whether a field of type `t` holds a number (where a decimal comma may appear)."""
    t = T.strip_optional(t)
    return t in (T.DECIMAL, T.MONEY, T.PERCENT, T.PP) or isinstance(t, T.Rate)


def number_help(text: str) -> str | None:
    """What to do about a number written with a decimal comma or thousands separators
    where they cannot be read, or None."""
    text = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
        return (
            f"use a decimal point: {text.replace(',', '.')} (decimal commas are read in CSV "
            "files with `;` between cells, as Swedish Excel saves them)"
        )
    if re.fullmatch(r"[+-]?[0-9]{1,3}([ \u00a0\u202f][0-9]{3})+([.,][0-9]+)?", text):
        plain = re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
        return f"write the number without thousands separators: {plain}"
    return None


def decimal_point(text: str) -> str:
    """`250,50` → `250.50` (also `12,5 %`); any other text unchanged."""
    match = _DECIMAL_COMMA.fullmatch(text)
    if match is None:
        return text
    whole, fraction, unit = match.groups()
    return f"{whole}.{fraction}" + (f" {unit}" if unit else "")
