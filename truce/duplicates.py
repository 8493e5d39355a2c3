"""The same person or company entered as several leads — often once per system.

Two teams counting one lead twice is part of the dispute, so duplicates are counted,
listed, and can be merged for the analysis.
"""

from __future__ import annotations

import polars as pl

from truce.facts import HOURS

# Legal-form words that do not make a different company ("Acme Inc." is "ACME").
COMPANY_SUFFIXES = (
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|sa|sas|bv|plc|corp|corporation|co|ag)\b"
)


def normalised_company(column: str = "company") -> pl.Expr:
    return (
        pl.col(column)
        .str.to_lowercase()
        .str.replace_all(COMPANY_SUFFIXES, "")
        .str.replace_all(r"[^a-z0-9]+", "")
        .replace("", None)
    )


def duplicate_groups(leads: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """lead_id -> group id (the group's earliest lead) and why, for leads that repeat another.

    Same email (case and spaces ignored), or same normalised company name created within
    `window_days` of the group's first lead.
    """
    frame = leads.select(
        "lead_id",
        "created_at",
        (
            pl.col("email").str.strip_chars().str.to_lowercase()
            if "email" in leads.columns
            else pl.lit(None, pl.String)
        ).alias("_email"),
        (normalised_company() if "company" in leads.columns else pl.lit(None, pl.String)).alias(
            "_company"
        ),
    ).sort("created_at", "lead_id", nulls_last=True)
    by_email = frame.filter(pl.col("_email").is_not_null()).with_columns(
        pl.col("lead_id").first().over("_email").alias("group"),
        pl.lit("same email").alias("reason"),
    )
    first_in_company = pl.col("created_at").first().over("_company")
    by_company = frame.filter(
        pl.col("_company").is_not_null()
        & ((pl.col("created_at") - first_in_company).dt.total_days() <= window_days)
    ).with_columns(
        pl.col("lead_id").first().over("_company").alias("group"),
        pl.lit(f"same company within {window_days} days").alias("reason"),
    )
    groups = (
        pl.concat([by_email, by_company])
        .filter(pl.col("lead_id") != pl.col("group"))
        .unique("lead_id", keep="first", maintain_order=True)
    )
    return groups.select("lead_id", "group", "reason")


def merge(leads: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """One lead per group: the earliest, won if any copy was won, its revenue summed,
    first touch the earliest touch of any copy."""
    keyed = leads.join(groups.select("lead_id", "group"), on="lead_id", how="left").with_columns(
        pl.coalesce("group", "lead_id").alias("group")
    )
    combined = keyed.group_by("group").agg(
        pl.col("won").any().alias("_won"),
        pl.col("revenue").sum().alias("_revenue"),
        pl.col("revenue").count().alias("_priced"),
        pl.col("first_touch_at").min().alias("_first_touch"),
        pl.col("touches").sum().alias("_touches"),
    )
    kept = leads.join(groups.select("lead_id"), on="lead_id", how="anti")
    return (
        kept.join(combined, left_on="lead_id", right_on="group", how="left")
        .with_columns(
            pl.col("_won").alias("won"),
            pl.when(pl.col("_priced") > 0).then(pl.col("_revenue")).alias("revenue"),
            pl.col("_first_touch").alias("first_touch_at"),
            pl.col("_touches").alias("touches"),
            ((pl.col("_first_touch") - pl.col("created_at")).dt.total_microseconds() / HOURS).alias(
                "hours_to_first_touch"
            ),
        )
        .drop("_won", "_revenue", "_priced", "_first_touch", "_touches")
    )
