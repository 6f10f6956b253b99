"""A claim matched against an archive: the candidates, the coverage, the verdict in words,
and the result as JSON (the names documented in docs/match.md) and as a table."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import pandas as pd

from geo.match.claim import Claim, ClaimedAirport
from geo.match.coverage import (
    HEIGHT_FT,
    RADIUS_KM,
    AirportCoverage,
    CoverageQuery,
    airport_coverage,
)
from geo.match.score import AMBIGUOUS_WITHIN, FOUND_SCORE, WINDOW_HOURS, Candidate, score_legs
from geo.model import visible
from geo.timeline import format_instant, iso_local, iso_utc

__all__ = [
    "Archive",
    "MatchResult",
    "Status",
    "match_claim",
    "match_claims",
    "result_json",
    "result_table",
]

Status = Literal["found", "ambiguous", "not recorded", "poor coverage", "no coverage"]

SYNTHETIC_NOTE = "SYNTHETIC archive (generated, not a recording): no evidence of anything"


class Archive(Protocol):
    """What the matcher asks of an archive (:class:`geo.match.store.StoreArchive` reads a
    store; tests may hand a frame and a function)."""

    @property
    def name(self) -> str: ...

    @property
    def synthetic(self) -> bool: ...

    def candidate_legs(
        self, claim: Claim, start_s: int | None, end_s: int | None
    ) -> pd.DataFrame: ...

    def aircraft_near(self, query: CoverageQuery) -> Collection[str]: ...


@dataclass(frozen=True, slots=True)
class MatchResult:
    claim: Claim
    candidates: tuple[Candidate, ...]
    coverage: dict[str, AirportCoverage]
    status: Status
    verdict: str
    synthetic: bool
    store: str

    @property
    def best(self) -> Candidate | None:
        """The flight the record shows (a best candidate at or above the found score)."""
        if self.candidates and self.candidates[0].score >= FOUND_SCORE:
            return self.candidates[0]
        return None


def _name(c: Candidate) -> str:
    ident = c.registration or c.icao24.upper()
    return f"{ident} ({c.icao24})" if c.registration and c.icao24 else ident


def _verdict(
    claim: Claim, candidates: list[Candidate], coverage: dict[str, AirportCoverage]
) -> tuple[Status, str]:
    if candidates and candidates[0].score >= FOUND_SCORE:
        best = candidates[0]
        close = [c for c in candidates[1:] if best.score - c.score <= AMBIGUOUS_WITHIN]
        if close:
            names = ", ".join(_name(c) for c in close)
            return "ambiguous", (
                f"ambiguous: {_name(best)} scores {best.score:.2f} and {names} within "
                f"{AMBIGUOUS_WITHIN:.2f} of it; the record does not tell them apart"
            )
        return "found", f"found: {_name(best)}, score {best.score:.2f}: {'; '.join(best.reasons)}"
    o, d = coverage["origin"], coverage["destination"]
    good = [c for c in (o, d) if c.verdict == "good"]
    if good:
        c = good[0]
        return "not recorded", (
            f"no matching flight recorded; the archive saw {c.aircraft_seen:,} other aircraft "
            f"at {c.airport} in that window"
        )
    if o.verdict == "none" and d.verdict == "none":
        return "no coverage", (
            "the archive has no coverage there: absence of a record is not evidence"
        )
    return "poor coverage", (
        f"no matching flight recorded, but the archive's coverage there is poor "
        f"({o.aircraft_seen:,} other aircraft at {o.airport}, {d.aircraft_seen:,} at "
        f"{d.airport}): absence of a record is weak evidence"
    )


def _window(claim: Claim) -> tuple[int, int] | None:
    """The legs a claim can match: its claimed times over every reading, ±8 h."""
    window = claim.window
    margin = int(WINDOW_HOURS * 3600)
    return None if window is None else (window[0] - margin, window[1] + margin)


def match_claim(claim: Claim, archive: Archive, *, top: int = 5) -> MatchResult:
    """The archive's answer to one claim."""
    window = _window(claim)
    legs = archive.candidate_legs(claim, *(window or (None, None)))
    return _answer(claim, legs, archive, top)


