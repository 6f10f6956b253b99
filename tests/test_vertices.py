"""Vertices as text in bulk, and the antimeridian split with times: the same text and the
same coordinates as the one-at-a-time functions they replace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import geodesy, geometry
from geo.timeline import iso_utc
from geo.vertices import (
    RowText,
    constant,
    decimal_rows,
    split_line,
    split_lines,
    utc_rows,
    utc_texts,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso_ms(ms: int) -> str:
    return iso_utc(EPOCH + timedelta(milliseconds=ms))


@pytest.mark.parametrize(
    "when",
    ["2025-03-13T22:54:00Z", "1969-12-31T23:59:59Z", "0999-12-31T10:00:00Z",
     "1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z"],
)
def test_utc_rows_write_iso_utc(when: str) -> None:
    dt = datetime.fromisoformat(when.replace("Z", "+00:00")) if not when.startswith("0") else (
        datetime(999, 12, 31, 10, tzinfo=UTC)
    )
    ms = (dt - EPOCH) // timedelta(milliseconds=1)
    assert utc_texts([ms]) == [when]
    assert bytes(utc_rows([ms])[0]).decode() == when


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-30_000_000_000_000, max_value=250_000_000_000_000),
                min_size=1, max_size=50))
def test_utc_texts_equal_iso_utc_truncating_milliseconds(values: list[int]) -> None:
    assert utc_texts(values) == [_iso_ms(ms) for ms in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-400.0, max_value=400.0, allow_nan=False), min_size=1,
                max_size=50))
def test_decimal_rows_round_to_six_places_without_trailing_zeros(values: list[float]) -> None:
    text = RowText.of([decimal_rows(values), constant(" ", len(values))]).text
    words = text.decode().split()
    assert len(words) == len(values)
    for word, value in zip(words, values, strict=True):
        assert float(word) == pytest.approx(round(value, 6), abs=1.01e-6)
        assert not ("." in word and word.endswith("0")) and not word.endswith(".")
        assert word == word.strip() and word not in ("-0",)


def test_decimal_rows_known_values() -> None:
    values = [38.895, -77.036, 0.0, -0.0000001, 180.0, -180.0, 5.5, -5.05, 123.4567894]
    text = RowText.of([decimal_rows(values), constant(",", len(values))]).text.decode()
    assert text == "38.895,-77.036,0,0,180,-180,5.5,-5.05,123.456789,"


def test_row_text_spans() -> None:
    rows = RowText.of([decimal_rows([1.5, 22.25, 3.0]), constant(";", 3)])
    assert rows.span(0, 3) == b"1.5;22.25;3;"
    assert rows.span(1, 3, trim=1) == b"22.25;3"
    assert rows.span(0, 1, trim=1) == b"1.5"
    assert rows.span(2, 2) == b""


lons = st.floats(min_value=-540.0, max_value=540.0, allow_nan=False)
lats = st.floats(min_value=-89.0, max_value=89.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(lons, lats), min_size=2, max_size=12).map(
    lambda pts: [(x, y) for x, y in zip(geodesy.unwrap_lons([p[0] for p in pts]),
                                         [p[1] for p in pts], strict=True)]
))
def test_split_line_is_split_at_antimeridian_with_a_time_per_vertex(pts) -> None:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    times = [1000.0 * k for k in range(len(pts))]
    expected = geodesy.split_at_antimeridian(pts)
    parts = split_line(xs, ys, times)
    assert [list(zip(a, b, strict=True)) for a, b, _t in parts] == expected
    for a, _b, t in parts:
        assert t is not None and len(t) == len(a)
        assert t == sorted(t)  # meridian times lie between their neighbours'


def _lines(coords: list[list[tuple[float, float]]], with_times: bool) -> geometry.Lines:
    counts = [len(c) for c in coords]
    flat = [p for c in coords for p in c]
    return geometry.Lines(
        np.arange(len(coords), dtype=np.int64),
        np.zeros(len(coords), dtype=np.int64),
        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        np.array([p[0] for p in flat], dtype=np.float64),
        np.array([p[1] for p in flat], dtype=np.float64),
        np.arange(len(flat), dtype=np.int64) * 60_000 if with_times else None,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(lons, lats), min_size=2, max_size=8), min_size=1,
                max_size=6), st.booleans())
def test_split_lines_is_split_at_antimeridian_line_by_line(raw, with_times: bool) -> None:
    coords = [
        list(zip(geodesy.unwrap_lons([p[0] for p in line]), [p[1] for p in line], strict=True))
        for line in raw
    ]
    parts = split_lines(_lines(coords, with_times))
    for j, line in enumerate(coords):
        got = []
        for p in parts.parts_of(j):
            a, b = parts.vertices_of(p)
            got.append(list(zip(parts.lons[a:b].tolist(), parts.lats[a:b].tolist(),
                                strict=True)))
        assert got == geodesy.split_at_antimeridian(line)
    assert (parts.times_ms is not None) == with_times
    if parts.times_ms is not None:
        assert parts.times_ms.size == parts.lons.size


def test_a_real_track_across_the_pacific_keeps_its_times() -> None:
    from tests.helpers import events_from_csv

    events = events_from_csv(
        "syd-scl,flight,F,2025-06-01T11:00,2025-06-01T10:30,SYD,SCL,,reported,s,\n"
    )
    tracks = geometry.flight_tracks(events)
    parts = split_lines(tracks)
    assert len(parts.parts_of(0)) == 2
    assert parts.times_ms is not None and tracks.times_ms is not None
    assert parts.times_ms.size == parts.lons.size == tracks.lons.size + 2
    assert parts.times_ms[0] == tracks.times_ms[0] and parts.times_ms[-1] == tracks.times_ms[-1]
    assert np.all(np.diff(parts.times_ms) >= 0)
    assert np.all(np.abs(parts.lons) <= 180)
