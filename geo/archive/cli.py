"""``python -m geo archive build | legs | at | box``: options in, :mod:`geo.archive` calls,
tables out (``--format table|json|csv``, times RFC 3339 UTC).

Exit codes: 0 done, 2 a usage error or a store that cannot be read (said on stderr, no
traceback); a build that skipped bad files still exits 0 and lists them on stderr, unless
nothing could be read at all (2).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

from geo.cells import protect
from geo.model import visible

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "add_archive_parser",
    "add_tracks_from_options",
    "archive_tracks",
    "parse_duration",
    "parse_time",
    "run_archive",
]

TIME_COLUMNS = frozenset(
    {"takeoff_s", "landing_s", "first_s", "last_s", "time_s", "box_s", "then_s"}
)
LEG_TABLE = (
    "leg_id", "icao24", "registration", "type", "callsigns", "takeoff_s", "takeoff_airport",
    "landing_s", "landing_airport", "fix_count", "coverage",
)  # fmt: skip
_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$")


class _Usage(Exception):
    pass


def parse_time(text: str, option: str) -> datetime:
    """An RFC 3339 time with an offset (``2025-03-14T01:00:00Z``), as aware UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise _Usage(
            f"{option}: '{visible(text)}' is not an RFC 3339 time like 2025-03-14T01:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise _Usage(f"{option}: '{visible(text)}' has no offset; write Z for UTC")
    return moment.astimezone(UTC)


def parse_duration(text: str, option: str) -> timedelta:
    """An ISO 8601 duration: ``PT4H``, ``PT90M``, ``P1DT2H``."""
    found = _DURATION.match(text.strip().upper())
    if not found or text.strip().upper() in ("P", "PT"):
        raise _Usage(f"{option}: '{visible(text)}' is not an ISO 8601 duration like PT4H")
    parts = {k: int(v) for k, v in found.groupdict().items() if v}
    out = timedelta(
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
    if out <= timedelta(0):
        raise _Usage(f"{option}: the duration must be positive")
    return out


def parse_box(text: str, option: str) -> tuple[float, float, float, float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise _Usage(f"{option}: '{visible(text)}' is not MINLON,MINLAT,MAXLON,MAXLAT")
    return values[0], values[1], values[2], values[3]


def add_archive_parser(sub: Any) -> None:
    """Register ``archive`` and its subcommands on the main parser's subparsers."""
    archive = sub.add_parser("archive", help="build and ask an ADS-B archive (Parquet + DuckDB)")
    cmds = archive.add_subparsers(dest="archive_command", required=True)

    b = cmds.add_parser("build", help="build or extend a store from ADS-B history")
    b.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="globe_history folders, tars (split parts too), OpenSky CSVs, track files",
    )
    b.add_argument("--out", required=True, metavar="STORE")
    b.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="a Dask LocalCluster of N worker processes (default: in this process)",
    )
    b.add_argument(
        "--scheduler",
        default=None,
        metavar="URL",
        help="an existing Dask cluster, e.g. tcp://HOST:8786",
    )
    b.add_argument("--synthetic", action="store_true", help="the inputs are generated data")
    b.add_argument("--progress", action="store_true", help="a progress bar even when not a tty")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", required=True, metavar="STORE")
        p.add_argument("--format", choices=("table", "json", "csv"), default="table")

    lg = cmds.add_parser("legs", help="legs of an aircraft, between airports, in a window")
    common(lg)
    lg.add_argument("--aircraft", metavar="REG|HEX|CALLSIGN")
    lg.add_argument("--from", dest="origin", metavar="AIRPORT")
    lg.add_argument("--to", dest="destination", metavar="AIRPORT")
    lg.add_argument("--between", nargs=2, metavar=("T1", "T2"))

    at = cmds.add_parser("at", help="arrivals, departures and aircraft on the ground")
    at.add_argument("airport", metavar="AIRPORT")
    common(at)
    at.add_argument("--between", nargs=2, metavar=("T1", "T2"), required=True)

    bx = cmds.add_parser("box", help="who was in a box (then in another within a duration)")
    bx.add_argument("bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT")
    common(bx)
    bx.add_argument("--between", nargs=2, metavar=("T1", "T2"), required=True)
    bx.add_argument("--then", metavar="MINLON,MINLAT,MAXLON,MAXLAT")
    bx.add_argument("--within", metavar="DURATION", help="ISO 8601, e.g. PT4H")


def add_tracks_from_options(p: argparse.ArgumentParser) -> None:
    """``--tracks-from STORE`` (with ``--tracks-aircraft``, ``--tracks-between``) on
    ``list`` and ``export``: the store's legs drawn as recorded tracks."""
    p.add_argument(
        "--tracks-from",
        metavar="STORE",
        default=None,
        help="draw legs of an ADS-B archive (python -m geo archive) as tracks",
    )
    p.add_argument(
        "--tracks-aircraft",
        metavar="REG|HEX|CALLSIGN",
        default=None,
        help="with --tracks-from: only this aircraft's legs",
    )
    p.add_argument(
        "--tracks-between",
        nargs=2,
        metavar=("T1", "T2"),
        default=None,
        help="with --tracks-from: only legs overlapping T1..T2 (RFC 3339)",
    )


def archive_tracks(args: argparse.Namespace) -> list[tuple[str, bytes]]:
    """The ``(name, bytes)`` track inputs ``--tracks-from`` selects ([] without it); raises
    ``ValueError`` (a usage error) for bad options or a store that cannot be read."""
    store = getattr(args, "tracks_from", None)
    if store is None:
        if getattr(args, "tracks_aircraft", None) or getattr(args, "tracks_between", None):
            raise ValueError("--tracks-aircraft and --tracks-between go with --tracks-from STORE")
        return []
    from geo.archive.build import ArchiveError
    from geo.archive.tracks import leg_tracks

    window = None
    if args.tracks_between:
        try:
            start = parse_time(args.tracks_between[0], "--tracks-between")
            end = parse_time(args.tracks_between[1], "--tracks-between")
        except _Usage as exc:
            raise ValueError(str(exc)) from None
        if end <= start:
            raise ValueError(
                f"--tracks-between: {args.tracks_between[1]} is not after {args.tracks_between[0]}"
            )
        window = (start, end)
    try:
        return leg_tracks(store, aircraft=args.tracks_aircraft, between=window)
    except ArchiveError as exc:
        raise ValueError(f"--tracks-from: {exc}") from None


def _between(args: argparse.Namespace) -> tuple[datetime, datetime] | None:
    if not args.between:
        return None
    start = parse_time(args.between[0], "--between")
    end = parse_time(args.between[1], "--between")
    if end <= start:
        raise _Usage(f"--between: {args.between[1]} is not after {args.between[0]}")
    return start, end


def _rfc3339(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key in TIME_COLUMNS:
                value = _rfc3339(value)
            elif hasattr(value, "item"):
                value = value.item()
            record[str(key)] = value
        out.append(record)
    return out


def _table(records: list[dict[str, Any]], columns: Sequence[str], out: IO[str]) -> None:
    if not records:
        print("(none)", file=out)
        return
    cells = [[visible("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in records]
    widths = [max(len(c), *(len(row[k]) for row in cells)) for k, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(), file=out)
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)


def _csv_cell(value: Any) -> Any:
    """A CSV cell: text a spreadsheet would run as a formula is protected (geo.cells)."""
    if value is None:
        return ""
    return protect(value) if isinstance(value, str) else value


def _emit(
    sections: dict[str, pd.DataFrame],
    fmt: str,
    columns: Sequence[str] | None,
    out: IO[str],
    head: dict[str, Any] | None = None,
) -> None:
    records = {name: _records(frame) for name, frame in sections.items()}
    single = len(sections) == 1 and head is None
    if fmt == "json":
        doc: Any = next(iter(records.values())) if single else {**(head or {}), **records}
        print(json.dumps(doc, indent=1, ensure_ascii=False), file=out)
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        named = not single
        header_done = False
        for name, frame in sections.items():
            cols = [str(c) for c in frame.columns]
            if not header_done:
                writer.writerow((["section"] if named else []) + cols)
                header_done = True
            for r in records[name]:
                cells = [_csv_cell(r[c]) for c in cols]
                writer.writerow(([name] if named else []) + cells)
        return
    for name, frame in sections.items():
        if not single:
            print(f"{name} ({len(frame)}):", file=out)
        cols = [c for c in (columns or frame.columns) if c in frame.columns]
        _table(records[name], [str(c) for c in cols], out)
        if not single:
            print(file=out)


def _build(args: argparse.Namespace) -> int:
    from geo.archive.build import build_store

    if args.workers < 0:
        raise _Usage("--workers: give 0 (in this process) or a positive number")
    progress = args.progress or sys.stderr.isatty()
    report = build_store(
        args.sources, args.out, workers=args.workers, scheduler=args.scheduler,
        synthetic=args.synthetic, progress=progress,
    )  # fmt: skip
    for line in report.problems:
        print(visible(line), file=sys.stderr)
    print(
        f"{report.store}: {len(report.built)} input(s) built, {len(report.skipped)} already in; "
        f"{report.positions:,} positions, {report.legs:,} legs; "
        f"{report.hours_written} hour(s) and {report.leg_days_written} legs day(s) written; "
        f"{len(report.problems)} problem(s)"
    )
    return 2 if report.problems and not report.built and not report.skipped else 0


def _run(args: argparse.Namespace, out: IO[str]) -> int:
    from geo.archive.query import at_airport, box, legs

    command = args.archive_command
    if command == "build":
        return _build(args)
    if command == "legs":
        frame = legs(
            args.store, aircraft=args.aircraft, origin=args.origin,
            destination=args.destination, between=_between(args),
        )  # fmt: skip
        _emit({"legs": frame}, args.format, LEG_TABLE, out)
        return 0
    between = _between(args)
    assert between is not None
    if command == "at":
        found = at_airport(args.store, args.airport, *between)
        head = {"airport": found.airport.code, "name": found.airport.name}
        sections = {
            "arrivals": found.arrivals,
            "departures": found.departures,
            "on_ground": found.on_ground,
        }
        if args.format == "table":
            print(f"{found.airport.code} ({found.airport.iata}) {found.airport.name}", file=out)
        _emit(
            sections,
            args.format,
            None if args.format != "table" else (*LEG_TABLE, "first_s", "last_s", "fixes"),
            out,
            head,
        )
        return 0
    bbox = parse_box(args.bbox, "BOX")
    then = parse_box(args.then, "--then") if args.then else None
    if then is not None and not args.within:
        raise _Usage("--then needs --within DURATION (e.g. PT4H)")
    if args.within and then is None:
        raise _Usage("--within goes with --then BOX")
    within = parse_duration(args.within, "--within") if args.within else None
    frame = box(args.store, bbox, *between, then=then, within=within)
    _emit({"aircraft": frame}, args.format, None, out)
    return 0


def run_archive(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """Run ``python -m geo archive ...``; usage errors and unreadable stores exit 2."""
    from geo.archive.build import ArchiveError

    try:
        return _run(args, out or sys.stdout)
    except (_Usage, ValueError, ArchiveError) as exc:
        print(
            f"python -m geo archive {args.archive_command}: error: {visible(str(exc))}",
            file=sys.stderr,
        )
        return 2
