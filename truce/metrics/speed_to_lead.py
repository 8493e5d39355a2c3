"""Speed to lead: how the win rate (and MQL -> SQL) moves with the time to first touch.

The raw overall curve mixes sources: a source that is both fast and good would make speed
look better than it is. The standardised curve holds the source mix fixed at the overall
one (direct standardisation), so what is left is the effect of speed within sources.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from truce.metrics.follow_up import NEVER, band_label, band_labels, band_order, response_band_index
from truce.metrics.rates import rate, wilson_interval

ALL = "All sources"


def cells(leads: pl.DataFrame, bounds: Sequence[float], mql_to_sql: bool = False) -> pl.DataFrame:
    """Per source and response band, in the order each first appears among the leads: leads
    and won, with `mql_to_sql` also MQLs and SQLs among them. Touched leads without a
    creation date have no band and are left out. Counted once; the curves below read it.
    `bounds`: the bands' upper bounds in hours, the contract's response_bands_hours."""
    aggregates = [pl.len().alias("leads"), pl.col("won").sum().alias("won")]
    if mql_to_sql:
        aggregates += [
            pl.col("mql_reached").sum().alias("mqls"),
            (pl.col("mql_reached") & pl.col("sql_reached")).sum().alias("mqls_to_sql"),
        ]
    # In a fixed order: the standardised curve adds floats cell by cell, so the last digit
    # must not depend on which thread finished first.
    return (
        leads.group_by(
            "lead_source", response_band_index(bounds).alias("band"), maintain_order=True
        )
        .agg(aggregates)
        .filter(pl.col("band").is_not_null())
        .with_columns(band_label(bounds, pl.col("band")))
    )


def regroup(cells: pl.DataFrame, fine: Sequence[float], bounds: Sequence[float]) -> pl.DataFrame:
    """`cells` counted on the `fine` bands, added up into the coarser `bounds` (each of them
    one of `fine`): one pass over the leads serves several band sets. In the same order as
    `cells` would have been on `bounds` (each cell's first lead)."""
    coarse = band_labels(bounds)
    # A fine band lies in the coarse band of its lower edge; "never touched" stays.
    lower = [float("-inf"), *fine]
    into = {
        label: coarse[sum(b <= lower[i] for b in bounds)]
        for i, label in enumerate(band_labels(fine)[:-1])
    } | {NEVER: NEVER}
    counts = [c for c in cells.columns if c not in ("lead_source", "band")]
    return (
        cells.with_columns(pl.col("band").replace_strict(into))
        .group_by("lead_source", "band", maintain_order=True)
        .agg(pl.col(counts).sum())
    )


def by_band(cells: pl.DataFrame, bounds: Sequence[float]) -> pl.DataFrame:
    """Per source (and "All sources") and response band: leads, won, lead-to-win rate with
    its Wilson interval; MQLs, SQLs among them and that rate when `cells` counted them."""
    counts = [c for c in cells.columns if c not in ("lead_source", "band")]
    table = pl.concat(
        [
            cells,
            cells.group_by("band")
            .agg(pl.col(counts).sum())
            .select(pl.lit(ALL).alias("lead_source"), "band", *counts),
        ]
    ).with_columns(rate("won", "leads").alias("lead_to_win_rate"), *wilson_interval("won", "leads"))
    if "mqls" in counts:
        table = table.with_columns(
            rate("mqls_to_sql", "mqls").alias("mql_to_sql_rate"),
            *wilson_interval("mqls_to_sql", "mqls", "mql_to_sql_rate"),
        )
    return table.with_columns(band_order(bounds)).sort(
        pl.col("lead_source") != ALL, "lead_source", "band_order"
    )


def standardised(cells: pl.DataFrame, bounds: Sequence[float]) -> pl.DataFrame:
    """Per band: the raw overall win rate and the rate standardised to the overall source mix,
    Σ_source weight(source) × rate(band, source), weight = the source's share of all leads.

    A source with no lead in a band has no rate there: that band's sum runs over the sources
    present, with their weights rescaled to add up to 1, and `mix_covered` says which share
    of the overall mix they stand for (1.0 = every source present; lower = read with care).
    """
    total = cells["leads"].sum()
    weights = cells.group_by("lead_source").agg((pl.col("leads").sum() / total).alias("weight"))
    rated = cells.join(weights, on="lead_source", maintain_order="left").with_columns(
        (pl.col("won") / pl.col("leads")).alias("cell_rate")
    )
    return (
        rated.group_by("band")
        .agg(
            pl.col("leads").sum().alias("leads"),
            pl.col("won").sum().alias("won"),
            ((pl.col("weight") * pl.col("cell_rate")).sum() / pl.col("weight").sum()).alias(
                "standardised_rate"
            ),
            pl.col("weight").sum().alias("mix_covered"),
        )
        .with_columns(rate("won", "leads").alias("raw_rate"), band_order(bounds))
        .sort("band_order")
    )
