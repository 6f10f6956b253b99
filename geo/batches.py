"""Large exports in batches, as a pipeline: the geometry of a batch (pyproj) is computed on
one worker thread, its text (numpy) on a second, while the caller writes the batch before.

Both are array work that releases the GIL, and the writing is Python (one feature or
placemark at a time), so on two cores they overlap; and only a few batches' vertices are
held at a time, never those of every track at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from geo.model import Event

T = TypeVar("T")
R = TypeVar("R")

BATCH_EVENTS = 512
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


def pipeline(
    events: Sequence[Event], geometry: Callable[[Sequence[Event]], T], text: Callable[[T], R]
) -> Iterator[R]:
    """``text(geometry(batch))`` of each batch of ``events``, in order, each step on its own
    worker thread (see the module docstring)."""
    return ahead(ahead(batches(events), geometry), text)
