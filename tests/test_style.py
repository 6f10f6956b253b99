"""The style tables (geo.style): the altitude colours follow tar1090's scale."""

from __future__ import annotations

import colorsys

import pytest

from geo.style import ALTITUDE_HUES, altitude_color, altitude_payload, style_payload


def _hls(hex_rgb: str) -> tuple[float, float, float]:
    r, g, b = (int(hex_rgb[k : k + 2], 16) / 255 for k in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return h * 360, lightness * 100, s * 100


@pytest.mark.parametrize(
    ("alt_ft", "hue", "lightness"),
    [(0, 20, 50), (2000, 32.5, 53.9), (11000, 140, 41), (40000, 300, 43)],
)
def test_altitude_colours_follow_tar1090(alt_ft: float, hue: float, lightness: float) -> None:
    h, light, s = _hls(altitude_color(alt_ft))
    assert h == pytest.approx(hue, abs=1.0)
    assert light == pytest.approx(lightness, abs=1.0)
    assert s == pytest.approx(88, abs=1.5)


def test_below_and_above_the_scale_take_its_ends() -> None:
    assert altitude_color(-500) == altitude_color(0)
    assert altitude_color(80000) == altitude_color(ALTITUDE_HUES[-1][0])


def test_the_page_gets_one_colour_per_band() -> None:
    payload = altitude_payload()
    assert len(payload["colors"]) == 52  # 0 to 51,000 ft by 1,000
    assert payload["colors"][10] == altitude_color(10000)
    assert style_payload()["altitude"] == payload
