"""Every reported flight of an events file matched against an archive, and the summary:
``312 of 340 reported flights found in the record; 20 without coverage; 8 not recorded
despite good coverage``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from geo.match.claim import Claim, ClaimError, claim_from_event
from geo.match.result import Archive, MatchResult, match_claims, result_json
from geo.model import Event
from geo.places import Gazetteer

__all__ = ["BATCH_COLUMNS", "batch_row", "match_events", "summary"]

BATCH_COLUMNS = (
    "event", "status", "score", "icao24", "registration", "type", "takeoff_utc",
    "landing_utc", "origin", "destination", "time_reading", "origin_coverage",
    "origin_aircraft_seen", "destination_coverage", "destination_aircraft_seen", "verdict",
    "synthetic",
)


def match_events(
    events: Iterable[Event], gazetteer: Gazetteer, archive: Archive, *,
    tz_unknown: bool = False, top: int = 5,
) -> tuple[list[MatchResult], list[str]]:
    """The result for each flight event, and a line for each flight that is no claim
    (``event 'x': …``: an airport that is not an airport, say)."""
    claims: list[Claim] = []
    skipped: list[str] = []
    for event in events:
        if event.kind != "flight":
            continue
        try:
            claims.append(claim_from_event(event, gazetteer, tz_unknown=tz_unknown))
        except ClaimError as exc:
            skipped.append(str(exc))
    return match_claims(claims, archive, top=top), skipped


def summary(results: Sequence[MatchResult]) -> str:
    """The batch in one line."""
    counts = Counter(r.status for r in results)
    found = counts["found"] + counts["ambiguous"]
    parts = [f"{found:,} of {len(results):,} reported flights found in the record"]
    if counts["ambiguous"]:
        parts[0] += f" ({counts['ambiguous']:,} ambiguous)"
    parts.append(f"{counts['no coverage']:,} without coverage")
    parts.append(f"{counts['not recorded']:,} not recorded despite good coverage")
    if counts["poor coverage"]:
        parts.append(f"{counts['poor coverage']:,} not recorded where coverage is poor")
    line = "; ".join(parts)
    if any(r.synthetic for r in results):
        line += " (SYNTHETIC archive: no evidence)"
    return line


def batch_row(result: MatchResult) -> dict[str, Any]:
    """One flight's result as a flat row (:data:`BATCH_COLUMNS`)."""
    data = result_json(result)
    best = data["candidates"][0] if data["candidates"] else {}
    cov = data["coverage"]
    return {
        "event": result.claim.event_id,
        "status": result.status,
        "score": best.get("score"),
        "icao24": best.get("icao24"),
        "registration": best.get("registration"),
        "type": best.get("type"),
        "takeoff_utc": best.get("takeoff_utc"),
        "landing_utc": best.get("landing_utc"),
        "origin": best.get("origin"),
        "destination": best.get("destination"),
        "time_reading": best.get("time_reading"),
        "origin_coverage": cov["origin"]["verdict"],
        "origin_aircraft_seen": cov["origin"]["aircraft_seen"],
        "destination_coverage": cov["destination"]["verdict"],
        "destination_aircraft_seen": cov["destination"]["aircraft_seen"],
        "verdict": result.verdict,
        "synthetic": result.synthetic,
    }
