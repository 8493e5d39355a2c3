"""Truce in a real browser: `streamlit run` driven by Debian's Chromium through Playwright.

One server for the module. Expected numbers are computed here with Polars from the files
we upload, never read back from the app. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sample_data.generate import generate
from tests.browser_support import COUNT_RUNS, ROOT, streamlit_server

pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARTIFACTS = ROOT / "test-artifacts"
XEDUCATION = ROOT.parent / "shared" / "data" / "xeducation_leads.csv"
VIEWPORT = {"width": 1280, "height": 900}
# Generous: CI machines are small and a loaded one takes seconds per rerun; a wait ends early
# as soon as its condition holds, so a passing run is not slower for it.
TIMEOUT_MS = 60_000
BOM = "\ufeff"
FORMULAS = ("=1+2", "+31 20 555 0100", "-2+3", "@SUM(A1:A9)")  # planted company names

# Opening a page's URL directly (e.g. /follow_up?sources=Events) makes the Streamlit
# frontend probe <page>/_stcore/health and <page>/_stcore/host-config first, to find out
# whether the app is served under a path prefix; those 404 and it retries at the root.
# Streamlit's own and harmless: https://github.com/streamlit/streamlit/issues/7074
PROBE_404 = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


# The browser's own profiles and download folders, and pytest's tmp_path folders.
SKIP_TEMP = ("playwright", "org.chromium.", ".org.chromium.", ".com.google.Chrome.", "pytest-of-")


# --- fixtures ------------------------------------------------------------------------------


def temp_entries() -> set[str]:
    """Top-level entries of the temp dir, minus the browser's profiles and pytest's own."""
    return {
        p.name for p in Path(tempfile.gettempdir()).iterdir() if not p.name.startswith(SKIP_TEMP)
    }


def files_written_since(tops: list[Path], since: float) -> Iterator[Path]:
    """Files under `tops` modified since `since`; a file or folder that vanishes mid-walk
    (another process's, deleted while we look) is skipped, never an error."""
    for top in tops:
        # os.walk skips folders that vanish; a new top-level temp entry may be a lone file.
        folders = [(str(top.parent), [], [top.name])] if top.is_file() else os.walk(top)
        for folder, subfolders, names in folders:
            subfolders[:] = [d for d in subfolders if d != ".git" and not d.startswith(SKIP_TEMP)]
            for name in names:
                path = Path(folder) / name
                try:
                    if path.stat().st_mtime >= since:
                        yield path
                except OSError:
                    continue


def holds(path: Path, marker: str) -> bool:
    try:
        return marker.encode() in path.read_bytes()
    except OSError:  # vanished or unreadable
        return False


@pytest.fixture(scope="module")
def before() -> dict:
    """What the disk looked like before the server saw any upload."""
    return {"temp": temp_entries(), "time": time.time()}


@pytest.fixture(scope="module")
def server(before, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


class Watch:
    """Console errors, uncaught page errors and requests leaving 127.0.0.1, for one context."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        context.on("console", self._console)
        context.on("weberror", lambda e: self.errors.append(f"page error: {e.error}"))
        context.on("request", self._request)
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.base = base

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if "404" in message.text and PROBE_404.search(url):
            return  # see PROBE_404
        self.errors.append(f"{message.text} at {url}")

    def _request(self, request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.external.append(request.url)

    def check(self) -> None:
        assert not self.errors, f"console errors: {self.errors}\nfailed requests: {self.failed}"
        assert not self.external, f"requests leaving the machine: {self.external}"


def new_page(browser: Browser, url: str) -> tuple[Page, Watch]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_RUNS)
    watch = Watch(context, url)
    return context.new_page(), watch


# --- helpers -------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Idle, and staying idle: a run may start another right after it ends (a URL sync, a
    st.rerun), and an action taken in between is folded into that run, which then looks to
    `rerun` like no run at all. Quiet for half a second, or give up waiting after 15 s (the
    Data page polls the audit's progress every second while it runs)."""
    page.wait_for_selector(IDLE)
    for _ in range(30):
        runs = page.evaluate("window.__stRuns")
        page.wait_for_timeout(500)
        if page.evaluate("window.__stRuns") == runs and page.locator(IDLE).count():
            break
        page.wait_for_selector(IDLE)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def rerun(page: Page, action: Callable[[], object]) -> None:
    """Do something that reruns the script, and wait until that run has finished."""
    runs = page.evaluate("window.__stRuns")
    action()
    # The action's run can be folded into one already under way (a fragment's poll, a URL
    # sync), so no new start is seen; what the action did is asserted by the caller.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("n => window.__stRuns > n", arg=runs, timeout=15_000)
    settle(page)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def go(page: Page, url_path: str) -> None:
    """Follow the sidebar link to a page (same session, unlike page.goto)."""
    link = page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{url_path}"]')
    rerun(page, link.click)
    expect(page).to_have_url(re.compile(rf"/{url_path}(\?|$)"))


def metric(page: Page, label: str):
    """The value of the metric with exactly this label."""
    name = page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(rf"^{label}$"))
    return page.get_by_test_id("stMetric").filter(has=name).get_by_test_id("stMetricValue")


def choose(page: Page, key: str, option: str) -> None:
    """Pick an option of the selectbox or multiselect with this key."""
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(option)  # long lists are virtualised: filter first
    rerun(page, page.get_by_role("option", name=option, exact=True).click)
    page.keyboard.press("Escape")


def shot(page: Page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container."""
    settle(page)
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map(
             id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    page.set_viewport_size(VIEWPORT)


def write_export(
    frames: dict[str, pl.DataFrame], folder: Path
) -> tuple[list[str], dict[str, pl.DataFrame]]:
    """Write the CSV files; return their paths and the files read back as text, as uploaded."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.csv" for name in frames}
    for name, frame in frames.items():
        frame.write_csv(paths[name])
    text = {name: pl.read_csv(path, infer_schema=False) for name, path in paths.items()}
    return [str(path) for path in paths.values()], text


def upload(page: Page, paths: list[str]) -> None:
    """Through the sidebar's uploader (the Data page has another one, for the contract)."""
    dropzone = page.locator(".st-key-uploader").get_by_test_id("stFileUploaderDropzoneInput")
    if dropzone.count() == 0:
        radio = page.locator(".st-key-data_source")
        rerun(page, radio.get_by_text("My files", exact=True).click)
    rerun(page, lambda: dropzone.set_input_files(paths))


def unique_leads(leads: pl.DataFrame) -> pl.DataFrame:
    return leads.unique("lead_id", keep="first", maintain_order=True)


def untouched(leads: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """Leads with no activity at or after their creation."""
    leads = unique_leads(leads).with_columns(pl.col("created_at").str.to_datetime())
    touched = (
        activities.with_columns(pl.col("occurred_at").str.to_datetime())
        .join(leads.select("lead_id", "created_at"), on="lead_id")
        .filter(pl.col("occurred_at") >= pl.col("created_at"))["lead_id"]
    )
    return leads.filter(~pl.col("lead_id").is_in(touched.implode()))


def count(n: int) -> str:
    return f"{n:,}"


def audit_line(paths: list[str], contract) -> str:
    """The audit's verdict on these files, from the command line's path (GX run here)."""
    from tests.conftest import run_pipeline
    from truce.audit import audit
    from truce.views.data import audit_verdict

    dataset, _ = run_pipeline({Path(p).name: Path(p).read_bytes() for p in paths}, contract)
    rows = sum(c.frame.height for c in dataset.checked.values())
    return audit_verdict(audit(dataset.checked), rows).lines[0]


# --- the tests -----------------------------------------------------------------------------


def test_new_user_journey(server: str, browser: Browser, tmp_path: Path, contract) -> None:
    _, frames = write_export(generate(2_000, seed=11), tmp_path / "generated")
    leads = frames["leads"].rename({"owner": "Sales Person"})
    # Formula-looking company names on some untouched Events leads: the download must defuse them.
    targets = (
        untouched(frames["leads"], frames["activities"])
        .filter(pl.col("lead_source") == "Events")["lead_id"]
        .head(len(FORMULAS))
        .to_list()
    )
    assert len(targets) == len(FORMULAS)
    planted = pl.col("lead_id").replace_strict(
        dict(zip(targets, FORMULAS, strict=True)), default=None
    )
    leads = leads.with_columns(pl.coalesce(planted, pl.col("company")).alias("company"))
    frames["leads"] = leads
    paths, _ = write_export(frames, tmp_path / "export")
    n_leads = leads["lead_id"].n_unique()
    sample = unique_leads(pl.read_csv(ROOT / "sample_data/demo/leads.csv", infer_schema=False))

    page, watch = new_page(browser, server)
    # First open: the sample, with numbers.
    open_app(page, server)
    shot(page, "01-first-open")
    go(page, "funnel")
    expect(metric(page, "Lead")).to_have_text(count(sample.height))

    # My files: a four-file export whose leads call the owner "Sales Person".
    upload(page, paths)
    expect(metric(page, "Lead")).to_have_text(count(n_leads))
    go(page, "follow_up")
    expect(page.locator(".st-key-follow_up_source")).to_be_visible()
    expect(page.locator(".st-key-follow_up_owner")).to_have_count(0)  # no owner column yet

    # Data page: owner is not mapped; map it and see the owners reach the sidebar filter.
    go(page, "data")
    # Great Expectations audited the upload after the first numbers: its verdict is here.
    verdict = audit_line(paths, contract)
    assert "every count agrees" in verdict
    expect(page.get_by_text(verdict)).to_be_visible(timeout=120_000)
    owner = page.locator(".st-key-map_leads_owner")
    # For uploads the leads table's "Column mapping" is open, with the unused columns named.
    expect(
        page.get_by_text(re.compile(r"Columns of leads\.csv not used: .*Sales Person"))
    ).to_be_visible()
    expect(owner.get_by_test_id("stWidgetLabel")).to_have_text("owner")
    expect(owner.locator("input")).to_have_attribute("placeholder", "(not mapped)")
    expect(owner.locator("input")).to_have_value("")
    shot(page, "02-data-before-mapping")
    # Each column is offered with a few of its values and how full it is.
    seller = leads["Sales Person"].drop_nulls().unique(maintain_order=True).head(3).to_list()
    option = f"Sales Person — {', '.join(seller)} (100% filled)"
    choose(page, "map_leads_owner", option)
    expect(page.locator(".st-key-map_leads_owner input")).to_have_value(option)
    shot(page, "03-data-after-mapping")
    go(page, "follow_up")  # the per-owner chart appears once owner is mapped
    expect(page.locator(".st-key-follow_up_owner")).to_be_visible()

    # Every page, as the navigation lists them.
    hrefs = (
        page.get_by_test_id("stSidebarNav")
        .locator("a")
        .evaluate_all("links => links.map(a => new URL(a.href).pathname.slice(1))")
    )
    assert {"data", "funnel", "follow_up", "win_rate"} <= set(hrefs)
    for href in hrefs:
        go(page, href)
        expect(page.locator("h1").first).to_be_visible()
        shot(page, f"10-page-{href or 'home'}")
    go(page, "funnel")
    expect(metric(page, "Lead")).to_have_text(count(n_leads))

    # One source: the numbers change, and the URL carries the filter.
    events = unique_leads(leads).filter(pl.col("lead_source") == "Events")
    choose(page, "sources", "Events")
    expect(metric(page, "Lead")).to_have_text(count(events.height))
    expect(page).to_have_url(re.compile(r"sources=Events"))
    go(page, "follow_up")
    expect(page).to_have_url(re.compile(r"/follow_up\?.*sources=Events"))
    expect(metric(page, "Leads")).to_have_text(count(events.height))
    shot(page, "20-follow-up-events")

    # The shared link, opened by a colleague: same filter, their own (sample) data.
    shared = page.url
    colleague, colleague_watch = new_page(browser, server)
    open_app(colleague, shared)
    tags = colleague.locator(".st-key-sources").get_by_test_id("stMultiSelectTagsContainer")
    expect(tags.first).to_have_text("Events")
    # The link says "My files": the colleague is asked for their files, not shown the sample's
    # numbers as if they were the sender's; the sample is one click away.
    expect(colleague.get_by_text("Your files are not kept after a reload")).to_be_visible()
    radio = colleague.locator(".st-key-data_source")
    rerun(colleague, radio.get_by_text("Sample data", exact=True).click)
    sample_events = sample.filter(pl.col("lead_source") == "Events").height
    expect(metric(colleague, "Leads")).to_have_text(count(sample_events))
    shot(colleague, "21-shared-link")
    colleague_watch.check()
    colleague.context.close()

    # The untouched-leads download: the same leads as computed here, and no live formulas.
    expected = untouched(leads, frames["activities"]).filter(pl.col("lead_source") == "Events")
    button = page.locator(".st-key-untouched_csv button")
    expect(button).to_have_text(f"Download all {count(expected.height)} untouched leads (CSV)")
    with page.expect_download() as download:
        button.click()
    raw = Path(download.value.path()).read_bytes().decode("utf-8")
    assert raw.startswith(BOM)
    got = pl.read_csv(io.StringIO(raw.removeprefix(BOM)), infer_schema=False)
    assert sorted(got["lead_id"]) == sorted(expected["lead_id"])
    cells = [c for column in got.columns for c in got[column].drop_nulls()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert {f"'{f}" for f in FORMULAS} <= set(got["company"])
    watch.check()
    page.context.close()


def test_sessions_are_private(server: str, browser: Browser, tmp_path: Path, before) -> None:
    marker = f"Marker-{uuid.uuid4().hex}"  # in both uploads: must never reach the disk
    exports = {}
    for name, n, seed in (("a", 1_200, 3), ("b", 700, 5)):
        frames = generate(n, seed=seed)
        frames["leads"] = frames["leads"].with_columns(company=pl.lit(marker))
        paths, _ = write_export(frames, tmp_path / name)
        exports[name] = (paths, frames["leads"]["lead_id"].n_unique())
    assert exports["a"][1] != exports["b"][1]

    sessions = {name: new_page(browser, server) for name in exports}
    for page, _ in sessions.values():
        open_app(page, server)
        go(page, "funnel")
    for name, (page, _) in sessions.items():  # both uploaded before either is checked
        upload(page, exports[name][0])
    for name, (page, _) in sessions.items():
        expect(metric(page, "Lead")).to_have_text(count(exports[name][1]))
    for name, (page, _) in sessions.items():
        go(page, "follow_up")
        expect(metric(page, "Leads")).to_have_text(count(exports[name][1]))
    for name, (page, _) in sessions.items():
        go(page, "win_rate")
        expect(metric(page, "Leads")).to_have_text(count(exports[name][1]))
        go(page, "funnel")
        expect(metric(page, "Lead")).to_have_text(count(exports[name][1]))
    for page, watch in sessions.values():
        watch.check()
        page.context.close()

    # Nothing of either upload was written: no file in the repo or the temp dir written since
    # the module started holds the marker, and no new temp entry is named like an uploaded
    # file. (A new temp entry alone proves nothing: benchmarks and other test runs share it.)
    uploaded = {Path(path).name for paths, _ in exports.values() for path in paths}
    named = [e for e in temp_entries() - before["temp"] if any(u in e for u in uploaded)]
    assert not named, f"new temp entries named like an upload: {named}"
    # Only where the app could have written: the checkout, and the temp entries that appeared
    # since the module started (the rest of the temp dir belongs to other processes).
    temp = Path(tempfile.gettempdir())
    tops = [ROOT, *(temp / name for name in temp_entries() - before["temp"])]
    leaks = [path for path in files_written_since(tops, before["time"]) if holds(path, marker)]
    assert not leaks, f"uploaded data written to disk: {leaks}"


HUBSPOT = (
    b"Record ID,First Name,Email,Create Date,Original Source,Lifecycle Stage,"
    b"Became a Marketing Qualified Lead Date,Became a Sales Qualified Lead Date,"
    b"Became a Customer Date,Contact owner\n"
    b"101,Ann,ann@acme.com,2026-01-05 09:00,Organic Search,customer,2026-01-06 10:00,"
    b"2026-01-08 10:00,2026-02-01 10:00,Dev Patel\n"
    b"102,Bo,bo@globex.com,2026-01-06 11:00,PAID_SOCIAL,lead,,,,Ana Ruiz\n"
    b"103,Cy,cy@initech.com,2026-01-07 12:00,google ads,marketingqualifiedlead,2026-01-09 10:00,"
    b",,Ana Ruiz\n"
)
DEALS_1252 = (
    "Opportunity ID;Stage;Amount;Close Date;Created Date;Opportunity Owner;Lead Source\n"
    "D1;Closed Won;1.234,50 €;20/02/2026;01/02/2026;Dev Patel;Événements\n"
    "D2;Closed Lost;900,00 €;21/02/2026;02/02/2026;Ana Ruiz;Email\n"
).encode("cp1252")


def test_real_export_shapes_and_garbage(server: str, browser: Browser, tmp_path: Path) -> None:
    """A HubSpot contacts export, a Windows-1252 semicolon deals export, a garbage file, then
    the leads-only xeducation export on every page: mapping and report shown, no traceback."""
    page, watch = new_page(browser, server)
    files = {
        "hubspot-contacts.csv": HUBSPOT,
        "salesforce-deals.csv": DEALS_1252,
        "garbage.csv": bytes(range(256)) * 8,
        "empty.csv": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    open_app(page, server)
    go(page, "data")
    upload(page, [str(tmp_path / name) for name in files])

    expect(page.get_by_text("Recognised as a HubSpot leads export")).to_be_visible()
    expect(page.get_by_text("Recognised as a Salesforce opportunities export")).to_be_visible()
    expect(page.get_by_text("Read as Windows-1252 text, separated by ';'")).to_be_visible()
    expect(
        page.get_by_text("garbage.csv: garbage.csv does not look like a table: it contains binary")
    ).to_be_visible()
    expect(page.get_by_text("empty.csv: empty.csv is empty.")).to_be_visible()
    expect(metric(page, "Rows read").first).to_have_text("3")
    shot(page, "10-data-real-exports")
    go(page, "funnel")
    expect(metric(page, "Lead")).to_have_text("3")
    expect(metric(page, "Won")).to_have_text("1")  # the HubSpot 'Became a Customer Date'

    # Leads only, no dates: every page still answers or says which field would unlock it.
    delete = page.get_by_test_id("stFileChipDeleteBtn")
    while delete.count():
        rerun(page, delete.first.click)
    upload(page, [str(XEDUCATION)])
    expect(metric(page, "Lead")).to_have_text("9,240")
    for path in ("data", "funnel", "follow_up", "win_rate", "icp", "spend", "feedback"):
        go(page, path)
    go(page, "win_rate")
    expect(metric(page, "Lead-to-win rate")).to_have_text("38.5%")
    go(page, "follow_up")
    expect(page.get_by_text("Upload activities")).to_be_visible()
    shot(page, "11-follow-up-leads-only")
    watch.check()
    page.context.close()


def test_clicking_a_source_highlights_it(server: str, browser: Browser) -> None:
    """Click a bar of the funnel chart: that source is highlighted, and can be cleared."""
    page, watch = new_page(browser, server)
    open_app(page, server)
    go(page, "funnel")
    chart = page.locator(".st-key-funnel_chart")
    chart.scroll_into_view_if_needed()
    # Vega draws after the run ends: click the bars, not the empty box before them.
    expect(chart.locator("canvas, svg").first).to_be_visible()
    box = chart.bounding_box()
    # The "Lead" group: every source's bar is 100% high, so mid-height hits one of them.
    rerun(page, lambda: page.mouse.click(box["x"] + 120, box["y"] + box["height"] / 2))
    clear = page.get_by_role("button", name=re.compile(r"^Clear highlight \(.+\)$"))
    expect(clear).to_be_visible()
    rerun(page, clear.click)
    expect(clear).to_have_count(0)
    watch.check()
    page.context.close()


def test_an_edited_contract_is_in_force_on_every_run(server: str, browser: Browser) -> None:
    """Edit the contract on the Definitions page: its SLA is the one every page uses, click
    after click; a second edit replaces it; a contract that cannot be used is refused and the
    one in force kept."""
    page, watch = new_page(browser, server)
    open_app(page, server)
    sidebar = page.get_by_test_id("stSidebar")

    def use(edited: str) -> None:
        go(page, "definitions")
        editor = page.locator(".st-key-contract_editor textarea")
        editor.fill(edited)
        editor.blur()
        settle(page)
        rerun(page, page.locator(".st-key-contract_apply button").click)

    go(page, "definitions")
    text = page.locator(".st-key-contract_editor textarea").input_value()
    assert "follow_up_sla_hours: 24" in text
    for hours, source in ((6, "Events"), (12, "Email")):
        use(text.replace("follow_up_sla_hours: 24", f"follow_up_sla_hours: {hours}"))
        in_use = sidebar.get_by_text(f"SLA in use: {hours} h (the contract's).")
        expect(in_use).to_be_visible()
        go(page, "follow_up")
        expect(metric(page, f"Within {hours} h")).to_be_visible()
        choose(page, "sources", source)  # a click: the same contract
        expect(in_use).to_be_visible()
        expect(metric(page, f"Within {hours} h")).to_be_visible()
    use("tables: [")
    refused = page.get_by_text(re.compile("^Not applied, the contract in force is unchanged"))
    expect(refused).to_be_visible()
    expect(sidebar.get_by_text("SLA in use: 12 h (the contract's).")).to_be_visible()
    watch.check()
    page.context.close()
