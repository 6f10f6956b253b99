"""The legs index's own arithmetic (geo.archive.legtable): the same answers as the plain
forms it replaced (DuckDB's ORDER BY, a Counter, positions_at), on data made here."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from archive_spec import write_sources
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.archive import build_store
from geo.archive.legtable import (
    _first_seen_codes,
    _gap_middles,
    _most_common,
    _order,
    _Words,
    buckets,
    leg_rows,
)
from geo.archive.schema import POSITION_SORT
from geo.tracks import make_trace, positions_at
from geo.tracks.model import AirportMatch, Leg

FULL_ORDER = ", ".join(c for c in ("icao24", "time_s", *POSITION_SORT) if c != "cell")


def _rows(table: pa.Table) -> str:
    """The rows as text: NaN equals NaN here (``Table.equals`` says it does not)."""
    return repr(table.to_pylist())


def _positions(rng: np.random.Generator, n: int) -> pa.Table:
    """Rows as the legs query selects them, with many rows tied on address and time that
    differ in the other columns (nulls, NaN, empty strings among them)."""
    icao = rng.choice(["4ca7b0", "a00001", "~abc120", "3c6441", "a00010"], n)
    t = 1_741_910_400 + rng.integers(0, 40, n)

    def maybe(values: list[object], p_null: float) -> list[object]:
        return [None if rng.random() < p_null else v for v in values]

    gs = rng.choice([120.5, 0.0, np.nan, 450.25], n).astype(np.float32)
    return pa.table(
        {
            "time_s": pa.array(t, pa.int64()),
            "icao24": pa.array(icao.tolist(), pa.string()),
            "lat_udeg": pa.array(rng.integers(-3, 3, n) * 1_000_000, pa.int32()),
            "lon_udeg": pa.array(rng.integers(-2, 2, n) * 1_000_000, pa.int32()),
            "alt_baro_ft": pa.array(maybe(rng.integers(0, 3, n).tolist(), 0.2), pa.int32()),
            "on_ground": pa.array(rng.random(n) < 0.5, pa.bool_()),
            "gs_kt": pa.array(gs, pa.float32()),
            "track_deg": pa.array(rng.choice([0.0, 90.0], n).astype(np.float32), pa.float32()),
            "vrate_fpm": pa.array(maybe(rng.integers(-1, 2, n).tolist(), 0.3), pa.int32()),
            "callsign": pa.array(maybe(rng.choice(["AFR1", "", "DLH4"], n).tolist(), 0.2)),
            "registration": pa.array(maybe(rng.choice(["F-GKXA", "D-AIBC"], n).tolist(), 0.3)),
            "type": pa.array(rng.choice(["A320", "B738", ""], n).tolist(), pa.string()),
            "new_leg": pa.array(rng.random(n) < 0.1, pa.bool_()),
            "source": pa.array(rng.choice(["b.json", "a.csv", "c.tar"], n).tolist()),
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_the_address_and_time_sort_with_its_ties_is_duckdbs_order_by(seed: int) -> None:
    whole = _positions(np.random.default_rng(seed), 3000)
    cuts = [0, 1000 + 97 * seed, 1900, 1901, 3000]  # in chunks, as DuckDB hands them over
    table = pa.concat_tables([whole.slice(a, b - a) for a, b in zip(cuts, cuts[1:], strict=False)])
    assert table.num_rows == 3000 and table["icao24"].num_chunks == 4
    con = duckdb.connect()
    con.register("positions", table)
    expected = con.sql(f"SELECT * FROM positions ORDER BY {FULL_ORDER}").to_arrow_table()
    tied = con.sql("SELECT count(*) FROM positions GROUP BY icao24, time_s HAVING count(*) > 1")
    assert len(tied.fetchall()) > 100  # the ties are what is tested
    order = _order(con, table, _Words(table["icao24"]))
    assert sorted(order.tolist()) == list(range(table.num_rows))
    assert _rows(table.take(pa.array(order))) == _rows(expected)


def test_the_sort_falls_back_to_duckdb_when_a_key_is_null() -> None:
    table = _positions(np.random.default_rng(9), 500)
    time = table["time_s"].to_pylist()
    time[7] = None
    table = table.set_column(0, "time_s", pa.array(time, pa.int64()))
    con = duckdb.connect()
    con.register("positions", table)
    expected = con.sql(f"SELECT * FROM positions ORDER BY {FULL_ORDER}").to_arrow_table()
    got = table.take(pa.array(_order(con, table, _Words(table["icao24"]))))
    assert _rows(got) == _rows(expected)


def _counter_most_common(values: list[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    top = max(counts.values())
    return min(k for k, c in counts.items() if c == top)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(["N1", "N2", "", None, "G-ABCD", "N10"]), min_size=1))
def test_most_common_is_the_counters_answer(values: list[str | None]) -> None:
    words = _Words(pa.chunked_array([pa.array(["pad", *values, "pad"], pa.string())]))
    assert _most_common(words, 1, len(values) + 1) == _counter_most_common(values)


def test_most_common_ties_go_to_the_first_in_sort_order_and_empties_never_win() -> None:
    words = _Words(pa.chunked_array([pa.array(["N2", "N1", "", "", "", None, None, "N2", "N1"])]))
    assert _most_common(words, 0, 9) == "N1"
    assert _most_common(words, 2, 7) is None


@settings(deadline=None, max_examples=200)
@given(st.lists(st.sampled_from(["AFR1", "DLH4", "", None, "BAW9"]), min_size=1))
def test_callsign_codes_follow_the_first_appearance(values: list[str | None]) -> None:
    names: dict[str, int] = {}
    expected = [-1 if c is None else names.setdefault(c, len(names)) for c in values]
    words = _Words(pa.chunked_array([pa.array(["X", *values], pa.string())]))
    codes, got_names = _first_seen_codes(words, 1, len(values) + 1)
    assert codes.tolist() == expected
    assert got_names == list(names)


@pytest.mark.parametrize(
    ("lons", "lats"),
    [
        ([37.26, 38.1, 45.0, 49.98], [55.59, 54.0, 44.0, 40.47]),  # VKO to GYD, a gap of 1 h
        ([179.2, 179.9, -179.7, -178.8], [-17.0, -16.5, -16.2, -15.9]),  # across 180
        ([10.0, 10.0, 10.0, 10.3], [89.2, 89.6, 89.9, 89.95]),  # near the pole
        ([2.0, 2.0, 2.5, 3.0], [48.0, 48.0, 48.2, 48.5]),  # standing still first
    ],
)
def test_the_largest_gaps_middle_is_positions_at_there(
    lons: list[float], lats: list[float]
) -> None:
    t = np.array([0.0, 600.0, 4200.0, 4260.0]) + 1_741_910_400.0
    trace = make_trace("test", t, lats, lons)
    leg = Leg(
        trace=trace,
        number=1,
        index=np.arange(4),
        outlier_index=np.zeros(0, dtype=np.int64),
        gaps=(),
        origin=AirportMatch(lats[0], lons[0]),
        destination=AirportMatch(lats[-1], lons[-1]),
        takeoff_observed=False,
        landing_observed=False,
        callsign="",
    )
    for k in range(3):
        want_lon, want_lat, _ = positions_at(leg, [(t[k] + t[k + 1]) / 2.0])
        got_lon, got_lat = _gap_middles(trace.t, trace.lon, trace.lat, np.array([k]))
        assert (got_lon[0], got_lat[0]) == (want_lon[0], want_lat[0])  # the same bits


def test_buckets_split_the_addresses_by_their_last_digit() -> None:
    assert buckets(1, 0) == ["0123456789abcdef"]
    assert buckets(5_000_000, 1) == ["01234567", "89abcdef"]  # 4 M positions a task
    assert buckets(10_000_000, 1) == ["0123", "4567", "89ab", "cdef"]
    assert buckets(30_700_000, 2) == ["01", "23", "45", "67", "89", "ab", "cd", "ef"]
    assert buckets(70_000_000, 2) == list("0123456789abcdef")


def test_any_split_of_the_addresses_gives_the_same_legs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store(list(write_sources(tmp_path / "src").values()), store)
    paths = sorted(str(p) for p in (store / "positions").rglob("*.parquet"))
    sha = {"x": "y"}
    whole = leg_rows(paths, "0123456789abcdef", None, sha, False)
    assert whole.num_rows >= 8
    for split in (list("0123456789abcdef"), ["02468ace", "13579bdf"], ["0", "123456789abcdef"]):
        joined = pa.concat_tables([leg_rows(paths, b, None, sha, False) for b in split])
        assert _rows(joined.sort_by("leg_id")) == _rows(whole.sort_by("leg_id"))
    assert leg_rows(paths, "", None, sha, False).num_rows == 0  # no address: no rows, no error
    some = sorted(set(whole.column("icao24").to_pylist()))[:3]
    touched = leg_rows(paths, "0123456789abcdef", some, sha, False)
    assert _rows(touched.sort_by("leg_id")) == _rows(
        whole.filter(pc.is_in(whole["icao24"], pa.array(some))).sort_by("leg_id")
    )
