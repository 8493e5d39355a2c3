"""Win-rate page: do each source's leads turn into customers and revenue?"""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import win_rate
from ui.charts import highlighted, show_chart
from ui.text import md, needs, percent
from ui.view import view

st.title("Do the leads close?")
current = view()
model = current.build(win_rate)
terms = current.contract.terms
if model.missing:
    needs(model.missing)

highlight, table = highlighted(), model.by_source
if model.leads is not None:
    a, b, c, d = st.columns(4)
    a.metric("Leads", f"{model.leads['leads']:,}")
    b.metric("Won", f"{model.leads['won']:,}", help="Leads that became customers")
    rate = percent(model.leads["lead_to_win_rate"])
    c.metric("Lead-to-win rate", rate, help=md(terms.get("lead_to_win_rate", "")))
    if model.deals is not None:
        rate = percent(model.deals["opportunity_win_rate"])
        d.metric("Opportunity win rate", rate, help=md(terms.get("opportunity_win_rate", "")))
    st.caption(
        "Two different rates: the **lead-to-win rate** divides won leads by *all* leads; the "
        "**opportunity win rate** divides won deals by *closed* deals only. A source can look "
        "weak on one and strong on the other."
    )
    chart = charts.win_rate.interval_chart(table, current.scale, highlight)
    show_chart(chart, table, "win-rate-by-source", "win_rate_chart")
    st.caption(
        "The line is the 95% Wilson interval: a small source with a few lucky wins gets a wide "
        "line, so it cannot pass for a winner by chance."
    )
    if model.priced:
        chart = charts.win_rate.quantity_quality_chart(table, current.scale, highlight)
        show_chart(chart, table, "quantity-vs-quality", "quality_chart")
        chart = charts.win_rate.revenue_chart(table, current.scale, highlight)
        show_chart(chart, table, "revenue", "revenue_chart")
    else:
        st.info(
            "Map amount (on opportunities or leads) to see revenue, deal size and revenue per lead."
        )
else:
    st.info(
        "Only opportunities were uploaded: these are deal win rates, by the deal's own lead source "
        "and owner. Upload leads to see the lead-to-win rate."
    )

for group, deals in model.deals_by.items():
    title = "source" if group == "lead_source" else group
    mark = highlight if group == "lead_source" else None
    chart = charts.win_rate.deal_bars(deals, current.scale, group, title, mark)
    show_chart(chart, deals, f"opportunity-win-rate-by-{title}", f"opp_{group}")
