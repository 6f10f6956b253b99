"""Build a store: read the inputs, write the positions partitions and the legs index.

Five phases, each safe to repeat, so a killed build resumed gives the same files:

1. **stage** (one task per batch of units: files, tar members, hour files): read, write the
   positions per UTC hour under ``STORE/_work/<batch>/``, then the batch's marker
   ``_work/<batch>.json`` (what it touched, its problems). A batch with a marker is done.
2. **hours** (one task per hour touched): the hour's existing partition plus the staged
   pieces, duplicates dropped, sorted in the total order of
   :data:`geo.archive.schema.POSITION_SORT`, written to a hidden temporary file in the
   partition folder and renamed into place. Merging is idempotent, so repeating it after a
   kill, or adding a day to a store, gives the same bytes as one clean build.
3. **ground** (one task per day touched, and per day without it): the day's fixes on the
   ground, from its hour files (:data:`geo.archive.schema.GROUND_COLUMNS`), rewritten whole.
4. **legs** (one task per group of addresses, :func:`geo.archive.legtable.buckets`): the
   aircraft touched, over the run of consecutive days around the days touched (a leg
   cannot cross a day without data), split into legs by the ``--tracks`` rules; their
   days' legs files rewritten.
5. **manifest**: ``archive.json`` lists the finished inputs; ``_work`` is removed.

``workers=0`` runs the tasks in this process; ``workers=N`` on a Dask ``LocalCluster`` of N
processes; ``scheduler`` on an existing Dask cluster. The tasks are the same functions and
write the same bytes wherever they run; a task retried after a worker died rewrites its
files whole (temporary name, then rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo.archive.inputs import Input, Unit, discover
from geo.archive.legtable import buckets, leg_rows
from geo.archive.readers import read_positions
from geo.archive.schema import (
    AIRCRAFT,
    AIRCRAFT_SCHEMA,
    ARCHIVE_JSON,
    CELL_RULE,
    DELTA_COLUMNS,
    FILES,
    FORMAT,
    GROUND_COLUMNS,
    GROUND_SORT,
    LEG_SCHEMA,
    LEGS,
    POSITION_SCHEMA,
    POSITION_SORT,
    POSITIONS,
    VERSION,
    ground_day_path,
    hour_path,
    leg_day_path,
)

__all__ = ["ArchiveError", "BuildInterrupted", "BuildReport", "build_store", "write_aircraft"]

T = TypeVar("T")
R = TypeVar("R")

BATCH_BYTES = 64 << 20
BATCH_UNITS = 1000
"""Units per stage task: a day of globe_history (55,000 files) makes 55 tasks, so the workers
finish the phase within a few seconds of each other."""
ROW_GROUP = 1 << 17
LEG_ROW_GROUP = 1 << 12
"""Legs files are sorted by aircraft: small row groups let ``icao24 IN (...)`` skip most."""
WORK = "_work"


class ArchiveError(Exception):
    """A store that cannot be built or read (not a bad input file: those are skipped)."""


class BuildInterrupted(Exception):
    """Raised by the test hook ``_stop_after``: the build stopped as if it was killed."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    store: Path
    built: tuple[str, ...]  # inputs read by this build
    skipped: tuple[str, ...]  # inputs already in the store (same name and SHA-256)
    positions: int  # rows in the store
    legs: int
    hours_written: int
    leg_days_written: int
    problems: tuple[str, ...]  # every bad file or member, ``FILE: problem``


@dataclass(frozen=True, slots=True)
class Batch:
    key: str
    units: tuple[Unit, ...]


# --- writing Parquet deterministically ---------------------------------------------------


