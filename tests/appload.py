"""Load check: N concurrent browser sessions against one ``streamlit run app.py``.

:func:`run_load` does it; ``tests/test_app_load.py`` runs it and asserts the behaviour,
``python benchmarks/load_app.py [--sessions 10] [--timeout 150] [--url URL]`` reports the times
(the tests read nothing from ``benchmarks/``: the benchmark imports this).

One headless Chromium (Playwright's async API), one browser context per session, all sessions
run at once (``asyncio.gather``). Every request to anything but the app's own
``http://127.0.0.1:<port>`` is aborted. Session ``k`` opens the app with its own filters in
the URL query (``start``, ``end``, ``kind``, ``status``, ``q``, ``tz``, ``basemap``, the
parameters :mod:`geo.appstate` reads); every third session first uploads its own small events
CSV (ids ``s<k>-only-…``, valid against the shipped places and airports) through the sidebar's
events uploader and then types a search. Each session then clicks *Download CSV* and checks:

* the bytes equal ``geo.export.export(geo.select(events, filters), "csv")`` computed here for
  that session's own data and filters (the filters through :func:`geo.appstate.view_from_query`
  and the app's slider clamping, cross-checked against ``python -m geo export --format csv``
  with the same options via :func:`geo.cli.main`);
* the page (URL, caption, table, map) shows that view, and neither the page nor the download
  holds another session's uploaded ids;
* no request other than map tiles was blocked, and the page raised no error.

Every wait has a timeout and the whole run a deadline (``--timeout``, default 150 s). Without
``--url`` the benchmark starts the server (:func:`tests.appserver.serve_app`) on a free port
itself and stops it at the end. It prints one line per session and exits 1 if any failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import re
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geo import appstate, cli, uploads
from geo.appstate import View
from geo.dataset import Dataset, load_dataset
from geo.export import export
from geo.model import EVENT_COLUMNS, KINDS, STATUSES
from geo.query import select
from tests.conftest import CHROMIUM_ARGS, chromium_path

DEFAULT_TIMEOUT_S = 150.0
STEP_TIMEOUT_S = 90.0  # any single wait; the run's deadline caps it further
CLOSE_TIMEOUT_S = 10.0  # closing a context or the browser
SHUTDOWN_GRACE_S = 30.0  # past the deadline: cancelled sessions and the browser close
POLL_MS = 250
TILE_HOSTS = (
    "https://tile.openstreetmap.org/",
    "https://a.tile.openstreetmap.org/",
    "https://b.tile.openstreetmap.org/",
    "https://c.tile.openstreetmap.org/",
)

# Session k uses SPECS[k % len(SPECS)]: (query parameters, uploads?, search typed afterwards).
SPECS: tuple[tuple[dict[str, str], bool, str], ...] = (
    ({}, False, ""),
    (
        {
            "start": "2025-03-01",
            "end": "2025-03-31",
            "kind": "meeting,statement",
            "tz": "Asia/Baku",
            "basemap": "outlines",
        },
        False,
        "",
    ),
    ({"start": "2021-01-01", "end": "2023-12-31", "kind": "meeting,flight"}, True, "Baku"),
    ({"start": "2017-01-01", "end": "2018-12-31", "status": "confirmed"}, False, ""),
    ({"kind": "flight", "tz": "Europe/Moscow"}, False, ""),
    ({"kind": "call,meeting", "status": "confirmed", "tz": "Asia/Baku"}, True, "-only-"),
    ({"q": "Witkoff", "basemap": "outlines"}, False, ""),
    ({"start": "2025-08-01", "status": "reported,speculative"}, False, ""),
    ({"start": "2022-01-01", "tz": "America/New_York", "basemap": "outlines"}, True, "Envoy"),
    ({"end": "2025-02-28", "kind": "agreement,report,letter", "tz": "Asia/Jerusalem"}, False, ""),
)

# Page state in one round trip: script state, main text, URL query, table ids, buttons.
# textContent, not innerText: no forced layout while ten pages are polled at once.
STATE_JS = """() => {
  const text = (el) => (el ? el.textContent.trim() : '');
  const all = (sel) => [...document.querySelectorAll(sel)].map(text);
  const app = document.querySelector('[data-test-script-state]');
  return {
    script: app ? app.getAttribute('data-test-script-state') : null,
    captions: all('[data-testid="stMain"] [data-testid="stCaptionContainer"]'),
    search: location.search,
    tableIds: all('[data-testid="stDataFrame"] td[aria-colindex="1"]'),
    csvButton: all('button').some((t) => t.includes('Download CSV')),
  };
}"""
# Polled inside the page (no round trip per poll): a finished run showing ``want``.
READY_JS = (
    "(want) => { const s = ("
    + STATE_JS
    + """)();
  if (s.script !== 'notRunning' || !s.csvButton) return false;
  if (!s.captions.some((c) => c.includes(' events from ') && c.includes(want.caption))) {
    return false;
  }
  if (want.query) {
    const got = {};
    new URLSearchParams(s.search).forEach((v, k) => { if (want.keys.includes(k)) got[k] = v; });
    const a = Object.keys(got).sort(), b = Object.keys(want.query).sort();
    if (a.join() !== b.join() || a.some((k) => got[k] !== want.query[k])) return false;
  }
  if (want.ids) {
    if (s.tableIds.some((id) => !want.ids.includes(id))) return false;
    if (want.ids.length && !s.tableIds.length) return false;
  }
  return true;
}"""
)


# ---- what each session does and should get ------------------------------------------------


@dataclass
class SessionResult:
    session: int
    filters: str  # the final URL query the session expects, e.g. "kind=flight&tz=Asia/Baku"
    upload: str | None  # the uploaded file's name
    rows: int = 0  # data rows in the downloaded CSV
    bytes: int = 0
    seconds: float = 0.0
    ok: bool = False
    error: str = ""
    step: str = "not started"
    blocked: list[str] = field(default_factory=list)  # aborted requests (map tiles expected)
    marks: dict[str, float] = field(default_factory=dict)  # step -> seconds since the start


@dataclass
class Plan:
    session: int
    params: dict[str, str]  # the query the page is opened with
    upload: Path | None
    search: str  # typed into the sidebar's Search after the upload
    total: int  # events in the session's data
    view: View  # what the page should end up showing
    expected_ids: frozenset[str]
    expected_csv: bytes
    own_ids: frozenset[str]  # ids only this session's upload has

    @property
    def final_query(self) -> dict[str, str]:
        return appstate.view_to_query(self.view)

    @property
    def url_query(self) -> str:
        return urllib.parse.urlencode(self.params)


def upload_csv(k: int) -> str:
    """Session ``k``'s own events (2020–2024), valid against the shipped places/airports."""
    day = 10 + k % 18
    rows = [
        [f"s{k}-only-visit", "visit", f"Session {k} load-test visit", f"2020-11-{day}", "",
         "Astana", "Baku", f"Aide S{k}", "reported", f"load test session {k}", ""],
        [f"s{k}-only-event", "meeting", f"Session {k} load-test meeting", f"2021-05-{day}", "",
         "Moscow", "Baku", f"Envoy S{k};Minister S{k}", "confirmed", f"load test session {k}",
         "generated by tests/appload.py"],
        [f"s{k}-only-flight", "flight", f"Session {k} load-test flight", f"2022-06-{day}T09:00",
         f"2022-06-{day}T12:40", "VKO", "GYD", f"Envoy S{k}", "reported",
         f"load test session {k}", ""],
        [f"s{k}-only-call", "call", f"Session {k} load-test call", f"2023-02-{day}", "",
         "Washington", "Jerusalem", f"Adviser S{k}", "confirmed", f"load test session {k}", ""],
        [f"s{k}-only-statement", "statement", f"Session {k} load-test statement", "2024-09", "",
         "", "Yerevan", f"Speaker S{k}", "speculative", f"load test session {k}", ""],
    ]  # fmt: skip
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()


