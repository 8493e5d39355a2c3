"""Win-rate page: lead-to-win rate with its interval, volume against value, revenue."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PERCENT,
    interval_tooltips,
    rate_bars,
    rows_height,
    source_colour,
    to_pandas,
)


def interval_chart(frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    """Lead-to-win rate per source as a point with its 95% interval as a bar."""
    colour, opacity = source_colour(scale, highlight)
    base = alt.Chart(
        to_pandas(frame), title="Which sources' leads turn into customers? (95% interval)"
    )
    y = alt.Y(
        "lead_source:N",
        sort=alt.EncodingSortField("lead_to_win_rate", order="descending"),
        title=None,
    )
    tooltip = [
        alt.Tooltip("lead_source:N", title="Source"),
        alt.Tooltip("leads:Q", title="Leads", format=","),
        alt.Tooltip("won:Q", title="Won", format=","),
        alt.Tooltip("lead_to_win_rate:Q", title="Lead-to-win rate", format=PERCENT),
        *interval_tooltips("win_rate_"),
    ]
    interval = base.mark_rule(strokeWidth=3).encode(
        y=y,
        x=alt.X("win_rate_ci_low:Q", title="Lead-to-win rate (%)", axis=alt.Axis(format="%")),
        x2="win_rate_ci_high:Q",
        color=colour,
        opacity=opacity,
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=90).encode(
        y=y,
        x=alt.X("lead_to_win_rate:Q", title="Lead-to-win rate (%)"),
        color=colour,
        opacity=opacity,
        tooltip=tooltip,
    )
    return (
        (interval + point)
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
        .properties(height=rows_height(frame.height))
    )


def quantity_quality_chart(frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    """Lead volume against revenue per lead: many weak leads vs few strong ones."""
    colour, opacity = source_colour(scale, highlight)
    return (
        alt.Chart(
            to_pandas(frame), title="Many leads or valuable leads? Volume against revenue per lead"
        )
        .mark_circle(size=220)
        .encode(
            x=alt.X("leads:Q", title="Leads (count)", scale=alt.Scale(zero=True)),
            y=alt.Y(
                "revenue_per_lead:Q", title="Revenue per lead ($)", axis=alt.Axis(format="$,.0f")
            ),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("leads:Q", title="Leads", format=","),
                alt.Tooltip("won:Q", title="Won", format=","),
                alt.Tooltip("revenue:Q", title="Revenue", format="$,.0f"),
                alt.Tooltip("revenue_per_lead:Q", title="Revenue per lead", format="$,.2f"),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
    )


def revenue_chart(frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    colour, opacity = source_colour(scale, highlight)
    return (
        alt.Chart(to_pandas(frame), title="Where does the revenue come from?")
        .mark_bar()
        .encode(
            y=alt.Y("lead_source:N", sort="-x", title=None),
            x=alt.X("revenue:Q", title="Revenue won ($)", axis=alt.Axis(format="$,.0f")),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("revenue:Q", title="Revenue", format="$,.0f"),
                alt.Tooltip("average_deal_size:Q", title="Average deal", format="$,.0f"),
                alt.Tooltip("won:Q", title="Won", format=","),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
    )


def deal_bars(
    frame: pl.DataFrame,
    scale: alt.Scale,
    group: str,
    title: str,
    highlight: str | None = None,
) -> alt.Chart:
    """Opportunity win rate (won / closed) per source or owner."""
    return rate_bars(
        frame,
        scale,
        "opportunity_win_rate",
        f"Which {title}s win the deals they close?",
        "Won / closed opportunities (%)",
        group=group,
        highlight=highlight,
        extra_tooltips=(
            ("opportunities", "Opportunities", ","),
            ("closed", "Closed", ","),
            ("won_opportunities", "Won", ","),
            ("opportunity_win_rate", "Win rate (%)", PERCENT),
            ("average_won_deal", "Average won deal ($)", "$,.0f"),
            ("median_days_to_close", "Median days to close", ".0f"),
        ),
    )


def ranked_chart(ranked: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    """Per source, ranked by the shrunk rate: the raw rate (hollow) beside the shrunk rate
    (filled) and its 95% interval, so a small lucky source cannot top the list."""
    colour, opacity = source_colour(scale, highlight)
    base = alt.Chart(
        to_pandas(ranked), title="Which sources are best once small numbers are allowed for?"
    )
    y = alt.Y("lead_source:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None)
    tooltip = [
        alt.Tooltip("rank:Q", title="Rank (by the shrunk rate)"),
        alt.Tooltip("lead_source:N", title="Source"),
        alt.Tooltip("leads:Q", title="Leads", format=","),
        alt.Tooltip("won:Q", title="Won", format=","),
        alt.Tooltip("estimate:N", title="Estimate"),
        alt.Tooltip("rate:Q", title="Rate", format=PERCENT),
        *interval_tooltips("shrunk_", "Shrunk: "),
    ]
    x_title = "Lead-to-win rate (%)"
    interval = base.mark_rule(strokeWidth=3).encode(
        y=y,
        x=alt.X("shrunk_ci_low:Q", title=x_title, axis=alt.Axis(format="%")),
        x2="shrunk_ci_high:Q",
        color=colour,
        opacity=opacity,
        tooltip=tooltip,
    )
    points = base.mark_point(size=110, strokeWidth=2).encode(
        y=y,
        x=alt.X("rate:Q", title=x_title),
        color=colour,
        opacity=opacity,
        # Filled or hollow says which estimate (the caption under the chart): a shape legend
        # would draw both symbols white.
        shape=alt.Shape("estimate:N", legend=None),
        fill=alt.condition(
            alt.datum.estimate == "Shrunk (posterior mean)", colour, alt.value("white")
        ),
        tooltip=tooltip,
    )
    return (
        (interval + points)
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
        .properties(height=rows_height(ranked["lead_source"].n_unique()))
    )
