"""Great Expectations suites built from the contract, run on the canonical tables.

The suites are never written by hand: each field's contract type says which
expectations it gets, and each expectation carries the contract check it
enforces in its `meta`, so a failure turns straight into a `Finding` in the
contract's own words. Cross-table checks (orphan IDs, touches before the lead
existed) become ordinary column checks by joining the lead's facts on first.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

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


def build_suite(table: str, frame: pl.DataFrame, contract: Contract, now: datetime):
    """The expectation suite for one canonical table, from the contract's field types."""
    spec = contract.tables[table]
    earliest = datetime(int(contract.definitions.get("earliest_year", 1990)), 1, 1)
    expectations = []

    def expect(expectation_cls, check: str, field: str, **kwargs) -> None:
        meta = {"check": check, "field": field}
        expectations.append(expectation_cls(meta=meta, **kwargs))

    for name, field in spec.fields.items():
        if name not in frame.columns:
            continue
        if field.type == "id" and field.required:
            expect(gxe.ExpectColumnValuesToNotBeNull, "missing_id", name, column=name)
        if name == spec.key:
            expect(gxe.ExpectColumnValuesToBeUnique, "duplicate_id", name, column=name)
        if field.type == "amount":
            expect(
                gxe.ExpectColumnValuesToBeBetween, "negative_amount", name, column=name, min_value=0
            )
        if field.type == "datetime":
            expect(
                gxe.ExpectColumnValuesToBeBetween, "future_date", name, column=name, max_value=now
            )
            expect(
                gxe.ExpectColumnValuesToBeBetween,
                "ancient_date",
                name,
                column=name,
                min_value=earliest,
            )
        if field.type == "source":
            expect(gxe.ExpectColumnValuesToNotBeNull, "missing_source", name, column=name)
            expect(
                gxe.ExpectColumnValuesToBeInSet,
                "unknown_source",
                name,
                column=name,
                value_set=list(contract.sources),
            )
    if LEAD_FOUND in frame.columns:
        expect(
            gxe.ExpectColumnValuesToBeInSet,
            "orphan_lead_id",
            "lead_id",
            column=LEAD_FOUND,
            value_set=[True],
        )
    if table == "activities" and LEAD_CREATED in frame.columns:
        expect(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            "touch_before_creation",
            "occurred_at",
            column_A="occurred_at",
            column_B=LEAD_CREATED,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    if {"won_at", "created_at"} <= set(frame.columns):
        expect(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            "won_before_creation",
            "won_at",
            column_A="won_at",
            column_B="created_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    return gx.ExpectationSuite(name=f"truce_{table}", expectations=expectations)


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
    ).unique("lead_id", keep="first")
    linked = dict(tables)
    for name in ("opportunities", "activities"):
        frame = tables.get(name)
        if frame is None or frame.is_empty() or "lead_id" not in frame.columns:
            continue
        joined = frame.join(known, on="lead_id", how="left", maintain_order="left")
        linked[name] = joined.with_columns(
            pl.col(LEAD_FOUND).fill_null(pl.col("lead_id").is_null())
        )
    return linked


def run_suite(table: str, frame: pl.DataFrame, suite) -> list:
    """Run one suite in a throw-away context: nothing is stored, nothing is shared."""
    # In memory only, no docs site on disk, no progress bars, no analytics.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars={"globally": False},
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch = (
        context.data_sources.add_pandas(f"truce_{table}")
        .add_dataframe_asset(table)
        .add_batch_definition_whole_dataframe("upload")
        .get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    )
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW]}
    )
    return result.results


def validate_table(
    table: str, frame: pl.DataFrame, contract: Contract, now: datetime
) -> tuple[pl.DataFrame, list[Finding]]:
    """Check one linked canonical table; return the rows kept and what was found."""
    suite = build_suite(table, frame, contract, now)
    findings: list[Finding] = []
    excluded_rows: set[int] = set()
    emptied: dict[str, list[int]] = {}
    for outcome in run_suite(table, frame, suite):
        if outcome.success:
            continue
        meta = outcome.expectation_config.meta
        check = contract.checks[meta["check"]]
        field = meta["field"]
        rows = [int(r[ROW]) for r in outcome.result.get("unexpected_index_list") or []]
        if check.name == "duplicate_id":
            # GX flags every copy; the first one stays, the later copies go.
            rows = _later_copies(frame, field, rows)
        if check.name == "ancient_date":
            emptied[field] = rows
        if check.exclude:
            excluded_rows.update(rows)
        findings.append(_finding(table, frame, check, field, rows))

    kept = frame.filter(~pl.col(ROW).is_in(sorted(excluded_rows)))
    for field, rows in emptied.items():
        kept = kept.with_columns(
            pl.when(pl.col(ROW).is_in(rows)).then(None).otherwise(pl.col(field)).alias(field)
        )
    if "lead_source" in kept.columns:
        kept = kept.with_columns(pl.col("lead_source").fill_null(UNKNOWN))
    return kept.drop([c for c in (LEAD_FOUND, LEAD_CREATED) if c in kept.columns]), findings


def _later_copies(frame: pl.DataFrame, key: str, rows: list[int]) -> list[int]:
    flagged = frame.filter(pl.col(ROW).is_in(rows)).sort(ROW)
    return flagged.filter(~pl.col(key).is_first_distinct())[ROW].to_list()


def _finding(table: str, frame: pl.DataFrame, check, field: str, rows: list[int]) -> Finding:
    shown = [ROW, *(c for c in dict.fromkeys([field, "lead_id"]) if c in frame.columns)]
    if check.name in ("touch_before_creation",):
        shown.append(LEAD_CREATED)
    examples = frame.filter(pl.col(ROW).is_in(rows[:EXAMPLES_SHOWN])).select(shown)
    excluded = len(rows) if check.exclude else 0
    outcome = f" {excluded:,} left out of the analysis." if excluded else " Kept in the analysis."
    return Finding(
        table=table,
        check=check.name,
        level=check.level,
        field=field,
        rows=len(rows),
        excluded=excluded,
        message=f"{rows_with(len(rows), check.says)} ({field}).{outcome}",
        examples=[{k: _plain(v) for k, v in row.items()} for row in examples.to_dicts()],
    )


def _plain(value):
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value
