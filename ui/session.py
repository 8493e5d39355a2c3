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
import threading
import time
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.runtime import uploaded_file_manager as streamlit_uploads

from truce.audit_result import AuditResult
from truce.contract import Contract, ContractError, load_contract
from truce.duplicates import duplicate_groups, merge
from truce.facts import Facts, build_facts
from truce.io import LoadedFile
from truce.pipeline import (
    Dataset,
    UploadedFile,
    build_dataset,
    outline,
    plan_tables,
    read_upload,
)
from truce.views import data
from ui import audit_worker
from ui.decisions import decisions
from ui.jobs import Job
from ui.lifetime import AUDIT_LIMIT, AUDITS, in_process, session_data, session_id, start, wait_for

log = logging.getLogger("truce")
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "demo"
SAMPLE_FILES = ("leads.csv", "opportunities.csv", "activities.csv", "spend.csv")
SAMPLE = "Sample data"
MINE = "My files"
_sample_lock = threading.Lock()
_sample_audits: dict[str, Job] = {}  # contract -> the sample's audit, shared by every session


def _share_bytes(
    file: streamlit_uploads.UploadedFile, memo: dict
) -> streamlit_uploads.UploadedFile:
    """A copy of an upload that shares its bytes: a file object of its own (its own read
    position) over the same immutable bytes, which `getvalue()` returns without copying."""
    record = streamlit_uploads.UploadedFileRec(file.file_id, file.name, file.type, file.getvalue())
    return streamlit_uploads.UploadedFile(record, file._file_urls)


# Streamlit hands the script a deep copy of the uploader's value on every rerun, so that code
# cannot change the widget's files; a deep copy of a BytesIO copies its bytes, twice (363 MB
# of uploads at a million leads: half a second and twice the memory on every click). Bytes
# cannot be changed, so sharing them keeps that promise.
streamlit_uploads.UploadedFile.__deepcopy__ = _share_bytes


@dataclass(frozen=True)
class Prepared:
    """A validated dataset and its facts; duplicate leads found on first use only (the Data
    page and the merge toggle ask for them; the first numbers do not wait for them)."""

    dataset: Dataset
    facts: Facts
    window_days: int  # the contract's duplicate window

    @cached_property
    def duplicates(self) -> pl.DataFrame:
        if not self.facts.can("leads"):
            return pl.DataFrame()
        return duplicate_groups(self.facts.leads, self.window_days)

    @cached_property
    def merged(self) -> Facts:
        """The facts with duplicate leads merged: built on first use (a copy of every lead)."""
        if not self.duplicates.height:
            return self.facts
        return replace(self.facts, leads=merge(self.facts.leads, self.duplicates))


def prepare(dataset: Dataset, contract: Contract) -> Prepared:
    facts = build_facts(dataset.tables, contract, dataset.dimensions)
    return Prepared(dataset, facts, contract.duplicate_window_days)


def session_contract() -> Contract:
    """The session's contract: the bundled one unless the user gave their own (use_contract).
    A contract of their own is read once per text, not on each of a run's four asks (14 ms
    each, on every click); it is kept with the session's data, never shared."""
    text = st.session_state.get("contract_text")
    if text is None:
        return load_contract()
    held = session_data()
    if held.get("contract", (None,))[0] != text:
        held["contract"] = (text, load_contract(text))
    return held["contract"][1]


