"""The Scorecard's numbers: one period against the one before, and the revenue left on the
table in that same period. Also what the HTML scorecard and the JSON report print."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import scorecard
from truce.views.options import Options

NEEDS_DATES = "The scorecard compares periods: upload leads with a creation date (created_at)."
NEEDS = {  # what unlocks a measure the data cannot tell
    "lead_to_win_rate": ("outcome", "an outcome (opportunities, a won flag or a won date)"),
    "sla_met_rate": ("follow_up", "activities, or first_touch_at on the leads file"),
    "median_hours_to_first_touch": (
        "follow_up",
        "activities, or first_touch_at on the leads file",
    ),
    "marketing_share_of_revenue": ("outcome", "an outcome and deal amounts"),
    "marketing_share_of_pipeline": ("opportunities", "an opportunities file"),
    "opportunity_win_rate": ("opportunities", "an opportunities file"),
}
NEEDS_LEFT = "activities (or first_touch_at) and deal amounts"


@dataclass(frozen=True)
class Tile:
    """One measure as the page shows it."""

    measure: str
    label: str
    value: str
    previous: str  # the previous period's value
    delta: str | None
    delta_color: str  # "normal", "inverse" or "off"
    reading: str  # the number, what it counts, how it moved, or why it is n/a


@dataclass(frozen=True)
class ScorecardModel:
    sla_hours: float
    missing: str | None = None
    period: tuple[date, date, date, date] | None = None  # start, end, previous start, end
    card: pl.DataFrame = field(default_factory=pl.DataFrame)  # measure, value, previous, change
    tiles: tuple[Tile, ...] = ()
    left: dict[str, float] | None = None  # low, mid, high; None: the data cannot tell
    left_by_source: pl.DataFrame = field(default_factory=pl.DataFrame)
    left_reason: str | None = None  # why `left` is None
    # Sources with untouched leads the estimate cannot size, one sentence each: not in `left`.
    left_not_estimated: tuple[str, ...] = ()

    def caption(self) -> str:
        start, end, before_start, before_end = self.period
        return (
            f"Leads created {start} to {end}, against {before_start} to {before_end}. "
            f"SLA met: first sales touch within {self.sla_hours:g} h of creation."
        )


def build(selection: Selection, contract: Contract, options: Options) -> ScorecardModel:
    sla = options.sla(contract)
    if not selection.can("leads", "created_at"):
        return ScorecardModel(sla, NEEDS_DATES)
    # The comparison needs the leads outside the chosen dates too: only the other choices apply.
    wide = selection.undated()
    known = selection.facts.available
    card, bounds = scorecard.scorecard(
        wide.leads,
        wide.opportunities,
        sla,
        contract.words("sales_sourced_sources"),
        selection.filters.start,
        selection.filters.end,
        known,
        options.today,
        period_days=contract.scorecard_period_days,
    )
    left, by_source, reason, not_estimated = None, pl.DataFrame(), None, ()
    if selection.can("follow_up", "amount"):
        period_leads = scorecard.created_between(wide.leads, bounds[0], bounds[1])
        by_source = scorecard.revenue_left_on_table(period_leads)
        left = scorecard.left_on_table_total(by_source)
        not_estimated = tuple(
            f"{row['lead_source']} ({row['untouched']:,} never followed up): {row['reason']}."
            for row in scorecard.not_estimated_sources(by_source)
        )
        if left is None:
            reason = "n/a: no source with untouched leads can be sized."
    else:
        reason = f"n/a: needs {NEEDS_LEFT}."
    return ScorecardModel(
        sla_hours=sla,
        period=bounds,
        card=card,
        tiles=tuple(_tile(row, known) for row in card.iter_rows(named=True)),
        left=left,
        left_by_source=by_source,
        left_reason=reason,
        left_not_estimated=not_estimated,
    )


def _tile(row: dict, known: frozenset[str]) -> Tile:
    measure, change = row["measure"], row["change"]
    label, is_share, better, _ = scorecard.MEASURES[measure]
    delta = None
    if change is not None:
        delta = f"{change * 100:+.1f} pts" if is_share else f"{change:+.1f} h"
    needed, unlocks = NEEDS[measure]
    if row["value"] is None and needed not in known:
        reading = f"n/a: needs {unlocks}."
    else:
        reading = scorecard.reading(measure, row["value"], row["previous"])
    return Tile(
        measure=measure,
        label=label,
        value=scorecard.formatted(measure, row["value"]),
        previous=scorecard.formatted(measure, row["previous"]),
        delta=delta,
        delta_color="off" if better is None else ("normal" if better else "inverse"),
        reading=reading,
    )
