"""Small aggregate frames -> Altair charts.

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


def _rows_height(rows: int) -> int:
    """Tall enough for one readable band (and one legend entry) per row, plus the title and
    axis, which Streamlit fits inside the same height."""
    return max(260, 36 * rows + 120)


def source_scale(sources: list[str]) -> alt.Scale:
    """One colour per source, fixed by the full list of sources so filters don't shift it."""
    ordered = sorted(sources)
    return alt.Scale(domain=ordered, range=[PALETTE[i % len(PALETTE)] for i in range(len(ordered))])


def _source_colour(scale: alt.Scale, highlight: str | None, field: str = "lead_source"):
    colour = alt.Color(f"{field}:N", title="Lead source", scale=scale)
    if highlight is None:
        return colour, alt.value(1.0)
    return colour, alt.condition(alt.datum[field] == highlight, alt.value(1.0), alt.value(0.25))


def funnel_chart(
    frame: pl.DataFrame,
    scale: alt.Scale,
    highlight: str | None = None,
    rate: str = "conversion_from_top",
) -> alt.Chart:
    """Grouped bars: per stage, each source's share of its leads that got that far."""
    colour, opacity = _source_colour(scale, highlight)
    label = "Reaching the stage" if rate == "conversion_from_top" else "From the previous stage"
    stages = frame.sort("step")["stage"].unique(maintain_order=True).to_list()
    return (
        alt.Chart(frame.to_pandas(), title="How far do each source's leads get?")
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=stages, title="Funnel stage", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("lead_source:N"),
            y=alt.Y(f"{rate}:Q", title=f"{label} (%)", axis=alt.Axis(format="%")),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("count:Q", title="Leads at this stage", format=","),
                alt.Tooltip(
                    "conversion_from_previous:Q", title="From previous stage", format=PERCENT
                ),
                alt.Tooltip("conversion_from_top:Q", title="From lead", format=PERCENT),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["lead_source"]))
    )


def cohort_chart(frame: pl.DataFrame, stage: str) -> alt.Chart:
    """Lead-to-stage conversion by monthly creation cohort."""
    data = frame.filter(pl.col("stage") == stage)
    return (
        alt.Chart(data.to_pandas(), title=f"Are newer leads reaching {stage} more often?")
        .mark_line(point=True)
        .encode(
            x=alt.X("cohort:T", title="Month the lead was created", axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "conversion_from_top:Q",
                title=f"Leads reaching {stage} (%)",
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("cohort:T", title="Cohort", format="%B %Y"),
                alt.Tooltip("count:Q", title=f"Leads reaching {stage}", format=","),
                alt.Tooltip("conversion_from_top:Q", title="Share of the cohort", format=PERCENT),
            ],
        )
    )


def velocity_chart(
    frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None
) -> alt.Chart:
    colour, opacity = _source_colour(scale, highlight)
    steps = frame["step"].unique(maintain_order=True).to_list()
    return (
        alt.Chart(frame.to_pandas(), title="How many days does each step take? (median)")
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title="Step", axis=alt.Axis(labelAngle=0)),
            xOffset="lead_source:N",
            y=alt.Y("median_days:Q", title="Median days"),
            color=colour,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("median_days:Q", title="Median days", format=".1f"),
                alt.Tooltip("p90_days:Q", title="90% of leads within (days)", format=".1f"),
                alt.Tooltip("leads:Q", title="Leads measured", format=","),
            ],
        )
    )


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
        _source_colour(scale, highlight) if is_source else (alt.value(PALETTE[0]), alt.value(1))
    )
    tooltips = [alt.Tooltip(f"{group}:N", title=group.replace("_", " ").capitalize())]
    tooltips += [alt.Tooltip(f"{c}:Q", title=t, format=f) for c, t, f in extra_tooltips]
    return (
        alt.Chart(frame.to_pandas(), title=title)
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
        .properties(height=_rows_height(frame.height))
    )


def response_band_chart(frame: pl.DataFrame, bands: list[str]) -> alt.Chart:
    """Stacked share of each source's leads by time to first touch, fastest band first."""
    scale = alt.Scale(domain=bands, scheme="redyellowgreen", reverse=True)
    return _stacked_shares(
        frame,
        "band",
        "First touch",
        alt.Color("band:N", sort=bands, title="First touch", scale=scale),
        "How long do leads wait for a first touch?",
        "Share of the source's leads (%)",
        order="band_order",
    )


