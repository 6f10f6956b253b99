"""Read and validate the CSV files into records, one step per module.

``source`` (bytes and encoding) -> ``csvfile`` (CSV shape: header, rows, lines) ->
``reference`` (airports, places and sources), ``views`` and ``rules`` (the event rules, an
ordered list of named checks) -> ``events`` (an events file: CSV, or ``frames``: GeoPackage,
GeoParquet, GeoJSON). Leaf readers only: :mod:`geo.dataset`, above these and
:mod:`geo.tracks`, assembles them into one ``Dataset``.

Every problem in a file is collected, then raised together as one :class:`DataError` whose
lines read ``FILE:LINE: column: message`` (header = line 1; a row spanning several lines
because of quoted newlines reports its first line). Nothing here raises anything else for bad
input.
"""

from __future__ import annotations

from geo.io.csvfile import Table, read_records, split_list, split_lists
from geo.io.events import load_events
from geo.io.reference import load_airports, load_places
from geo.io.rules import BULK_TIMES, CHECKS
from geo.io.source import MAX_BYTES, Source, too_big_message
from geo.model import DataError

__all__ = [
    "BULK_TIMES",
    "CHECKS",
    "MAX_BYTES",
    "DataError",
    "Source",
    "Table",
    "load_airports",
    "load_events",
    "load_places",
    "read_records",
    "split_list",
    "split_lists",
    "too_big_message",
]

_MOVED = frozenset({"Dataset", "load_dataset", "default_paths", "SHIPPED_FILES"})


def __getattr__(name: str) -> object:
    """A name that moved up to :mod:`geo.dataset` says where it went (no import runs back up:
    ``geo.io`` is read by ``geo.dataset``, never the other way)."""
    if name in _MOVED:  # an ImportError, so `from geo.io import ...` shows this message
        raise ImportError(
            f"geo.io.{name} moved to geo.dataset (the assembly sits above the readers): "
            f"from geo.dataset import {name}"
        )
    raise AttributeError(f"module 'geo.io' has no attribute {name!r}")
