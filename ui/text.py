"""Showing words: every string that holds data goes through `md()` before any Markdown."""

from __future__ import annotations

import re

import streamlit as st

# Every character Markdown (and Streamlit's directives such as :red[...] or :material/x:)
# gives a meaning to. A backslash before any ASCII punctuation prints it as itself.
MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|$~<>:=&\"'])")
# GitHub's autolinks (`http://…`, `www.…`, `a@b.c`) are found in the text *after* escapes
# are undone, so a backslash cannot stop them: an invisible word joiner breaks the pattern.
JOIN = "\u2060"
AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def md(text: object) -> str:
    """Data (a source name, a column, a file name, contract text) made literal for Markdown."""
    return MARKDOWN.sub(r"\\\1", AUTOLINK.sub(JOIN, str(text))).replace("\n", " ")


def needs(what: str) -> None:
    """Stop the page with a sentence saying which file or field would unlock it."""
    st.info(what, icon=":material/info:")
    st.stop()


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def count(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"
