"""``list``/``export --match-from STORE``: the best candidate becomes the flight's recorded
track (the tracks' linking, as ``--tracks``), the others its alternatives. The archive is
the synthetic demo night (``geo.match.demo.DEMO_FLIGHTS``, see tests/test_match.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.match.demo import DEMO_FLIGHTS, write_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("linkstore") / "store", DEMO_FLIGHTS)


def test_list_match_from_draws_the_chosen_leg_and_lists_the_alternatives(store, capsys):
    assert main(["list", "--kind", "flight", "--format", "json", "--match-from",
                 str(store)]) == 0
    captured = capsys.readouterr()
    (row,) = json.loads(captured.out)
    assert row["id"] == "flight-vko-gyd-2025-03-14"
    # the record against the claim, as --tracks gives it
    assert row["takeoff_utc"] == "2025-03-13T22:58:10Z"
    assert row["landing_utc"] == "2025-03-14T01:27:40Z"
    assert row["takeoff_delta_minutes"] == pytest.approx(4.2, abs=0.05)
    assert "SYNTHETIC archive, track-a0b1c2-" in row["track_source"]
    match = row["match"]
    assert match["status"] == "found" and match["synthetic"] is True
    assert match["chosen"]["registration"] == "N103WG"
    alternatives = [a["registration"] for a in match["alternatives"]]
    assert alternatives[:2] == ["N650GD", "N887WM"]
    assert "1 of 1 flights matched to a recorded leg (SYNTHETIC archive" in captured.err


def test_export_match_from_writes_the_map(store, tmp_path, capsys):
    out = tmp_path / "map.geojson"
    assert main(["export", "--match-from", str(store), "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    flight = next(f for f in doc["features"]
                  if f["properties"].get("id") == "flight-vko-gyd-2025-03-14")
    assert flight["properties"]["track_points"] > 200


def test_match_from_a_folder_that_is_no_store(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["list", "--match-from", str(tmp_path)])
    assert exc.value.code == 2
    assert "not an archive store (no archive.json)" in capsys.readouterr().err


def test_match_from_gives_the_flight_its_alternatives_with_their_paths(store):
    from geo import geodesy
    from geo.dataset import load_dataset
    from geo.match.linking import match_events_to_store
    from geo.match.store import open_store

    data = load_dataset()
    matched = match_events_to_store(data.events, data.gazetteer, open_store(store))
    (flight,) = [e for e in matched.events if e.id == "flight-vko-gyd-2025-03-14"]
    assert flight.recorded is not None  # the chosen one: N103WG, drawn as its record
    names = [a.name for a in flight.alternatives]
    assert names == ["N650GD (a8c3d1)", "N887WM (ac82ec)", "RA-89050 (152ba4)",
                     "4K-AZ81 (600a1c)"]
    first = flight.alternatives[0]
    assert first.score == pytest.approx(0.37, abs=0.005)
    assert first.reasons == (
        "took off 1 h 4 min after the reported time at the reported airport (VKO)",
        "landed at GYD 58 min late",
        "not the reported aircraft (N103WG): N650GD",
    )  # in short: not the files it was recorded in
    assert first.words().startswith("N650GD (a8c3d1), score 0.37: took off 1 h 4 min after")
    # its path: from VKO to GYD (the same route an hour later)
    vko, gyd = flight.origin[0], flight.destination
    assert geodesy.distance_km(first.lon_deg[0], first.lat_deg[0], vko.lon, vko.lat) < 10
    assert geodesy.distance_km(first.lon_deg[-1], first.lat_deg[-1], gyd.lon, gyd.lat) < 10
    # the one that left VKO at the same minute for Sochi (URSS)
    sochi = flight.alternatives[2]
    assert geodesy.distance_km(sochi.lon_deg[-1], sochi.lat_deg[-1], 39.956, 43.450) < 10


def test_export_match_from_puts_the_alternatives_in_the_page(store, tmp_path, capsys):
    from geo.pack import unpack
    from tests.helpers import document_parts

    out = tmp_path / "map.html"
    assert main(["export", "--match-from", str(store), "--out", str(out)]) == 0
    meta, blob = document_parts(out.read_text(encoding="utf-8"))
    p = unpack(meta["blob"], blob)
    texts = [p["strings"][k] for k in p["alt.text"]]
    assert len(texts) == 4 and len(set(p["alt.flight"].tolist())) == 1
    assert texts[0].startswith("N650GD (a8c3d1), score 0.37: took off 1 h 4 min after the "
                               "reported time at the reported airport (VKO); landed at GYD")
    assert [t.split(",")[0] for t in texts] == ["N650GD (a8c3d1)", "N887WM (ac82ec)",
                                                "RA-89050 (152ba4)", "4K-AZ81 (600a1c)"]
    assert int(p["alt.n"].sum()) == len(p["alt.lat"]) == len(p["alt.lon"]) > 8


def test_tracks_from_and_match_from_link_the_same_fixes_of_a_leg(store):
    """One rule fetches a leg's fixes (geo.archive.leg_positions): the flight's record is the
    same through --tracks-from (a CSV of fixes) and through --match-from (a trace)."""
    import numpy as np

    from geo.archive.tracks import leg_tracks
    from geo.dataset import load_dataset
    from geo.match.linking import match_events_to_store
    from geo.match.store import open_store

    def record(events):
        (e,) = [e for e in events if e.id == "flight-vko-gyd-2025-03-14"]
        assert e.recorded is not None
        return e.recorded.leg

    drawn = record(load_dataset(tracks=leg_tracks(store, aircraft="N103WG")).events)
    data = load_dataset()
    linked = record(match_events_to_store(data.events, data.gazetteer,
                                          open_store(store)).events)
    assert len(drawn.trace.t) == len(linked.trace.t) > 200
    np.testing.assert_array_equal(drawn.trace.t, linked.trace.t)
    np.testing.assert_allclose(drawn.trace.lat, linked.trace.lat, atol=1e-9)
    np.testing.assert_allclose(drawn.trace.lon, linked.trace.lon, atol=1e-9)
    assert drawn.takeoff_utc == linked.takeoff_utc and drawn.landing_utc == linked.landing_utc


def test_a_flight_without_a_found_candidate_has_them_all_as_alternatives(store):
    from geo.dataset import load_dataset
    from geo.match.linking import match_events_to_store
    from geo.match.store import open_store

    data = load_dataset()
    # naming an aircraft the archive never saw: no candidate reaches the found score (0.7)
    events = [e._replace(aircraft="N999XX") if e.id == "flight-vko-gyd-2025-03-14" else e
              for e in data.events]
    matched = match_events_to_store(events, data.gazetteer, open_store(store))
    (flight,) = [e for e in matched.events if e.id == "flight-vko-gyd-2025-03-14"]
    assert matched.results[flight.id].status == "not recorded"
    assert flight.recorded is None  # nothing drawn as its record
    assert [a.name for a in flight.alternatives][:2] == ["N103WG (a0b1c2)", "N650GD (a8c3d1)"]
    assert flight.alternatives[0].score == pytest.approx(0.5, abs=0.01)
    assert "not the reported aircraft (N999XX): N103WG" in flight.alternatives[0].reasons
