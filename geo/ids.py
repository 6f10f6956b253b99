"""Ids unique across one exported document (GeoJSON features, KML placemarks)."""

from __future__ import annotations

from collections.abc import Iterable


class UniqueIds:
    """Ids claimed in document order: a taken id gets ``-2``, ``-3``… (``taken``: ids that
    are spoken for before the first claim, such as every event's own id)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._seen = set(taken)

    def claim(self, wanted: str) -> str:
        out, n = wanted, 1
        while out in self._seen:
            n += 1
            out = f"{wanted}-{n}"
        self._seen.add(out)
        return out


__all__ = ["UniqueIds"]
