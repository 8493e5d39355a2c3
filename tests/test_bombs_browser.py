"""Upload bombs against a running `streamlit run`: each small file that would expand to
gigabytes is refused in one line, and the server's resident memory, sampled from /proc while
they are uploaded and read, grows less than 2 GiB above its baseline.

The bombs are the ones tests/test_bombs.py reads in-process, plus the billion-laughs contract
of tests/test_contract.py dropped on the Data page. A server that grows past the bound is
killed at once, so a regression fails the test without taking the machine down.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser_support import COUNT_RUNS, streamlit_process
from tests.test_bombs import BOMBS, BOUND, UPLOAD_LIMIT, memory
from tests.test_browser import TIMEOUT_MS, VIEWPORT, open_app, rerun
from tests.test_contract import billion_laughs

pytestmark = pytest.mark.browser

REFUSALS = (
    "bomb.parquet would take about 3 GB of memory once opened and was refused.",
    "shared_string.xlsx expands to an unsafe size when opened and was refused.",
    "lying_zip.xlsx expands to an unsafe size when opened and was refused.",
)


class Watch(threading.Thread):
    """Samples a process's VmRSS every 10 ms; kills the process past baseline + BOUND."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.baseline = pid, memory("VmRSS", str(pid))
        self.grown, self.done = 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):  # wakes to sample, or when the test is done
            self.grown = max(self.grown, memory("VmRSS", str(self.pid)) - self.baseline)
            if self.grown > BOUND:
                os.kill(self.pid, signal.SIGKILL)
                return


def test_bombs_are_refused_and_the_server_stays_small(browser: Browser, tmp_path: Path) -> None:
    files = []
    for name, build in BOMBS.items():
        (tmp_path / name).write_bytes(build())
        assert (tmp_path / name).stat().st_size < UPLOAD_LIMIT
        files.append(str(tmp_path / name))
    (tmp_path / "laughs.yaml").write_text(billion_laughs(), "utf-8")
    with streamlit_process(tmp_path / "streamlit.log") as (url, pid):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(COUNT_RUNS)
        page = context.new_page()
        open_app(page, f"{url}/data?data_source=My+files")
        watch = Watch(pid)
        watch.start()
        dropzone = page.locator(".st-key-uploader").get_by_test_id("stFileUploaderDropzoneInput")
        rerun(page, lambda: dropzone.set_input_files(files))
        for says in REFUSALS:
            expect(page.get_by_text(says)).to_be_visible()
        contract = page.locator(".st-key-contract_upload").get_by_test_id(
            "stFileUploaderDropzoneInput"
        )
        rerun(page, lambda: contract.set_input_files([str(tmp_path / "laughs.yaml")]))
        # Said in the contract's expander, folded once files are dropped.
        expect(page.get_by_text("uses a YAML anchor or alias")).to_have_count(1)
        watch.done.set()
        watch.join()
        context.close()
    assert watch.grown < BOUND, f"the server grew {watch.grown / 1024**3:.1f} GiB"
    assert watch.baseline > 0  # the samples were of a live process
