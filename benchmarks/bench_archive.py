"""The ADS-B archive against PostGIS (Turnstone's schema) and a naive json + pandas loop, on
a synthetic global day (``generate_globe_day.py``), side by side in one table.

    python benchmarks/bench_archive.py --legs 10000 --work /tmp/archive_bench [--workers 2]

1. generates the day (unless ``WORK/globe`` exists), 2. builds the store with
``python -m geo archive build`` in a child process (wall time, the child's peak RSS), 3. asks
the three questions (legs of an aircraft, at an airport, a box then another) on the store, on
PostGIS and on a pandas frame of every position (median of 3 runs each), 4. prints the table.

PostGIS: Debian's PostgreSQL 15 with PostGIS 3 (``apt-get install postgresql postgis``), a
private cluster started with initdb/pg_ctl as the ``postgres`` user on 127.0.0.1:54329 in a
temporary folder and stopped after, set for a bulk load (1 GB shared buffers and maintenance
memory, WAL minimal, no fsync: the store is not fsynced either); table ``positions(t
timestamptz, hex text, flight text, alt int, gs real, geom geometry(Point, 4326))`` (alt NULL
on the ground; flight the last callsign the trace gave), a GiST index on ``geom`` and B-tree
indexes on ``t`` and ``(hex, t)``. Its load is timed from the same day's files, as the
archive's build is: the traces parsed (orjson, in ``--workers`` processes, one CSV each),
COPY (one session per CSV), the indexes (the GiST in one session, the B-trees in another,
at the same time) and ANALYZE; the table gives the parts. ``--no-postgis`` skips it.

Queries: each side warm, as a server is, and each asked from this Python process with its
answer in a pandas DataFrame: the archive's through ``geo.archive`` (one DuckDB database per
process keeps the Parquet footers, a legs file asked about twice is held decoded), PostGIS's
through one psycopg connection (``pip install '.[bench]'``), the rows fetched into a
DataFrame; median of 3 after 2 warm-up runs, the same for both. PostGIS's server-side time
alone (``EXPLAIN ANALYZE``'s execution time, no rows sent) is printed beside it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.archive import at_airport, box, legs, store_info  # noqa: E402
from geo.archive.airports import resolve_airport  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = "54329"


WARM = 2
"""Runs before the timed ones, for both sides: caches warm, as a server's are (the archive
holds a legs file from the second question about it)."""


def _median(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """The median of ``runs`` runs after :data:`WARM` untimed ones."""
    times = []
    for _ in range(WARM):
        result = fn()
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _build(globe: Path, store: Path, workers: int) -> tuple[float, int]:
    shutil.rmtree(store, ignore_errors=True)
    cmd = [sys.executable, "-m", "geo", "archive", "build", str(globe), "--out", str(store),
           "--synthetic", "--workers", str(workers)]  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb * 1024


class Questions:
    """The three questions, with what they ask of this day."""

    def __init__(self, store: Path) -> None:
        all_legs = legs(store)
        busiest = all_legs["takeoff_airport"].value_counts()
        self.airport = str(busiest.index[0])
        field = resolve_airport(self.airport)
        assert field is not None
        self.field = field
        one = all_legs[all_legs["takeoff_airport"] == self.airport].iloc[0]
        self.registration = str(one["registration"])
        self.hex = str(one["icao24"])
        self.start = datetime(2025, 3, 14, 6, tzinfo=UTC)
        self.end = datetime(2025, 3, 14, 18, tzinfo=UTC)
        lat, lon = field.lat_deg, field.lon_deg
        self.box_a = (lon - 1.0, lat - 1.0, lon + 1.0, lat + 1.0)
        dest = all_legs[all_legs["takeoff_airport"] == self.airport]["landing_airport"].iloc[0]
        other = resolve_airport(str(dest))
        assert other is not None
        self.box_b = (other.lon_deg - 1, other.lat_deg - 1, other.lon_deg + 1, other.lat_deg + 1)
        self.within = timedelta(hours=4)


def _archive_queries(store: Path, q: Questions) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    s, found = _median(lambda: legs(store, aircraft=q.registration))
    out["legs of an aircraft"] = (s, f"{len(found)} legs")
    s, report = _median(lambda: at_airport(store, q.airport, q.start, q.end))
    out["at an airport"] = (
        s, f"{len(report.arrivals)} arr, {len(report.departures)} dep, {len(report.on_ground)} gnd"
    )  # fmt: skip
    s, found = _median(lambda: box(store, q.box_a, q.start, q.end))
    out["in a box"] = (s, f"{len(found)} aircraft")
    s, found = _median(lambda: box(store, q.box_a, q.start, q.end, then=q.box_b, within=q.within))
    out["box, then box in 4 h"] = (s, f"{len(found)} aircraft")
    return out


def _naive(globe: Path, q: Questions) -> tuple[float, dict[str, tuple[float, str]]]:
    """Every trace file read with json, one frame with pandas, the questions as filters."""
    t0 = time.perf_counter()
    parts: list[pd.DataFrame] = []
    for path in sorted(globe.rglob("trace_full_*.json")):
        doc = json.loads(gzip.decompress(path.read_bytes()))
        rows = doc["trace"]
        frame = pd.DataFrame(
            {
                "t": [doc["timestamp"] + r[0] for r in rows],
                "lat": [r[1] for r in rows],
                "lon": [r[2] for r in rows],
                "alt": [None if r[3] == "ground" else r[3] for r in rows],
            }
        )
        frame["hex"] = doc["icao"]
        frame["reg"] = doc.get("r")
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True)
    load = time.perf_counter() - t0
    a, b = q.start.timestamp(), q.end.timestamp()
    out: dict[str, tuple[float, str]] = {}
    s, found = _median(lambda: frame[frame["reg"] == q.registration])
    out["legs of an aircraft"] = (s, f"{len(found)} fixes (no legs)")
    lat0, lon0 = q.field.lat_deg, q.field.lon_deg

    def near() -> pd.DataFrame:
        w = frame[(frame["t"] >= a) & (frame["t"] < b)]
        d = np.hypot(w["lat"] - lat0, (w["lon"] - lon0) * np.cos(np.radians(lat0))) * 111.2
        return w[(d <= 5.0) & (w["alt"].isna() | (w["alt"] < 3000))].groupby("hex").size()

    s, found = _median(near)
    out["at an airport"] = (s, f"{len(found)} aircraft near")

    def in_box(bb: tuple[float, float, float, float], lo: float, hi: float) -> pd.DataFrame:
        return frame[(frame["t"] >= lo) & (frame["t"] < hi) & frame["lon"].between(bb[0], bb[2])
                     & frame["lat"].between(bb[1], bb[3])]  # fmt: skip

    s, found = _median(lambda: in_box(q.box_a, a, b).groupby("hex").size())
    out["in a box"] = (s, f"{len(found)} aircraft")

    def two() -> set[str]:
        first = in_box(q.box_a, a, b)
        then = in_box(q.box_b, a, b + q.within.total_seconds())
        hits = set()
        for hex_, times in then.groupby("hex")["t"]:
            mine = first.loc[first["hex"] == hex_, "t"].to_numpy()
            if mine.size and any(
                ((t - mine) > 0).any() and ((t - mine[mine < t]) <= q.within.total_seconds()).any()
                for t in times.to_numpy()
            ):
                hits.add(hex_)
        return hits

    s, found = _median(two)
    out["box, then box in 4 h"] = (s, f"{len(found)} aircraft")
    return load, out


def _turnstone_csv(job: tuple[list[str], str]) -> int:
    """Trace files as Turnstone's rows, written to one CSV; the number of rows."""
    paths, out = job
    rows = 0
    with open(out, "w", encoding="utf-8") as sink:
        for path in paths:
            doc = orjson.loads(gzip.decompress(Path(path).read_bytes()))
            trace = doc["trace"]
            if not trace:
                continue
            ms = (np.array([r[0] for r in trace], dtype=np.float64) + doc["timestamp"]) * 1000
            stamps = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")
            flight = ""
            lines = []
            for stamp, r in zip(stamps.tolist(), trace, strict=True):
                info = r[8] if len(r) > 8 else None
                if info and info.get("flight"):
                    flight = str(info["flight"]).strip()
                alt = "" if r[3] == "ground" or r[3] is None else str(int(r[3]))
                gs = "" if r[4] is None else str(r[4])
                lines.append(f"{stamp}+00,{doc['icao']},{flight},{alt},{gs},"
                             f"SRID=4326;POINT({r[2]} {r[1]})\n")  # fmt: skip
            sink.writelines(lines)
            rows += len(lines)
    return rows


