"""Flights and diplomacy on an offline map: the Streamlit app.

A thin shell: sidebar widgets -> :class:`geo.appstate.View` -> :func:`geo.query.select` ->
:func:`geo.export.export`. The map is the very HTML document ``python -m geo export`` writes
for the same filters (in a small component that tells the app which event a reader opened),
and the download buttons serve the very bytes of the CLI's exports. Every string from a file
or a link is shown as text (:func:`geo.apptext.md_text`, or widgets that render text).

    streamlit run app.py
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import shlex
import zoneinfo
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from geo import appstate, apptext, bytecache, panels, uploads
from geo.appstate import View
from geo.apptext import md_text
from geo.dataset import Dataset, default_paths, load_dataset
from geo.export import export, to_events_csv
from geo.formats import EXPORT_FORMATS
from geo.io import MAX_BYTES
from geo.layers import left_out_lines
from geo.model import EVENT_FILE, EVENT_FILE_COLUMNS, KINDS, STATUSES, DataError, Event, MapView
from geo.options import BASEMAPS
from geo.query import select

MAP_HEIGHT = 650  # the map's height where the component cannot measure the window
# A compact header: the map (which fills the window's height below its top) starts high
COMPACT_HEADER = (
    "<style>.block-container { padding-top: 2.2rem; padding-bottom: 1rem; }"
    " .block-container h4 { padding: 0 0 0.2rem; }</style>"
)
BOUND_KEYS = frozenset({"q"})  # widgets bound to their query parameter (bind="query-params")
MAX_FLIGHT_PANELS = 12
MAX_PROBLEM_LINES = 200  # shown in the app; the count says how many more
EAGER_DOWNLOAD_LIMIT = 2_000  # larger selections build their exports only when clicked
CACHE_BUDGET = 2**30  # bytes the sessions share (datasets, documents, tables), measured
DOWNLOAD_COLUMNS = 5  # download buttons per row: one per format of geo.formats' table
# two CSVs, two names (the normalized table keeps the plain one)
MAX_FOCUS = 1000  # events the map is told to show at once (the page takes no more)
DOWNLOAD_SUFFIXES: dict[str, str] = {"events-csv": "-events", "fixes-csv": "-fixes"}
GEO_MAP = components.declare_component(
    "geo_map", path=str(Path(__file__).resolve().parent / "geo" / "static" / "component")
)
ss = st.session_state


def session() -> appstate.Session:
    """The session's record (everything but the widgets' values)."""
    current = ss.get("session")
    return current if isinstance(current, appstate.Session) else appstate.Session()


def set_session(new: appstate.Session) -> None:
    ss.session = new


def update(**changes: Any) -> None:
    set_session(dataclasses.replace(session(), **changes))


# ---- shared, bounded caches (keys: digests and plain values, never the records) -----------


@st.cache_resource
def shared() -> bytecache.ByteCache:
    """The datasets and documents all sessions share, sized by bytes, not entries."""
    return bytecache.ByteCache(CACHE_BUDGET)


def load_shipped(digest: str) -> uploads.LoadResult:
    """The shipped files (``digest`` of their bytes: an edit to data/ reloads them)."""
    cached = shared().get(digest)
    if isinstance(cached, uploads.LoadResult):
        return cached
    try:
        result = uploads.LoadResult.loaded(load_dataset(strict=False))
    except DataError as err:
        result = uploads.LoadResult.refused(err.problems)
    except Exception as exc:  # a broken checkout; shown, not raised
        result = uploads.LoadResult(None, error=f"{type(exc).__name__}: {exc}")
    shared().put(digest, result)
    return result


def load_uploaded(
    digest: str, given: dict[str, uploads.Upload], tracks: tuple[uploads.Upload, ...],
    strict: bool, with_shipped: bool = False,
) -> Any:
    """Uploads validated in memory, shared by every session with the same files and
    options."""
    key = f"{digest}:{strict}:{with_shipped}"
    cached = shared().get(key)
    if isinstance(cached, uploads.LoadResult):
        return cached
    with st.spinner("Checking the uploaded files…"):
        result = uploads.load_uploads(**given, tracks=tracks, strict=strict,
                                      read_track=uploads.track_reader(shared()),
                                      with_shipped=with_shipped)
    shared().put(key, result)  # sized by what it holds (its problems bounded)
    return result


def selected_positions(data_key: str, dataset: Dataset, view: View) -> list[int]:
    """Positions in ``dataset.events`` of :func:`geo.query.select`'s result, in its order.

    Shared on the data's digest and the view's plain values, sized by bytes.
    """
    key = f"select:{data_key}:{view}"
    cached = shared().get(key)
    if isinstance(cached, list):
        return cached
    pos = {ev.id: i for i, ev in enumerate(dataset.events)}
    chosen = select(dataset.events, view.filters())  # a bad region: said in the sidebar
    positions = [pos[ev.id] for ev in chosen]
    shared().put(key, positions)
    return positions


def export_bytes(
    data_key: str, events: Sequence[Event], view: View, fmt: str, views: Sequence[MapView],
    left_out: Sequence[str] = (),
) -> bytes:
    """``geo.export.export`` of the selection, exactly as ``python -m geo export`` writes it
    (the views and what was left out are the dataset's: ``data_key`` names them). Shared,
    sized by bytes."""
    key = f"export:{data_key}:{view}:{fmt}"
    cached = shared().get(key)
    if isinstance(cached, bytes):
        return cached
    with st.spinner("Drawing the map…" if fmt == "html" else f"Writing {fmt}…"):
        data = export(events, fmt, tz=view.tz, title=None, basemap=view.basemap, views=views,
                      left_out=left_out)
    shared().put(key, data, len(data))
    return data


def table_frame(data_key: str, events: Sequence[Event], view: View) -> pd.DataFrame:
    """The table of the selection (shared on the data's digest and the view, sized by
    bytes; Streamlit copies it into its message, never changes it)."""
    key = f"table:{data_key}:{view}"
    cached = shared().get(key)
    if isinstance(cached, pd.DataFrame):
        return cached
    rows = panels.table_rows(events, view.tz)
    columns = [panels.shown_column(view.tz) if c == "shown" else c
               for c in panels.TABLE_ORDER]
    frame = pd.DataFrame(rows, columns=columns)
    shared().put(key, frame)
    return frame


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
    set_session(
        dataclasses.replace(s, upload_sig=None, upload_nonce=s.upload_nonce + 1, tracks=(),
                            references=())
    )
    reset_range("the shipped data")


def reset_range(what: str) -> None:
    """New data: the date range goes to its bounds (a filter made for other data would hide
    it), and the reader is told so."""
    narrowed = "range" in ss and session().range_bounds is not None and (
        tuple(ss.range) != session().range_bounds
    )
    for key in ("range", "range_start", "range_end"):
        ss.pop(key, None)
    update(range_bounds=None, wanted_range=(None, None), selected=(),
           notice=f"The date range was reset to the dates of {what}." if narrowed else "")


def handle_uploads(files: dict[str, Any], track_files: Sequence[Any]) -> None:
    """New uploads replace the data when they can be read (lenient: the valid rows load, the
    others are listed; strict: only files without a problem)."""
    given = {k: uploads.Upload(f.name, f.getvalue()) for k, f in files.items() if f is not None}
    tracks = tuple(uploads.Upload(f.name, f.getvalue()) for f in track_files or ())
    s = session()
    strict = bool(ss.get("strict"))
    add = bool(ss.get("add_to_shipped")) and "events" in given
    if not given and not tracks:
        if s.upload_sig:
            set_session(dataclasses.replace(s, upload_sig=None, problems=(), problem_error=""))
        return
    digest = uploads.upload_key(given, tracks)
    sig = digest + (":strict" if strict else "") + (":add" if add else "")
    if sig == s.upload_sig:
        return
    result = load_uploaded(digest, given, tracks, strict, add)
    names = ", ".join(up.name for up in (*given.values(), *tracks))
    n = len(result.dataset.events) if result.dataset else 0
    if add:
        names += " added to the shipped events"
        if result.dataset is not None and result.dataset.replaced:
            ids = result.dataset.replaced
            more = f" and {len(ids) - 5:,} more" if len(ids) > 5 else ""
            names += f", {len(ids):,} of them replaced by yours ({', '.join(ids[:5])}{more})"
    if result.dataset is None and s.data_key.startswith("upload:" + digest):
        use_shipped()  # refused as strict: not even the lenient reading of these files stays
        s = session()
    loaded = s.with_data(result, "upload:" + sig, f"your upload {names} ({n:,} events)")
    loaded = dataclasses.replace(loaded, upload_sig=sig)
    if result.dataset is not None:  # the files of the data shown: edits are checked with them
        references = tuple((k, up) for k, up in given.items() if k != "events")
        loaded = dataclasses.replace(loaded, tracks=tracks, references=references)
    set_session(loaded)
    if result.dataset is not None:
        reset_range(f"your upload {names}")


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
    ss.q, ss.tz, ss.basemap, ss.within = view.q, view.tz, view.basemap, view.within


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
    ss.range_start, ss.range_end = ss.range
    set_session(dataclasses.replace(s, range_bounds=bounds, query_notes=notes))
    ss.preset = appstate.preset_for(ss.range, bounds)


def _bounds() -> appstate.DateRange:
    bounds = session().range_bounds
    assert bounds is not None, "the sidebar fits the range before any widget reads it"
    return bounds


def apply_preset() -> None:
    if ss.preset != appstate.CUSTOM:
        ss.range = appstate.preset_range(ss.preset, _bounds())
        ss.range_start, ss.range_end = ss.range
        ss.fit_preset = True  # the map fits the preset's events, once


def sync_from_slider() -> None:
    ss.range_start, ss.range_end = ss.range
    ss.preset = appstate.preset_for(tuple(ss.range), _bounds())


def sync_from_boxes() -> None:
    """The date boxes: an exact range, kept in order and inside the data's bounds."""
    lo, hi = sorted((ss.range_start, ss.range_end))
    ss.range = appstate.clamp_range(lo, hi, _bounds())
    ss.range_start, ss.range_end = ss.range
    ss.preset = appstate.preset_for(tuple(ss.range), _bounds())


def current_view() -> View:
    view = View(
        kinds=tuple(k for k in KINDS if k in ss.kinds),
        statuses=tuple(s for s in STATUSES if s in ss.statuses),
        q=ss.q.strip()[: appstate.MAX_QUERY_TEXT],
        tz=ss.tz,
        basemap=ss.basemap,
        within=ss.within.strip()[: appstate.MAX_QUERY_TEXT],
    )
    return appstate.range_to_view(view, tuple(ss.range), _bounds())


def write_query(view: View) -> None:
    """The view into the URL, so a copied link reopens it (other parameters are kept)."""
    wanted = appstate.view_to_query(view)
    for key in appstate.QUERY_KEYS:
        if key in BOUND_KEYS:  # the widget keeps these in the URL itself
            continue
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


def zone_label(zone: str, viewer: str | None) -> str:
    """A zone's label in the selectbox. It must not change with the data: the browser sends
    the label back, and a label gone from the options (a zone no longer in the data) would
    come back as the zone (the data's zones come first in the list instead)."""
    return f"{zone} (your zone)" if zone == viewer else zone


def data_section() -> None:
    """Uploads (run first, so the filters above them see a new upload on the same run)."""
    st.header("Data")
    nonce = session().upload_nonce
    with st.expander("Use your own files", expanded=bool(session().upload_sig)):
        st.caption(
            "Events in the columns of data/events.csv (see docs); airports, places and "
            "sources add to the shipped ones. Checked in memory, never stored; up to "
            f"{MAX_BYTES // 2**20} MiB each."
        )
        files = {
            key: st.file_uploader(f"{key}.csv", type=["csv"], key=f"upload_{key}_{nonce}")
            for key in uploads.UPLOAD_KEYS
        }
        track_files = st.file_uploader(
            "Recorded tracks (ADS-B)",
            type=list(uploads.TRACK_TYPES),
            accept_multiple_files=True,
            key=f"upload_tracks_{nonce}",
            help=uploads.TRACK_HELP,
        )
        st.toggle(
            "Add my events to the shipped ones",
            key="add_to_shipped",
            help="Off: an events file replaces the shipped story; on: its rows are added to "
            "it, and a row with a shipped event's id replaces that event.",
        )
        st.toggle(
            "Strict: refuse a file with any bad row",
            key="strict",
            help="Off: every valid row loads and the others are listed (as `python -m geo "
            "check`); on: as `--strict`.",
        )
    handle_uploads(files, track_files)
    st.text(f"Showing {session().data_label}.")  # a file name is text
    if not session().shipped:
        st.button("Back to the shipped data", on_click=back_to_shipped)


def filters_section(dataset: Dataset) -> None:
    bounds = appstate.slider_bounds(appstate.date_span(dataset.events), datetime.now(UTC).date())
    fit_range_to(bounds)
    st.header("Filters")
    presets = [*appstate.presets_for(bounds), appstate.CUSTOM]
    if ss.get("preset") not in presets:
        ss.preset = appstate.preset_for(tuple(ss.range), bounds)
    st.selectbox("Period", presets, key="preset", on_change=apply_preset)
    st.slider(
        "Dates (UTC, inclusive)",
        min_value=bounds[0],
        max_value=bounds[1],
        key="range",
        format="YYYY-MM-DD",
        on_change=sync_from_slider,
        help="Events overlapping these UTC dates, as `python -m geo export --start --end`.",
    )
    # one above the other: side by side in the sidebar, a box cut its date ("2017 - 02 - 1")
    st.date_input("From", min_value=bounds[0], max_value=bounds[1], key="range_start",
                  on_change=sync_from_boxes, format="YYYY-MM-DD")
    st.date_input("To", min_value=bounds[0], max_value=bounds[1], key="range_end",
                  on_change=sync_from_boxes, format="YYYY-MM-DD")
    # a date typed outside the data's span is refused by the boxes (red): say which dates
    st.caption(f"The data spans {bounds[0]:%d %b %Y} to {bounds[1]:%d %b %Y} (UTC dates).")
    st.multiselect("Kind", KINDS, key="kinds", placeholder="All kinds")
    st.multiselect("Status", STATUSES, key="statuses", placeholder="All statuses")
    st.text_input(
        "Within",
        key="within",
        max_chars=appstate.MAX_QUERY_TEXT,
        placeholder="a country, or minlon,minlat,maxlon,maxlat",
        help="Events whose place is in this country (of the shipped outlines) or box, as "
        "`python -m geo export --within`.",
    )
    if ss.within.strip():
        from geo.regions import region

        try:
            region(ss.within, files=False)
        except ValueError as exc:
            st.error(md_text(f"{exc}; the region is left out."))
    st.text_input(
        "Search",
        key="q",
        # the browser keeps it in the URL itself: quick edits cannot leave an older value there
        bind="query-params",
        max_chars=appstate.MAX_QUERY_TEXT,
        placeholder="id, title, people, place, aircraft, source, notes",
        help="Any case, any accents: 'n103wg' finds the flight's tail number in its notes.",
    )


def display_section(dataset: Dataset) -> None:
    st.header("Display")
    viewer = viewer_zone()
    data_zones = {z for ev in dataset.events for z in (ev.start_tz, ev.end_tz)}
    zones = panels.zone_options(viewer, data_zones, zoneinfo.available_timezones())
    if ss.tz not in zones:
        zones.append(ss.tz)
    st.selectbox(
        "Time zone",
        zones,
        key="tz",
        format_func=functools.partial(zone_label, viewer=viewer),
        help="The one display zone: the map's clock, the flight panels, the table's time "
        "column and the downloads. Popups also show each event's local time and UTC.",
    )
    st.radio("Basemap", list(BASEMAPS), key="basemap", format_func=BASEMAPS.get)


def sidebar() -> None:
    sb = st.sidebar
    filters_box, display_box, data_box = sb.container(), sb.container(), sb.container()
    with data_box:  # first: an upload is seen by the filters on this very run
        data_section()
    dataset = session().dataset
    assert dataset is not None
    with filters_box:
        filters_section(dataset)
    with display_box:
        display_section(dataset)


# ---- page ----------------------------------------------------------------------------------

HOW_TO_READ = """
* **Kinds and status**: colours and line styles by kind, and the styling of *confirmed*,
  *reported* and *speculative* events, are explained in the map's legend.
  Arcs join each origin to the place of the event; a flight is drawn on its
  great-circle track, with the aircraft at the clock's time.
* **The clock** (bottom left of the map): everything up to the chosen moment, or only
  what is around it; chapters (top right) tell the story. The sidebar's date range decides
  which events are on the map at all.
* **Times**: popups show the local time at the place, with its zone, and UTC; the clock,
  the flight panels and the table's time column use the sidebar's zone.
* **Precision is kept**: an event the sources date only to a month covers the whole month
  (a day, the whole day), and is *possibly under way* (hollow) while the clock is inside it.
* **Table and map**: select rows of the table to show them on the map; an event opened on
  the map is selected in the table.
"""

PROVENANCE = """
**Events**: compiled from five seed news articles and a fact sheet; every row cites its
sources (the bibliography is data/sources.csv), and the status says how firm each one is.
**Places**: capitals from [GeoNames](https://www.geonames.org/) (CC BY 4.0). **Country
outlines**: [Natural Earth](https://www.naturalearthdata.com/) (public domain). **Airports**:
[airportsdata](https://github.com/mborsetti/airportsdata) (MIT). **Map tiles** (online,
optional): © [OpenStreetMap](https://www.openstreetmap.org/copyright) contributors. The map
itself works offline: with *Outlines only* nothing is fetched from the network.
"""


def problem_block(lines: Sequence[str], more: int = 0) -> None:
    """Problem lines as text (a code block renders nothing), capped, with a count (``more``:
    the problems the load counted but did not keep)."""
    shown = list(lines[:MAX_PROBLEM_LINES])
    rest = len(lines) - len(shown) + more
    if rest > 0:
        shown.append(f"… and {rest:,} more problems not shown")
    st.code("\n".join(shown), language=None)


def show_problems() -> None:
    s = session()
    if s.notice:
        st.info(md_text(s.notice))
        update(notice="")
    if s.problems or s.problem_error:
        n = len(s.problems) + s.more_problems
        what = f"{n:,} problem{'s' if n != 1 else ''} in the file(s)" if n else "an error"
        shown = (
            f"the page still shows {s.data_label}"
            if s.dataset is not None
            else "there is no data to show"
        )
        st.error(
            md_text(
                f"The data was not replaced ({what}): {shown}. "
                + (s.problem_error or "Fix the lines below and upload again.")
            )
        )
        if n:
            problem_block(s.problems, s.more_problems)
    data = s.dataset
    if data is not None and data.problems:
        st.warning(md_text(f"{s.skipped_note}: the rows below were left out."))
        problem_block([str(p) for p in data.problems[:MAX_PROBLEM_LINES]], s.data_more_problems
                      + max(0, len(data.problems) - MAX_PROBLEM_LINES))
    if s.query_notes:
        st.warning(
            "Some link parameters were ignored:\n\n"
            + "\n".join(f"- {md_text(note)}" for note in s.query_notes)
        )


def flight_panels(flights: Sequence[Event], tz: str) -> None:
    st.subheader(f"Flights in range ({len(flights)})")
    for k, ev in enumerate(flights[:MAX_FLIGHT_PANELS]):
        facts = panels.flight_panel(ev, tz)
        with st.expander(f"✈️ {md_text(ev.title or ev.id)}", expanded=k == 0):
            rows = [f"| {md_text(label)} | {md_text(value)} |" for label, value in facts.items()]
            st.markdown("\n".join([rows[0], "|---|---|", *rows[1:]]))  # the route heads it
    if len(flights) > MAX_FLIGHT_PANELS:
        st.caption(f"…and {len(flights) - MAX_FLIGHT_PANELS} more flights: see the table.")


def downloads(events: Sequence[Event], view: View, html: bytes, views: Sequence[MapView]) -> None:
    st.subheader("Download")
    formats = list(EXPORT_FORMATS.values())
    eager = len(events) <= EAGER_DOWNLOAD_LIMIT
    recorded = any(e.recorded is not None for e in events)
    for k, row in enumerate(formats):
        if k % DOWNLOAD_COLUMNS == 0:
            cols = st.columns(DOWNLOAD_COLUMNS)
        col, fmt = cols[k % DOWNLOAD_COLUMNS], row.name
        data: Any
        if fmt == "fixes-csv" and not recorded:  # a header only: say why there is none
            col.caption("No recorded tracks in this selection: no fixes CSV.")
            continue
        if fmt == "html":
            data = html
        elif eager and not row.heavy:  # a heavy one is made when clicked
            data = export_bytes(session().data_key, events, view, fmt, views)
        else:
            data = functools.partial(
                export, tuple(events), fmt, tz=view.tz, title=None, basemap=view.basemap,
                views=views,
            )
        # the short name on the button (a long one was cut), the parenthesis as its tooltip
        name, _, note = row.label.partition(" (")
        col.download_button(
            f"Download {name}",
            data=data,
            help=note.rstrip(")") or None,
            file_name=f"flights-diplomacy{DOWNLOAD_SUFFIXES.get(fmt, '')}.{row.extension}",
            mime=row.media_type,
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


def read_selection() -> None:
    """What the reader chose since the last run, before any widget is drawn: an event opened
    on the map (its row is selected; a zone chosen on the map is the one display zone), or
    rows selected in the table (the map shows them)."""
    s = session()
    value = ss.get("map")
    if isinstance(value, dict) and value.get("n") != s.map_seen:
        update(map_seen=value.get("n"))
        zone = value.get("zone")
        if isinstance(zone, str) and zone and zone != ss.get("tz"):
            ss.tz = zone
        event = value.get("event")
        if isinstance(event, str):  # its row selected; the map is already on it
            update(selected=(event,), focus=())
            return
    table = ss.get("table")
    rows = table.get("selection", {}).get("rows", []) if isinstance(table, dict) else []
    ids = ss.get("table_ids", [])
    picked = tuple(ids[r] for r in rows if isinstance(r, int) and 0 <= r < len(ids))
    if picked != s.table_seen:
        update(table_seen=picked, selected=picked, focus=picked)


def main_area(dataset: Dataset, view: View) -> None:
    s = session()
    by_filters = dataclasses.replace(view, tz="UTC", basemap="tiles")  # display-free key
    positions = selected_positions(s.data_key, dataset, by_filters)
    events = tuple(dataset.events[i] for i in positions)
    # The map keeps its place among the page's elements: Streamlit keys the elements before
    # it by position, so one more note above would make React move the map's frame, which
    # reloads it as a window Streamlit never registered (the map stays blank). Every note
    # above the map is inside one container (here and in main), whatever it holds.
    with st.container():
        st.caption(
            md_text(
                f"{len(events):,} of {len(dataset.events):,} events from {s.data_label}; "
                f"times shown in {view.tz}."
            )
        )
        if not events:
            st.info(
                "No event matches these filters"
                + (f" (search: {md_text(view.q)})" if view.q else "")
                + ". The map keeps its clock and place; widen the filters to see events."
            )
    # the map (and its download) says what the load left out, as `geo export` does
    left_out = left_out_lines(dataset.problems, dataset.rows_skipped, dataset.events_name)
    html = export_bytes(s.data_key, events, view, "html", dataset.views, left_out)
    shown_ids = [e.id for e in events]
    here = set(shown_ids)
    focus = [i for i in s.focus if i in here]
    if ss.pop("fit_preset", False) and shown_ids:  # a preset: the map around its events
        focus = shown_ids[:MAX_FOCUS]
    picked = [shown_ids.index(i) for i in s.selected if i in here]
    document = html.decode("utf-8")
    GEO_MAP(
        html=document, height=MAP_HEIGHT,
        focus={"ids": focus} if focus else None,
        query=urlencode(appstate.view_to_query(view)), key="map", default=None,
        csp=apptext.map_policy(view.basemap, document),
    )
    flights = [ev for ev in events if ev.is_flight]
    if flights:
        flight_panels(flights, view.tz)
    st.subheader("Events")
    ss.table_ids = shown_ids
    frame = table_frame(s.data_key, events, view)
    st.dataframe(
        frame, hide_index=True, key="table", on_select="rerun",
        selection_mode="multi-row", selection_default={"selection": {"rows": picked}},
    )
    downloads(events, view, html, dataset.views)


# ---- the editor ----------------------------------------------------------------------------

EDIT_COLUMNS = EVENT_FILE_COLUMNS  # events.csv's, declared once (geo.model.EVENT_FILE)
PROBLEM_COLUMN = "problem"


def editor_text(rows: pd.DataFrame) -> str:
    """The editor's rows as an events file (the documented format, ``geo check`` reads it)."""
    buf = io.StringIO()
    frame = rows.reindex(columns=list(EDIT_COLUMNS)).astype(object).fillna("")
    frame = frame[frame.apply(lambda r: any(str(v).strip() for v in r), axis=1)]
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def editor_frame(text: str, problems: Sequence[str]) -> pd.DataFrame:
    """The events file as the editor shows it, each row's problems in its last column."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame = frame.reindex(columns=list(EDIT_COLUMNS)).astype(object).fillna("")
    by_row = uploads.problems_by_row(text, problems)  # rows, not lines: cells span lines
    frame[PROBLEM_COLUMN] = ["; ".join(by_row.get(k, [])) for k in range(len(frame))]
    return frame


def validate_edits(text: str) -> tuple[uploads.LoadResult, tuple[str, ...]]:
    """The edited events checked like a file (strictly: the map shows them once all is good)."""
    s = session()
    refs = dict(s.references)
    result = uploads.load_uploads(uploads.Upload(uploads.EDITED_NAME, text.encode()),
                                   refs.get("airports"), refs.get("places"), refs.get("sources"),
                                   tracks=s.tracks, strict=True,
                                   read_track=uploads.track_reader(shared()))
    return result, result.problems or ((result.error,) if result.error else ())


def editor(dataset: Dataset) -> None:
    s = session()
    with st.expander("Edit the events", expanded=s.edited is not None):
        st.caption(
            "Add, change or delete rows in the columns of events.csv: times local at the "
            "place (2025-03-14T01:54, 2025-03-14, 2025-03), places by name or airport code, "
            "lists separated by ';'. Each change is checked like a file; a bad cell is named "
            "in its row's problem column, and the map keeps the last good events."
        )
        # the reported events: a recorded leg nobody reported comes from its track file
        reported = [e for e in dataset.events if not uploads.is_own_record(e)]
        base = s.edited if s.edited is not None else to_events_csv(reported)
        if ss.get("editor_base") != base or ss.get("editor_problems") != s.edit_problems:
            # a new table for the editor (its edits so far are in `base`): problems in place
            ss.editor_base, ss.editor_problems = base, s.edit_problems
            ss.editor_nonce = ss.get("editor_nonce", 0) + 1
        rows = st.data_editor(
            editor_frame(base, s.edit_problems),
            num_rows="dynamic",
            hide_index=True,
            key=f"editor_{ss.editor_nonce}",
            column_config={
                **{c.name: st.column_config.TextColumn(help=c.meaning) for c in EVENT_FILE},
                "kind": st.column_config.SelectboxColumn(options=list(KINDS)),
                "status": st.column_config.SelectboxColumn(options=list(STATUSES)),
                PROBLEM_COLUMN: st.column_config.TextColumn(disabled=True),
            },
        )
        text = editor_text(rows)
        if text != editor_text(editor_frame(base, ())):  # an edit on this run: keep it,
            # check it, show its problems in place
            apply_edits(text)
            st.rerun()
        if s.edited is None:
            return
        if not s.data_key.startswith("edit:"):
            st.info(md_text(f"Your edits are kept; the map shows {s.data_label}."))
            st.button("Show my edits on the map", key="use_edits",
                      on_click=apply_edits, args=(s.edited,))
        left, right = st.columns(2)
        left.download_button("Download events.csv", data=s.edited.encode(),
                             file_name="events.csv", mime="text/csv", key="download_edited")
        right.button("Discard my edits", key="discard_edits", on_click=discard_edits)
        if s.edit_problems:
            st.error(md_text(f"{len(s.edit_problems)} problem(s) in your edits; the map "
                             "shows the last good events."))
            problem_block(s.edit_problems)


def apply_edits(text: str) -> None:
    """Keep the edited events; when they are all good, they are the data on the map."""
    result, problems = validate_edits(text)
    update(edited=text, edit_problems=problems)
    if not problems and result.dataset is not None:
        s = session()  # the key: the text and every file the edits were checked with
        key = uploads.edit_key(text, dict(s.references), s.tracks)
        n = len(result.dataset.events)
        set_session(session().with_data(result, key, f"your edited events ({n:,} events)"))


def discard_edits() -> None:
    """Back to the data the edits started from (the upload still in its box, or shipped)."""
    was_edit = session().data_key.startswith("edit:")
    update(edited=None, edit_problems=())
    if was_edit:
        if session().upload_sig:
            update(upload_sig=None)  # the uploads still in their boxes load again
        else:
            use_shipped()


def find_aircraft_panel(dataset: Dataset) -> None:
    """"Find the aircraft": a reported flight against an archive store (the synthetic demo
    by default); choosing a candidate fills the flight's ``aircraft`` in the edited events."""
    from geo.match import panel

    choices = panel.flight_choices(dataset.events)
    if not choices:
        return
    # keyed, with a rerun on toggle: its open state is the server's, so no rerun of the app
    # (the map telling its state, a slow first run building the demo store) draws it closed
    with st.expander("Find the aircraft", key="match_panel", on_change="rerun"):
        event_id = st.selectbox("Reported flight", choices, key="match_event")
        store = panel.server_store()  # the server's, never a path from the reader
        st.caption(md_text(f"Archive: {store}" if store else
                           "Archive: the synthetic demo store (set GEO_MATCH_STORE on the "
                           "server for a real one)"))
        tz_unknown = st.checkbox("Time zone of the report unknown: try every reading",
                                 key="match_tz_unknown")
        if not st.button("Find the aircraft", key="match_run") and ss.get("match_key") != (
            event_id, store, tz_unknown, session().data_key
        ):
            return
        event = next(e for e in dataset.events if e.id == event_id)
        try:
            result = panel.find_aircraft(event, dataset.gazetteer, store,
                                         tz_unknown=tz_unknown)
        except ValueError as exc:
            st.error(md_text(str(exc)))
            return
        ss.match_key = (event_id, store, tz_unknown, session().data_key)
        if result.synthetic:
            st.warning("SYNTHETIC archive (generated, not a recording): no evidence of anything.")
        st.dataframe(panel.candidates_frame(result), hide_index=True, key="match_table")
        for line in panel.coverage_lines(result):
            st.text(line)
        if not result.candidates:
            return
        labels = {f"#{c.rank} {c.registration or c.icao24} (score {c.score:.2f})":
                  c.registration or c.icao24 for c in result.candidates}
        pick = st.selectbox("Candidate", list(labels), key="match_pick")
        chosen = result.candidates[list(labels).index(pick)]
        if st.checkbox("Draw this candidate beside the claim", key="match_draw"):
            components.html(panel.candidate_map(event, chosen, store),
                            height=MAP_HEIGHT // 2)
        if st.button("Use this aircraft for the flight", key="match_use"):
            reported = [e for e in dataset.events if not uploads.is_own_record(e)]
            s = session()
            base = s.edited if s.edited is not None else to_events_csv(reported)
            apply_edits(panel.with_aircraft(base, event_id, labels[pick]))
            st.rerun()


def main() -> None:
    st.set_page_config(page_title="Flights and diplomacy", page_icon="✈️", layout="wide")
    st.markdown(COMPACT_HEADER, unsafe_allow_html=True)  # fixed CSS, no data in it
    st.markdown("#### Flights and diplomacy")
    if "session" not in ss:
        init_from_query()
    if session().dataset is None:
        use_shipped()
    if session().dataset is None:  # the shipped data itself is broken, and nothing before it
        show_problems()
        st.stop()
        return
    read_selection()
    with st.expander("How to read this map"):
        st.markdown(HOW_TO_READ)
    sidebar()
    dataset = session().dataset
    assert dataset is not None
    with st.container():  # however many notes, one element before the map (see main_area)
        show_problems()
    view = current_view()
    try:
        main_area(dataset, view)
        find_aircraft_panel(dataset)
        editor(dataset)
    except Exception as exc:  # never a traceback for the reader; the sidebar stays usable
        st.error(md_text(f"Could not show this selection: {type(exc).__name__}: {exc}"))
    with st.expander("Data sources and licences"):
        st.markdown(PROVENANCE)
    # Last: a run interrupted by a newer input (quick edits of the search box) must not have
    # moved the URL, or the newer run, finding it already so, would leave it on the old one.
    write_query(view)


main()
