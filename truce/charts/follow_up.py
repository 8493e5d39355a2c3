"""Follow-up page: touched within the SLA, how long leads wait, week by week."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PERCENT,
    rate_bars,
    stacked_shares,
    to_pandas,
)


def response_band_chart(frame: pl.DataFrame, bands: tuple[str, ...]) -> alt.Chart:
    """Stacked share of each source's leads by time to first touch, fastest band first."""
    scale = alt.Scale(domain=list(bands), scheme="redyellowgreen", reverse=True)
    return stacked_shares(
        frame,
        "band",
        "First touch",
        alt.Color("band:N", sort=list(bands), title="First touch", scale=scale),
        "How long do leads wait for a first touch?",
        "Share of the source's leads (%)",
        order="band_order",
    )


def trend_chart(frame: pl.DataFrame, sla_hours: float) -> alt.Chart:
    long = frame.unpivot(
        index=["week", "leads"], on=["followed_up_rate", "sla_met_rate"], variable_name="measure"
    ).with_columns(
        pl.col("measure").replace(
            {"followed_up_rate": "Followed up at all", "sla_met_rate": f"Within {sla_hours:g} h"}
        )
    )
    return (
        alt.Chart(to_pandas(long), title="Is follow-up getting better week by week?")
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="Week the lead was created"),
            y=alt.Y("value:Q", title="Share of the week's leads (%)", axis=alt.Axis(format="%")),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Share", format=PERCENT),
                alt.Tooltip("leads:Q", title="Leads created that week", format=","),
            ],
        )
    )


def sla_bars(
    frame: pl.DataFrame,
    scale: alt.Scale,
    sla_hours: float,
    group: str = "lead_source",
    highlight: str | None = None,
) -> alt.Chart:
    """Share of each source's (or owner's) leads touched within the SLA."""
    within = f"Within {sla_hours:g} h"
    who = "sources' leads get" if group == "lead_source" else "owners touch their leads within"
    title = (
        f"Which {who} a first touch within {sla_hours:g} h?"
        if group == "lead_source"
        else f"Which {who} {sla_hours:g} h?"
    )
    return rate_bars(
        frame,
        scale,
        "sla_met_rate",
        title,
        f"Leads touched within {sla_hours:g} h (%)",
        group=group,
        highlight=highlight,
        extra_tooltips=(
            ("leads", "Leads", ","),
            ("followed_up", "Followed up", ","),
            ("followed_up_rate", "Followed up (%)", PERCENT),
            ("sla_met", within, ","),
            ("sla_met_rate", f"{within} (%)", PERCENT),
            ("median_hours_to_first_touch", "Median hours to first touch", ".1f"),
        ),
    )
