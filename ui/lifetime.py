"""What a session holds, how long, and the heavy work it waits for.

A session's uploaded data (the read files, the checked dataset, the filtered view) lives in
a registry keyed by the session's id, not in `st.session_state`: Streamlit keeps a closed
tab's session state for a while in case it reconnects, and drops it only lazily (1.4 GB of
uploads were still held five minutes after the last tab closed). A sweeper thread releases
the data, the jobs and the uploaded bytes of every session that has had no open tab for
`KEEP_CLOSED_SECONDS`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from multiprocessing.process import BaseProcess
from typing import Any

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.jobs import Job, Jobs

log = logging.getLogger("truce")
# Reading and checking a million-lead export briefly needs about a gigabyte on top of the data.
# At most two sessions do it at once, so eight people at a time fit in memory; the others wait
# a little longer (benchmarks/sessions.py).
HEAVY_WORK = threading.BoundedSemaphore(2)
JOBS = Jobs(HEAVY_WORK)
# The Great Expectations audits: one at a time server-wide, never holding a slot a session's
# reading and checking waits for (its verdict can come later, the first numbers cannot).
AUDIT_LIMIT = threading.BoundedSemaphore(1)
AUDITS = Jobs(AUDIT_LIMIT)
# A tab that lost its connection for a moment comes back within this time and finds its data.
KEEP_CLOSED_SECONDS = float(os.environ.get("TRUCE_KEEP_CLOSED_SESSION_SECONDS", "60"))

_lock = threading.Lock()
_data: dict[str, dict[str, Any]] = {}
_children: dict[str, set[BaseProcess]] = {}  # each session's processes (its audit)
_sweeper: threading.Thread | None = None
_main_swap = threading.Lock()


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


def session_data() -> dict[str, Any]:
    """This session's uploaded data (released by the sweeper once the session has ended)."""
    _start_sweeper()
    with _lock:
        return _data.setdefault(session_id(), {})


def held_sessions() -> int:
    """How many sessions hold data or jobs right now."""
    with _lock:
        return len(set(_data) | JOBS.sessions() | AUDITS.sessions())


def start(key: str, work: Callable[[], Any]) -> Job:
    """This session's background job `key`: the one already started, else a new one."""
    return JOBS.start(session_id(), key, work)


def wait_for(key: str, label: str, work: Callable[[], Any]) -> Any:
    """Run `work` as this session's background job `key` and wait for it.

    A click during the wait reruns the script (at the next progress line), and the new run
    waits for the same job: the work is never started twice.
    """
    session = session_id()
    job = start(key, work)
    if not job.wait(0.05):
        started = time.monotonic()
        progress = st.empty()
        with st.spinner(label, show_time=True):
            while not job.wait(1.0):
                # Each line is a point where a click's rerun can take over from this run.
                progress.caption(
                    f"Still working ({time.monotonic() - started:.0f} s in this view): clicks "
                    "do not restart it."
                )
        progress.empty()
    JOBS.forget(session, key)
    return job.outcome()


def in_process(session: str, target: Callable[..., None], *args: Any) -> Any:
    """`target(send, *args)` in a spawned process of `session`; what it sends back (ok, value)
    returned here, or raised. Ended when the session is released: no one would read its
    answer. Called from a job's thread (no Streamlit context: the session is named)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=target, args=(send, *args), daemon=True)
    try:
        with _bare_main():
            child.start()
        with _lock:
            _children.setdefault(session, set()).add(child)
        send.close()
        try:
            ok, value = receive.recv()
        except EOFError:  # ended (its session released) or died before answering
            raise RuntimeError("the process ended before answering") from None
    finally:
        receive.close()
        child.join()
        with _lock:
            _children.get(session, set()).discard(child)
    if not ok:
        raise value
    return value


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """A spawned child runs the parent's `__main__` file again before its target, and under
    `streamlit run` that is app.py (Streamlit names each script run `__main__`): every audit
    would re-run the whole app in bare mode, seconds of work and hundreds of warnings. Its
    start sees a bare `__main__` instead. Streamlit runs a script through its own reference to
    the module, so the moment's swap changes nothing for a script running meanwhile."""
    with _main_swap:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def end_processes(session: str) -> None:
    """End the session's processes still running (their in_process call raises)."""
    with _lock:
        children = _children.pop(session, set())
    for child in children:
        child.terminate()


def release(session: str) -> None:
    """Forget everything a session held: its data, its jobs, its processes, its uploaded
    bytes, its downloads and Streamlit's stored session."""
    with _lock:
        held = _data.pop(session, None)
    end_processes(session)
    JOBS.release(session)
    AUDITS.release(session)
    runtime = Runtime.instance()
    runtime.uploaded_file_mgr.remove_session_files(session)
    # A download button built on click keeps its callable, and what the callable reads (the
    # page's view: every table of the upload), until the session's files are let go. Streamlit
    # lets them go only when it drops the session itself, lazily, long after the tab closed.
    runtime.media_file_mgr.clear_session_refs(session)
    runtime.media_file_mgr.remove_orphaned_files()
    # Streamlit keeps a closed tab's session two minutes for its return, and with it the
    # uploader's files: every uploaded byte (363 MB per session at 1M leads, so a server
    # with a few users a minute grew by gigabytes). The data is gone now, so is the session:
    # a tab coming back starts afresh. Streamlit's one thread-safe close of a stored session
    # is the one its logout uses.
    runtime.clear_user_info_for_session(session)
    if held:
        # A session's tables sit in reference cycles (jobs, cached properties), and Python's
        # cycle collector runs on counts of objects, which a few objects holding gigabytes
        # never reach: a released 1M-lead session stayed in memory until a later collection
        # (the server grew 1.4 -> 2.5 -> 3.5 GB over three sessions; collected here, it went
        # back to 0.35 GB after each).
        del held
        gc.collect()


def _sweep() -> None:
    global _sweeper
    closed_since: dict[str, float] = {}
    while True:
        time.sleep(min(5.0, KEEP_CLOSED_SECONDS))
        if not Runtime.exists():  # the server stopped (or a test's runtime ended)
            with _lock:
                _sweeper = None
            return
        runtime = Runtime.instance()
        with _lock:
            held = set(_data)
        now = time.monotonic()
        released = 0
        for session in held | JOBS.sessions() | AUDITS.sessions():
            if runtime.is_active_session(session):
                closed_since.pop(session, None)
            elif now - closed_since.setdefault(session, now) >= KEEP_CLOSED_SECONDS:
                release(session)
                closed_since.pop(session)
                released += 1
        if released:
            # A count only: nothing about the session's data reaches the log.
            log.info("released session data of %d closed session(s)", released)


def _start_sweeper() -> None:
    """One sweeper per server process, started with the first session that holds data.
    Tests without a server (AppTest) have no runtime and no sessions to sweep."""
    global _sweeper
    with _lock:
        if _sweeper is None and Runtime.exists():
            _sweeper = threading.Thread(target=_sweep, name="truce-sweeper", daemon=True)
            _sweeper.start()
