"""The user's decisions about the uploads, kept in this session only.

`table_choice`: file name -> its role (a table, "leads + opportunities", "lookup", None to
leave it out); `overrides`: table -> {field: column}; `values`: table -> what raw values
mean (Mapping.values: stage / status classes, lead-source aliases); `lookup_on`: lookup
file name -> [its column, a loaded file's column]. Changing any of them rebuilds the data.
"""

from __future__ import annotations

import streamlit as st

from truce.contract import Contract
from truce.mapping import read_mapping_file
from truce.views import data

KEYS = ("table_choice", "overrides", "values", "lookup_on")


def decisions() -> dict:
    state = st.session_state
    return {key: state.setdefault(key, {}) for key in KEYS}


def set_role(name: str, key: str) -> None:
    decisions()["table_choice"][name] = st.session_state[key]


def set_column(table: str, field: str, key: str, current: dict[str, str | None]) -> None:
    """One field's column; every other field keeps the column it shows now (a column may
    feed two fields), so a choice never moves another one."""
    decisions()["overrides"][table] = {**current, field: st.session_state[key]}


def set_lookup_pair(name: str, left_key: str, right_key: str) -> None:
    left, right = st.session_state[left_key], st.session_state[right_key]
    pairs = decisions()["lookup_on"]
    if left and right:
        pairs[name] = [left, right]
    else:
        pairs.pop(name, None)


def store_values(tables: list[str], field: str, chosen: dict[str, str]) -> None:
    """Put one field's value meanings on `tables` (aliases hold for every file)."""
    values = decisions()["values"]
    for table in tables:
        values.setdefault(table, {})[field] = chosen


def set_class(
    table: str, field: str, cls: str, key: str, now: dict[str, str | None], contract: Contract
) -> None:
    """The user changed the list of values meaning `cls`."""
    classes = data.reclassify(now, cls, st.session_state[key])
    store_values([table], field, data.chosen_classes(classes, field, contract))


def set_alias(tables: list[str], value: str, key: str, aliases: dict[str, str]) -> None:
    store_values(tables, "lead_source", data.assign(aliases, value, st.session_state[key]))


def apply_saved_mapping(upload, contract: Contract) -> str | None:
    """A mapping JSON downloaded before: its columns and value meanings put in force once
    per uploaded file (later edits on the page are not undone by it). The sentence why it
    cannot be used, else None."""
    if st.session_state.get("saved_mapping_applied") == upload.file_id:
        return None
    try:
        saved = read_mapping_file(upload.getvalue().decode("utf-8", "replace"), contract)
    except ValueError as exc:
        return str(exc)
    chosen = decisions()
    for table, columns, values in saved:
        chosen["overrides"][table] = columns
        chosen["values"][table] = values
    st.session_state["saved_mapping_applied"] = upload.file_id
    st.rerun()
    return None
