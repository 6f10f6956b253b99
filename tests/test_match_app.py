"""The app's "Find the aircraft" panel under AppTest: the candidates listed with their
reasons, the coverage in words, one chosen -> the flight's ``aircraft`` filled in the
edited events, which download as a file ``geo check`` accepts. The archive is the synthetic
demo night (``geo.match.demo.DEMO_FLIGHTS``, see tests/test_match.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from geo.match.demo import DEMO_FLIGHTS, write_store
from geo.match.panel import with_aircraft

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FLIGHT = "flight-vko-gyd-2025-03-14"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("appstore") / "store", DEMO_FLIGHTS)


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: Any, path_or_data: Any, mimetype: str, kind: Any, filename: Any = None) -> str:
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return stored


def test_find_the_aircraft_choose_one_and_download(store, media, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GEO_MATCH_STORE", str(store))  # the server's store
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    at.selectbox(key="match_event").set_value(FLIGHT)
    at.button(key="match_run").click().run()
    assert not at.exception
    table = next(d for d in at.dataframe if list(d.value.columns)[:3] == [
        "rank", "score", "registration"])
    assert list(table.value["registration"])[:3] == ["N103WG", "N650GD", "N887WM"]
    assert "registration matches the reported aircraft (N103WG)" in table.value["reasons"][0]
    texts = [t.value for t in at.text]
    assert any(t.startswith("Coverage at origin VKO: good") for t in texts)
    assert any(t.startswith("Verdict: found: N103WG (a0b1c2)") for t in texts)
    assert any("SYNTHETIC" in w.value for w in at.warning)
    # choose the second candidate: the flight's aircraft becomes N650GD in the edits
    pick = at.selectbox(key="match_pick")
    pick.set_value(next(o for o in pick.options if "N650GD" in o)).run()
    # the chosen candidate drawn beside the claim: its map document
    at.checkbox(key="match_draw").check().run()
    assert not at.exception
    frames = [e for e in at.get("iframe")]
    assert frames and "<title>flight-vko-gyd-2025-03-14: candidate #2</title>" in (
        frames[-1].proto.srcdoc)
    at.button(key="match_use").click().run()
    assert not at.exception
    edited = at.session_state["session"].edited
    row = next(line for line in edited.splitlines() if line.startswith(FLIGHT + ","))
    assert row.endswith(",N650GD")
    button = next(b for b in at.get("download_button") if b.key == "download_edited")
    path = tmp_path / "events.csv"
    path.write_bytes(media[Path(button.proto.url).stem])
    proc = subprocess.run([sys.executable, "-m", "geo", "check", "--events", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_with_aircraft_sets_one_cell():
    text = "id,kind,title\na,flight,x\nb,flight,\"y, z\"\n"
    assert with_aircraft(text, "b", "N1") == (
        "id,kind,title,aircraft\na,flight,x,\nb,flight,\"y, z\",N1\n"
    )
    with pytest.raises(KeyError):
        with_aircraft(text, "nope", "N1")


def test_a_candidate_drawn_beside_the_claim(store):
    from geo.dataset import load_dataset
    from geo.match.panel import candidate_events, find_aircraft

    data = load_dataset(strict=False)
    event = next(e for e in data.events if e.id == FLIGHT)
    result = find_aircraft(event, data.gazetteer, store)
    decoy = next(c for c in result.candidates if c.registration == "N650GD")
    (drawn,) = candidate_events(event, decoy, store)
    assert drawn.aircraft == "N650GD" and drawn.recorded is not None
    assert drawn.recorded.comparison is not None  # the claim against this record
    assert drawn.recorded.words().startswith("took off 1 h 4 min after the reported time")
