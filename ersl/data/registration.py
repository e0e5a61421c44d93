"""Reading the registration fields of a record (`registered`, `replaces`, `withdraws`;
`ersl.data.history`): converted and checked in phase 1 of reading, the record kept with
its registration, a withdrawal kept apart.

Part of the data layer (:mod:`ersl.data`); called by the reader only for the records
that carry one of the fields, so data without them is read as fast as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ersl import types as T
from ersl.data.history import META_FIELDS, Withdrawal, missing_date
from ersl.data.problems import Problem
from ersl.data.values import Bad, Layout, converter, show

_DATE = converter(T.DATE, {})


def read_registered(reader: Any, layout: Layout, raw: dict[str, Any], file: str, line: int) -> None:
    """Take a record's registration fields apart, check them, and keep the record (with
    its registration in ``reader.meta``) or the withdrawal (``reader.withdrawals``)."""
    index = layout.info.index
    rest = {k: v for k, v in raw.items() if k in index or k not in META_FIELDS}
    meta = {
        k: raw[k] for k in META_FIELDS if k in raw and k not in index and raw[k] not in ("", None)
    }
    problems: list[Problem] = []
    registered = _meta_date(layout, meta, file, line, problems)
    targets = {}
    for key in ("replaces", "withdraws"):
        if key in meta:
            value = meta[key]
            if not isinstance(value, str) or not value.strip():
                problems.append(
                    Problem(
                        "E0808",
                        f"field `{key}` of {layout.info.data_name}: {show(value)} is not "
                        "an id; expected the id of a record of the same type",
                        file,
                        line,
                        field=key,
                    )
                )
            else:
                targets[key] = value.strip()
                if layout.info.id_index is None:
                    problems.append(
                        Problem(
                            "E0820",
                            f"`{key}` on a {layout.info.data_name} record: "
                            f"{layout.info.data_name} records have no id to correct",
                            file,
                            line,
                            field=key,
                            help="give a new version of the record with a later `registered`",
                        )
                    )
                elif registered is None and "registered" not in meta:
                    kind = "correction" if key == "replaces" else "withdrawal"
                    problems.append(
                        Problem(
                            "E0823",
                            missing_date(kind),
                            file,
                            line,
                            field=key,
                            help='add e.g. "registered": "2022-05-10"',
                        )
                    )
    if "withdraws" in meta:
        extra = [k for k, v in rest.items() if v not in ("", None)]
        if extra:
            problems.append(
                Problem(
                    "E0803",
                    f"a withdrawal has only `type`, `withdraws` and `registered`; "
                    f"found {', '.join(f'`{k}`' for k in extra)}",
                    file,
                    line,
                    field=extra[0],
                    help="to correct a record, give it again with `replaces` or its id "
                    "and a later `registered`",
                )
            )
        if problems:
            reader.bad_records += 1
            for p in problems:
                reader.problem(p)
            return
        if registered is not None and "withdraws" in targets:
            reader.withdrawals.append(
                Withdrawal(layout.info, targets["withdraws"], registered, file, line)
            )
        return
    record = None
    if not problems:
        try:  # the quick build, as for a record without registration fields
            record = layout.build(rest, file, line)
        except (KeyError, Bad, TypeError):
            pass
        else:
            reader.recs[layout.info.data_name].append(record)
    if record is None:
        record = reader._problems(layout, rest.items(), file, line, problems)
    if record is not None:
        reader.meta[id(record)] = (registered, targets.get("replaces"))


def _meta_date(
    layout: Layout, meta: dict, file: str, line: int, problems: list[Problem]
) -> date | None:
    """The `registered` date of a record, or None (absent, or reported as bad)."""
    if "registered" not in meta:
        return None
    try:
        return _DATE(meta["registered"])
    except Bad as bad:
        problems.append(
            Problem(
                bad.code,
                f"field `registered` of {layout.info.data_name}: "
                f"{show(meta['registered'])} {bad.problem}",
                file,
                line,
                field="registered",
                help=bad.help,
            )
        )
        return None
