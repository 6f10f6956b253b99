"""``python -m geo check | list | export``.

Exit codes: 0 success, 2 bad input (every problem on stderr as ``FILE:LINE: column: message``),
1 an output file could not be written. Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import IO

from geo.archive.cli import (
    add_archive_parser,
    add_tracks_from_options,
    archive_tracks,
    run_archive,
)
from geo.io import Dataset, default_paths, load_dataset
from geo.model import KINDS, STATUSES, DataError, Event, Problem, visible
from geo.options import BASEMAPS, FORMATS, format_for_path
from geo.output import OutputError, refuse_inputs, write_atomically
from geo.query import Filters, select
from geo.table import flat, normalize
from geo.timeline import is_zone, parse_date_bound

MAX_PROBLEMS = 100
"""Problem lines printed by default; the rest are counted."""


class UsageError(Exception):
    """A bad option value; reported like argparse's own errors."""


def report(problems: Sequence[Problem], limit: int = MAX_PROBLEMS) -> list[str]:
    """Problem lines to show: all of them, or the first ``limit`` and a count of the rest."""
    lines = [str(p) for p in (problems if limit <= 0 else problems[:limit])]
    rest = len(problems) - len(lines)
    if rest > 0:
        lines.append(f"… and {rest:,} more problem{'s' if rest != 1 else ''} not shown "
                     "(--max-problems 0 shows them all)")
    return lines


def _add_files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--events", metavar="F", help="events CSV (default: data/events.csv)")
    p.add_argument(
        "--airports", metavar="F", help="airports CSV, added to the shipped data/airports.csv"
    )
    p.add_argument("--places", metavar="F", help="places CSV, added to the shipped data/places.csv")
    p.add_argument(
        "--sources", metavar="F", help="sources CSV, added to the shipped data/sources.csv"
    )
    p.add_argument(
        "--views", metavar="F",
        help="views CSV: the map's chapters (default: data/views.csv with the shipped events)",
    )
    p.add_argument(
        "--tracks", metavar="PATH", action="append", default=[],
        help="recorded flight tracks (readsb/tar1090 trace JSON, Flightradar24 CSV, KML "
        "gx:Track, a CSV of fixes; plain or gzip): files or folders, repeatable",
    )
    p.add_argument(
        "--strict", action="store_true",
        help="refuse the files if any row has a problem (default: load every valid row and "
        "list the others)",
    )
    p.add_argument(
        "--max-problems", type=int, default=MAX_PROBLEMS, metavar="N",
        help=f"list at most N problems (default {MAX_PROBLEMS}; 0: all)",
    )


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", metavar="DATE", help="keep events overlapping this UTC date or later")
    p.add_argument("--end", metavar="DATE", help="keep events overlapping this UTC date or earlier")
    p.add_argument("--kind", action="append", default=[], choices=KINDS, help="repeatable")
    p.add_argument("--status", action="append", default=[], choices=STATUSES, help="repeatable")
    p.add_argument(
        "--within", default=None, metavar="REGION",
        help="events whose place is in a country of the shipped outlines (a name or ISO "
        "code), a box minlon,minlat,maxlon,maxlat, or a polygon file",
    )
    p.add_argument(
        "--search", default="", metavar="TEXT",
        help="in id, title, participants, places, aircraft, sources and notes (any case, "
        "any accents)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo", description="Flight and diplomacy events: check, list, export."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate the CSV files")
    _add_files(check)

    lst = sub.add_parser("list", help="print the normalized events")
    lst.add_argument("files", nargs="*", metavar="EVENTS_CSV", help="events file (optional)")
    _add_files(lst)
    add_tracks_from_options(lst)
    _add_filters(lst)
    lst.add_argument("--format", choices=("table", "csv", "json"), default="table")
    from geo.match.cli import add_match_from

    add_match_from(lst)

    exp = sub.add_parser("export", help="write the map or the data to a file")
    exp.add_argument("files", nargs="*", metavar="EVENTS_CSV", help="events file (optional)")
    _add_files(exp)
    add_tracks_from_options(exp)
    _add_filters(exp)
    exp.add_argument("--out", required=True, metavar="FILE", help="output file ('-' = stdout)")
    exp.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="default: from the --out suffix, else html",
    )
    exp.add_argument("--tz", default="UTC", metavar="ZONE", help="display zone (IANA), default UTC")
    exp.add_argument(
        "--at", default=None, metavar="TIME",
        help="png/svg: the moment the image shows (UTC date or RFC 3339 time; default: the "
        "first view's clock)",
    )
    exp.add_argument("--title", default=None, metavar="TEXT", help="map title")
    add_match_from(exp)
    exp.add_argument(
        "--basemap",
        choices=tuple(BASEMAPS),
        default="tiles",
        help="online tiles over the shipped outlines, or outlines only",
    )
    add_archive_parser(sub)
    from geo.match.cli import add_parser as add_match_parser

    add_match_parser(sub)
    return parser


