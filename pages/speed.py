"""Does speed win deals? Lead-to-win rate (and MQL -> SQL) by the time to first touch."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import speed
from ui.charts import show_chart
from ui.text import md, needs
from ui.view import view

st.title("Does speed win deals?")
current = view()
model = current.build(speed)
if model.missing:
    needs(model.missing)
terms = current.contract.terms

st.markdown(f"**Published:** {speed.HBR}")
ratio = model.hbr["ratio"] if model.hbr else None
st.metric(
    "Won within 1 h vs after 24 h or more",
    "n/a" if ratio is None else f"{ratio:.1f}×",
    help=terms.get("speed_to_lead"),
)
st.caption(model.hbr_sentence())

chart = charts.speed.curve_chart(model.curve(), model.band_labels)
show_chart(chart, model.standardised, "speed-to-lead", "speed_curve")
st.caption(
    "“As it is” mixes sources: a source that is both fast and good would make speed look "
    "better than it is. “Standardised” gives every band the same source mix (each source's "
    "share of all leads), so what moves is the effect of speed within sources. Where a source "
    "has no lead in a band, mix_covered (in the numbers) says how much of the mix the band "
    "stands for."
)

sources = model.sources()
chosen = st.selectbox(
    "Rates by response time for",
    sources,
    key="speed_source",
    bind="query-params",
    format_func=str,
    help="All sources together (not standardised), or one source.",
)
rates = model.source_rates(chosen)
for measure, part in rates.group_by("measure", maintain_order=True):
    chart = charts.speed.band_chart(part, model.band_labels, chosen, measure[0])
    name = measure[0].lower().replace(" ", "-")
    show_chart(chart, part, f"speed-{name}", f"speed_{name}_chart")
st.caption(
    md(
        "Each point is a rate with its 95% Wilson interval: a band with few leads gets a long "
        "line. “MQL to SQL” counts MQLs of the band that reached SQL."
        if model.mql_to_sql
        else "Each point is a rate with its 95% Wilson interval: a band with few leads gets a "
        "long line. MQL to SQL needs MQL and SQL dates or statuses."
    )
)
