""" "Break down by": the columns a view can split by, and the facts of the selection.

Any column counts: the owner, every unmapped column of a file (product), every column a
lookup brought (manager, sector). The numbers come from truce.metrics.dimensions.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from truce.facts import Facts
from truce.filters import Selection
from truce.metrics import dimensions

CANONICAL = ("owner",)  # canonical fields worth splitting by, when the data has them


def columns(selection: Selection, tables: tuple[str, ...] = ("leads", "opportunities")) -> tuple:
    """The owner (when known) then every extra column of `tables`, in the files' order."""
    frames = [getattr(selection, t) for t in tables]
    known = [
        c for c in CANONICAL if any(c in f.columns and f[c].is_not_null().any() for f in frames)
    ]
    extra = [c for t in tables for c in selection.facts.dimensions.get(t, ())]
    return tuple(dict.fromkeys([*known, *extra]))


def pick(options: tuple[str, ...], wanted: str | None) -> str | None:
    """The column asked for when the data has it, else none (the page shows no split)."""
    return wanted if wanted in options else None


def selected(selection: Selection) -> Facts:
    """The selection's leads and deals as facts, for truce.metrics.dimensions."""
    return replace(selection.facts, leads=selection.leads, opportunities=selection.opportunities)


def by(selection: Selection, column: str):
    """Per value of `column`: deals, won, lost, deal win rate; leads, won leads, lead-to-win."""
    return dimensions.by_dimension(selected(selection), column)


SHOWN = 25  # values listed on the page; the CSV has them all
RATES = ("opportunity_win_rate", "lead_to_win_rate", "followed_up_rate", "sla_met_rate")
EMPTY = "(empty)"


def shown(table: pl.DataFrame, column: str, title: str) -> pl.DataFrame:
    """The largest values of a breakdown as text for a small table on the page: the values
    under `title`, rates as percentages, unknown as n/a (never 0), an empty value "(empty)",
    headers in words."""
    head = table.head(SHOWN)
    return head.select(
        pl.col(column).cast(pl.String).fill_null(EMPTY).alias(title),
        *(
            (pl.col(c) * 100).round(1).cast(pl.String).add("%").fill_null("n/a")
            if c in RATES
            else pl.col(c).cast(pl.String).fill_null("n/a")
            for c in head.columns
            if c != column
        ),
    ).rename(lambda c: c if c == title else c.replace("_", " "))
