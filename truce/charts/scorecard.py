"""Scorecard page: revenue left on the table per source."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PERCENT,
    to_pandas,
)


def left_on_table_chart(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    """Revenue left on the table per source: the estimate and its range."""
    base = alt.Chart(
        to_pandas(frame.filter(pl.col("mid").is_not_null())),  # sources it can size
        title="How much revenue did the leads nobody followed up leave on the table?",
    )
    y = alt.Y("lead_source:N", sort=alt.EncodingSortField("mid", order="descending"), title=None)
    tooltip = [
        alt.Tooltip("lead_source:N", title="Source"),
        alt.Tooltip("untouched:Q", title="Leads never followed up", format=","),
        alt.Tooltip("win_rate_followed_up:Q", title="Win rate when followed up", format=PERCENT),
        alt.Tooltip("average_won_deal:Q", title="Average won deal", format="$,.0f"),
        alt.Tooltip("low:Q", title="Low estimate", format="$,.0f"),
        alt.Tooltip("mid:Q", title="Estimate", format="$,.0f"),
        alt.Tooltip("high:Q", title="High estimate", format="$,.0f"),
    ]
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("mid:Q", title="Revenue not won ($, estimate)", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("lead_source:N", scale=scale, legend=None),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="black").encode(
        y=y, x=alt.X("low:Q", title="Revenue not won ($, estimate)"), x2="high:Q", tooltip=tooltip
    )
    return bars + whiskers
