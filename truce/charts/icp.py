"""Ideal customer profile page: a dimension's win rates, effort against wins, sources x values."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PALETTE,
    PERCENT,
    interval_tooltips,
    rows_height,
    to_pandas,
)

SHADES = {
    "shrunk_rate": "Shrunk lead-to-win rate",
    "lead_to_win_rate": "Lead-to-win rate (raw: too few groups to shrink)",
}


def heatmap(frame: pl.DataFrame, dimension: str, label: str, shade: str = "shrunk_rate"):
    """Sources x a dimension, shaded by the shrunk lead-to-win rate (a 1-of-1 cell is not the
    darkest), with each cell's number of leads written in it."""
    base = alt.Chart(
        to_pandas(frame), title=f"Which source and {label.lower()} pairs turn into customers?"
    )
    x = alt.X(f"{dimension}:N", title=label, axis=alt.Axis(labelAngle=-30))
    y = alt.Y("lead_source:N", title="Lead source")
    tooltip = [
        alt.Tooltip("lead_source:N", title="Source"),
        alt.Tooltip(f"{dimension}:N", title=label),
        alt.Tooltip("leads:Q", title="Leads", format=","),
        alt.Tooltip("won:Q", title="Won", format=","),
        alt.Tooltip("lead_to_win_rate:Q", title="Lead-to-win rate (raw)", format=PERCENT),
        alt.Tooltip("shrunk_rate:Q", title="Shrunk rate", format=PERCENT),
        *interval_tooltips("shrunk_", "Shrunk: "),
    ]
    cells = base.mark_rect().encode(
        x=x,
        y=y,
        color=alt.Color(
            f"{shade}:Q",
            title=SHADES[shade],
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format="%", orient="bottom"),
        ),
        tooltip=tooltip,
    )
    # Light text on the darker half of the scale, dark text on the lighter half.
    middle = (frame[shade].max() or 0) / 2
    counts = base.mark_text(fontSize=11).encode(
        x=x,
        y=y,
        text=alt.Text("leads:Q", format=","),
        color=alt.condition(alt.datum[shade] > middle, alt.value("white"), alt.value("black")),
        tooltip=tooltip,
    )
    return (cells + counts).properties(height=rows_height(frame["lead_source"].n_unique()))


def interval_bars(frame: pl.DataFrame, group: str, label: str) -> alt.Chart:
    """Lead-to-win rate per value of a dimension, with its 95% interval."""
    base = alt.Chart(
        to_pandas(frame), title=f"Which {label.lower()} values convert best? (95% interval)"
    )
    y = alt.Y(
        f"{group}:N",
        sort=alt.EncodingSortField("lead_to_win_rate", order="descending"),
        title=label,
    )
    tooltip = [
        alt.Tooltip(f"{group}:N", title=label),
        alt.Tooltip("leads:Q", title="Leads", format=","),
        alt.Tooltip("won:Q", title="Won", format=","),
        alt.Tooltip("lead_to_win_rate:Q", title="Lead-to-win rate", format=PERCENT),
        *interval_tooltips("win_rate_"),
        alt.Tooltip("average_won_deal:Q", title="Average won deal", format="$,.0f"),
        alt.Tooltip("share_of_touches:Q", title="Share of sales touches", format=PERCENT),
    ]
    bars = base.mark_bar(color=PALETTE[0]).encode(
        y=y,
        x=alt.X("lead_to_win_rate:Q", title="Lead-to-win rate (%)", axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="black").encode(
        y=y,
        x=alt.X("win_rate_ci_low:Q", title="Lead-to-win rate (%)"),
        x2="win_rate_ci_high:Q",
        tooltip=tooltip,
    )
    return bars + whiskers


def effort_vs_wins(frame: pl.DataFrame, group: str, label: str) -> alt.Chart:
    """Share of sales touches against share of wins per value: effort that does not close."""
    long = (
        frame.select(group, "share_of_touches", "share_of_wins")
        .unpivot(index=group, variable_name="measure")
        .with_columns(
            pl.col("measure").replace(
                {"share_of_touches": "Share of sales touches", "share_of_wins": "Share of wins"}
            )
        )
    )
    return (
        alt.Chart(
            to_pandas(long),
            title=f"Where does sales effort go, and where do wins come from? ({label})",
        )
        .mark_bar()
        .encode(
            y=alt.Y(f"{group}:N", title=label),
            yOffset="measure:N",
            x=alt.X("value:Q", title="Share of all (%)", axis=alt.Axis(format="%")),
            color=alt.Color("measure:N", title=None),
            tooltip=[
                alt.Tooltip(f"{group}:N", title=label),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Share", format=PERCENT),
            ],
        )
    )
