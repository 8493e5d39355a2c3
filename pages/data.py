"""Data page: what was read, how columns map to the contract, what values mean, what the
checks found. The numbers and tables come from truce.views.data; this file draws them and
hands the user's choices to ui.decisions."""

from __future__ import annotations

import polars as pl
import streamlit as st

from truce.mapping import mapping_json
from truce.outcomes import CLASSES, values_to_classify
from truce.views import data
from ui import decisions as chosen
from ui.session import MINE, audit_verdict, data_inputs, uploads, use_contract
from ui.text import md
from ui.view import view

NOT_MAPPED = "(not mapped)"
LEAVE_OUT = "(leave this file out)"
SHARED = "(the column both files share)"
UNDECIDED = "(undecided)"

st.title("Your data, checked against the contract")
current = view()
dataset = current.dataset
contract = current.contract
inputs = data_inputs()
state = chosen.decisions()

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

# Files: which ones could not be read, and what each one is. Widgets are keyed by position:
# two uploads may share a name.
files = [] if current.is_sample else uploads()
roles = data.roles(files, dataset, list(inputs.lookups))
options = [*data.role_options(), None]
for number, file in enumerate(files):
    if file.error:
        st.error(f"{md(file.name)}: {md(file.error)}", icon=":material/error:")
        continue
    key = f"role_{number}"
    st.session_state[key] = roles[file.name]
    st.selectbox(
        f"{md(file.name)} holds",
        options if roles[file.name] in options else [*options, roles[file.name]],
        format_func=lambda role: LEAVE_OUT if role is None else role,
        placeholder=LEAVE_OUT,
        key=key,
        on_change=chosen.set_role,
        args=(file.name, key),
        help="A lookup (accounts, users, teams) adds its columns to the rows that share a "
        "column with it: they become dimensions the pages can break down by.",
    )
    st.text(" ".join(file.loaded.notes))
    if roles[file.name] == data.LOOKUP:
        columns = [c for t in inputs.tables.values() for c in t.profiles]
        left, right = f"lookup_left_{number}", f"lookup_right_{number}"
        pair = state["lookup_on"].get(file.name, [None, None])
        a, b = st.columns(2)
        for place, widget, label, picks, value in (
            (a, left, "Join its column", inputs.lookups.get(file.name, ()), pair[0]),
            (b, right, "to this column of your files", dict.fromkeys(columns), pair[1]),
        ):
            st.session_state[widget] = value if value in picks else None
            place.selectbox(
                label,
                [None, *picks],
                format_func=lambda c: SHARED if c is None else c,
                placeholder=SHARED,
                key=widget,
                on_change=chosen.set_lookup_pair,
                args=(file.name, left, right),
            )
for note in [*st.session_state.get("notes", []), *dataset.decisions]:
    st.text(note)

if files:
    saved = st.file_uploader(
        "Reuse a mapping you downloaded before (JSON)", type=["json"], key="saved_mapping"
    )
    if saved is not None and (problem := chosen.apply_saved_mapping(saved, contract)):
        st.error(md(problem))


@st.fragment(run_every=1.0)
def audit_waiting() -> None:
    """While the audit runs: look again every second; its verdict reruns the page once."""
    if audit_verdict().state != "running":
        st.rerun()


def audit_section() -> None:
    """Great Expectations' verdict on the checks that decided the numbers (run after them)."""
    verdict = audit_verdict()
    head, *rest = (md(line) for line in verdict.lines)  # contract field names: escaped
    if verdict.state == "running":
        st.info(head, icon=":material/hourglass:")
        audit_waiting()
    elif verdict.state == "agrees":
        st.success(head, icon=":material/verified:")
    else:
        st.error("\n\n".join([head, *(f"- {line}" for line in rest)]), icon=":material/flag:")


def findings(table: str) -> None:
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


