"""Feedback page: rejections, their reasons, effort per won deal."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PERCENT,
    money_bars,
    rate_bars,
    stacked_shares,
)


def reasons_chart(frame: pl.DataFrame) -> alt.Chart:
    """Why sales rejected each source's leads: stacked shares of the reasons."""
    return stacked_shares(
        frame,
        "reason",
        "Reason given",
        alt.Color("reason:N", title="Reason given"),
        "Why does sales reject each source's leads?",
        "Share of the source's rejected leads (%)",
    )


def rejected_bars(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return rate_bars(
        frame,
        scale,
        "rejected_share",
        "What share of each source's leads does sales reject?",
        "Leads disqualified by sales (%)",
        extra_tooltips=(
            ("leads", "Leads", ","),
            ("disqualified", "Disqualified", ","),
            ("rejected_share", "Rejected (%)", PERCENT),
        ),
    )


def effort_bars(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return money_bars(
        frame.drop_nulls("touches_per_won_deal"),
        scale,
        "touches_per_won_deal",
        "How many sales touches does one won deal take, by source?",
        "Touches per won deal",
        fmt=",.0f",
    )
