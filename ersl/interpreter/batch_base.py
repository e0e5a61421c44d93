"""The pieces every batch path shares: a `Batch` of units, `Fallback` (give up and
redo unit by unit), `attempt` (the one way to give up) and `true_rows`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ersl.interpreter.env import Env


class Fallback(Exception):
    """The batch cannot reproduce the scalar result; redo the work unit by unit."""


class Batch:
    """Many units of one line period: binding columns, dates, the shared period.

    `date` is the context date when every unit has the same one (a listed
    month), else None; `dates` always has one date per unit.
    """

    __slots__ = ("n", "columns", "dates", "date", "period", "split", "_envs")

    def __init__(self, columns: dict, dates: list, period, split=None, date=None) -> None:
        self.columns = columns
        self.dates = dates
        self.n = len(dates)
        self.period = period
        self.split = split
        self.date = date
        self._envs: list[Env] | None = None

    @classmethod
    def on(cls, columns: dict, n: int, date, period, split=None) -> Batch:
        """A batch of `n` units that all have the context date `date`."""
        return cls(columns, [date] * n, period, split, date)

    def envs(self) -> list[Env]:
        """One scalar `Env` per unit (built on first use, for nodes without a batch form)."""
        if self._envs is None:
            names = list(self.columns)
            period, split = self.period, self.split
            rows = (
                zip(*(self.columns[name] for name in names), strict=True)
                if names
                else [()] * self.n
            )
            self._envs = [
                Env(dict(zip(names, row, strict=True)), date, period, split)
                for row, date in zip(rows, self.dates, strict=True)
            ]
        return self._envs

    def take(self, index: list[int]) -> Batch:
        """The units at `index`, in that order."""
        columns = {name: [column[i] for i in index] for name, column in self.columns.items()}
        if self.date is not None:
            dates = [self.date] * len(index)
        else:
            dates = [self.dates[i] for i in index]
        taken = Batch(columns, dates, self.period, self.split, self.date)
        if self._envs is not None:
            taken._envs = [self._envs[i] for i in index]
        return taken

    def with_columns(self, columns: dict) -> Batch:
        """The same units with other bindings (a function body sees only its parameters)."""
        return Batch(columns, self.dates, self.period, self.split, self.date)


@contextmanager
def attempt(run, what: str) -> Iterator[None]:
    """Work done in batches: any exception inside restores the run's table-band counts,
    records `what` in `run.bulk_fallbacks` and becomes `Fallback`, for the caller to
    redo the work unit by unit (which reports any error as it always has)."""
    before = dict(run.bands_hit)
    try:
        yield
    except Exception:  # noqa: BLE001 - whatever it was, the unit-by-unit path reports it
        run.bands_hit.clear()
        run.bands_hit.update(before)
        run.bulk_fallbacks.append(what)
        raise Fallback from None


def true_rows(truths: list) -> list[int]:
    """Indexes of the units whose condition holds; a none condition needs the scalar path."""
    if None in truths:
        raise Fallback
    return [i for i, holds in enumerate(truths) if holds]
