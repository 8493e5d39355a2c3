"""Verdict page: each claim's rates with their intervals, and whose gap each source's is."""

from __future__ import annotations

import altair as alt
import polars as pl

from truce.charts.base import (
    PALETTE,
    PERCENT,
    category_colour,
    interval_tooltips,
    rows_height,
    to_pandas,
)

# Follow-up and lead quality keep these colours wherever the split is drawn.
PART_SCALE = alt.Scale(
    domain=["from follow-up", "from lead quality"], range=[PALETTE[1], PALETTE[0]]
)


def card_chart(measures: pl.DataFrame, title: str) -> alt.Chart:
    """A card's rates per group (marketing, sales, sources): a point and its 95% interval."""
    base = alt.Chart(to_pandas(measures), title=title)
    y = alt.Y("group:N", title=None, sort=None)
    tooltip = [
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("group:N", title="Leads"),
        alt.Tooltip("count:Q", title="Count", format=","),
        alt.Tooltip("of:Q", title="Of leads", format=","),
        alt.Tooltip("rate:Q", title="Rate", format=PERCENT),
        *interval_tooltips(),
    ]
    several = measures["measure"].n_unique() > 1  # one measure: its name is in the title
    colour = category_colour("measure", "Measure", several)
    interval = base.mark_rule(strokeWidth=3).encode(
        y=y,
        yOffset="measure:N",
        x=alt.X("ci_low:Q", title="Share of the group's leads (%)", axis=alt.Axis(format="%")),
        x2="ci_high:Q",
        color=colour,
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=80).encode(
        y=y,
        yOffset="measure:N",
        x=alt.X("rate:Q", title="Share of the group's leads (%)"),
        color=colour,
        tooltip=tooltip,
    )
    groups = measures["group"].n_unique() * max(1, measures["measure"].n_unique())
    return (interval + point).properties(height=rows_height(min(groups, 20)))


def gap_chart(parts: pl.DataFrame, reference: str) -> alt.Chart:
    """Per source one diverging bar: the follow-up and lead-quality parts of its difference
    from the reference, in points, with a black tick at the whole difference."""
    base = alt.Chart(
        to_pandas(parts),
        title=f"Whose gap is it? Each source's lead-to-win rate against {reference}, split",
    )
    # An explicit order: a sort by field is dropped by Vega-Lite when layers are combined.
    order = parts.sort("difference_points", "lead_source")["lead_source"].unique(
        maintain_order=True
    )
    y = alt.Y("lead_source:N", title=None, sort=order.to_list())
    x_title = f"Difference in lead-to-win rate from {reference} (percentage points)"
    tooltip = [
        alt.Tooltip("lead_source:N", title="Source"),
        alt.Tooltip("difference_points:Q", title="Whole difference (pts)", format="+.1f"),
        alt.Tooltip("part:N", title="Part"),
        alt.Tooltip("points:Q", title="Points", format="+.1f"),
    ]
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("points:Q", title=x_title),
        color=alt.Color(
            "part:N", title="Part of the gap", scale=PART_SCALE, legend=alt.Legend(orient="bottom")
        ),
        tooltip=tooltip,
    )
    whole = base.mark_tick(color="black", thickness=2, size=22).encode(
        y=y,
        x=alt.X("difference_points:Q", title=x_title),
        tooltip=tooltip,
    )
    return (bars + whole).properties(height=rows_height(parts["lead_source"].n_unique()))