def expected_view(
    requested: View, data: Dataset, shipped: Dataset, uploaded: bool, search: str
) -> View:
    """The view the app ends on: its slider clamping (``app.fit_range_to``) replayed.

    The first run clamps the link's dates to the shipped data's slider bounds; an upload
    resets the range to the new data's bounds (``app.reset_range``: a filter made for other
    data would hide it), so both ends are open; the slider's range becomes the view.
    """
    today = datetime.now(UTC).date()
    bounds = appstate.slider_bounds(appstate.date_span(shipped.events), today)
    rng = appstate.clamp_range(requested.start, requested.end, bounds)
    if uploaded:
        bounds = appstate.slider_bounds(appstate.date_span(data.events), today)
        rng = bounds
        requested = replace(requested, q=search)
    requested = replace(  # the widgets list kinds and statuses in the app's order
        requested,
        kinds=tuple(k for k in KINDS if k in requested.kinds),
        statuses=tuple(s for s in STATUSES if s in requested.statuses),
    )
    return appstate.range_to_view(requested, rng, bounds)


def cli_csv(view: View, events_file: Path | None, out: Path) -> bytes:
    """``python -m geo export --format csv`` with the view's options, in this process."""
    args = ["export", *(["--events", str(events_file)] if events_file else [])]
    args += [*view.export_args("csv"), "--out", str(out)]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(args)
    if code != 0:
        raise RuntimeError(f"python -m geo {' '.join(args)} exited {code}")
    return out.read_bytes()


