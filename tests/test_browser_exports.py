"""A new user's real exports in a real browser: a deals-only CRM export in Russian with its
accounts and teams tables, uploaded together; the stages classified on the Data page; the
win rate split by manager and by sector. No file is edited by hand.

Expected numbers are computed here with Polars from the files we upload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser_support import streamlit_server
from tests.test_browser import choose, go, metric, new_page, open_app, rerun, shot, upload

pytestmark = pytest.mark.browser

SHAPES = Path(__file__).resolve().parent / "shapes"
WON, LOST = "Успешно реализовано", "Закрыто и не реализовано"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def expected_win_rates(by: str) -> dict[str, str]:
    """Won / (won + lost) deals per value of a lookup column, as the page prints it."""
    deals = pl.read_csv(SHAPES / "deals_ru.csv", infer_schema=False)
    deals = deals.join(
        pl.read_csv(SHAPES / "users.csv", infer_schema=False), on="Responsible", how="left"
    ).join(pl.read_csv(SHAPES / "accounts.csv", infer_schema=False), on="Company", how="left")
    table = deals.group_by(by).agg(
        (pl.col("Stage") == WON).sum().alias("won"), (pl.col("Stage") == LOST).sum().alias("lost")
    )
    return {
        value or "(empty)": f"{100 * won / (won + lost):.1f}%" for value, won, lost in table.rows()
    }


def table_rates(page: Page) -> dict[str, str]:
    """First cell -> the opportunity win rate cell of the breakdown table on the page."""
    table = page.get_by_test_id("stTable")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    column = headers.index("opportunity win rate")
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows[cells[0]] = cells[column]
    return rows


def test_deals_with_lookups_classified_and_split(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    page, watch = new_page(browser, server)
    open_app(page, server)
    upload(page, [str(SHAPES / n) for n in ("deals_ru.csv", "accounts.csv", "users.csv")])

    # The landing page says what was read and sends the user to decide the stages.
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("deals_ru.csv: opportunities, 8 of 8 rows kept.")).to_be_visible()
    expect(main.get_by_text(re.compile(r"^accounts\.csv: a lookup"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"stage or status values to mark"))).to_be_visible()
    shot(page, "exports-1-landing")
    rerun(page, main.get_by_role("link", name=re.compile("Decide on the Data page")).click)

    # The Data page: the lookups joined, the Russian stages classified by the user.
    expect(main.get_by_text(re.compile(r"users\.csv: joined to opportunities"))).to_be_visible()
    choose(page, "class_opportunities_stage_won", f"{WON} (4)")
    choose(page, "class_opportunities_stage_lost", f"{LOST} (2)")
    # A column already used by another field: both keep it, the page settles (no rerun loop).
    id_column = "ID — D1, D2, D3 (100% filled)"
    choose(page, "map_opportunities_lead_id", id_column)
    for field in ("lead_id", "opportunity_id"):
        expect(page.locator(f".st-key-map_opportunities_{field} input")).to_have_value(id_column)
    shot(page, "exports-2-data-page")

    # The deal win rate appears: 4 won of 6 closed.
    go(page, "win_rate")
    expect(metric(page, "Opportunity win rate")).to_have_text("66.7%")
    for by in ("Manager", "Sector"):
        choose(page, "win_rate_by", by)
        assert table_rates(page) == expected_win_rates(by)
        shot(page, f"exports-3-win-rate-by-{by.lower()}")

    # The same file again, and another file of the same name: the Data page still works.
    other = tmp_path / "deals_ru.csv"
    other.write_text("ID,Stage\nX1,Won\n", encoding="utf-8")
    upload(page, [str(SHAPES / "deals_ru.csv"), str(other)])
    go(page, "data")
    expect(page.get_by_text(re.compile("already feeds opportunities")).first).to_be_visible()
    shot(page, "exports-4-same-names")
    watch.check()
