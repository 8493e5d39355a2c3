"""Matured win rates: the probability that a lead is won within t days of its creation.

A raw win rate punishes young leads: their deals have not had time to close. Here every
lead that is not won is followed until the export date and then censored. That holds for
open leads (they may still win) and, deliberately, for lost ones too: a lost lead stays in
the risk set until the export date, where it can no longer win. With that, the
Kaplan–Meier estimator of "won by t" (scipy.stats.ecdf on CensoredData: won leads
uncensored at their days to win, every other lead right-censored at its days to the
export) equals the cumulative incidence of winning with loss as a competing risk
(Aalen–Johansen), because the only censoring is the export date, known for every lead.
Intervals: Greenwood's formula (ecdf's "linear" method), clipped to [0, 1].
"""

from __future__ import annotations

import warnings
from datetime import datetime

import numpy as np
import polars as pl
from scipy import stats

from truce.metrics.rates import rate

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


def _fit(days: np.ndarray, won: np.ndarray):
    data = stats.CensoredData(uncensored=days[won], right=days[~won])
    result = stats.ecdf(data)
    # Greenwood's interval is undefined where every lead still at risk was won (scipy warns
    # and gives NaN there); a NaN bound is shown as n/a, so the warning says nothing new.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        return result.cdf, result.cdf.confidence_interval(0.95)


def _at(days: np.ndarray, won: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """Estimate, low and high at each point; NaN beyond the longest observed follow-up
    (nobody was followed that long: the data cannot tell) or where no lead was won."""
    if not won.any():
        # No win at all: the estimate is 0 wherever leads were followed, with no interval.
        known = points <= days.max()
        zero = np.where(known, 0.0, np.nan)
        return zero, np.full(points.size, np.nan), np.full(points.size, np.nan)
    cdf, ci = _fit(days, won)
    known = points <= days.max()
    out = []
    for curve in (cdf, ci.low, ci.high):
        values = np.clip(curve.evaluate(points), 0.0, 1.0)
        out.append(np.where(known, values, np.nan))
    return tuple(out)


def _groups(frame: pl.DataFrame, by: str) -> list[tuple[str, pl.DataFrame]]:
    """ "All sources" first (by source), then each group in key order, a null key first.
    Split without sorting the rows: the estimate does not depend on their order."""
    pairs = [(ALL, frame)] if by == "lead_source" else []
    parts = frame.partition_by(by, as_dict=True)
    return pairs + [
        (key[0], parts[key]) for key in sorted(parts, key=lambda k: (k[0] is not None, k[0]))
    ]


def _with_cohort(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """The quarter of creation, added only when the groups are cohorts."""
    if by != "cohort":
        return frame
    # "2025 Q1": written once per quarter, then looked up by number (formatting a string
    # per lead costs twice as much).
    code = pl.col("created_at").dt.year().cast(pl.Int32) * 10 + pl.col("created_at").dt.quarter()
    codes = frame.select(code.unique().drop_nulls()).to_series().to_list()
    labels = {c: f"{c // 10} Q{c % 10}" for c in codes}
    return frame.with_columns(
        code.replace_strict(labels, default=None, return_dtype=pl.String).alias("cohort")
    )


def matured_rates(leads: pl.DataFrame, as_of: datetime, by: str = "lead_source") -> pl.DataFrame:
    """Per group (by "lead_source", with "All sources", or "cohort" = quarter of creation):
    leads, won, the raw lead-to-win rate, and won within 30/90/180 days with 95% intervals
    (null where the group has no lead followed that long)."""
    usable = _with_cohort(_usable(leads, as_of), by)
    rows = []
    points = np.array(HORIZONS, dtype=float)
    for key, part in _groups(usable, by):
        days, won = part["days"].to_numpy(), part["won"].to_numpy()
        estimate, low, high = _at(days, won, points)
        row = {by: key, "leads": part.height, "won": int(won.sum())}
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
    usable = _with_cohort(_usable(leads, as_of), by)
    points = np.arange(0, max_days + 1, CURVE_STEP_DAYS, dtype=float)
    frames = []
    for key, part in _groups(usable, by):
        estimate, low, high = _at(part["days"].to_numpy(), part["won"].to_numpy(), points)
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
