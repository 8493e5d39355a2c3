"""Funnel page: how far each source's leads get, and how fast."""

from __future__ import annotations

import polars as pl
import streamlit as st

from truce import charts
from truce.views import funnel
from ui.charts import highlighted, show_chart
from ui.text import md, needs
from ui.view import view

st.title("Funnel: how far do each source's leads get?")
current = view()
strict = st.session_state.get("strict", False)
model = current.build(funnel, strict=strict, cohort_stage=st.session_state.get("cohort_stage"))
if model.missing:
    needs(model.missing)
if model.not_shown:
    st.caption(model.not_shown)
st.toggle(
    "Strict order",
    key="strict",
    help="Off: a lead that skipped a stage still counts in it (an outbound lead that never was "
    "an MQL but became an opportunity counts as MQL). On: a lead counts only while it passed "
    "every stage in order.",
)
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
cols = st.columns(len(model.stages))
for col, stage in zip(cols, model.stages, strict=True):
    help_text = current.contract.terms.get(stage.lower())  # contract text: escaped
    col.metric(stage, f"{model.counts.get(stage, 0):,}", help=help_text and md(help_text))
chart = charts.funnel.funnel_chart(model.by_source, current.scale, highlight, rate)
show_chart(chart, model.by_source, "funnel", "funnel_chart")
if model.leaks.height:
    with st.expander("Where each source loses the most leads", expanded=True):
        st.dataframe(
            model.leaks.with_columns(pl.col("conversion_from_previous") * 100),
            hide_index=True,
            column_config={
                "lead_source": "Source",
                "leaks_most_before": "Biggest drop before",
                "conversion_from_previous": st.column_config.NumberColumn(
                    "Go on to that stage", format="%.0f%%"
                ),
            },
        )
if model.cohort_stage is None:
    st.info(
        "Map created_at, and a stage or outcome field, to see the funnel by monthly cohort "
        "and the days between stages."
    )
    st.stop()
st.segmented_control(
    "Cohort chart: leads reaching",
    model.stages[1:],
    default=model.cohort_stage,
    key="cohort_stage",
    help="The share of each month's new leads that reached this stage by the export date.",
)
chart = charts.funnel.cohort_chart(model.cohorts, model.cohort_stage)
show_chart(chart, model.cohorts, "funnel-by-cohort", "cohort_chart")
if model.velocity.height:
    chart = charts.funnel.velocity_chart(model.velocity, current.scale, highlight)
    show_chart(chart, model.velocity, "stage-velocity", "velocity_chart")
