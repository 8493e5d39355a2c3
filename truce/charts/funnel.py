"""Funnel page: stages by source, monthly cohorts, days between stages."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PERCENT,
    source_colour,
    to_pandas,
)


def funnel_chart(
    frame: pl.DataFrame,
    scale: alt.Scale,
    highlight: str | None = None,
    rate: str = "conversion_from_top",
) -> alt.Chart:
    """Grouped bars: per stage, each source's share of its leads that got that far."""
    colour, opacity = source_colour(scale, highlight)
    label = "Reaching the stage" if rate == "conversion_from_top" else "From the previous stage"
    stages = frame.sort("step")["stage"].unique(maintain_order=True).to_list()
    return (
        alt.Chart(to_pandas(frame), title="How far do each source's leads get?")
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=stages, title="Funnel stage", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("lead_source:N"),
            y=alt.Y(f"{rate}:Q", title=f"{label} (%)", axis=alt.Axis(format="%")),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("count:Q", title="Leads at this stage", format=","),
                alt.Tooltip(
                    "conversion_from_previous:Q", title="From previous stage", format=PERCENT
                ),
                alt.Tooltip("conversion_from_top:Q", title="From lead", format=PERCENT),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
    )


def cohort_chart(frame: pl.DataFrame, stage: str) -> alt.Chart:
    """Lead-to-stage conversion by monthly creation cohort."""
    data = frame.filter(pl.col("stage") == stage)
    return (
        alt.Chart(to_pandas(data), title=f"Are newer leads reaching {stage} more often?")
        .mark_line(point=True)
        .encode(
            x=alt.X("cohort:T", title="Month the lead was created", axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "conversion_from_top:Q",
                title=f"Leads reaching {stage} (%)",
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("cohort:T", title="Cohort", format="%B %Y"),
                alt.Tooltip("count:Q", title=f"Leads reaching {stage}", format=","),
                alt.Tooltip("conversion_from_top:Q", title="Share of the cohort", format=PERCENT),
            ],
        )
    )


def velocity_chart(
    frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None
) -> alt.Chart:
    colour, opacity = source_colour(scale, highlight)
    steps = frame["step"].unique(maintain_order=True).to_list()
    return (
        alt.Chart(to_pandas(frame), title="How many days does each step take? (median)")
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title="Step", axis=alt.Axis(labelAngle=0)),
            xOffset="lead_source:N",
            y=alt.Y("median_days:Q", title="Median days"),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("median_days:Q", title="Median days", format=".1f"),
                alt.Tooltip("p90_days:Q", title="90% of leads within (days)", format=".1f"),
                alt.Tooltip("leads:Q", title="Leads measured", format=","),
            ],
        )
    )
