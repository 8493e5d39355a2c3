"""bytes -> frame -> mapped -> validated: the one path every file takes.

The app and the command line both call these functions, so a number on a page
and a number in `python -m truce report` come from the same code.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

from truce.canonical import to_canonical
from truce.contract import TABLE_NAMES, Contract
from truce.facts import TOUCH_COLUMNS
from truce.findings import Finding, Report
from truce.io import LoadedFile, LoadError, read_table
from truce.linking import Link, choose_link
from truce.lookups import Lookup, dimensions
from truce.mapping import Mapping, auto_map, guess_table
from truce.outcomes import (
    CLASSES,
    VALUES_NAMED,
    classes_for,
    classify,
    outcome_told,
    unknown_outcome,
    value_counts,
)
from truce.sources import with_aliases
from truce.validation import LEAD_ROW, Checked, lead_lookup, link_to_leads, validate_table

# Of the activities, only what the facts read is kept: no page reads the IDs and types of
# millions of activities once they are checked.
KEPT = {"activities": (*TOUCH_COLUMNS, LEAD_ROW)}
TYPING_THREADS = 2


@dataclass(frozen=True)
class UploadedFile:
    """One file as read: either a frame of strings or the reason it could not be read."""

    name: str
    loaded: LoadedFile | None = None
    error: str | None = None


@dataclass(frozen=True)
class TableInput:
    """A file chosen to feed one canonical table, with the column mapping to use."""

    file: LoadedFile
    mapping: Mapping
    link: Link | None = None  # how lead_id was chosen, when there are leads to link to


@dataclass
class Dataset:
    """The validated canonical tables (kept rows only) and the report that explains them."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    mappings: dict[str, Mapping] = field(default_factory=dict)
    files: dict[str, LoadedFile] = field(default_factory=dict)  # table -> its file's outline
    decisions: list[str] = field(default_factory=list)  # one line per choice made for the user
    # table -> `_row` plus every unmapped column and every lookup column (strings, as read)
    dimensions: dict[str, pl.DataFrame] = field(default_factory=dict)
    # table -> the table as its rules judged it, for truce.audit (when asked to keep it)
    checked: dict[str, Checked] = field(default_factory=dict)


def read_upload(name: str, data: bytes) -> UploadedFile:
    """Read one file; a file that is not a table gives its one-line reason, never a traceback."""
    try:
        return UploadedFile(name=name, loaded=read_table(data, name))
    except LoadError as exc:
        return UploadedFile(name=name, error=str(exc))


def outline(upload: UploadedFile) -> UploadedFile:
    """The upload without its rows: name, notes, column names (for the mapping) or error."""
    if upload.loaded is None:
        return upload
    return replace(upload, loaded=upload.loaded.without_rows())


def plan_tables(
    files: list[LoadedFile],
    contract: Contract,
    tables: dict[str, str | tuple[str, ...] | list[str] | None] | None = None,
    overrides: dict[str, dict[str, str | None]] | None = None,
    values: dict[str, dict[str, dict[str, str]]] | None = None,
) -> tuple[dict[str, TableInput], list[str]]:
    """Decide which file feeds which table and how its columns map.

    `tables` pins a file (by name) to a table, to several (a deals export that is
    also the leads list), or to None to leave it out; otherwise the table is
    guessed. `values` gives each table's value classes and aliases (Mapping.values).
    Returns the plan and plain-words notes about files that were left out.
    """
    tables = tables or {}
    overrides = overrides or {}
    plan: dict[str, TableInput] = {}
    notes: list[str] = []
    for file in files:
        chosen = tables.get(file.name, guess_table(file.frame.columns, contract, file.name))
        if chosen is None:
            notes.append(
                f"{file.name}: could not tell which table this is (no lead or opportunity ID "
                "column found). Choose its table by hand."
            )
            continue
        for table in (chosen,) if isinstance(chosen, str) else chosen:
            if table in plan:
                notes.append(
                    f"{file.name}: {plan[table].file.name} already feeds {table}; this file was "
                    "left out. Choose another table for it, or upload one file per table."
                )
                continue
            mapping = auto_map(file.frame.columns, table, contract, overrides.get(table))
            mapping = replace(mapping, values=(values or {}).get(table, {}))
            plan[table] = TableInput(file=file, mapping=mapping)
    return _link(plan, contract, overrides), notes


