"""Speed-to-lead page: lead-to-win rate (and MQL -> SQL) by the time to first touch."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import PALETTE, PERCENT, category_colour, interval_tooltips, to_pandas

BAND_TITLE = "Time from creation to first sales touch"


def curve_chart(curve: pl.DataFrame, bands: tuple[str, ...]) -> alt.Chart:
    """The overall curve as it is and standardised to the source mix, per response band."""
    return (
        alt.Chart(to_pandas(curve), title="Are leads touched sooner won more often?")
        .mark_line(point=True)
        .encode(
            x=alt.X("band:N", title=BAND_TITLE, sort=list(bands), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", title="Lead-to-win rate (%)", axis=alt.Axis(format="%")),
            color=category_colour("curve", "Curve"),
            tooltip=[
                alt.Tooltip("band:N", title="First touch"),
                alt.Tooltip("curve:N", title="Curve"),
                alt.Tooltip("rate:Q", title="Lead-to-win rate", format=PERCENT),
                alt.Tooltip("leads:Q", title="Leads in the band", format=","),
                alt.Tooltip("won:Q", title="Won", format=","),
            ],
        )
    )


def band_chart(frame: pl.DataFrame, bands: tuple[str, ...], source: str, measure: str):
    """One source's rate of one measure per band (rows: rate, ci_low, ci_high, count, of),
    each a point with its 95% Wilson interval."""
    base = alt.Chart(
        to_pandas(frame), title=f"{source}: does the {measure.lower()} rate fall with time?"
    )
    x = alt.X("band:N", title=BAND_TITLE, sort=list(bands), axis=alt.Axis(labelAngle=0))
    y_title = f"{measure} rate (%)"
    tooltip = [
        alt.Tooltip("band:N", title="First touch"),
        alt.Tooltip("rate:Q", title=f"{measure} rate", format=PERCENT),
        *interval_tooltips(),
        alt.Tooltip("count:Q", title="Count", format=","),
        alt.Tooltip("of:Q", title="Of", format=","),
    ]
    interval = base.mark_rule(strokeWidth=3, color=PALETTE[0], opacity=0.6).encode(
        x=x,
        y=alt.Y("ci_low:Q", title=y_title, axis=alt.Axis(format="%")),
        y2="ci_high:Q",
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=80, color=PALETTE[0]).encode(
        x=x, y=alt.Y("rate:Q", title=y_title), tooltip=tooltip
    )
    return interval + point
