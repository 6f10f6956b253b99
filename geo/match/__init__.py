"""Find the aircraft: a reported flight (a claim) matched against an ADS-B archive, with a
score, its reasons in words, and the archive's coverage of the claimed airports.

``claim`` (airports, times and their readings) -> ``score`` (legs frame -> candidates, pure)
+ ``coverage`` (aircraft seen near each airport) -> ``result`` (verdict, JSON, table);
``store`` reads an archive store's Parquet files; ``demo`` writes the synthetic demo store;
``batch`` matches every flight of an events file; ``cli`` is ``python -m geo match``.
"""

from __future__ import annotations

from geo.match.claim import Claim, ClaimedAirport, ClaimError, Reading, claim_from_event, make_claim
from geo.match.coverage import AirportCoverage, CoverageQuery
from geo.match.result import MatchResult, match_claim, result_json, result_table
from geo.match.score import AMBIGUOUS_WITHIN, FOUND_SCORE, Candidate, score_legs
from geo.match.store import StoreArchive, StoreError, open_store

__all__ = [
    "AMBIGUOUS_WITHIN",
    "FOUND_SCORE",
    "AirportCoverage",
    "Candidate",
    "Claim",
    "ClaimError",
    "ClaimedAirport",
    "CoverageQuery",
    "MatchResult",
    "Reading",
    "StoreArchive",
    "StoreError",
    "claim_from_event",
    "make_claim",
    "match_claim",
    "open_store",
    "result_json",
    "result_table",
    "score_legs",
]
