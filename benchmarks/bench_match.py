"""Find the aircraft at scale: one claim and a batch of claims against a year's legs index.

    python benchmarks/bench_match.py --legs 70000000 --days 365 --claims 1000 [--store DIR]

Writes a synthetic legs index in the archive's layout (``legs/day=YYYY-MM-DD/part-0.parquet``,
the columns of docs/archive.md, sorted by ``icao24, first_s``) — ``--legs`` legs over
``--days`` days between 1,000 real airports (airportsdata), 60,000 aircraft — with
``--claims`` *planted* flights, each with three decoys: an aircraft of the same type on the
same route an hour later, another landing at the same airport at the same time from
elsewhere, another leaving the same airport at the same minute for elsewhere. Each planted
flight becomes a claim (airports by IATA code, times local at the airports to the minute, up
to ±10 min off; half of them name the registration), and the benchmark times:

* one claim (``geo.match.match_claim``: the store's query of the window's legs, the scoring,
  the coverage queries), the median of 25;
* the batch of every claim (``geo.match.result.match_claims``, as ``geo match --events``:
  the legs of a week's claims in one DuckDB query joined on airport and day, then each
  scored);
* the top-1 accuracy: how often the planted leg is the first candidate.

The store's identities (``aircraft.parquet``, :func:`geo.archive.build.write_aircraft`) are
written from the index, as ``geo archive build`` writes them. The index has no positions
tier, so the coverage queries find no files (their cost on a real store is the archive's
``aircraft_near``, benchmarked there). ``--store DIR`` keeps (and reuses) the index.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import Geod

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

GEOD = Geod(ellps="WGS84")
DAY0 = 1735689600  # 2025-01-01T00:00:00Z
TYPES = np.array(["A320", "B738", "A321", "B77W", "E190", "CRJ9", "GLF6", "B763", "AT76",
                  "A359"])


def _airports(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    import airportsdata

    rows = [a for a in airportsdata.load("IATA").values()
            if a["icao"] and len(a["icao"]) == 4 and a["tz"]]
    pick = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    chosen = [rows[k] for k in sorted(pick.tolist())]
    return {
        "icao": np.array([a["icao"] for a in chosen]),
        "iata": np.array([a["iata"] for a in chosen]),
        "tz": np.array([a["tz"] for a in chosen]),
        "lat": np.array([float(a["lat"]) for a in chosen]),
        "lon": np.array([float(a["lon"]) for a in chosen]),
    }


def _fleet(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    hexes = rng.choice(0xFFFFFF, size=n, replace=False)
    return {
        "icao24": np.array([f"{h:06x}" for h in hexes.tolist()]),
        "registration": np.array([f"N{k + 100}B" for k in range(n)]),
        "type": TYPES[rng.integers(0, len(TYPES), n)],
        "callsign": np.array([f"BEN{k % 9000 + 100}" for k in range(n)]),
    }


def _legs(o: np.ndarray, d: np.ndarray, up: np.ndarray, who: np.ndarray,
          airports: dict[str, np.ndarray], fleet: dict[str, np.ndarray],
          rng: np.random.Generator, observed: bool | None = None) -> dict[str, np.ndarray]:
    lat0, lon0 = airports["lat"][o], airports["lon"][o]
    lat1, lon1 = airports["lat"][d], airports["lon"][d]
    _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    down = up + (np.asarray(dist) / 1000.0 / 830.0 * 3600.0 + 1200).astype(np.int64)
    n = len(o)
    seen_up = rng.random(n) < 0.95 if observed is None else np.full(n, observed)
    seen_down = rng.random(n) < 0.95 if observed is None else np.full(n, observed)
    return {
        "o": o, "d": d, "up": up, "down": down, "who": who,
        "seen_up": seen_up, "seen_down": seen_down,
        "gap": rng.integers(30, 2400, n),
    }


def _table(parts: list[dict[str, np.ndarray]], airports: dict[str, np.ndarray],
           fleet: dict[str, np.ndarray], day: str) -> pa.Table:
    c = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    icao24 = fleet["icao24"][c["who"]]
    first = c["up"] - np.where(c["seen_up"], 300, -600)
    last = c["down"] + np.where(c["seen_down"], 300, -600)
    order = np.lexsort((first, icao24))
    c = {k: v[order] for k, v in c.items()}
    icao24, first, last = icao24[order], first[order], last[order]
    lat0, lon0 = airports["lat"][c["o"]], airports["lon"][c["o"]]
    lat1, lon1 = airports["lat"][c["d"]], airports["lon"][c["d"]]
    n = len(icao24)
    stamp = np.array([datetime.fromtimestamp(int(s), UTC).strftime("%Y%m%dT%H%MZ")
                      for s in first.tolist()])
    source = f"bench-{day}"
    return pa.table({
        "leg_id": pa.array(np.char.add(np.char.add("track-", icao24), np.char.add("-", stamp))),
        "icao24": pa.array(icao24),
        "registration": pa.array(fleet["registration"][c["who"]]),
        "type": pa.array(fleet["type"][c["who"]]),
        "callsigns": pa.array(fleet["callsign"][c["who"]]),
        "takeoff_s": pa.array(c["up"], mask=~c["seen_up"]),
        "takeoff_airport": pa.array(airports["icao"][c["o"]], mask=~c["seen_up"]),
        "takeoff_alternatives": pa.array(np.full(n, "")),
        "takeoff_observed": pa.array(c["seen_up"]),
        "landing_s": pa.array(c["down"], mask=~c["seen_down"]),
        "landing_airport": pa.array(airports["icao"][c["d"]], mask=~c["seen_down"]),
        "landing_alternatives": pa.array(np.full(n, "")),
        "landing_observed": pa.array(c["seen_down"]),
        "first_s": pa.array(first), "last_s": pa.array(last),
        "first_lat_deg": pa.array(lat0), "first_lon_deg": pa.array(lon0),
        "last_lat_deg": pa.array(lat1), "last_lon_deg": pa.array(lon1),
        "min_lat_deg": pa.array(np.minimum(lat0, lat1)),
        "min_lon_deg": pa.array(np.minimum(lon0, lon1)),
        "max_lat_deg": pa.array(np.maximum(lat0, lat1)),
        "max_lon_deg": pa.array(np.maximum(lon0, lon1)),
        "largest_gap_s": pa.array(c["gap"].astype(np.int64)),
        "fix_count": pa.array(((last - first) // 5).astype(np.int64)),
        "coverage": pa.array(np.full(n, 0.97)),
        "sources": pa.array(np.full(n, source)),
        "source_sha256": pa.array(np.full(n, "0" * 64)),
        "synthetic": pa.array(np.ones(n, dtype=bool)),
    })


def build(store: Path, total: int, days: int, claims: int, seed: int) -> list[dict[str, object]]:
    """Write the index; return the planted flights (what each claim says, and its leg)."""
    from geo.archive.build import write_aircraft

    rng = np.random.default_rng(seed)
    airports = _airports(1000, rng)
    fleet = _fleet(60_000, rng)
    na = len(airports["icao"])
    per_day = total // days
    planted_days = np.sort(rng.integers(0, days, claims))
    planted: list[dict[str, object]] = []
    for k in range(days):
        day = datetime.fromtimestamp(DAY0 + k * 86400, UTC).strftime("%Y-%m-%d")
        base = DAY0 + k * 86400
        o = rng.integers(0, na, per_day)
        d = (o + rng.integers(1, na, per_day)) % na
        up = base + rng.integers(0, 86400, per_day)
        who = rng.integers(0, len(fleet["icao24"]), per_day)
        parts = [_legs(o, d, up, who, airports, fleet, rng)]
        m = int(np.count_nonzero(planted_days == k))
        if m:
            po = rng.integers(0, na, m)
            pd_ = (po + rng.integers(1, na, m)) % na
            pu = base + rng.integers(0, 86400 - 6 * 3600, m)
            pw = rng.integers(0, len(fleet["icao24"]), m)
            truth = _legs(po, pd_, pu, pw, airports, fleet, rng, observed=True)
            same_type = np.array([
                rng.choice(np.flatnonzero(fleet["type"] == fleet["type"][w])) for w in pw
            ])
            later = _legs(po, pd_, pu + 3600, same_type, airports, fleet, rng, observed=True)
            other_o = (po + rng.integers(1, na, m)) % na
            arrive = _legs(other_o, pd_, pu, rng.integers(0, len(fleet["icao24"]), m),
                           airports, fleet, rng, observed=True)
            # land at the same time: shift the takeoff by the difference of durations
            arrive["up"] = arrive["up"] + (truth["down"] - arrive["down"])
            arrive["down"] = truth["down"].copy()
            other_d = (pd_ + rng.integers(1, na, m)) % na
            other_d = np.where(other_d == po, (other_d + 1) % na, other_d)
            leave = _legs(po, other_d, pu, rng.integers(0, len(fleet["icao24"]), m),
                          airports, fleet, rng, observed=True)
            parts += [truth, later, arrive, leave]
            for j in range(m):
                reg = str(fleet["registration"][pw[j]])
                icao = str(fleet["icao24"][pw[j]])
                oi, di = int(po[j]), int(pd_[j])
                off_up, off_down = rng.integers(-10, 11, 2).tolist()
                dep = datetime.fromtimestamp(int(pu[j]) + 60 * off_up, UTC)
                arr = datetime.fromtimestamp(int(truth["down"][j]) + 60 * off_down, UTC)
                planted.append({
                    "origin": str(airports["iata"][oi]), "destination": str(airports["iata"][di]),
                    "depart": dep.astimezone(ZoneInfo(str(airports["tz"][oi])))
                    .strftime("%Y-%m-%dT%H:%M"),
                    "arrive": arr.astimezone(ZoneInfo(str(airports["tz"][di])))
                    .strftime("%Y-%m-%dT%H:%M"),
                    "aircraft": reg if j % 2 == 0 else "",
                    "icao24": icao, "takeoff_s": int(pu[j]),
                })
        table = _table(parts, airports, fleet, day)
        folder = store / "legs" / f"day={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-0.parquet", compression="zstd")
        if k % 30 == 0:
            print(f"  day {k + 1}/{days}: {table.num_rows:,} legs", file=sys.stderr, flush=True)
    info = {"format": "geo-archive", "version": 1, "synthetic": True, "inputs": [],
            "days": [], "positions": 0, "legs": per_day * days + 4 * claims,
            "cell": "", "planted": planted}
    (store / "archive.json").write_text(json.dumps(info), encoding="utf-8")
    write_aircraft(store)
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legs", type=int, default=70_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--store", type=Path, default=None, help="keep/reuse the index here")
    args = parser.parse_args()

    from geo.archive.build import write_aircraft
    from geo.dataset import load_dataset
    from geo.match import make_claim, match_claim, open_store
    from geo.match.result import match_claims

    tmp = None
    store = args.store
    if store is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-match-")
        store = Path(tmp.name) / "store"
    if (store / "archive.json").is_file():
        planted = json.loads((store / "archive.json").read_text())["planted"]
        print(f"reusing {store}", file=sys.stderr)
        if not (store / "aircraft.parquet").is_file():  # an index written before it existed
            write_aircraft(store)
        build_s = float("nan")
    else:
        t0 = time.perf_counter()
        planted = build(store, args.legs, args.days, args.claims, args.seed)
        build_s = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in (store / "legs").rglob("*.parquet"))
    n_legs = sum(pq.ParquetFile(p).metadata.num_rows for p in (store / "legs").rglob("*.parquet"))

    gazetteer = load_dataset(strict=False).gazetteer
    archive = open_store(store)
    claims = [make_claim(p["origin"], p["destination"], p["depart"], p["arrive"],
                         gazetteer=gazetteer, aircraft=p["aircraft"]) for p in planted]

    one: list[float] = []
    for claim in claims[:26]:
        t0 = time.perf_counter()
        match_claim(claim, archive)
        one.append(time.perf_counter() - t0)
    one = one[1:]  # the first opens DuckDB and loads airportsdata

    t0 = time.perf_counter()
    results = match_claims(claims, archive)
    batch_s = time.perf_counter() - t0
    right = sum(
        1 for p, r in zip(planted, results, strict=True)
        if r.candidates and r.candidates[0].icao24 == p["icao24"]
        and r.candidates[0].takeoff_s == p["takeoff_s"]
    )
    named = [k for k, p in enumerate(planted) if p["aircraft"]]
    right_named = sum(
        1 for k in named
        if results[k].candidates and results[k].candidates[0].icao24 == planted[k]["icao24"]
    )

    print()
    print(f"legs index: {n_legs:,} legs over {args.days} days, {size / 2**20:,.0f} MiB "
          f"({size / max(n_legs, 1):.1f} bytes per leg), written in {build_s:,.0f} s")
    print("| question | time | target |")
    print("|---|---:|---:|")
    print(f"| one claim (median of {len(one)}) | {statistics.median(one) * 1000:,.0f} ms "
          f"(max {max(one) * 1000:,.0f} ms) | < 1 s |")
    print(f"| {len(claims):,} claims (the batch: one query per week of claims) "
          f"| {batch_s:,.1f} s | < 60 s |")
    print(f"| top-1 accuracy on planted claims with 3 decoys each | {right}/{len(claims)} "
          f"({right / max(len(claims), 1):.1%}); naming the aircraft {right_named}/{len(named)}"
          " | reported |")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
