"""The session's data: the bundled sample or this session's uploads, read and checked once.

Uploaded data lives only in this session's `st.session_state` (never on disk, never
in a cache shared between sessions). It is read and validated once per upload, and again
only when the mapping, a file's table or the contract changes: a filter change re-runs
only the filtering and the page models.
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

import polars as pl
import streamlit as st

from truce.contract import Contract, ContractError, load_contract
from truce.duplicates import duplicate_groups, merge
from truce.facts import Facts, build_facts
from truce.pipeline import (
    Dataset,
    UploadedFile,
    build_dataset,
    outline,
    plan_tables,
    read_upload,
)
from truce.views import data
from ui.decisions import decisions

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


def prepare(dataset: Dataset, contract: Contract) -> Prepared:
    facts = build_facts(dataset.tables, contract, dataset.dimensions)
    if not facts.can("leads"):
        return Prepared(dataset, facts, pl.DataFrame())
    return Prepared(dataset, facts, duplicate_groups(facts.leads, contract.duplicate_window_days))


def session_contract() -> Contract:
    """The session's contract: the bundled one unless the user gave their own (use_contract)."""
    return load_contract(st.session_state.get("contract_text"))


def use_contract(text: str) -> str | None:
    """Put a contract in force for this session; a bad one is refused with the sentence why,
    and the previous contract stays in force."""
    try:
        load_contract(text)
    except ContractError as exc:
        return str(exc)
    st.session_state["contract_text"] = text
    return None


@st.cache_resource(show_spinner="Loading the sample data…", max_entries=4)
def sample_dataset(contract_text: str) -> Prepared:
    """The bundled sample: public, identical for everyone, so one shared copy is fine."""
    contract = load_contract(contract_text)
    files = [read_upload(name, (SAMPLE_DIR / name).read_bytes()).loaded for name in SAMPLE_FILES]
    plan, _ = plan_tables(files, contract)
    return prepare(build_dataset(plan, contract), contract)


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


def uploaded_dataset(contract: Contract) -> tuple[Prepared, list[str]]:
    """Map and validate the uploads; recomputed only when files, choices or contract change.

    Also keeps, for the Data page, what the validated rows no longer tell (`data_inputs`:
    column samples and unknown source values per table, lookups, files left out)."""
    in_uploader = {f.file_id: f for f in st.session_state.get("uploader") or []}
    readable = [in_uploader[i] for i, u in st.session_state["uploads"].items() if u.loaded]
    chosen = decisions()
    key = hashlib.sha256(
        json.dumps(
            [[f.file_id for f in readable], chosen, contract.text], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    if st.session_state.get("dataset_key") != key:
        with (
            HEAVY_WORK,
            st.spinner("Checking your files against the data contract…", show_time=True),
        ):
            started = time.perf_counter()
            loaded = [read_upload(f.name, f.getvalue()).loaded for f in readable]
            files, lookups, left_out = data.split_files(loaded, contract, chosen["table_choice"])
            plan, notes = plan_tables(
                files,
                contract,
                data.table_choices(chosen["table_choice"]),
                chosen["overrides"],
                chosen["values"],
            )
            joined = data.lookups_with_pairs(lookups, chosen["lookup_on"])
            prepared = prepare(build_dataset(plan, contract, lookups=joined), contract)
            inputs = data.DataInputs(
                tables=data.table_inputs(plan, contract),
                lookups={f.name: tuple(f.frame.columns) for f in lookups},
                left_out=tuple(left_out),
            )
        rows = sum(prepared.dataset.report.rows_in.values())
        log.info("validated %d rows in %.2f s", rows, time.perf_counter() - started)
        st.session_state.update(dataset_key=key, dataset=(prepared, notes), data_inputs=inputs)
    return st.session_state["dataset"]


def data_inputs() -> data.DataInputs:
    """What the Data page shows beyond the dataset (empty for the sample)."""
    return st.session_state.get("data_inputs", data.DataInputs())


def current_data() -> tuple[Prepared, list[str], bool]:
    """The data the pages show: uploads when the user chose them, else the sample."""
    contract = session_contract()
    if st.session_state.get("data_source", SAMPLE) == MINE:
        files = uploads()
        if any(f.loaded is not None for f in files):
            prepared, notes = uploaded_dataset(contract)
            return prepared, notes, False
    return sample_dataset(contract.text), [], True
