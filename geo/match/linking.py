"""``list``/``export --match-from STORE``: every reported flight matched against the archive;
the best candidate at or above :data:`~geo.match.score.FOUND_SCORE` becomes the flight's
recorded track through the tracks' own linking (:func:`geo.tracks.link`), the others are
its alternatives: :class:`geo.model.Alternative` on the event (each candidate's name, score,
reasons in short and its fixes thinned for drawing), which the map's card lists and, on
request, draws faintly.

The chosen leg's fixes (:func:`geo.archive.leg_positions`, the one rule by which
``--tracks-from`` draws a leg too) are made a :class:`~geo.tracks.Trace`
(:func:`geo.tracks.make_trace`), and the event's
``aircraft`` is set to the leg's registration (else its ICAO address) when it names
another aircraft or none, so the linking pairs them: from there every reader (the popup,
``list``, each export) shows the record against the claim as for ``--tracks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.match.claim import Claim, ClaimError, claim_from_event
from geo.match.result import MatchResult, candidate_json, match_claims
from geo.match.score import Candidate, short_reasons
from geo.match.store import StoreArchive
from geo.model import Alternative, Event
from geo.places import Gazetteer
from geo.tracks import (
    Trace,
    link,
    make_trace,
    normalize_aircraft,
    simplify_many,
    split_legs,
    track_set,
)
from geo.tracks.link import DRAW_TOLERANCE_M

__all__ = [
    "MatchedFlights",
    "alternative",
    "leg_trace",
    "match_events_to_store",
    "match_fields",
]


@dataclass(frozen=True, slots=True)
class MatchedFlights:
    """The events with the chosen records linked, and each flight's result by event id."""

    events: tuple[Event, ...]
    results: dict[str, MatchResult]
    skipped: tuple[str, ...]  # flights that are no claim, in words


def leg_trace(c: Candidate, fixes: pd.DataFrame, store: str, *, synthetic: bool = False
              ) -> Trace:
    """A candidate's fixes (``geo.archive.leg_positions``) as a trace for the tracks' linking."""
    calls = fixes["callsign"].tolist() if "callsign" in fixes else [None] * len(fixes)
    names: dict[str, int] = {}
    codes = np.array(
        [-1 if not isinstance(x, str) or not x else names.setdefault(x, len(names))
         for x in calls], dtype=np.int32,
    )

    def col(name: str, dtype: type = np.float64) -> Any:
        if name not in fixes:
            return None
        return pd.to_numeric(fixes[name], errors="coerce").to_numpy(dtype=np.float64).astype(
            dtype
        )

    return make_trace(
        f"{store} ({'SYNTHETIC archive, ' if synthetic else ''}{c.leg_id})",
        fixes["time_s"].to_numpy(dtype=np.float64),
        fixes["lat_deg"].to_numpy(dtype=np.float64),
        fixes["lon_deg"].to_numpy(dtype=np.float64),
        alt_ft=col("alt_baro_ft"),
        on_ground=fixes["on_ground"].fillna(False).to_numpy(dtype=np.bool_)
        if "on_ground" in fixes else None,
        gs_kt=col("gs_kt"),
        track_deg=col("track_deg"),
        vrate_fpm=col("vrate_fpm"),
        callsign_code=codes,
        callsigns=list(names),
        format="archive",
        icao24=c.icao24.lstrip("~"),
        non_icao=c.icao24.startswith("~"),
        registration=c.registration,
        aircraft_type=c.type,
    )


def alternative(c: Candidate, fixes: pd.DataFrame, store: str, *, synthetic: bool = False
                ) -> Alternative:
    """A candidate other than the chosen record, as the flight's card lists it and the map
    draws it: its airborne fixes (:func:`geo.tracks.split_legs`) thinned as a recorded
    track's (:func:`geo.tracks.simplify_many`, :data:`~geo.tracks.link.DRAW_TOLERANCE_M`)."""
    lat: list[float] = []
    lon: list[float] = []
    if not fixes.empty:
        legs = list(split_legs(leg_trace(c, fixes, store, synthetic=synthetic)).legs)
        for leg, keep in zip(legs, simplify_many(legs, DRAW_TOLERANCE_M), strict=True):
            lat += leg.trace.lat[keep].tolist()
            lon += leg.trace.lon[keep].tolist()
    name = f"{c.registration} ({c.icao24})" if c.registration else c.icao24
    return Alternative(name, c.score, short_reasons(c), tuple(lat), tuple(lon))


def _alternatives(result: MatchResult, archive: StoreArchive) -> tuple[Alternative, ...]:
    best = result.best
    return tuple(
        alternative(c, archive.leg_positions(c.icao24, c.first_s, c.last_s), archive.name,
                    synthetic=archive.synthetic)
        for c in result.candidates if c is not best
    )


def _names(c: Candidate) -> set[str]:
    return {normalize_aircraft(n) for n in (c.registration, c.icao24, *c.callsigns) if n}


def match_events_to_store(
    events: Sequence[Event], gazetteer: Gazetteer, archive: StoreArchive, *, top: int = 5
) -> MatchedFlights:
    """Every flight without a recorded track matched; the found ones linked to their leg."""
    results: dict[str, MatchResult] = {}
    skipped: list[str] = []
    traces: dict[str, Trace] = {}
    renamed: dict[str, Event] = {}
    asked: list[tuple[Event, Claim]] = []
    for event in events:
        if event.kind != "flight" or event.recorded is not None:
            continue
        try:
            asked.append((event, claim_from_event(event, gazetteer)))
        except ClaimError as exc:
            skipped.append(str(exc))
    answers = match_claims([c for _, c in asked], archive, top=top)
    for (event, _), result in zip(asked, answers, strict=True):
        results[event.id] = result
        best = result.best
        if best is None:
            continue
        if best.leg_id not in traces:
            fixes = archive.leg_positions(best.icao24, best.first_s, best.last_s)
            if fixes.empty:
                continue
            traces[best.leg_id] = leg_trace(best, fixes, archive.name,
                                            synthetic=archive.synthetic)
        if normalize_aircraft(event.aircraft) not in _names(best):
            event = event._replace(aircraft=best.registration or best.icao24)
        renamed[event.id] = event
    out = list(events)
    if traces:
        chosen = [renamed[e.id] for e in events if e.id in renamed]
        linked = link(chosen, track_set(traces.values()))
        by_id = {e.id: e for e in linked[: len(chosen)]}
        extra = linked[len(chosen):]  # a leg no event took (outside the ±3 h of linking)
        out = [by_id.get(e.id, e) for e in events] + list(extra)
    others = {k: alts for k, r in results.items() if (alts := _alternatives(r, archive))}
    out = [e._replace(alternatives=others[e.id]) if e.id in others else e for e in out]
    return MatchedFlights(tuple(out), results, tuple(skipped))


def match_fields(result: MatchResult) -> dict[str, Any]:
    """What ``list --format json`` adds to a flight matched against a store: ``match``
    with the chosen record and the alternatives (the other candidates)."""
    best = result.best
    others = [c for c in result.candidates if best is None or c is not best]
    return {
        "match": {
            "store": result.store,
            "synthetic": result.synthetic,
            "status": result.status,
            "verdict": result.verdict,
            "chosen": candidate_json(best, result.claim) if best is not None else None,
            "alternatives": [candidate_json(c, result.claim) for c in others],
            "coverage": {
                end: {"airport": cov.airport, "aircraft_seen": cov.aircraft_seen,
                      "verdict": cov.verdict}
                for end, cov in result.coverage.items()
            },
        }
    }
