"""Do marketing's leads close? Win rates, revenue and deal size by source.

Two win rates, never mixed up: the lead-to-win rate (won leads / all leads) and
the opportunity win rate (won opportunities / closed opportunities).
"""

from __future__ import annotations

import polars as pl

from truce.metrics.frames import aggregate, days_between
from truce.metrics.rates import rate, wilson_interval


def known_sum(column: str) -> pl.Expr:
    """The count of true values, or null when no row says (an unknown outcome is not 0)."""
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum())


def lead_outcomes(leads: pl.DataFrame, by: str | None = "lead_source") -> pl.DataFrame:
    """Per group: leads, won, lead-to-win rate with its 95% Wilson interval, revenue."""
    days_to_win = days_between("created_at", "won_at")
    aggregates = [
        pl.len().alias("leads"),
        known_sum("won").alias("won"),
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
        known_sum("is_closed").alias("closed"),
        known_sum("is_won").alias("won_opportunities"),
        pl.when(pl.col("is_won").count() > 0)
        .then((pl.col("is_closed") & ~pl.col("is_won")).sum())
        .alias("lost_opportunities"),
        # 0 when no deal of the group was won; null when no deal has an amount or an outcome.
        pl.when((pl.col("amount").count() > 0) & (pl.col("is_won").count() > 0))
        .then(won_amount.sum())
        .alias("won_amount"),
        won_amount.mean().alias("average_won_deal"),
        days.filter(pl.col("is_won") & (days >= 0)).median().alias("median_days_to_close"),
    ]
    summary = aggregate(opps, by, aggregates)
    return summary.with_columns(
        rate("won_opportunities", "closed").alias("opportunity_win_rate"),
        *wilson_interval("won_opportunities", "closed", prefix="opportunity_win_rate"),
    )


def by_source(
    leads: pl.DataFrame, opps: pl.DataFrame, deals: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Lead outcomes and opportunity outcomes per source, largest source first.

    Every source of either table has a row: deals count under their own source whether
    or not they link to a lead. With deals, revenue is their won amounts (see `revenue`).
    `deals`: opportunity_outcomes(opps), when the caller has it already.
    """
    table = lead_outcomes(leads)
    if opps.height:
        deals = (opportunity_outcomes(opps) if deals is None else deals).select(
            "lead_source",
            "opportunities",
            "closed",
            "won_opportunities",
            "opportunity_win_rate",
            "median_days_to_close",
            pl.col("won_amount").alias("_deal_revenue"),
        )
        # A source with leads and no deal has 0 deals; 0 won and 0 revenue when deals say who won.
        known = bool(opps["is_won"].is_not_null().any())
        no_deals = pl.col("opportunities").is_null()
        zero_when_known = ("closed", "won_opportunities") if known else ()
        table = (
            table.join(deals, on="lead_source", how="full", coalesce=True)
            .with_columns(
                pl.col("leads").fill_null(0),
                pl.col("opportunities").fill_null(0),
                *(pl.when(no_deals).then(0).otherwise(pl.col(c)).alias(c) for c in zero_when_known),
                pl.when(no_deals & pl.lit(known))
                .then(0.0)
                .otherwise(pl.col("_deal_revenue"))
                .alias("revenue")
                if _priced(opps)
                else pl.col("revenue"),
            )
            .with_columns(rate("revenue", "leads").alias("revenue_per_lead"))
            .drop("_deal_revenue")
        )
    return table.sort("leads", "lead_source", descending=[True, False])


def revenue(
    leads: pl.DataFrame,
    opps: pl.DataFrame,
    all_leads: dict | None = None,
    all_deals: dict | None = None,
) -> float | None:
    """Revenue: won deals' amounts when the deals carry amounts (linked to a lead or not),
    else the won leads' own amounts; None when neither says. `all_leads`, `all_deals`: the
    one-row lead_outcomes and opportunity_outcomes (by=None), when the caller has them."""
    if _priced(opps):
        return (all_deals or opportunity_outcomes(opps, by=None).row(0, named=True))["won_amount"]
    if leads.height:
        return (all_leads or lead_outcomes(leads, by=None).row(0, named=True))["revenue"]
    return None


def _priced(opps: pl.DataFrame) -> bool:
    return bool(opps.height) and bool(opps["amount"].is_not_null().any())
