"""Writing an output file without destroying anything: never over an input, never half-done,
never anything but a regular file replaced.

What ``--out`` names decides how it is written:

* a regular file, or a name not taken yet: the bytes go to a temporary file in the
  destination's folder (its name within the file system's limit however long the output's),
  which is renamed into place only once they are all written and flushed (a rename within a
  folder is atomic), so a killed or disk-full export leaves the old file as it was;
* a symbolic link is **resolved**: what it points to is written, as that is written (a link to
  a map replaces the map and stays a link; ``/dev/stdout`` is a stream);
* a device, a pipe (FIFO) or a terminal is written as a stream, never replaced by a file
  (``--out /dev/null`` discards, ``--out /dev/stdout`` is ``-``);
* a folder is refused.

An output that resolves to any of the run's input files, or lies inside an input folder (a
later run would read it), is refused before anything is computed. Names are printed with
:func:`geo.model.visible` (no control character reaches the terminal).
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from geo.model import visible

TEMP_SUFFIX = ".part"
TEMP_RANDOM = 8  # the characters tempfile adds
DEFAULT_NAME_MAX = 255
STDOUT_NAMES = ("-", "/dev/stdout")  # the CLI writes these to its standard output
PROCESS_STREAMS = ("/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/")


class OutputError(Exception):
    """The output cannot be written (the message says why, for the CLI to print)."""


def shown(path: str | os.PathLike[str]) -> str:
    """A path as a message prints it: control characters, line breaks and bidi overrides
    escaped."""
    return visible(os.fspath(path))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (through links and relative paths too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare what they resolve to
        return Path(a).resolve() == Path(b).resolve()


def inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (resolved) lies somewhere under ``folder`` (resolved)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def refuse_inputs(out: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`OutputError` if ``out`` is one of ``inputs``, or inside an input that is
    a folder (``--tracks DIR``: every file under it may be read, now or by the next run)."""
    for given in inputs:
        if same_file(out, given):
            raise OutputError(
                f"{shown(out)}: is also an input ({shown(given)}); writing there would "
                "destroy it: choose another --out"
            )
        if os.path.isdir(given) and inside(out, given):
            raise OutputError(
                f"{shown(out)}: is inside the input folder {shown(given)}; it would be read "
                "as an input (by this run or the next): choose another --out"
            )


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (through links) is a device, a pipe or a socket, or one of the
    process's own descriptors (``/dev/stdout``, ``/dev/fd/N``): written in place."""
    name = os.fspath(path)
    if name in ("/dev/stdout", "/dev/stderr") or name.startswith(PROCESS_STREAMS):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def temp_prefix(name: str, folder: str | os.PathLike[str]) -> str:
    """``.NAME.`` for a temporary file beside ``NAME``, cut so that the whole temporary name
    fits the folder's file system limit (a 250-byte output name still works)."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = DEFAULT_NAME_MAX
    room = max(1, limit - 2 - TEMP_RANDOM - len(TEMP_SUFFIX))
    return "." + os.fsdecode(os.fsencode(name)[:room]) + "."


class _Counted(io.BufferedWriter):
    """A stream that counts the bytes written to it (a pipe cannot say where it is)."""

    written = 0

    def write(self, b: bytes | bytearray | memoryview, /) -> int:  # type: ignore[override]
        n = super().write(b)
        self.written += n
        return n


def write_output(
    path: str | os.PathLike[str], data: bytes | Callable[[IO[bytes]], None]
) -> int:
    """Write ``data`` (bytes, or a function writing to a binary file, for an export streamed
    batch by batch) to ``path`` as the module says; the bytes written. Raises
    :class:`OutputError` for an empty name or a folder, ``OSError`` when writing fails."""
    if not os.fspath(path):
        raise OutputError("an empty output name: give a file name, or '-' for standard output")
    if os.path.isdir(path):
        raise OutputError(f"{shown(path)}: is a folder: name a file in it")
    if is_stream(path):
        with _Counted(io.FileIO(path, "w")) as fh:  # O_TRUNC means nothing to a device
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            return fh.written
    real = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    return write_atomically(real, data)


def write_atomically(
    path: str | os.PathLike[str], data: bytes | Callable[[IO[bytes]], None]
) -> int:
    """Write ``data`` to ``path`` through a temporary file renamed into place; the bytes
    written. ``path`` must name a regular file or nothing (:func:`write_output` sees to it)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(
        prefix=temp_prefix(target.name, folder), suffix=TEMP_SUFFIX, dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
            size = fh.tell()
        try:
            mode = os.stat(target).st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        return size
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
