"""Spend and return: what each source costs per lead, per MQL, per won deal, and pays back."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from truce.metrics.rates import rate

# Each result -> the lead fact it adds up, and what the data must tell for that sum to mean
# anything (Facts.available): without it the result is unknown, not 0.
RESULTS = {
    "mqls": ("mql_reached", {"mql"}),
    "won": ("won", {"outcome"}),
    "revenue": ("revenue", {"outcome", "amount"}),
}


def _leads_in_spend_months(leads: pl.DataFrame, spend: pl.DataFrame) -> pl.LazyFrame:
    """Only leads created in months the spend file covers: cost and result, same months.
    Lazy: the filter cuts only the columns the caller reads, not every fact column."""
    months = spend.select(pl.col("month").dt.truncate("1mo").unique().drop_nulls().sort())
    # Adjacent months as one range of timestamps: a comparison or two per lead, where
    # finding each lead's month costs twenty times as much.
    ranges: list[list[datetime]] = []
    for start in months["month"]:
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    created = pl.col("created_at")
    within = [(created >= start) & (created < end) for start, end in ranges]
    return leads.lazy().filter(pl.any_horizontal(within) if within else pl.lit(False))


def by_source(spend: pl.DataFrame, leads: pl.DataFrame, known: frozenset[str]) -> pl.DataFrame:
    """Per source: spend, leads, MQLs, won, revenue, cost per lead / MQL / won, revenue per $.

    `known`: what the data can tell (Facts.available). MQLs, wins and revenue it cannot tell
    (no stages, no outcome, no amounts) stay null, so their costs and return say n/a, not 0."""
    costs = spend.group_by("lead_source").agg(pl.col("spend").sum())
    told = [name for name, (_, needs) in RESULTS.items() if needs <= known]
    results = (
        _leads_in_spend_months(leads, spend)
        .group_by("lead_source")
        .agg(
            pl.len().alias("leads"),
            *(
                (pl.col(column).sum() if name in told else pl.lit(None)).alias(name)
                for name, (column, _) in RESULTS.items()
            ),
        )
        .with_columns(pl.col("mqls", "won").cast(pl.UInt32), pl.col("revenue").cast(pl.Float64))
        .collect()
    )
    counted = ["leads", *(name for name in ("mqls", "won") if name in told)]
    return (
        # Only sources the spend file names: a source with no spend row has no known cost.
        costs.join(results, on="lead_source", how="left")
        .with_columns(pl.col(counted).fill_null(0))
        .with_columns(
            rate("spend", "leads").alias("cost_per_lead"),
            rate("spend", "mqls").alias("cost_per_mql"),
            rate("spend", "won").alias("cost_per_won_deal"),
            rate("revenue", "spend").alias("revenue_per_dollar"),
        )
        .sort("revenue_per_dollar", descending=True, nulls_last=True)
    )


def by_month(spend: pl.DataFrame, leads: pl.DataFrame) -> pl.DataFrame:
    """Per source and month: spend, leads created, cost per lead."""
    costs = (
        spend.with_columns(pl.col("month").dt.truncate("1mo").dt.date())
        .group_by("lead_source", "month")
        .agg(pl.col("spend").sum())
    )
    created = (
        leads.filter(pl.col("created_at").is_not_null())
        .with_columns(pl.col("created_at").dt.truncate("1mo").dt.date().alias("month"))
        .group_by("lead_source", "month")
        .agg(pl.len().alias("leads"))
    )
    return (
        costs.join(created, on=["lead_source", "month"], how="left")
        .with_columns(pl.col("leads").fill_null(0))
        .with_columns(rate("spend", "leads").alias("cost_per_lead"))
        .sort("month", "lead_source")
    )
