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
