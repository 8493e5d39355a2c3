"""Scorecard: one screen a CEO can read in a minute."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.briefing import BENCHMARKS, scorecard_html
from truce.views import data, scorecard, verdict
from ui.charts import show_chart
from ui.session import data_inputs
from ui.text import md, needs
from ui.view import view

st.title("Scorecard")
current = view()
model = current.build(scorecard)
if not current.is_sample:
    inputs = data_inputs()
    with st.container(border=True):
        st.markdown("**What was read**")
        lookups, left_out = list(inputs.lookups), list(inputs.left_out)
        for line in data.read_summary(current.dataset, lookups, left_out):
            st.text(line)
        todo = data.decisions(current.dataset, st.session_state.get("notes", []))
        for line in todo:
            st.warning(md(line), icon=":material/rule:")
        if todo:
            st.page_link("pages/data.py", label="Decide on the Data page", icon=":material/edit:")
if model.missing:
    if current.selection.can("opportunities"):
        st.page_link(
            "pages/win_rate.py",
            label="Deal numbers: win rate, revenue, deal size, days to close",
            icon=":material/paid:",
        )
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
for line in model.left_not_estimated:  # holds a source name: escaped
    st.caption(md(f"Not in this estimate: {line}"))

st.download_button(
    "Download this scorecard (HTML to forward)",
    # Built on the click (the verdict's cards cost a third of a second at 1M leads), not on
    # every run of the page.
    lambda: scorecard_html(model, current.selection.filters.caption(), current.build(verdict)),
    "truce-scorecard.html",
    mime="text/html",
    key="scorecard_html",
)
with st.expander("What published research says"):
    for line in BENCHMARKS:
        st.markdown(f"- {line}")
