"""Bytes and encoding: what a file (or an upload's bytes) holds, before any CSV is read.

A file over :data:`MAX_BYTES` is refused unread; empty files, UTF-16, binary data (a NUL
byte) and text that is not UTF-8 are reported with the line where the trouble starts.
"""

from __future__ import annotations

import os
import re
import stat
import zlib

from geo.model import Problem

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file accepted; larger ones are refused before they are read."""

Source = str | os.PathLike[str] | bytes
"""A file path, or the file's bytes (an upload) together with a display name."""


def not_a_file(info: os.stat_result) -> str | None:
    """Why a path's status is no regular file to read (``None`` when it is one): a pipe or a
    device would block, or never end, so it is refused before it is opened."""
    if stat.S_ISREG(info.st_mode):
        return None
    what = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
    return f"is {what}, not a file; give the path of a file"


def _without_waiting(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_bytes(source: Source, name: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a file (or an upload's bytes), at most :data:`MAX_BYTES`; a pipe, a
    device or a folder is refused before it is opened."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            info = os.stat(source)
            refused = not_a_file(info)
            if refused:
                problems.append(Problem(name, 1, "file", refused))
                return None
            size = info.st_size
            if size > MAX_BYTES:
                problems.append(Problem(name, 1, "file", too_big_message(size)))
                return None
            # O_NONBLOCK: should the path become a pipe between stat and open, open() does not
            # wait for a writer
            with open(source, "rb", opener=_without_waiting) as fh:
                refused = not_a_file(os.fstat(fh.fileno()))
                if refused:
                    problems.append(Problem(name, 1, "file", refused))
                    return None
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


def size_text(size: int) -> str:
    """``67,109,888 bytes (64.0 MiB)``: exact, so a file just over the limit reads as over."""
    mib = size / 2**20
    if mib < 1:
        return f"{size:,} bytes"
    return f"{size:,} bytes ({mib:.{0 if mib.is_integer() else 1}f} MiB)"


def too_big_message(size: int) -> str:
    """What a refused oversize file is told (the CLI and the app say the same)."""
    return (
        f"file is {size_text(size)}; the limit is {size_text(MAX_BYTES)} "
        "(split it, or filter it before loading)"
    )


def decode(
    data: bytes, name: str, problems: list[Problem], *, expected: str | None = None
) -> str | None:
    """The text of UTF-8 bytes, or ``None`` with the problem (an empty file, UTF-16, binary
    data, not UTF-8: with a hint at the Latin-1 file it probably is). ``expected`` says what
    the file should hold (each format's own help text); by default a CSV with a header."""
    if not data.strip():
        problems.append(
            Problem(name, 1, "file", f"file is empty; {expected or 'expected a header row'}")
        )
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(name, 1, "file", "UTF-16 text (a BOM FF FE / FE FF); save the file as UTF-8")
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.append(
            Problem(
                name, line, "file", f"binary data (NUL byte); {expected or 'expected CSV text'}"
            )
        )
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
        problems.append(
            Problem(name, 1, "file", f"file is empty; {expected or 'expected a header row'}")
        )
        return None
    return text


GZIP_MAGIC = b"\x1f\x8b"
_ZEROS = re.compile(b"\x00*")
_FIRST_FEED = 256
_MAX_FEED = 1 << 20


def inflate(data: bytes, name: str, problems: list[Problem]) -> bytes | None:
    """The content of gzip data (every member, one after another; zero padding between
    members allowed), or ``None`` with the problem. The :data:`MAX_BYTES` limit applies to
    the inflated content.

    Linear in the input: the compressed bytes are fed from a view in pieces that start
    small at each member and double while it lasts, so a member never copies the rest of
    the file (many empty members would otherwise cost the square of the file's size)."""
    view = memoryview(data)
    size = len(data)
    out: list[bytes] = []
    total = 0
    pos = 0
    try:
        while pos < size:
            inflater = zlib.decompressobj(wbits=31)
            feed = _FIRST_FEED
            while True:
                piece = view[pos : pos + feed]
                chunk = inflater.decompress(piece, MAX_BYTES + 1 - total)
                total += len(chunk)
                if total > MAX_BYTES:
                    problems.append(
                        Problem(
                            name, 1, "file",
                            f"gzip data inflates to more than {size_text(MAX_BYTES)}; "
                            "the limit applies to the content",
                        )
                    )
                    return None
                if chunk:
                    out.append(chunk)
                pos += len(piece) - len(inflater.unconsumed_tail) - len(inflater.unused_data)
                if inflater.eof:
                    break
                if pos >= size:
                    problems.append(
                        Problem(
                            name, 1, "file",
                            "gzip data is truncated (the file ends before the stream does)",
                        )
                    )
                    return None
                feed = min(feed * 2, _MAX_FEED)
            found = _ZEROS.match(data, pos)  # members may be zero-padded
            pos = found.end() if found else pos
            if pos < size and not data.startswith(GZIP_MAGIC, pos):
                problems.append(Problem(name, 1, "file", "bytes after the end of the gzip data"))
                return None
    except zlib.error as exc:
        problems.append(Problem(name, 1, "file", f"not valid gzip data ({exc})"))
        return None
    return b"".join(out)
