"""geo.archive's build: every source format, legs across midnight and sources, bad members
skipped, and the same bytes however the store is built (again, in steps, resumed after a
kill, on a Dask cluster)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from archive_spec import (
    CSV_FLIGHT,
    FILLER,
    GZ_FLIGHT,
    MIDNIGHT,
    SPLIT_FLIGHT,
    TAR_FLIGHT,
    TARCSV_FLIGHT,
    TWO_SOURCES,
    t,
    write_sources,
)

from geo.archive import BuildInterrupted, build_store, legs, positions, store_info
from geo.archive.schema import GROUND_COLUMNS, GROUND_SORT, POSITION_SORT

ALL = [
    MIDNIGHT,
    TAR_FLIGHT,
    SPLIT_FLIGHT,
    TWO_SOURCES,
    GZ_FLIGHT,
    TARCSV_FLIGHT,
    CSV_FLIGHT,
    *FILLER,
]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_sources(tmp_path_factory.mktemp("archive") / "src")


@pytest.fixture(scope="module")
def store(sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store") / "store"
    build_store(list(sources.values()), out)
    return out


def snapshot(store: Path) -> dict[str, bytes]:
    return {
        p.relative_to(store).as_posix(): p.read_bytes()
        for p in sorted(store.rglob("*"))
        if p.is_file()
    }


def test_every_flight_of_every_format_is_one_leg_with_its_airports_and_times(store: Path) -> None:
    found = legs(store)
    got = {
        (r.icao24, r.takeoff_airport, r.landing_airport, r.takeoff_s, r.landing_s)
        for r in found.itertuples()
    }
    expected = {(f.icao24, f.origin, f.destination, f.takeoff_s, f.landing_s) for f in ALL}
    assert got == expected
    assert len(found) == len(ALL)
    assert found["takeoff_observed"].all() and found["landing_observed"].all()


def test_a_leg_across_midnight_is_one_leg_filed_under_its_first_day(store: Path) -> None:
    (row,) = legs(store, aircraft="N103WG").itertuples()
    assert row.leg_id == "track-a0b1c2-20250313T2254Z"
    assert (row.takeoff_s, row.landing_s) == (t("2025-03-13T22:54:00Z"), t("2025-03-14T01:30:00Z"))
    assert (row.takeoff_airport, row.landing_airport) == ("UUWW", "UBBB")
    assert row.callsigns == "AZG123" and row.type == "GLF6"
    first_day = pq.read_table(store / "legs" / "day=2025-03-13" / "part-0.parquet")
    assert first_day.column("icao24").to_pylist() == ["a0b1c2"]
    assert row.coverage == 1.0 and row.largest_gap_s == 60


def test_the_same_aircraft_in_readsb_and_opensky_is_one_leg_citing_both(
    store: Path, sources: dict[str, Path]
) -> None:
    (row,) = legs(store, aircraft="151d8a").itertuples()
    assert (row.takeoff_airport, row.landing_airport) == ("UUWW", "URSS")
    assert (row.takeoff_s, row.landing_s) == (TWO_SOURCES.takeoff_s, TWO_SOURCES.landing_s)
    names = sorted([str(sources["globe"]), str(sources["opensky_csv"])])
    assert row.sources == ";".join(names)
    shas = {i["name"]: i["sha256"] for i in store_info(store)["inputs"]}
    assert row.source_sha256 == ";".join(shas[n] for n in names)
    assert row.registration == "RA-96022"  # from readsb; OpenSky has none


def test_a_corrupt_member_is_reported_and_the_rest_of_its_tar_built(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    report = build_store([sources["tar"]], tmp_path / "s")
    assert report.problems == (
        f"{sources['tar']}:2025/03/14/traces/ff/trace_full_badbad.json: "
        "gzip data is truncated (the file ends before the stream does)",
    )
    assert sorted(legs(tmp_path / "s")["icao24"]) == sorted([TAR_FLIGHT.icao24, FILLER[3].icao24])


def test_a_missing_source_and_a_broken_tar_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"this is not a tar archive at all" * 40)
    report = build_store([tmp_path / "nope", broken], tmp_path / "s")
    assert report.problems[0] == f"{tmp_path / 'nope'}: no such file or folder"
    assert report.problems[1].startswith(f"{broken}: not a readable (uncompressed) tar archive")
    assert report.positions == 0


def test_split_tar_parts_are_one_input(store: Path, sources: dict[str, Path]) -> None:
    names = [i["name"] for i in store_info(store)["inputs"]]
    base = str(sources["split"])[: -len(".aa")]
    assert base in names and not any(n.endswith(".tar.ab") for n in names)
    (row,) = legs(store, aircraft="D-ABYA").itertuples()
    assert row.sources == base and row.fix_count == 81


def test_opensky_si_units_become_feet_knots_and_feet_per_minute(store: Path) -> None:
    fixes = positions(
        store, GZ_FLIGHT.icao24, t_dt("2025-03-14T08:00:00Z"), t_dt("2025-03-14T11:00:00Z")
    )
    row = fixes[fixes["time_s"] == t("2025-03-14T09:05:00Z")].iloc[0]
    assert row["alt_baro_ft"] == 10500  # 500 ft + 5 min climbing at 2,000 ft/min
    assert row["gs_kt"] == pytest.approx(420.0, abs=0.01)
    assert row["vrate_fpm"] == 2000
    assert row["callsign"] == "RYR1"
    ground = fixes[fixes["on_ground"]]
    assert len(ground) == 10 and ground["alt_baro_ft"].isna().all()


def t_dt(text: str):  # noqa: ANN201
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t(text), UTC)


def test_positions_are_partitioned_by_hour_and_sorted_by_cell_aircraft_time(store: Path) -> None:
    info = store_info(store)
    assert info["format"] == "geo-archive" and info["version"] == 1
    assert info["days"] == ["2025-03-13", "2025-03-14"]
    path = store / "positions" / "day=2025-03-14" / "hour=05" / "part-0.parquet"
    table = pq.read_table(path)
    assert set(table.column_names) >= {"time_s", "icao24", "lat_udeg", "cell", "source"}
    times = table.column("time_s").to_pylist()
    assert all(t("2025-03-14T05:00:00Z") <= s < t("2025-03-14T06:00:00Z") for s in times)
    rows = table.to_pylist()
    keys = [tuple((r[c] is None, r[c]) for c in POSITION_SORT[:3]) for r in rows]
    assert keys == sorted(keys)
    meta = pq.ParquetFile(path).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_the_ground_tier_holds_every_fix_on_the_ground_of_its_day(store: Path) -> None:
    for day in store_info(store)["days"]:
        hours = sorted((store / "positions" / f"day={day}").glob("hour=*/part-0.parquet"))
        fixes = pq.read_table(hours, columns=[*GROUND_COLUMNS, "on_ground"]).to_pylist()
        expected = sorted(tuple(r[c] for c in GROUND_SORT) for r in fixes if r["on_ground"])
        path = store / "ground" / f"day={day}" / "part-0.parquet"
        rows = pq.read_table(path).to_pylist()
        assert [tuple(r[c] for c in GROUND_SORT) for r in rows] == expected
        assert pq.read_schema(path).names == list(GROUND_COLUMNS)
        assert expected  # each day has fixes on the ground


def test_a_store_built_before_the_ground_tier_gets_it_when_it_grows(
    store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    old = tmp_path / "old"
    build_store([sources["globe"], sources["fixes"]], old)
    shutil.rmtree(old / "ground")  # as a store built before the tier
    build_store(list(sources.values()), old)
    assert snapshot(old) == snapshot(store)


# the same bytes, however the store is built -----------------------------------------------


def test_a_second_build_is_byte_identical_and_a_rebuild_changes_nothing(
    store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    again = tmp_path / "again"
    build_store(list(sources.values()), again)
    assert snapshot(again) == snapshot(store)
    report = build_store(list(sources.values()), again)
    assert report.built == () and len(report.skipped) == 7
    assert snapshot(again) == snapshot(store)


def test_adding_days_and_sources_gives_the_clean_build(
    store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    steps = tmp_path / "steps"
    first = build_store([sources["globe"], sources["fixes"]], steps)
    assert first.legs == 6
    second = build_store([sources["opensky_csv"], sources["tar"]], steps)
    assert second.built == (str(sources["tar"]), str(sources["opensky_csv"]))
    build_store(list(sources.values()), steps)
    assert snapshot(steps) == snapshot(store)


@pytest.mark.parametrize("stop_after", [1, 6, 20, 28, 30])  # 7 reads, 20 hours, 2 ground, 1 legs
def test_a_killed_build_resumed_gives_the_clean_build(
    store: Path, sources: dict[str, Path], tmp_path: Path, stop_after: int
) -> None:
    out = tmp_path / "killed"
    with pytest.raises(BuildInterrupted):
        build_store(list(sources.values()), out, _stop_after=stop_after)
    assert not (out / "archive.json").exists()
    build_store(list(sources.values()), out)
    assert snapshot(out) == snapshot(store)


def test_a_two_worker_dask_cluster_builds_the_same_bytes(
    store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        build_store(list(sources.values()), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert snapshot(tmp_path / "dask") == snapshot(store)


def _die_once(marker: str) -> None:
    """In a Dask worker: the next batch read kills the worker's process (once: ``marker``
    records it), as an out-of-memory kill or a crash would."""
    import os

    import geo.archive.build as build

    original = build.read_positions

    def read(*args: object, **kwargs: object) -> object:
        if not os.path.exists(marker):
            open(marker, "w").close()  # noqa: SIM115 - a marker, written before the death
            os._exit(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    build.read_positions = read  # type: ignore[assignment]


def test_a_worker_that_dies_mid_task_is_replaced_and_the_build_is_whole(
    store: Path, sources: dict[str, Path], tmp_path: Path
) -> None:
    """The tasks are retried (``retries=2``) and each writes atomically, so a worker process
    killed in the middle of a batch leaves nothing half-written: its nanny starts a new
    worker, the scheduler gives the batch to it, and the store is the clean build's."""
    distributed = pytest.importorskip("distributed")
    marker = tmp_path / "died"
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(_die_once, str(marker))
        build_store(list(sources.values()), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert marker.exists()  # a worker did die
    assert snapshot(tmp_path / "dask") == snapshot(store)


def test_the_aircraft_table_lists_every_identity_of_the_legs(store: Path) -> None:
    rows = pq.read_table(store / "aircraft.parquet").to_pylist()
    assert {"icao24": "a0b1c2", "registration": "N103WG", "callsign": "AZG123"} in rows
    assert {"icao24": "4ca7b5", "registration": None, "callsign": "RYR1"} in rows  # OpenSky
    assert len(rows) == len(ALL)
    assert rows == sorted(
        rows, key=lambda r: (r["icao24"], r["registration"] or "~", r["callsign"])
    )


def test_merging_an_hour_drops_rows_equal_in_every_column_and_keeps_the_rest() -> None:
    # rows equal in the sort keys but not elsewhere are kept; nulls equal nulls
    import numpy as np
    import pyarrow as pa

    from geo.archive.build import _sorted_unique
    from geo.archive.schema import POSITION_SCHEMA

    rng = np.random.default_rng(3)
    n = 3000
    columns: dict[str, list[object]] = {}
    for field in POSITION_SCHEMA:
        if field.name in ("time_s", "cell", "lat_udeg", "lon_udeg", "alt_baro_ft", "vrate_fpm"):
            values: list[object] = rng.integers(0, 3, n).tolist()
        elif field.name in ("gs_kt", "track_deg"):
            values = rng.choice([1.5, 2.5], n).tolist()
        elif field.name in ("on_ground", "new_leg"):
            values = rng.integers(0, 2, n).astype(bool).tolist()
        else:
            values = rng.choice(["a", "b"], n).tolist()
        nulls = rng.random(n) < 0.2
        columns[field.name] = [None if z else v for v, z in zip(values, nulls, strict=True)]
    table = pa.table(columns).cast(pa.schema([f.with_type(
        pa.string() if pa.types.is_dictionary(f.type) else f.type) for f in POSITION_SCHEMA]))
    table = pa.concat_tables([table, table.take(pa.array(rng.integers(0, n, 500)))])
    got = _sorted_unique(table)
    ordered = table.sort_by([(c, "ascending") for c in POSITION_SORT])
    every = [tuple(r.values()) for r in ordered.to_pylist()]
    keep = [k == 0 or every[k] != every[k - 1] for k in range(len(every))]
    assert got.equals(ordered.filter(pa.array(keep)))
    assert got.num_rows == len(set(every)) <= n < table.num_rows
