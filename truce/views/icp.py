"""Ideal customer profile: the ICP page's numbers for one dimension of the leads."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import icp
from truce.views.options import Options

NEEDS_OUTCOME = "The profile needs leads with an outcome (opportunities, a won flag or a won date)."
NEEDS_DIMENSION = (
    "Map segment (industry), company_size or country on the leads file to see the profile."
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
    grid: pl.DataFrame = field(default_factory=pl.DataFrame)  # sources x values

    @staticmethod
    def label_of(dimension: str) -> str:
        return icp.DIMENSIONS[dimension]


def build(selection: Selection, contract: Contract, options: Options) -> IcpModel:
    if not selection.can("leads", "outcome"):
        return IcpModel(NEEDS_OUTCOME)
    leads = selection.leads
    dimensions = tuple(icp.dimensions_present(leads))
    if not dimensions:
        return IcpModel(NEEDS_DIMENSION)
    dimension = options.dimension if options.dimension in dimensions else dimensions[0]
    table = icp.by_dimension(leads, dimension)
    return IcpModel(
        dimensions=dimensions,
        dimension=dimension,
        label=icp.DIMENSIONS[dimension],
        table=table,
        best=table.row(0, named=True),
        worst=table.row(-1, named=True),
        grid=icp.source_heatmap(leads, dimension),
    )
