"""A shared link and a setup file open the same view: filters that wait for their data, and
"Download my setup" / dropping it back. Nothing here is stored on the server beyond the
session; the setup travels as a file the user keeps."""

from __future__ import annotations

import json

import streamlit as st

from truce.contract import Contract
from truce.mapping import mapping_json
from truce.pipeline import Dataset
from truce.setup import LISTS, Setup, header_fingerprint, read_setup, setup_json
from ui.links import ask, wanted
from ui.session import use_contract
from ui.text import md


def setup_download(dataset: Dataset, files: dict) -> None:
    """The sidebar's "Download my setup": every decision, never the data."""
    mappings = [
        json.loads(mapping_json(mapping, dataset.files[table].name))
        for table, mapping in dataset.mappings.items()
    ]
    setup = Setup(
        table_choice=dict(st.session_state.get("table_choice") or {}),
        lookup_on=dict(st.session_state.get("lookup_on") or {}),
        contract_text=st.session_state.get("contract_text"),
        filters={key: wanted(key) for key in LISTS},
        created=wanted("created"),
        sla_hours=st.session_state.get("sla_hours"),
        files=files,
    )
    st.download_button(
        "Download my setup",
        setup_json(setup, mappings),
        "truce-setup.json",
        mime="application/json",
        key="setup_download",
        help="Mapping, value classes, source aliases, your contract changes and the filters, "
        "in one file (never the data). Drop it here with your files to get this view back, "
        "on any machine; `python -m truce report --mapping` reads it too.",
    )


def setup_upload(contract: Contract) -> None:
    """The sidebar's setup uploader: a dropped setup restores the whole view, once per file."""
    dropped = st.file_uploader(
        "Your setup (JSON), to restore a view", type=["json"], key="setup_upload"
    )
    if dropped is None or st.session_state.get("setup_applied") == dropped.file_id:
        return
    try:
        setup = read_setup(dropped.getvalue().decode("utf-8", "replace"), contract)
    except ValueError as exc:
        st.error(md(exc))
        return
    if setup.contract_text is not None and (problem := use_contract(setup.contract_text)):
        st.error(md(problem))
        return
    state = st.session_state
    for table, columns, values in setup.mappings:
        state.setdefault("overrides", {})[table] = columns
        state.setdefault("values", {})[table] = values
    state.setdefault("table_choice", {}).update(setup.table_choice)
    state.setdefault("lookup_on", {}).update(setup.lookup_on)
    for key in LISTS:  # applied as the data brings their values
        ask(key, setup.filters.get(key, []))
    ask("created", setup.created)
    if setup.sla_hours is not None:
        state["sla_hours"] = setup.sla_hours
    state["setup_files"] = setup.files
    state["setup_applied"] = dropped.file_id
    st.rerun()


def setup_mismatch(files: dict[str, str]) -> list[str]:
    """Files named in the dropped setup that came back with another header."""
    expected = st.session_state.get("setup_files") or {}
    return [n for n, h in expected.items() if n in files and files[n] != h]


def fingerprints(uploads) -> dict[str, str]:
    return {u.name: header_fingerprint(list(u.loaded.frame.columns)) for u in uploads if u.loaded}
