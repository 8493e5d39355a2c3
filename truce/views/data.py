"""The Data page's model: which file feeds which table, what each column holds, what the
values mean (stage and status classes, source aliases), the lookups, and what still needs
a decision. Pure: the page draws it and writes the user's choices back to the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.audit_result import AuditResult
from truce.contract import TABLE_NAMES, Contract
from truce.io import LoadedFile
from truce.lookups import Lookup
from truce.mapping import guess_table
from truce.outcomes import CLASSES, contract_classes, value_key
from truce.pipeline import Dataset, TableInput
from truce.sources import normalise_sources

LOOKUP = "lookup"  # a file's role: joined to the others for its extra columns
SAMPLES = 3  # sample values shown next to a column name
KEEP = "(keep as its own source)"
# Findings that need the user to decide something on the Data page.
DECISIONS = {
    "unknown_outcome": "stage or status values to mark won, lost or open",
    "unknown_source": "lead-source values to assign to a source",
}


@dataclass(frozen=True)
class ColumnProfile:
    """What a column holds: a few distinct values and the share of rows that have one."""

    samples: tuple[str, ...]
    filled: float | None  # None: the file has no rows

    def label(self, column: str) -> str:
        full = "empty file" if self.filled is None else f"{self.filled:.0%} filled"
        shown = ", ".join(_short(s) for s in self.samples)
        return f"{column} — {shown} ({full})" if shown else f"{column} ({full})"


@dataclass(frozen=True)
class TableInputs:
    """What the Data page shows about one planned table that the validated rows no longer
    tell: the columns as read, and the source values the contract does not know."""

    profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    unknown_sources: pl.DataFrame = field(default_factory=pl.DataFrame)  # value, count


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_profiles(frame: pl.DataFrame) -> dict[str, ColumnProfile]:
    """Per column: its first few distinct values and how full it is."""
    rows = frame.height
    nulls = frame.null_count().row(0) if rows else (0,) * frame.width
    return {
        column: ColumnProfile(first_distinct(frame[column]), (rows - n) / rows if rows else None)
        for column, n in zip(frame.columns, nulls, strict=True)
    }


def first_distinct(values: pl.Series, prefix: int = 1_000) -> tuple[str, ...]:
    """The first SAMPLES distinct non-null values, in order of appearance. A prefix holding
    that many has the same first ones as the whole column, so a million rows are rarely
    read (the whole column was: seconds at 1M leads)."""
    while True:
        head = values.head(prefix).drop_nulls().unique(maintain_order=True).head(SAMPLES)
        if head.len() == SAMPLES or prefix >= values.len():
            return tuple(head.to_list())
        prefix *= 10


def unknown_source_counts(frame: pl.DataFrame, column: str, contract: Contract) -> pl.DataFrame:
    """Source values (spellings merged as the pipeline merges them) the contract's taxonomy
    does not know, with row counts, most first. Counted on the file as read, so a value the
    user has already assigned stays listed with its count."""
    sources = normalise_sources(frame[column], contract).drop_nulls()
    known = list(contract.sources)
    return (
        sources.filter(~sources.is_in(known))
        .value_counts(name="count")
        .rename({column: "value"})
        .cast({"count": pl.Int64})
        .sort("count", "value", descending=[True, False])
    )


def table_inputs(plan: dict[str, TableInput], contract: Contract) -> dict[str, TableInputs]:
    """Per planned table, read from its whole file once, when the data is (re)built."""
    out = {}
    for table, planned in plan.items():
        frame = planned.file.frame
        column = planned.mapping.columns.get("lead_source")
        unknown = pl.DataFrame(schema={"value": pl.String, "count": pl.Int64})
        if column in frame.columns:
            unknown = unknown_source_counts(frame, column, contract)
        out[table] = TableInputs(column_profiles(frame), unknown)
    return out


# --- which file is what ---


def split_files(
    files: list[LoadedFile], contract: Contract, picked: dict[str, str | None]
) -> tuple[list[LoadedFile], list[LoadedFile], list[str]]:
    """(files feeding tables, lookup files, names of files left out), from the roles the user
    picked (file name -> role, None: leave out). A file nobody picked a role for and whose
    table cannot be guessed (no lead or deal ID) is a lookup: joined to the others on a
    column name they share, which the Data page states, instead of being dropped."""
    tables, lookups, left_out = [], [], []
    for file in files:
        if file.name in picked:
            role = picked[file.name]
        else:
            role = guess_table(file.frame.columns, contract, file.name) or LOOKUP
        if role is None:
            left_out.append(file.name)
        else:
            (lookups if role == LOOKUP else tables).append(file)
    return tables, lookups, left_out


def table_choices(picked: dict[str, str | None]) -> dict[str, str | tuple[str, ...]]:
    """The roles picked for table files -> the choices plan_tables takes."""
    return {name: choice_of(role) for name, role in picked.items() if role not in (None, LOOKUP)}


def lookups_with_pairs(files: list[LoadedFile], pairs: dict[str, list[str]]) -> list[Lookup]:
    """Lookup files with the pair of columns the user picked, where they picked one."""
    return [Lookup(f, tuple(pairs[f.name]) if f.name in pairs else None) for f in files]


def roles(files: list, dataset: Dataset, lookups: list[str]) -> dict[str, str | None]:
    """File name -> what it feeds now: a table, several ("leads + opportunities"), "lookup",
    or None (left out)."""
    feeding: dict[str, list[str]] = {}
    for table, file in dataset.files.items():
        feeding.setdefault(file.name, []).append(table)
    out: dict[str, str | None] = {}
    for file in files:
        if file.name in lookups:
            out[file.name] = LOOKUP
        else:
            tables = feeding.get(file.name)
            out[file.name] = " + ".join(tables) if tables else None
    return out


def role_options() -> list[str]:
    """What a file can be: one table, leads and opportunities both (a deals export where each
    deal is its own lead), or a lookup."""
    return [*TABLE_NAMES, "leads + opportunities", LOOKUP]


def choice_of(role: str | None) -> str | tuple[str, ...] | None:
    """A role as picked on the page -> the table choice plan_tables takes."""
    if role is None or role == LOOKUP:
        return role
    tables = tuple(role.split(" + "))
    return tables[0] if len(tables) == 1 else tables


# --- what the values mean ---


CLASS_LABELS = {
    "won": "Won",
    "lost": "Lost",
    "mql": "MQL",
    "sql": "SQL",
    "disqualified": "Disqualified",
}


def class_lists(field_name: str) -> list[str]:
    """The classes a user puts values in; a value in none of them counts as open."""
    return [c for c in CLASSES[field_name][1] if c != "open"]


def classes_now(counts: pl.DataFrame) -> dict[str, str | None]:
    """Value -> its class now (None: not classified), from values_to_classify's table."""
    return dict(counts.select("value", "class").rows())


