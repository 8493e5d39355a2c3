"""Feedback loop: the Feedback page's numbers (rejections, reasons, effort per source)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import feedback
from truce.views.options import Options

NEEDS_LEADS = "Upload a leads file to see rejections and effort by source."


@dataclass(frozen=True)
class FeedbackModel:
    missing: str | None = None
    rejected: pl.DataFrame = field(default_factory=pl.DataFrame)
    reasons: pl.DataFrame | None = None  # None: no lead is marked as rejected
    effort: pl.DataFrame | None = None  # None: no follow-up data to count touches


def build(selection: Selection, contract: Contract, options: Options) -> FeedbackModel:
    if not selection.can("leads"):
        return FeedbackModel(NEEDS_LEADS)
    leads = selection.leads
    rejected = feedback.rejection_by_source(leads)
    return FeedbackModel(
        rejected=rejected,
        reasons=feedback.reasons_by_source(leads) if rejected["disqualified"].sum() else None,
        effort=feedback.effort_by_source(leads) if selection.can("follow_up") else None,
    )