def _stacked_shares(
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
    return alt.Chart(frame.to_pandas(), title=title).mark_bar().encode(**encoding)


def trend_chart(frame: pl.DataFrame, sla_hours: float) -> alt.Chart:
    long = frame.unpivot(
        index=["week", "leads"], on=["followed_up_rate", "sla_met_rate"], variable_name="measure"
    ).with_columns(
        pl.col("measure").replace(
            {"followed_up_rate": "Followed up at all", "sla_met_rate": f"Within {sla_hours:g} h"}
        )
    )
    return (
        alt.Chart(long.to_pandas(), title="Is follow-up getting better week by week?")
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


def win_rate_interval_chart(frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    """Lead-to-win rate per source as a point with its 95% interval as a bar."""
    colour, opacity = _source_colour(scale, highlight)
    base = alt.Chart(
        frame.to_pandas(), title="Which sources' leads turn into customers? (95% interval)"
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
        alt.Tooltip("win_rate_ci_low:Q", title="95% interval from", format=PERCENT),
        alt.Tooltip("win_rate_ci_high:Q", title="95% interval to", format=PERCENT),
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
        .properties(height=_rows_height(frame.height))
    )


def quantity_quality_chart(frame: pl.DataFrame, scale: alt.Scale, highlight: str | None = None):
    """Lead volume against revenue per lead: many weak leads vs few strong ones."""
    colour, opacity = _source_colour(scale, highlight)
    return (
        alt.Chart(
            frame.to_pandas(), title="Many leads or valuable leads? Volume against revenue per lead"
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
    colour, opacity = _source_colour(scale, highlight)
    return (
        alt.Chart(frame.to_pandas(), title="Where does the revenue come from?")
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


def heatmap(frame: pl.DataFrame, dimension: str, label: str) -> alt.Chart:
    """Sources x a dimension, coloured by lead-to-win rate, with the counts in the tooltip."""
    return (
        alt.Chart(
            frame.to_pandas(), title=f"Which source and {label.lower()} pairs turn into customers?"
        )
        .mark_rect()
        .encode(
            x=alt.X(f"{dimension}:N", title=label),
            y=alt.Y("lead_source:N", title="Lead source"),
            color=alt.Color(
                "lead_to_win_rate:Q",
                title="Lead-to-win rate",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("lead_source:N", title="Source"),
                alt.Tooltip(f"{dimension}:N", title=label),
                alt.Tooltip("leads:Q", title="Leads", format=","),
                alt.Tooltip("won:Q", title="Won", format=","),
                alt.Tooltip("lead_to_win_rate:Q", title="Lead-to-win rate", format=PERCENT),
            ],
        )
    )


def interval_bars(frame: pl.DataFrame, group: str, label: str) -> alt.Chart:
    """Lead-to-win rate per value of a dimension, with its 95% interval."""
    base = alt.Chart(
        frame.to_pandas(), title=f"Which {label.lower()} values convert best? (95% interval)"
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
        alt.Tooltip("win_rate_ci_low:Q", title="95% interval from", format=PERCENT),
        alt.Tooltip("win_rate_ci_high:Q", title="95% interval to", format=PERCENT),
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
            long.to_pandas(),
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
        alt.Chart(frame.to_pandas(), title=title)
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


def spend_by_month(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    return (
        alt.Chart(frame.to_pandas(), title="How much goes to each source, month by month?")
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


def reasons_chart(frame: pl.DataFrame) -> alt.Chart:
    """Why sales rejected each source's leads: stacked shares of the reasons."""
    return _stacked_shares(
        frame,
        "reason",
        "Reason given",
        alt.Color("reason:N", title="Reason given"),
        "Why does sales reject each source's leads?",
        "Share of the source's rejected leads (%)",
    )


def left_on_table_chart(frame: pl.DataFrame, scale: alt.Scale) -> alt.Chart:
    """Revenue left on the table per source: the estimate and its range."""
    base = alt.Chart(
        frame.to_pandas(),
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
