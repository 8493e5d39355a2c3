"""Funnel page: how far each source's leads get, and how fast."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages.common import highlighted, needs, show_chart, view
from truce import charts
from truce.metrics import funnel

st.title("Funnel: how far do each source's leads get?")
current = view()
if not current.facts.can("leads"):
    needs("The funnel needs a leads file: upload one with at least lead_id and lead_source.")

stages = funnel.stages_available(current.facts)
missing = [s for s, _, needs_, _ in funnel.STAGES if s not in stages]
if missing:
    st.caption(
        f"Not shown: {', '.join(missing)} — no file says which leads reached "
        f"{'it' if len(missing) == 1 else 'them'} (map mql_at / sql_at / status, or upload "
        "opportunities)."
    )
strict = st.toggle(
    "Strict order",
    key="strict",
    help="Off: a lead that skipped a stage still counts in it (an outbound lead that never was "
    "an MQL but became an opportunity counts as MQL). On: a lead counts only while it passed "
    "every stage in order.",
)
order = "strict" if strict else "any"
rate = st.radio(
    "Show",
    ("conversion_from_top", "conversion_from_previous"),
    format_func={
        "conversion_from_top": "Share of all leads",
        "conversion_from_previous": "Conversion from the previous stage",
    }.get,
    horizontal=True,
    key="funnel_rate",
)
highlight = highlighted()
by_source = funnel.funnel(current.leads, stages, order, by="lead_source")
overall = funnel.funnel(current.leads, stages, order)
top = dict(overall.select("stage", "count").rows())
cols = st.columns(len(stages))
for col, stage in zip(cols, stages, strict=True):
    col.metric(stage, f"{top.get(stage, 0):,}", help=current.contract.terms.get(stage.lower()))

show_chart(
    charts.funnel_chart(by_source, current.scale, highlight, rate),
    by_source,
    "funnel",
    "funnel_chart",
)
leaks = funnel.biggest_leak(by_source)
if leaks.height:
    with st.expander("Where each source loses the most leads", expanded=True):
        st.dataframe(
            leaks.with_columns(pl.col("conversion_from_previous") * 100),
            hide_index=True,
            column_config={
                "lead_source": "Source",
                "leaks_most_before": "Biggest drop before",
                "conversion_from_previous": st.column_config.NumberColumn(
                    "Go on to that stage", format="%.0f%%"
                ),
            },
        )

if current.facts.can("created_at") and len(stages) > 1:
    cohorts = funnel.cohort_funnel(current.leads, stages, order)
    last = (
        st.segmented_control(
            "Cohort chart: leads reaching",
            stages[1:],
            default=stages[-1],
            key="cohort_stage",
            help="The share of each month's new leads that reached this stage by the export date.",
        )
        or stages[-1]
    )
    show_chart(charts.cohort_chart(cohorts, last), cohorts, "funnel-by-cohort", "cohort_chart")
    velocity = funnel.stage_velocity(current.leads, stages)
    if velocity.height:
        show_chart(
            charts.velocity_chart(velocity, current.scale, highlight),
            velocity,
            "stage-velocity",
            "velocity_chart",
        )
else:
    st.info(
        "Map created_at, and a stage or outcome field, to see the funnel by monthly cohort "
        "and the days between stages."
    )
