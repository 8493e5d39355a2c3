"""Ideal customer profile: where marketing's leads convert best, and where effort is wasted."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import icp
from ui.charts import show_chart
from ui.text import md, needs
from ui.view import view

st.title("Ideal customer profile")
current = view()
# The radio's last choice (session state) picks the dimension the model is built for.
model = current.build(icp, dimension=st.session_state.get("icp_dimension"))
if model.missing:
    needs(model.missing)

dimension = model.dimension
st.selectbox(
    "Break down by",
    model.dimensions,
    format_func=model.label_of,
    key="icp_dimension",
    help="Segment, company size, country, or any column of the leads file the mapping did not "
    "use, or a lookup's column (a sector from an accounts table).",
)
label, best, worst = model.label, model.best, model.worst
st.markdown(
    f"Leads in **{md(best[dimension])}** become customers at {best['lead_to_win_rate']:.1%}; "
    f"leads in **{md(worst[dimension])}** at {worst['lead_to_win_rate']:.1%}."
)
chart = charts.icp.interval_bars(model.table, dimension, label)
show_chart(chart, model.table, f"icp-{dimension}", "icp_rates")
chart = charts.icp.effort_vs_wins(model.table, dimension, label)
show_chart(chart, model.table, f"effort-{dimension}", "icp_effort")
st.caption(
    "Where a bar of sales touches is much longer than its bar of wins, sales spends effort on "
    "leads that rarely close."
)
chart = charts.icp.heatmap(model.grid, dimension, label, model.shaded_by)
show_chart(chart, model.grid, f"sources-by-{dimension}", "icp_heatmap")
st.caption(
    "Each cell shows its number of leads and is shaded by its shrunk win rate: pulled towards "
    "the common rate as much as the cell is small, so a 1-of-1 cell is not the darkest."
    if model.shaded_by == "shrunk_rate"
    else "Each cell shows its number of leads, shaded by its raw win rate (too few cells, or "
    "no wins, to fit a shrunk rate): read small cells with care."
)
