"""Spend and return: sources ranked by revenue per dollar, not by lead count."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.views import spend
from ui.charts import show_chart, show_numbers
from ui.text import md, needs
from ui.view import view

st.title("Spend and return")
current = view()
model = current.build(spend)
if model.missing:
    needs(model.missing)
for note in model.notes:
    st.caption(md(note))  # the last one is contract text
table = model.by_source
if table["revenue_per_dollar"].is_not_null().any():  # else the notes above say why
    chart = charts.spend.return_bars(table, current.scale)
    show_chart(chart, table, "return-on-spend", "roi_chart")
if table["cost_per_won_deal"].is_not_null().any():
    chart = charts.spend.cost_per_won_bars(table, current.scale)
    show_chart(chart, table, "cost-per-won-deal", "cost_chart")
else:  # no chart carries the sources' costs: they are still one click away
    show_numbers(table, "spend-by-source", "cost_table", "Spend, leads and cost per lead by source")
show_chart(
    charts.spend.spend_by_month(model.by_month, current.scale),
    model.by_month,
    "spend-by-month",
    "month_chart",
)
