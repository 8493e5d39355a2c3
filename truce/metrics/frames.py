"""Fragments every metric needs, written once: time between two timestamps, the group-by."""

from __future__ import annotations

import polars as pl

SECONDS_PER_DAY = 86_400


def days_between(start: str, end: str) -> pl.Expr:
    """Days (fractional) from column `start` to column `end`; negative when end is earlier."""
    return (pl.col(end) - pl.col(start)).dt.total_seconds() / SECONDS_PER_DAY


def aggregate(frame: pl.DataFrame, by: str | None, aggregates: list[pl.Expr]) -> pl.DataFrame:
    """One row per value of `by`, or one row for the whole frame when `by` is None."""
    return frame.group_by(by).agg(aggregates) if by else frame.select(aggregates)
