"""Legs of a store as recorded tracks for ``--tracks`` (``--tracks-from STORE`` on ``list``
and ``export``): each leg's airborne fixes written as a CSV of fixes (the format
:mod:`geo.tracks.fixcsv` reads), handed to ``load_dataset(tracks=...)`` as ``(name, bytes)``
uploads, so the map draws them through the one track path."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geo.archive.query import leg_positions, legs
from geo.tracks.fixcsv import FIX_HEADER

__all__ = ["MAX_TRACK_LEGS", "leg_tracks"]

MAX_TRACK_LEGS = 500
"""More legs than this is a usage error: narrow the selection."""


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def leg_tracks(
    store: Path | str,
    *,
    aircraft: str | None = None,
    between: tuple[datetime, datetime] | None = None,
    limit: int = MAX_TRACK_LEGS,
) -> list[tuple[str, bytes]]:
    """``(STORE:LEG_ID.csv, CSV of fixes)`` for each selected leg (``aircraft``: icao24,
    registration or callsign; ``between``: legs overlapping the window); raises
    ``ValueError`` when more than ``limit`` legs match."""
    found = legs(store, aircraft=aircraft, between=between)
    if len(found) > limit:
        raise ValueError(
            f"{len(found):,} legs match in {store}; at most {limit:,} are drawn "
            "(narrow with --tracks-aircraft or --tracks-between)"
        )
    out: list[tuple[str, bytes]] = []
    records: list[dict[Any, Any]] = found.to_dict(orient="records")
    for leg in records:
        fixes = leg_positions(store, str(leg["icao24"]), int(leg["first_s"]), int(leg["last_s"]))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(FIX_HEADER)
        registration = _cell(leg["registration"])
        rows: list[dict[Any, Any]] = fixes.to_dict(orient="records")
        for row in rows:
            stamp = datetime.fromtimestamp(int(row["time_s"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow(
                [stamp, repr(float(row["lat_deg"])), repr(float(row["lon_deg"])),
                 _cell(row["alt_baro_ft"]), _cell(row["gs_kt"]), _cell(row["callsign"]),
                 registration, str(leg["icao24"]), "true" if row["on_ground"] else "false"]
            )  # fmt: skip
        out.append((f"{store}:{leg['leg_id']}.csv", text.getvalue().encode("utf-8")))
    return out
