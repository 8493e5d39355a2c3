"""bytes -> frame -> mapped -> validated: the one path every file takes.

The app and the command line both call these functions, so a number on a page
and a number in `python -m truce report` come from the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

from truce.canonical import to_canonical
from truce.contract import TABLE_NAMES, Contract
from truce.findings import Finding, Report
from truce.io import LoadedFile, LoadError, read_table
from truce.mapping import Mapping, auto_map, guess_table
from truce.validation import link_to_leads, validate_table


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


@dataclass
class Dataset:
    """The validated canonical tables (kept rows only) and the report that explains them."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    mappings: dict[str, Mapping] = field(default_factory=dict)
    files: dict[str, LoadedFile] = field(default_factory=dict)  # table -> its file's outline


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
    tables: dict[str, str | None] | None = None,
    overrides: dict[str, dict[str, str | None]] | None = None,
) -> tuple[dict[str, TableInput], list[str]]:
    """Decide which file feeds which table and how its columns map.

    `tables` pins a file (by name) to a table, or to None to leave it out;
    otherwise the table is guessed. Returns the plan and plain-words notes about
    files that were left out.
    """
    tables = tables or {}
    overrides = overrides or {}
    plan: dict[str, TableInput] = {}
    notes: list[str] = []
    for file in files:
        table = tables.get(file.name, guess_table(file.frame.columns, contract, file.name))
        if table is None:
            notes.append(
                f"{file.name}: could not tell which table this is (no lead or opportunity ID "
                "column found). Choose its table by hand."
            )
            continue
        if table in plan:
            notes.append(
                f"{file.name}: {plan[table].file.name} already feeds {table}; this file was left "
                "out. Choose another table for it, or upload one file per table."
            )
            continue
        mapping = auto_map(file.frame.columns, table, contract, overrides.get(table))
        plan[table] = TableInput(file=file, mapping=mapping)
    return plan, notes


def build_dataset(
    plan: dict[str, TableInput], contract: Contract, now: datetime | None = None
) -> Dataset:
    """Type, link and validate every planned table; count every row in and out."""
    now = now or datetime.now()
    dataset = Dataset(
        mappings={t: p.mapping for t, p in plan.items()},
        files={t: p.file.without_rows() for t, p in plan.items()},
    )
    report = dataset.report
    typed: dict[str, pl.DataFrame] = {}
    for table in TABLE_NAMES:
        if table not in plan:
            continue
        frame, findings = to_canonical(plan[table].file.frame, plan[table].mapping, contract)
        file = plan[table].file
        if file.skipped_rows:
            findings.insert(0, _skipped(table, file))
        report.findings.extend(findings)
        report.rows_in[table] = file.frame.height + file.skipped_rows
        report.rows_kept[table] = 0
        if not any(f.level == "error" for f in findings):
            typed[table] = frame

    # Leads first: the other tables are checked against the leads that were kept.
    for table in TABLE_NAMES:
        if table not in typed:
            continue
        linked = link_to_leads({**dataset.tables, table: typed[table]})[table]
        kept, findings = validate_table(table, linked, contract, now)
        report.findings.extend(findings)
        report.rows_kept[table] = kept.height
        dataset.tables[table] = kept
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
