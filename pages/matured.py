"""Given time to close: win rates that do not mark young leads down for deals still open."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import matured
from ui.charts import show_chart
from ui.text import md, needs
from ui.view import view

st.title("Given time to close")
current = view()
model = current.build(matured)
if model.missing:
    needs(model.missing)
terms = current.contract.terms

st.markdown(matured.WHY, help=terms.get("matured_win_rate"))
youngest = model.youngest()
if youngest:
    st.caption(md(youngest))
st.caption(f"Export date (the latest date in the data): {model.as_of:%Y-%m-%d}.")
if model.left_out():
    st.caption(model.left_out())

st.subheader("Won within 30, 90 and 180 days, by source")
st.dataframe(model.readable(model.by_source, "lead_source"), hide_index=True)
chart = charts.matured.curves_chart(model.per_source_curves(), "lead_source", current.scale)
show_chart(chart, model.source_curves, "matured-by-source", "matured_sources")

st.subheader("By the quarter the leads were created")
st.dataframe(model.readable(model.by_cohort, "cohort"), hide_index=True)
cohorts = model.cohort_rates()
chart = charts.matured.cohort_chart(cohorts)
show_chart(chart, cohorts, "raw-vs-matured-by-quarter", "matured_cohort_rates")
chart = charts.matured.curves_chart(model.cohort_curves, "cohort")
show_chart(chart, model.cohort_curves, "matured-by-quarter", "matured_cohorts")
st.caption(
    "Curves stop where the group's oldest lead stops: nobody in it was followed longer. "
    "Hover a curve for the 95% interval."
)
