"""Great Expectations suites built from the contract, run on the canonical tables.

The suites are never written by hand: each field's contract type says which
expectations it gets, and each expectation carries the contract check it
enforces in its `meta`, so a failure turns straight into a `Finding` in the
contract's own words. Cross-table checks (orphan IDs, touches before the lead
existed) become ordinary column checks by joining the lead's facts on first.
GX judges each table and counts; a Polars twin of each condition finds the rows to
show and to leave out, and a test holds the two to the same counts.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import polars as pl

from truce.canonical import ROW
from truce.contract import Contract
from truce.findings import EXAMPLES_SHOWN, Finding, rows_with
from truce.sources import UNKNOWN

# GX phones home and draws progress bars unless told not to; neither belongs in an app.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
)

logging.getLogger("great_expectations").setLevel(logging.ERROR)

LEAD_FOUND = "_lead_found"  # the row's lead_id is empty or matches a lead
LEAD_CREATED = "_lead_created_at"  # the linked lead's created_at


@dataclass(frozen=True)
class Rule:
    """One contract check on one field: the GX expectation that judges the table, and the
    same condition in Polars that points at the failing rows (GX's own row lists cost
    seconds per 100,000 failing rows; this costs milliseconds)."""

    check: str
    field: str
    expectation: gxe.Expectation
    failing: pl.Expr


def build_rules(table: str, frame: pl.DataFrame, contract: Contract, now: datetime) -> list[Rule]:
    """The rules for one canonical table, from the contract's field types."""
    spec = contract.tables[table]
    earliest = datetime(contract.earliest_year, 1, 1)
    rules: list[Rule] = []

    def rule(check: str, field: str, expectation, failing: pl.Expr) -> None:
        meta = {"check": check, "field": field}
        rules.append(Rule(check, field, expectation(meta=meta), failing))

    for name, field in spec.fields.items():
        if name not in frame.columns:
            continue
        column = pl.col(name)
        if field.type == "id" and field.required:
            rule(
                "missing_id",
                name,
                partial(gxe.ExpectColumnValuesToNotBeNull, column=name),
                column.is_null(),
            )
        if name == spec.key:
            rule(
                "duplicate_id",
                name,
                partial(gxe.ExpectColumnValuesToBeUnique, column=name),
                column.is_not_null() & column.is_duplicated(),
            )
        if field.type == "amount":
            rule(
                "negative_amount",
                name,
                partial(gxe.ExpectColumnValuesToBeBetween, column=name, min_value=0),
                column < 0,
            )
        if field.type == "datetime":  # GX sees times as epoch microseconds: see run_suite
            rule(
                "future_date",
                name,
                partial(gxe.ExpectColumnValuesToBeBetween, column=name, max_value=_epoch(now)),
                column > now,
            )
            rule(
                "ancient_date",
                name,
                partial(gxe.ExpectColumnValuesToBeBetween, column=name, min_value=_epoch(earliest)),
                column < earliest,
            )
        if field.type == "source":
            known = list(contract.sources)
            rule(
                "missing_source",
                name,
                partial(gxe.ExpectColumnValuesToNotBeNull, column=name),
                column.is_null(),
            )
            rule(
                "unknown_source",
                name,
                partial(gxe.ExpectColumnValuesToBeInSet, column=name, value_set=known),
                column.is_not_null() & ~column.is_in(known),
            )
    if LEAD_FOUND in frame.columns:
        rule(
            "orphan_lead_id",
            "lead_id",
            partial(gxe.ExpectColumnValuesToBeInSet, column=LEAD_FOUND, value_set=[True]),
            ~pl.col(LEAD_FOUND),
        )
    pairs = [("won_before_creation", "won_at", "created_at")]
    if table == "activities":
        pairs.append(("touch_before_creation", "occurred_at", LEAD_CREATED))
    for check, later, earlier in pairs:
        if {later, earlier} <= set(frame.columns):
            rule(
                check,
                later,
                partial(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                    column_A=later,
                    column_B=earlier,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                pl.col(later) < pl.col(earlier),
            )
    return rules


def link_to_leads(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Give opportunities and activities the columns their cross-table checks need."""
    leads = tables.get("leads")
    if leads is None or leads.is_empty():
        return tables
    known = leads.select(
        pl.col("lead_id"),
        pl.lit(True).alias(LEAD_FOUND),
        (
            pl.col("created_at")
            if "created_at" in leads.columns
            else pl.lit(None, pl.Datetime("us"))
        ).alias(LEAD_CREATED),
    ).filter(pl.col("lead_id").is_first_distinct())
    linked = dict(tables)
    for name in ("opportunities", "activities"):
        frame = tables.get(name)
        if frame is None or frame.is_empty() or "lead_id" not in frame.columns:
            continue
        # Unordered join, then back to file order (which decides the "first" of duplicates):
        # twice as fast as an order-keeping join at 3M activities x 1M leads.
        joined = frame.join(known, on="lead_id", how="left").sort(ROW)
        linked[name] = joined.with_columns(
            pl.col(LEAD_FOUND).fill_null(pl.col("lead_id").is_null())
        )
    return linked


def run_suite(table: str, frame: pl.DataFrame, rules: list[Rule]) -> dict[tuple[str, str], int]:
    """Run the table's suite in a throw-away, in-memory context; failing count per rule."""
    config = DataContextConfig(  # no docs site on disk, no progress bars, no analytics
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars={"globally": False},
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas(f"truce_{table}").add_dataframe_asset(table)
    frame = _compact(frame, rules)
    batch = asset.add_batch_definition_whole_dataframe("upload").get_batch(
        batch_parameters={"dataframe": frame.to_pandas()}
    )
    suite = gx.ExpectationSuite(name=f"truce_{table}", expectations=[r.expectation for r in rules])
    result = batch.validate(suite, result_format="BASIC")
    return {
        (o.expectation_config.meta["check"], o.expectation_config.meta["field"]): (
            0 if o.success else int(o.result.get("unexpected_count") or 0)
        )
        for o in result.results
    }


def _compact(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The frame as GX gets it: only the columns the rules read, in encodings that keep every
    rule's answer but spare pandas the slow paths (1M leads with their activities: 50 s -> ~5 s).

    Datetimes become epoch microseconds (GX compares pandas datetimes one Python call per
    value); IDs become integer codes, same nulls and same repeats (GX fingerprints each
    batch, and hashing millions of strings costs seconds).
    """
    kwargs = [r.expectation.configuration.kwargs for r in rules]
    used = {ROW} | {v for k in kwargs for v in k.values() if isinstance(v, str)}
    ids = {r.field for r in rules if r.check in ("missing_id", "duplicate_id")}
    return frame.select(c for c in frame.columns if c in used).with_columns(
        pl.selectors.datetime().dt.epoch("us"),
        *(pl.col(c).rank("dense") for c in ids),
    )


def validate_table(
    table: str, frame: pl.DataFrame, contract: Contract, now: datetime
) -> tuple[pl.DataFrame, list[Finding]]:
    """Check one linked canonical table; return the rows kept and what was found.

    A row excluded by two checks is counted once, under the first.
    """
    rules = build_rules(table, frame, contract, now)
    failing = run_suite(table, frame, rules)
    findings: list[Finding] = []
    excluded = pl.Series("excluded", [False] * frame.height, pl.Boolean)
    for rule in rules:
        if not failing[(rule.check, rule.field)]:
            continue
        check = contract.checks[rule.check]  # every check the code runs is in the contract
        condition = rule.failing.fill_null(False)
        if rule.check == "duplicate_id":
            # GX flags every copy; the first one stays, the later copies go.
            condition &= ~pl.col(rule.field).is_first_distinct()
        mask = frame.select(condition).to_series()
        newly = int((mask & ~excluded).sum()) if check.exclude else 0
        findings.append(_finding(table, check, rule.field, frame.filter(mask), newly))
        if check.exclude:
            excluded |= mask
        if rule.check == "ancient_date":  # implausible: kept, the date left empty
            frame = frame.with_columns(
                pl.when(mask).then(None).otherwise(pl.col(rule.field)).alias(rule.field)
            )
    kept = frame.filter(~excluded)
    if "lead_source" in kept.columns:
        kept = kept.with_columns(pl.col("lead_source").fill_null(UNKNOWN))
    return kept.drop([c for c in (LEAD_FOUND, LEAD_CREATED) if c in kept.columns]), findings


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
