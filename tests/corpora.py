"""The three data sets every export is checked on: the shipped data, the hostile corpus and
a generated file of 2,000 events (tests/synthetic.py, seeded)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from geo.dataset import Dataset, load_dataset

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
HOSTILE_FILES = {k: HOSTILE / f"{k}.csv" for k in ("events", "airports", "places")}
GENERATED_ARGS = (1950, 50, 0.1, 4)  # events, flights, origin share, seed: 2,000 events


@cache
def shipped() -> Dataset:
    return load_dataset()


@cache
def hostile() -> Dataset:
    return load_dataset(HOSTILE_FILES["events"], HOSTILE_FILES["airports"],
                        HOSTILE_FILES["places"])


@cache
def generated_file() -> Path:
    import tempfile

    from tests.synthetic import write

    path = Path(tempfile.mkdtemp(prefix="geo-generated-")) / "events.csv"
    write(path, *GENERATED_ARGS)
    return path


@cache
def generated() -> Dataset:
    return load_dataset(generated_file())


CORPORA = {"shipped": shipped, "hostile": hostile, "generated": generated}
