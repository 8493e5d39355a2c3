"""Whose gap is it? Each source's lead-to-win rate against a reference, split into the part
from follow-up and the part from lead quality (truce.metrics.gap), with revenue at stake."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.metrics import gap
from truce.views.options import Options

PARTS = {"follow_up_part": "from follow-up", "quality_part": "from lead quality"}


@dataclass(frozen=True)
class GapModel:
    sla_hours: float
    reference: str  # "all sources", or the source every other is compared with
    missing: str | None = None  # why the split cannot be made on this data
    references: tuple[str, ...] = ()  # the sources that can be a reference
    table: pl.DataFrame = field(default_factory=pl.DataFrame)  # gap.decompose, worst first
    sentences: tuple[str, ...] = ()  # one per source, the table in words

    def parts(self) -> pl.DataFrame:
        """The chart's data: per source the two parts (in points) and the whole difference."""
        long = self.table.unpivot(
            index=["lead_source", "difference"], on=list(PARTS), variable_name="part"
        )
        return long.with_columns(
            pl.col("part").replace_strict(PARTS),
            (pl.col("value") * 100).alias("points"),
            (pl.col("difference") * 100).alias("difference_points"),
        ).drop("value", "difference")


def _points(value: float) -> str:
    return f"{value * 100:+.1f}".replace("-", "−")


def sentence(row: dict) -> str:
    """'Paid Social: −4.1 pts vs all sources, of which −3.2 from follow-up, −0.9 from lead
    quality; $85,000 at stake.'"""
    text = (
        f"{row['lead_source']}: {_points(row['difference'])} pts vs {row['reference']}, of which "
        f"{_points(row['follow_up_part'])} from follow-up, {_points(row['quality_part'])} "
        "from lead quality"
    )
    stake = row["revenue_at_stake"]
    if stake is None:
        return f"{text}; revenue at stake n/a (no lead touched within the SLA, or no priced win)."
    return f"{text}; {'$' if stake >= 0 else '−$'}{abs(stake):,.0f} at stake."


def build(selection: Selection, contract: Contract, options: Options) -> GapModel:
    sla = options.sla(contract)
    reason = gap.cannot_split(selection.facts)
    if reason is None and not selection.leads.height:
        reason = "No leads in the current filters."
    if reason:
        return GapModel(sla, gap.ALL_SOURCES, reason)
    leads = selection.leads
    # A reference needs leads with a follow-up class; a source filtered away falls back to all.
    counts = gap.class_counts(leads, sla)
    references = gap.classified_sources(counts)
    if not references:
        return GapModel(sla, gap.ALL_SOURCES, "No lead in the filters has a follow-up class.")
    chosen = options.reference if options.reference in references else None
    table = gap.decompose(leads, sla, chosen, counts)
    return GapModel(
        sla_hours=sla,
        reference=chosen or gap.ALL_SOURCES,
        references=references,
        table=table,
        sentences=tuple(sentence(row) for row in table.iter_rows(named=True)),
    )