def _dataset(args: argparse.Namespace) -> Dataset:
    files: list[str] = list(getattr(args, "files", []) or [])
    if len(files) > 1:
        raise UsageError("give at most one events file")
    events = args.events or (files[0] if files else None)
    data = load_dataset(
        events, args.airports, args.places, sources=args.sources, views=args.views,
        tracks=[*args.tracks, *_archive_tracks(args)], strict=args.strict,
    )
    if data.problems and args.command != "check":  # loaded leniently: say what was left out
        for line in report(data.problems, args.max_problems):
            print(line, file=sys.stderr)
        print(data.summary, file=sys.stderr)
    if getattr(args, "match_from", None):
        from geo.match.cli import apply_match_from

        data = apply_match_from(args, data)
    return data


def _archive_tracks(args: argparse.Namespace) -> list[tuple[str, bytes]]:
    try:
        return archive_tracks(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _inputs(args: argparse.Namespace) -> list[str]:
    """Every file the command reads (the shipped ones too)."""
    named = [*getattr(args, "files", []), args.events, args.airports, args.places, args.sources,
             args.views, *args.tracks]
    return [*(f for f in named if f), *map(str, default_paths().values())]


def _filters(args: argparse.Namespace) -> Filters:
    lo = hi = None
    for option, value in (("--start", args.start), ("--end", args.end)):
        if not value:
            continue
        try:
            bound = parse_date_bound(value, end=option == "--end")
        except ValueError as exc:
            raise UsageError(f"{option}: {exc}") from None
        if option == "--start":
            lo = bound
        else:
            hi = bound
    if lo and hi and hi <= lo:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    return Filters(lo, hi, tuple(args.kind), tuple(args.status), args.search.strip())


def _cmd_check(args: argparse.Namespace) -> int:
    data = _dataset(args)
    if data.problems:
        for line in report(data.problems, args.max_problems):
            print(line, file=sys.stderr)
        n = len(data.problems)
        print(data.summary, file=sys.stderr)
        print(f"{n:,} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return 2
    print(data.summary)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    data = _dataset(args)
    events = _selected(args, data)
    rows = [normalize(e) for e in events]
    out = sys.stdout
    if args.format == "json" and getattr(args, "match_from", None):
        from geo.match.cli import add_match_rows

        add_match_rows(args, rows)
    if args.format == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "csv":
        from geo.export import to_csv  # one CSV writer for `list` and `export`

        out.write(to_csv(events))
    else:
        widths = {"id": 22, "kind": 9, "when": 30, "destination": 28, "status": 11}
        header = "  ".join(c.upper().ljust(w) for c, w in widths.items()) + "  TITLE"
        print(header)
        for row in rows:
            # the table is for a terminal: no ESC sequences, line breaks or bidi overrides
            cells = [visible(flat(row[c]))[:w].ljust(w) for c, w in widths.items()]
            print("  ".join(cells) + "  " + visible(flat(row["title"])))
        print(f"{len(rows)} events")
    return 0


def _selected(args: argparse.Namespace, data: Dataset) -> list[Event]:
    """The events the filters keep, and the region, when one is given."""
    events = select(data.events, _filters(args))
    if args.within:
        from geo.regions import region, within

        try:
            area = region(args.within)
        except ValueError as exc:
            raise UsageError(f"--within: {exc}") from None
        events = within(events, area)
    return events


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.export import export_to

    if not is_zone(args.tz):
        raise UsageError(f"--tz: '{args.tz}' is not an IANA time zone (e.g. 'Europe/Moscow')")
    fmt = args.format or format_for_path(args.out)
    if args.out != "-":  # before any work: never write over an input
        try:
            refuse_inputs(args.out, _inputs(args))
        except OutputError as exc:
            print(exc, file=sys.stderr)
            return 2
    at = None
    if args.at:
        try:
            at = parse_date_bound(args.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    data = _dataset(args)
    events = _selected(args, data)

    def write(out: IO[bytes]) -> None:  # GeoJSON and KML stream, batch by batch
        export_to(out, events, fmt, tz=args.tz, title=args.title, basemap=args.basemap,
                  views=data.views, at=at)

    if args.out == "-":
        write(sys.stdout.buffer)
        return 0
    try:
        size = write_atomically(args.out, write)
    except OSError as exc:
        print(f"{args.out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(events)} events, {fmt}, {size:,} bytes")
    return 0


def _cmd_match(args: argparse.Namespace) -> int:
    from geo.match.cli import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {
        "check": _cmd_check,
        "list": _cmd_list,
        "export": _cmd_export,
        "archive": run_archive,
        "match": _cmd_match,
    }
    try:
        return commands[args.command](args)
    except BrokenPipeError:  # `python -m geo list | head`: the reader went away
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:  # standard output full (ENOSPC) or gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        print(f"standard output: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except DataError as err:
        for line in report(err.problems, getattr(args, "max_problems", MAX_PROBLEMS)):
            print(line, file=sys.stderr)
        n = len(err.problems)
        print(f"{n:,} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return 2
    except UsageError as err:
        parser.error(str(err))
        return 2  # not reached: parser.error exits 2