def reclassify(now: dict[str, str | None], cls: str, picked: list[str]) -> dict[str, str | None]:
    """The list of `cls` set to `picked`: those values move to it (out of any other list);
    values taken out of it count as open."""
    out = {v: ("open" if c == cls else c) for v, c in now.items()}
    out.update(dict.fromkeys(picked, cls))
    return out


def chosen_classes(
    classes: dict[str, str | None], field_name: str, contract: Contract
) -> dict[str, str]:
    """What to save: every value whose class is not what the contract already says (a value
    the contract does not know counts as open, so "open" need not be saved for it)."""
    prefill = contract_classes(field_name, contract)
    return {
        value: cls
        for value, cls in classes.items()
        if cls is not None and prefill.get(value_key(value), "open") != cls
    }


ALIASES_SHOWN = 20  # unknown source values with a picker; the rest via a saved mapping


def alias_choice(value: str, aliases: dict[str, str]) -> str | None:
    """What a raw source value is assigned to now: a source, KEEP, or None (undecided)."""
    target = aliases.get(value)
    return KEEP if target == value else target


def assign(aliases: dict[str, str], value: str, choice: str | None) -> dict[str, str]:
    """The aliases with one raw value assigned (KEEP: a source of its own; None: undecided)."""
    out = {k: v for k, v in aliases.items() if k != value}
    if choice is not None:
        out[value] = value if choice == KEEP else choice
    return out


