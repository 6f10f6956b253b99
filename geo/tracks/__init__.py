"""Recorded flight tracks (ADS-B): read them, split them into legs, find their airports,
and compare what was reported with what was recorded.

``files -> Trace (read, make_trace: sorted, merged, outliers flagged) -> Leg (split_legs:
airborne between ground contacts, gaps, airports) -> Comparison (compare) / Event
(leg_event)``; :func:`simplify` and :func:`position_at` serve the map.

Typical use::

    tracks = load_tracks(["traces/"])          # DataError lists every problem
    matches = match_legs(dataset.events, tracks.legs)
    for event, leg in matches.pairs:
        print(event.id, compare(event, leg).words())
    extra = leg_events(matches.unmatched_legs)  # confirmed flights of their own

Modules: ``model`` (records), ``read`` (files: gzip, size, format detection) with one
module per format (``readsb``, ``fr24``, ``kml``, ``fixcsv``), ``build`` (make_trace),
``outliers``, ``legs``, ``airports``, ``geometry`` (lengths, off-track distance,
position at t), ``simplify``, ``compare``, ``source`` (TrackSource, load_tracks).
"""

from __future__ import annotations

from geo.tracks.airports import MATCH_KM, AirportIndex, default_airports
from geo.tracks.build import make_trace
from geo.tracks.compare import (
    Comparison,
    LegFacts,
    LinkScore,
    Matches,
    compare,
    gap_words,
    leg_event,
    leg_events,
    leg_facts,
    leg_names,
    leg_words,
    match_legs,
    normalize_aircraft,
    normalized_sql,
)
from geo.tracks.geometry import (
    TrackPosition,
    distances_km,
    max_offtrack_km,
    offtrack_km,
    path_length_km,
    position_at,
    positions_at,
)
from geo.tracks.legs import GAP_MINUTES, LOW_FT, SPLIT_GAP_HOURS, LegSplit, split_legs
from geo.tracks.link import COMPUTED, RecordedFlight, aircraft_at, link
from geo.tracks.model import AirportMatch, Gap, Leg, Trace, TrackSet, utc
from geo.tracks.outliers import MAX_SPEED_KMH, flag_outliers
from geo.tracks.read import TrackInput, read_track_bytes, read_track_file
from geo.tracks.simplify import simplify, simplify_many
from geo.tracks.source import FileSource, TrackSource, load_tracks, track_set

__all__ = [
    "COMPUTED",
    "RecordedFlight",
    "aircraft_at",
    "link",
    "GAP_MINUTES",
    "LOW_FT",
    "MATCH_KM",
    "MAX_SPEED_KMH",
    "SPLIT_GAP_HOURS",
    "AirportIndex",
    "AirportMatch",
    "Comparison",
    "FileSource",
    "Gap",
    "Leg",
    "LegFacts",
    "LegSplit",
    "LinkScore",
    "Matches",
    "Trace",
    "TrackInput",
    "TrackSet",
    "TrackPosition",
    "TrackSource",
    "compare",
    "default_airports",
    "distances_km",
    "flag_outliers",
    "gap_words",
    "leg_event",
    "leg_events",
    "leg_facts",
    "leg_names",
    "leg_words",
    "load_tracks",
    "make_trace",
    "match_legs",
    "normalize_aircraft",
    "normalized_sql",
    "max_offtrack_km",
    "offtrack_km",
    "path_length_km",
    "position_at",
    "positions_at",
    "read_track_bytes",
    "read_track_file",
    "simplify",
    "simplify_many",
    "split_legs",
    "track_set",
    "utc",
]
