"""Truce: the entry file. State set-up, the shared sidebar, routing. Nothing else."""

from __future__ import annotations

import logging

import polars as pl
import streamlit as st

from truce.charts import source_scale
from truce.contract import Contract
from truce.filters import Filters
from truce.views.options import Options
from ui.lifetime import session_data
from ui.links import link_dates, link_multiselect
from ui.session import MINE, SAMPLE, current_data, session_contract, start_audit, uploads
from ui.sharing import (
    fingerprints,
    hold_link_setup,
    reapply_link_setup,
    setup_download,
    setup_in_link,
    setup_mismatch,
    setup_upload,
)
from ui.text import md
from ui.view import View

# Timings of reading and validating uploads go to the server's log (never names or contents).
log = logging.getLogger("truce")
if not log.handlers:
    log.addHandler(logging.StreamHandler())
    log.setLevel(logging.INFO)

# An explicit favicon: without one, the browser tab takes the current page's Material icon,
# which the Streamlit frontend fetches from fonts.gstatic.com (a third-party request on every
# visit, and a console error wherever Google is unreachable). An emoji is drawn locally.
st.set_page_config(
    page_title="Truce — sales and marketing, same numbers", page_icon="🤝", layout="wide"
)

PAGES = {
    "Overview": [
        st.Page("pages/scorecard.py", title="Scorecard", icon=":material/dashboard:", default=True),
        st.Page("pages/data.py", title="Data and contract check", icon=":material/upload_file:"),
    ],
    "The two claims": [
        st.Page("pages/verdict.py", title="Is either claim true?", icon=":material/balance:"),
        st.Page("pages/funnel.py", title="Funnel", icon=":material/filter_alt:"),
        st.Page("pages/follow_up.py", title="Does sales follow up?", icon=":material/call:"),
        st.Page("pages/speed.py", title="Does speed win deals?", icon=":material/timer:"),
        st.Page("pages/win_rate.py", title="Do the leads close?", icon=":material/paid:"),
        st.Page("pages/matured.py", title="Given time to close", icon=":material/hourglass:"),
    ],
    "Acting on it": [
        st.Page("pages/icp.py", title="Ideal customer profile", icon=":material/target:"),
        st.Page("pages/spend.py", title="Spend and return", icon=":material/payments:"),
        st.Page("pages/feedback.py", title="Feedback loop", icon=":material/forum:"),
        st.Page("pages/definitions.py", title="Definitions", icon=":material/menu_book:"),
    ],
}


def _options(frame: pl.DataFrame, column: str) -> list[str]:
    """The values a filter offers, found once per table shown: the same on every rerun, and
    finding them costs 25 ms a filter change at a million leads."""
    if column not in frame.columns:
        return []
    held = session_data()
    found = held.get("filter_options")
    if found is None or found[0] is not frame:  # the table itself, not an equal one
        found = held["filter_options"] = (frame, {})
    if column not in found[1]:
        found[1][column] = sorted(frame[column].drop_nulls().unique().to_list())
    return found[1][column]


def sidebar_filters(leads: pl.DataFrame, opportunities: pl.DataFrame) -> Filters:
    """Filters shared by every page, kept in the URL so a shared link opens the same view."""
    frame = leads if leads.width else opportunities
    start = end = None
    if "created_at" in frame.columns and frame["created_at"].is_not_null().any():
        low, high = frame["created_at"].min().date(), frame["created_at"].max().date()
        # The whole range is no restriction: pages that compare periods pick their own.
        start, end = link_dates("Leads created between", low, high, "created") or (None, None)
    sources = link_multiselect("Lead sources", _options(frame, "lead_source"), "sources")
    owners = link_multiselect("Owners", _options(frame, "owner"), "owners")
    segments = link_multiselect("Segments", _options(frame, "segment"), "segments")
    return Filters(start, end, tuple(sources), tuple(owners), tuple(segments))