# --- the landing page's summary ---


def read_summary(dataset: Dataset, lookups: list[str], left_out: list[str]) -> list[str]:
    """One line per file: what it was read as, and how many rows were kept."""
    lines = []
    for table, file in dataset.files.items():
        rows_in = dataset.report.rows_in.get(table, 0)
        kept = dataset.report.rows_kept.get(table, 0)
        lines.append(f"{file.name}: {table}, {kept:,} of {rows_in:,} rows kept.")
    lines += [f"{name}: a lookup (its columns split the views)." for name in lookups]
    lines += [f"{name}: not used." for name in left_out]
    return lines


def decisions(dataset: Dataset, notes: list[str]) -> list[str]:
    """What the user should decide on the Data page, one line each; empty when nothing."""
    out = []
    report = dataset.report
    for finding in report.findings:
        if finding.level == "error" and finding.check == "error":
            out.append(f"{finding.table}: {finding.message}")
    for check, what in DECISIONS.items():
        tables = sorted({f.table for f in report.findings if f.check == check})
        if tables:
            out.append(f"{' and '.join(tables)}: {what}.")
    return out + notes


@dataclass(frozen=True)
class DataInputs:
    """Everything the Data page needs beyond the validated dataset, kept per build."""

    tables: dict[str, TableInputs] = field(default_factory=dict)
    lookups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file name -> columns
    left_out: tuple[str, ...] = ()


def all_unknown_sources(tables: dict[str, TableInputs]) -> pl.DataFrame:
    """The unknown source values of every file, counts added up, most first."""
    frames = [t.unknown_sources for t in tables.values() if t.unknown_sources.height]
    if not frames:
        return pl.DataFrame(schema={"value": pl.String, "count": pl.Int64})
    return (
        pl.concat(frames)
        .group_by("value")
        .agg(pl.col("count").sum())
        .sort("count", "value", descending=[True, False])
    )


def aliases_in_force(values: dict[str, dict[str, dict[str, str]]]) -> dict[str, str]:
    """The source aliases the user chose (the same on every table)."""
    out: dict[str, str] = {}
    for fields in values.values():
        out.update(fields.get("lead_source", {}))
    return out


# --- the Great Expectations audit ---

AUDIT_RUNNING = "Great Expectations audit: running…"


@dataclass(frozen=True)
class AuditVerdict:
    """What the Data page says about the audit: still running, agreeing, or a flag."""

    state: str  # "running", "agrees", "disagrees" or "failed"
    lines: tuple[str, ...]


def audit_running() -> AuditVerdict:
    return AuditVerdict("running", (AUDIT_RUNNING,))


def audit_verdict(result: AuditResult, rows: int) -> AuditVerdict:
    """The audit's verdict: every count agrees (how many rules on how many rows), or one line
    per rule on which Great Expectations and the Polars check that decided the rows disagree."""
    rules = sum(len(counts) for counts in result.counts.values())
    if not result.disagreements:
        return AuditVerdict(
            "agrees",
            (f"Great Expectations audit: every count agrees ({rules:,} rules on {rows:,} rows).",),
        )
    head = (
        f"Great Expectations audit: {len(result.disagreements):,} of {rules:,} rules disagree "
        "with the check that decided the numbers, which may be wrong. Please report this."
    )
    return AuditVerdict("disagrees", (head, *(d.says() for d in result.disagreements)))


def audit_failed(error: BaseException) -> AuditVerdict:
    """The audit itself broke (not the data): named by its kind; the numbers still stand."""
    return AuditVerdict(
        "failed",
        (
            f"Great Expectations audit could not run ({type(error).__name__}); the numbers "
            "come from the contract's Polars checks, which did run.",
        ),
    )
