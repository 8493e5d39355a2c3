"""Do marketing's leads close? Win rates, revenue and deal size by source.

Two win rates, never mixed up: the lead-to-win rate (won leads / all leads) and
the opportunity win rate (won opportunities / closed opportunities).
"""

from __future__ import annotations

import polars as pl

from truce.metrics.frames import aggregate, days_between
from truce.metrics.rates import rate, wilson_interval


def lead_outcomes(leads: pl.DataFrame, by: str | None = "lead_source") -> pl.DataFrame:
    """Per group: leads, won, lead-to-win rate with its 95% Wilson interval, revenue."""
    days_to_win = days_between("created_at", "won_at")
    aggregates = [
        pl.len().alias("leads"),
        pl.col("won").sum().alias("won"),
        pl.col("revenue").sum().alias("revenue"),
        pl.col("revenue").count().alias("_priced"),
        days_to_win.filter(pl.col("won") & (days_to_win >= 0)).median().alias("median_days_to_win"),
    ]
    summary = aggregate(leads, by, aggregates)
    return (
        summary.with_columns(
            rate("won", "leads").alias("lead_to_win_rate"),
            *wilson_interval("won", "leads"),
            pl.when(pl.col("_priced") > 0).then(pl.col("revenue")).alias("revenue"),
        )
        .with_columns(
            rate("revenue", "leads").alias("revenue_per_lead"),
            (pl.col("revenue") / pl.col("_priced")).alias("average_deal_size"),
        )
        .drop("_priced")
    )


def opportunity_outcomes(opps: pl.DataFrame, by: str | None = "lead_source") -> pl.DataFrame:
    """Per group: opportunities, closed, won, opportunity win rate, deal size, days to close."""
    days = days_between("created_at", "closed_at")
    won_amount = pl.col("amount").filter(pl.col("is_won"))
    aggregates = [
        pl.len().alias("opportunities"),
        pl.col("is_closed").sum().alias("closed"),
        pl.col("is_won").sum().alias("won_opportunities"),
        won_amount.sum().alias("won_amount"),
        won_amount.mean().alias("average_won_deal"),
        days.filter(pl.col("is_won") & (days >= 0)).median().alias("median_days_to_close"),
    ]
    summary = aggregate(opps, by, aggregates)
    return summary.with_columns(
        rate("won_opportunities", "closed").alias("opportunity_win_rate"),
        *wilson_interval("won_opportunities", "closed", prefix="opportunity_win_rate"),
    )


def by_source(leads: pl.DataFrame, opps: pl.DataFrame) -> pl.DataFrame:
    """Lead outcomes joined with opportunity outcomes per source, largest source first."""
    table = lead_outcomes(leads)
    if opps.height:
        table = table.join(
            opportunity_outcomes(opps).select(
                "lead_source",
                "opportunities",
                "closed",
                "won_opportunities",
                "opportunity_win_rate",
                "median_days_to_close",
            ),
            on="lead_source",
            how="left",
        )
    return table.sort("leads", "lead_source", descending=[True, False])
