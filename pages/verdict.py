"""Is either claim true? The two claims answered from the data, and whose gap each source's is."""

from __future__ import annotations

import streamlit as st

from truce import charts
from truce.metrics.gap import ALL_SOURCES
from truce.metrics.verdict import MARKETING, SALES, Measure
from truce.views import gap, verdict
from ui.charts import show_chart
from ui.text import md, percent
from ui.view import view

st.title("Is either claim true?")
current = view()
model = current.build(verdict)
terms = current.contract.terms
sales = ", ".join(model.sales_sources) or "none listed"
st.caption(
    f"Sales-sourced leads: those from {md(sales)} (the contract's sales_sourced_sources); "
    f"every other source is marketing-sourced. SLA: first touch within {model.sla_hours:g} h "
    "(set in the sidebar). Each answer follows one rule, stated on the card."
)


def interval(measure: Measure | None) -> str:
    if measure is None or measure.ci_low is None:
        return "no leads"
    return f"{measure.of:,} leads; 95%: {measure.ci_low:.1%}–{measure.ci_high:.1%}"


def show_card(card, key: str, metrics: list[tuple[str, Measure | None, str | None]]) -> None:
    with st.container(border=True):
        st.subheader(f"“{card.claim}”")
        st.markdown(f"**Answer: {card.answer}.**", help=terms.get("verdict"))
        st.caption(md(card.because))
        if card.measures:
            for column, (label, measure, term) in zip(
                st.columns(len(metrics)), metrics, strict=True
            ):
                column.metric(label, percent(measure and measure.rate), help=term)
                column.caption(interval(measure))
            table = verdict.VerdictModel.measures(card)
            chart = charts.verdict.card_chart(table, f"{card.claim}: what do the rates say?")
            show_chart(chart, table, f"verdict-{key}", f"verdict_{key}")
        st.caption(f"Rule: {card.rule}")


def pick(card, measure: str, group: str) -> Measure | None:
    return next((m for m in card.measures if m.measure == measure and m.group == group), None)


within = f"within {model.sla_hours:g} h"
show_card(
    model.follow_up,
    "follow_up",
    [
        (
            f"Marketing: touched {within}",
            pick(model.follow_up, "touched within the SLA", MARKETING),
            terms.get("sla_met"),
        ),
        (
            f"Sales: touched {within}",
            pick(model.follow_up, "touched within the SLA", SALES),
            terms.get("sla_met"),
        ),
        (
            "Marketing: never touched",
            pick(model.follow_up, "never touched", MARKETING),
            terms.get("followed_up"),
        ),
    ],
)
worked = "won, of leads touched within the SLA"
show_card(
    model.closing,
    "closing",
    [
        (
            f"Marketing: won, of those touched {within}",
            pick(model.closing, worked, MARKETING),
            terms.get("lead_to_win_rate"),
        ),
        (
            f"Sales: won, of those touched {within}",
            pick(model.closing, worked, SALES),
            terms.get("lead_to_win_rate"),
        ),
    ],
)
if model.below:
    st.caption(
        md(
            "Marketing sources whose worked leads close worse than sales-sourced ones, by the "
            f"same rule: {', '.join(model.below)}."
        )
    )

st.header("Whose gap is it?", help=terms.get("follow_up_part"))
st.caption(
    "Each source's lead-to-win rate against a reference, split in two: the part that comes "
    "from how sales followed its leads up (within the SLA, later, never) and the part that "
    "comes from the leads themselves (how they close once followed up). The two parts add up "
    "to the whole difference."
)
split = current.build(gap)  # against all sources; it also lists the possible references
choices = (ALL_SOURCES, *split.references)
# A reference the filters (or an old link) no longer offer falls back to all sources.
if st.session_state.get("gap_reference") not in choices:
    st.session_state.pop("gap_reference", None)
if split.missing:
    st.info(split.missing, icon=":material/info:")
else:
    reference = st.selectbox(
        "Compare each source with",
        choices,
        key="gap_reference",
        bind="query-params",
        help="All sources together, or one source every other is measured against.",
    )
    if reference != ALL_SOURCES:
        split = current.build(gap, reference=reference)
    parts = split.parts()
    chart = charts.verdict.gap_chart(parts, split.reference)
    show_chart(chart, split.table, "whose-gap", "gap_chart")
    for line in split.sentences:
        st.markdown(f"- {md(line)}")
    st.caption(
        "Revenue at stake: the source's leads not touched within the SLA × (its own win rate "
        "of leads touched within the SLA − theirs) × its average won deal — what winning them "
        "at the on-time rate would have been worth. Negative where late or untouched leads "
        "already closed better.",
        help=terms.get("revenue_at_stake"),
    )
