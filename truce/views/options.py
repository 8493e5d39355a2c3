"""The choices a view is built with, beyond the sidebar's filters: all explicit arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from truce.contract import Contract


@dataclass(frozen=True)
class Options:
    """sla_hours None means the contract's; today None means the day the view is built."""

    sla_hours: float | None = None
    strict: bool = False  # funnel: a lead counts in a stage only if it passed every earlier one
    cohort_stage: str | None = None  # funnel: the stage the cohort chart follows (None: last)
    dimension: str | None = None  # profile: segment, company_size or country (None: first)
    today: date | None = None  # scorecard: dates after it are not the export's date
    reference: str | None = None  # whose gap: the source each is compared with (None: all)
    breakdown: str | None = None  # win rate, follow-up: any column to split by (None: none)

    def sla(self, contract: Contract) -> float:
        """The one follow-up SLA: the contract's, unless overridden (in the sidebar, the URL)."""
        return contract.sla_hours if self.sla_hours is None else float(self.sla_hours)
