"""The page's data is declared once (:data:`geo.payload.PARTS`): the writer writes exactly the
declared parts, the page's decoder (``10-decode.js``) declares the same names and types and
reads nothing else, and ``tests/js/data/payload.json`` (a small document's data, which the
node tests decode) is what Python writes today. Renaming a part in one place fails here, and
the node test ``tests/js/decode.test.mjs`` refuses the renamed data.

Regenerate the fixture after changing the page's data on purpose:
``python -m tests.test_payload --write``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from geo.dataset import load_dataset
from geo.layers import map_payload
from geo.pack import Packer
from geo.payload import PART_TYPES, PARTS, part_problems
from tests.helpers import events_from_csv, page_data

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "geo" / "static" / "js"
FIXTURE = ROOT / "tests" / "js" / "data" / "payload.json"
TRACK = ROOT / "tests" / "data" / "frozen" / "synthetic-trace_full_n103wg.json"
ROWS = (
    "vko-gyd,flight,VKO to GYD,2025-03-14T01:54,2025-03-14T05:30,VKO,GYD,Someone,reported,s,\n"
    "call,call,A call,2025-03-13,,Moscow,Baku,A;B,confirmed,s;t,note\n"
)


def fixture_payload() -> dict[str, object]:
    """The small document's data the node tests decode."""
    meta, blob = map_payload(events_from_csv(ROWS))
    return {"meta": meta, "blob": blob.decode("ascii")}


def _js_parts() -> dict[str, str]:
    text = (JS / "10-decode.js").read_text(encoding="utf-8")
    block = re.search(r"var PARTS = \{(.*?)\};", text, re.S)
    assert block, "10-decode.js declares no PARTS"
    return dict(re.findall(r'"([\w.]+)": "(\w+)"', block.group(1)))


def test_the_page_declares_the_same_parts_as_python() -> None:
    assert list(_js_parts().items()) == [(p.name, p.type) for p in PARTS]
    assert all(p.meaning for p in PARTS)


def test_the_page_reads_only_declared_parts_and_every_one() -> None:
    code = "".join(
        re.sub(r"var PARTS = \{.*?\};", "", path.read_text(encoding="utf-8"), flags=re.S)
        for path in sorted(JS.glob("*.js"))
    )
    decode = (JS / "10-decode.js").read_text(encoding="utf-8")
    model = decode[decode.index("GEO.model = function (meta, p)") :]
    model = model[: model.index("\n  };\n")]  # the function that reads the parts
    read = set(re.findall(r'\bp\["([\w.]+)"\]', code)) | set(re.findall(r"\bp\.(\w+)\b", model))
    assert read - set(PART_TYPES) == set()  # a name the page reads that no part has
    assert set(PART_TYPES) - read == set()  # a part nobody reads


@pytest.mark.parametrize("tracks", [[], [TRACK]], ids=["computed", "recorded"])
def test_the_writer_writes_exactly_the_declared_parts(tracks: list[Path]) -> None:
    meta, blob = map_payload(load_dataset(tracks=tracks).events)
    assert list(meta["blob"]["parts"]) == [p.name for p in PARTS]
    assert part_problems(meta["blob"]["parts"]) == []
    assert page_data((meta, blob))["events"]["id"]  # tests/helpers.py decodes by it too


def test_the_writer_refuses_an_undeclared_or_mistyped_or_missing_part() -> None:
    with pytest.raises(ValueError, match="'ev.dt' \\(f64\\) is not declared"):
        Packer(declared=PART_TYPES).array("ev.dt", [1.0], "f64")
    with pytest.raises(ValueError, match="'ev.dt0' \\(u32\\) is not declared"):
        Packer(declared=PART_TYPES).array("ev.dt0", [1], "u32")
    with pytest.raises(ValueError, match="declared parts not written: pl.lat, pl.lon"):
        Packer(declared=PART_TYPES).finish()
    renamed = {("ev.dt" if k == "ev.dt0" else k): v for k, v in PART_TYPES.items()}
    index = {k: {"type": t} for k, t in renamed.items()}
    index["ev.len"] = {"type": "u32"}
    assert part_problems(index) == [  # the page's decoder words it the same
        "missing part 'ev.dt0'", "extra part 'ev.dt'", "part 'ev.len' is u32, not f64"
    ]


def test_the_node_tests_decode_what_python_writes_today() -> None:
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(fixture_payload())), (
        "tests/js/data/payload.json is stale: python -m tests.test_payload --write"
    )


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    FIXTURE.write_text(json.dumps(fixture_payload(), indent=1) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: written")
