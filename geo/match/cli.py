"""``python -m geo match``: a reported flight against the archive (or every flight of an
events file: the batch). ``geo/cli.py`` registers the subcommand (:func:`add_parser`) and
calls :func:`run`.

Exit codes: 0 an answer (whatever it is), 2 bad input (an unknown airport or event, a bad
time or zone, a store that is no store), as the other commands.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

__all__ = ["add_parser", "run"]

EVENT_DEFAULT = "the shipped data/events.csv"


class MatchUsageError(ValueError):
    """A bad option or input, reported on stderr with exit 2."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``match`` to the ``python -m geo`` subparsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "match", help="find the aircraft: a reported flight against an ADS-B archive",
        description="Match a reported flight (an event, or --from/--to/--depart/--arrive) "
        "against an archive store's legs, with a score and its reasons in words and the "
        "archive's coverage of the airports. With --events and no --event or --from: every "
        "flight of the file (the batch).",
    )
    p.add_argument("--store", metavar="STORE",
                   help="archive store folder (default: the synthetic demo store, built on "
                   "first use)")
    p.add_argument("--event", metavar="ID", help="the flight event to check")
    p.add_argument("--events", metavar="FILE", help=f"events CSV (default: {EVENT_DEFAULT})")
    p.add_argument("--from", dest="origin", metavar="AIRPORT", help="claimed origin (IATA/ICAO)")
    p.add_argument("--to", dest="destination", metavar="AIRPORT", help="claimed destination")
    p.add_argument("--depart", default="", metavar="TIME",
                   help="claimed departure; without an offset local at the origin")
    p.add_argument("--arrive", default="", metavar="TIME",
                   help="claimed arrival; without an offset local at the destination")
    p.add_argument("--depart-tz", default="", metavar="ZONE", help="zone of --depart (IANA)")
    p.add_argument("--arrive-tz", default="", metavar="ZONE", help="zone of --arrive (IANA)")
    p.add_argument("--aircraft", default="", metavar="REG|HEX|CALLSIGN|TYPE",
                   help="the claimed aircraft")
    p.add_argument("--tz-unknown", action="store_true",
                   help="try every reading of the times: local at the origin and the "
                   "destination, UTC, and the zone of each city the claim names")
    p.add_argument("--place", action="append", default=[], metavar="NAME",
                   help="a city the claim names (its zone is a reading with --tz-unknown)")
    p.add_argument("--top", type=int, default=5, metavar="N", help="candidates shown (5)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="table or json (one claim); table, json or csv (the batch)")
    return p


def _archive(args: argparse.Namespace) -> Any:
    from geo.match.demo import demo_store
    from geo.match.store import StoreError, open_store

    try:
        return open_store(args.store or demo_store())
    except StoreError as exc:
        raise MatchUsageError(f"--store: {exc}") from None


def _dataset(args: argparse.Namespace) -> Any:
    from geo.dataset import load_dataset

    data = load_dataset(args.events, strict=False)
    for p in data.problems[:100]:
        print(p, file=sys.stderr)
    if data.problems:
        print(data.summary, file=sys.stderr)
    return data


def _one(args: argparse.Namespace) -> int:
    from geo.match.claim import ClaimError, claim_from_event, make_claim
    from geo.match.result import match_claim, result_json, result_table

    data = _dataset(args) if args.event else None
    try:
        if data is not None:
            event = next((e for e in data.events if e.id == args.event), None)
            if event is None:
                raise MatchUsageError(
                    f"--event: no event '{args.event}' in {args.events or EVENT_DEFAULT}"
                )
            claim = claim_from_event(event, data.gazetteer, tz_unknown=args.tz_unknown,
                                     places=args.place)
        else:
            from geo.dataset import load_dataset

            gazetteer = load_dataset(strict=False).gazetteer
            if not (args.origin and args.destination):
                raise MatchUsageError("give --event ID, or --from AIRPORT and --to AIRPORT")
            claim = make_claim(
                args.origin, args.destination, args.depart, args.arrive, gazetteer=gazetteer,
                depart_tz=args.depart_tz, arrive_tz=args.arrive_tz, aircraft=args.aircraft,
                tz_unknown=args.tz_unknown, places=args.place,
            )
    except ClaimError as exc:
        raise MatchUsageError(str(exc)) from None
    result = match_claim(claim, _archive(args), top=args.top)
    if args.format == "json":
        json.dump(result_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        raise MatchUsageError("--format csv is for the batch (--events FILE); use json")
    else:
        sys.stdout.write(result_table(result))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from geo.cells import protect
    from geo.match.batch import BATCH_COLUMNS, batch_row, match_events, summary
    from geo.match.result import result_json
    from geo.model import visible

    data = _dataset(args)
    results, skipped = match_events(data.events, data.gazetteer, _archive(args),
                                    tz_unknown=args.tz_unknown, top=args.top)
    for line in skipped:
        print(f"skipped: {line}", file=sys.stderr)
    line = summary(results)
    if args.format == "json":
        out = {"results": [result_json(r) for r in results], "summary": line}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        print(line, file=sys.stderr)
    elif args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(BATCH_COLUMNS)
        for r in results:
            row = batch_row(r)
            writer.writerow([protect("" if row[c] is None else str(row[c]))
                             for c in BATCH_COLUMNS])
        sys.stdout.write(buf.getvalue())
        print(line, file=sys.stderr)
    else:
        for r in results:
            row = batch_row(r)
            who = row["registration"] or row["icao24"] or "-"
            score = f"{row['score']:.2f}" if row["score"] is not None else "-"
            print(f"{visible(row['event'])[:40]:40}  {row['status']:14}  {score:>5}  "
                  f"{visible(who):10}  {row['origin_coverage']}/{row['destination_coverage']}")
        print(line)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``match``; a bad option or input is one line on stderr and exit 2."""
    try:
        if args.top < 1:
            raise MatchUsageError("--top: give a number of candidates, 1 or more")
        if args.event or args.origin or args.destination:
            return _one(args)
        if args.events:
            return _batch(args)
        raise MatchUsageError(
            "give --event ID, --from AIRPORT --to AIRPORT, or --events FILE (the batch)"
        )
    except MatchUsageError as exc:
        print(f"python -m geo match: error: {exc}", file=sys.stderr)
        return 2


def add_match_from(p: argparse.ArgumentParser) -> None:
    """``--match-from STORE`` on ``list`` and ``export``."""
    p.add_argument(
        "--match-from", metavar="STORE", default=None,
        help="match every reported flight against this archive store: the best candidate "
        "(score >= 0.7) becomes its recorded track, the others its alternatives",
    )


def apply_match_from(args: argparse.Namespace, data: Any) -> Any:
    """The dataset with every flight matched against ``--match-from`` (results kept on
    ``args.match_results`` for ``list --format json``)."""
    import dataclasses

    from geo.match.linking import match_events_to_store
    from geo.match.store import StoreError, open_store

    try:
        archive = open_store(args.match_from)
    except StoreError as exc:
        print(f"python -m geo {args.command}: error: --match-from: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    matched = match_events_to_store(data.events, data.gazetteer, archive)
    for line in matched.skipped:
        print(f"--match-from: skipped: {line}", file=sys.stderr)
    found = sum(1 for r in matched.results.values() if r.best is not None)
    label = " (SYNTHETIC archive: no evidence)" if archive.synthetic else ""
    print(f"--match-from {args.match_from}: {found} of {len(matched.results)} flights "
          f"matched to a recorded leg{label}", file=sys.stderr)
    args.match_results = matched.results
    return dataclasses.replace(data, events=matched.events)


def add_match_rows(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """``list --format json``: each matched flight's ``match`` (chosen, alternatives)."""
    from geo.match.linking import match_fields

    results = getattr(args, "match_results", {}) or {}
    for row in rows:
        result = results.get(row.get("id"))
        if result is not None:
            row.update(match_fields(result))
