"""The sidebar's filters as plain data: what they select, and a sentence saying so.

`Filters.apply(facts)` is the one place any table is cut by the user's choices: every page,
the report and the benchmark read the `Selection` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from truce.facts import Facts


@dataclass(frozen=True)
class Selection:
    """Every table a page reads, cut by the same date, source, owner and segment choices."""

    facts: Facts  # all of it, for what a view compares the selection against
    filters: Filters
    leads: pl.DataFrame
    opportunities: pl.DataFrame
    spend: pl.DataFrame  # the selected sources, in the months the selected dates cover

    def can(self, *what: str) -> bool:
        return self.facts.can(*what)

    def undated(self) -> Selection:
        """The same choices over all dates: for views that compare the period with another."""
        if self.filters.start is None and self.filters.end is None:
            return self
        return replace(self.filters, start=None, end=None).apply(self.facts)


@dataclass(frozen=True)
class Filters:
    """Empty tuples and None mean "no restriction"."""

    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def apply(self, facts: Facts) -> Selection:
        # No activities: every view reads the touches through the leads' facts (first touch,
        # touch counts); cutting 3M activities on each filter change cost 0.5 s at 1M leads.
        kept = self.leads(facts.leads)
        return Selection(
            facts=facts,
            filters=self,
            leads=kept,
            opportunities=self.opportunities(facts, kept),
            spend=self.spend(facts.spend),
        )

    def lead_conditions(self, frame: pl.DataFrame) -> pl.Expr:
        """True for the rows these filters keep; a filter on a missing column keeps all."""
        keep = pl.lit(True)
        if "created_at" in frame.columns:
            day = pl.col("created_at").dt.date()
            if self.start:
                keep &= day >= self.start
            if self.end:
                keep &= day <= self.end  # the last chosen day is kept, whole
        for column, chosen in (
            ("lead_source", self.sources),
            ("owner", self.owners),
            ("segment", self.segments),
        ):
            if chosen and column in frame.columns:
                keep &= pl.col(column).is_in(list(chosen))
        return keep

    def leads(self, leads: pl.DataFrame) -> pl.DataFrame:
        if not leads.width or self.is_empty():
            return leads
        return leads.filter(self.lead_conditions(leads))

    def is_empty(self) -> bool:
        return self == Filters()

    def opportunities(self, facts: Facts, kept: pl.DataFrame) -> pl.DataFrame:
        """Opportunities of the `kept` leads (`self.leads(facts.leads)`, cut once by the
        caller); one with no known lead is judged on its own fields."""
        opps = facts.opportunities
        if not opps.width or self.is_empty():
            return opps
        unlinked = facts.opportunities_without_lead
        own = unlinked.filter(self.lead_conditions(unlinked.drop("segment", strict=False)))
        if not facts.leads.width:
            return own
        # A join, not a membership test against every kept lead ID: 10x faster at 1M leads.
        linked = opps.join(kept.select("lead_id"), on="lead_id", how="semi")
        return pl.concat([linked, own])

    def spend(self, spend: pl.DataFrame) -> pl.DataFrame:
        """Spend of the chosen sources in every month the chosen dates touch.

        Spend is booked per month, so a range starting mid-month keeps that whole month.
        Owners and segments do not apply: a spend file does not split money by them.
        """
        if not spend.height or self.is_empty():
            return spend
        keep = pl.lit(True)
        month = pl.col("month").cast(pl.Date).dt.truncate("1mo")
        if self.start:
            keep &= month >= self.start.replace(day=1)
        if self.end:
            keep &= month <= self.end.replace(day=1)
        if self.sources:
            keep &= pl.col("lead_source").is_in(list(self.sources))
        return spend.filter(keep)

    def caption(self) -> str:
        """In words, e.g. 'Leads created 2025-01-01 to 2025-03-31; sources: Email, Referral.'"""
        parts = []
        if self.start or self.end:
            parts.append(
                f"created {self.start or 'any time'} to {self.end or 'now'}"
                if self.start
                else f"created up to {self.end}"
            )
        for label, chosen in (
            ("sources", self.sources),
            ("owners", self.owners),
            ("segments", self.segments),
        ):
            if chosen:
                parts.append(f"{label}: {', '.join(chosen)}")
        return "All leads." if not parts else "Leads " + "; ".join(parts) + "."
