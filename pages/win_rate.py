"""Win-rate page: do each source's leads turn into customers and revenue?"""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.export import safe_csv
from truce.views import breakdown, win_rate
from ui.charts import highlighted, show_chart
from ui.text import count, md, money, needs, percent
from ui.view import breakdown_picker, view

st.title("Do the leads close?")
current = view()
# The selectbox's last choice (session state) picks the column the model splits by.
model = current.build(win_rate, breakdown=st.session_state.get("win_rate_by"))
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
    if model.shrunk_reason:
        st.caption(f"Shrunk rates: n/a — {model.shrunk_reason}")
    else:
        ranked = model.ranked()
        chart = charts.win_rate.ranked_chart(ranked, current.scale, highlight)
        show_chart(chart, model.shrunk, "win-rate-ranked", "ranked_chart")
        st.caption(
            "Ranked fairly: each source's rate pulled towards the common one as much as it is "
            "small (empirical Bayes). Filled: the shrunk rate and its 95% interval; hollow: the "
            "raw won / leads. A source with 1 win in 2 leads does not top the list.",
            help=terms.get("shrunk_win_rate"),
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
    deals = model.deals or {}
    a, b, c = st.columns(3)
    a.metric("Opportunities", f"{deals.get('opportunities', 0):,}")
    b.metric("Won", count(deals.get("won_opportunities")), help="Won opportunities")
    rate = percent(deals.get("opportunity_win_rate"))
    c.metric("Opportunity win rate", rate, help=terms.get("opportunity_win_rate"))
    d, e, f = st.columns(3)
    d.metric("Revenue", money(model.revenue), help="Amounts of the won deals")
    e.metric("Average won deal", money(deals.get("average_won_deal")))
    days = deals.get("median_days_to_close")
    f.metric("Median days to close", "n/a" if days is None else f"{days:.0f}")
    st.info(
        "Only opportunities were uploaded: these are deal numbers, by the deal's own lead source "
        "and owner. Upload leads to see the lead-to-win rate and the funnel."
    )

for group, deals in model.deals_by.items():
    title = "source" if group == "lead_source" else group
    mark = highlight if group == "lead_source" else None
    chart = charts.win_rate.deal_bars(deals, current.scale, group, title, mark)
    show_chart(chart, deals, f"opportunity-win-rate-by-{title}", f"opp_{group}")

if model.breakdowns:
    st.subheader("Break down by any column")
    breakdown_picker(
        model.breakdowns,
        "win_rate_by",
        "The owner, any column of your files the mapping did not use, or a lookup's column "
        "(a manager, a sector).",
    )
if model.by_breakdown is not None:
    st.caption(
        f"Win rates by {md(model.breakdown)}: largest values first. A value with few closed deals "
        "can look good or bad by chance."
    )
    st.table(breakdown.shown(model.by_breakdown, "value", model.breakdown))
    st.download_button(
        "Download this breakdown (CSV)",
        lambda: safe_csv(model.by_breakdown),
        "truce-win-rate-breakdown.csv",
        mime="text/csv",
        key="win_rate_by_csv",
    )
