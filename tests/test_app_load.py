"""The app under load: ten concurrent browser sessions, each with its own filters and data.

``tests/appload.py`` does the work: one ``streamlit run app.py`` on 127.0.0.1, one
headless Chromium with ten contexts at once, every other host cut off. Each session's CSV
download must be byte for byte ``geo.export.export(geo.select(...), "csv")`` for its own
filters and its own upload, and no session may see another session's uploaded events.

Same rules as the other browser tests: skipped (saying why) without Chromium, except in CI,
where that is a failure. The test asserts behaviour only — each session its own data, nothing
leaked, every download right — never how long it took: a busy 2-core machine may take long.
Its timing is `python benchmarks/load_app.py`'s to report (the same run, timed).
:data:`HANG_GUARD_S` only stops a run that hangs (an order of magnitude above any run seen).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.appload import format_results, run_load
from tests.appserver import ServerError, serve_app
from tests.conftest import chromium_path

pytestmark = pytest.mark.browser

SESSIONS = 10
HANG_GUARD_S = 1800.0  # not a budget: a stop for a run that hangs
SERVER_START_S = 300.0


def require_chromium() -> None:
    problem = None
    if chromium_path() is None:
        problem = "no Chromium on this machine (apt-get install chromium); CI runs these"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:  # pragma: no cover - the test extra installs it
            problem = "playwright is not installed (pip install -e '.[test]')"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {problem}")
        pytest.skip(problem)


def test_ten_concurrent_sessions_each_download_their_own_csv(tmp_path: Path) -> None:
    require_chromium()
    log = tmp_path / "server.log"
    try:
        with serve_app(log, start_timeout_s=SERVER_START_S) as url:
            results = run_load(url, sessions=SESSIONS, timeout_s=HANG_GUARD_S,
                               step_timeout_s=HANG_GUARD_S / 3)
    except ServerError as exc:
        pytest.fail(str(exc))
    report = format_results(results, details=True)
    print(report)
    assert len(results) == SESSIONS
    assert sum(r.upload is not None for r in results) >= 3, "some sessions must upload"
    assert len({(r.filters, r.upload) for r in results}) == SESSIONS, "each its own view"
    failed = [r for r in results if not r.ok]
    if failed:
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{len(failed)} of {SESSIONS} sessions failed:\n{report}\n--- server\n{tail}")
