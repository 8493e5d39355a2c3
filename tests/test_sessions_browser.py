"""Session lifetime in a real server: a closed tab's uploaded data is released."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser_support import COUNT_RUNS, streamlit_server
from tests.test_browser import (
    TIMEOUT_MS,
    VIEWPORT,
    choose,
    go,
    metric,
    open_app,
    rerun,
    settle,
    upload,
)

pytestmark = pytest.mark.browser

WON = ("2026-03-02 11:00", "")
LEADS = b"lead_id,lead_source,created_at,won_at\n" + b"".join(
    f"L{i},{('Email', 'Events')[i % 2]},2026-01-{10 + i:02d} 09:30,{WON[i % 2]}\n".encode()
    for i in range(6)
)
# A source and dates the sample (2025-01 to 2026-09) lacks: one Podcast lead before February 2027.
PODCAST = (
    b"P0,Podcast,2026-12-10 10:15,\nP1,Podcast,2027-02-11 10:15,\nP2,Podcast,2027-02-12 10:15,\n"
)
FEBRUARY = "created=2027-02-01&created=2027-02-28"


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
        go(page, "win_rate")
        expect(metric(page, "Leads")).to_have_text("6")
        assert "released session data" not in log.read_text()
        context.close()  # the tab closes: its websocket too
        deadline = time.monotonic() + 30
        while "released session data" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)  # the server's log is a file: nothing to wait on but time


def test_a_link_filter_waits_and_a_reload_shows_the_banner(
    browser: Browser, tmp_path: Path
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_bytes(LEADS + PODCAST)
    with streamlit_server(tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(COUNT_RUNS)
        page = context.new_page()
        open_app(page, f"{url}/win_rate?sources=Podcast&{FEBRUARY}")  # neither in the sample
        expect(page.get_by_text("Waiting for your data — lead sources: Podcast")).to_be_visible()
        waiting = "Waiting for your data — leads created between: 2027-02-01 to 2027-02-28"
        expect(page.get_by_text(waiting)).to_be_visible()
        expect(page).to_have_url(re.compile(FEBRUARY))
        expect(page).to_have_url(re.compile("sources=Podcast"))
        radio = page.locator(".st-key-data_source")
        rerun(page, radio.get_by_text("My files", exact=True).click)
        expect(page.get_by_text("Your files are not kept after a reload")).to_be_visible()
        expect(metric(page, "Leads")).to_have_count(0)  # no sample numbers passed off as theirs
        upload(page, [str(leads)])
        # The data brings Podcast and February 2027: both apply (P1, P2) and stop waiting.
        sources = page.locator(".st-key-sources")
        expect(sources.locator("[data-tag]")).to_have_text(["Podcast"])
        expect(metric(page, "Leads")).to_have_text("2")
        expect(page.get_by_text("Waiting for your data")).to_have_count(0)
        expect(page).to_have_url(re.compile(FEBRUARY))
        expect(page).to_have_url(re.compile("sources=Podcast"))
        with page.expect_download() as download:
            page.get_by_role("button", name="Download my setup").click()
        saved = json.loads(Path(download.value.path()).read_text())
        assert saved["truce_setup"] == 1 and saved["mappings"][0]["table"] == "leads"

        # A reload keeps no files: the banner, never the sample's numbers.
        page.goto(f"{url}/win_rate?data_source=My+files")
        settle(page)
        expect(page.get_by_text("Your files are not kept after a reload")).to_be_visible()
        expect(metric(page, "Leads")).to_have_count(0)
        context.close()


# Who closed each lead, in a column no synonym maps to owner: the user maps it by hand.
CLOSERS = b"lead_id,lead_source,created_at,won_at,Closer\n" + b"".join(
    f"C{i},Email,2026-01-{10 + i:02d} 09:30,,{'Ann' if i < 3 else 'Bob'}\n".encode()
    for i in range(8)
)
MAP_CLOSER = "Closer — Ann, Bob (100% filled)"


def test_the_setup_comes_back_by_link_and_by_file(browser: Browser, tmp_path: Path) -> None:
    """A mapping made by hand and a filter on it (Ann: 3 of 8 leads) come back after a
    reload from the link alone, and in a fresh session from the setup file."""
    leads = tmp_path / "leads.csv"
    leads.write_bytes(CLOSERS)
    with streamlit_server(tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(COUNT_RUNS)
        page = context.new_page()
        open_app(page, url)
        upload(page, [str(leads)])
        go(page, "data")
        choose(page, "map_leads_owner", MAP_CLOSER)
        choose(page, "owners", "Ann")
        go(page, "win_rate")
        expect(metric(page, "Leads")).to_have_text("3")
        expect(page.get_by_text("This page's link carries your setup")).to_be_visible()
        expect(page).to_have_url(re.compile(r"[?&]setup=[A-Za-z0-9_-]+"))
        with page.expect_download() as download:
            page.get_by_role("button", name="Download my setup").click()
        saved = tmp_path / "truce-setup.json"
        download.value.save_as(saved)

        # A reload: a new session, no files; the link holds the setup and the filter.
        page.goto(page.url)
        settle(page)
        expect(
            page.get_by_text("your setup, kept in this page's link, is re-applied")
        ).to_be_visible()
        upload(page, [str(leads)])
        expect(page.locator(".st-key-owners [data-tag]")).to_have_text(["Ann"])
        expect(metric(page, "Leads")).to_have_text("3")

        # Another machine: a fresh session, the files and the setup file dropped together.
        fresh = context.new_page()
        open_app(fresh, f"{url}/win_rate")
        upload(fresh, [str(leads)])
        expect(metric(fresh, "Leads")).to_have_text("8")
        dropzone = fresh.locator(".st-key-setup_upload").get_by_test_id(
            "stFileUploaderDropzoneInput"
        )
        rerun(fresh, lambda: dropzone.set_input_files([str(saved)]))
        settle(fresh)
        expect(fresh.locator(".st-key-owners [data-tag]")).to_have_text(["Ann"])
        expect(metric(fresh, "Leads")).to_have_text("3")
        context.close()
