"""Writing an output file without destroying anything: never over an input, never half-done.

The bytes go to a temporary file in the destination's folder, which is renamed into place
only once they are all written and flushed (a rename within a folder is atomic), so a killed
or disk-full export leaves the old file as it was. An output that resolves to any of the run's
input files is refused before anything is computed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO


class OutputError(Exception):
    """The output cannot be written (the message says why, for the CLI to print)."""


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (through links and relative paths too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare what they resolve to
        return Path(a).resolve() == Path(b).resolve()


def refuse_inputs(out: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`OutputError` if ``out`` is one of ``inputs``."""
    for given in inputs:
        if same_file(out, given):
            raise OutputError(
                f"{os.fspath(out)}: is also an input ({os.fspath(given)}); writing there would "
                "destroy it: choose another --out"
            )


def write_atomically(
    path: str | os.PathLike[str], data: bytes | Callable[[IO[bytes]], None]
) -> int:
    """Write ``data`` (bytes, or a function writing to a binary file, for an export streamed
    batch by batch) to ``path`` through a temporary file renamed into place; the bytes
    written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
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
