"""The sidebar's filters as a link carries them: kept until the data can honour them.

These widgets are not bound to the URL by Streamlit (`bind="query-params"`): a bound widget
drops the link's values its options lack (the sample has no "Trade Show"), and its value
cannot be set from code once bound. Instead the session keeps what was asked — by the link,
a setup or the user — the widget shows the part the current data holds, the rest waits in
a caption, and the URL is written from what was asked, so the link still carries it all.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.text import md

WANTED = "wanted_filters"  # session_state: filter key -> what was asked (values, or dates)
SHOWN = "shown_filters"  # session_state: filter key -> what this code last put in the widget


def _store(name: str) -> dict:
    return st.session_state.setdefault(name, {})


def _link_dates(key: str) -> tuple[date, date] | None:
    try:
        start, end = (date.fromisoformat(d) for d in st.query_params.get_all(key))
    except ValueError:  # absent, one date, or not dates: no date filter
        return None
    return (start, end) if start <= end else None


def wanted(key: str) -> list[str] | tuple[date, date] | None:
    """What the filter is asked to hold: the link's on the session's first run, then the
    user's or a setup's."""
    store = _store(WANTED)
    if key not in store:
        store[key] = _link_dates(key) if key == "created" else st.query_params.get_all(key)
    return store[key]


def ask(key: str, value: list[str] | tuple[date, date] | None) -> None:
    """A setup's filter: applied as the data brings its values."""
    _store(WANTED)[key] = value


def _show(key: str, value: object) -> None:
    """Put `value` in the widget (only before it is drawn), unless it already shows it: the
    user's own changes, even a date range half picked, are left alone."""
    shown = _store(SHOWN)
    if key not in st.session_state or shown.get(key) != value:
        st.session_state[key] = value
        shown[key] = value


def _to_url(key: str, values: list[str]) -> None:
    if st.query_params.get_all(key) != values:
        if values:
            st.query_params[key] = values
        else:
            st.query_params.pop(key, None)


def _waiting(label: str, what: str) -> None:
    st.caption(f"Waiting for your data — {label.lower()}: {md(what)}")


def _picked(key: str, waiting: list[str]) -> None:
    value = list(st.session_state[key])
    _store(WANTED)[key] = [*value, *waiting]
    _store(SHOWN)[key] = value


def link_multiselect(label: str, options: list[str], key: str) -> list[str]:
    """A multiselect over `options` holding the asked values the data has; the others wait
    (in a caption and the URL) and join it when the data brings them."""
    asked = wanted(key)
    held = [v for v in asked if v in options]
    waiting = [v for v in asked if v not in options]
    chosen = []
    if options:
        _show(key, held)
        chosen = st.multiselect(
            label,
            options,
            key=key,
            placeholder=f"All {label.lower()}",
            on_change=_picked,
            args=(key, waiting),
        )
    _to_url(key, wanted(key))
    if waiting:
        _waiting(label, ", ".join(waiting))
    return chosen


def _dated(key: str, full: tuple[date, date]) -> None:
    value = tuple(st.session_state[key])
    if len(value) == 2:  # one date is a range half picked: nothing decided yet
        _store(WANTED)[key] = None if value == full else value
        _store(SHOWN)[key] = value


def link_dates(label: str, low: date, high: date, key: str) -> tuple[date, date] | None:
    """A date range over the data's [low, high]. An asked range that overlaps it applies (the
    widget's bounds widen to hold it); one that misses the data entirely waits for data that
    reaches it. Returns the range chosen, or None for no restriction."""
    asked = wanted(key)
    fits = asked is not None and asked[0] <= high and asked[1] >= low
    start, end = (min(low, asked[0]), max(high, asked[1])) if fits else (low, high)
    _show(key, asked if fits else (low, high))
    chosen = st.date_input(
        label,
        min_value=start,
        max_value=end,
        key=key,
        on_change=_dated,
        args=(key, (low, high)),
    )
    _to_url(key, [d.isoformat() for d in asked] if asked else [])
    if asked and not fits:
        _waiting(label, f"{asked[0]:%Y-%m-%d} to {asked[1]:%Y-%m-%d}")
    if isinstance(chosen, tuple | list) and len(chosen) == 2 and tuple(chosen) != (low, high):
        return tuple(chosen)
    return None
