"""The app as a server for the tests: ``streamlit run app.py`` on 127.0.0.1, on a free port.

The browser tests of the running app get it through the ``app_url`` fixture
(``tests/conftest.py``); the load check (``tests/appload.py``, run by ``tests/test_app_load.py``
and ``python benchmarks/load_app.py``) starts it with :func:`serve_app` itself. The tests read
nothing from ``benchmarks/``: the benchmarks import this.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerError(RuntimeError):
    """``streamlit run`` did not answer its health check in time (the log is in the message)."""


@contextlib.contextmanager
def serve_app(
    log_path: Path | None = None,
    port: int | None = None,
    start_timeout_s: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 (a free port), healthy; yields its base URL.

    ``env`` adds to (or overrides) this process's environment for the server only. The server
    runs in its own process group, stopped (SIGTERM, then SIGKILL) on exit.
    """
    port = port or free_port()
    with contextlib.ExitStack() as stack:
        if log_path is None:
            log_path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "server.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        with log_path.open("wb") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **env} if env else None,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = log_path.read_text(errors="replace")
                    raise ServerError(f"streamlit did not start on {url}:\n{log}")
                time.sleep(0.3)  # polling the server's health, not waiting for a time
            yield url
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
