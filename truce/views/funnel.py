"""How far does each source's lead get? The Funnel page's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import funnel
from truce.views.options import Options

NEEDS_LEADS = "The funnel needs a leads file: upload one with at least lead_id and lead_source."


@dataclass(frozen=True)
class FunnelModel:
    missing: str | None = None
    stages: tuple[str, ...] = ()
    not_shown: str | None = None  # the stages no file speaks about, in a sentence
    counts: dict[str, int] = field(default_factory=dict)  # leads reaching each stage, all sources
    by_source: pl.DataFrame = field(default_factory=pl.DataFrame)
    leaks: pl.DataFrame = field(default_factory=pl.DataFrame)
    cohort_stage: str | None = None  # None: no cohort chart (no created_at or one stage)
    cohorts: pl.DataFrame = field(default_factory=pl.DataFrame)
    velocity: pl.DataFrame = field(default_factory=pl.DataFrame)


def build(selection: Selection, contract: Contract, options: Options) -> FunnelModel:
    if not selection.can("leads"):
        return FunnelModel(NEEDS_LEADS)
    stages = funnel.stages_available(selection.facts)
    missing = [s for s, _, _, _ in funnel.STAGES if s not in stages]
    not_shown = None
    if missing:
        not_shown = (
            f"Not shown: {', '.join(missing)} — no file says which leads reached "
            f"{'it' if len(missing) == 1 else 'them'} (map mql_at / sql_at / status, or upload "
            "opportunities)."
        )
    order = "strict" if options.strict else "any"
    leads = selection.leads
    by_source = funnel.funnel(leads, stages, order, by="lead_source")
    # All leads' counts are the sources' counts added up: no second pass over the leads.
    counts = dict(
        by_source.group_by("step", maintain_order=True)
        .agg(pl.col("stage").first(), pl.col("count").sum())
        .sort("step")
        .select("stage", "count")
        .rows()
    )
    model = FunnelModel(
        stages=tuple(stages),
        not_shown=not_shown,
        counts=counts,
        by_source=by_source,
        leaks=funnel.biggest_leak(by_source),
    )
    if not selection.can("created_at") or len(stages) < 2 or not options.details:
        return model
    stage = options.cohort_stage if options.cohort_stage in stages[1:] else stages[-1]
    return FunnelModel(
        **{
            **model.__dict__,
            "cohort_stage": stage,
            "cohorts": funnel.cohort_funnel(leads, stages, order),
            "velocity": funnel.stage_velocity(leads, stages),
        }
    )
