"""Win-rate page: do each source's leads turn into customers and revenue?"""

from __future__ import annotations

import streamlit as st

from pages.common import highlighted, needs, percent, show_chart, view
from truce import charts
from truce.metrics import win_rate

st.title("Do the leads close?")
current = view()
facts = current.facts
terms = current.contract.terms
if not facts.can("outcome"):
    needs(
        "Win rates need an outcome: upload opportunities (stage, won flag or won date), or map a "
        "won flag (is_won) or won date (won_at) on the leads file."
    )

highlight = highlighted()
if facts.can("leads"):
    overall = win_rate.lead_outcomes(current.leads, by=None).row(0, named=True)
    a, b, c, d = st.columns(4)
    a.metric("Leads", f"{overall['leads']:,}")
    b.metric("Won", f"{overall['won']:,}", help="Leads that became customers")
    c.metric(
        "Lead-to-win rate", percent(overall["lead_to_win_rate"]), help=terms.get("lead_to_win_rate")
    )
    if facts.can("opportunities"):
        opp = win_rate.opportunity_outcomes(current.opportunities, by=None).row(0, named=True)
        d.metric(
            "Opportunity win rate",
            percent(opp["opportunity_win_rate"]),
            help=terms.get("opportunity_win_rate"),
        )
    st.caption(
        "Two different rates: the **lead-to-win rate** divides won leads by *all* leads; the "
        "**opportunity win rate** divides won deals by *closed* deals only. A source can look "
        "weak on one and strong on the other."
    )
    table = win_rate.by_source(current.leads, current.opportunities)
    show_chart(
        charts.win_rate_interval_chart(table, current.scale, highlight),
        table,
        "win-rate-by-source",
        "win_rate_chart",
    )
    st.caption(
        "The line is the 95% Wilson interval: a small source with a few lucky wins gets a wide "
        "line, so it cannot pass for a winner by chance."
    )
    if facts.can("amount"):
        show_chart(
            charts.quantity_quality_chart(table, current.scale, highlight),
            table,
            "quantity-vs-quality",
            "quality_chart",
        )
        show_chart(
            charts.revenue_chart(table, current.scale, highlight), table, "revenue", "revenue_chart"
        )
    else:
        st.info(
            "Map amount (on opportunities or leads) to see revenue, deal size and revenue per lead."
        )
else:
    st.info(
        "Only opportunities were uploaded: these are deal win rates, by the deal's own lead source "
        "and owner. Upload leads to see the lead-to-win rate."
    )

if facts.can("opportunities"):
    for group, title in (("lead_source", "source"), ("owner", "owner")):
        if current.opportunities[group].is_null().all():
            continue
        deals = win_rate.opportunity_outcomes(current.opportunities, by=group).drop_nulls(group)
        show_chart(
            charts.rate_bars(
                deals,
                current.scale,
                "opportunity_win_rate",
                f"Which {title}s win the deals they close?",
                "Won / closed opportunities (%)",
                group=group,
                highlight=highlight if group == "lead_source" else None,
                extra_tooltips=(
                    ("opportunities", "Opportunities", ","),
                    ("closed", "Closed", ","),
                    ("won_opportunities", "Won", ","),
                    ("opportunity_win_rate", "Win rate (%)", ".1%"),
                    ("average_won_deal", "Average won deal ($)", "$,.0f"),
                    ("median_days_to_close", "Median days to close", ".0f"),
                ),
            ),
            deals,
            f"opportunity-win-rate-by-{title}",
            f"opp_{group}",
        )
