"""App tests with streamlit.testing.v1.AppTest: every page on the sample, and an upload.

Expected numbers are computed here, independently, with Polars from the CSV files, never
copied from the app. Widgets are found by key, metrics by label, never by position.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from sample_data.generate import generate
from truce.contract import load_contract

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DEMO = ROOT / "sample_data" / "demo"
TIMEOUT = 120  # the first run loads the sample and builds the GX suites


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def unique_leads(leads: pl.DataFrame) -> pl.DataFrame:
    return leads.unique("lead_id", keep="first", maintain_order=True)


def untouched_ids(leads: pl.DataFrame, activities: pl.DataFrame) -> set[str]:
    """Leads with no activity at or after their creation."""
    leads = unique_leads(leads).with_columns(pl.col("created_at").str.to_datetime())
    touched = (
        activities.with_columns(pl.col("occurred_at").str.to_datetime())
        .join(leads.select("lead_id", "created_at"), on="lead_id")
        .filter(pl.col("occurred_at") >= pl.col("created_at"))["lead_id"]
    )
    return set(leads.filter(~pl.col("lead_id").is_in(touched.implode()))["lead_id"])


def metric(at: AppTest, label: str) -> str:
    """The value of the one metric with this label."""
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, f"{len(found)} metrics labelled {label!r}: {at.metric}"
    return found[0]


def metric_values(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def number(text: str) -> int:
    return int(text.replace(",", ""))


def page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return {name: read(DEMO / f"{name}.csv") for name in ("leads", "opportunities", "activities")}


def test_funnel_on_sample_counts_unique_leads(at: AppTest, demo) -> None:
    assert at.radio(key="data_source").value == "Sample data"
    page(at, "pages/funnel.py")
    assert number(metric(at, "Lead")) == demo["leads"]["lead_id"].n_unique()
    # Strict order can only lower the later stages, never the number of leads.
    at.toggle(key="strict").set_value(True).run()
    assert not at.exception
    assert number(metric(at, "Lead")) == demo["leads"]["lead_id"].n_unique()


def test_data_page_on_sample_counts_rows(at: AppTest) -> None:
    page(at, "pages/data.py")
    raw = {name: read(DEMO / name).height for name in ("leads.csv", "opportunities.csv")}
    read_counts = Counter(number(v) for v in metric_values(at, "Rows read"))
    for name, rows in raw.items():
        assert read_counts[rows] >= 1, f"{name}: {rows} rows read not shown in {read_counts}"
    kept = [number(v) for v in metric_values(at, "Rows kept")]
    assert read(DEMO / "leads.csv")["lead_id"].n_unique() in kept  # duplicates excluded


def test_follow_up_on_sample(at: AppTest, demo) -> None:
    page(at, "pages/follow_up.py")
    assert number(metric(at, "Leads")) == demo["leads"]["lead_id"].n_unique()
    untouched = len(untouched_ids(demo["leads"], demo["activities"]))
    labels = [b.label for b in at.get("download_button")]
    assert f"Download all {untouched:,} untouched leads (CSV)" in labels
    assert metric(at, "Within 24 h").endswith("%")  # the contract's SLA


def test_sla_is_one_setting_in_the_url(demo) -> None:
    """?sla_hours=4 (the sidebar's SLA, in a shared link) is the SLA of every page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["sla_hours"] = "4"
    at.run()
    assert metric(page(at, "pages/follow_up.py"), "Within 4 h").endswith("%")
    page(at, "pages/scorecard.py")
    assert any("within 4 h of creation" in c.value for c in at.caption), at.caption


def test_win_rate_on_sample(at: AppTest, demo) -> None:
    page(at, "pages/win_rate.py")
    leads = demo["leads"]["lead_id"].unique()
    won = (
        demo["opportunities"]
        .filter((pl.col("is_won") == "true") & pl.col("lead_id").is_in(leads.implode()))["lead_id"]
        .n_unique()
    )
    assert number(metric(at, "Leads")) == leads.len()
    assert number(metric(at, "Won")) == won
    assert metric(at, "Lead-to-win rate") == f"{won / leads.len():.1%}"


def test_source_filter_from_a_shared_link(demo) -> None:
    """A link carrying ?sources=Events opens every page on the Events leads only.

    Filters are set through the URL: see test_sidebar_widgets_in_apptest for why not by widget.
    """
    leads = unique_leads(demo["leads"])
    events = leads.filter(pl.col("lead_source") == "Events").height
    assert 0 < events < leads.height
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["sources"] = "Events"
    at.run()
    assert at.multiselect(key="sources").value == ["Events"]
    assert number(metric(page(at, "pages/funnel.py"), "Lead")) == events
    assert number(metric(page(at, "pages/follow_up.py"), "Leads")) == events
    assert number(metric(page(at, "pages/win_rate.py"), "Leads")) == events


@pytest.mark.xfail(
    strict=True,
    reason="streamlit 1.67 AppTest + st.navigation: a widget created in the entry script "
    "(app.py's sidebar) loses its value on every rerun (reproduced with a 6-line app), so "
    "neither the sidebar filters nor the uploader can be driven here; the browser test "
    "covers upload. XPASS means AppTest was fixed: move the upload test here.",
)
def test_sidebar_widgets_in_apptest() -> None:
    frames = generate(300, seed=23)
    files = [
        (f"{name}.csv", frame.write_csv().encode(), "text/csv") for name, frame in frames.items()
    ]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["data_source"] = "My files"
    at.run()
    at.file_uploader(key="uploader").set_value(files).run()
    assert not at.exception
    assert (
        number(metric(page(at, "pages/funnel.py"), "Lead")) == frames["leads"]["lead_id"].n_unique()
    )


def test_upload_data_page_explains_itself() -> None:
    """My files chosen (by link), nothing uploaded yet: the sample stays, the Data page says so."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["data_source"] = "My files"
    at.run()
    assert at.radio(key="data_source").value == "My files"
    assert at.file_uploader(key="uploader").accept_multiple_files
    page(at, "pages/data.py")
    assert any("Upload your exports" in i.value for i in at.info)


def pages() -> list[str]:
    return sorted(
        f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py") if path.stem != "common"
    )


@pytest.mark.parametrize("path", pages())
def test_every_page_runs_on_the_sample(at: AppTest, path: str) -> None:
    page(at, path)
    assert at.title, f"{path} has no title"
    assert not [e for e in at.error], [e.value for e in at.error]


def test_a_fractional_sla_works_on_every_page() -> None:
    """?sla_hours=0.5: no widget refuses half an hour, and every page uses it. (An edited
    contract's SLA reaching the pages is tested on the models, in test_views: AppTest drops
    session state set by a page under st.navigation.)"""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["sla_hours"] = "0.5"
    at.run()
    assert metric(page(at, "pages/follow_up.py"), "Within 0.5 h").endswith("%")
    for path in pages():
        assert not page(at, path).error, path


def test_verdict_page_on_sample(at: AppTest, demo) -> None:
    """The first card's share of marketing leads never touched, counted here from the files."""
    page(at, "pages/verdict.py")
    leads = unique_leads(demo["leads"])
    marketing = set(leads.filter(pl.col("lead_source") != "Outbound")["lead_id"])
    never = len(untouched_ids(demo["leads"], demo["activities"]) & marketing)
    assert metric(at, "Marketing: never touched") == f"{never / len(marketing):.1%}"
    assert any(m.value.startswith("**Answer: the data") for m in at.markdown)


def test_gap_reference_from_a_shared_link() -> None:
    """?gap_reference=Outbound compares every source with Outbound; an unknown one with all."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["gap_reference"] = "Outbound"
    at.run()
    page(at, "pages/verdict.py")
    assert at.selectbox(key="gap_reference").value == "Outbound"
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert lines and all(" vs Outbound, of which " in line for line in lines), lines


def test_win_rate_breaks_down_by_owner_on_the_sample(at: AppTest, demo) -> None:
    page(at, "pages/win_rate.py")
    at.selectbox(key="win_rate_by").set_value("owner").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.table[0].value
    # Deals per owner, counted here from the sample's file (the contract leaves out deals with
    # a negative amount), largest first.
    kept = demo["opportunities"].filter(~pl.col("amount").str.starts_with("-").fill_null(False))
    counts = dict(kept.group_by("owner").len().rows())
    listed = [int(n) for n in shown["opportunities"]]
    assert dict(zip(shown["owner"], listed, strict=True)) == {o: counts[o] for o in shown["owner"]}
    assert listed == sorted(listed, reverse=True)


def test_definitions_show_every_setting_with_its_default(at: AppTest) -> None:
    """Every setting the code reads is on the Definitions page, with the bundled default."""
    page(at, "pages/definitions.py")
    settings = load_contract().settings()
    shown = next(d.value for d in at.dataframe if "default" in d.value.columns)
    assert list(shown["setting"]) == [row["setting"] for row in settings]
    period = shown[shown["setting"] == "definitions.scorecard_period_days"]
    assert list(period["default"]) == ["90"]
