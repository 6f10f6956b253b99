"""Flights and diplomacy on an offline map: the Streamlit app.

A thin shell: sidebar widgets -> :class:`geo.appstate.View` -> :func:`geo.query.select` ->
:func:`geo.export.export`. The map is the very HTML document ``python -m geo export`` writes
for the same filters, and the download buttons serve the very bytes of the CLI's exports.

    streamlit run app.py
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import shlex
import zoneinfo
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from geo import appstate
from geo.appstate import View
from geo.export import export
from geo.io import MAX_BYTES, Dataset, default_paths, load_dataset
from geo.model import KINDS, STATUSES, DataError, Event, MapView
from geo.options import BASEMAPS, FORMAT_LABELS, FORMATS, MEDIA_TYPES
from geo.query import select

MAP_HEIGHT = 650
MAX_FLIGHT_PANELS = 12
EAGER_DOWNLOAD_LIMIT = 2_000  # larger selections build their exports only when clicked
ss = st.session_state


def session() -> appstate.Session:
    """The session's record (everything but the widgets' values)."""
    current = ss.get("session")
    return current if isinstance(current, appstate.Session) else appstate.Session()


def set_session(new: appstate.Session) -> None:
    ss.session = new

# ---- cached steps (keys: data digest, filter values; never the unhashable records) ---------


@st.cache_resource(max_entries=4, show_spinner="Loading the shipped data…")
def load_shipped(digest: str) -> appstate.LoadResult:
    """The shipped files (``digest`` of their bytes: an edit to data/ reloads them)."""
    try:
        return appstate.LoadResult(load_dataset())
    except DataError as err:
        return appstate.LoadResult(None, tuple(str(p) for p in err.problems))
    except Exception as exc:  # a broken checkout; shown, not raised
        return appstate.LoadResult(None, error=f"{type(exc).__name__}: {exc}")


@st.cache_resource(max_entries=8, show_spinner="Checking the uploaded files…")
def load_uploaded(digest: str, _uploads: dict[str, appstate.Upload]) -> appstate.LoadResult:
    """Uploads validated in memory; ``digest`` (names and bytes) is the key.

    A resource cache: a :class:`Dataset` is immutable, so sessions share it without copies.
    """
    return appstate.load_uploads(**_uploads)


@st.cache_data(max_entries=64, show_spinner=False)
def selected_positions(data_key: str, _dataset: Dataset, view: View) -> list[int]:
    """Positions in ``dataset.events`` of :func:`geo.query.select`'s result, in its order.

    Cached on the data's digest and the view's plain values (indices pickle cheaply).
    """
    pos = {ev.id: i for i, ev in enumerate(_dataset.events)}
    return [pos[ev.id] for ev in select(_dataset.events, view.filters())]


@st.cache_data(max_entries=8, show_spinner="Drawing the map…")
def export_bytes(
    data_key: str, _events: Sequence[Event], view: View, fmt: str, _views: Sequence[MapView] = ()
) -> bytes:
    """``geo.export.export`` of the selection, exactly as ``python -m geo export`` writes it
    (the views are the dataset's: ``data_key`` names them)."""
    return export(_events, fmt, tz=view.tz, title=None, basemap=view.basemap, views=_views)


@st.cache_data(max_entries=16, show_spinner=False)
def table_frame(data_key: str, _events: Sequence[Event], view: View) -> pd.DataFrame:
    return pd.DataFrame(appstate.table_rows(_events), columns=list(appstate.TABLE_ORDER))


def shipped_digest() -> str:
    h = hashlib.sha256()
    for path in default_paths().values():
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"missing")
    return "shipped:" + h.hexdigest()


# ---- session: the current (last good) dataset ----------------------------------------------


def use_shipped() -> None:
    """The shipped data; on failure the last good data stays and the problems are listed."""
    digest = shipped_digest()
    result = load_shipped(digest)
    n = len(result.dataset.events) if result.dataset else 0
    set_session(session().with_data(result, digest, f"the shipped data ({n} events)"))


def back_to_shipped() -> None:
    use_shipped()
    s = session()
    # new keys: the uploaders empty
    set_session(dataclasses.replace(s, upload_sig=None, upload_nonce=s.upload_nonce + 1))


