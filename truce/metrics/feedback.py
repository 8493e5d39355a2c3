"""The feedback loop: why sales rejects each source's leads, and what they cost in effort."""

from __future__ import annotations

import polars as pl

from truce.metrics.rates import rate

NO_REASON = "(no reason given)"


def rejection_by_source(leads: pl.DataFrame) -> pl.DataFrame:
    """Per source: leads, disqualified, and the share sales rejected."""
    return (
        leads.group_by("lead_source")
        .agg(pl.len().alias("leads"), pl.col("disqualified").sum().alias("disqualified"))
        .with_columns(rate("disqualified", "leads").alias("rejected_share"))
        .sort("rejected_share", descending=True)
    )


def reasons_by_source(leads: pl.DataFrame) -> pl.DataFrame:
    """Per source and reason: rejected leads, and the reason's share of the rejections."""
    return (
        leads.filter(pl.col("disqualified"))
        .with_columns(pl.col("disqualified_reason").fill_null(NO_REASON).alias("reason"))
        .group_by("lead_source", "reason")
        .agg(pl.len().alias("leads"))
        .with_columns((pl.col("leads") / pl.col("leads").sum().over("lead_source")).alias("share"))
        .sort("lead_source", "leads", descending=[False, True])
    )


def effort_by_source(leads: pl.DataFrame) -> pl.DataFrame:
    """Per source: touches, per lead, per won deal, and the share spent on rejected leads."""
    return (
        leads.group_by("lead_source")
        .agg(
            pl.len().alias("leads"),
            pl.col("won").sum().alias("won"),
            pl.col("touches").sum().alias("touches"),
            pl.col("touches").filter(pl.col("disqualified")).sum().alias("touches_on_rejected"),
        )
        .with_columns(
            rate("touches", "leads").alias("touches_per_lead"),
            rate("touches", "won").alias("touches_per_won_deal"),
            rate("touches_on_rejected", "touches").alias("share_of_touches_on_rejected"),
        )
        .sort("touches_per_won_deal", descending=True, nulls_last=True)
    )