def _write_parquet(
    table: pa.Table,
    path: Path,
    *,
    delta: Sequence[str] = (),
    row_group: int = ROW_GROUP,
    staged: bool = False,
) -> None:
    """Write ``table`` to a hidden temporary file beside ``path``, then rename it into place
    (readers never see half a file). No time in the metadata: same table, same bytes.
    ``staged``: a piece under ``_work``, read once by the positions phase: LZ4, the fastest
    codec to write (the store's files are zstd)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    plain = [c for c in table.column_names if c not in delta]
    pq.write_table(
        table,
        tmp,
        compression="lz4" if staged else "zstd",
        compression_level=None if staged else 6,
        use_dictionary=plain,
        column_encoding={c: "DELTA_BINARY_PACKED" for c in delta} or None,
        row_group_size=row_group,
        write_statistics=True,
    )
    os.replace(tmp, path)


def _decoded(table: pa.Table) -> pa.Table:
    k = table.schema.get_field_index("source")
    column = table.column(k)
    if pa.types.is_dictionary(column.type):
        table = table.set_column(k, "source", column.cast(pa.string()))
    return table


def _sorted_unique(table: pa.Table) -> pa.Table:
    table = table.sort_by([(c, "ascending") for c in POSITION_SORT])
    n = table.num_rows
    if n > 1:
        differs = np.zeros(n - 1, dtype=np.bool_)
        for name in table.column_names:
            column = table.column(name).combine_chunks()
            a, b = column.slice(1), column.slice(0, n - 1)
            both_null = pc.and_(pc.is_null(a), pc.is_null(b))
            unequal = pc.fill_null(pc.not_equal(a, b), True)
            differs |= pc.if_else(both_null, False, unequal).to_numpy(zero_copy_only=False)
        keep = np.concatenate([[True], differs])
        if not keep.all():
            table = table.filter(pa.array(keep))
    return table


def _encode(table: pa.Table) -> pa.Table:
    k = table.schema.get_field_index("source")
    encoded = pc.dictionary_encode(table.column(k).combine_chunks())
    encoded = encoded.cast(pa.dictionary(pa.int32(), pa.string()))
    return table.set_column(k, pa.field("source", encoded.type), encoded).cast(POSITION_SCHEMA)


# --- the tasks (top-level functions: Dask ships them to workers) ---------------------------


def stage_batch(store: str, batch: Batch) -> dict[str, Any]:
    """Read a batch's units; write its positions per hour under ``_work/<key>/``."""
    work = Path(store) / WORK
    marker = work / f"{batch.key}.json"
    if marker.exists():
        result: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        return result
    problems: list[str] = []
    tables = [t for u in batch.units if (t := read_positions(u, problems)) is not None]
    hours: list[str] = []
    icao: list[str] = []
    positions = 0
    if tables:
        table = _decoded(pa.concat_tables([_decoded(t) for t in tables]))
        time_s = table.column("time_s").to_numpy()
        hour_of = time_s // 3600
        order = np.argsort(hour_of, kind="stable")
        table = table.take(pa.array(order))
        hour_of = hour_of[order]
        bounds = np.flatnonzero(np.diff(hour_of)) + 1
        for a, b in zip(
            np.concatenate([[0], bounds]).tolist(),
            np.concatenate([bounds, [len(hour_of)]]).tolist(),
            strict=True,
        ):
            key = _hour_key(int(hour_of[a]))
            piece = work / batch.key / f"{key}.parquet"
            _write_parquet(table.slice(a, b - a), piece, staged=True)
            hours.append(key)
        icao = sorted(set(table.column("icao24").to_pylist()))
        positions = table.num_rows
    result = {"hours": hours, "icao24": icao, "problems": problems, "positions": positions}
    tmp = marker.with_name(f".{marker.name}.{os.getpid()}.tmp")
    work.mkdir(parents=True, exist_ok=True)  # a batch of only bad files wrote no hour yet
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, marker)
    return result