class Postgis:
    def __init__(self, work: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pg-", dir=work))
        os.chmod(self.dir, 0o777)
        self.data = self.dir / "data"

    def _as_postgres(self, *cmd: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def start(self) -> None:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync")  # fmt: skip
        opts = (f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {self.dir} "
                "-c shared_buffers=1GB -c maintenance_work_mem=1GB -c work_mem=256MB "
                "-c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=16GB "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w",
                          "-l", str(self.dir / "log"), "start")  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def _argv(self, commands: Sequence[str]) -> list[str]:
        argv = ["psql", "-X", "-q", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-At",
                "-v", "ON_ERROR_STOP=1"]  # fmt: skip
        for c in commands:
            argv += ["-c", c]
        return argv

    def psql(self, *commands: str) -> str:
        return subprocess.run(self._argv(commands), check=True, capture_output=True,
                              text=True).stdout  # fmt: skip

    def together(self, *sessions: Sequence[str]) -> None:
        """Each list of commands in a session of its own, all at the same time."""
        running = [subprocess.Popen(self._argv(c), stdout=subprocess.DEVNULL) for c in sessions]
        if any(p.wait() != 0 for p in running):
            raise RuntimeError("psql failed")

    def timed(self, sql: str) -> tuple[float, str]:
        """The median time to ask ``sql`` and have its rows in a DataFrame (psycopg, one
        connection), with PostGIS's own execution time alone, and the number of rows."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=PG_PORT, user="postgres",
                             dbname="postgres", autocommit=True) as conn:  # fmt: skip

            def ask() -> pd.DataFrame:
                with conn.cursor() as cur:
                    cur.execute(sql)
                    rows = cur.fetchall()
                    names = [d.name for d in cur.description or ()]
                return pd.DataFrame(rows, columns=names)

            seconds, frame = _median(ask)
            with conn.cursor() as cur:
                plans = []
                for _ in range(3):
                    cur.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cur.fetchone()
                    assert plan is not None
                    plans.append(float(plan[0][0]["Execution Time"]) / 1000.0)
        return seconds, f"{len(frame)} rows; server alone {statistics.median(plans) * 1e3:.1f} ms"


_S = "extract(epoch FROM {})::bigint"
"""PostGIS's times as the archive gives them: integer Unix seconds (not datetime objects,
which psycopg would build one by one)."""
_FIRST_LAST = f"{_S.format('min(t)')} AS first_s, {_S.format('max(t)')} AS last_s"


def _postgis(work: Path, globe: Path, q: Questions, workers: int) -> dict[str, tuple[float, str]]:
    files = sorted(os.fspath(p) for p in globe.rglob("trace_full_*.json"))
    procs = max(1, workers)
    jobs = [(files[k::procs], os.fspath(work / f"positions-{k}.csv")) for k in range(procs)]
    pg = Postgis(work)
    pg.start()
    out: dict[str, tuple[float, str]] = {}
    try:
        pg.psql("CREATE EXTENSION postgis")
        pg.psql("CREATE TABLE positions (t timestamptz, hex text, flight text, alt int, gs real, "
                "geom geometry(Point, 4326))")  # fmt: skip
        t0 = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            rows = sum(pool.map(_turnstone_csv, jobs))
        t1 = time.perf_counter()
        pg.together(*[[f"\\copy positions FROM '{csv}' (FORMAT csv)"] for _, csv in jobs])
        t2 = time.perf_counter()
        pg.together(
            ["CREATE INDEX ON positions USING gist (geom)"],
            ["CREATE INDEX ON positions (t)", "CREATE INDEX ON positions (hex, t)"],
        )
        pg.psql("ANALYZE positions")
        t3 = time.perf_counter()
        out["load"] = (t3 - t0, f"parse {t1 - t0:.0f} + COPY {t2 - t1:.0f} + indexes "
                                f"{t3 - t2:.0f}; {rows:,} rows")  # fmt: skip
        size = int(pg.psql("SELECT pg_total_relation_size('positions')").strip())
        out["bytes"] = (float(size), f"{rows}")
        a, b = q.start.isoformat(), q.end.isoformat()
        out["legs of an aircraft"] = pg.timed(
            f"SELECT {_S.format('t')} AS time_s, ST_X(geom) AS lon, ST_Y(geom) AS lat, alt "
            f"FROM positions WHERE hex = '{q.hex}' ORDER BY t"
        )
        lon, lat = q.field.lon_deg, q.field.lat_deg
        out["at an airport"] = pg.timed(
            f"SELECT hex, {_FIRST_LAST}, count(*) FROM positions WHERE t >= '{a}' AND t < '{b}' "
            f"AND ST_DWithin(geom, ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326), 0.05) "
            "AND (alt IS NULL OR alt < 3000) GROUP BY hex"
        )
        env_a = "ST_MakeEnvelope({}, {}, {}, {}, 4326)".format(*q.box_a)
        env_b = "ST_MakeEnvelope({}, {}, {}, {}, 4326)".format(*q.box_b)
        out["in a box"] = pg.timed(
            f"SELECT hex, {_FIRST_LAST}, count(*) FROM positions WHERE geom && {env_a} "
            f"AND t >= '{a}' AND t < '{b}' GROUP BY hex"
        )
        out["box, then box in 4 h"] = pg.timed(
            f"WITH a AS (SELECT hex, t FROM positions WHERE geom && {env_a} AND t >= '{a}' "
            f"AND t < '{b}'), b AS (SELECT hex, t FROM positions WHERE geom && {env_b} "
            f"AND t >= '{a}' AND t < timestamptz '{b}' + interval '4 hours') "
            "SELECT DISTINCT a.hex FROM a JOIN b ON a.hex = b.hex AND b.t > a.t "
            "AND b.t <= a.t + interval '4 hours'"
        )
    finally:
        pg.stop()
        for _, csv in jobs:
            Path(csv).unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "archive_bench")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--no-postgis", action="store_true")
    args = parser.parse_args()
    work: Path = args.work
    globe = work / "globe"
    if not globe.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_globe_day.py"),
                        "--legs", str(args.legs), "--out", str(globe)], check=True)  # fmt: skip
    store = work / "store"
    build_s, peak = _build(globe, store, args.workers)
    info = store_info(store)
    n = int(info["positions"])
    store_bytes = _size(store)
    q = Questions(store)
    ours = _archive_queries(store, q)
    naive_load, naive = _naive(globe, q)
    pg = {} if args.no_postgis else _postgis(work, globe, q, args.workers)

    print(f"\nday: {info['legs']:,} legs, {n:,} positions ({_size(globe):,} bytes of gzip JSON); "
          f"build with --workers {args.workers}; airport {q.airport}, aircraft "
          f"{q.registration} ({q.hex}), window {q.start:%H:%M}-{q.end:%H:%M} UTC\n")  # fmt: skip
    pg_load = f"{pg['load'][0]:.1f} ({pg['load'][1]})" if pg else "-"
    pg_bytes = f"{pg['bytes'][0] / int(pg['bytes'][1]):.1f}" if pg else "-"
    rows = [
        ("load / build (s)", f"{build_s:.1f}", pg_load, f"{naive_load:.1f}"),
        ("peak memory (MB)", f"{peak / 1e6:.0f}", "-", "-"),
        ("bytes per position", f"{store_bytes / n:.1f}", pg_bytes, "-"),
    ]
    for name in ("legs of an aircraft", "at an airport", "in a box", "box, then box in 4 h"):
        rows.append(
            (
                f"{name} (ms)",
                f"{ours[name][0] * 1e3:.1f} ({ours[name][1]})",
                f"{pg[name][0] * 1e3:.1f} ({pg[name][1]})" if pg else "-",
                f"{naive[name][0] * 1e3:.1f} ({naive[name][1]})",
            )
        )
    header = ("", "archive (Parquet + DuckDB)", "PostGIS (Turnstone schema)", "json + pandas")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(4)]
    for r in [header, *rows]:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
