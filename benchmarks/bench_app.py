"""Benchmark: server-side time of one app rerun after a filter change (Streamlit AppTest).

For the shipped data and for ``--events`` generated events (random airport codes from
``data/airports.csv`` and capitals from ``data/places.csv``; random kinds, statuses and
dates over 2016–2026; flights with plausible local departure/arrival times), the app is run
once (cold), then the sidebar date slider is moved to a new range and ``at.run()`` timed;
the median of ``--repeat`` such reruns is printed. The generated file goes through the same
upload path as a user's file (the events uploader).

Run: ``python benchmarks/bench_app.py --events 10000 --repeat 9``
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.model import EVENT_COLUMNS, KINDS, STATUSES  # noqa: E402

TARGETS = {"shipped": 0.3, "generated": 1.5}
PEOPLE = ("A. Envoy", "B. Minister", "C. Adviser", "D. President", "E. Speaker", "F. Aide")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _km(a: dict[str, str], b: dict[str, str]) -> float:
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2
    h += math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def generate_events_csv(n: int, seed: int = 1) -> bytes:
    """``n`` valid event rows (about a fifth of them flights), deterministic for ``seed``."""
    rng = random.Random(seed)
    airports = _rows(ROOT / "data" / "airports.csv")
    capitals = _rows(ROOT / "data" / "places.csv")
    lo = datetime(2016, 1, 1, tzinfo=UTC)
    seconds = int((datetime(2026, 12, 31, tzinfo=UTC) - lo).total_seconds())
    other_kinds = [k for k in KINDS if k != "flight"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    for i in range(n):
        when = lo + timedelta(seconds=rng.randrange(seconds))
        status = rng.choice(STATUSES)
        who = ";".join(rng.sample(PEOPLE, rng.randint(1, 3)))
        if rng.random() < 0.2:
            a, b = rng.sample(airports, 2)
            minutes = _km(a, b) / 780.0 * 60.0 + rng.uniform(25.0, 45.0)
            dep = when.replace(second=0).astimezone(ZoneInfo(a["tz"]))
            arr = (when.replace(second=0) + timedelta(minutes=round(minutes))).astimezone(
                ZoneInfo(b["tz"])
            )
            writer.writerow(
                [
                    f"gen-{i:06d}",
                    "flight",
                    f"Flight {a['iata']} → {b['iata']}",
                    dep.strftime("%Y-%m-%dT%H:%M"),
                    arr.strftime("%Y-%m-%dT%H:%M"),
                    a["iata"],
                    b["iata"],
                    who,
                    status,
                    "generated",
                    "",
                ]
            )
            continue
        kind = rng.choice(other_kinds)
        dest = rng.choice(capitals)
        origins = ";".join(c["name"] for c in rng.sample(capitals, rng.randint(0, 2)))
        day: date = when.date()
        precision = rng.random()
        if precision < 0.6:
            start, end = day.isoformat(), ""
        elif precision < 0.8:
            start = day.isoformat()
            end = (day + timedelta(days=rng.randint(1, 10))).isoformat()
        else:
            start, end = f"{day.year:04d}-{day.month:02d}", ""
        writer.writerow(
            [
                f"gen-{i:06d}",
                kind,
                f"Generated {kind} in {dest['name']}",
                start,
                end,
                origins,
                dest["name"],
                who,
                status,
                "generated",
                "",
            ]
        )
    return buf.getvalue().encode("utf-8")


def _slider(at: Any) -> Any:
    return at.slider(key="range")


def _timed_run(at: Any) -> tuple[float, int]:
    """Seconds of one ``at.run()`` and the number of events the table then shows."""
    t0 = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(str(at.exception))
    return elapsed, len(at.dataframe[0].value)


def ranges_in(lo: date, hi: date, count: int, seed: int) -> list[tuple[date, date]]:
    """``count`` distinct ranges inside ``[lo, hi]`` (each rerun misses the caches)."""
    rng = random.Random(seed)
    days = (hi - lo).days
    out: set[tuple[date, date]] = set()
    while len(out) < count:
        a = rng.randrange(0, days)
        b = rng.randrange(a + 1, days + 1)
        out.add((lo + timedelta(days=a), lo + timedelta(days=b)))
    return sorted(out)


def bench(label: str, upload: bytes | None, repeat: int) -> list[dict[str, Any]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    first, shown = _timed_run(at)
    if upload is not None:
        at.file_uploader(key="upload_events_0").set_value(("events.csv", upload, "text/csv"))
        first, shown = _timed_run(at)
        if at.error:
            raise RuntimeError("\n".join(e.value for e in at.error))
    n_events = len(at.session_state["session"].dataset.events)
    out = [
        {
            "data": label,
            "events": n_events,
            "change": "first run (load + all)",
            "shown": shown,
            "median_s": first,
            "max_s": first,
            "target_s": None,
        }
    ]
    lo, hi = _slider(at).value  # all dates at first
    times, counts = [], []
    for rng in ranges_in(lo, hi, repeat, seed=7):
        _slider(at).set_value(rng)
        elapsed, shown = _timed_run(at)
        times.append(elapsed)
        counts.append(shown)
    out.append(
        {
            "data": label,
            "events": n_events,
            "change": "date slider (random range)",
            "shown": round(statistics.median(counts)),
            "median_s": statistics.median(times),
            "max_s": max(times),
            "target_s": TARGETS[label],
        }
    )
    _slider(at).set_value((lo, hi))
    at.multiselect(key="statuses").set_value(["confirmed", "reported"])
    elapsed, shown = _timed_run(at)
    out.append(
        {
            "data": label,
            "events": n_events,
            "change": "status, all dates (uncached)",
            "shown": shown,
            "median_s": elapsed,
            "max_s": elapsed,
            "target_s": None,
        }
    )
    out.append(_edit(at, label, n_events, repeat))
    return out


def _edit(at: Any, label: str, n_events: int, repeat: int) -> dict[str, Any]:
    """An edit in the events editor, end to end on the server: the edited table (one title
    changed) is kept in the session as the editor keeps it, and "Show my edits on the map"
    runs what every edit runs — the whole file checked strictly, the map and the table made
    from it — then the app reruns. Timed: that click's run."""
    import dataclasses

    from geo.export import to_events_csv

    times = []
    for k in range(max(1, repeat // 3)):
        sess = at.session_state["session"]
        text = to_events_csv(sess.dataset.events)
        title = next(e.title for e in sess.dataset.events
                     if e.title and not set(e.title) & set(',"\r\n'))
        edited = text.replace(f",{title},", f",{title} (edit {k}),", 1)
        assert edited != text
        at.session_state["session"] = dataclasses.replace(sess, edited=edited)
        at.run()
        if not any(b.key == "use_edits" for b in at.button):
            raise RuntimeError(f"no 'Show my edits' button (k={k}, buttons "
                               f"{[b.key for b in at.button]}, errors "
                               f"{[e.value for e in at.error]}, exc {at.exception}, "
                               f"data {at.session_state['session'].data_key[:12]})")
        at.button(key="use_edits").click()
        elapsed, _ = _timed_run(at)
        if at.session_state["session"].edit_problems:
            raise RuntimeError(f"the edit was refused: {at.session_state['session'].edit_problems}")
        times.append(elapsed)
        at.button(key="discard_edits").click()  # back to the data the edit started from
        at.run()
    return {
        "data": label,
        "events": n_events,
        "change": "an edit in the editor",
        "shown": n_events,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "target_s": None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=10_000, help="generated events")
    p.add_argument("--repeat", type=int, default=9, help="timed reruns per dataset")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        path.write_bytes(generate_events_csv(args.events, args.seed))
        results = [
            bench("shipped", None, args.repeat),
            bench("generated", path.read_bytes(), args.repeat),
        ]
    print(f"server-side time of one AppTest rerun (slider: median of {args.repeat} ranges)")
    head = f"{'data':<10} {'events':>6}  {'change':<29} {'shown':>6} {'median s':>8} {'max s':>7}"
    print(head + "  target")
    for r in [row for rows in results for row in rows]:
        target = r["target_s"]
        verdict = (
            ""
            if target is None
            else (f"< {target} s {'ok' if r['median_s'] < target else 'MISSED'}")
        )
        print(
            f"{r['data']:<10} {r['events']:>6}  {r['change']:<29} {r['shown']:>6} "
            f"{r['median_s']:>8.3f} {r['max_s']:>7.3f}  {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
