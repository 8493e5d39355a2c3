"""Does sales follow up? Share touched, share within the SLA, and how fast."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import polars as pl

from truce.metrics.frames import aggregate
from truce.metrics.rates import rate

NEVER = "never touched"
UNTOUCHED_COLUMNS = ("lead_id", "lead_source", "owner", "created_at", "company", "email", "segment")


def follow_up_flags(sla_hours: float) -> list[pl.Expr]:
    """followed_up: any first touch at/after creation; sla_met: within the SLA.

    sla_met is null when the lead has no creation date: the data cannot say.
    """
    return [
        pl.col("first_touch_at").is_not_null().alias("followed_up"),
        pl.when(pl.col("created_at").is_not_null())
        .then(pl.col("hours_to_first_touch").fill_null(float("inf")) <= sla_hours)
        .alias("sla_met"),
    ]


WITHIN_SLA, AFTER_SLA = "within SLA", "after SLA"
FOLLOW_UP_CLASSES = (WITHIN_SLA, AFTER_SLA, NEVER)


def touched_within(sla_hours: float) -> pl.Expr:
    """True for a lead first touched within the SLA (the SLA comparison of
    `follow_up_flags`); null when touched without a creation date."""
    return pl.col("first_touch_at").is_not_null() & (pl.col("hours_to_first_touch") <= sla_hours)


def follow_up_class_index(sla_hours: float) -> pl.Expr:
    """The lead's follow-up class as its position in FOLLOW_UP_CLASSES: within the SLA,
    after it, or never touched; null when the lead was touched but has no creation date:
    its class is unknown. A number per lead: counting leads per class costs less."""
    return (
        pl.when(pl.col("first_touch_at").is_null())
        .then(pl.lit(FOLLOW_UP_CLASSES.index(NEVER)))
        .when(touched_within(sla_hours))
        .then(pl.lit(FOLLOW_UP_CLASSES.index(WITHIN_SLA)))
        .when(pl.col("hours_to_first_touch") > sla_hours)
        .then(pl.lit(FOLLOW_UP_CLASSES.index(AFTER_SLA)))
    )


def follow_up_class(index: pl.Expr) -> pl.Expr:
    """The follow-up class by name, from its position (`follow_up_class_index`)."""
    return index.replace_strict(dict(enumerate(FOLLOW_UP_CLASSES)), return_dtype=pl.String)


def follow_up_summary(
    leads: pl.DataFrame, sla_hours: float, by: str | None = "lead_source", speed: bool = True
) -> pl.DataFrame:
    """Per group: leads, followed up, SLA met (counts and rates), and with `speed` the median
    and 90th-percentile hours to first touch and touches per lead."""
    grouped = leads.with_columns(follow_up_flags(sla_hours))
    aggregates = [
        pl.len().alias("leads"),
        pl.col("followed_up").sum().alias("followed_up"),
        pl.col("sla_met").sum().alias("sla_met"),
        pl.col("sla_met").count().alias("_dated"),
    ]
    if speed:
        hours = pl.col("hours_to_first_touch").drop_nulls()  # quantiles are slow on nulls
        aggregates += [
            hours.median().alias("median_hours_to_first_touch"),
            hours.quantile(0.9, interpolation="linear").alias("p90_hours_to_first_touch"),
            pl.col("touches").mean().alias("touches_per_lead"),
        ]
    summary = aggregate(grouped, by, aggregates)
    return summary.with_columns(
        rate("followed_up", "leads").alias("followed_up_rate"),
        rate("sla_met", "_dated").alias("sla_met_rate"),
    ).drop("_dated")


def _span(hours: float) -> str:
    days = hours / 24
    if days.is_integer():
        return f"{days:g} day" if days == 1 else f"{days:g} days"
    return f"{hours:g} h"


def band_labels(bounds: Sequence[float]) -> list[str]:
    """The bands' names in order, from their upper bounds in hours (the contract's
    response_bands_hours): [1, 4, 24] -> under 1 h, 1–4 h, 4–24 h, over 1 day, never touched."""
    labels = [f"under {_span(bounds[0])}"]
    for low, high in pairwise(bounds):
        in_days = (low / 24).is_integer() and (high / 24).is_integer()
        labels.append(f"{low / 24:g}–{high / 24:g} days" if in_days else f"{low:g}–{high:g} h")
    return [*labels, f"over {_span(bounds[-1])}", NEVER]


def response_band_index(bounds: Sequence[float]) -> pl.Expr:
    """The lead's response-time band as its position in band_labels(bounds); null when
    touched but without a creation date. A number per lead, not a label: counting leads per
    band costs a third as much on numbers.

    `bounds`: the bands' upper bounds in hours, the contract's response_bands_hours.
    """
    band = pl.when(pl.col("first_touch_at").is_null()).then(pl.lit(len(bounds) + 1))
    for index, upper in enumerate([*bounds, None]):
        band = band.when(
            pl.col("hours_to_first_touch").is_not_null()
            if upper is None
            else pl.col("hours_to_first_touch") < upper
        ).then(pl.lit(index))
    return band


def band_label(bounds: Sequence[float], index: pl.Expr) -> pl.Expr:
    """The band's name from its position (`response_band_index`)."""
    labels = dict(enumerate(band_labels(bounds)))
    return index.replace_strict(labels, default=None, return_dtype=pl.String)


