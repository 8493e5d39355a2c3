"""Scorecard: one screen a CEO can read in a minute."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.briefing import BENCHMARKS, scorecard_html
from truce.views import scorecard
from ui.charts import show_chart
from ui.text import md, needs
from ui.view import view

st.title("Scorecard")
current = view()
model = current.build(scorecard)
if model.missing:
    needs(model.missing)
st.caption(
    f"{model.caption()} Pick other dates, or another SLA, in the sidebar. Recent leads have had "
    "less time to close, so win rates of the latest period tend to look lower."
)
columns = st.columns(3)
for i, tile in enumerate(model.tiles):
    with columns[i % 3]:
        help_text = current.contract.terms.get(tile.measure)  # contract text: escaped
        help_text = help_text and md(help_text)
        st.metric(tile.label, tile.value, tile.delta, delta_color=tile.delta_color, help=help_text)
        st.caption(tile.reading)

left = model.left
if left is None:
    st.subheader("Revenue left on the table: n/a")
    st.caption(f"For the leads created {model.period[0]} to {model.period[1]}: {model.left_reason}")
else:
    st.subheader(f"Revenue left on the table: ${left['low']:,.0f} to ${left['high']:,.0f}")
    st.caption(
        f"Leads created {model.period[0]} to {model.period[1]}. Estimate ${left['mid']:,.0f}. "
        "For each source: leads never followed up × that source's win rate among followed-up "
        "leads × its average won deal, summed; the range comes from the 95% interval of each win "
        "rate. Assumes untouched leads would have converted like the followed-up ones — an upper "
        "bound on what follow-up alone could have won."
    )
    chart = charts.scorecard.left_on_table_chart(model.left_by_source, current.scale)
    show_chart(chart, model.left_by_source, "revenue-left-on-table", "left_chart")

st.download_button(
    "Download this scorecard (HTML to forward)",
    scorecard_html(model, current.selection.filters.caption()),
    "truce-scorecard.html",
    mime="text/html",
    key="scorecard_html",
)
with st.expander("What published research says"):
    for line in BENCHMARKS:
        st.markdown(f"- {line}")