def handle_uploads(files: dict[str, Any]) -> None:
    """New uploads replace the data only when all of them are valid."""
    given = {k: appstate.Upload(f.name, f.getvalue()) for k, f in files.items() if f is not None}
    s = session()
    if not given:
        if s.upload_sig:
            set_session(dataclasses.replace(s, upload_sig=None, problems=(), problem_error=""))
        return
    sig = appstate.upload_key(given)
    if sig == s.upload_sig:
        return
    result = load_uploaded(sig, given)
    names = ", ".join(up.name for up in given.values())
    n = len(result.dataset.events) if result.dataset else 0
    loaded = s.with_data(result, "upload:" + sig, f"your upload {names} ({n} events)")
    set_session(dataclasses.replace(loaded, upload_sig=sig))


# ---- widgets <-> view ----------------------------------------------------------------------


def init_from_query() -> None:
    """First run of a session: the widgets start from the link's query parameters."""
    params = {key: st.query_params.get_all(key) for key in appstate.QUERY_KEYS}
    view, notes = appstate.view_from_query({k: v for k, v in params.items() if v})
    set_session(
        dataclasses.replace(
            session(), query_notes=tuple(notes), wanted_range=(view.start, view.end)
        )
    )
    ss.kinds, ss.statuses = list(view.kinds), list(view.statuses)
    ss.q, ss.tz, ss.basemap = view.q, view.tz, view.basemap


def fit_range_to(bounds: appstate.DateRange) -> None:
    """Keep the slider's range meaningful when the data (and so its bounds) change."""
    s = session()
    if s.range_bounds == bounds and "range" in ss:
        return
    old = s.range_bounds
    notes = s.query_notes
    if old and "range" in ss:
        start = None if ss.range[0] <= old[0] else ss.range[0]
        end = None if ss.range[1] >= old[1] else ss.range[1]
    else:
        start, end = s.wanted_range
        if appstate.misses(start, end, bounds):
            notes = (
                *notes,
                f"the link's dates ({start or '…'} to {end or '…'}) are outside the data's "
                f"({bounds[0]} to {bounds[1]}); all dates are shown",
            )
    ss.range = appstate.clamp_range(start, end, bounds)
    set_session(dataclasses.replace(s, range_bounds=bounds, query_notes=notes))
    ss.preset = appstate.preset_for(ss.range, bounds)


def _bounds() -> appstate.DateRange:
    bounds = session().range_bounds
    assert bounds is not None, "the sidebar fits the range before any widget reads it"
    return bounds


def apply_preset() -> None:
    if ss.preset != appstate.CUSTOM:
        ss.range = appstate.preset_range(ss.preset, _bounds())


def sync_preset() -> None:
    ss.preset = appstate.preset_for(tuple(ss.range), _bounds())


def current_view() -> View:
    view = View(
        kinds=tuple(k for k in KINDS if k in ss.kinds),
        statuses=tuple(s for s in STATUSES if s in ss.statuses),
        q=ss.q.strip()[: appstate.MAX_QUERY_TEXT],
        tz=ss.tz,
        basemap=ss.basemap,
    )
    return appstate.range_to_view(view, tuple(ss.range), _bounds())


def write_query(view: View) -> None:
    """The view into the URL, so a copied link reopens it (other parameters are kept)."""
    wanted = appstate.view_to_query(view)
    for key in appstate.QUERY_KEYS:
        have = st.query_params.get_all(key)
        if key in wanted and have != [wanted[key]]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and have:
            del st.query_params[key]


def viewer_zone() -> str | None:
    try:
        tz = st.context.timezone
    except Exception:  # an older Streamlit, or no browser (tests)
        return None
    return tz if isinstance(tz, str) and tz else None


def zone_label(zone: str, viewer: str | None, data_zones: set[str]) -> str:
    if zone == viewer:
        return f"{zone} (your zone)"
    if zone in data_zones and zone != "UTC":
        return f"{zone} (in the data)"
    return zone


