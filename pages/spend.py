"""Spend and return: sources ranked by revenue per dollar, not by lead count."""

from __future__ import annotations

import streamlit as st

from pages.common import needs, show_chart, view
from truce import charts
from truce.metrics import spend

st.title("Spend and return")
current = view()
if not current.facts.can("spend"):
    needs(
        "Upload a spend file (month, lead_source, spend — one row per month and source, "
        "campaign optional) to see cost per lead, per MQL, per won deal and revenue per dollar."
    )
if not current.facts.can("leads", "created_at"):
    needs("Spend is matched to the leads created in the same months: upload leads with created_at.")

costs = current.facts.spend
if current.filters.sources:
    costs = costs.filter(costs["lead_source"].is_in(list(current.filters.sources)))
table = spend.by_source(costs, current.leads)
st.caption(
    "Leads, MQLs, wins and revenue count the leads created in the months the spend file covers. "
    + current.contract.terms.get("return_on_spend", "")
)
show_chart(
    charts.money_bars(
        table.drop_nulls("revenue_per_dollar"),
        current.scale,
        "revenue_per_dollar",
        "Which sources pay back the most per dollar spent?",
        "Revenue won per $1 of spend",
        fmt="$,.2f",
    ),
    table,
    "return-on-spend",
    "roi_chart",
)
show_chart(
    charts.money_bars(
        table.drop_nulls("cost_per_won_deal"),
        current.scale,
        "cost_per_won_deal",
        "What does one won deal cost, by source?",
        "Spend per won deal ($)",
    ),
    table,
    "cost-per-won-deal",
    "cost_chart",
)
monthly = spend.by_month(costs, current.leads)
show_chart(charts.spend_by_month(monthly, current.scale), monthly, "spend-by-month", "month_chart")