def make_plans(sessions: int, tmp: Path) -> list[Plan]:
    shipped = load_dataset()
    plans = []
    for k in range(sessions):
        params, with_upload, search = SPECS[k % len(SPECS)]
        requested, notes = appstate.view_from_query(params)
        if notes:
            raise ValueError(f"session {k}: bad spec {params}: {notes}")
        path: Path | None = None
        data = shipped
        own: frozenset[str] = frozenset()
        if with_upload:
            path = tmp / f"s{k}-events.csv"
            path.write_text(upload_csv(k), encoding="utf-8", newline="")
            loaded = uploads.load_uploads(events=uploads.Upload(path.name, path.read_bytes()))
            if loaded.dataset is None:
                raise ValueError(f"session {k}: upload invalid: {loaded.problems} {loaded.error}")
            data = loaded.dataset
            own = frozenset(ev.id for ev in data.events)
        view = expected_view(requested, data, shipped, with_upload, search)
        events = select(data.events, view.filters())
        want = export(events, "csv")
        by_cli = cli_csv(view, path, tmp / f"s{k}-cli.csv")
        if by_cli != want:
            raise AssertionError(f"session {k}: python -m geo export disagrees with geo.select")
        plans.append(
            Plan(
                k,
                params,
                path,
                search if with_upload else "",
                len(data.events),
                view,
                frozenset(ev.id for ev in events),
                want,
                own,
            )
        )
    return plans


# ---- one browser session -------------------------------------------------------------------


class StepTimeout(Exception):
    pass


class _Clock:
    def __init__(self, deadline: float, step_s: float) -> None:
        self.deadline, self.step_s = deadline, step_s

    def step_ms(self) -> float:
        """A Playwright timeout (ms): the step's own, capped by the run's deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise StepTimeout("the run's deadline passed")
        return max(1.0, min(self.step_s, left)) * 1000


def _query_of(search: str) -> dict[str, str]:
    parsed = urllib.parse.parse_qs(search.lstrip("?"), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items() if k in appstate.QUERY_KEYS}


def _caption(state: Mapping[str, Any]) -> str:
    """The main area's "N of M events from …" caption ('' before the first run)."""
    return next((c for c in state.get("captions", []) if " events from " in c), "")


def _outside(base_url: str) -> re.Pattern[str]:
    """Every URL but ``base_url``'s own (and data:, blob:, about:)."""
    return re.compile(r"^(?!" + re.escape(base_url) + r"(?:[/?#]|$)|data:|blob:|about:)")


async def _settle(page: Any, clock: _Clock, what: str, want: dict[str, Any]) -> None:
    """Wait (polling in the page) until it shows ``want``; a timeout names what it showed."""
    try:
        await page.wait_for_function(
            READY_JS,
            arg={"query": None, "ids": None, **want},
            polling=POLL_MS,
            timeout=clock.step_ms(),
        )
    except Exception as exc:
        state: dict[str, Any] = {}
        with contextlib.suppress(Exception):
            state = await page.evaluate(STATE_JS)
        seen = {k: v for k, v in state.items() if k != "captions"}
        raise StepTimeout(
            f"{what}: {type(exc).__name__}; last seen {seen} caption {_caption(state)!r}"
        ) from None


