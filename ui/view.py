"""The view every page reads: the selection the sidebar made, the options, the contract."""

from __future__ import annotations

from dataclasses import dataclass, replace

import altair as alt
import polars as pl
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from truce.contract import Contract
from truce.filters import Selection
from truce.pipeline import Dataset
from truce.views.options import Options
from ui.lifetime import session_data
from ui.session import Prepared


@dataclass(frozen=True)
class View:
    dataset: Dataset
    prepared: Prepared  # its duplicate leads are found when a page first asks for them
    contract: Contract
    selection: Selection
    options: Options  # the sidebar's: the one SLA
    scale: alt.Scale  # one colour per source, on every page
    is_sample: bool

    @property
    def duplicates(self) -> pl.DataFrame:
        return self.prepared.duplicates

    def build(self, page, **options):
        """The page model of `page` (a truce.views module), with this page's own options."""
        return page.build(self.selection, self.contract, replace(self.options, **options))


def view() -> View:
    """The filtered view, set up by app.py's sidebar before the page runs."""
    held = session_data()  # not session_state: released when the session ends
    if "view" not in held:
        # A fresh server whose first request is a deep link runs the page straight from the
        # pages/ folder (Streamlit's old multipage mode, on until the process's first
        # st.navigation call), skipping app.py. Switch that mode off and run the entry file.
        PagesManager.uses_pages_directory = False
        st.rerun()
    return held["view"]


def breakdown_picker(columns: tuple[str, ...], key: str, help_text: str) -> None:
    """The "Break down by" choice of a page: none, or one of the columns the data can split
    by. Its value (session state under `key`) picks the split the page's model is built for."""
    st.selectbox(
        "Break down by",
        [None, *columns],
        format_func=lambda c: "(choose a column)" if c is None else c,
        placeholder="(choose a column)",
        key=key,
        help=help_text,
    )
