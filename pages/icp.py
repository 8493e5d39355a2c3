"""Ideal customer profile: where marketing's leads convert best, and where effort is wasted."""

from __future__ import annotations

import streamlit as st

from pages.common import needs, show_chart, view
from truce import charts
from truce.metrics import icp

st.title("Ideal customer profile")
current = view()
if not current.facts.can("leads", "outcome"):
    needs("The profile needs leads with an outcome (opportunities, a won flag or a won date).")
dimensions = icp.dimensions_present(current.leads)
if not dimensions:
    needs("Map segment (industry), company_size or country on the leads file to see the profile.")

dimension = st.radio(
    "Profile by",
    dimensions,
    format_func=icp.DIMENSIONS.get,
    horizontal=True,
    key="icp_dimension",
)
label = icp.DIMENSIONS[dimension]
table = icp.by_dimension(current.leads, dimension)
best, worst = table.row(0, named=True), table.row(-1, named=True)
st.markdown(
    f"Leads in **{best[dimension]}** become customers at {best['lead_to_win_rate']:.1%}; "
    f"leads in **{worst[dimension]}** at {worst['lead_to_win_rate']:.1%}."
)
show_chart(charts.interval_bars(table, dimension, label), table, f"icp-{dimension}", "icp_rates")
show_chart(
    charts.effort_vs_wins(table, dimension, label), table, f"effort-{dimension}", "icp_effort"
)
st.caption(
    "Where a bar of sales touches is much longer than its bar of wins, sales spends effort on "
    "leads that rarely close."
)
grid = icp.source_heatmap(current.leads, dimension)
show_chart(charts.heatmap(grid, dimension, label), grid, f"sources-by-{dimension}", "icp_heatmap")
