"""Whose gap is it? A source's lead-to-win rate against a reference, split (Kitagawa) into
the part that comes from how sales followed its leads up and the part from the leads.

A source's rate is Σ share(class) × win rate(class) over three follow-up classes (touched
within the SLA, after it, never touched). Against the reference, with means of the two:

    follow_up_part = Σ Δshare × mean win rate      quality_part = Σ Δwin rate × mean share

and the two add up exactly to the difference of the rates.
"""

from __future__ import annotations

import polars as pl

from truce.facts import Facts
from truce.metrics.follow_up import (
    FOLLOW_UP_CLASSES,
    WITHIN_SLA,
    follow_up_class,
    follow_up_class_index,
)
from truce.metrics.rates import rate

ALL_SOURCES = "all sources"
NO_TOUCHES = (
    "The data has no sales touches (no activities file and no first-touch column), so a "
    "source's gap cannot be split into follow-up and lead quality."
)


def cannot_split(facts: Facts) -> str | None:
    """Why the split cannot be made on this data, or None when it can."""
    if not facts.can("leads", "outcome"):
        return "The split needs leads and their outcome (won or not)."
    if not facts.can("follow_up"):
        return NO_TOUCHES
    if not facts.can("created_at"):
        return "The split needs the leads' creation dates to tell touches within the SLA."
    return None


def class_counts(leads: pl.DataFrame, sla_hours: float) -> pl.DataFrame:
    """Per source and follow-up class: leads and won, counted in one pass. Leads touched
    without a creation date have no class (null `class_order`, `follow_up`)."""
    return (
        leads.group_by("lead_source", follow_up_class_index(sla_hours).alias("class_order"))
        .agg(pl.len().alias("leads"), pl.col("won").sum().alias("won"))
        .with_columns(follow_up_class(pl.col("class_order")).alias("follow_up"))
    )


def classified_sources(counts: pl.DataFrame) -> tuple[str, ...]:
    """The sources with a lead that has a follow-up class, in order."""
    return tuple(counts.filter(pl.col("follow_up").is_not_null())["lead_source"].unique().sort())


def class_table(counts: pl.DataFrame) -> pl.DataFrame:
    """Per source and follow-up class: leads, won, share of the source's leads, win rate.
    Every class appears for every source (0 leads where none): an empty class has no
    win rate (null), and a share of 0. Leads touched without a creation date have no
    class and are left out (the `unclassified` column of `decompose` counts them).
    """
    grid = (
        counts.select(pl.col("lead_source").unique())
        .join(pl.DataFrame({"follow_up": FOLLOW_UP_CLASSES}), how="cross")
        .join(
            counts.filter(pl.col("follow_up").is_not_null()).select(
                "lead_source", "follow_up", "leads", "won"
            ),
            on=["lead_source", "follow_up"],
            how="left",
        )
        .with_columns(pl.col("leads", "won").fill_null(0))
    )
    return grid.with_columns(
        (pl.col("leads") / pl.col("leads").sum().over("lead_source")).alias("share"),
        rate("won", "leads").alias("win_rate"),
        pl.col("follow_up")
        .replace_strict({c: i for i, c in enumerate(FOLLOW_UP_CLASSES)})
        .alias("class_order"),
    ).sort("lead_source", "class_order")


def _reference_classes(classes: pl.DataFrame, reference: str | None) -> pl.DataFrame:
    """The reference's share and win rate per class: one source's, or every source pooled."""
    if reference is not None:
        chosen = classes.filter(pl.col("lead_source") == reference)
    else:
        chosen = classes.group_by("follow_up").agg(pl.col("leads", "won").sum())
    return chosen.select(
        "follow_up",
        (pl.col("leads") / pl.col("leads").sum()).alias("ref_share"),
        rate("won", "leads").alias("ref_win_rate"),
    )


def decompose(
    leads: pl.DataFrame,
    sla_hours: float,
    reference: str | None = None,
    counts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per source: its rate, the reference's, the difference and its two parts, in rate units
    (0.01 = 1 point), and the revenue at stake.

    `reference` None compares with all sources together, else with the named source.
    `counts`: class_counts(leads, sla_hours), when the caller has counted them already.
    revenue_at_stake = leads not touched within the SLA × (the source's own on-time win rate
    − their win rate) × the source's average won deal: what winning those leads at the
    on-time rate would have been worth. Null when the source has no on-time lead or no
    priced won deal (nothing to price it with).
    """
    classes = class_table(class_counts(leads, sla_hours) if counts is None else counts)
    reference_classes = _reference_classes(classes, reference)
    if reference_classes["ref_share"].is_null().all():
        raise ValueError(f"The reference {reference!r} has no leads with a follow-up class.")
    # An empty class has no win rate; it contributes share × rate = 0 whatever rate it is
    # given, so it takes the other side's rate (Δ win rate 0) and the parts stay exact: its
    # whole effect counts as follow-up (leads that are not there). Empty on both sides: 0.
    paired = classes.join(reference_classes, on="follow_up").with_columns(
        pl.coalesce("win_rate", "ref_win_rate", pl.lit(0.0)).alias("_w"),
        pl.coalesce("ref_win_rate", "win_rate", pl.lit(0.0)).alias("_w_ref"),
    )
    parts = paired.group_by("lead_source").agg(
        pl.col("leads").sum().alias("leads"),
        (pl.col("share") * pl.col("_w")).sum().alias("rate"),
        (pl.col("ref_share") * pl.col("_w_ref")).sum().alias("reference_rate"),
        ((pl.col("share") - pl.col("ref_share")) * (pl.col("_w") + pl.col("_w_ref")) / 2)
        .sum()
        .alias("follow_up_part"),
        ((pl.col("_w") - pl.col("_w_ref")) * (pl.col("share") + pl.col("ref_share")) / 2)
        .sum()
        .alias("quality_part"),
        pl.col("leads").filter(pl.col("follow_up") != WITHIN_SLA).sum().alias("_late"),
        pl.col("won").filter(pl.col("follow_up") != WITHIN_SLA).sum().alias("_late_won"),
        pl.col("win_rate")
        .filter(pl.col("follow_up") == WITHIN_SLA)
        .first()
        .alias("on_time_win_rate"),
    )
    # Both measures in one aggregation, as before: polars sums a group's floats on one
    # thread in row order then; the mean alone took its parallel path, whose last digit
    # changed from run to run.
    money = leads.group_by("lead_source").agg(
        pl.col("revenue").filter(pl.col("won")).mean().alias("average_won_deal"),
        follow_up_class_index(sla_hours).is_null().sum().alias("unclassified"),
    )
    return (
        parts.join(money, on="lead_source", how="left")
        .with_columns(
            pl.lit(reference or ALL_SOURCES).alias("reference"),
            (pl.col("rate") - pl.col("reference_rate")).alias("difference"),
            (
                (pl.col("_late") * pl.col("on_time_win_rate") - pl.col("_late_won"))
                * pl.col("average_won_deal")
            ).alias("revenue_at_stake"),
        )
        .drop("_late", "_late_won")
        .sort("difference", "lead_source")
    )
