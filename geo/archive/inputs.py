"""What a build reads: inputs named on the command line, and the units inside them.

An **input** is a file, a folder (its track files, recursively) or a tar archive (split parts
``x.tar.aa``, ``x.tar.ab``, ... are one input named ``x.tar``, read as one stream). A **unit**
is one file of a folder, one member of a tar, or a plain file: what one task reads. A unit
of a tar is a byte range of the (concatenated) parts, so any worker reads its member without
reading the rest of the archive.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Input", "Unit", "discover", "read_unit"]

UNIT_SUFFIXES = (".json", ".csv", ".kml", ".gz")
"""In a folder or a tar, the files read (as ``--tracks`` reads folders; OpenSky ``.csv.gz``)."""

_PART = re.compile(r"^(?P<base>.+\.tar)\.(?P<part>[a-z]{2,3})$")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Unit:
    """One file to read: ``size`` bytes at ``offset`` of the concatenated ``paths``."""

    input: str
    member: str  # the path inside the input ("" when the input is the file itself)
    paths: tuple[str, ...]
    offset: int
    size: int

    @property
    def label(self) -> str:
        """``INPUT:MEMBER`` (or ``INPUT``): how problems name it."""
        return f"{self.input}:{self.member}" if self.member else self.input


@dataclass(frozen=True, slots=True)
class Input:
    name: str
    sha256: str
    bytes: int
    units: tuple[Unit, ...]


class _Parts(io.RawIOBase):
    """Files read as one seekable stream (a tar split into parts)."""

    def __init__(self, paths: Sequence[str]) -> None:
        super().__init__()
        self._paths = tuple(paths)
        self._sizes = [os.stat(p).st_size for p in self._paths]
        self._pos = 0
        self._open: tuple[int, io.BufferedReader] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        total = sum(self._sizes)
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: total}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        start = 0
        for k, size in enumerate(self._sizes):
            if self._pos < start + size:
                if self._open is None or self._open[0] != k:
                    if self._open is not None:
                        self._open[1].close()
                    self._open = (k, open(self._paths[k], "rb"))  # noqa: SIM115
                fh = self._open[1]
                fh.seek(self._pos - start)
                want = min(len(buffer), start + size - self._pos)
                got = fh.readinto(memoryview(buffer)[:want])
                self._pos += got
                return got
            start += size
        return 0

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None
        super().close()


def read_unit(unit: Unit) -> bytes:
    """The unit's bytes (raises ``OSError`` when its file cannot be read)."""
    if unit.size < 0:
        return Path(unit.paths[0]).read_bytes()
    with _Parts(unit.paths) as stream:
        stream.seek(unit.offset)
        out = bytearray()
        while len(out) < unit.size:
            chunk = stream.read(min(_CHUNK * 16, unit.size - len(out)))
            if not chunk:
                raise OSError(f"the archive ends {unit.size - len(out):,} bytes into {unit.member}")
            out += chunk
        return bytes(out)


def _sha256_of(paths: Sequence[str]) -> tuple[str, int]:
    digest = hashlib.sha256()
    total = 0
    for path in paths:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK * 8):
                digest.update(chunk)
                total += len(chunk)
    return digest.hexdigest(), total


def _wanted(name: str) -> bool:
    return name.lower().endswith(UNIT_SUFFIXES)


def _folder(path: Path, name: str) -> Input:
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and _wanted(p.name)
    )
    lines: list[str] = []
    units: list[Unit] = []
    total = 0
    for file in files:
        rel = file.relative_to(path).as_posix()
        sha, size = _sha256_of([os.fspath(file)])
        lines.append(f"{rel} {sha}\n")
        total += size
        units.append(Unit(name, rel, (os.fspath(file),), 0, -1))
    sha = hashlib.sha256("".join(lines).encode()).hexdigest()
    return Input(name, sha, total, tuple(units))


def _tar(paths: Sequence[str], name: str, problems: list[str]) -> Input:
    sha, total = _sha256_of(paths)
    units: list[Unit] = []
    try:
        with _Parts(paths) as stream, tarfile.open(fileobj=stream, mode="r:") as archive:
            for member in archive:
                if member.isfile() and _wanted(member.name):
                    units.append(
                        Unit(name, member.name, tuple(paths), member.offset_data, member.size)
                    )
    except (tarfile.TarError, OSError, EOFError) as exc:
        problems.append(
            f"{name}: not a readable (uncompressed) tar archive after {len(units):,} members: {exc}"
        )
    units.sort(key=lambda u: u.member)
    return Input(name, sha, total, tuple(units))


def _is_tar(path: str) -> bool:
    return path.lower().endswith(".tar") or bool(_PART.match(os.path.basename(path)))


def discover(sources: Iterable[Path | str], problems: list[str]) -> list[Input]:
    """The inputs named by ``sources`` (split tar parts gathered into one), in name order;
    what cannot be read is reported in ``problems`` as ``FILE: problem`` and left out."""
    inputs: dict[str, Input] = {}
    for source in sources:
        text = os.path.normpath(os.fspath(source))
        path = Path(text)
        if not path.exists():
            problems.append(f"{text}: no such file or folder")
            continue
        try:
            if path.is_dir():
                if text not in inputs:
                    inputs[text] = _folder(path, text)
                continue
            part = _PART.match(path.name)
            if part:
                base = os.path.join(os.path.dirname(text), part["base"])
                if base in inputs:
                    continue
                siblings = sorted(
                    os.fspath(p)
                    for p in path.parent.iterdir()
                    if (m := _PART.match(p.name)) and m["base"] == part["base"]
                )
                inputs[base] = _tar(siblings, base, problems)
            elif _is_tar(text):
                inputs[text] = _tar([text], text, problems)
            else:
                sha, size = _sha256_of([text])
                inputs[text] = Input(text, sha, size, (Unit(text, "", (text,), 0, -1),))
        except OSError as exc:
            problems.append(f"{text}: cannot read: {exc.strerror or exc}")
    return [inputs[k] for k in sorted(inputs)]
