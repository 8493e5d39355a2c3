"""Ideal customer profile: the ICP page's numbers for one dimension of the leads."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import icp, shrinkage
from truce.views.options import Options

NEEDS_OUTCOME = "The profile needs leads with an outcome (opportunities, a won flag or a won date)."
NEEDS_DIMENSION = (
    "Map segment (industry), company_size or country on the leads file, or upload a lookup "
    "(accounts with their sector) that shares a column with it, to see the profile."
)


@dataclass(frozen=True)
class IcpModel:
    missing: str | None = None
    dimensions: tuple[str, ...] = ()  # the profile dimensions the data carries
    dimension: str | None = None
    label: str = ""
    table: pl.DataFrame = field(default_factory=pl.DataFrame)  # per value, best rate first
    best: dict | None = None
    worst: dict | None = None
    grid: pl.DataFrame = field(default_factory=pl.DataFrame)  # sources x values, n and rates
    shaded_by: str = (
        "shrunk_rate"  # the grid's colour: shrunk_rate, or the raw rate without a prior
    )

    @staticmethod
    def label_of(dimension: str) -> str:
        """The contract field's name in words; any other column by its own name."""
        return icp.DIMENSIONS.get(dimension, dimension)


def build(selection: Selection, contract: Contract, options: Options) -> IcpModel:
    if not selection.can("leads", "outcome"):
        return IcpModel(NEEDS_OUTCOME)
    leads = selection.leads
    # The profile fields first, then any column of the leads (unmapped, or from a lookup).
    extra = selection.facts.dimensions.get("leads", ())
    dimensions = tuple(dict.fromkeys([*icp.dimensions_present(leads), *extra]))
    if not dimensions:
        return IcpModel(NEEDS_DIMENSION)
    dimension = options.dimension if options.dimension in dimensions else dimensions[0]
    table = icp.by_dimension(leads, dimension)
    # Each cell's rate shrunk towards the common one: a 1-of-1 cell is not the best cell.
    shrunk = shrinkage.by_cell(leads, dimension).select(
        "lead_source", dimension, "shrunk_rate", "shrunk_ci_low", "shrunk_ci_high"
    )
    grid = icp.source_heatmap(leads, dimension).join(
        shrunk, on=["lead_source", dimension], how="left"
    )
    return IcpModel(
        dimensions=dimensions,
        dimension=dimension,
        label=IcpModel.label_of(dimension),
        table=table,
        best=table.row(0, named=True),
        worst=table.row(-1, named=True),
        grid=grid,
        shaded_by="shrunk_rate" if grid["shrunk_rate"].is_not_null().any() else "lead_to_win_rate",
    )