def _link(
    plan: dict[str, TableInput], contract: Contract, overrides: dict[str, dict[str, str | None]]
) -> dict[str, TableInput]:
    """Choose each table's lead_id column by its values' match with the leads' IDs."""
    leads = plan.get("leads")
    column = leads.mapping.columns.get("lead_id") if leads else None
    if column is None:
        return plan
    ids = leads.file.frame[column]
    linked = dict(plan)
    for table in ("opportunities", "activities"):
        if table not in plan:
            continue
        pinned = overrides.get(table, {}).get("lead_id") is not None
        mapping, link = choose_link(
            plan[table].file.frame, plan[table].mapping, ids, contract, pinned
        )
        linked[table] = replace(plan[table], mapping=mapping, link=link)
    return linked


def build_dataset(
    plan: dict[str, TableInput],
    contract: Contract,
    now: datetime | None = None,
    lookups: list[Lookup] | tuple[Lookup, ...] = (),
    keep_for_audit: bool = True,
    release: bool = False,
) -> Dataset:
    """Type, link and validate every planned table; count every row in and out.

    The contract's Polars checks decide the rows kept; with `keep_for_audit`, the tables
    as checked stay in `Dataset.checked` for truce.audit to judge with GX afterwards.
    With `release` the caller hands the plan over: each file's rows are dropped from it
    once typed (its outline stays), so a file's text and its typed table are not both held
    while the other tables are checked.
    """
    now = now or datetime.now()
    dataset = Dataset(
        mappings={t: p.mapping for t, p in plan.items()},
        files={t: p.file.without_rows() for t, p in plan.items()},
    )
    report = dataset.report
    # Before typing: the unmapped columns and lookups are read from the files' rows.
    dataset.dimensions, joins = dimensions(plan, lookups)
    typed: dict[str, pl.DataFrame] = {}
    contracts = {
        table: with_aliases(contract, plan[table].mapping.values.get("lead_source"))
        for table in TABLE_NAMES
        if table in plan
    }

    def canonical(table: str) -> tuple[pl.DataFrame, list[Finding], int]:
        """The table typed, what its typing found, and its rows as read."""
        mapping, file = plan[table].mapping, plan[table].file
        frame, findings = to_canonical(file.frame, mapping, contracts[table])
        if release:
            plan[table] = replace(plan[table], file=file.without_rows())
        return _classified(frame, mapping, contract), findings, file.frame.height

    # Two tables at a time: typing one table keeps 1.4 of the 2 cores busy.
    with ThreadPoolExecutor(TYPING_THREADS) as pool:
        canonicals = dict(zip(contracts, pool.map(canonical, contracts), strict=True))
    for table in contracts:
        frame, findings, height = canonicals.pop(table)
        file = plan[table].file
        link = plan[table].link
        if link is not None:
            dataset.decisions.append(link.says())
            if link.column is None:
                findings.append(_not_linked(table, file))
        if file.skipped_rows:
            findings.insert(0, _skipped(table, file))
        report.findings.extend(findings)
        report.rows_in[table] = height + file.skipped_rows
        report.rows_kept[table] = 0
        if not any(f.level == "error" for f in findings):
            typed[table] = frame

    # Leads first: the other tables are checked against the leads that were kept.
    distinct = False
    for table in TABLE_NAMES:
        if table not in typed:
            continue
        kept, findings, checked = validate_table(
            table, typed.pop(table), contracts[table], now, keep=KEPT.get(table)
        )
        if not distinct:  # a row of the first lead of an ID is not every such lead's row
            kept = kept.drop(LEAD_ROW, strict=False)
        report.findings.extend(findings)
        report.rows_kept[table] = kept.height
        dataset.tables[table] = kept
        if keep_for_audit:
            dataset.checked[table] = checked
        if table == "leads":
            # No two kept leads share an ID when none did, or when the later copies were left out.
            duplicated = checked.counts.get(("duplicate_id", "lead_id"))
            distinct = duplicated == 0 or contracts[table].checks["duplicate_id"].exclude
            typed = link_to_leads(typed, lead_lookup(kept, distinct=distinct))
    report.findings.extend(_unknown_outcomes(dataset.tables, plan, contract))
    dataset.decisions.extend(_counted_as_open(dataset.tables, plan, contract))
    dataset.decisions.extend(joins)
    if plan and not dataset.tables:
        report.findings.append(
            Finding(
                table="all",
                check="error",
                level="error",
                message="No table could be used; see the errors above.",
            )
        )
    return dataset


