"""Rates with honest uncertainty."""

from __future__ import annotations

import polars as pl

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def rate(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator, null (not zero, not NaN) when there is nothing to divide."""
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))


def wilson_interval(successes: str, trials: str, prefix: str = "win_rate") -> list[pl.Expr]:
    """95% Wilson score interval: small groups get wide intervals instead of lucky 100%s."""
    n = pl.col(trials).cast(pl.Float64)
    p = pl.col(successes) / n
    z2 = Z_95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / (1 + z2 / n)
    return [
        pl.when(n > 0).then(centre - half).alias(f"{prefix}_ci_low"),
        pl.when(n > 0).then(centre + half).alias(f"{prefix}_ci_high"),
    ]
