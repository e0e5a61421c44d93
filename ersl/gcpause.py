"""Keeping Python's cyclic garbage collector out of bulk work.

Reading event data and settling a run allocate millions of small, acyclic objects.
With default thresholds the collector runs every few hundred allocations and keeps
re-scanning everything already built (the data, the indexes), which costs a quarter
of a large run. Inside `bulk_work()` everything that exists is frozen out of the
collector's view and collections are rare; both are undone on exit. Memory is
still freed by reference counting as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run a block with the collector ignoring existing objects and collecting rarely."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
