"""Matured win rates: the probability that a lead is won within t days of its creation.

A raw win rate punishes young leads: their deals have not had time to close. Here every
lead that is not won is followed until the export date and then censored. That holds for
open leads (they may still win) and, deliberately, for lost ones too: a lost lead stays in
the risk set until the export date, where it can no longer win. With that, the
Kaplan–Meier estimator of "won by t" (won leads uncensored at their days to win, every
other lead right-censored at its days to the export) equals the cumulative incidence of
winning with loss as a competing risk (Aalen–Johansen), because the only censoring is the
export date, known for every lead. It is computed here with scipy.stats.ecdf's arithmetic,
on counts per distinct time a lead was won.
Intervals: Greenwood's formula (ecdf's "linear" method), clipped to [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from truce.metrics.rates import Z_95, rate

HORIZONS = (30, 90, 180)
CURVE_STEP_DAYS = 7  # curve points per week: bounded however many leads there are
ALL = "All sources"
DAY_US = 86_400_000_000


def export_date(leads: pl.DataFrame) -> datetime | None:
    """The latest timestamp the leads carry: the export cannot be older than that."""
    columns = [
        c
        for c in ("created_at", "mql_at", "sql_at", "first_touch_at", "won_at")
        if c in leads.columns
    ]
    latest = leads.select(pl.max_horizontal(pl.col(columns).max()))
    return latest.item()


def _days_since_creation(end: pl.Expr) -> pl.Expr:
    return (end - pl.col("created_at")).dt.total_microseconds() / DAY_US


def follow_up_days(leads: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """Per lead: days observed (to the win, else to `as_of`) and whether it was won.
    Null days where the data cannot place the lead in time (see `excluded`)."""
    return leads.select(
        "lead_source",
        "created_at",
        pl.col("won").fill_null(False).alias("won"),
        pl.when(pl.col("won"))
        .then(_days_since_creation(pl.col("won_at")))
        .otherwise(_days_since_creation(pl.lit(as_of)))
        .alias("days"),
    )


def excluded(leads: pl.DataFrame) -> dict[str, int]:
    """How many leads the estimate leaves out, per reason (the data cannot place them)."""
    return {
        "no creation date": leads["created_at"].null_count(),
        "won without a won date": leads.filter(
            pl.col("created_at").is_not_null() & pl.col("won") & pl.col("won_at").is_null()
        ).height,
        "won before created": leads.filter(pl.col("won_at") < pl.col("created_at")).height,
    }


def _usable(leads: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    return follow_up_days(leads, as_of).filter(pl.col("days").is_not_null() & (pl.col("days") >= 0))


@dataclass(frozen=True)
class Steps:
    """One group's leads as Kaplan–Meier reads them: per distinct time a lead was won, how
    many were won then and how many were still followed (at risk), ascending."""

    times: np.ndarray  # each distinct time a lead was won
    won: np.ndarray  # leads won at exactly that time
    at_risk: np.ndarray  # leads followed at least that long
    leads: int
    longest: float  # the longest follow-up (NaN without leads)


def _count(days: np.ndarray, won: np.ndarray) -> Steps:
    # Times nobody was won at are left out: scipy multiplies the survival by exactly 1.0
    # and adds exactly 0.0 to Greenwood's sum there, so every number is the same without.
    observed = np.sort(days)
    times, wins = np.unique(days[won], return_counts=True)
    at_risk = observed.size - np.searchsorted(observed, times, side="left")
    return Steps(times, wins, at_risk, days.size, observed[-1] if days.size else np.nan)


def kaplan_meier(steps: Steps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Won-by estimate and its 95% Greenwood bounds at each of `steps.times`.

    scipy.stats.ecdf's arithmetic, operation for operation, so the numbers are identical
    to the last digit (tests/test_km.py compares them): with nobody censored the empirical
    CDF (wins so far / leads); else 1 - the product-limit survival. Greenwood's variance
    uses the survival as 1 - estimate, and is NaN where every lead still at risk was won
    and the survival is 0 (the interval is undefined there; shown as n/a). Bounds clipped
    to [0, 1].
    """
    n, d = steps.at_risk, steps.won
    everyone_won = d.sum() == steps.leads
    estimate = np.cumsum(d) / steps.leads if everyone_won else 1 - np.cumprod((n - d) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (1 - estimate) ** 2 * np.cumsum(d / (n * (n - d)))
    spread = Z_95 * np.sqrt(variance)
    return estimate, np.clip(estimate - spread, 0, 1), np.clip(estimate + spread, 0, 1)


def _at(steps: Steps, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """Estimate, low and high at each point; NaN beyond the longest observed follow-up
    (nobody was followed that long: the data cannot tell) or where no lead was won."""
    known = points <= steps.longest
    if not steps.times.size:
        # No win at all: the estimate is 0 wherever leads were followed, with no interval.
        zero = np.where(known, 0.0, np.nan)
        return zero, np.full(points.size, np.nan), np.full(points.size, np.nan)
    # The step function: its value at the last win at or before each point, 0 before the
    # first.
    at = np.searchsorted(steps.times, points, side="right")
    return tuple(
        np.where(known, np.clip(np.concatenate(([0.0], curve))[at], 0.0, 1.0), np.nan)
        for curve in kaplan_meier(steps)
    )


def _quarter(code: int | None) -> str | None:
    """ "2025 Q1" from 20251."""
    return None if code is None else f"{code // 10} Q{code % 10}"


def _groups(usable: pl.DataFrame, by: str) -> list[tuple[str | None, Steps]]:
    """ "All sources" first (by source), then each group in key order, a null key first.
    Cohorts (quarters of creation) are split by number and named after: formatting a
    string per lead costs more than the split."""
    if by == "cohort":
        created = pl.col("created_at")
        key = created.dt.year().cast(pl.Int32) * 10 + created.dt.quarter()
    else:
        key = pl.col(by)
    parts = usable.select(key.alias("key"), "days", "won").partition_by(
        "key", as_dict=True, include_key=False
    )
    named = {_quarter(k) if by == "cohort" else k: part for (k,), part in parts.items()}
    groups = [(ALL, usable)] if by == "lead_source" else []
    groups += [(k, named[k]) for k in sorted(named, key=lambda k: (k is not None, k))]
    return [(k, _count(part["days"].to_numpy(), part["won"].to_numpy())) for k, part in groups]


def matured_rates(leads: pl.DataFrame, as_of: datetime, by: str = "lead_source") -> pl.DataFrame:
    """Per group (by "lead_source", with "All sources", or "cohort" = quarter of creation):
    leads, won, the raw lead-to-win rate, and won within 30/90/180 days with 95% intervals
    (null where the group has no lead followed that long)."""
    usable = _usable(leads, as_of)
    rows = []
    points = np.array(HORIZONS, dtype=float)
    for key, steps in _groups(usable, by):
        estimate, low, high = _at(steps, points)
        row = {by: key, "leads": steps.leads, "won": int(steps.won.sum())}
        for i, t in enumerate(HORIZONS):
            row |= {
                f"won_by_{t}d": estimate[i],
                f"won_by_{t}d_ci_low": low[i],
                f"won_by_{t}d_ci_high": high[i],
            }
        rows.append(row)
    table = pl.DataFrame(rows, nan_to_null=True, schema_overrides={by: pl.String})
    return table.with_columns(rate("won", "leads").alias("raw_rate")).fill_nan(None)


def curves(leads: pl.DataFrame, as_of: datetime, by: str = "lead_source", max_days: int = 365):
    """Curve data: per group, the estimate and its interval every CURVE_STEP_DAYS days up to
    `max_days` (or the group's longest follow-up): one row per group per step, bounded."""
    usable = _usable(leads, as_of)
    points = np.arange(0, max_days + 1, CURVE_STEP_DAYS, dtype=float)
    frames = []
    for key, steps in _groups(usable, by):
        estimate, low, high = _at(steps, points)
        frames.append(
            pl.DataFrame(
                {
                    by: key,
                    "day": points.astype(int),
                    "won_by": estimate,
                    "ci_low": low,
                    "ci_high": high,
                },
                nan_to_null=True,
            ).filter(pl.col("won_by").is_not_null())
        )
    return pl.concat(frames) if frames else pl.DataFrame()
