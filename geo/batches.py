"""Large exports in batches: the geometry of the next batch is computed on a worker thread
while the current one is written.

The geometry is array work (pyproj and numpy, which release the GIL) and the writing is
Python (one feature or placemark at a time), so on two cores the two overlap; and only one
or two batches' vertices are held at a time, not those of every track at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from geo.model import Event

T = TypeVar("T")
R = TypeVar("R")

BATCH_EVENTS = 2048
"""Events per batch: large enough for the bulk formatting to pay, small enough to hold."""


def batches(events: Sequence[Event], size: int = BATCH_EVENTS) -> Iterator[Sequence[Event]]:
    """``events`` in consecutive slices of at most ``size`` (one empty slice for none)."""
    if not events:
        yield events
        return
    for start in range(0, len(events), size):
        yield events[start : start + size]


def ahead(items: Iterable[T], work: Callable[[T], R]) -> Iterator[R]:
    """``work(item)`` for each item, in order; the next item's is computed on a worker thread
    while the caller uses the current one. Exceptions reach the caller."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="geo-batch") as pool:
        pending: Future[R] | None = None
        for item in items:
            submitted = pool.submit(work, item)
            if pending is not None:
                yield pending.result()
            pending = submitted
        if pending is not None:
            yield pending.result()