def _hour_key(hour_number: int) -> str:
    day = date(1970, 1, 1) + timedelta(days=hour_number // 24)
    return f"{day.isoformat()}T{hour_number % 24:02d}"


def write_hour(store: str, key: str, pieces: list[str]) -> int:
    """Merge the staged pieces of one hour into its partition; the number of rows."""
    day, hour = key.split("T")
    path = hour_path(Path(store), day, int(hour))
    tables = [_decoded(pq.read_table(p)) for p in pieces]
    if path.exists():
        tables.append(_decoded(pq.read_table(path)))
    table = _encode(_sorted_unique(pa.concat_tables(tables)))
    _write_parquet(table, path, delta=DELTA_COLUMNS)
    return int(table.num_rows)


def write_ground(store: str, day: str) -> int:
    """The day's ground tier, from its positions: every fix on the ground; the number of
    rows. Rewritten whole from the hour files, so it is right after a resumed or incremental
    build too."""
    root = Path(store)
    files = _hour_files(root, [day])
    schema = POSITION_SCHEMA
    columns = ", ".join(GROUND_COLUMNS)
    if files:  # two threads: a build has a day or three, one far bigger than the rest
        con = duckdb.connect(config={"threads": 2})
        con.execute("SET enable_progress_bar = false")
        query = f"SELECT {columns} FROM {FILES} WHERE on_ground ORDER BY {', '.join(GROUND_SORT)}"
        table = con.sql(query, params=[files]).to_arrow_table()
        con.close()
    else:
        table = pa.schema([schema.field(c) for c in GROUND_COLUMNS]).empty_table()
    table = table.cast(pa.schema([schema.field(c) for c in GROUND_COLUMNS]))
    _write_parquet(table, ground_day_path(root, day), delta=DELTA_COLUMNS)
    return int(table.num_rows)


def legs_task(
    paths: list[str], bucket: str, touched: list[str] | None, sha: dict[str, str], synthetic: bool
) -> pa.Table:
    return leg_rows(paths, bucket, touched, sha, synthetic)


# --- running tasks here or on Dask ---------------------------------------------------------


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def show(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if done == total else ""
        print(f"\r{phase:<10} [{bar}] {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)


class _Runner:
    def __init__(self, progress: _Progress, stop_after: int | None, client: Any = None) -> None:
        self.progress = progress
        self.stop_after = stop_after
        self.client = client
        self.steps = 0

    def map(self, phase: str, fn: Callable[..., R], calls: Sequence[tuple[Any, ...]]) -> list[R]:
        self.progress.show(phase, 0, len(calls))
        if self.client is None:
            out: list[R] = []
            for args in calls:
                out.append(fn(*args))
                self.steps += 1
                self.progress.show(phase, len(out), len(calls))
                if self.stop_after is not None and self.steps >= self.stop_after:
                    raise BuildInterrupted(f"stopped after {self.steps} tasks")
            return out
        from distributed import as_completed

        futures = [self.client.submit(fn, *args, pure=False, retries=2) for args in calls]
        for done, _ in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
            self.progress.show(phase, done, len(calls))
        results: list[R] = self.client.gather(futures)
        return results


@contextmanager
def _runner(
    workers: int, scheduler: str | None, progress: _Progress, stop_after: int | None
) -> Iterator[_Runner]:
    if scheduler is None and workers <= 0:
        yield _Runner(progress, stop_after)
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield _Runner(progress, None, client)
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield _Runner(progress, None, client)


# --- the build -----------------------------------------------------------------------------


def _load_manifest(store: Path) -> dict[str, Any]:
    path = store / ARCHIVE_JSON
    if not path.exists():
        built = (store / POSITIONS).exists() or (store / LEGS).exists()
        if built and not (store / WORK).exists():  # (with _work: a first build, killed)
            raise ArchiveError(f"{store}: has positions or legs but no {ARCHIVE_JSON}")
        return {}
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"{path}: not readable: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(f"{path}: not a {FORMAT} version {VERSION} store")
    return manifest


def _batches(inputs: Iterable[Input]) -> list[Batch]:
    out: list[Batch] = []
    for item in inputs:
        current: list[Unit] = []
        size = 0
        for unit in item.units:
            current.append(unit)
            size += max(unit.size, 0) or 1 << 16
            if size >= BATCH_BYTES or len(current) >= BATCH_UNITS:
                out.append(_batch(item, current))
                current, size = [], 0
        if current:
            out.append(_batch(item, current))
    return out


def _batch(item: Input, units: list[Unit]) -> Batch:
    digest = hashlib.sha256(item.sha256.encode())
    for unit in units:
        digest.update(f"\n{unit.member}".encode())
    return Batch(digest.hexdigest()[:32], tuple(units))


def _store_days(store: Path) -> list[str]:
    root = store / POSITIONS
    if not root.exists():
        return []
    return sorted(p.name[4:] for p in root.glob("day=*") if p.is_dir())


def _hour_files(store: Path, days: Iterable[str]) -> list[str]:
    out: list[str] = []
    for day in days:
        out += sorted(
            os.fspath(p) for p in (store / POSITIONS / f"day={day}").glob("hour=*/part-0.parquet")
        )
    return out


def _runs(days: Sequence[str], touched: set[str]) -> list[str]:
    """The days of every run of consecutive days that holds a touched day."""
    out: list[str] = []
    run: list[str] = []
    for day in days:
        if run and date.fromisoformat(day) - date.fromisoformat(run[-1]) > timedelta(days=1):
            if touched & set(run):
                out += run
            run = []
        run.append(day)
    if touched & set(run):
        out += run
    return out


def _rows(path: Path) -> int:
    return int(pq.ParquetFile(path).metadata.num_rows) if path.exists() else 0


def build_store(
    sources: Sequence[Path | str],
    out: Path | str,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    synthetic: bool = False,
    progress: bool = False,
    _stop_after: int | None = None,
) -> BuildReport:
    """Build or extend the store ``out`` from ``sources`` (see the module doc).

    Raises :class:`ArchiveError` when ``out`` is not a store of this format, or mixes
    synthetic and recorded data; bad input files are skipped and reported in the result."""
    store = Path(out)
    store.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(store)
    if manifest and bool(manifest.get("synthetic")) != synthetic:
        kind = "synthetic" if manifest.get("synthetic") else "recorded"
        raise ArchiveError(f"{store}: holds {kind} data; build a separate store")
    problems: list[str] = []
    found = discover(sources, problems)
    done: dict[str, dict[str, Any]] = {i["name"]: i for i in manifest.get("inputs", [])}
    new: list[Input] = []
    skipped: list[str] = []
    for item in found:
        known = done.get(item.name)
        if known is None:
            new.append(item)
        elif known["sha256"] == item.sha256:
            skipped.append(item.name)
        else:
            problems.append(
                f"{item.name}: changed since it was built into {store} (SHA-256 differs); "
                "build a new store"
            )
    bar = _Progress(progress)
    hours_written = 0
    leg_days: list[str] = []
    with _runner(workers, scheduler, bar, _stop_after) as run:
        batches = _batches(new)
        staged = run.map("read", stage_batch, [(os.fspath(store), b) for b in batches])
        pieces: dict[str, list[str]] = {}
        touched_icao: set[str] = set()
        for batch, result in zip(batches, staged, strict=True):
            problems.extend(result["problems"])
            touched_icao.update(result["icao24"])
            for key in result["hours"]:
                piece = store / WORK / batch.key / f"{key}.parquet"
                pieces.setdefault(key, []).append(os.fspath(piece))
        calls = [(os.fspath(store), key, pieces[key]) for key in sorted(pieces)]
        run.map("positions", write_hour, calls)
        hours_written = len(calls)

        touched_days = {key.split("T")[0] for key in pieces}
        ground_days = sorted(
            touched_days
            | {d for d in _store_days(store) if not ground_day_path(store, d).exists()}
        )
        run.map("ground", write_ground, [(os.fspath(store), d) for d in ground_days])
        span = _runs(_store_days(store), touched_days)
        sha = {name: item["sha256"] for name, item in done.items()}
        sha.update({item.name: item.sha256 for item in new})
        everyone = not manifest.get("inputs")  # a first build: every aircraft is new
        touched = None if everyone else sorted(touched_icao)
        paths = _hour_files(store, span)
        in_span = sum(_rows(Path(p)) for p in paths)
        groups = buckets(in_span, workers if scheduler is None else 4)
        tables = run.map(
            "legs",
            legs_task,
            [(paths, b, touched, sha, synthetic) for b in groups] if span else [],
        )
        legs_table = pa.concat_tables(tables) if tables else LEG_SCHEMA.empty_table()
        leg_days = _write_leg_days(store, span, legs_table, touched)
        if leg_days or not (store / AIRCRAFT).exists():
            write_aircraft(store)

    inputs = {
        **done,
        **{i.name: {"name": i.name, "sha256": i.sha256, "bytes": i.bytes} for i in new},
    }
    days = _store_days(store)
    legs_root = store / LEGS
    positions_total = sum(_rows(Path(p)) for p in _hour_files(store, days))
    legs_total = sum(_rows(p) for p in sorted(legs_root.glob("day=*/part-0.parquet")))
    result_manifest = {
        "format": FORMAT,
        "version": VERSION,
        "synthetic": synthetic,
        "inputs": [inputs[k] for k in sorted(inputs)],
        "days": days,
        "positions": positions_total,
        "legs": legs_total,
        "cell": CELL_RULE,
        "units": {"lat_udeg": "micro-degrees", "time_s": "Unix seconds UTC"},
    }
    tmp = store / f".{ARCHIVE_JSON}.tmp"
    tmp.write_text(json.dumps(result_manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, store / ARCHIVE_JSON)
    shutil.rmtree(store / WORK, ignore_errors=True)
    return BuildReport(
        store=store,
        built=tuple(i.name for i in new),
        skipped=tuple(skipped),
        positions=positions_total,
        legs=legs_total,
        hours_written=hours_written,
        leg_days_written=len(leg_days),
        problems=tuple(problems),
    )


def write_aircraft(store: Path) -> None:
    """``aircraft.parquet``: every (icao24, registration, callsign) of the legs index, so a
    question by registration or callsign finds the addresses first, then reads only their
    legs (:func:`geo.archive.query.legs`, the matcher's queries)."""
    files = sorted(os.fspath(p) for p in (store / LEGS).glob("day=*/part-0.parquet"))
    if not files:
        table = AIRCRAFT_SCHEMA.empty_table()
    else:
        with duckdb.connect(config={"threads": 1}) as con:
            con.execute("SET enable_progress_bar = false")
            table = con.sql(
                "SELECT DISTINCT icao24, registration, unnest(CASE WHEN callsigns = '' "
                "THEN [NULL] ELSE string_split(callsigns, ';') END) AS callsign "
                f"FROM {FILES} ORDER BY ALL NULLS LAST",
                params=[files],
            ).to_arrow_table()
        table = table.cast(AIRCRAFT_SCHEMA)
    _write_parquet(table, store / AIRCRAFT)


def _write_leg_days(
    store: Path, span: Sequence[str], new_rows: pa.Table, touched: list[str] | None
) -> list[str]:
    """Rewrite the legs files of ``span``: untouched aircraft's rows kept, the new ones in."""
    if not span:
        return []
    first_day = pc.strftime(
        pc.cast(pc.multiply(new_rows.column("first_s"), 1_000_000), pa.timestamp("us", "UTC")),
        format="%Y-%m-%d",
    )
    written: list[str] = []
    keep_out = set(touched) if touched is not None else None
    for day in span:
        path = leg_day_path(store, day)
        parts = [new_rows.filter(pc.equal(first_day, day))]
        if path.exists() and keep_out is not None:
            old = pq.read_table(path)
            mask = pc.invert(pc.is_in(old.column("icao24"), pa.array(sorted(keep_out))))
            parts.append(old.filter(mask))
        table = pa.concat_tables(parts).cast(LEG_SCHEMA)
        table = table.sort_by(
            [("icao24", "ascending"), ("first_s", "ascending"), ("leg_id", "ascending")]
        )
        if table.num_rows:
            _write_parquet(table, path, row_group=LEG_ROW_GROUP)
            written.append(day)
        elif path.exists():
            path.unlink()
    return written
