"""Do the leads close? The Win-rate page's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import shrinkage, win_rate
from truce.views import breakdown
from truce.views.options import Options

NEEDS_OUTCOME = (
    "Win rates need an outcome: upload opportunities (stage, won flag or won date), or map a "
    "won flag (is_won) or won date (won_at) on the leads file."
)

NO_PRIOR = (
    "Shrunk rates need at least 3 sources with leads, some won and some not: with fewer, "
    "the data cannot say how much sources really differ."
)
ESTIMATES = {"raw_rate": "Raw: won / leads", "shrunk_rate": "Shrunk (posterior mean)"}


@dataclass(frozen=True)
class WinRateModel:
    missing: str | None = None
    leads: dict | None = None  # all selected leads: leads, won, lead_to_win_rate, revenue, ...
    deals: dict | None = None  # all selected deals: opportunities, closed, won, win rate, ...
    by_source: pl.DataFrame = field(default_factory=pl.DataFrame)  # lead and deal outcomes
    priced: bool = False  # amounts known: revenue charts can be drawn
    deals_by: dict[str, pl.DataFrame] = field(default_factory=dict)  # lead_source / owner
    revenue: float | None = None  # won deals' amounts, else won leads' own; None: unknown
    # Per source: raw and shrunk (empirical-Bayes) lead-to-win rate, ranked by the shrunk one.
    shrunk: pl.DataFrame = field(default_factory=pl.DataFrame)
    shrunk_reason: str | None = None  # why there is no shrunk rate

    def ranked(self) -> pl.DataFrame:
        """The shrunk rates' chart data: per source the raw and the shrunk rate, long."""
        return self.shrunk.unpivot(
            index=["lead_source", "leads", "won", "rank", "shrunk_ci_low", "shrunk_ci_high"],
            on=["raw_rate", "shrunk_rate"],
            variable_name="estimate",
            value_name="rate",
        ).with_columns(pl.col("estimate").replace_strict(ESTIMATES))

    breakdowns: tuple[str, ...] = ()  # columns the page can split by (owner, product, sector)
    breakdown: str | None = None
    by_breakdown: pl.DataFrame | None = None  # per value: deals, won, lost, rates (dimensions)


def build(selection: Selection, contract: Contract, options: Options) -> WinRateModel:
    """Every count the data has; `missing` says the page has no win rate to show."""
    opps = selection.opportunities
    # Each table counted once: the per-source deals feed both the sources table and the
    # deals by source, the overall rows the revenue.
    deal_sources = win_rate.opportunity_outcomes(opps) if opps.height else None
    leads, by_source = None, pl.DataFrame()
    if selection.can("leads"):
        leads = win_rate.lead_outcomes(selection.leads, by=None).row(0, named=True)
        by_source = win_rate.by_source(selection.leads, opps, deal_sources)
    deals, deals_by = None, {}
    if selection.can("opportunities"):
        if opps.height:
            deals = win_rate.opportunity_outcomes(opps, by=None).row(0, named=True)
        for group in ("lead_source", "owner"):
            if opps.height and not opps[group].is_null().all():
                table = (
                    deal_sources
                    if group == "lead_source"
                    else win_rate.opportunity_outcomes(opps, by=group)
                )
                deals_by[group] = table.drop_nulls(group)
    unknown = not selection.can("outcome") and not selection.can("opportunities")
    shrunk, reason = _shrunk(selection)
    breakdowns = breakdown.columns(selection)
    column = breakdown.pick(breakdowns, options.breakdown)
    return WinRateModel(
        missing=NEEDS_OUTCOME if unknown else None,
        leads=leads,
        deals=deals,
        by_source=by_source,
        priced=selection.can("amount"),
        revenue=(
            win_rate.revenue(selection.leads, opps, leads, deals)
            if selection.can("amount")
            else None
        ),
        deals_by=deals_by,
        shrunk=shrunk,
        shrunk_reason=reason,
        breakdowns=breakdowns,
        breakdown=column,
        by_breakdown=breakdown.by(selection, column) if column else None,
    )


def _shrunk(selection: Selection) -> tuple[pl.DataFrame, str | None]:
    if not selection.can("leads", "outcome"):
        return pl.DataFrame(), NEEDS_OUTCOME
    table = shrinkage.by_source(selection.leads)
    if table["shrunk_rate"].is_null().all():
        return pl.DataFrame(), NO_PRIOR
    return table, None
