"""Matured win rates: the share of leads won within t days of creation, open leads censored."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import PERCENT, category_colour, interval_tooltips, to_pandas

DAYS_TITLE = "Days since the lead was created"
WON_TITLE = "Won within that many days (%)"


def curves_chart(curves: pl.DataFrame, by: str, scale: alt.Scale | None = None) -> alt.Chart:
    """One curve per source (source colours) or per quarterly cohort (a sequential scheme)."""
    label = "Lead source" if by == "lead_source" else "Quarter created"
    if scale is None:
        colour = alt.Color(f"{by}:N", title=label, scale=alt.Scale(scheme="viridis"))
    else:
        colour = alt.Color(f"{by}:N", title=label, scale=scale)
    question = "source" if by == "lead_source" else "quarter's cohort"
    return (
        alt.Chart(to_pandas(curves), title=f"How soon does each {question}'s leads close?")
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("day:Q", title=DAYS_TITLE),
            y=alt.Y("won_by:Q", title=WON_TITLE, axis=alt.Axis(format="%")),
            color=colour,
            tooltip=[
                alt.Tooltip(f"{by}:N", title=label),
                alt.Tooltip("day:Q", title="Days since created"),
                alt.Tooltip("won_by:Q", title="Won by then", format=PERCENT),
                *interval_tooltips(),
            ],
        )
    )


def cohort_chart(frame: pl.DataFrame) -> alt.Chart:
    """Per cohort: the raw rate against the rate won within 90 days (with its interval)."""
    base = alt.Chart(
        to_pandas(frame), title="Do recent cohorts really close worse, or are they just young?"
    )
    x = alt.X("cohort:N", title="Quarter the leads were created", axis=alt.Axis(labelAngle=0))
    colour = category_colour("estimate", "Rate")
    tooltip = [
        alt.Tooltip("cohort:N", title="Quarter"),
        alt.Tooltip("estimate:N", title="Rate"),
        alt.Tooltip("rate:Q", title="Rate", format=PERCENT),
        *interval_tooltips(),
        alt.Tooltip("leads:Q", title="Leads", format=","),
    ]
    interval = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=x,
        xOffset="estimate:N",
        y=alt.Y("ci_low:Q", title="Share of the cohort's leads won (%)", axis=alt.Axis(format="%")),
        y2="ci_high:Q",
        color=colour,
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=80).encode(
        x=x,
        xOffset="estimate:N",
        y=alt.Y("rate:Q", title="Share of the cohort's leads won (%)"),
        color=colour,
        tooltip=tooltip,
    )
    return interval + point
