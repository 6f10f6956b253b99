"""What the app's page shows beside the map: the events table's rows, a flight's panel, the
zone choices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geo.model import Event
from geo.table import flat, flight_text, normalize, track_lines
from geo.timeline import is_zone, time_in_zone

# ---- what the page shows -------------------------------------------------------------------

TABLE_ORDER: tuple[str, ...] = (
    "id",
    "kind",
    "status",
    "title",
    "when",
    "shown",  # the time in the display zone (see table_rows)
    "start_utc",
    "end_utc",
    "origin",
    "destination",
    "participants",
    "references",
    "notes",
    "aircraft",
    "start_local",
    "end_local",
    "timezone",
    "precision",
    "destination_lat",
    "destination_lon",
    "distance_km",
    "duration_minutes",
    "avg_speed_kmh",
    "plausible",
    "plausibility",
)


def shown_column(tz: str) -> str:
    """The table's column of times in the display zone."""
    return f"time ({tz})"


def _cell(value: Any) -> Any:
    return flat(value) if isinstance(value, list) else value


def table_rows(events: Iterable[Event], tz: str = "UTC") -> list[dict[str, Any]]:
    """:func:`geo.table.normalize` rows in table order, list cells joined with ``; ``
    (sources as their citations and addresses: :func:`geo.table.flat`), and each event's
    time in the display zone ``tz``."""
    rows = []
    for ev in events:
        row = normalize(ev)
        row["shown"] = time_in_zone(ev, tz)
        row["aircraft"] = ev.aircraft
        rows.append(
            {shown_column(tz) if col == "shown" else col: _cell(row.get(col))
             for col in TABLE_ORDER}
        )
    return rows


def flight_panel(event: Event, tz: str = "UTC") -> dict[str, str]:
    """A flight's facts as label -> text, all from :func:`geo.table.normalize`; its times
    also in the display zone ``tz``."""
    row = normalize(event)
    text = flight_text(event)
    plausible = row.get("plausible")
    mark = "✓ plausible" if plausible else "✗ implausible"
    origin = row["origin"][0] if row["origin"] else "?"
    panel = {
        "Route": f"{origin} → {row['destination']}",
        f"Times ({tz})": time_in_zone(event, tz),
        "Departs (local)": f"{row['start_local']} ({row['timezone']})",
        "Arrives (local)": f"{row['end_local']} ({row.get('arrival_timezone', '')})",
        "UTC": f"{row['start_utc']} → {row['end_utc']}",
        "Distance": text.distance,
        "Duration": text.duration,
        "Average speed": text.speed,
        "Plausibility": f"{mark}: {row.get('plausibility', '')}",
        "Status": str(row["status"]),
        "Sources": "; ".join(ref.citation for ref in event.references),
    }
    if event.aircraft:
        panel["Aircraft"] = event.aircraft
    lines = track_lines(event)  # the recorded track against the report, or "computed"
    panel["Track"] = lines[0]
    if len(lines) > 1:
        panel["Record vs report"] = "; ".join(lines[1:])
    if "takeoff_utc" in row:
        panel["Recorded (UTC)"] = f"{row['takeoff_utc']} → {row['landing_utc']}"
    return panel


def zone_options(viewer: str | None, data_zones: Iterable[str], every: Iterable[str]) -> list[str]:
    """UTC, the viewer's zone, the data's zones, then every other IANA zone (sorted)."""
    out: list[str] = ["UTC"]
    if viewer and is_zone(viewer) and viewer != "UTC":
        out.append(viewer)
    seen = set(out)
    for z in (*sorted(set(data_zones)), *sorted(set(every))):
        if z and z not in seen:
            out.append(z)
            seen.add(z)
    return out
