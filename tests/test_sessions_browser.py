"""Session lifetime in a real server: a closed tab's uploaded data is released."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, COUNT_RUNS, streamlit_server
from tests.test_browser import TIMEOUT_MS, VIEWPORT, go, metric, open_app, upload

pytestmark = pytest.mark.browser

LEADS = b"lead_id,lead_source,created_at\nL1,Email,2026-01-05\nL2,Events,2026-01-06\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_closing_the_tab_releases_the_data(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUCE_KEEP_CLOSED_SESSION_SECONDS", "1")
    log = tmp_path / "streamlit.log"
    (tmp_path / "leads.csv").write_bytes(LEADS)
    with streamlit_server(log) as url:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(COUNT_RUNS)
        page = context.new_page()
        open_app(page, url)
        upload(page, [str(tmp_path / "leads.csv")])
        go(page, "funnel")
        expect(metric(page, "Lead")).to_have_text("2")
        assert "released session data" not in log.read_text()
        context.close()  # the tab closes: its websocket too
        deadline = time.monotonic() + 30
        while "released session data" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)  # the server's log is a file: nothing to wait on but time
