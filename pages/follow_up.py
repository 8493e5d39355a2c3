"""Follow-up page: does sales follow up on the leads, and how fast?"""

from __future__ import annotations

import streamlit as st

from pages.common import highlighted, needs, percent, show_chart, view
from truce import charts
from truce.export import safe_csv
from truce.metrics import follow_up

st.title("Does sales follow up?")
current = view()
if not current.facts.can("leads"):
    needs("Follow-up is measured on leads: upload a leads file.")
if not current.facts.can("follow_up"):
    needs(
        "Upload activities (calls, emails, meetings with a lead_id and a date) or map "
        "first_touch_at on the leads file to see follow-up."
    )

sla = st.number_input(
    "Follow-up SLA (hours)",
    min_value=0.0,  # the contract allows any positive SLA, such as 0.5 h
    max_value=24.0 * 30,
    value=current.contract.sla_hours,
    step=1.0,
    key="sla_hours",
    bind="query-params",
    help="The contract's SLA; change it here to see what a different promise would mean.",
)
st.caption(
    f"**Followed up**: {current.contract.terms.get('followed_up')} "
    f"**SLA met**: first touch within {sla:g} h of creation."
)
leads = current.leads
overall = follow_up.follow_up_summary(leads, sla, by=None).row(0, named=True)
a, b, c, d = st.columns(4)
a.metric("Leads", f"{overall['leads']:,}")
b.metric("Followed up", percent(overall["followed_up_rate"]), help="Leads with any sales touch")
c.metric(f"Within {sla:g} h", percent(overall["sla_met_rate"]))
median = overall["median_hours_to_first_touch"]
d.metric(
    "Median wait", "n/a" if median is None else f"{median:.1f} h", help="Creation to first touch"
)
if not current.facts.can("created_at"):
    st.info(
        "Map created_at to measure how fast leads are touched; until then only 'followed up' shows."
    )

highlight = highlighted()
by_source = follow_up.follow_up_summary(leads, sla).sort("followed_up_rate")
tooltips = (
    ("leads", "Leads", ","),
    ("followed_up", "Followed up", ","),
    ("followed_up_rate", "Followed up (%)", ".1%"),
    ("sla_met", f"Within {sla:g} h", ","),
    ("sla_met_rate", f"Within {sla:g} h (%)", ".1%"),
    ("median_hours_to_first_touch", "Median hours to first touch", ".1f"),
)
show_chart(
    charts.rate_bars(
        by_source,
        current.scale,
        "sla_met_rate",
        f"Which sources' leads get a first touch within {sla:g} h?",
        f"Leads touched within {sla:g} h (%)",
        highlight=highlight,
        extra_tooltips=tooltips,
    ),
    by_source,
    "follow-up-by-source",
    "follow_up_source",
)
for sentence in follow_up.slower_sources(by_source, median):
    st.markdown(f"- {sentence}")

if current.facts.can("created_at"):
    bounds = current.contract.response_bands_hours
    bands = follow_up.response_bands(leads, bounds)
    labels = follow_up.band_labels(bounds)
    show_chart(charts.response_band_chart(bands, labels), bands, "response-times", "bands_chart")
    trend = follow_up.weekly_trend(leads, sla)
    show_chart(charts.trend_chart(trend, sla), trend, "follow-up-by-week", "trend_chart")

if "owner" in leads.columns and leads["owner"].is_not_null().any():
    by_owner = follow_up.follow_up_summary(leads, sla, by="owner")
    show_chart(
        charts.rate_bars(
            by_owner,
            current.scale,
            "sla_met_rate",
            f"Which owners touch their leads within {sla:g} h?",
            f"Leads touched within {sla:g} h (%)",
            group="owner",
            extra_tooltips=tooltips,
        ),
        by_owner,
        "follow-up-by-owner",
        "follow_up_owner",
    )

untouched = follow_up.untouched_leads(leads)
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
