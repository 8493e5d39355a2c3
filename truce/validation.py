"""The contract's checks on the canonical tables: which rows are kept, and why not.

Each rule comes from a field's contract type and has two forms: a Great Expectations
expectation (named here, built and run by truce.audit, the contract's engine of record)
and its Polars twin, which decides the rows to show and to leave out. The twins run on
the critical path, so the first numbers never wait for GX; the audit runs the suites
later and flags any count on which the two disagree (a test holds them to the same counts).
Cross-table checks (orphan IDs, touches before the lead existed) become ordinary column
checks by joining the lead's facts on first.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from truce.canonical import ROW
from truce.contract import Contract
from truce.findings import EXAMPLES_SHOWN, Finding, rows_with
from truce.sources import UNKNOWN

LEAD_FOUND = "_lead_found"  # the row's lead_id is empty or matches a lead
LEAD_CREATED = "_lead_created_at"  # the linked lead's created_at
# The linked lead's row in the kept leads table (null: none). Kept on the validated tables
# when no two kept leads share an ID, so the facts group and join on it, not on ID strings.
LEAD_ROW = "_lead_row"


@dataclass(frozen=True)
class Rule:
    """One contract check on one field: the GX expectation that judges the table (its class
    name in `great_expectations.expectations` and its arguments), and the same condition in
    Polars that points at the failing rows (GX's own row lists cost seconds per 100,000
    failing rows; this costs milliseconds)."""

    check: str
    field: str
    expectation: str
    kwargs: dict[str, Any]
    failing: pl.Expr

    @property
    def columns(self) -> set[str]:
        """The columns the expectation reads."""
        return {v for k, v in self.kwargs.items() if k.startswith("column")}


@dataclass(frozen=True)
class Checked:
    """A table as its rules judged it, kept so the audit can judge it again with GX."""

    table: str
    frame: pl.DataFrame  # before any row was left out; only the columns the rules read
    rules: list[Rule]
    counts: dict[tuple[str, str], int]  # failing rows per (check, field), by the twins

    def __reduce__(self):
        """Pickled to reach the audit's own process. Polars pickles a frame holding the
        interpreter lock throughout (0.37 s for a million leads' tables, which every click of
        every session waits for); its IPC writer lets go of it. Uncompressed: 0.13 s of one
        core for those tables, where compressing takes 0.39 s of both."""
        buffer = io.BytesIO()
        self.frame.write_ipc(buffer)
        return _checked_from_ipc, (self.table, buffer.getvalue(), self.rules, self.counts)


def _checked_from_ipc(table: str, data: bytes, rules: list[Rule], counts: dict) -> Checked:
    return Checked(table, pl.read_ipc(data), rules, counts)


def build_rules(table: str, frame: pl.DataFrame, contract: Contract, now: datetime) -> list[Rule]:
    """The rules for one canonical table, from the contract's field types."""
    spec = contract.tables[table]
    earliest = datetime(contract.earliest_year, 1, 1)
    rules: list[Rule] = []

    def rule(check: str, name: str, expectation: str, failing: pl.Expr, **kwargs) -> None:
        rules.append(Rule(check, name, expectation, kwargs, failing))

    for name, spec_field in spec.fields.items():
        if name not in frame.columns:
            continue
        column = pl.col(name)
        if spec_field.type == "id" and spec_field.required:
            rule("missing_id", name, "ExpectColumnValuesToNotBeNull", column.is_null(), column=name)
        if name == spec.key:
            duplicated = column.is_not_null() & column.is_duplicated()
            rule("duplicate_id", name, "ExpectColumnValuesToBeUnique", duplicated, column=name)
        if spec_field.type == "amount":
            between = "ExpectColumnValuesToBeBetween"
            rule("negative_amount", name, between, column < 0, column=name, min_value=0)
        if spec_field.type == "datetime":  # GX sees times as epoch microseconds: see truce.audit
            between = "ExpectColumnValuesToBeBetween"
            rule("future_date", name, between, column > now, column=name, max_value=_epoch(now))
            rule(
                "ancient_date",
                name,
                between,
                column < earliest,
                column=name,
                min_value=_epoch(earliest),
            )
        if spec_field.type == "source":
            known = list(contract.sources)
            rule(
                "missing_source",
                name,
                "ExpectColumnValuesToNotBeNull",
                column.is_null(),
                column=name,
            )
            rule(
                "unknown_source",
                name,
                "ExpectColumnValuesToBeInSet",
                column.is_not_null() & ~column.is_in(known),
                column=name,
                value_set=known,
            )
    if LEAD_FOUND in frame.columns:
        rule(
            "orphan_lead_id",
            "lead_id",
            "ExpectColumnValuesToBeInSet",
            ~pl.col(LEAD_FOUND),
            column=LEAD_FOUND,
            value_set=[True],
        )
    pairs = [("won_before_creation", "won_at", "created_at")]
    if table == "activities":
        pairs.append(("touch_before_creation", "occurred_at", LEAD_CREATED))
    for check, later, earlier in pairs:
        if {later, earlier} <= set(frame.columns):
            rule(
                check,
                later,
                "ExpectColumnPairValuesAToBeGreaterThanB",
                pl.col(later) < pl.col(earlier),
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
    return rules


def lead_lookup(leads: pl.DataFrame | None, distinct: bool = False) -> pl.DataFrame | None:
    """The kept leads' facts the cross-table checks read, one row per lead: built once.

    `distinct`: validation found no two leads with one ID, so keeping the first of each (a
    hash of every ID) is skipped; a lead without an ID matches nothing either way."""
    if leads is None or leads.is_empty():
        return None
    lookup = leads.select(
        pl.col("lead_id"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(LEAD_ROW),
        (
            pl.col("created_at")
            if "created_at" in leads.columns
            else pl.lit(None, pl.Datetime("us"))
        ).alias(LEAD_CREATED),
    )
    return lookup if distinct else lookup.filter(pl.col("lead_id").is_first_distinct())


def linked_leads(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """Per row of `frame`, the lookup's row for its lead_id (nulls: no such lead).

    Only the key is joined, so the lead's columns go beside the frame: the join keeps the
    file's order (which decides the "first" of duplicates) and copies no other column, nor
    the key itself (millions of ID strings: 150 MB of a 1M-lead report's peak)."""
    return (
        frame.lazy()
        .select("lead_id")
        .join(lookup.lazy(), on="lead_id", how="left", maintain_order="left")
        .drop("lead_id")
        .collect()
    )


def link_to_leads(
    tables: dict[str, pl.DataFrame], lookup: pl.DataFrame | None
) -> dict[str, pl.DataFrame]:
    """Give the opportunities and activities tables the columns their cross-table checks need.

    Both tables' lead_ids are looked up in one join: one hash table of the leads' IDs."""
    linked = [
        t
        for t in ("opportunities", "activities")
        if t in tables and not tables[t].is_empty() and "lead_id" in tables[t].columns
    ]
    if lookup is None or not linked:
        return tables
    joined = linked_leads(pl.concat(tables[t].select("lead_id") for t in linked), lookup)
    out, start = dict(tables), 0
    for table in linked:
        frame = tables[table]
        rows = joined.slice(start, frame.height)
        start += frame.height
        out[table] = frame.hstack(
            [
                (rows[LEAD_ROW].is_not_null() | frame["lead_id"].is_null()).alias(LEAD_FOUND),
                rows[LEAD_CREATED],
                rows[LEAD_ROW],
            ]
        )
    return out


def validate_table(
    table: str,
    frame: pl.DataFrame,
    contract: Contract,
    now: datetime,
    keep: Collection[str] | None = None,
) -> tuple[pl.DataFrame, list[Finding], Checked]:
    """Check one linked canonical table; return the rows kept (only the `keep` columns, when
    given), what was found, and the table as checked (for the audit).

    A row excluded by two checks is counted once, under the first.
    """
    rules = build_rules(table, frame, contract, now)
    later = _later_copies(frame, rules)
    # Every rule's rows in one pass over the table, as read (parallel, each column read once).
    masks = frame.select(
        _failing(r, later).alias(str(n)) for n, r in enumerate(rules)
    ).get_columns()
    counts = {(r.check, r.field): int(m.sum()) for r, m in zip(rules, masks, strict=True)}
    used = {ROW} | {c for r in rules for c in r.columns}
    checked = Checked(table, frame.select(c for c in frame.columns if c in used), rules, counts)
    findings: list[Finding] = []
    excluded = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    emptied: set[str] = set()  # fields whose implausible dates were left empty
    for rule, mask in zip(rules, masks, strict=True):
        if not counts[(rule.check, rule.field)]:
            continue
        check = contract.checks[rule.check]  # every check the code runs is in the contract
        if emptied & rule.columns:  # judge the dates as they now are
            mask = frame.select(rule.failing.fill_null(False)).to_series()
        if rule.check == "duplicate_id":  # GX flags every copy; the first one stays
            mask = later[rule.field]
        newly = int((mask & ~excluded).sum()) if check.exclude else 0
        findings.append(_finding(table, check, rule.field, frame.filter(mask), newly))
        if check.exclude:
            excluded |= mask
        if rule.check == "ancient_date":  # implausible: kept, the date left empty
            frame = frame.with_columns(
                pl.when(mask).then(None).otherwise(pl.col(rule.field)).alias(rule.field)
            )
            emptied.add(rule.field)
    if keep is not None:
        frame = frame.select(c for c in frame.columns if c in keep)
    kept = frame.filter(~excluded) if excluded.any() else frame
    if "lead_source" in kept.columns:
        kept = kept.with_columns(pl.col("lead_source").fill_null(UNKNOWN))
    linked = [c for c in (LEAD_FOUND, LEAD_CREATED) if c in kept.columns]
    return kept.drop(linked), findings, checked


def _later_copies(frame: pl.DataFrame, rules: list[Rule]) -> dict[str, pl.Series]:
    """Per duplicate_id rule's field with two equal IDs: its rows whose ID an earlier row
    already has (the rows left out). IDs with no two equal hashes have no two equal values:
    their exact check (0.6 s at 3M activities) is skipped."""
    later = {}
    for rule in rules:
        if rule.check != "duplicate_id":
            continue
        ids = frame[rule.field]
        hashes = ids.hash().set(ids.is_null(), None)
        if hashes.null_count() + hashes.n_unique() - (hashes.null_count() > 0) < frame.height:
            later[rule.field] = _exact_later(ids, hashes)
    return later


def _exact_later(ids: pl.Series, hashes: pl.Series) -> pl.Series:
    """The rows whose ID an earlier row already has, hashing the ID strings once: the later
    copies by hash (a later copy by value always is one), judged by value only among the
    rows whose hash is one of theirs (a handful, unless many IDs repeat)."""
    by_hash = hashes.is_not_null() & ~hashes.is_first_distinct()
    suspects = hashes.is_in(hashes.filter(by_hash).implode()).fill_null(False)
    rows = suspects.arg_true()
    repeated = ~ids.filter(suspects).is_first_distinct()
    return pl.repeat(False, ids.len(), eager=True).scatter(rows.filter(repeated), True)


def _failing(rule: Rule, later: dict[str, pl.Series]) -> pl.Expr:
    """The rule's failing rows (null: not failing). A duplicate ID's copies are the rows whose
    ID has a later copy: the rule's own condition, from the later copies already found."""
    if rule.check != "duplicate_id":
        return rule.failing.fill_null(False)
    if rule.field not in later:
        return pl.repeat(False, pl.len())
    column = pl.col(rule.field)
    repeated = column.filter(later[rule.field])
    return column.is_not_null() & column.is_in(repeated.implode())


def _finding(table: str, check, field: str, flagged: pl.DataFrame, excluded: int) -> Finding:
    """`excluded`: rows this check leaves out that no earlier check already left out."""
    shown = [ROW, *(c for c in dict.fromkeys([field, "lead_id"]) if c in flagged.columns)]
    if check.name == "touch_before_creation":
        shown.append(LEAD_CREATED)
    count = flagged.height
    if not check.exclude:
        outcome = " Kept in the analysis."
    elif excluded == count:
        outcome = f" {excluded:,} left out of the analysis."
    else:
        outcome = (
            f" {excluded:,} left out of the analysis; {count - excluded:,} already were, "
            "for a reason above."
        )
    return Finding(
        table=table,
        check=check.name,
        level=check.level,
        field=field,
        rows=count,
        excluded=excluded,
        message=f"{rows_with(count, check.says)} ({field}).{outcome}",
        examples=[
            {k: _plain(v) for k, v in row.items()}
            for row in flagged.head(EXAMPLES_SHOWN).select(shown).to_dicts()
        ],
    )


def _epoch(moment: datetime) -> int:
    """A naive datetime as microseconds since 1970, as Polars' dt.epoch('us') counts them."""
    return pl.Series([moment]).dt.epoch("us").item()


def _plain(value):
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value