def _label(plan: Plan) -> str:
    return f"your upload {plan.upload.name}" if plan.upload else "the shipped data"


def _final_want(plan: Plan) -> dict[str, Any]:
    return {
        "caption": f"{len(plan.expected_ids)} of {plan.total} events from {_label(plan)}",
        "query": plan.final_query,
        "keys": list(appstate.QUERY_KEYS),
        "ids": sorted(plan.expected_ids),
    }


def _mismatches(plan: Plan, state: Mapping[str, Any]) -> list[str]:
    """How the page's state differs from the expected view (checked again after the download)."""
    out = []
    want = _final_want(plan)["caption"]
    if want not in _caption(state):
        out.append(f"caption {_caption(state)!r}, expected {want!r}")
    if _query_of(state.get("search", "")) != plan.final_query:
        out.append(f"URL query {state.get('search')!r}, expected {plan.final_query}")
    table = set(state.get("tableIds", []))
    if not table <= plan.expected_ids:
        out.append(f"table shows unexpected ids {sorted(table - plan.expected_ids)}")
    if plan.expected_ids and not table:
        out.append("table is empty")
    return out


async def _session(
    browser: Any,
    base_url: str,
    plan: Plan,
    res: SessionResult,
    others: frozenset[str],
    clock: _Clock,
) -> None:
    """One user: open the app with the plan's link, upload and search, download the CSV."""
    t0 = time.monotonic()
    errors: list[str] = []

    def mark(step: str) -> None:
        res.marks[step] = round(time.monotonic() - t0, 1)

    res.step = "new context"
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:

        async def route(r: Any) -> None:
            url = r.request.url
            if url == base_url or url.startswith((base_url + "/", "data:", "blob:", "about:")):
                await r.continue_()
            else:
                res.blocked.append(url)
                await r.abort()

        # Only what is not the app is intercepted (a regex Playwright matches in the
        # browser), so the app's own requests make no round trip through this process.
        await context.route(_outside(base_url), route)
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        res.step = "open"
        query = f"/?{plan.url_query}" if plan.params else "/"
        await page.goto(base_url + query, wait_until="domcontentloaded", timeout=clock.step_ms())
        if plan.upload is not None:
            res.step = "first run"
            await _settle(page, clock, "first run", {"caption": "events from the shipped data"})
            mark("first run")
            res.step = "upload"
            uploader = page.locator('[data-testid="stFileUploader"]').filter(
                has=page.get_by_text("events.csv", exact=True)
            )
            await uploader.locator('input[type="file"]').set_input_files(
                str(plan.upload), timeout=clock.step_ms()
            )
            await _settle(page, clock, "upload", {"caption": f"events from {_label(plan)}"})
            mark("upload")
            res.step = "search"
            box = page.get_by_role("textbox", name="Search")
            await box.fill(plan.search, timeout=clock.step_ms())
            await box.press("Enter", timeout=clock.step_ms())
        res.step = "final view"
        await _settle(page, clock, "final view", _final_want(plan))
        mark("final view")
        res.step = "download"
        async with page.expect_download(timeout=clock.step_ms()) as info:
            await page.get_by_role("button", name="Download CSV").click(timeout=clock.step_ms())
        download = await info.value
        path = await download.path()
        data = Path(path).read_bytes()
        mark("download")
        res.step = "check"
        res.bytes = len(data)
        res.rows = max(0, len(list(csv.reader(io.StringIO(data.decode("utf-8", "replace"))))) - 1)
        state = await page.evaluate(STATE_JS)
        content = await page.content()  # the main page, the map's srcdoc and the table
        problems = _mismatches(plan, state)
        if data != plan.expected_csv:
            problems.append(
                f"download differs from geo.export ({len(data)} bytes, expected "
                f"{len(plan.expected_csv)})"
            )
        text = content + data.decode("utf-8", "replace")
        leaked = sorted(i for i in others if i in text)
        if leaked:
            problems.append(f"another session's uploaded ids on this page/download: {leaked}")
        outside = [u for u in res.blocked if not u.startswith(TILE_HOSTS)]
        if outside:
            problems.append(f"blocked non-tile requests: {outside[:3]}")
        if errors:
            problems.append(f"page errors: {errors[:3]}")
        res.error = "; ".join(problems)
        res.ok = not problems
        res.step = "done"
    finally:
        res.seconds = time.monotonic() - t0
        with contextlib.suppress(Exception):
            await asyncio.wait_for(context.close(), timeout=CLOSE_TIMEOUT_S)


