"""Heavy work that survives reruns: one background job per session and key.

Reading and checking a large upload takes minutes. Run inside the script, a click during it
interrupts the run, the work is thrown away and the next run starts it again (a 450 MB
upload with clicks took 899 s). A job runs in its own thread instead: every run asks for
the job of its key and gets the same one, so a click only re-attaches to the work.

No Streamlit here: the registry is plain threads, tested on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Job:
    """One piece of work in a thread; its result (or exception) kept until collected."""

    def __init__(self, work: Callable[[], Any], limit: threading.Semaphore) -> None:
        self._done = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work, limit), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], Any], limit: threading.Semaphore) -> None:
        try:
            with limit:
                self._result = work()
        except BaseException as exc:  # handed to the script that collects it
            self._error = exc
        finally:
            self._done.set()

    def wait(self, timeout: float) -> bool:
        """True once the work has finished (waiting at most `timeout` seconds)."""
        return self._done.wait(timeout)

    def outcome(self) -> Any:
        """The work's result; its exception raised here, in the script that asked for it."""
        if self._error is not None:
            raise self._error
        return self._result


class Jobs:
    """The running and finished-but-uncollected jobs of every session."""

    def __init__(self, limit: threading.Semaphore) -> None:
        self._limit = limit  # how many jobs may do their work at once, server-wide
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Job]] = {}

    def start(self, session: str, key: str, work: Callable[[], Any]) -> Job:
        """The session's job for `key`: the one already started, else a new one doing `work`."""
        with self._lock:
            jobs = self._jobs.setdefault(session, {})
            if key not in jobs:
                jobs[key] = Job(work, self._limit)
            return jobs[key]

    def get(self, session: str, key: str) -> Job | None:
        """The session's job for `key` if one was started and not forgotten."""
        with self._lock:
            return self._jobs.get(session, {}).get(key)

    def forget(self, session: str, key: str) -> None:
        """The result was collected: drop the job (a later start runs the work again)."""
        with self._lock:
            jobs = self._jobs.get(session, {})
            jobs.pop(key, None)
            if not jobs:
                self._jobs.pop(session, None)

    def release(self, session: str) -> None:
        """The session ended: drop its jobs (a running one finishes and is never collected)."""
        with self._lock:
            self._jobs.pop(session, None)

    def sessions(self) -> set[str]:
        with self._lock:
            return set(self._jobs)
