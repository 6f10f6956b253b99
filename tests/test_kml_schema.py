"""The KML export validates against the OGC KML 2.2 schema with Google's gx extension
(``xmllint --schema``, the XSDs fastkml ships: ogckml22.xsd imports kml22gx.xsd, atom and
xAL), for the shipped data, the hostile corpus and a generated 2,000-event file.

Outside CI a machine without xmllint (Debian's libxml2-utils) or fastkml skips, saying so;
in CI (``CI`` set) they are required.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from geo.export import export
from tests.corpora import CORPORA
from tests.helpers import events_from_csv

IN_CI = bool(os.environ.get("CI"))


def _require(what: str, found: object) -> None:
    if not found:
        if IN_CI:
            pytest.fail(f"{what} is required in CI")
        pytest.skip(f"{what} is not installed here")


def kml_schema() -> Path:
    """``ogckml22.xsd`` from the installed fastkml package."""
    spec = importlib.util.find_spec("fastkml")
    _require("fastkml (pip install -e '.[test]')", spec and spec.origin)
    assert spec is not None and spec.origin is not None
    xsd = Path(spec.origin).parent / "schema" / "ogckml22.xsd"
    _require(f"{xsd}", xsd.is_file())
    for part in ("kml22gx.xsd", "atom-author-link.xsd", "xAL.xsd"):
        assert (xsd.parent / part).is_file(), part
    return xsd


def xmllint(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("xmllint")
    _require("xmllint (apt-get install libxml2-utils)", tool)
    assert tool is not None
    return subprocess.run(
        [tool, "--noout", "--nonet", "--schema", str(kml_schema()), str(path)],
        capture_output=True, text=True, check=False, timeout=300,
    )


EDGES = events_from_csv(
    "syd-scl,flight,Sydney to Santiago,2025-06-01T11:00,2025-06-01T10:30,SYD,SCL,,reported,s,\n"
    "canberra-santiago,call,Call across the Pacific,2025-06-02,,Canberra,Santiago,,reported,s,\n"
    "round-trip,flight,Round trip,2025-06-01T11:00,2025-06-01T12:30,SYD,SYD,,reported,s,\n"
    "9 at home,visit,Stays home,2025-01-01,,Baku;Moscow,Baku,,speculative,s,\n"
    '"x <b>""]]>",statement,"]]></description><script>x</script>",2025-01-01T10:00:30Z,,,'
    "Baku,,confirmed,https://example.org/?a=1&b=2,notes\n"
)


@pytest.mark.parametrize("name", [*CORPORA, "edges"])
def test_kml_validates_against_the_ogc_and_gx_schemas(name: str, tmp_path: Path) -> None:
    events = EDGES if name == "edges" else CORPORA[name]().events
    path = tmp_path / f"{name}.kml"
    path.write_bytes(export(events, "kml"))
    result = xmllint(path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.strip().endswith("validates")


def test_the_schema_check_catches_a_bad_document(tmp_path: Path) -> None:
    """The check itself works: an id that is no xs:ID and styles out of order fail."""
    text = export(EDGES, "kml").decode()
    bad = text.replace('<Placemark id="syd-scl">', '<Placemark id="1 bad">', 1).replace(
        "<IconStyle><color>", "<LineStyle><width>1</width></LineStyle><IconStyle><color>", 1
    )
    path = tmp_path / "bad.kml"
    path.write_text(bad, encoding="utf-8")
    result = xmllint(path)
    assert result.returncode != 0
    assert "xs:ID" in result.stderr and "IconStyle" in result.stderr
