"""Ideal customer profile: which segments, sizes and countries convert, and where effort goes."""

from __future__ import annotations

import polars as pl

from truce.metrics.frames import days_between
from truce.metrics.rates import rate, wilson_interval

DIMENSIONS = {"segment": "Segment", "company_size": "Company size", "country": "Country"}


def dimensions_present(leads: pl.DataFrame) -> list[str]:
    return [d for d in DIMENSIONS if d in leads.columns and leads[d].is_not_null().any()]


def by_dimension(leads: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Per value: leads, won, win rate with interval, deal size, days to win, share of effort.

    share_of_touches vs share_of_wins shows where sales spends time on leads that rarely close.
    """
    days = days_between("created_at", "won_at")
    known = leads.lazy().filter(pl.col(dimension).is_not_null())
    counts = known.group_by(dimension).agg(
        pl.len().alias("leads"),
        pl.col("won").sum().alias("won"),
        pl.col("touches").sum().alias("touches"),
    )
    # Deal size and days to win read the won leads only, grouped apart (a small share of the
    # rows). The median beside the mean keeps polars on its per-group path, where each
    # group's amounts are added in row order (as when both were measured on every lead).
    wins = (
        known.filter(pl.col("won"))
        .group_by(dimension)
        .agg(
            pl.col("revenue").mean().alias("average_won_deal"),
            days.filter(days >= 0).median().alias("median_days_to_win"),
        )
    )
    counts, wins = pl.collect_all([counts, wins])
    table = (
        counts.join(wins, on=dimension, how="left")
        .select(dimension, "leads", "won", "average_won_deal", "median_days_to_win", "touches")
        .with_columns(
            rate("won", "leads").alias("lead_to_win_rate"), *wilson_interval("won", "leads")
        )
    )
    return table.with_columns(
        (pl.col("touches") / pl.col("touches").sum()).alias("share_of_touches"),
        (pl.col("won") / pl.col("won").sum()).alias("share_of_wins"),
        # Ties broken by size, then by value: the same data always lists in the same order.
    ).sort(
        ["lead_to_win_rate", "leads", dimension],
        descending=[True, True, False],
        nulls_last=True,
    )


def source_heatmap(leads: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Sources x values of a dimension: leads, won, lead-to-win rate."""
    return (
        leads.lazy()
        .filter(pl.col(dimension).is_not_null())
        .group_by("lead_source", dimension)
        .agg(pl.len().alias("leads"), pl.col("won").sum().alias("won"))
        .with_columns(rate("won", "leads").alias("lead_to_win_rate"))
        .sort("lead_source", dimension)
        .collect()
    )