BATCH_DAYS = 7
"""The batch asks the store once per run of claims whose windows fit in this many days: one
scan shared by the claims of a week, not a scan of the whole year for each run."""


def match_claims(claims: Sequence[Claim], archive: Archive, *, top: int = 5
                 ) -> list[MatchResult]:
    """The answers to many claims: their legs asked of the store once per week of claims
    (:meth:`~geo.match.store.StoreArchive.candidate_legs_many`), then each scored."""
    many = getattr(archive, "candidate_legs_many", None)
    timed = sorted(((w, k) for k, c in enumerate(claims) if (w := _window(c)) is not None))
    if many is None or len(timed) < 2:
        return [match_claim(c, archive, top=top) for c in claims]
    legs: dict[int, pd.DataFrame] = {}
    run: list[tuple[tuple[int, int], int]] = []

    def ask() -> None:
        found = many([(claims[k], w[0], w[1]) for w, k in run])
        legs.update(zip((k for _, k in run), found, strict=True))
        run.clear()

    for w, k in timed:
        if run and w[1] - run[0][0][0] > BATCH_DAYS * 86400:
            ask()
        run.append((w, k))
    ask()
    return [
        _answer(c, legs[k], archive, top) if k in legs else match_claim(c, archive, top=top)
        for k, c in enumerate(claims)
    ]


def _answer(claim: Claim, legs: pd.DataFrame, archive: Archive, top: int) -> MatchResult:
    candidates = score_legs(claim, legs, top=top)
    exclude = [candidates[0].icao24] if candidates and candidates[0].score >= FOUND_SCORE else []
    coverage = airport_coverage(claim, archive.aircraft_near, exclude)
    status, verdict = _verdict(claim, candidates, coverage)
    if archive.synthetic:
        verdict += f" [{SYNTHETIC_NOTE}]"
    return MatchResult(claim, tuple(candidates), coverage, status, verdict,
                       archive.synthetic, archive.name)


def _iso(s: int | None) -> str | None:
    return None if s is None else iso_utc(datetime.fromtimestamp(s, UTC))


def _local(s: int | None, airport: ClaimedAirport, code: str) -> str | None:
    """RFC 3339 local at the leg's airport (else the claimed one)."""
    if s is None:
        return None
    tz = _zone_of(code) or airport.tz
    return iso_local(datetime.fromtimestamp(s, UTC), tz)


def _zone_of(code: str) -> str:
    """The zone of a leg's airport (ICAO), from airportsdata; "" when unknown."""
    if not code:
        return ""
    from geo.places import _airportsdata

    row = _airportsdata("ICAO").get(code.upper())
    return str(row.get("tz") or "") if row else ""


def _span_json(span: tuple[int, int] | None) -> Any:
    if span is None:
        return None
    lo, hi = span
    return _iso(lo) if lo == hi else [_iso(lo), _iso(hi)]


def candidate_json(c: Candidate, claim: Claim) -> dict[str, Any]:
    return {
        "rank": c.rank,
        "icao24": c.icao24,
        "registration": c.registration,
        "type": c.type,
        "callsigns": list(c.callsigns),
        "takeoff_utc": _iso(c.takeoff_s),
        "landing_utc": _iso(c.landing_s),
        "takeoff_local": _local(c.takeoff_s, claim.origin, c.origin),
        "landing_local": _local(c.landing_s, claim.destination, c.destination),
        "first_fix_utc": _iso(c.first_s),
        "last_fix_utc": _iso(c.last_s),
        "origin": c.origin or None,
        "destination": c.destination or None,
        "score": c.score,
        "parts": {"identity": c.identity, "route": c.route, "time": c.time},
        "reasons": list(c.reasons),
        "time_reading": c.time_reading or None,
        "leg_id": c.leg_id,
        "sources": c.sources,
        "synthetic": c.synthetic,
    }


