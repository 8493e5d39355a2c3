"""What every chart shares: palette, sizing, tooltips, the one hand-over to Altair, and the
bar builders several pages use. One module per page holds that page's charts.

Every chart gets a title that asks the question it answers, axis titles with
units, tooltips with the exact numbers, and the same colour for a source on
every page. The data handed in is always an aggregate: bounded by sources x
stages x months, never by the number of leads.
"""

from __future__ import annotations

import altair as alt
import polars as pl

PALETTE = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#b279a2",
    "#eeca3b",
    "#9d755d",
    "#ff9da6",
    "#bab0ac",
    "#439894",
    "#d67195",
)
PERCENT = ".1%"
MONEY = {
    "spend",
    "revenue",
    "cost_per_lead",
    "cost_per_mql",
    "cost_per_won_deal",
    "revenue_per_dollar",
    "average_won_deal",
}


def interval_tooltips(prefix: str = "", label: str = "") -> list[alt.Tooltip]:
    """The two tooltips of a rate's 95% interval: columns `<prefix>ci_low`/`<prefix>ci_high`,
    titles led by `label` (e.g. "Shrunk: ")."""
    return [
        alt.Tooltip(f"{prefix}ci_low:Q", title=f"{label}95% interval from", format=PERCENT),
        alt.Tooltip(f"{prefix}ci_high:Q", title=f"{label}95% interval to", format=PERCENT),
    ]


def category_colour(field: str, title: str, legend: bool = True) -> alt.Color:
    """Colours for a few categories that are not sources (curves, measures, estimates), with
    the legend under the chart, its labels in full."""
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(scheme="tableau10"),
        legend=alt.Legend(orient="bottom", labelLimit=400) if legend else None,
    )


def to_pandas(frame: pl.DataFrame):
    """The one hand-over to Altair (which reads pandas): an aggregate, never one row per lead."""
    return frame.to_pandas()


def rows_height(rows: int) -> int:
    """Tall enough for one readable band (and one legend entry) per row, plus the title and
    axis, which Streamlit fits inside the same height."""
    return max(260, 36 * rows + 120)


def source_scale(sources: list[str]) -> alt.Scale:
    """One colour per source, fixed by the full list of sources so filters don't shift it."""
    ordered = sorted(sources)
    return alt.Scale(domain=ordered, range=[PALETTE[i % len(PALETTE)] for i in range(len(ordered))])


def source_colour(scale: alt.Scale, highlight: str | None, field: str = "lead_source"):
    colour = alt.Color(f"{field}:N", title="Lead source", scale=scale)
    if highlight is None:
        return colour, alt.value(1.0)
    return colour, alt.condition(alt.datum[field] == highlight, alt.value(1.0), alt.value(0.25))


def rate_bars(
    frame: pl.DataFrame,
    scale: alt.Scale,
    value: str,
    title: str,
    axis_title: str,
    group: str = "lead_source",
    highlight: str | None = None,
    extra_tooltips: tuple[tuple[str, str, str], ...] = (),
) -> alt.Chart:
    """Horizontal bars of a rate per group (source or owner), sorted high to low."""
    is_source = group == "lead_source"
    colour, opacity = (
        source_colour(scale, highlight) if is_source else (alt.value(PALETTE[0]), alt.value(1))
    )
    tooltips = [alt.Tooltip(f"{group}:N", title=group.replace("_", " ").capitalize())]
    tooltips += [alt.Tooltip(f"{c}:Q", title=t, format=f) for c, t, f in extra_tooltips]
    return (
        alt.Chart(to_pandas(frame), title=title)
        .mark_bar()
        .encode(
            y=alt.Y(f"{group}:N", sort="-x", title=None),
            x=alt.X(
                f"{value}:Q",
                title=axis_title,
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=colour,
            opacity=opacity,
            tooltip=tooltips,
        )
        .add_params(alt.selection_point(name="pick", fields=[group]))
        .properties(height=rows_height(frame.height))
    )


def stacked_shares(
    frame: pl.DataFrame,
    part: str,
    part_title: str,
    colour: alt.Color,
    title: str,
    axis_title: str,
    order: str | None = None,
) -> alt.Chart:
    """One bar per source split into the shares of `part` (each row: leads and share)."""
    encoding = {
        "y": alt.Y("lead_source:N", title=None),
        "x": alt.X("share:Q", title=axis_title, axis=alt.Axis(format="%"), stack="normalize"),
        "color": colour,
        "tooltip": [
            alt.Tooltip("lead_source:N", title="Source"),
            alt.Tooltip(f"{part}:N", title=part_title),
            alt.Tooltip("leads:Q", title="Leads", format=","),
            alt.Tooltip("share:Q", title="Share of the source's bar", format=PERCENT),
        ],
    }
    if order:
        encoding["order"] = alt.Order(f"{order}:Q")
    return alt.Chart(to_pandas(frame), title=title).mark_bar().encode(**encoding)


def money_bars(
    frame: pl.DataFrame,
    scale: alt.Scale,
    value: str,
    title: str,
    axis_title: str,
    fmt: str = "$,.0f",
) -> alt.Chart:
    """Horizontal bars of a money figure per source, sorted high to low."""
    return (
        alt.Chart(to_pandas(frame), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("lead_source:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=axis_title, axis=alt.Axis(format=fmt)),
            color=alt.Color("lead_source:N", title="Lead source", scale=scale, legend=None),
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                *(
                    alt.Tooltip(
                        f"{name}:Q",
                        title=name.replace("_", " ").capitalize(),
                        format=("$,.2f" if name in MONEY else ",.2f"),
                    )
                    for name, dtype in frame.schema.items()
                    if dtype.is_numeric()
                ),
            ],
        )
    )
