"""Is either claim true? The two verdict cards, as the Verdict page, the HTML scorecard and
the JSON report show them."""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import verdict
from truce.metrics.verdict import Card
from truce.views.options import Options

MEASURE_COLUMNS = ("measure", "group", "count", "of", "rate", "ci_low", "ci_high")


@dataclass(frozen=True)
class VerdictModel:
    sla_hours: float
    sales_sources: tuple[str, ...]  # the contract's sales-sourced sources
    follow_up: Card  # "Sales doesn't follow up on marketing's leads"
    closing: Card  # "Marketing's leads don't close"
    below: tuple[str, ...] = ()  # marketing sources whose worked leads close worse than sales'

    @property
    def cards(self) -> tuple[Card, Card]:
        return self.follow_up, self.closing

    @staticmethod
    def measures(card: Card) -> pl.DataFrame:
        """A card's numbers as a table (what the page shows and the CSV download holds)."""
        rows = [[getattr(m, c) for c in MEASURE_COLUMNS] for m in card.measures]
        schema = {
            "measure": pl.String,
            "group": pl.String,
            "count": pl.Int64,
            "of": pl.Int64,
            "rate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        }
        return pl.DataFrame(rows, schema=schema, orient="row")


def build(selection: Selection, contract: Contract, options: Options) -> VerdictModel:
    """Both cards on the selected leads (the cards say why when the data cannot answer)."""
    sla = options.sla(contract)
    sales = contract.words("sales_sourced_sources")  # lower case, as the cards compare
    # The cards read Facts: the selected leads, with what the whole data can tell.
    chosen = replace(selection.facts, leads=selection.leads)
    follow_up, closing = verdict.verdict(chosen, sla, sales)
    return VerdictModel(
        sla_hours=sla,
        sales_sources=tuple(contract.definitions["sales_sourced_sources"]),
        follow_up=follow_up,
        closing=closing,
        below=tuple(verdict.sources_below(closing)),
    )
