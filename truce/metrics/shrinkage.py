"""Small groups ranked fairly: empirical-Bayes (beta-binomial) win rates.

A source with 1 win in 2 leads is not a 50% source. Every group's win rate is drawn from
one Beta(alpha, beta) prior fitted across the groups; a group's posterior is then
Beta(alpha + won, beta + leads - won): large groups keep their own rate, small ones are
pulled towards the common one. The prior is fitted by maximum likelihood of the
beta-binomial (scipy.optimize), not by the method of moments, because group sizes differ
widely and moments would weight a 2-lead group like a 2,000-lead one.

scipy.stats is not imported: it would add about a quarter of a second to every report start
on top of scipy.optimize. The two things used from it are written with scipy.special, each
giving the same float as scipy.stats 1.17 bit for bit (tests/test_shrinkage_exact.py).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import optimize, special

from truce.metrics.rates import rate

MIN_GROUPS = 3  # fewer groups cannot say how much true rates vary between them
# Prior strength alpha + beta is searched between these: an upper bound stands for "the
# groups do not differ beyond chance" (then every group gets the common rate).
STRENGTH_BOUNDS = (1e-2, 1e7)


def log_likelihood(won: np.ndarray, leads: np.ndarray, a: float, b: float) -> float:
    """Beta-binomial log-likelihood of the groups' counts: the sum of
    scipy.stats.betabinom.logpmf(won, leads, a, b), operation for operation. Its wrapper's
    argument checks and support masks keep every group here (0 <= won <= leads, whole
    counts, a and b > 0 within the fit's bounds), so the terms, their order and the sum are
    the same."""
    k = np.floor(won)
    combiln = -np.log(leads + 1) - special.betaln(leads - k + 1, k + 1)
    return (combiln + special.betaln(k + a, leads - k + b) - special.betaln(a, b)).sum()


def fit_prior(won: np.ndarray, leads: np.ndarray) -> tuple[float, float] | None:
    """(alpha, beta) maximising the beta-binomial likelihood of the groups' counts, or None
    when fewer than MIN_GROUPS groups have leads or no group (or every group) won."""
    keep = leads > 0
    won, leads = won[keep], leads[keep]
    if keep.sum() < MIN_GROUPS or won.sum() == 0 or won.sum() == leads.sum():
        return None
    pooled = won.sum() / leads.sum()

    def negative_log_likelihood(x: np.ndarray) -> float:
        mean, strength = 1 / (1 + np.exp(-x[0])), np.exp(x[1])
        return -log_likelihood(won, leads, mean * strength, (1 - mean) * strength)

    start = np.array([np.log(pooled / (1 - pooled)), np.log(10.0)])
    bounds = [(-20.0, 20.0), tuple(np.log(STRENGTH_BOUNDS))]
    best = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=bounds)
    mean, strength = 1 / (1 + np.exp(-best.x[0])), float(np.exp(best.x[1]))
    return float(mean * strength), float((1 - mean) * strength)


def posterior(
    won: np.ndarray, leads: np.ndarray, alpha: float, beta: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and central 95% interval (beta quantiles) of each group's rate.
    The quantiles are scipy.special.betaincinv: scipy.stats.beta.ppf calls the same Boost
    ibeta_inv, under an error policy that differs only where the root search fails, and
    its wrapper then multiplies by scale 1 and adds loc 0."""
    a, b = alpha + won, beta + leads - won
    return a / (a + b), special.betaincinv(a, b, 0.025), special.betaincinv(a, b, 0.975)


def shrunk(counts: pl.DataFrame) -> pl.DataFrame:
    """Groups with `won` and `leads` columns -> raw rate, shrunk rate with its interval and
    rank (1 = highest shrunk rate). Shrunk columns are null when no prior can be fitted."""
    won, leads = counts["won"].to_numpy().astype(float), counts["leads"].to_numpy().astype(float)
    prior = fit_prior(won, leads)
    table = counts.with_columns(rate("won", "leads").alias("raw_rate"))
    if prior is None:
        columns = ("shrunk_rate", "shrunk_ci_low", "shrunk_ci_high", "prior_alpha", "prior_beta")
        nulls = [pl.lit(None, pl.Float64).alias(c) for c in columns]
        return table.with_columns(*nulls, pl.lit(None, pl.UInt32).alias("rank"))
    mean, low, high = posterior(won, leads, *prior)
    return (
        table.with_columns(
            pl.Series("shrunk_rate", mean),
            pl.Series("shrunk_ci_low", low),
            pl.Series("shrunk_ci_high", high),
            pl.lit(prior[0]).alias("prior_alpha"),
            pl.lit(prior[1]).alias("prior_beta"),
        )
        .with_columns(pl.col("shrunk_rate").rank("ordinal", descending=True).alias("rank"))
        .sort("rank")
    )


def by_source(leads: pl.DataFrame) -> pl.DataFrame:
    """Per source: leads, won, raw and shrunk lead-to-win rate, ranked by the shrunk rate."""
    counts = leads.group_by("lead_source").agg(
        pl.len().alias("leads"), pl.col("won").sum().alias("won")
    )
    return shrunk(counts.sort("lead_source"))


def by_cell(leads: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """ICP cells (source × a dimension's value): leads in each cell and its shrunk rate,
    the prior fitted across the cells."""
    counts = (
        leads.lazy()
        .filter(pl.col(dimension).is_not_null())
        .group_by("lead_source", dimension)
        .agg(pl.len().alias("leads"), pl.col("won").sum().alias("won"))
        .sort("lead_source", dimension)
        .collect()
    )
    return shrunk(counts)
