"""Helpers for the browser tests: a free port, `streamlit run` as a subprocess, health waits."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Counts every start of a script run, so a test can wait for the run its action caused
# (a plain wait for "notRunning" right after a click can pass before the run even began).
COUNT_RUNS = """
window.__stRuns = 0;
new MutationObserver((mutations) => {
  for (const m of mutations) {
    if (m.target.getAttribute('data-test-script-state') === 'running') window.__stRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(port: int, log: Path, script: str = "app.py") -> subprocess.Popen:
    """`streamlit run` from the repo root, headless, on 127.0.0.1:<port>, output to `log`."""
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "False",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() ends it and only it
        )


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Block until `<url>/_stcore/health` answers "ok"; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling a port that is not open yet: there is nothing to wait on
    raise TimeoutError(
        f"streamlit not healthy after {timeout}s:\n{log.read_text(errors='replace')}"
    )


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM the server's own process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@contextlib.contextmanager
def streamlit_process(log: Path, script: str = "app.py") -> Iterator[tuple[str, int]]:
    """A running app; yields its base URL and the server's process id, stops it afterwards."""
    port = free_port()
    process = start_streamlit(port, log, script)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield url, process.pid
    finally:
        stop(process)


@contextlib.contextmanager
def streamlit_server(log: Path, script: str = "app.py") -> Iterator[str]:
    """A running app; yields its base URL and stops it afterwards."""
    with streamlit_process(log, script) as (url, _):
        yield url