def sidebar(dataset: Dataset) -> None:
    bounds = appstate.slider_bounds(appstate.date_span(dataset.events), datetime.now(UTC).date())
    fit_range_to(bounds)
    sb = st.sidebar
    sb.header("Filters")
    presets = [*appstate.presets_for(bounds), appstate.CUSTOM]
    if ss.get("preset") not in presets:
        ss.preset = appstate.preset_for(tuple(ss.range), bounds)
    sb.selectbox("Period", presets, key="preset", on_change=apply_preset)
    sb.slider(
        "Dates (UTC, inclusive)",
        min_value=bounds[0],
        max_value=bounds[1],
        key="range",
        format="YYYY-MM-DD",
        on_change=sync_preset,
        help="Events overlapping these UTC dates, as `python -m geo export --start --end`.",
    )
    sb.multiselect("Kind", KINDS, key="kinds", placeholder="All kinds")
    sb.multiselect("Status", STATUSES, key="statuses", placeholder="All statuses")
    sb.text_input(
        "Search",
        key="q",
        max_chars=appstate.MAX_QUERY_TEXT,
        placeholder="participant, place, airport, id or title",
    )
    sb.header("Display")
    viewer = viewer_zone()
    data_zones = {z for ev in dataset.events for z in (ev.start_tz, ev.end_tz)}
    zones = appstate.zone_options(viewer, data_zones, zoneinfo.available_timezones())
    if ss.tz not in zones:
        zones.append(ss.tz)
    sb.selectbox(
        "Time zone",
        zones,
        key="tz",
        format_func=functools.partial(zone_label, viewer=viewer, data_zones=data_zones),
        help="Popups always show the event's local time with its zone, and UTC; "
        "this zone is for the slider's clock. Type to search any IANA zone.",
    )
    sb.radio("Basemap", list(BASEMAPS), key="basemap", format_func=BASEMAPS.get)
    sb.header("Data")
    sb.caption(f"Showing {session().data_label}.")
    nonce = session().upload_nonce
    with sb.expander("Use your own CSV files", expanded=bool(session().upload_sig)):
        st.caption(
            "Same columns as data/events.csv (see docs). Checked in memory, never stored; "
            f"up to {MAX_BYTES // 2**20} MiB each. Airports and places are optional."
        )
        files = {
            key: st.file_uploader(f"{key}.csv", type=["csv"], key=f"upload_{key}_{nonce}")
            for key in appstate.UPLOAD_KEYS
        }
    handle_uploads(files)
    if not session().shipped:
        sb.button("Back to the shipped data", on_click=back_to_shipped)


# ---- page ----------------------------------------------------------------------------------

HOW_TO_READ = """
* **Kinds and status**: colours and line styles by kind, and the styling of *confirmed*,
  *reported* and *speculative* events, are explained in the map's legend (bottom right).
  Arcs join each origin capital to the place of the event; a flight is drawn on its
  great-circle track, with the aircraft at the slider's time.
* **Time slider** (bottom left of the map): shows everything up to the chosen moment, or only
  what is around it. The sidebar's date range decides which events are on the map at all.
* **Times**: popups show the local time at the place, with its zone, and UTC. The sidebar's
  dates are UTC days.
* **Precision is kept**: an event the sources date only to a month covers the whole month
  (a day, the whole day); nothing is made more precise than the sources say.
* **Sources**: every row cites its sources (popups and the table below).
"""

PROVENANCE = """
**Events**: compiled from five seed news articles and a fact sheet; every row cites its
sources, and the status says how firm each one is. **Places**: capitals from
[GeoNames](https://www.geonames.org/) (CC BY 4.0). **Country outlines**:
[Natural Earth](https://www.naturalearthdata.com/) (public domain). **Airports**:
[airportsdata](https://github.com/mborsetti/airportsdata) (MIT). **Map tiles** (online, optional):
© [OpenStreetMap](https://www.openstreetmap.org/copyright) contributors. The map itself works
offline: with *Outlines only* nothing is fetched from the network.
"""


def show_problems() -> None:
    s = session()
    if s.problems or s.problem_error:
        n = len(s.problems)
        what = f"{n} problem{'s' if n != 1 else ''} in the file(s)" if n else "an error"
        shown = (
            f"the page still shows {s.data_label}"
            if s.dataset is not None
            else "there is no data to show"
        )
        st.error(
            f"The data was not replaced ({what}): {shown}. "
            + (s.problem_error or "Fix the lines below and upload again.")
        )
        if n:
            st.code("\n".join(s.problems), language=None)
    if s.query_notes:
        st.warning(
            "Some link parameters were ignored:\n\n"
            + "\n".join(f"- {note}" for note in s.query_notes)
        )