def sla_setting(contract: Contract) -> Options:
    """The one follow-up SLA every page uses: the contract's, unless overridden here (and in
    the URL, so a shared link opens with the same promise)."""
    override = st.number_input(
        "Follow-up SLA (hours)",
        min_value=0.0,
        max_value=24.0 * 30,
        value=None,
        step=0.5,
        key="sla_hours",
        bind="query-params",
        placeholder=f"{contract.sla_hours:g} (the contract's)",
        help="Empty: the contract's SLA. Type another number to see what a different promise "
        "would mean on every page.",
    )
    options = Options(sla_hours=override)
    source = "the contract's" if override is None else "changed here, not the contract's"
    st.caption(f"SLA in use: {options.sla(contract):g} h ({source}).")
    return options


with st.sidebar:
    st.radio(
        "Data",
        (SAMPLE, MINE),
        key="data_source",
        horizontal=True,
        bind="query-params",
        help="Your files stay in this browser session: never saved, never shared by a link.",
    )
    if st.session_state.get("data_source") == MINE:
        st.file_uploader(
            "CRM and marketing exports (CSV, Excel, Parquet)",
            type=["csv", "tsv", "txt", "xlsx", "xls", "parquet"],
            accept_multiple_files=True,
            key="uploader",
            help="Leads, opportunities (deals), activities (calls, emails) and spend — any mix.",
        )
        setup_upload(session_contract())
    setup_waits = hold_link_setup(session_contract())  # before the data: it may re-map it

prepared, notes, is_sample = current_data()
with st.sidebar:
    if is_sample:
        # No upload could be read (the Data page lists files only once one can): say why here.
        mine = uploads() if st.session_state.get("data_source") == MINE else []
        for refused in [u for u in mine if u.error]:
            st.error(md(f"{refused.name}: {refused.error}"), icon=":material/error:")
        st.caption("Showing the bundled sample data (5,000 made-up leads).")
    merged = st.toggle(
        "Merge duplicate leads",
        key="merge_duplicates",
        bind="query-params",
        help="Count a person (same email) or company (same name within the contract's window) "
        "entered several times as one lead. The Data page lists them.",
    )
    facts = prepared.merged if merged else prepared.facts
    filters = sidebar_filters(facts.leads, facts.opportunities)
    st.caption(md(filters.caption()))  # holds source, owner and segment names: escaped
    in_force = session_contract()
    options = sla_setting(in_force)
    if st.session_state.get("highlight"):
        st.button(
            f"Clear highlight ({md(st.session_state['highlight'])})",
            on_click=st.session_state.pop,
            args=("highlight",),
            key="clear_highlight",
        )
    if not is_sample:
        files = fingerprints(uploads())
        reapply_link_setup(files)
        if changed := setup_mismatch(files):
            st.warning(
                f"Your setup was made for other columns in {md(', '.join(changed))}: "
                "check the mapping on the Data page."
            )
        setup_download(prepared.dataset, files)
        setup_in_link(prepared.dataset, files)

all_sources = _options(facts.leads if facts.leads.width else facts.opportunities, "lead_source")
session_data()["view"] = View(  # the filtered data: released when the session ends
    dataset=prepared.dataset,
    prepared=prepared,
    contract=in_force,
    selection=filters.apply(facts),
    options=options,
    scale=source_scale(all_sources),
    is_sample=is_sample,
)
st.session_state["notes"] = notes

# "My files" without files (a reload keeps none): say so, rather than show the sample's numbers
# as if they were the user's. The Data and Definitions pages still open.
page = st.navigation(PAGES)
if is_sample and st.session_state.get("data_source") == MINE and page.url_path != "data":
    restored = (
        "your setup, kept in this page's link, is re-applied."
        if setup_waits
        else "with your setup file ('Download my setup'), the mapping, contract and filters "
        "are re-applied in one step."
    )
    st.warning(
        "Your files are not kept after a reload (nothing is stored on the server): drop them "
        f"again in the sidebar — {restored}",
        icon=":material/upload_file:",
    )
    if page.url_path != "definitions":
        st.stop()
page.run()
start_audit()  # the page is drawn: Great Expectations audits the data in the background
