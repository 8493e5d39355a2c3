"""The matured win rate's Kaplan–Meier (truce.metrics.matured) gives scipy.stats.ecdf's
numbers exactly: estimate and Greenwood bounds equal to the last bit, on random censored
samples with ties and on the edge cases (everyone won, nobody won, every lead still at
risk won at the last time, a single lead)."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest
from scipy import special, stats

from truce.metrics import matured
from truce.metrics.rates import Z_95

AS_OF = datetime(2025, 6, 1)


def scipy_at(days: np.ndarray, won: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """What the matured rates read from scipy: the curves evaluated at `points`, clipped,
    NaN beyond the longest follow-up."""
    result = stats.ecdf(stats.CensoredData(uncensored=days[won], right=days[~won]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = result.cdf.confidence_interval(0.95)
    known = points <= days.max()
    return tuple(
        np.where(known, np.clip(curve.evaluate(points), 0.0, 1.0), np.nan)
        for curve in (result.cdf, ci.low, ci.high)
    )


def usable(days: np.ndarray, won: np.ndarray) -> pl.DataFrame:
    """Leads created `days` before the export, or won `days` after creation, as matured
    reads them (days to the microsecond)."""
    created = [AS_OF - timedelta(days=float(d)) for d in days]
    leads = pl.DataFrame(
        {
            "lead_source": ["S"] * days.size,
            "created_at": created,
            "won": won,
            "won_at": [c + timedelta(days=float(d)) for c, d in zip(created, days, strict=True)],
        }
    )
    return matured._usable(leads, AS_OF)


def ours_at(frame: pl.DataFrame, points: np.ndarray) -> tuple[np.ndarray, ...]:
    (key, steps), *_ = matured._groups(frame, "lead_source")
    assert key == matured.ALL
    return matured._at(steps, points)


def sample(rng: np.random.Generator, size: int, p_won: float) -> tuple[np.ndarray, np.ndarray]:
    # Mostly whole and half days from a small range: many ties, between wins and non-wins
    # too; a third of the leads at any time, as real timestamps are.
    days = np.where(rng.random(size) < 0.3, rng.random(size) * 30, rng.integers(0, 60, size) / 2)
    return days, rng.random(size) < p_won


CASES = [
    ("random", *sample(np.random.default_rng(seed), size, p))
    for seed, (size, p) in enumerate(
        [(n, p) for n in (2, 5, 17, 60, 300) for p in (0.1, 0.4, 0.8)] * 3
    )
] + [
    ("everyone won", np.array([1.0, 2.0, 2.0, 5.0, 9.5]), np.ones(5, bool)),
    ("nobody won", np.array([1.0, 2.0, 2.0, 5.0]), np.zeros(4, bool)),
    (
        "all at risk won at the end",
        np.array([1.0, 3.0, 3.0, 7.0, 7.0]),
        np.array([0, 1, 0, 1, 1], bool),
    ),
    ("single lead, won", np.array([4.0]), np.array([True])),
    ("single lead, not won", np.array([4.0]), np.array([False])),
    ("every lead at day 0", np.zeros(6), np.array([1, 0, 1, 0, 0, 1], bool)),
]
# The horizons, every half day (each one a time in the samples), between them, and beyond.
POINTS = np.concatenate([np.arange(0, 32, 0.5), np.arange(0.25, 32, 1.0), [30.0, 90.0, 180.0]])


@pytest.mark.parametrize(("name", "days", "won"), CASES, ids=[c[0] for c in CASES])
def test_kaplan_meier_equals_scipy_ecdf_exactly(name, days, won):
    frame = usable(days, won)
    days, won = frame["days"].to_numpy(), frame["won"].to_numpy()
    if not won.any():  # scipy is not asked: no win means 0 where followed, no interval
        expected = (
            np.where(days.max() >= POINTS, 0.0, np.nan),
            *[np.full(POINTS.size, np.nan)] * 2,
        )
    else:
        expected = scipy_at(days, won, POINTS)
    got = ours_at(frame, POINTS)
    for mine, theirs in zip(got, expected, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=True)


def test_the_edge_cases_really_reach_the_edges():
    """The undefined interval (n == d with survival 0) shows as NaN, as in scipy."""
    days, won = np.array([1.0, 3.0, 3.0, 7.0, 7.0]), np.array([0, 1, 0, 1, 1], bool)
    estimate, low, high = ours_at(usable(days, won), np.array([7.0]))
    # By hand: S(3) = 1 * (1 - 1/4) = 0.75; at 7 both at risk are won: S = 0, estimate 1.
    assert estimate[0] == 1.0
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_the_interval_uses_scipys_normal_quantile():
    assert special.ndtri(1 / 2 + np.float64(0.95) / 2) == Z_95
