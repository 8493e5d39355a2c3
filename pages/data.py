"""Data page: what was read, how columns map to the contract, and what the checks found."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from truce.contract import TABLE_NAMES
from truce.mapping import read_saved_mapping
from ui.session import MINE, uploads, use_contract
from ui.text import md
from ui.view import view

NOT_MAPPED = "(not mapped)"
LEAVE_OUT = "(leave this file out)"

st.title("Your data, checked against the contract")
current = view()
dataset = current.dataset
contract = current.contract

with st.expander("The data contract in use", icon=":material/handshake:"):
    st.caption(
        "One file both teams sign off: field names and synonyms, what MQL, SQL and won mean, "
        "the follow-up SLA, and how lead sources are named. Upload your own copy to use your "
        "company's definitions."
    )
    own = st.file_uploader("Your contract (YAML)", type=["yaml", "yml"], key="contract_upload")
    if own is not None:
        text = own.getvalue().decode("utf-8", errors="replace")
        if st.session_state.get("contract_text") == text:
            st.success("Your contract is in use.")
        elif problem := use_contract(text):  # refused: the contract in force stays
            st.error(f"That contract cannot be used, the one in force stays: {md(problem)}")
        else:
            st.rerun()
    st.download_button("Download the contract in use", current.contract.text, "contract.yaml")

if current.is_sample:
    if st.session_state.get("data_source") == MINE:
        st.info("Upload your exports in the sidebar; until then every page shows the sample data.")
    else:
        st.info(
            "You are looking at the bundled sample data. Choose **My files** in the sidebar to "
            "upload your own exports: they stay in this browser session only."
        )

# Files: which ones could not be read, and which table each one feeds.
files = [] if current.is_sample else uploads()
choices: dict = st.session_state.setdefault("table_choice", {})
overrides: dict = st.session_state.setdefault("overrides", {})
feeding = {file.name: table for table, file in dataset.files.items()}
for file in files:
    if file.error:
        st.error(f"{md(file.name)}: {md(file.error)}", icon=":material/error:")
        continue
    options = [*TABLE_NAMES, LEAVE_OUT]
    shown = feeding.get(file.name, LEAVE_OUT)
    picked = st.selectbox(
        f"{md(file.name)} holds", options, index=options.index(shown), key=f"table_{file.name}"
    )
    st.text(" ".join(file.loaded.notes))
    if picked != shown:
        choices[file.name] = None if picked == LEAVE_OUT else picked
        st.rerun()
for note in st.session_state.get("notes", []):
    st.warning(md(note))
if files:
    saved = st.file_uploader(
        "Reuse a mapping you downloaded before (JSON)", type=["json"], key="saved_mapping"
    )
    if saved is not None:
        try:
            table, columns = read_saved_mapping(
                saved.getvalue().decode("utf-8", "replace"), contract
            )
        except ValueError as exc:
            st.error(md(exc))
        else:
            if overrides.get(table) != columns:
                overrides[table] = columns
                for key in [k for k in st.session_state if str(k).startswith(f"map_{table}_")]:
                    del st.session_state[key]  # the dropdowns re-read the new mapping
                st.rerun()
            st.success(f"The saved mapping for {md(table)} is in use.")

for table, mapping in dataset.mappings.items():
    file = dataset.files[table]
    st.subheader(f"{table.capitalize()} — from {md(file.name)}")
    if mapping.preset:
        st.caption(f"Recognised as a {mapping.preset} export: columns mapped with no clicks.")
    report = dataset.report
    rows_in, kept = report.rows_in.get(table, 0), report.rows_kept.get(table, 0)
    read, left, out = st.columns(3)
    read.metric("Rows read", f"{rows_in:,}")
    left.metric("Rows kept", f"{kept:,}")
    out.metric(
        "Rows excluded", f"{rows_in - kept:,}", help="Each one is counted below with its reason."
    )

    for finding in (f for f in report.findings if f.table == table):
        (st.error if finding.level == "error" else st.warning)(md(finding.message))
        if finding.examples:
            with st.expander(f"Example rows ({len(finding.examples)} of {finding.rows:,})"):
                st.dataframe(
                    pl.DataFrame(finding.examples, infer_schema_length=None), hide_index=True
                )
    if not any(f.table == table for f in report.findings):
        st.success("Every row passed every check of the contract.")

    fields = current.contract.tables[table].fields
    unused = [c for c in file.frame.columns if c not in mapping.columns.values()]
    if unused and not current.is_sample:
        st.text(
            f"Columns of {file.name} not used: {', '.join(unused[:12])}"
            f"{'…' if len(unused) > 12 else ''}. Map one below if it holds a contract field."
        )
    with st.expander("Column mapping", expanded=not current.is_sample):
        if current.is_sample:
            st.dataframe(
                pl.DataFrame(
                    {
                        "field": list(fields),
                        "column": [mapping.columns.get(f, NOT_MAPPED) for f in fields],
                    }
                ),
                hide_index=True,
            )
        else:
            columns = [NOT_MAPPED, *file.frame.columns]
            for name, spec in fields.items():
                now = mapping.columns.get(name, NOT_MAPPED)
                chosen = st.selectbox(
                    f"{md(name)}{' (required)' if spec.required else ''}",
                    columns,
                    index=columns.index(now),
                    key=f"map_{table}_{name}",
                )
                if chosen != now:
                    overrides.setdefault(table, {})[name] = None if chosen == NOT_MAPPED else chosen
                    st.rerun()
        st.download_button(
            "Download this mapping (JSON)",
            json.dumps({"table": table, "file": file.name, "columns": mapping.columns}, indent=2),
            f"truce-mapping-{table}.json",
            key=f"mapping_dl_{table}",
        )

if current.duplicates.height:
    st.subheader(f"Possible duplicates across systems: {current.duplicates.height:,} leads")
    st.caption(
        "Leads that repeat an earlier lead: the same email, or the same company name created "
        "within the contract's window. Switch on 'Merge duplicate leads' in the sidebar to count "
        "each group once."
    )
    st.dataframe(
        current.duplicates.rename({"lead_id": "lead", "group": "same as lead"}), hide_index=True
    )
