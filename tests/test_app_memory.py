"""Memory bounded by what is held (issue 27 item 3): a small file with millions of problems
costs the server no more than the problems it keeps, and the shared cache is sized by the
measured bytes of its values, with a total cap and eviction."""

from __future__ import annotations

import gc
import gzip
from pathlib import Path
from typing import Any

from geo import uploads
from geo.bytecache import ByteCache, deep_size
from geo.uploads import Upload
from tests.test_app import APP, run_ok, shown

GIB = 2**30
UPLOADS = 20


def problem_bomb() -> bytes:
    """About 4 KB: a gzip of a CSV of fixes whose every row is bad, three problems a row
    (some 690,000 problems)."""
    data = gzip.compress(b"time,lat,lon\n" + b"x,95,200\n" * 230_000, 9)
    assert len(data) <= 4200
    return data


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_a_load_keeps_a_bounded_number_of_problems_and_counts_the_rest() -> None:
    result = uploads.load_uploads(tracks=[Upload("bomb.csv.gz", problem_bomb())])
    assert result.dataset is not None  # lenient: the shipped events load, the track is bad
    # the track reader keeps 1,000 problems per file and counts the rest in a last line; the
    # app keeps at most MAX_KEPT_PROBLEMS of a load
    problems = result.dataset.problems
    assert 1_000 <= len(problems) <= uploads.MAX_KEPT_PROBLEMS
    assert "689,000 more problems not listed" in problems[-1].message
    assert deep_size(result) < 64 * 2**20

    refused = uploads.load_uploads(tracks=[Upload("bomb.csv.gz", problem_bomb())], strict=True)
    assert refused.dataset is None
    assert 1_000 <= len(refused.problems) <= uploads.MAX_KEPT_PROBLEMS
    assert "689,000 more problems not listed" in str(refused.problems[-1])


def test_the_problem_bomb_uploaded_20_times_leaves_the_server_under_1_gb() -> None:
    from streamlit.testing.v1 import AppTest

    bomb = problem_bomb()
    for k in range(UPLOADS):  # each from a session of its own, closed after; each its own
        at: Any = AppTest.from_file(APP, default_timeout=600)  # file, so each is loaded
        run_ok(at)
        at.file_uploader(key="upload_tracks_0").set_value([(f"bomb-{k}.csv.gz", bomb,
                                                           "application/gzip")])
        run_ok(at)
        warning = shown(at.warning[0].value)
        assert "problems)" in warning and "rows below were left out" in warning
        code = "\n".join(c.value for c in at.code)
        assert f"bomb-{k}.csv.gz:2: time: 'x' is not a time" in code
        assert "more problems not shown" in code
        del at
        gc.collect()
    assert rss_bytes() < GIB


def test_the_cache_is_sized_by_measured_bytes_and_evicts_the_oldest() -> None:
    big = [f"problem {k}" for k in range(20_000)]  # about 1.3 MB of small strings
    n = deep_size(big)
    assert n > 1_000_000  # measured, not guessed from an input's size
    cache = ByteCache(budget=8 * n + n // 2)
    sizes = [cache.put(f"v{k}", list(big)) for k in range(9)]
    assert all(abs(size - n) < n // 50 for size in sizes)  # a copy: the same measure, ±2 %
    assert cache.get("v0") is None  # the least recently used went first
    assert all(cache.get(f"v{k}") is not None for k in range(1, 9))
    assert cache.size == sum(sizes[1:]) <= cache.budget
    cache.put("huge", b"x" * (3 * n))  # over a quarter of the budget: not kept
    assert cache.get("huge") is None and cache.get("v8") is not None and len(cache) == 8


def test_deep_size_counts_what_a_dataset_holds() -> None:
    from geo.dataset import load_dataset

    data = load_dataset()
    measured = deep_size(data)
    events_only = deep_size(data.events)
    assert events_only < measured
    assert measured > 50 * len(data.events)
