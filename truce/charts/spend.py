"""Spend page: return per dollar, cost per won deal, spend month by month."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    money_bars,
    to_pandas,
)


def spend_by_month(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return (
        alt.Chart(to_pandas(frame), title="How much goes to each source, month by month?")
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonth(month):O", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)
            ),
            y=alt.Y("spend:Q", title="Spend ($)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("lead_source:N", title="Lead source", scale=scale),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%B %Y"),
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("spend:Q", title="Spend", format="$,.0f"),
                alt.Tooltip("leads:Q", title="Leads created", format=","),
                alt.Tooltip("cost_per_lead:Q", title="Cost per lead", format="$,.2f"),
            ],
        )
    )


def return_bars(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return money_bars(
        frame.drop_nulls("revenue_per_dollar"),
        scale,
        "revenue_per_dollar",
        "Which sources pay back the most per dollar spent?",
        "Revenue won per $1 of spend",
        fmt="$,.2f",
    )


def cost_per_won_bars(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return money_bars(
        frame.drop_nulls("cost_per_won_deal"),
        scale,
        "cost_per_won_deal",
        "What does one won deal cost, by source?",
        "Spend per won deal ($)",
    )
