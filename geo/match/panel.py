"""The app's "Find the aircraft" panel without Streamlit: which flights can be asked, the
answer as a table and in words, and an events file with the chosen aircraft filled in (the
editor's text, so the edit is checked, kept and downloadable as every edit)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.match.claim import claim_from_event
from geo.match.linking import leg_trace
from geo.match.result import MatchResult, candidate_json, match_claim
from geo.match.score import Candidate
from geo.match.store import open_store
from geo.model import Event
from geo.places import Gazetteer

__all__ = [
    "CANDIDATE_COLUMNS",
    "candidate_events",
    "candidate_map",
    "candidates_frame",
    "coverage_lines",
    "find_aircraft",
    "server_store",
    "flight_choices",
    "with_aircraft",
]

CANDIDATE_COLUMNS = (
    "rank", "score", "registration", "icao24", "type", "callsigns", "takeoff_utc",
    "landing_utc", "origin", "destination", "time_reading", "reasons",
)


STORE_VARIABLE = "GEO_MATCH_STORE"


def server_store() -> str | None:
    """The store the app asks: the server's ``GEO_MATCH_STORE``, else None (the demo). A
    reader never names a server folder (the app reads no server file a reader picks)."""
    return os.environ.get(STORE_VARIABLE) or None


def flight_choices(events: Sequence[Event]) -> list[str]:
    """The ids of the reported flights (a leg nobody reported is no claim)."""
    return [e.id for e in events
            if e.is_flight and (e.recorded is None or e.recorded.comparison is not None)]


def find_aircraft(
    event: Event, gazetteer: Gazetteer, store: str | Path | None = None, *,
    tz_unknown: bool = False, top: int = 5,
) -> MatchResult:
    """The flight matched against ``store`` (default: the synthetic demo store)."""
    from geo.match.demo import demo_store

    archive = open_store(store if store else demo_store())
    claim = claim_from_event(event, gazetteer, tz_unknown=tz_unknown)
    return match_claim(claim, archive, top=top)


def candidates_frame(result: MatchResult) -> pd.DataFrame:
    """The candidates as the panel's table (reasons joined with '; ')."""
    rows = []
    for c in result.candidates:
        data = candidate_json(c, result.claim)
        rows.append({
            **{k: data[k] for k in CANDIDATE_COLUMNS if k not in ("callsigns", "reasons")},
            "callsigns": ", ".join(data["callsigns"]),
            "reasons": "; ".join(data["reasons"]),
        })
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))


def coverage_lines(result: MatchResult) -> list[str]:
    """The coverage and the verdict in plain words, one line each."""
    lines = [
        f"Coverage at {end} {cov.airport}: {cov.verdict} ({cov.aircraft_seen:,} other aircraft "
        "seen near it in the window)"
        for end, cov in result.coverage.items()
    ]
    lines.append(f"Verdict: {result.verdict}")
    return lines


def candidate_map(event: Event, candidate: Candidate, store: str | Path | None = None,
                  *, tz: str = "UTC") -> str:
    """The map document of the claim with ``candidate`` drawn as its recorded track (the
    claim's great circle faint beside it; the card says the record against the claim)."""
    from geo.render import to_html

    return to_html(candidate_events(event, candidate, store), tz=tz, basemap="outlines",
                   title=f"{event.id}: candidate #{candidate.rank}")


def candidate_events(event: Event, candidate: Candidate, store: str | Path | None = None
                     ) -> list[Event]:
    """The claimed flight with ``candidate``'s leg linked as its recorded track."""
    from geo.match.demo import demo_store
    from geo.tracks import link, track_set

    archive = open_store(store if store else demo_store())
    fixes = archive.leg_positions(candidate.icao24, candidate.first_s, candidate.last_s)
    claimed = event._replace(aircraft=candidate.registration or candidate.icao24, recorded=None)
    if fixes.empty:
        return [claimed]
    trace = leg_trace(candidate, fixes, archive.name, synthetic=archive.synthetic)
    return link([claimed], track_set([trace]))


def with_aircraft(events_csv: str, event_id: str, aircraft: str) -> str:
    """``events_csv`` with the ``aircraft`` of the row ``event_id`` set (the column added
    when the file has none); every other cell as it was. Raises ``KeyError`` when no row
    has that id."""
    reader = csv.reader(io.StringIO(events_csv, newline=""))
    rows = list(reader)
    if not rows:
        raise KeyError(event_id)
    header = rows[0]
    if "aircraft" not in header:
        header.append("aircraft")
        for row in rows[1:]:
            row.append("")
    k_id, k_air = header.index("id"), header.index("aircraft")
    found = False
    for row in rows[1:]:
        if len(row) > k_id and row[k_id] == event_id:
            row += [""] * (len(header) - len(row))
            row[k_air] = aircraft
            found = True
    if not found:
        raise KeyError(event_id)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
