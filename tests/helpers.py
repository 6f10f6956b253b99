"""Small builders shared by the tests: events from CSV text, against the shipped gazetteer."""

from __future__ import annotations

from geo.dataset import load_dataset
from geo.model import Event

HEADER = "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"


def events_from_csv(rows: str, *, header: bool = True) -> list[Event]:
    """Validated events from CSV rows (the header is added unless ``header=False``)."""
    text = (HEADER if header else "") + rows
    return list(load_dataset(text.encode("utf-8"), names={"events": "test.csv"}).events)


def shipped_events() -> list[Event]:
    return list(load_dataset().events)


def document_parts(html: str) -> tuple[dict, bytes]:
    """The JSON block and the base64 blob of an exported document."""
    import json
    import re

    meta = re.search(r'<script type="application/json" id="geo-meta">(.*?)</script>', html, re.S)
    blob = re.search(
        r'<script type="application/octet-stream" id="geo-blob">(.*?)</script>', html, re.S
    )
    assert meta and blob, "no data in the document"
    return json.loads(meta.group(1)), blob.group(1).encode("ascii")


def page_data(source: str | tuple[dict, bytes]) -> dict:
    """What the page reads, decoded as plain Python: from a document's HTML or from
    ``geo.layers.map_payload``'s (meta, blob). Columns are lists; string indices are the
    strings; list fields are a list per event; times in ms."""
    from geo.pack import unpack
    from geo.payload import part_problems

    meta, blob = document_parts(source) if isinstance(source, str) else source
    assert part_problems(meta["blob"]["parts"]) == []  # the declared parts (geo.payload)
    p = unpack(meta["blob"], blob)
    strings = p["strings"]
    n = meta["counts"]["events"]
    t0, t1, s = [], [], meta["base"]
    for k in range(n):
        s += p["ev.dt0"][k]
        t0.append(round(s * 1000))
        t1.append(round((s + p["ev.len"][k]) * 1000))
    labels = [strings[k] for k in p["pl.label"]]

    def items(name: str, text) -> list[list]:
        counts, flat = p[f"ev.{name}.n"].tolist(), p[f"ev.{name}.items"].tolist()
        out, at = [], 0
        for c in counts:
            out.append([text(x) for x in flat[at : at + c]])
            at += c
        return out

    events = {
        "id": p["ev.id"], "title": p["ev.title"], "t0": t0, "t1": t1,
        "kind": [meta["kinds"][k] for k in p["ev.kind"]],
        "status": [meta["statuses"][k] for k in p["ev.status"]],
        "precedent": [bool(f & 1) for f in p["ev.flags"]],
        "place": [labels[k] for k in p["ev.place"]],
        **{name: [strings[k] for k in p[f"ev.{name}"]]
           for name in ("when", "local", "utc", "stop", "notes")},
        "origin": items("origin", lambda k: labels[k]),
        "participants": items("who", lambda k: strings[k]),
        "sources": items("src", lambda k: strings[k]),
    }
    facts = p["fl.facts"].tolist()
    return {
        "meta": meta, "strings": strings, "events": events,
        "links": {strings[int(k)]: url for k, url in p["links"].items()},
        "arcs": [(int(i), labels[int(a)]) for i, a in zip(p["arc.event"], p["arc.from"],
                                                          strict=True)],
        "flights": [
            {"event": int(i), "from": labels[int(a)], "facts": [strings[x] for x in
                                                              facts[4 * f : 4 * f + 4]]}
            for f, (i, a) in enumerate(zip(p["fl.event"], p["fl.from"], strict=True))
        ],
    }