def _classified(frame: pl.DataFrame, mapping: Mapping, contract: Contract) -> pl.DataFrame:
    """Add each stage / status value's class (the contract's, the user's choices on top)."""
    for field_name in CLASSES:
        if field_name in frame.columns:
            classes = classes_for(field_name, contract, mapping.values.get(field_name))
            frame = frame.with_columns(classify(frame[field_name], field_name, classes))
    return frame


def _unknown_outcomes(
    tables: dict[str, pl.DataFrame], plan: dict[str, TableInput], contract: Contract
) -> list[Finding]:
    """A stage (or status) column whose values never say won or lost: the outcome is unknown.

    For deals that is an error (the win rate cannot be computed). For leads it is a
    warning, and only when linked deals do not tell the outcome either.
    """
    findings = []
    opps = tables.get("opportunities")
    opps_told = opps is not None and outcome_told(opps, "stage")
    for table, field_name, level in (
        ("opportunities", "stage", "error"),
        ("leads", "status", "warning"),
    ):
        frame = tables.get(table)
        if frame is None or field_name not in frame.columns or outcome_told(frame, field_name):
            continue
        linked = plan.get("opportunities") and plan["opportunities"].link
        if table == "leads" and opps_told and linked and linked.column:
            continue
        classes = classes_for(field_name, contract, plan[table].mapping.values.get(field_name))
        findings.append(
            unknown_outcome(table, field_name, value_counts(frame, field_name, classes), level)
        )
    return findings


def _counted_as_open(
    tables: dict[str, pl.DataFrame], plan: dict[str, TableInput], contract: Contract
) -> list[str]:
    """Once some stage says won or lost, the values nobody classified are open deals: say which."""
    opps = tables.get("opportunities")
    if opps is None or "stage_class" not in opps.columns or not outcome_told(opps, "stage"):
        return []
    classes = classes_for("stage", contract, plan["opportunities"].mapping.values.get("stage"))
    counts = value_counts(opps, "stage", classes).filter(pl.col("class").is_null())
    if counts.is_empty():
        return []
    named = ", ".join(
        f"'{v}' ({n:,})" for v, n in counts.head(VALUES_NAMED).select("value", "count").rows()
    )
    return [f"opportunities.stage: values not marked won or lost are counted as open: {named}"]


def _not_linked(table: str, file: LoadedFile) -> Finding:
    """Said once, instead of one orphan warning per deal."""
    return Finding(
        table=table,
        check="not_linked",
        level="warning",
        field="lead_id",
        message=f"These deals cannot be linked to leads: no column of {file.name} holds the "
        "leads' IDs. Deal numbers are shown on their own.",
    )


def _skipped(table: str, file: LoadedFile) -> Finding:
    """Rows the reader could not keep (a report footer, a cut-off last line), with its notes."""
    return Finding(
        table=table,
        check="unreadable_row",
        level="warning",
        rows=file.skipped_rows,
        excluded=file.skipped_rows,
        message=f"{file.skipped_rows:,} row(s) of {file.name} could not be read as data and were "
        f"left out. {' '.join(file.notes)}",
    )