def flight_panels(flights: Sequence[Event]) -> None:
    st.subheader(f"Flights in range ({len(flights)})")
    for k, ev in enumerate(flights[:MAX_FLIGHT_PANELS]):
        facts = appstate.flight_panel(ev)
        with st.expander(f"✈️ {ev.title or ev.id}", expanded=k == 0):
            rows = [f"| {label} | {_cell(value)} |" for label, value in facts.items()]
            st.markdown("\n".join([rows[0], "|---|---|", *rows[1:]]))  # the route heads it
    if len(flights) > MAX_FLIGHT_PANELS:
        st.caption(f"…and {len(flights) - MAX_FLIGHT_PANELS} more flights: see the table.")


def _cell(text: str) -> str:
    """Plain text in a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def downloads(
    events: Sequence[Event], view: View, html: bytes, views: Sequence[MapView]
) -> None:
    st.subheader("Download")
    cols = st.columns(len(FORMATS))
    eager = len(events) <= EAGER_DOWNLOAD_LIMIT
    for col, fmt in zip(cols, FORMATS, strict=True):
        data: Any
        if fmt == "html":
            data = html
        elif eager:
            data = export_bytes(session().data_key, events, view, fmt, views)
        else:
            data = functools.partial(
                export, tuple(events), fmt, tz=view.tz, title=None, basemap=view.basemap,
                views=views,
            )
        col.download_button(
            f"Download {FORMAT_LABELS[fmt]}",
            data=data,
            file_name=f"flights-diplomacy.{fmt}",
            mime=MEDIA_TYPES[fmt],
            key=f"download_{fmt}",
            on_click="ignore",
        )
    events_opt = "" if session().shipped else " --events YOUR_EVENTS.csv"
    st.caption("The same files from the command line:")
    st.code(
        "python -m geo export"
        + events_opt
        + " "
        + " ".join(shlex.quote(a) for a in view.export_args("html"))
        + " --out map.html",
        language=None,
    )


def main_area(dataset: Dataset, view: View) -> None:
    s = session()
    by_filters = dataclasses.replace(view, tz="UTC", basemap="tiles")  # display-free key
    positions = selected_positions(s.data_key, dataset, by_filters)
    events = tuple(dataset.events[i] for i in positions)
    st.caption(
        f"{len(events)} of {len(dataset.events)} events from {s.data_label}, "
        f"times shown in {view.tz}."
    )
    html = export_bytes(s.data_key, events, view, "html", dataset.views)
    text = html.decode("utf-8")
    if hasattr(st, "iframe"):
        st.iframe(text, height=MAP_HEIGHT)
    else:  # Streamlit before st.iframe
        import streamlit.components.v1 as components

        components.html(text, height=MAP_HEIGHT)
    flights = [ev for ev in events if ev.is_flight]
    if flights:
        flight_panels(flights)
    st.subheader("Events")
    st.dataframe(table_frame(s.data_key, events, by_filters), hide_index=True)
    downloads(events, view, html, dataset.views)


def main() -> None:
    st.set_page_config(page_title="Flights and diplomacy", page_icon="✈️", layout="wide")
    st.title("Flights and diplomacy")
    if "session" not in ss:
        init_from_query()
    if session().dataset is None:
        use_shipped()
    dataset = session().dataset
    if dataset is None:  # the shipped data itself is broken, and nothing came before it
        show_problems()
        st.stop()
        return
    with st.expander("How to read this map"):
        st.markdown(HOW_TO_READ)
    sidebar(dataset)
    dataset = session().dataset or dataset  # an upload in the sidebar may have replaced it
    show_problems()
    view = current_view()
    write_query(view)
    try:
        main_area(dataset, view)
    except Exception as exc:  # never a traceback for the reader; the sidebar stays usable
        st.error(f"Could not show this selection: {type(exc).__name__}: {exc}")
    with st.expander("Data sources and licences"):
        st.markdown(PROVENANCE)


main()
