"""Where the shipped data is: inside the installed package, or the repository's ``data/``.

A wheel carries ``data/`` as ``geo/data/`` (``pyproject.toml`` maps the folder into the
package), so ``pip install .`` works from any folder; a checkout (or an editable install)
reads the repository's ``data/`` itself. Every reader of a shipped file asks here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """The folder of the shipped files: ``geo/data`` in a wheel, else the repository's."""
    inside = _PACKAGE / "data"
    if (inside / "events.csv").is_file():
        return inside
    return _PACKAGE.parent / "data"


def shipped(name: str) -> Path:
    """A shipped file: ``events.csv``, ``countries.geojson``, …; relative to the current
    folder when it lies below it (``data/events.csv`` when run from the repository root), as
    problem lines and messages show it."""
    path = data_dir() / name
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path
