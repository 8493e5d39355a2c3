"""The session's data: the bundled sample or this session's uploads, read and checked once.

Uploaded data lives only in this session's entry of ui.lifetime (never on disk, never in a
cache shared between sessions, released when the session ends). It is read and validated
once per upload, in a background job a click cannot restart, and again only when the
mapping, a file's table or the contract changes: a filter change re-runs only the filtering
and the page models.
"""

from __future__ import annotations

import hashlib
import json
import logging
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
from ui.lifetime import session_data, wait_for

log = logging.getLogger("truce")
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
    cache: dict[str, UploadedFile] = session_data().setdefault("uploads", {})
    current = {f.file_id: f for f in files}
    for file_id in list(cache):
        if file_id not in current:
            del cache[file_id]  # removed from the uploader: forget it now
    for file_id, file in current.items():
        if file_id not in cache:
            cache[file_id] = wait_for(
                f"read {file_id}", f"Reading {file.name}…", lambda file=file: _read(file)
            )
    return [cache[f] for f in current]


def _read(file) -> UploadedFile:
    """One upload's outline (in a background job: no Streamlit calls)."""
    started = time.perf_counter()
    read = outline(read_upload(file.name, file.getvalue()))
    # Counts and timings only: names and contents of uploads never reach a log.
    log.info("read an upload in %.2f s", time.perf_counter() - started)
    return read


def _check(readable: list, contract: Contract, chosen: dict):
    """Map and validate the readable uploads (in a background job: no Streamlit calls).
    Also what the validated rows no longer tell, for the Data page (`data_inputs`)."""
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
    return (prepared, notes), inputs


def uploaded_dataset(contract: Contract) -> tuple[Prepared, list[str]]:
    """Map and validate the uploads; recomputed only when files, choices or contract change."""
    in_uploader = {f.file_id: f for f in st.session_state.get("uploader") or []}
    held = session_data()
    readable = [in_uploader[i] for i, u in held["uploads"].items() if u.loaded]
    chosen = decisions()
    key = hashlib.sha256(
        json.dumps(
            [[f.file_id for f in readable], chosen, contract.text], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    if held.get("dataset_key") != key:
        # A copy of the choices: the job must not see them change under it.
        frozen = json.loads(json.dumps(chosen))
        checked, inputs = wait_for(
            f"check {key}",
            "Checking your files against the data contract…",
            lambda: _check(readable, contract, frozen),
        )
        held.update(dataset_key=key, dataset=checked, data_inputs=inputs)
    return held["dataset"]


def data_inputs() -> data.DataInputs:
    """What the Data page shows beyond the dataset (empty for the sample)."""
    return session_data().get("data_inputs", data.DataInputs())


def current_data() -> tuple[Prepared, list[str], bool]:
    """The data the pages show: uploads when the user chose them, else the sample."""
    contract = session_contract()
    if st.session_state.get("data_source", SAMPLE) == MINE:
        files = uploads()
        if any(f.loaded is not None for f in files):
            prepared, notes = uploaded_dataset(contract)
            return prepared, notes, False
    return sample_dataset(contract.text), [], True
