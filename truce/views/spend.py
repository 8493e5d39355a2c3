"""Spend and return: the Spend page's numbers, over the same selection as every other page."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import spend
from truce.views.needs import UNLOCKS
from truce.views.options import Options

NEEDS_SPEND = (
    "Upload a spend file (month, lead_source, spend — one row per month and source, "
    "campaign optional) to see cost per lead, per MQL, per won deal and revenue per dollar."
)
NEEDS_DATES = (
    "Spend is matched to the leads created in the same months: upload leads with created_at."
)


@dataclass(frozen=True)
class SpendModel:
    missing: str | None = None
    by_source: pl.DataFrame = field(default_factory=pl.DataFrame)
    by_month: pl.DataFrame = field(default_factory=pl.DataFrame)
    notes: tuple[str, ...] = ()  # what the numbers cover, in words


def build(selection: Selection, contract: Contract, options: Options) -> SpendModel:
    if not selection.can("spend"):
        return SpendModel(NEEDS_SPEND)
    if not selection.can("leads", "created_at"):
        return SpendModel(NEEDS_DATES)
    notes = [
        "Leads, MQLs, wins and revenue count the leads created in the months the spend file "
        "covers, within the sidebar's dates and sources."
    ]
    if selection.filters.owners or selection.filters.segments:
        notes.append(
            "Spend is not split by owner or segment: costs are each source's whole spend, "
            "results only the chosen owners' and segments' leads."
        )
    if not selection.can("outcome"):
        notes.append(f"n/a: cost per won deal and revenue per dollar need {UNLOCKS['outcome']}.")
    elif not selection.can("amount"):
        notes.append("n/a: revenue per dollar needs deal amounts.")
    if contract.terms.get("return_on_spend"):
        notes.append(contract.terms["return_on_spend"])
    return SpendModel(
        by_source=spend.by_source(selection.spend, selection.leads, selection.facts.available),
        by_month=(
            spend.by_month(selection.spend, selection.leads) if options.details else pl.DataFrame()
        ),
        notes=tuple(notes),
    )
