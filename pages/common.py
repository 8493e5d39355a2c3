"""What every page shares: the session's data, the filtered view, and how a chart is shown.

Uploaded data lives only in this session's `st.session_state` (never on disk, never
in a cache shared between sessions). It is read and validated once per upload, and again
only when the mapping, a file's table or the contract changes: a filter change re-runs
only the filtering and the aggregates.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from truce.contract import Contract, load_contract
from truce.duplicates import duplicate_groups, merge
from truce.export import safe_csv
from truce.facts import Facts, build_facts
from truce.filters import Filters
from truce.pipeline import (
    Dataset,
    UploadedFile,
    build_dataset,
    outline,
    plan_tables,
    read_upload,
)

log = logging.getLogger("truce")
# Reading and checking a million-lead export briefly needs about a gigabyte on top of the data.
# At most two sessions do it at once, so eight people at a time fit in memory; the others see
# the spinner a little longer (benchmarks/sessions.py).
HEAVY_WORK = threading.BoundedSemaphore(2)
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "demo"
SAMPLE_FILES = ("leads.csv", "opportunities.csv", "activities.csv", "spend.csv")
SAMPLE = "Sample data"
MINE = "My files"


@dataclass(frozen=True)
class Prepared:
    """A validated dataset and what is derived from it once: facts and duplicate leads."""

    dataset: Dataset
    facts: Facts
    duplicates: pl.DataFrame

    @cached_property
    def merged(self) -> Facts:
        """The facts with duplicate leads merged: built on first use (a copy of every lead)."""
        if not self.duplicates.height:
            return self.facts
        return replace(self.facts, leads=merge(self.facts.leads, self.duplicates))


def prepare(dataset: Dataset, terms: Contract) -> Prepared:
    facts = build_facts(dataset.tables, terms)
    if not facts.can("leads"):
        return Prepared(dataset, facts, pl.DataFrame())
    return Prepared(dataset, facts, duplicate_groups(facts.leads, terms.duplicate_window_days))


@dataclass(frozen=True)
class View:
    """The data a page draws: all facts, and the leads and deals the filters keep."""

    dataset: Dataset
    facts: Facts
    duplicates: pl.DataFrame
    contract: Contract
    filters: Filters
    leads: pl.DataFrame
    opportunities: pl.DataFrame
    scale: alt.Scale
    is_sample: bool


def contract() -> Contract:
    """The session's contract: the bundled one unless the user uploaded their own."""
    return load_contract(st.session_state.get("contract_text"))


@st.cache_resource(show_spinner="Loading the sample data…", max_entries=4)
def sample_dataset(contract_text: str) -> Prepared:
    """The bundled sample: public, identical for everyone, so one shared copy is fine."""
    terms = load_contract(contract_text)
    files = [read_upload(name, (SAMPLE_DIR / name).read_bytes()).loaded for name in SAMPLE_FILES]
    plan, _ = plan_tables(files, terms)
    return prepare(build_dataset(plan, terms), terms)


def uploads() -> list[UploadedFile]:
    """What each file in the sidebar's uploader holds (table shape, notes, or why it cannot
    be read), read once per file. Only the outline is kept: the bytes stay in the uploader,
    and a re-mapping reads them again rather than every session holding a second copy."""
    files = st.session_state.get("uploader") or []
    cache: dict[str, UploadedFile] = st.session_state.setdefault("uploads", {})
    current = {f.file_id: f for f in files}
    for file_id in list(cache):
        if file_id not in current:
            del cache[file_id]  # removed from the uploader: forget it now
    for file_id, file in current.items():
        if file_id not in cache:
            with HEAVY_WORK, st.spinner(f"Reading {file.name}…"):
                started = time.perf_counter()
                cache[file_id] = outline(read_upload(file.name, file.getvalue()))
            # Counts and timings only: names and contents of uploads never reach a log.
            log.info("read an upload in %.2f s", time.perf_counter() - started)
    return [cache[f] for f in current]


def uploaded_dataset(terms: Contract) -> tuple[Prepared, list[str]]:
    """Map and validate the uploads; recomputed only when files, choices or contract change."""
    in_uploader = {f.file_id: f for f in st.session_state.get("uploader") or []}
    readable = [in_uploader[i] for i, u in st.session_state["uploads"].items() if u.loaded]
    choices = st.session_state.setdefault("table_choice", {})
    overrides = st.session_state.setdefault("overrides", {})
    key = hashlib.sha256(
        json.dumps(
            [[f.file_id for f in readable], choices, overrides, terms.text],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    if st.session_state.get("dataset_key") != key:
        with (
            HEAVY_WORK,
            st.spinner("Checking your files against the data contract…", show_time=True),
        ):
            started = time.perf_counter()
            loaded = [read_upload(f.name, f.getvalue()).loaded for f in readable]
            plan, notes = plan_tables(loaded, terms, choices, overrides)
            prepared = prepare(build_dataset(plan, terms), terms)
        rows = sum(prepared.dataset.report.rows_in.values())
        log.info("validated %d rows in %.2f s", rows, time.perf_counter() - started)
        st.session_state.update(dataset_key=key, dataset=(prepared, notes))
    return st.session_state["dataset"]


def current_data() -> tuple[Prepared, list[str], bool]:
    """The data the pages show: uploads when the user chose them, else the sample."""
    terms = contract()
    if st.session_state.get("data_source", SAMPLE) == MINE:
        files = uploads()
        if any(f.loaded is not None for f in files):
            prepared, notes = uploaded_dataset(terms)
            return prepared, notes, False
    return sample_dataset(terms.text), [], True


def view() -> View:
    """The filtered view, set up by app.py's sidebar before the page runs."""
    if "view" not in st.session_state:
        # A fresh server whose first request is a deep link runs the page straight from the
        # pages/ folder (Streamlit's old multipage mode, on until the process's first
        # st.navigation call), skipping app.py. Switch that mode off and run the entry file.
        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["view"]


def highlighted() -> str | None:
    """The source the user clicked on any chart of this page, highlighted on all of them."""
    return st.session_state.get("highlight")


def show_chart(chart: alt.Chart, table: pl.DataFrame, name: str, key: str) -> None:
    """Chart, then its numbers one click away with a safe CSV download.

    Clicking a source on a chart highlights it on every chart of the page.
    """
    clickable = chart.to_dict().get("params") is not None
    event = st.altair_chart(
        chart, width="stretch", key=key, on_select="rerun" if clickable else "ignore"
    )
    with st.expander("The numbers behind this chart"):
        st.dataframe(table, hide_index=True)
        st.download_button(
            "Download as CSV",
            lambda: safe_csv(table),  # built only when clicked
            file_name=f"truce-{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )
    picked = event.get("selection", {}).get("pick") or [] if clickable else []
    source = picked[0].get("lead_source") if picked and isinstance(picked[0], dict) else None
    # Act on a new click only: the chart keeps its selection after "Clear highlight".
    seen = st.session_state.setdefault("seen_picks", {})
    if source and seen.get(key) != source:
        seen[key] = source
        if source != highlighted():
            st.session_state["highlight"] = source
            st.rerun()


def needs(what: str) -> None:
    """Stop the page with a sentence saying which file or field would unlock it."""
    st.info(what, icon=":material/info:")
    st.stop()


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
