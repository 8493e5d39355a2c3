"""Data is never rendered as Markdown: payloads in every text cell, header, file name and
contract text reach no viewer's browser as an image, a link, LaTeX or a colour directive.

Every payload points at 127.0.0.1 on port 9 (closed): one request there, or one `<img>` /
`<a>` built from a payload, fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import yaml
from playwright.sync_api import Browser, expect

from tests.browser_support import COUNT_RUNS, ROOT, streamlit_server
from tests.test_browser import TIMEOUT_MS, VIEWPORT, choose, go, open_app, rerun, settle

pytestmark = pytest.mark.browser

TRAP = "127.0.0.1:9/"
PAYLOADS = (
    f"![i](http://{TRAP}img.png)",
    f"[login](http://{TRAP}login)",
    "$x^2$ **b** :red[r]",
    f"http://{TRAP}auto",
    f"<img src=http://{TRAP}h.png>",
    "www.example.com or ann@example.com",
)
LATEX = "$x^2$ **b** :red[r]"  # shown literally once chosen as a source filter


def hostile_export(folder: Path) -> list[str]:
    """Leads, opportunities and activities whose every text value and extra header is a
    payload, under file names that are payloads too (no '/': file names cannot hold one)."""
    n = 40
    pick = [PAYLOADS[i % len(PAYLOADS)] for i in range(n)]
    leads = pl.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(n)],
            "lead_source": pick,
            "created_at": [f"2026-01-{1 + i % 28:02d} 09:00" for i in range(n)],
            "owner": pick[1:] + pick[:1],
            "segment": pick[2:] + pick[:2],
            "country": pick[3:] + pick[:3],
            "company": pick,
            "status": ["won" if i % 3 == 0 else "mql" for i in range(n)],
            "amount": [1000 + i for i in range(n)],
            PAYLOADS[0]: pick,  # an unused column named like an image
            PAYLOADS[1]: pick,
        }
    )
    activities = pl.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(0, n, 2)],
            "occurred_at": [f"2026-02-{1 + i % 28:02d} 10:00" for i in range(0, n, 2)],
            "type": pick[::2],
            "owner": pick[::2],
        }
    )
    spend = pl.DataFrame(
        {
            "month": ["2026-01"] * len(PAYLOADS),
            "lead_source": PAYLOADS,
            "spend": [100.0] * len(PAYLOADS),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("leads", leads), ("activities", activities), ("spend", spend)):
        path = folder / f"{name} $x^2$ **b** :red[r] [l](x).csv"
        frame.write_csv(path)
        paths.append(str(path))
    return paths


def hostile_contract(path: Path) -> Path:
    """The bundled contract with payloads for terms and table descriptions."""
    contract = yaml.safe_load((ROOT / "data_checks" / "contract.yaml").read_text())
    for i, term in enumerate(contract["terms"]):
        contract["terms"][term] = PAYLOADS[i % len(PAYLOADS)]
    for i, table in enumerate(contract["tables"].values()):
        table["description"] = PAYLOADS[i % len(PAYLOADS)]
    path.write_text(yaml.safe_dump(contract, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def built_from_data(page, base: str) -> list[str]:
    """Images from a payload, links leaving the app (the app itself links nowhere else), and
    any LaTeX rendered."""
    return page.evaluate(
        """([trap, base]) => [
          ...[...document.querySelectorAll('img')].map(e => e.src).filter(u => u.includes(trap)),
          ...[...document.querySelectorAll('a')].map(e => e.href).filter(u => !u.startsWith(base)),
          ...[...document.querySelectorAll('.katex')].map(e => 'katex: ' + e.textContent),
        ]""",
        [TRAP, base],
    )


def test_no_data_rendered_as_markdown(server: str, browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_RUNS)
    trapped: list[str] = []
    context.on("request", lambda r: trapped.append(r.url) if TRAP in r.url else None)
    page = context.new_page()
    open_app(page, server)
    radio = page.locator(".st-key-data_source")
    rerun(page, radio.get_by_text("My files", exact=True).click)
    dropzone = page.locator(".st-key-uploader").get_by_test_id("stFileUploaderDropzoneInput")
    rerun(page, lambda: dropzone.set_input_files(hostile_export(tmp_path / "export")))

    go(page, "data")
    page.get_by_text("The data contract in use").click()
    contract = page.locator(".st-key-contract_upload").get_by_test_id("stFileUploaderDropzoneInput")
    rerun(page, lambda: contract.set_input_files(str(hostile_contract(tmp_path / "c.yaml"))))
    settle(page)
    expect(page.get_by_text("Your contract is in use.")).to_have_count(1)  # maybe folded away
    assert built_from_data(page, server) == []

    hrefs = (
        page.get_by_test_id("stSidebarNav")
        .locator("a")
        .evaluate_all("links => links.map(a => new URL(a.href).pathname.slice(1))")
    )
    for href in hrefs:
        go(page, href)
        for expander in page.get_by_test_id("stExpander").all():
            expander.locator("summary").click()  # captions and notes inside expanders too
        assert built_from_data(page, server) == [], href

    # A bar of the funnel chart: the highlight button names the source, literally.
    go(page, "funnel")
    chart = page.locator(".st-key-funnel_chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + 120, box["y"] + box["height"] / 2))
    expect(page.get_by_role("button", name=re.compile(r"^Clear highlight \(.+\)$"))).to_be_visible()
    # A payload chosen as a filter: the sidebar's caption shows it as typed.
    choose(page, "sources", LATEX)
    expect(page.get_by_text(f"Leads sources: {LATEX}.", exact=True)).to_be_visible()
    assert built_from_data(page, server) == []
    assert trapped == [], f"the browser fetched addresses taken from the data: {trapped}"
    context.close()
