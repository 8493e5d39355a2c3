"""Spend and return: what each source costs per lead, per MQL, per won deal, and pays back."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from truce.metrics.rates import rate

COUNTED = {"mqls": "mql_reached", "won": "won"}  # a count -> the lead fact it counts


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


def by_source(spend: pl.DataFrame, leads: pl.DataFrame) -> pl.DataFrame:
    """Per source: spend, leads, MQLs, won, revenue, cost per lead / MQL / won, revenue per $.

    MQLs, wins and revenue the data cannot tell (no stage dates, no outcome, no amounts) stay
    null, so their costs and return say n/a instead of 0."""
    costs = spend.group_by("lead_source").agg(pl.col("spend").sum())
    told = [c for c in ("mql_reached", "won", "revenue") if leads[c].is_not_null().any()]
    results = (
        _leads_in_spend_months(leads, spend)
        .group_by("lead_source")
        .agg(
            pl.len().alias("leads"),
            _told_sum("mql_reached", told).alias("mqls"),
            _told_sum("won", told).alias("won"),
            _told_sum("revenue", told).cast(pl.Float64).alias("revenue"),
        )
        .collect()
    )
    counted = ["leads", *(name for name, column in COUNTED.items() if column in told)]
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


def _told_sum(column: str, told: list[str]) -> pl.Expr:
    """The sum when the leads tell this at all, else null (unknown is not zero)."""
    return pl.col(column).sum() if column in told else pl.lit(None, pl.UInt32)


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
