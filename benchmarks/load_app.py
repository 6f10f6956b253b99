"""Load check: N concurrent browser sessions against one ``streamlit run app.py``, timed.

    python benchmarks/load_app.py [--sessions 10] [--timeout 150] [--url http://127.0.0.1:PORT]

The run itself is ``tests/appload.py``'s (what each session does and checks, see there) and
the server ``tests/appserver.py``'s: ``tests/test_app_load.py`` asserts the behaviour, this
script reports the times. Without ``--url`` it starts the server on a free port itself and
stops it at the end. It prints one line per session and exits 1 if any session failed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.appload import DEFAULT_TIMEOUT_S, format_results, run_load  # noqa: E402
from tests.appserver import serve_app  # noqa: E402

SERVER_START_TIMEOUT_S = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds")
    parser.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="each session's steps")
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(serve_app(start_timeout_s=SERVER_START_TIMEOUT_S))
        left = args.timeout - (time.monotonic() - t0)
        results = run_load(url, sessions=args.sessions, timeout_s=max(1.0, left))
    print(format_results(results, details=args.verbose))
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed}/{len(results)} sessions ok in {time.monotonic() - t0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
