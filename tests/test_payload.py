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

from geo import layers
from geo.dataset import load_dataset
from geo.layers import COORD_SCALE, map_payload
from geo.model import Alternative, Event
from geo.pack import Packer, unpack
from geo.payload import (
    OPTIONAL_PARTS,
    PART_TYPES,
    PARTS,
    RULE_TYPES,
    RULES,
    part_problems,
    rule_problems,
)
from tests.helpers import events_from_csv, page_data

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "geo" / "static" / "js"
FIXTURE = ROOT / "tests" / "js" / "data" / "payload.json"
TRACK = ROOT / "tests" / "data" / "frozen" / "synthetic-trace_full_n103wg.json"
ROWS = (
    "vko-gyd,flight,VKO to GYD,2025-03-14T01:54,2025-03-14T05:30,VKO,GYD,Someone,reported,s,\n"
    "call,call,A call,2025-03-13,,Moscow,Baku,A;B,confirmed,s;t,note\n"
)


# a flight's two other candidates in an archive (--match-from), the optional parts' rows
ALTERNATIVES = (
    Alternative("N650GD (a8c3d1)", 0.37, ("took off 1 h 4 min after the reported time",),
                (55.59, 48.0, 40.46), (37.26, 44.0, 50.05)),
    Alternative("<b>4K-AZ81</b>", 0.29, (), (41.26, 40.46), (28.74, 50.05)),
)


def with_alternatives(events: list[Event]) -> list[Event]:
    return [e._replace(alternatives=ALTERNATIVES) if e.is_flight else e for e in events]


def fixture_payload() -> dict[str, object]:
    """The small document's data the node tests decode: without the optional parts, and
    (``alternatives``) with them."""
    meta, blob = map_payload(events_from_csv(ROWS))
    alt_meta, alt_blob = map_payload(with_alternatives(events_from_csv(ROWS)))
    return {"meta": meta, "blob": blob.decode("ascii"),
            "alternatives": {"meta": alt_meta, "blob": alt_blob.decode("ascii")}}


def _js_parts() -> dict[str, str]:
    text = (JS / "10-decode.js").read_text(encoding="utf-8")
    block = re.search(r"var PARTS = \{(.*?)\};", text, re.S)
    assert block, "10-decode.js declares no PARTS"
    return dict(re.findall(r'"([\w.]+)": "(\w+\??)"', block.group(1)))


def test_the_page_declares_the_same_parts_as_python() -> None:
    # an optional part's type ends in "?" on the page
    assert list(_js_parts().items()) == [
        (p.name, p.type + ("?" if p.optional else "")) for p in PARTS
    ]
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
    # the optional parts (a flight's alternatives) only when they have rows: none here
    assert list(meta["blob"]["parts"]) == [p.name for p in PARTS if not p.optional]
    assert part_problems(meta["blob"]["parts"]) == []
    assert page_data((meta, blob))["events"]["id"]  # tests/helpers.py decodes by it too


def _js_rules() -> dict[str, str]:
    text = (JS / "10-decode.js").read_text(encoding="utf-8")
    block = re.search(r"var RULES = \{(.*?)\};", text, re.S)
    assert block, "10-decode.js declares no RULES"
    return dict(re.findall(r'"(\w+)": "(\w+)"', block.group(1)))


def test_the_page_declares_the_same_rules_as_python() -> None:
    assert list(_js_rules().items()) == [(r.name, r.type) for r in RULES]
    assert all(r.meaning for r in RULES)


def test_the_page_reads_only_declared_rules_and_every_one() -> None:
    code = "".join(path.read_text(encoding="utf-8") for path in sorted(JS.glob("*.js")))
    read = set(re.findall(r"\brule\.(\w+)\b", code))
    assert read == set(RULE_TYPES)


def test_the_page_writes_no_rule_number_or_colour_of_its_own() -> None:
    """The instant, the zero-length threshold, the cluster grid and size, and every colour
    come from the payload (geo.payload.RULES, geo.style); none is a literal in the page."""
    for path in sorted(JS.glob("*.js")):
        code = re.sub(r"^\s*(//|/?\*).*$", "", path.read_text(encoding="utf-8"), flags=re.M)
        code = re.sub(r"//.*$", "", code, flags=re.M)
        assert not re.findall(r"[\"'](#[0-9a-fA-F]{3,8})[\"']", code), path.name
        literal = r"-\s*1000\b|\b1e-3\b|(?<![\w.])44(?![\w.])|2 \* Math\.log10"
        assert not re.findall(literal, code), path.name


def test_the_writer_writes_exactly_the_declared_rules_from_their_homes() -> None:
    from geo import geodesy, style, timeline

    rules = layers.page_rules()
    assert list(rules) == [r.name for r in RULES] and rule_problems(rules) == []
    assert rules["instantMs"] == timeline.INSTANT.total_seconds() * 1000 == 1000
    assert rules["zeroLengthKm"] == geodesy.ZERO_LENGTH_KM == 0.001  # 1 m, geometry's too
    assert rules["clusterCellPx"] == style.CLUSTER_CELL_PX == 44
    meta, _ = map_payload(events_from_csv(ROWS))
    assert meta["rule"] == rules


def test_a_renamed_or_mistyped_rule_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = {("instantSeconds" if k == "instantMs" else k): 1 for k in RULE_TYPES}
    renamed["clusterCellPx"] = "44"  # type: ignore[assignment]
    assert rule_problems(renamed) == [  # the page's decoder words it the same
        "missing rule 'instantMs'", "extra rule 'instantSeconds'",
        "rule 'clusterCellPx' is string, not number",
    ]
    monkeypatch.setattr(layers, "CLUSTER_CELL_PX", "44")
    with pytest.raises(ValueError, match="rule 'clusterCellPx' is string, not number"):
        map_payload(events_from_csv(ROWS))


def test_a_flights_alternatives_are_the_optional_parts_with_their_values() -> None:
    meta, blob = map_payload(with_alternatives(events_from_csv(ROWS)))
    assert list(meta["blob"]["parts"]) == [p.name for p in PARTS]  # every part, in order
    assert part_problems(meta["blob"]["parts"]) == []
    p = unpack(meta["blob"], blob)
    strings = p["strings"]
    assert p["alt.flight"].tolist() == [0, 0]  # both of the one flight
    assert [strings[k] for k in p["alt.text"]] == [
        "N650GD (a8c3d1), score 0.37: took off 1 h 4 min after the reported time",
        "<b>4K-AZ81</b>, score 0.29",
    ]
    assert p["alt.n"].tolist() == [3, 2]
    assert (p["alt.lat"] / COORD_SCALE).tolist() == [55.59, 48.0, 40.46, 41.26, 40.46]
    assert (p["alt.lon"] / COORD_SCALE).tolist() == [37.26, 44.0, 50.05, 28.74, 50.05]
    # without alternatives the optional parts are left out, and that is no problem
    plain, _ = map_payload(events_from_csv(ROWS))
    assert not set(plain["blob"]["parts"]) & OPTIONAL_PARTS
    assert part_problems(plain["blob"]["parts"]) == []


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
