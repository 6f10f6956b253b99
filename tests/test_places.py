"""The gazetteer: airport codes (airports.csv, then airportsdata) and named places."""

from __future__ import annotations

import pytest

from geo.dataset import load_dataset
from geo.model import Airport, Place
from geo.places import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_dataset().gazetteer


@pytest.mark.parametrize("ref", ["GYD", "UBBB", "gyd", " GYD "])
def test_airport_by_iata_or_icao(gaz, ref):
    loc = gaz.resolve(ref)
    assert loc is not None
    assert loc.airport == "GYD"
    assert loc.name == "Heydar Aliyev International Airport"
    assert loc.tz == "Asia/Baku"
    assert (loc.lat, loc.lon) == (40.4675, 50.0467)
    assert loc.label == "Heydar Aliyev International Airport (GYD)"


def test_airport_lookup(gaz):
    vko = gaz.airport("uuww")
    assert vko is not None and vko.iata == "VKO" and vko.tz == "Europe/Moscow"


@pytest.mark.parametrize("ref", ["Baku", "baku", "BAKU", "  Baku  "])
def test_place_by_name(gaz, ref):
    loc = gaz.resolve(ref)
    assert loc is not None
    assert (loc.name, loc.country, loc.tz, loc.airport) == ("Baku", "AZ", "Asia/Baku", "")
    assert (loc.lat, loc.lon) == (40.378, 49.892)


@pytest.mark.parametrize("ref", ["washington, d.c.", "WASHINGTON DC", "Washington D.C."])
def test_place_by_alias_case_insensitive(gaz, ref):
    loc = gaz.resolve(ref)
    assert loc is not None
    assert loc.name == "Washington"
    assert loc.tz == "America/New_York"


def test_alias_of_mons(gaz):
    loc = gaz.resolve("NATO SHAPE")
    assert loc is not None and loc.name == "Mons"


def test_fallback_to_airportsdata(gaz):
    loc = gaz.resolve("NRT")  # not in airports.csv
    assert loc is not None
    assert loc.airport == "NRT"
    assert loc.name == "Narita International Airport"
    assert loc.tz == "Asia/Tokyo"
    assert loc.country == "JP"
    assert loc.lat == pytest.approx(35.76, abs=0.01)
    icao = gaz.resolve("RJAA")
    assert icao is not None and icao.airport == "NRT"


def test_csv_airport_wins_over_airportsdata():
    mine = Airport("NRT", "RJAA", "My Narita", "Tokyo", "JP", 1.0, 2.0, "Asia/Tokyo")
    loc = Gazetteer([mine]).resolve("NRT")
    assert loc is not None and loc.name == "My Narita" and loc.lat == 1.0


def test_upper_case_name_that_is_no_code_is_a_place(gaz):
    loc = gaz.resolve("BAKU")  # 4 letters, no such ICAO code
    assert loc is not None and loc.name == "Baku" and not loc.airport


def test_suggest(gaz):
    assert gaz.suggest("Bakku") == "Baku"
    assert gaz.suggest("moscw") == "Moscow"
    assert gaz.suggest("washington dc.") == "Washington"
    assert gaz.suggest("Zzyzx") is None


@pytest.mark.parametrize("ref", ["Bakku", "XQZ", "Atlantis", "", "ZZZZ"])
def test_unknown_returns_none(gaz, ref):
    assert gaz.resolve(ref) is None


def test_place_names_and_small_gazetteer():
    places = [Place("Baku", "AZ", 40.378, 49.892, "Asia/Baku", ("Baki",))]
    gaz = Gazetteer([], places)
    assert gaz.place_names == ["Baku"]
    loc = gaz.resolve("baki")
    assert loc is not None and loc.name == "Baku"
    assert gaz.place("BAKI") == places[0]
    assert gaz.resolve("Moscow") is None
