"""Does sales follow up? The Follow-up page's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import follow_up
from truce.views import breakdown
from truce.views.options import Options

NEEDS_LEADS = "Follow-up is measured on leads: upload a leads file."
NEEDS_TOUCHES = (
    "Upload activities (calls, emails, meetings with a lead_id and a date) or map "
    "first_touch_at on the leads file to see follow-up."
)


@dataclass(frozen=True)
class FollowUpModel:
    sla_hours: float
    missing: str | None = None  # the file or field that would unlock the page
    overall: dict = field(default_factory=dict)  # leads, followed_up(_rate), sla_met(_rate), ...
    by_source: pl.DataFrame = field(default_factory=pl.DataFrame)
    slower: tuple[str, ...] = ()  # sources waiting at least twice the overall median
    timed: bool = False  # created_at known: bands and weekly trend can be drawn
    bands: pl.DataFrame = field(default_factory=pl.DataFrame)
    band_labels: tuple[str, ...] = ()  # the contract's response bands, fastest first
    trend: pl.DataFrame = field(default_factory=pl.DataFrame)
    by_owner: pl.DataFrame | None = None
    untouched: pl.DataFrame = field(default_factory=pl.DataFrame)
    breakdowns: tuple[str, ...] = ()  # lead columns the page can split by
    breakdown: str | None = None
    by_breakdown: pl.DataFrame | None = None  # follow-up per value of the chosen column


def build(selection: Selection, contract: Contract, options: Options) -> FollowUpModel:
    sla = options.sla(contract)
    if not selection.can("leads"):
        return FollowUpModel(sla, NEEDS_LEADS)
    if not selection.can("follow_up"):
        return FollowUpModel(sla, NEEDS_TOUCHES)
    leads = selection.leads
    overall = follow_up.follow_up_summary(leads, sla, by=None).row(0, named=True)
    by_source = follow_up.follow_up_summary(leads, sla).sort("followed_up_rate")
    timed = selection.can("created_at")
    bounds = contract.response_bands_hours
    has_owner = "owner" in leads.columns and leads["owner"].is_not_null().any()
    breakdowns = breakdown.columns(selection, ("leads",))
    column = breakdown.pick(breakdowns, options.breakdown)
    return FollowUpModel(
        sla_hours=sla,
        overall=overall,
        by_source=by_source,
        slower=tuple(follow_up.slower_sources(by_source, overall["median_hours_to_first_touch"])),
        timed=timed,
        bands=follow_up.response_bands(leads, bounds) if timed else pl.DataFrame(),
        band_labels=tuple(follow_up.band_labels(bounds)),
        trend=follow_up.weekly_trend(leads, sla) if timed else pl.DataFrame(),
        by_owner=follow_up.follow_up_summary(leads, sla, by="owner") if has_owner else None,
        untouched=follow_up.untouched_leads(leads),
        breakdowns=breakdowns,
        breakdown=column,
        by_breakdown=_split(leads, sla, column) if column else None,
    )


def _split(leads: pl.DataFrame, sla: float, column: str) -> pl.DataFrame:
    """Follow-up per value of any column, largest first (an empty value last)."""
    table = follow_up.follow_up_summary(leads, sla, by=column)
    return table.sort(["leads", column], descending=[True, False], nulls_last=True)
