"""A non-editable install carries everything: the shipped data, places, sources, outlines and
the page's script. Built as a wheel, installed into a folder of its own and run from another
folder, with the checkout (and any editable install of it) out of reach."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

from tests.helpers import page_data

ROOT = Path(__file__).resolve().parent.parent


def test_an_installed_wheel_exports_the_full_map_from_any_folder(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "lib", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )
    # -S: no site processing, so no .pth file (an editable install's finder) is read; the
    # dependencies come from this interpreter's site-packages, after the installed wheel
    paths = [str(target), *site.getsitepackages()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = elsewhere / "map.html"
    run = subprocess.run(
        [sys.executable, "-S", "-c",
         "import geo, sys; sys.argv = ['geo']; print(geo.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )
    assert run.stdout.strip().startswith(str(target))  # the wheel's copy, not the checkout's
    export = subprocess.run(
        [sys.executable, "-S", "-m", "geo", "export", "--out", str(out)],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )
    assert export.returncode == 0, export.stderr
    n_events = len(list((ROOT / "data" / "events.csv").open(encoding="utf-8"))) - 1
    assert f"map.html: {n_events} events, html" in export.stdout
    html = out.read_text(encoding="utf-8")
    assert "geoTimelineInit(" in html and '"Azerbaijan"' in html  # script and outlines
    data = page_data(html)  # the shipped events, places, sources and views
    assert "Vnukovo International Airport (VKO)" in data["strings"]
    assert len(data["events"]["id"]) == n_events
    assert [v["id"] for v in data["meta"]["views"]][:1] == ["flight-night"]
    assert any("OC Media" in s for s in data["strings"])
