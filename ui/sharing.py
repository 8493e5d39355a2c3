"""A setup — every decision about the user's files, never their data — travels with the user,
never stored on the server: as a file ("Download my setup", dropped back with the files), and
in the page's link (the `setup` parameter), re-applied when the same files come back after a
reload. Which files are "the same": their name and a hash of their header row."""

from __future__ import annotations

import json

import streamlit as st

from truce.contract import Contract
from truce.mapping import mapping_json
from truce.pipeline import Dataset
from truce.setup import (
    LISTS,
    Setup,
    header_fingerprint,
    read_setup,
    setup_from_token,
    setup_json,
    setup_token,
)
from ui.links import ask, wanted
from ui.session import use_contract
from ui.text import md

URL_LIMIT = 6 * 1024  # a longer link breaks in some mail and chat tools: the file instead
LINK_SETUP = "link_setup"  # session_state: (setup, token) from the link, until its files return


def _setup_text(dataset: Dataset, files: dict, with_filters: bool) -> str:
    """The session's setup as JSON; without the filters for the link (it has its own)."""
    mappings = [
        json.loads(mapping_json(mapping, dataset.files[table].name))
        for table, mapping in dataset.mappings.items()
    ]
    setup = Setup(
        table_choice=dict(st.session_state.get("table_choice") or {}),
        lookup_on=dict(st.session_state.get("lookup_on") or {}),
        contract_text=st.session_state.get("contract_text"),
        filters={key: wanted(key) for key in LISTS} if with_filters else {},
        created=wanted("created") if with_filters else None,
        sla_hours=st.session_state.get("sla_hours") if with_filters else None,
        files=files,
    )
    return setup_json(setup, mappings)


def setup_download(dataset: Dataset, files: dict) -> None:
    """The sidebar's "Download my setup": every decision, never the data."""
    st.download_button(
        "Download my setup",
        _setup_text(dataset, files, with_filters=True),
        "truce-setup.json",
        mime="application/json",
        key="setup_download",
        help="Mapping, value classes, source aliases, your contract changes and the filters, "
        "in one file (never the data). Drop it here with your files to get this view back, "
        "on any machine; `python -m truce report --mapping` reads it too.",
    )


def setup_in_link(dataset: Dataset, files: dict) -> None:
    """Keep the setup in the page's link, so a reload (or the link, sent on) re-applies it
    when the same files come back; said on screen, since the link now carries column names
    and value classes (never rows)."""
    if st.session_state.get(LINK_SETUP):
        return  # the link's own setup still waits for its files: hold_link_setup keeps it
    token = setup_token(_setup_text(dataset, files, with_filters=False))
    if len(token) > URL_LIMIT:
        st.query_params.pop("setup", None)
        st.caption("Your setup is too big for this page's link: keep it with 'Download my setup'.")
        return
    if st.query_params.get("setup") != token:
        st.query_params["setup"] = token
    st.caption(
        "This page's link carries your setup (column choices, value classes, aliases, "
        "contract changes), never your data: after a reload, drop the same files and it is "
        "re-applied."
    )


def hold_link_setup(contract: Contract) -> bool:
    """The link's setup, read on the session's first run and held (in the session, and in the
    link) until its files come back. True while it waits."""
    if LINK_SETUP not in st.session_state:
        st.session_state[LINK_SETUP] = None
        if (token := st.query_params.get("setup")) is not None:
            try:
                setup = read_setup(setup_from_token(token), contract)
            except ValueError as exc:
                st.error(md(exc))
                return False
            st.session_state[LINK_SETUP] = (setup, token)
    if not (held := st.session_state[LINK_SETUP]):
        return False
    if st.query_params.get("setup") != held[1]:
        st.query_params["setup"] = held[1]
    return True


def reapply_link_setup(files: dict[str, str]) -> None:
    """Re-apply the link's setup once every file it names is back with the same header; a
    file back with another header drops it, said in one line. Meanwhile the link keeps it."""
    if not (held := st.session_state.get(LINK_SETUP)):
        return
    setup = held[0]
    if changed := [n for n, h in setup.files.items() if n in files and files[n] != h]:
        st.session_state[LINK_SETUP] = None
        st.warning(
            f"The link's setup was made for other columns in {md(', '.join(changed))}: "
            "not applied (check the mapping on the Data page)."
        )
        return
    if missing := [n for n in setup.files if n not in files]:
        st.caption(f"Your setup is re-applied when these files are back: {md(', '.join(missing))}")
        return
    st.session_state[LINK_SETUP] = None
    _apply(setup, with_filters=False)


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
    st.session_state["setup_applied"] = dropped.file_id
    st.session_state[LINK_SETUP] = None  # the file, dropped now, wins over the link's
    _apply(setup, with_filters=True)


def _apply(setup: Setup, with_filters: bool) -> None:
    """Put a setup's decisions in force for this session, then rerun with them."""
    if setup.contract_text is not None and (problem := use_contract(setup.contract_text)):
        st.error(md(problem))
        return
    state = st.session_state
    for table, columns, values in setup.mappings:
        state.setdefault("overrides", {})[table] = columns
        state.setdefault("values", {})[table] = values
    state.setdefault("table_choice", {}).update(setup.table_choice)
    state.setdefault("lookup_on", {}).update(setup.lookup_on)
    if with_filters:
        for key in LISTS:  # applied as the data brings their values
            ask(key, setup.filters.get(key, []))
        ask("created", setup.created)
        if setup.sla_hours is not None:
            state["sla_hours"] = setup.sla_hours
    state["setup_files"] = setup.files
    st.rerun()


def setup_mismatch(files: dict[str, str]) -> list[str]:
    """Files named in the dropped setup that came back with another header."""
    expected = st.session_state.get("setup_files") or {}
    return [n for n, h in expected.items() if n in files and files[n] != h]


def fingerprints(uploads) -> dict[str, str]:
    return {u.name: header_fingerprint(list(u.loaded.frame.columns)) for u in uploads if u.loaded}
