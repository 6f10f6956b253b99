"""Bytes and encoding: what a file (or an upload's bytes) holds, before any CSV is read.

A file over :data:`MAX_BYTES` is refused unread; empty files, UTF-16, binary data (a NUL
byte) and text that is not UTF-8 are reported with the line where the trouble starts.
"""

from __future__ import annotations

import os
import stat

from geo.model import Problem

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file accepted; larger ones are refused before they are read."""

Source = str | os.PathLike[str] | bytes
"""A file path, or the file's bytes (an upload) together with a display name."""


def read_bytes(source: Source, name: str, problems: list[Problem]) -> bytes | None:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            info = os.stat(source)
            if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block, or never end
                what = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
                problems.append(
                    Problem(name, 1, "file", f"is {what}, not a file; give the path of a file")
                )
                return None
            size = info.st_size
            if size > MAX_BYTES:
                problems.append(Problem(name, 1, "file", too_big_message(size)))
                return None
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            problems.append(Problem(name, 1, "file", f"cannot read: {exc.strerror or exc}"))
            return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(name, 1, "file", too_big_message(len(data))))
        return None
    return data


def default_name(source: Source, fallback: str) -> str:
    return fallback if isinstance(source, bytes) else os.fspath(source)


def _size_text(size: int) -> str:
    """``67,109,888 bytes (64.0 MiB)``: exact, so a file just over the limit reads as over."""
    mib = size / 2**20
    if mib < 1:
        return f"{size:,} bytes"
    return f"{size:,} bytes ({mib:.{0 if mib.is_integer() else 1}f} MiB)"


def too_big_message(size: int) -> str:
    """What a refused oversize file is told (the CLI and the app say the same)."""
    return (
        f"file is {_size_text(size)}; the limit is {_size_text(MAX_BYTES)} "
        "(split it, or filter it before loading)"
    )


def decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem(name, 1, "file", "file is empty; expected a header row"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(name, 1, "file", "UTF-16 text (a BOM FF FE / FE FF); save the file as UTF-8")
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.append(Problem(name, line, "file", "binary data (NUL byte); expected CSV text"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        problems.append(
            Problem(
                name,
                line,
                "file",
                f"not UTF-8 text: byte 0x{bad} cannot be decoded (a Latin-1 or Windows-1252 "
                "file?); save the file as UTF-8",
            )
        )
        return None
    if not text.strip():  # only a byte-order mark and blanks
        problems.append(Problem(name, 1, "file", "file is empty; expected a header row"))
        return None
    return text
