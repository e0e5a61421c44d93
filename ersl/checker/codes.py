"""Titles of the checker's error codes (and of the loader's): one line each, as the
headings of `docs/checker-errors.md` give them (a test keeps the two equal). Tools that
name a code without its message use them — SARIF rule entries for checker errors.
Syntax errors have theirs in `ersl.syntax.error_catalogue`."""

from __future__ import annotations

TITLES: dict[str, str] = {
    "E0001": "A file cannot be read",
    "E0002": "A file is not UTF-8",
    "E0200": "An imported file cannot be found or read",
    "E0201": "Import cycle",
    "E0202": "A name declared twice",
    "E0203": "`extend` of an unknown type, or of the wrong kind",
    "E0204": "A field declared twice",
    "E0205": "An event without a date, a span without start or end",
    "E0206": "A `use` outside the project",
    "E0300": "Unknown name or function",
    "E0301": "Unknown field",
    "E0302": "Unknown type, or a type that does not fit",
    "E0303": "Wrong enum member",
    "E0304": "Unknown statement line",
    "E0305": "Unknown indicator",
    "E0306": "Unknown bundle",
    "E0400": "Arithmetic the units do not allow",
    "E0401": "Comparison the units do not allow",
    "E0402": "A rate paid per event",
    "E0403": "A rate per month or year paid by the day",
    "E0404": "A condition that is not true or false",
    "E0405": "A value of the wrong type",
    "E0406": "A call of the wrong shape",
    "E0407": "A code of the wrong system",
    "E0408": "`split` outside a payment's amount",
    "E0500": "A required clause is missing",
    "E0503": "Capped payments that do not go together",
    "E0505": "Both a bonus and a penalty",
    "E0506": "A word that is not one of the allowed options",
    "E0507": "A rounding increment that is not a multiple of 0.01 kr",
    "E0508": "A date range that ends before it starts",
    "E0509": "A parameter with neither type nor value",
    "E0510": "Dated entries out of order",
    "E0511": "Not a period",
    "E0512": "An expected amount that is not a whole number of öre",
    "E0600": "Cyclic definition",
    "E0601": "`paid` cycle",
}


def title(code: str) -> str | None:
    """The title of an error code (checker, loader or syntax), or None if it has none."""
    if code in TITLES:
        return TITLES[code]
    from ersl.syntax.error_catalogue import BY_CODE

    entry = BY_CODE.get(code)
    return entry.title if entry is not None else None
