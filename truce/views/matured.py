"""Matured win rates: won within 30, 90 and 180 days of creation, open leads censored at the
export date (truce.metrics.matured), by source and by quarterly cohort, with the curves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import matured
from truce.metrics.matured import HORIZONS
from truce.metrics.rates import wilson_interval
from truce.views.needs import lacking
from truce.views.options import Options

NEEDS_WON_DATES = (
    "Matured win rates need the date each lead was won (won_at, or a won opportunity's close "
    "date): no won lead has one."
)
WHY = (
    "A raw win rate counts every lead not won yet as a loss, so the latest cohorts look worse "
    "only because their deals have not had time to close. The matured rate asks instead how "
    "many leads were won within 30, 90 or 180 days, counting only leads old enough to tell; "
    "n/a where no lead of the group is that old."
)


@dataclass(frozen=True)
class MaturedModel:
    missing: str | None = None
    as_of: datetime | None = None  # the export date: the latest date in the leads
    excluded: dict[str, int] = field(default_factory=dict)  # leads left out, per reason
    by_source: pl.DataFrame = field(default_factory=pl.DataFrame)  # "All sources" first
    by_cohort: pl.DataFrame = field(default_factory=pl.DataFrame)  # quarter of creation
    source_curves: pl.DataFrame = field(default_factory=pl.DataFrame)  # weekly points
    cohort_curves: pl.DataFrame = field(default_factory=pl.DataFrame)

    def per_source_curves(self) -> pl.DataFrame:
        """The sources' curves without "All sources" (drawn in the sources' own colours)."""
        return self.source_curves.filter(pl.col("lead_source") != matured.ALL)

    @staticmethod
    def readable(table: pl.DataFrame, key: str) -> pl.DataFrame:
        """A rates table as the page shows it: each rate with its interval in one cell,
        "n/a" where no lead of the group is old enough."""

        def cell(value: str) -> pl.Expr:
            low, high = pl.col(f"{value}_ci_low"), pl.col(f"{value}_ci_high")
            rate = pl.format("{}%", (pl.col(value) * 100).round(1))
            interval = pl.format(" ({}–{}%)", (low * 100).round(1), (high * 100).round(1))
            return (
                pl.when(pl.col(value).is_null())
                .then(pl.lit("n/a"))
                .when(low.is_null())
                .then(rate)
                .otherwise(pl.concat_str(rate, interval))
            )

        return table.select(
            key,
            "leads",
            "won",
            pl.format("{}%", (pl.col("raw_rate") * 100).round(1)).alias("raw rate"),
            *(cell(f"won_by_{t}d").alias(f"within {t} days (95%)") for t in HORIZONS),
        )

    def cohort_rates(self, days: int = 90) -> pl.DataFrame:
        """The cohort chart's data: per cohort the raw rate (Wilson interval) and the rate won
        within `days` (its Greenwood interval), long."""
        raw = self.by_cohort.with_columns(*wilson_interval("won", "leads", "raw")).select(
            "cohort",
            "leads",
            pl.lit("Raw: won so far / leads").alias("estimate"),
            pl.col("raw_rate").alias("rate"),
            pl.col("raw_ci_low").alias("ci_low"),
            pl.col("raw_ci_high").alias("ci_high"),
        )
        ripe = self.by_cohort.select(
            "cohort",
            "leads",
            pl.lit(f"Won within {days} days").alias("estimate"),
            pl.col(f"won_by_{days}d").alias("rate"),
            pl.col(f"won_by_{days}d_ci_low").alias("ci_low"),
            pl.col(f"won_by_{days}d_ci_high").alias("ci_high"),
        )
        return pl.concat([raw, ripe]).sort("cohort", "estimate")

    def youngest(self, days: int = 90) -> str | None:
        """The newest cohort in words: raw rate against its matured one, or why not."""
        if self.by_cohort.is_empty():
            return None
        row = self.by_cohort.row(-1, named=True)
        raw = row["raw_rate"]
        ripe = row[f"won_by_{days}d"]
        text = f"The newest cohort, {row['cohort']}, has won {raw:.1%} of its leads so far"
        if ripe is None:
            return f"{text}; none of its leads is {days} days old yet, so its matured rate is n/a."
        return f"{text}, and {ripe:.1%} within {days} days of creation."

    def left_out(self) -> str | None:
        """The leads the estimate leaves out, in one sentence; None when none."""
        parts = [f"{n:,} {why}" for why, n in self.excluded.items() if n]
        return f"Left out: {'; '.join(parts)}." if parts else None


def build(selection: Selection, contract: Contract, options: Options) -> MaturedModel:
    missing = lacking(selection, "The matured win rate", "leads", "created_at", "outcome")
    if missing:
        return MaturedModel(missing)
    leads = selection.leads
    if not leads.height:
        return MaturedModel("No leads in the current filters.")
    excluded = matured.excluded(leads)
    won = int(leads["won"].fill_null(False).sum())
    if won and excluded["won without a won date"] == won:
        return MaturedModel(NEEDS_WON_DATES, excluded=excluded)
    as_of = matured.export_date(leads)
    return MaturedModel(
        as_of=as_of,
        excluded=excluded,
        by_source=matured.matured_rates(leads, as_of),
        by_cohort=matured.matured_rates(leads, as_of, by="cohort"),
        source_curves=matured.curves(leads, as_of),
        cohort_curves=matured.curves(leads, as_of, by="cohort"),
    )