def use_contract(text: str) -> str | None:
    """Put a contract in force for this session; a bad one is refused with the sentence why,
    and the previous contract stays in force."""
    try:
        contract = load_contract(text)
    except ContractError as exc:
        return str(exc)
    st.session_state["contract_text"] = text
    session_data()["contract"] = (text, contract)
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
    be read), read once per file, all files at once. The rows read are held only until the
    first check has used them (`rows`); after that only the outline is kept: the bytes stay
    in the uploader, and a re-mapping reads them again rather than every session holding a
    second copy."""
    files = st.session_state.get("uploader") or []
    held = session_data()
    cache: dict[str, UploadedFile] = held.setdefault("uploads", {})
    rows: dict[str, LoadedFile] = held.setdefault("rows", {})
    current = {f.file_id: f for f in files}
    for file_id in list(cache):
        if file_id not in current:
            del cache[file_id]  # removed from the uploader: forget it now
            rows.pop(file_id, None)
    new = {i: f for i, f in current.items() if i not in cache}
    for file_id, file in new.items():  # every read starts before the first wait
        start(f"read {file_id}", lambda file=file: _read(file))
    for file_id, file in new.items():
        read = wait_for(f"read {file_id}", f"Reading {file.name}…", lambda file=file: _read(file))
        if read.loaded is not None:
            rows[file_id] = read.loaded
        cache[file_id] = outline(read)
    return [cache[f] for f in current]


def _read(file) -> UploadedFile:
    """One upload read whole (in a background job: no Streamlit calls)."""
    started = time.perf_counter()
    read = read_upload(file.name, file.getvalue())
    # Counts and timings only: names and contents of uploads never reach a log.
    log.info("read an upload in %.2f s", time.perf_counter() - started)
    return read


def _check(readable: list, held: list[LoadedFile | None], contract: Contract, chosen: dict):
    """Map and validate the readable uploads (in a background job: no Streamlit calls),
    reading again only a file whose rows are no longer held (a re-mapping). Also what the
    validated rows no longer tell, for the Data page (`data_inputs`)."""
    started = time.perf_counter()
    loaded = [
        rows if rows is not None else read_upload(f.name, f.getvalue()).loaded
        for f, rows in zip(readable, held, strict=True)
    ]
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
    ids = [i for i, u in held["uploads"].items() if u.loaded]
    readable = [in_uploader[i] for i in ids]
    chosen = decisions()
    key = hashlib.sha256(
        json.dumps(
            [[f.file_id for f in readable], chosen, contract.text], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    if held.get("dataset_key") != key:
        # A copy of the choices: the job must not see them change under it.
        frozen = json.loads(json.dumps(chosen))
        rows = [held["rows"].get(i) for i in ids]
        checked, inputs = wait_for(
            f"check {key}",
            "Checking your files against the data contract…",
            lambda: _check(readable, rows, contract, frozen),
        )
        held["rows"].clear()  # used: a later re-mapping reads the bytes again
        held.update(dataset_key=key, dataset=checked, data_inputs=inputs)
    return held["dataset"]


def data_inputs() -> data.DataInputs:
    """What the Data page shows beyond the dataset (empty for the sample)."""
    return session_data().get("data_inputs", data.DataInputs())


def current_data() -> tuple[Prepared, list[str], bool]:
    """The data the pages show: uploads when the user chose them, else the sample."""
    contract = session_contract()
    held = session_data()
    if st.session_state.get("data_source", SAMPLE) == MINE:
        files = uploads()
        if any(f.loaded is not None for f in files):
            prepared, notes = uploaded_dataset(contract)
            held["shown"] = (held["dataset_key"], prepared, False)
            return prepared, notes, False
    prepared = sample_dataset(contract.text)
    held["shown"] = (f"sample {hashlib.sha256(contract.text.encode()).hexdigest()}", prepared, True)
    return prepared, [], True


def start_audit() -> None:
    """Audit the dataset the pages show with Great Expectations, in the background, once per
    dataset: called when a run has drawn its page, so the first numbers never wait for it."""
    held = session_data()
    key, prepared, is_sample = held["shown"]
    if held.get("audit", (None,))[0] == key:
        return  # audited already: a rerun never starts it again
    if is_sample:
        with _sample_lock:  # the same public sample for everyone: audited once per server
            if key not in _sample_audits:
                work = partial(_audit, prepared.dataset, False, SAMPLE)
                _sample_audits[key] = Job(work, AUDIT_LIMIT)
        return
    session = session_id()
    AUDITS.start(session, key, lambda: _audit(prepared.dataset, True, session))


def _audit(dataset: Dataset, drop: bool, session: str) -> tuple[AuditResult, int]:
    """GX's verdict on the checked tables (in a background job: no Streamlit calls), run in
    a process of its own (ui.audit_worker): GX's import and its pandas work are Python that
    would otherwise hold this server's interpreter lock, and every click of every session
    would wait on it. The server process never imports GX."""
    started = time.perf_counter()
    rows = sum(item.frame.height for item in dataset.checked.values())
    result = in_process(session, audit_worker.main, dataset.checked)
    if drop:
        dataset.checked = {}  # audited: the copies of the tables as checked are released
    log.info("audited %d rows in %.2f s", rows, time.perf_counter() - started)
    return result, rows


def audit_verdict() -> data.AuditVerdict:
    """The audit's verdict on the dataset the pages show: running until its job is done."""
    held = session_data()
    key, _, is_sample = held["shown"]
    if held.get("audit", (None,))[0] == key:
        return held["audit"][1]
    job = _sample_audits.get(key) if is_sample else AUDITS.get(session_id(), key)
    if job is None or not job.wait(0):
        return data.audit_running()
    if not is_sample:  # the sample's stays for the next session
        AUDITS.forget(session_id(), key)
    try:
        verdict = data.audit_verdict(*job.outcome())
    except Exception as error:  # the audit broke, not the data: say so, keep the numbers
        log.warning("the audit failed: %s", type(error).__name__)
        verdict = data.audit_failed(error)
    held["audit"] = (key, verdict)
    return verdict
