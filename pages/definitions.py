"""Definitions: the contract rendered for people, editable for what-ifs, downloadable."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui.session import use_contract
from ui.text import md
from ui.view import view

st.title("Definitions: the contract both teams sign off")
current = view()
contract = current.contract

st.markdown(
    f"**Follow-up SLA: {contract.sla_hours:g} hours** in the contract"
    + (
        ""
        if current.options.sla_hours is None
        else f" (the sidebar overrides it: {current.options.sla(contract):g} h)"
    )
    + ". Every number in Truce follows these "
    "definitions. Change them below to see what a different definition would mean, then "
    "download the file so both teams can sign off the same one."
)
st.subheader("Terms")
st.dataframe(
    pl.DataFrame({"term": list(contract.terms), "meaning": list(contract.terms.values())}),
    hide_index=True,
)
st.subheader("Stages and statuses")
lists = {k: v for k, v in contract.definitions.items() if isinstance(v, list)}
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
            "source": list(contract.sources),
            "also written as": [", ".join(a) for a in contract.sources.values()],
        }
    ),
    hide_index=True,
)
st.subheader("Tables and fields")
for table in contract.tables.values():
    with st.expander(f"{md(table.name)} — {md(table.description)}"):
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
st.subheader("Settings and row checks")
st.caption(
    "Every setting and row check Truce applies, its value in this contract and its default "
    "(the bundled contract's): a setting left out of an edited contract takes its default."
)
st.dataframe(pl.DataFrame(contract.settings()), hide_index=True)

st.subheader("Edit the contract (what-if)")
edited = st.text_area("contract.yaml", contract.text, height=320, key="contract_editor")
apply, download = st.columns(2)
if apply.button("Use these definitions", key="contract_apply"):
    problem = use_contract(edited)
    if problem:  # refused: the contract in force stays in force
        st.error(f"Not applied, the contract in force is unchanged: {md(problem)}")
    else:
        st.rerun()
download.download_button(
    "Download the contract file", edited, "contract.yaml", mime="text/yaml", key="contract_file"
)
