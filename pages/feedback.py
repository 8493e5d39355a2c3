"""Feedback loop: why sales rejects leads, and how much effort each source's leads take."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import feedback
from ui.charts import show_chart
from ui.text import needs
from ui.view import view

st.title("Feedback loop: what sales sees in each source's leads")
current = view()
model = current.build(feedback)
if model.missing:
    needs(model.missing)

if model.reasons is not None:
    chart = charts.feedback.rejected_bars(model.rejected, current.scale)
    show_chart(chart, model.rejected, "rejected-by-source", "rejected_chart")
    chart = charts.feedback.reasons_chart(model.reasons)
    show_chart(chart, model.reasons, "rejection-reasons", "reasons_chart")
else:
    st.info(
        "No lead is marked as rejected: map disqualified_reason, or a status such as "
        "'Disqualified', to see why sales turns leads down."
    )

if model.effort is not None:
    chart = charts.feedback.effort_bars(model.effort, current.scale)
    show_chart(chart, model.effort, "effort-by-source", "effort_chart")
    st.caption(
        "Touches per lead and the share of touches spent on rejected leads are in the table."
    )
else:
    st.info("Upload activities to measure sales effort per source.")