def response_band(bounds: Sequence[float]) -> pl.Expr:
    """The lead's response-time band by name; null when touched but without a creation date."""
    return band_label(bounds, response_band_index(bounds))


def band_order(bounds: Sequence[float]) -> pl.Expr:
    """Position of the `band` column in band_labels(bounds), for sorting fastest first."""
    labels = band_labels(bounds)
    return pl.col("band").replace_strict({b: i for i, b in enumerate(labels)}).alias("band_order")


def response_bands(
    leads: pl.DataFrame, bounds: Sequence[float], by: str = "lead_source"
) -> pl.DataFrame:
    """How many leads were first touched in each response-time band, never touched included."""
    counted = (
        leads.filter(pl.col("created_at").is_not_null() | pl.col("first_touch_at").is_null())
        .with_columns(response_band(bounds).alias("band"))
        .group_by(by, "band")
        .agg(pl.len().alias("leads"))
    )
    return counted.with_columns(
        (pl.col("leads") / pl.col("leads").sum().over(by)).alias("share"), band_order(bounds)
    ).sort(by, "band_order")


def weekly_trend(leads: pl.DataFrame, sla_hours: float) -> pl.DataFrame:
    """Per week of lead creation: followed-up and SLA-met rates."""
    weekly = leads.filter(pl.col("created_at").is_not_null()).with_columns(
        pl.col("created_at").dt.truncate("1w").dt.date().alias("week")
    )
    return follow_up_summary(weekly, sla_hours, by="week", speed=False).sort("week")


def untouched_leads(leads: pl.DataFrame) -> pl.DataFrame:
    """Every lead with no sales touch at all: the list to take into the pipeline meeting."""
    columns = [c for c in UNTOUCHED_COLUMNS if c in leads.columns]
    return leads.filter(pl.col("first_touch_at").is_null()).select(columns).sort("created_at")


def slower_sources(summary: pl.DataFrame, overall_median: float | None) -> list[str]:
    """Sentences naming sources whose median first touch is at least twice the overall one."""
    if overall_median is None or overall_median <= 0:
        return []
    slow = summary.filter(pl.col("median_hours_to_first_touch") >= 2 * overall_median).sort(
        "median_hours_to_first_touch", descending=True
    )
    return [
        f"{row['lead_source']} leads wait a median {row['median_hours_to_first_touch']:.1f} h "
        f"for a first touch, against {overall_median:.1f} h across all sources."
        for row in slow.iter_rows(named=True)
    ]
