"""Win rates split by any column: a canonical field (owner), an unmapped column of a file
(product), or a lookup table's column (manager, sector)."""

from __future__ import annotations

import polars as pl

from truce.facts import Facts
from truce.metrics.rates import rate
from truce.metrics.win_rate import known_sum

DEAL_KEYS = ("opportunities", "won", "lost", "opportunity_win_rate")
LEAD_KEYS = ("leads", "won_leads", "lead_to_win_rate")


def columns(facts: Facts) -> list[str]:
    """Every column a view can split by: the extra columns the files and lookups brought."""
    return list(dict.fromkeys(c for names in facts.dimensions.values() for c in names))


def by_dimension(facts: Facts, column: str) -> pl.DataFrame | None:
    """Per value of `column`: deals, won, lost, deal win rate; with leads, leads, won leads and
    lead-to-win rate. A side whose table lacks the column has nulls. None when neither has it.

    Largest value first (by deals, then leads); an empty value is its own row (null).
    """
    parts = []
    opps, leads = facts.opportunities, facts.leads
    if column in opps.columns:
        parts.append(
            opps.group_by(column)
            .agg(
                pl.len().alias("opportunities"),
                known_sum("is_won").alias("won"),
                pl.when(pl.col("is_won").count() > 0)
                .then((pl.col("is_closed") & ~pl.col("is_won")).sum())
                .alias("lost"),
                known_sum("is_closed").alias("_closed"),
            )
            .with_columns(rate("won", "_closed").alias("opportunity_win_rate"))
            .drop("_closed")
        )
    if column in leads.columns:
        parts.append(
            leads.group_by(column)
            .agg(pl.len().alias("leads"), known_sum("won").alias("won_leads"))
            .with_columns(rate("won_leads", "leads").alias("lead_to_win_rate"))
        )
    if not parts:
        return None
    table = parts[0]
    for part in parts[1:]:
        table = table.join(part, on=column, how="full", coalesce=True, nulls_equal=True)
    keys = [*(DEAL_KEYS if opps.height else ()), *(LEAD_KEYS if leads.height else ())]
    table = table.with_columns(pl.lit(None).alias(k) for k in keys if k not in table.columns)
    order = [k for k in ("opportunities", "leads") if k in keys]
    return table.select(pl.col(column).alias("value"), *keys).sort(
        [*order, "value"], descending=[*(True for _ in order), False], nulls_last=True
    )
