"""Definitions: the contract rendered for people, editable for what-ifs, downloadable."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages.common import view
from truce.contract import ContractError, load_contract

st.title("Definitions: the contract both teams sign off")
current = view()
terms = current.contract

st.markdown(
    f"**Follow-up SLA: {terms.sla_hours:g} hours.** Every number in Truce follows these "
    "definitions. Change them below to see what a different definition would mean, then "
    "download the file so both teams can sign off the same one."
)
st.subheader("Terms")
st.dataframe(
    pl.DataFrame({"term": list(terms.terms), "meaning": list(terms.terms.values())}),
    hide_index=True,
)
st.subheader("Stages and statuses")
lists = {k: v for k, v in terms.definitions.items() if isinstance(v, list)}
st.dataframe(
    pl.DataFrame(
        {
            "definition": [k.replace("_", " ") for k in lists],
            "values (any case)": [", ".join(map(str, v)) for v in lists.values()],
        }
    ),
    hide_index=True,
)
st.subheader("Lead sources and their aliases")
st.dataframe(
    pl.DataFrame(
        {
            "source": list(terms.sources),
            "also written as": [", ".join(a) for a in terms.sources.values()],
        }
    ),
    hide_index=True,
)
st.subheader("Tables and fields")
for table in terms.tables.values():
    with st.expander(f"{table.name} — {table.description}"):
        st.dataframe(
            pl.DataFrame(
                {
                    "field": list(table.fields),
                    "type": [f.type for f in table.fields.values()],
                    "required": ["yes" if f.required else "" for f in table.fields.values()],
                    "columns recognised": [", ".join(f.synonyms) for f in table.fields.values()],
                }
            ),
            hide_index=True,
        )
st.subheader("Row checks")
st.dataframe(
    pl.DataFrame(
        {
            "check": list(terms.checks),
            "rows with": [c.says for c in terms.checks.values()],
            "left out of the analysis": [
                "yes" if c.exclude else "no" for c in terms.checks.values()
            ],
        }
    ),
    hide_index=True,
)

st.subheader("Edit the contract (what-if)")
edited = st.text_area("contract.yaml", terms.text, height=320, key="contract_editor")
apply, download = st.columns(2)
if apply.button("Use these definitions", key="contract_apply"):
    try:
        load_contract(edited)
    except ContractError as exc:
        st.error(f"Not applied: {exc}")
    else:
        st.session_state["contract_text"] = edited
        st.rerun()
download.download_button(
    "Download the contract file", edited, "contract.yaml", mime="text/yaml", key="contract_file"
)