async def _guarded(coro: Any, res: SessionResult) -> None:
    try:
        await coro
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        res.ok = False
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        res.error = f"at {res.step}: {type(exc).__name__}: {detail}"[:500]


async def _run(
    base_url: str,
    plans: list[Plan],
    results: list[SessionResult],
    deadline: float,
    step_timeout_s: float,
) -> None:
    from playwright.async_api import async_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("no Chromium (apt-get install chromium, or set CHROMIUM)")
    clock = _Clock(deadline, step_timeout_s)
    async with async_playwright() as pw:
        launch = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        browser = await asyncio.wait_for(launch, timeout=clock.step_ms() / 1000)
        try:
            sessions = []
            for plan, res in zip(plans, results, strict=True):
                others = frozenset().union(*(p.own_ids for p in plans if p is not plan))
                sessions.append(
                    _guarded(_session(browser, base_url, plan, res, others, clock), res)
                )
            left = max(0.0, deadline - time.monotonic())
            with contextlib.suppress(TimeoutError):  # the deadline: every session is cancelled
                await asyncio.wait_for(asyncio.gather(*sessions), timeout=left)
            for res in results:
                if res.step != "done" and not res.error:
                    res.ok = False
                    res.error = f"at {res.step}: the run's deadline passed"
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), timeout=CLOSE_TIMEOUT_S)


def run_load(
    base_url: str,
    sessions: int = 10,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    step_timeout_s: float = STEP_TIMEOUT_S,
) -> list[SessionResult]:
    """Run ``sessions`` concurrent browser sessions against the app at ``base_url``.

    Returns one :class:`SessionResult` per session; never runs past ``timeout_s`` (plus the
    browser's shutdown). The event loop runs in its own thread, so this works from code that
    already has one (pytest with Playwright's sync API, a notebook).
    """
    base_url = base_url.rstrip("/")
    deadline = time.monotonic() + timeout_s
    with tempfile.TemporaryDirectory(prefix="load_app_") as tmp:
        plans = make_plans(sessions, Path(tmp))
        results = [
            SessionResult(
                p.session,
                "&".join(f"{k}={v}" for k, v in p.final_query.items()),
                p.upload.name if p.upload else None,
            )
            for p in plans
        ]
        failure: list[BaseException] = []

        def target() -> None:
            try:
                asyncio.run(_run(base_url, plans, results, deadline, step_timeout_s))
            except BaseException as exc:  # reported below, in the caller's thread
                failure.append(exc)

        thread = threading.Thread(target=target, name="load_app", daemon=True)
        thread.start()
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + SHUTDOWN_GRACE_S)
        if thread.is_alive():
            raise TimeoutError(
                f"the load run did not stop within {timeout_s + SHUTDOWN_GRACE_S:.0f} s"
            )
        if failure:
            raise failure[0]
    return results


def format_results(results: list[SessionResult], details: bool = False) -> str:
    head = ("session", "filters", "upload?", "rows", "bytes", "seconds", "ok")
    lines = [
        (str(r.session), r.filters or "(none)", r.upload or "-", str(r.rows), str(r.bytes),
         f"{r.seconds:.1f}", "ok" if r.ok else "FAIL")
        for r in results
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
           for row in [head, *lines]]  # fmt: skip
    for r in results:
        if not r.ok:
            out.append(f"session {r.session}: {r.error}")
        if details:
            steps = ", ".join(f"{k} {v:.1f}s" for k, v in r.marks.items())
            out.append(f"session {r.session} steps: {steps}; blocked {len(r.blocked)} tiles")
    return "\n".join(out)