def column_mapping(table: str) -> None:
    mapping, file = dataset.mappings[table], dataset.files[table]
    fields = contract.tables[table].fields
    if current.is_sample:
        shown = [mapping.columns.get(f, NOT_MAPPED) for f in fields]
        st.dataframe(pl.DataFrame({"field": list(fields), "column": shown}), hide_index=True)
        return
    st.caption(
        "Each column is shown with a few of its values and how full it is. A column may feed "
        "two fields (a deal ID that is also the lead's ID): choosing a column for one field "
        "leaves every other field as it is."
    )
    profiles = inputs.tables[table].profiles if table in inputs.tables else {}
    unused = [c for c in file.frame.columns if c not in mapping.columns.values()]
    if unused:
        st.text(
            f"Columns of {file.name} not used: {', '.join(unused[:12])}"
            f"{'…' if len(unused) > 12 else ''}. Map one below if it holds a contract field; "
            "the others can split the pages (Break down by)."
        )
    current_columns = {f: mapping.columns.get(f) for f in fields}
    for name, spec in fields.items():
        key = f"map_{table}_{name}"
        st.session_state[key] = current_columns[name]
        st.selectbox(
            f"{md(name)}{' (required)' if spec.required else ''}",
            [None, *file.frame.columns],
            format_func=lambda c: (
                NOT_MAPPED if c is None else profiles[c].label(c) if c in profiles else c
            ),
            placeholder=NOT_MAPPED,
            key=key,
            on_change=chosen.set_column,
            args=(table, name, key, current_columns),
        )


def value_classes(table: str) -> None:
    """Every stage / status value with its count: the user lists what each one means."""
    listed = values_to_classify(dataset.tables, state["values"], contract)
    for (where, field), counts in listed.items():
        if where != table or not counts.height:
            continue
        if field not in CLASSES:
            st.caption(f"{field}: values as read (a flag's meaning is fixed).")
            st.dataframe(counts, hide_index=True)
            continue
        now = data.classes_now(counts)
        label = dict(counts.select("value", "count").rows())
        st.markdown(f"**What each {field} value means**")
        st.caption(
            f"Prefilled from the contract; {sum(c is None for c in now.values()):,} of "
            f"{len(now):,} values not classified yet. A value in no list counts as open. "
            "Saved with the mapping download."
        )
        lists = data.class_lists(field)
        for column, cls in zip(st.columns(len(lists)), lists, strict=True):
            key = f"class_{table}_{field}_{cls}"
            st.session_state[key] = [v for v, c in now.items() if c == cls]
            column.multiselect(
                data.CLASS_LABELS[cls],
                list(now),
                format_func=lambda v, label=label: f"{v} ({label[v]:,})",
                key=key,
                on_change=chosen.set_class,
                args=(table, field, cls, key, now, contract),
            )


def source_aliases() -> None:
    """Source values the contract does not know, across files: assign or keep each."""
    unknown = data.all_unknown_sources(inputs.tables)
    if not unknown.height:
        return
    st.subheader("Lead sources the contract does not know")
    st.caption(
        "Assign each to one of the contract's sources, or keep it as a source of its own; "
        "an undecided value is reported as an unknown source. Saved with the mapping download."
    )
    aliases = data.aliases_in_force(state["values"])
    options = [None, data.KEEP, *contract.sources]
    tables = list(dataset.mappings)
    columns = st.columns(3)
    for number, (value, rows) in enumerate(unknown.head(data.ALIASES_SHOWN).rows()):
        key = f"alias_{number}"
        st.session_state[key] = data.alias_choice(value, aliases)
        columns[number % 3].selectbox(
            f"{md(value)} ({rows:,} rows)",
            options,
            format_func=lambda c: UNDECIDED if c is None else c,
            placeholder=UNDECIDED,
            key=key,
            on_change=chosen.set_alias,
            args=(tables, value, key, aliases),
        )
    if unknown.height > data.ALIASES_SHOWN:
        st.caption(
            f"{unknown.height - data.ALIASES_SHOWN:,} rarer values are not listed: edit the "
            "downloaded mapping's lead_source values to assign them."
        )


with st.container():  # one block whatever the audit's state: the elements below keep place
    audit_section()
for table, mapping in dataset.mappings.items():
    file = dataset.files[table]
    st.subheader(f"{table.capitalize()} — from {md(file.name)}")
    if mapping.preset:
        st.caption(f"Recognised as a {mapping.preset} export: columns mapped with no clicks.")
    findings(table)
    with st.expander("Column mapping", expanded=not current.is_sample):
        column_mapping(table)
    if not current.is_sample:
        value_classes(table)
        st.download_button(
            "Download this mapping (JSON): columns, value meanings and source aliases",
            mapping_json(mapping, file.name),
            f"truce-mapping-{table}.json",
            key=f"mapping_dl_{table}",
        )
if not current.is_sample:
    source_aliases()

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
