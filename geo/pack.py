"""The page's data as compact binary: typed columns and JSON sections in one deflated blob.

Numbers travel as little-endian typed arrays (integer coordinates, times as integer seconds,
dictionary-coded strings), text as JSON arrays; everything is concatenated (each part aligned
to 8 bytes), compressed with zlib's deflate — the format the browser's
``DecompressionStream("deflate")`` undoes — and written as base64, which is inert in HTML.
The index (names, types, offsets, lengths) goes in the document's small JSON block.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

TYPES: dict[str, str] = {"u8": "<u1", "u16": "<u2", "u32": "<u4", "i32": "<i4", "f64": "<f8"}
LEVEL = 6  # zlib level: 6 is zlib's default; 9 saves ~3 % for twice the time


@dataclass
class Packer:
    """Collects the parts of one blob, in order."""

    parts: list[bytes] = field(default_factory=list)
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    size: int = 0
    declared: dict[str, str] | None = None  # name -> type: the only parts it takes, all of them
    optional: frozenset[str] = frozenset()  # declared parts it may leave out

    def _add(self, name: str, data: bytes, kind: str, length: int) -> None:
        assert name not in self.index, f"part {name!r} added twice"
        if self.declared is not None and self.declared.get(name) != kind:
            raise ValueError(f"part {name!r} ({kind}) is not declared so (geo.payload.PARTS)")
        pad = -self.size % 8
        if pad:
            self.parts.append(b"\0" * pad)
            self.size += pad
        self.index[name] = {"type": kind, "offset": self.size, "length": length}
        self.parts.append(data)
        self.size += len(data)

    def array(self, name: str, values: npt.ArrayLike, kind: str) -> None:
        """A typed column (``kind`` one of :data:`TYPES`); values must fit the type."""
        wanted = np.dtype(TYPES[kind])
        arr = np.asarray(values)
        if arr.size and arr.dtype != wanted:
            info = np.iinfo(wanted) if wanted.kind in "iu" else None
            if info is not None and (arr.min() < info.min or arr.max() > info.max):
                raise OverflowError(f"column {name!r} does not fit {kind}")
        data = np.ascontiguousarray(arr, dtype=wanted).tobytes()
        self._add(name, data, kind, int(arr.size))

    def json(self, name: str, value: Any) -> None:
        """A JSON section (text, lists of strings): parsed by the page with ``JSON.parse``."""
        data = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
        self._add(name, data, "json", len(data))

    def finish(self, *, compress: bool = True) -> tuple[dict[str, Any], bytes]:
        """The index (for the JSON block) and the blob as base64 (ASCII bytes)."""
        skip = self.optional
        missing = [n for n in self.declared or () if n not in self.index and n not in skip]
        if missing:
            raise ValueError(f"declared parts not written: {', '.join(missing)}")
        raw = b"".join(self.parts)
        data = zlib.compress(raw, LEVEL) if compress else raw
        meta = {
            "encoding": "deflate" if compress else "none",
            "rawBytes": len(raw),
            "parts": self.index,
        }
        return meta, base64.b64encode(data)


def unpack(meta: dict[str, Any], blob: bytes) -> dict[str, Any]:
    """The parts of a blob back as numpy arrays and Python values (for tests and tools)."""
    raw = base64.b64decode(blob)
    if meta["encoding"] == "deflate":
        raw = zlib.decompress(raw)
    out: dict[str, Any] = {}
    for name, part in meta["parts"].items():
        start = part["offset"]
        if part["type"] == "json":
            out[name] = orjson.loads(raw[start : start + part["length"]])
        else:
            dtype = np.dtype(TYPES[part["type"]])
            out[name] = np.frombuffer(raw, dtype=dtype, count=part["length"], offset=start)
    return out
