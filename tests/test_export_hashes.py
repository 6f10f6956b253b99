"""Every export format of the shipped data gives the same bytes as before the refactor.

The hashes in ``tests/data/export-hashes.json`` were recorded before the boundaries were
moved (issue 22), by ``python -m tests.test_export_hashes --write``, and held through that
refactor; they were recorded again, once, for the changes of output that came after it on
purpose: the map's names, flight style and offline default (html, png, svg), liftoff and
touchdown estimated from the fixes (csv, geojson with a track), ground fixes in the fixes
CSV; the page's rule constants in its data and the still image's markers grouped by the
page's grid and its recorded track in altitude colours (html, png, svg). They are computed
on a copy of the shipped data frozen into ``tests/data/frozen/`` (and of the synthetic
readsb trace), so a change to ``data/*.csv`` does not change them: the test
checks the code, not the data. Each run is a fresh interpreter that points
:func:`geo.shipped.data_dir` at the frozen copy, so nothing cached from the real ``data/``
leaks in. The HTML document is hashed with its page script (``geo/static/js``, inlined) left
out: the data, Leaflet, the styles and the markup must stay byte-identical, while the page's
look may change its script.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FROZEN = Path("tests") / "data" / "frozen"
HASHES = ROOT / "tests" / "data" / "export-hashes.json"
SCENARIOS: dict[str, list[str]] = {
    "shipped": [],
    "shipped+track": ["--tracks", str(FROZEN / "synthetic-trace_full_n103wg.json")],
}

_EXPORT_ALL = """
import hashlib, json, sys, tempfile
from pathlib import Path
import geo.shipped
geo.shipped.data_dir = lambda: Path(sys.argv[1]).resolve()
from geo.cli import main
from geo.formats import EXPORT_FORMATS as FORMATS
extra = json.loads(sys.argv[2])
out = {}
with tempfile.TemporaryDirectory() as tmp:
    for fmt in FORMATS:
        path = Path(tmp) / f"export.{fmt}"
        code = main(["export", "--format", fmt, "--out", str(path), "--tz", "Europe/Moscow",
                     *extra])
        assert code == 0, (fmt, code)
        data = path.read_bytes()
        if fmt == "html":  # the page's own script aside: its look changes it on purpose
            from geo.render import page_script
            script = page_script().encode("utf-8")
            assert data.count(script) == 1
            data = data.replace(script, b"/* the page's script */")
        out[fmt] = hashlib.sha256(data).hexdigest()
print(json.dumps(out))
"""


def export_hashes(extra: list[str]) -> dict[str, str]:
    """The SHA-256 of every format's export of the frozen data, from a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_ALL, str(FROZEN), json.dumps(extra)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    hashes: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return hashes


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_export_is_byte_identical_to_the_recorded_one(scenario: str) -> None:
    recorded = json.loads(HASHES.read_text(encoding="utf-8"))[scenario]
    now = export_hashes(SCENARIOS[scenario])
    assert set(now) >= set(recorded)  # a new format may be added, none may go
    changed = {fmt for fmt in recorded if now[fmt] != recorded[fmt]}
    assert not changed, f"exports changed: {sorted(changed)}"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    table = {name: export_hashes(extra) for name, extra in sorted(SCENARIOS.items())}
    HASHES.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(table, indent=2))
