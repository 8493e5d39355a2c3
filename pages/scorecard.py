"""Scorecard: one screen a CEO can read in a minute."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from pages.common import needs, show_chart, view
from truce import charts
from truce.briefing import scorecard_html
from truce.metrics import scorecard

BENCHMARKS = (
    "**Aberdeen Group**: companies with strong sales–marketing alignment grew revenue 20% a "
    "year; poorly aligned ones saw a 4% decline.",
    "**IDC**: misalignment costs the typical $1B B2B company about $100M a year.",
    "**HBR, “The Short Life of Online Sales Leads” (2011)**: firms that tried to contact a lead "
    "within an hour were nearly 7× as likely to qualify it as those that waited an hour longer, "
    "and 60× as likely as those that waited 24 hours or more; 23% never responded at all.",
    "**MIT / InsideSales Lead Response Management study (2007)**: the odds of contacting a lead "
    "drop 100× when the first call comes at 30 minutes instead of 5.",
    "**Forrester** (66 leaders surveyed): only 8% reported “tight alignment”.",
)

st.title("Scorecard")
current = view()
facts = current.facts
if not facts.can("leads", "created_at"):
    needs("The scorecard compares periods: upload leads with a creation date (created_at).")

sla = st.session_state.get("sla_hours", current.contract.sla_hours)
sales = current.contract.words("sales_sourced_sources")
# The comparison needs the leads outside the chosen dates too, so only the other filters apply.
scope = replace(current.filters, start=None, end=None)
leads = scope.leads(facts.leads)
opps = scope.opportunities(facts.opportunities, facts.leads)
card, bounds = scorecard.scorecard(
    leads,
    opps,
    sla,
    sales,
    current.filters.start,
    current.filters.end,
    period_days=current.contract.scorecard_period_days,
)
start, end, before_start, before_end = bounds
st.caption(
    f"Leads created {start} to {end}, against {before_start} to {before_end}. "
    "Pick other dates in the sidebar. Recent leads have had less time to close, so "
    "win rates of the latest period tend to look lower."
)
columns = st.columns(3)
for i, row in enumerate(card.iter_rows(named=True)):
    label, _, better, _ = scorecard.MEASURES[row["measure"]]
    change = row["change"]
    is_share = scorecard.MEASURES[row["measure"]][1]
    delta = (
        None if change is None else (f"{change * 100:+.1f} pts" if is_share else f"{change:+.1f} h")
    )
    with columns[i % 3]:
        st.metric(
            label,
            scorecard.formatted(row["measure"], row["value"]),
            delta,
            delta_color="off" if better is None else ("normal" if better else "inverse"),
            help=current.contract.terms.get(row["measure"]),
        )
        st.caption(scorecard.reading(row["measure"], row["value"], row["previous"]))

period_leads = current.filters.leads(facts.leads)
left_by_source = scorecard.revenue_left_on_table(period_leads)
left = scorecard.left_on_table_total(left_by_source)
st.subheader(f"Revenue left on the table: ${left['low']:,.0f} to ${left['high']:,.0f}")
st.caption(
    f"Estimate ${left['mid']:,.0f}. For each source: leads never followed up × that source's "
    "win rate among followed-up leads × its average won deal, summed; the range comes from the "
    "95% interval of each win rate. Assumes untouched leads would have converted like the "
    "followed-up ones — an upper bound on what follow-up alone could have won."
)
if facts.can("follow_up", "amount"):
    show_chart(
        charts.left_on_table_chart(left_by_source, current.scale),
        left_by_source,
        "revenue-left-on-table",
        "left_chart",
    )
else:
    st.info("Needs follow-up data (activities or first_touch_at) and deal amounts.")

st.download_button(
    "Download this scorecard (HTML to forward)",
    scorecard_html(card, bounds, left, left_by_source, current.filters.caption()),
    "truce-scorecard.html",
    mime="text/html",
    key="scorecard_html",
)
with st.expander("What published research says"):
    for line in BENCHMARKS:
        st.markdown(f"- {line}")
