"""Follow-up page: does sales follow up on the leads, and how fast?"""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.export import safe_csv
from truce.views import breakdown, follow_up
from ui.charts import highlighted, show_chart
from ui.text import md, needs, percent
from ui.view import breakdown_picker, view

st.title("Does sales follow up?")
current = view()
# The selectbox's last choice (session state) picks the column the model splits by.
model = current.build(follow_up, breakdown=st.session_state.get("follow_up_by"))
if model.missing:
    needs(model.missing)
sla, overall = model.sla_hours, model.overall
st.caption(
    f"**Followed up**: {md(current.contract.terms.get('followed_up', ''))} "
    f"**SLA met**: first touch within {sla:g} h of creation (set in the sidebar)."
)
a, b, c, d = st.columns(4)
a.metric("Leads", f"{overall['leads']:,}")
b.metric("Followed up", percent(overall["followed_up_rate"]), help="Leads with any sales touch")
c.metric(f"Within {sla:g} h", percent(overall["sla_met_rate"]))
median = overall["median_hours_to_first_touch"]
d.metric(
    "Median wait", "n/a" if median is None else f"{median:.1f} h", help="Creation to first touch"
)
if not model.timed:
    st.info(
        "Map created_at to measure how fast leads are touched; until then only 'followed up' shows."
    )
chart = charts.follow_up.sla_bars(model.by_source, current.scale, sla, highlight=highlighted())
show_chart(chart, model.by_source, "follow-up-by-source", "follow_up_source")
for sentence in model.slower:
    st.caption(md(sentence))
if model.timed:
    chart = charts.follow_up.response_band_chart(model.bands, model.band_labels)
    show_chart(chart, model.bands, "response-times", "bands_chart")
    chart = charts.follow_up.trend_chart(model.trend, sla)
    show_chart(chart, model.trend, "follow-up-by-week", "trend_chart")
if model.by_owner is not None:
    chart = charts.follow_up.sla_bars(model.by_owner, current.scale, sla, group="owner")
    show_chart(chart, model.by_owner, "follow-up-by-owner", "follow_up_owner")
if model.breakdowns:
    breakdown_picker(
        model.breakdowns,
        "follow_up_by",
        "The owner, any column of the leads file the mapping did not use, or a lookup's "
        "column (a manager, an office).",
    )
if model.by_breakdown is not None:
    st.caption(f"Follow-up by {md(model.breakdown)}: largest values first.")
    st.table(breakdown.shown(model.by_breakdown, model.breakdown, model.breakdown))

untouched = model.untouched
st.subheader(f"Leads never touched: {untouched.height:,}")
st.caption("Every lead in the current filters with no sales touch at all.")
st.dataframe(untouched.head(1000), hide_index=True)
st.download_button(
    f"Download all {untouched.height:,} untouched leads (CSV)",
    lambda: safe_csv(untouched),  # built only when clicked
    "truce-untouched-leads.csv",
    mime="text/csv",
    key="untouched_csv",
)
