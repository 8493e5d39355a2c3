"""Feedback loop: why sales rejects leads, and how much effort each source's leads take."""

from __future__ import annotations

import streamlit as st

from pages.common import needs, show_chart, view
from truce import charts
from truce.metrics import feedback

st.title("Feedback loop: what sales sees in each source's leads")
current = view()
leads = current.leads
if not current.facts.can("leads"):
    needs("Upload a leads file to see rejections and effort by source.")

rejected = feedback.rejection_by_source(leads)
if rejected["disqualified"].sum():
    show_chart(
        charts.rate_bars(
            rejected,
            current.scale,
            "rejected_share",
            "What share of each source's leads does sales reject?",
            "Leads disqualified by sales (%)",
            extra_tooltips=(
                ("leads", "Leads", ","),
                ("disqualified", "Disqualified", ","),
                ("rejected_share", "Rejected (%)", ".1%"),
            ),
        ),
        rejected,
        "rejected-by-source",
        "rejected_chart",
    )
    reasons = feedback.reasons_by_source(leads)
    show_chart(charts.reasons_chart(reasons), reasons, "rejection-reasons", "reasons_chart")
else:
    st.info(
        "No lead is marked as rejected: map disqualified_reason, or a status such as "
        "'Disqualified', to see why sales turns leads down."
    )

if current.facts.can("follow_up"):
    effort = feedback.effort_by_source(leads)
    show_chart(
        charts.money_bars(
            effort.drop_nulls("touches_per_won_deal"),
            current.scale,
            "touches_per_won_deal",
            "How many sales touches does one won deal take, by source?",
            "Touches per won deal",
            fmt=",.0f",
        ),
        effort,
        "effort-by-source",
        "effort_chart",
    )
    st.caption(
        "Touches per lead and the share of touches spent on rejected leads are in the table."
    )
else:
    st.info("Upload activities to measure sales effort per source.")
