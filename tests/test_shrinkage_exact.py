"""The shrinkage fit without scipy.stats gives scipy.stats' floats bit for bit.

truce.metrics.shrinkage writes the beta-binomial log-likelihood and the beta quantiles with
scipy.special so that a report does not import scipy.stats. The reference here is
scipy.stats itself; every comparison is ==, not approx, because the report's JSON must stay
byte-identical.
"""

import subprocess
import sys

import numpy as np
from scipy import stats

from truce.metrics import shrinkage


def random_groups(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """3..40 groups of 1..100,000 leads (sizes spread over every magnitude), 0..leads won,
    as the float arrays shrunk() passes on."""
    groups = int(rng.integers(3, 41))
    leads = np.floor(10 ** rng.uniform(0, 5, groups)).astype(np.int64)
    won = rng.integers(0, leads + 1)
    return won.astype(float), leads.astype(float)


def test_log_likelihood_is_betabinom_logpmf_summed_bit_for_bit():
    rng = np.random.default_rng(20260611)
    for _ in range(2000):
        won, leads = random_groups(rng)
        # a and b as fit_prior makes them (numpy floats) and as plain floats
        a, b = np.float64(10 ** rng.uniform(-6, 6)), float(10 ** rng.uniform(-6, 6))
        expected = stats.betabinom.logpmf(won, leads, a, b).sum()
        assert shrinkage.log_likelihood(won, leads, a, b) == expected, (won, leads, a, b)


def test_log_likelihood_at_edges_of_the_counts():
    # nobody won, everybody won, one-lead groups, the largest group size
    won, leads = np.array([0.0, 7.0, 1.0, 0.0, 100000.0]), np.array([5.0, 7.0, 1.0, 1.0, 1e5])
    for a, b in ((1e-6, 1e-6), (1e-6, 1e6), (1e6, 1e-6), (1e6, 1e6), (0.5, 3.0)):
        expected = stats.betabinom.logpmf(won, leads, a, b).sum()
        assert shrinkage.log_likelihood(won, leads, a, b) == expected


def test_fit_prior_finds_the_same_prior_as_with_scipy_stats(monkeypatch):
    rng = np.random.default_rng(7)
    cases = [
        (np.array([1.0, 40, 10, 20, 3]), np.array([1.0, 100, 100, 100, 30])),
        (np.array([10.0, 20, 30]), np.array([100.0, 200, 300])),  # no spread: strength bound
    ] + [random_groups(rng) for _ in range(12)]
    ours = [shrinkage.fit_prior(won, leads) for won, leads in cases]
    monkeypatch.setattr(
        shrinkage,
        "log_likelihood",
        lambda won, leads, a, b: stats.betabinom.logpmf(won, leads, a, b).sum(),
    )
    reference = [shrinkage.fit_prior(won, leads) for won, leads in cases]
    assert ours == reference
    assert sum(prior is not None for prior in ours) >= 10  # the fits did run


def test_posterior_interval_is_beta_ppf_bit_for_bit():
    rng = np.random.default_rng(11)
    for _ in range(300):
        won, leads = random_groups(rng)
        alpha, beta = 10 ** rng.uniform(-6, 7, 2)
        _, low, high = shrinkage.posterior(won, leads, alpha, beta)
        a, b = alpha + won, beta + leads - won
        assert np.array_equal(low, stats.beta.ppf(0.025, a, b))
        assert np.array_equal(high, stats.beta.ppf(0.975, a, b))
        assert low.dtype == high.dtype == np.float64


def test_shrinkage_runs_without_importing_scipy_stats():
    # In a fresh interpreter: this test module itself imports scipy.stats.
    code = (
        "import sys, polars as pl\n"
        "from truce.metrics import shrinkage\n"
        "t = pl.DataFrame({'won': [1, 40, 10, 20], 'leads': [1, 100, 100, 100]})\n"
        "assert shrinkage.shrunk(t)['shrunk_rate'].null_count() == 0\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