def result_json(result: MatchResult) -> dict[str, Any]:
    """The result with the names docs/match.md documents."""
    claim = result.claim
    return {
        "claim": {
            "event": claim.event_id or None,
            "origin": claim.origin.label,
            "origin_icao": claim.origin.icao,
            "destination": claim.destination.label,
            "destination_icao": claim.destination.icao,
            "depart": claim.depart_text or None,
            "arrive": claim.arrive_text or None,
            "aircraft": claim.aircraft or None,
            "readings": [
                {"name": r.name, "words": r.words, "depart_utc": _span_json(r.depart),
                 "arrive_utc": _span_json(r.arrive)}
                for r in claim.readings
            ],
        },
        "candidates": [candidate_json(c, claim) for c in result.candidates],
        "coverage": {
            end: {"airport": cov.airport, "aircraft_seen": cov.aircraft_seen,
                  "verdict": cov.verdict, "window_utc": [_iso(cov.start_s), _iso(cov.end_s)]}
            for end, cov in result.coverage.items()
        },
        "status": result.status,
        "verdict": result.verdict,
        "store": result.store,
        "synthetic": result.synthetic,
    }


def _when(s: int | None, code: str, fallback: ClaimedAirport) -> str:
    if s is None:
        return "not observed"
    dt = datetime.fromtimestamp(s, UTC)
    tz = _zone_of(code) or fallback.tz
    return f"{dt:%H:%M}Z ({format_instant(dt, tz)})"


def result_table(result: MatchResult) -> str:
    """The result for a terminal: the claim, each candidate with its reasons, coverage,
    the verdict. Text from the archive is made inert (:func:`geo.model.visible`)."""
    claim = result.claim
    lines: list[str] = []
    if result.synthetic:
        lines.append(f"*** {SYNTHETIC_NOTE} ***")
    title = f" ({visible(claim.event_id)})" if claim.event_id else ""
    lines.append(
        f"claim{title}: {claim.origin.label} -> {claim.destination.label}"
        + (f", departs {visible(claim.depart_text)}" if claim.depart_text else "")
        + (f", arrives {visible(claim.arrive_text)}" if claim.arrive_text else "")
        + (f", aircraft {visible(claim.aircraft)}" if claim.aircraft else "")
    )
    for r in claim.readings:
        dep = _span_json(r.depart)
        arr = _span_json(r.arrive)
        lines.append(f"  reading '{r.name}': {r.words}: departure {dep}, arrival {arr}")
    lines.append(f"store: {visible(result.store)}")
    lines.append("")
    if not result.candidates:
        lines.append("no candidates")
    for c in result.candidates:
        calls = ",".join(c.callsigns)
        lines.append(
            f"#{c.rank}  score {c.score:.2f}  {visible(c.registration or '-')}  {c.icao24}  "
            f"{visible(c.type or '-')}  {visible(calls or '-')}  "
            f"{visible(c.origin or '?')} {_when(c.takeoff_s, c.origin, claim.origin)} -> "
            f"{visible(c.destination or '?')} "
            f"{_when(c.landing_s, c.destination, claim.destination)}"
            + (f"  reading '{c.time_reading}'" if c.time_reading else "")
        )
        for reason in c.reasons:
            lines.append(f"      - {visible(reason)}")
    lines.append("")
    for end, cov in result.coverage.items():
        lines.append(
            f"coverage at {end} {cov.airport}: {cov.verdict} ({cov.aircraft_seen:,} other "
            f"aircraft within {RADIUS_KM:.0f} km, below {HEIGHT_FT:,.0f} ft above the field, "
            f"{_iso(cov.start_s)} to {_iso(cov.end_s)})"
        )
    lines.append(f"verdict: {visible(result.verdict)}")
    return "\n".join(lines) + "\n"
