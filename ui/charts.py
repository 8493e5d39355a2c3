"""A chart on a page: the chart, its numbers one click away, and click-to-highlight."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from truce.export import safe_csv


def highlighted() -> str | None:
    """The source the user clicked on any chart of this page, highlighted on all of them."""
    return st.session_state.get("highlight")


def show_chart(chart: alt.Chart, table: pl.DataFrame, name: str, key: str) -> None:
    """Chart, then its numbers one click away with a safe CSV download.

    Clicking a source on a chart highlights it on every chart of the page.
    """
    # Not validated here: Streamlit validates the spec it draws, and validating it twice cost
    # 20-40 ms of every run that draws a chart.
    clickable = chart.to_dict(validate=False).get("params") is not None
    event = st.altair_chart(
        chart, width="stretch", key=key, on_select="rerun" if clickable else "ignore"
    )
    show_numbers(table, name, key, "The numbers behind this chart")
    picked = event.get("selection", {}).get("pick") or [] if clickable else []
    source = picked[0].get("lead_source") if picked and isinstance(picked[0], dict) else None
    # Act on a new click only: the chart keeps its selection after "Clear highlight".
    seen = st.session_state.setdefault("seen_picks", {})
    if source and seen.get(key) != source:
        seen[key] = source
        if source != highlighted():
            st.session_state["highlight"] = source
            st.rerun()


def show_numbers(table: pl.DataFrame, name: str, key: str, label: str) -> None:
    """A table one click away, with a safe CSV download."""
    with st.expander(label):
        st.dataframe(table, hide_index=True)
        st.download_button(
            "Download as CSV",
            lambda: safe_csv(table),  # built only when clicked
            file_name=f"truce-{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )
