"""The verdict on the two claims, each answered from the data with its uncertainty stated.

Claim 1, "Sales doesn't follow up on marketing's leads": marketing-sourced against
sales-sourced leads on the share touched within the SLA (and the share touched at all,
and the share of marketing leads never touched).
Claim 2, "Marketing's leads don't close": lead-to-win rates of leads touched within the
SLA only, so lead quality is judged on leads sales actually worked.

Each card ends in one answer under one stated rule: the 95% Wilson intervals of the two
groups must not overlap, and each group needs at least MIN_LEADS leads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from truce.facts import Facts
from truce.metrics.follow_up import follow_up_flags, touched_within
from truce.metrics.rates import rate, wilson_interval

SUPPORTS = "the data supports this"
DOES_NOT_SUPPORT = "the data does not support this"
CANNOT_TELL = "the data cannot tell"
MIN_LEADS = 30
MARKETING, SALES = "marketing-sourced", "sales-sourced"

FOLLOW_UP_CLAIM = "Sales doesn't follow up on marketing's leads"
CLOSING_CLAIM = "Marketing's leads don't close"
RULE = (
    "Supports when the marketing-sourced rate's 95% interval lies entirely below the "
    "sales-sourced one; does not support when it lies entirely above it; cannot tell when "
    f"the intervals overlap or either group has fewer than {MIN_LEADS} leads."
)


@dataclass(frozen=True)
class Measure:
    """One rate of one group: count of `of` leads, with its 95% Wilson interval."""

    measure: str
    group: str
    count: int
    of: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Card:
    claim: str
    answer: str
    rule: str
    because: str  # one sentence: the numbers behind the answer, or what is missing
    measures: tuple[Measure, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def marketing_sourced(sales_sources: set[str]) -> pl.Expr:
    """A lead is marketing-sourced unless its source is listed as sales-sourced."""
    lowered = sorted(s.lower() for s in sales_sources)
    return ~pl.col("lead_source").str.to_lowercase().is_in(lowered)


def _measures(counts: pl.DataFrame, group: str, name: str, count: str, of: str) -> list[Measure]:
    """The rate `count` / `of` per value of `group` that has any, from counts per source (so
    the cards pass over the leads once, and add up a few rows per measure)."""
    counted = (
        counts.group_by(group)
        .agg(pl.col(count).sum().alias("count"), pl.col(of).sum().alias("of"))
        .filter(pl.col("of") > 0)
        .with_columns(rate("count", "of").alias("rate"), *wilson_interval("count", "of", "rate"))
        .sort(group)
    )
    return [
        Measure(
            name,
            row[group],
            row["count"],
            row["of"],
            row["rate"],
            row["rate_ci_low"],
            row["rate_ci_high"],
        )
        for row in counted.iter_rows(named=True)
    ]


def _per_source(leads: pl.DataFrame, sla_hours: float, sales_sources: set[str]) -> pl.DataFrame:
    """Per source, with its side (marketing- or sales-sourced): leads with a creation date
    (dated), of them touched within the SLA, touched at all and never touched; leads
    touched within the SLA (worked), and of them won. Each a sum of one flag per lead,
    all in one pass over the leads."""
    dated = pl.col("sla_met").is_not_null()
    within = touched_within(sla_hours)
    flags = [
        dated.alias("dated"),
        pl.col("sla_met"),
        (pl.col("followed_up") & dated).alias("followed_up"),
        (~pl.col("followed_up") & dated).alias("never"),
        within.alias("worked"),
        (pl.col("won") & within).alias("won"),
    ]
    side = (
        pl.when(marketing_sourced(sales_sources)).then(pl.lit(MARKETING)).otherwise(pl.lit(SALES))
    )
    return (
        leads.lazy()
        .with_columns(follow_up_flags(sla_hours))
        .select("lead_source", *flags)
        .group_by("lead_source")
        .agg(pl.all().sum())
        .with_columns(side.alias("side"))
        .collect()
    )


def _compare(marketing: Measure | None, sales: Measure | None) -> str:
    """The answer for marketing against sales under RULE (lower is worse for both claims)."""
    if marketing is None or sales is None or min(marketing.of, sales.of) < MIN_LEADS:
        return CANNOT_TELL
    if marketing.ci_high < sales.ci_low:
        return SUPPORTS
    if marketing.ci_low > sales.ci_high:
        return DOES_NOT_SUPPORT
    return CANNOT_TELL


def _pick(measures: list[Measure], group: str) -> Measure | None:
    return next((m for m in measures if m.group == group), None)


def _describe(name: str, marketing: Measure | None, sales: Measure | None) -> str:
    def part(m: Measure | None, label: str) -> str:
        if m is None or m.rate is None:
            return f"no {label} leads"
        return f"{m.rate:.1%} of {m.of:,} {label} leads (95%: {m.ci_low:.1%}–{m.ci_high:.1%})"

    return f"{name}: {part(marketing, MARKETING)} against {part(sales, SALES)}."


def _unavailable(claim: str, because: str) -> Card:
    return Card(claim, CANNOT_TELL, RULE, because, ())


def follow_up_card(facts: Facts, counts: pl.DataFrame, sla_hours: float) -> Card:
    """Claim 1: are marketing's leads touched within the SLA less often than sales' own?
    `counts`: _per_source of the leads."""
    if not facts.can("leads", "follow_up", "created_at"):
        return _unavailable(FOLLOW_UP_CLAIM, "The data has no sales touches or no creation dates.")
    sla = _measures(counts, "side", "touched within the SLA", "sla_met", "dated")
    touched = _measures(counts, "side", "touched at all", "followed_up", "dated")
    marketing_counts = counts.filter(pl.col("side") == MARKETING)
    never = _measures(marketing_counts, "side", "never touched", "never", "dated")
    marketing, sales = _pick(sla, MARKETING), _pick(sla, SALES)
    return Card(
        FOLLOW_UP_CLAIM,
        _compare(marketing, sales),
        RULE,
        _describe(f"Touched within {sla_hours:g} h", marketing, sales),
        (*sla, *touched, *never),
    )


def closing_card(facts: Facts, counts: pl.DataFrame, sla_hours: float) -> Card:
    """Claim 2: among leads touched within the SLA, do marketing's win less than sales' own?

    Per marketing source too: `measures` holds each source's rate, so the card can name the
    sources whose worked leads close worse than sales-sourced ones (see `sources_below`).
    `counts`: _per_source of the leads.
    """
    if not facts.can("leads", "outcome", "follow_up", "created_at"):
        return _unavailable(
            CLOSING_CLAIM,
            "The data has no sales touches, creation dates or outcomes: it cannot say which "
            "leads sales worked within the SLA, or which of them were won.",
        )
    name = "won, of leads touched within the SLA"
    sides = _measures(counts, "side", name, "won", "worked")
    marketing_counts = counts.filter(pl.col("side") == MARKETING)
    sources = _measures(marketing_counts, "lead_source", name, "won", "worked")
    marketing, sales = _pick(sides, MARKETING), _pick(sides, SALES)
    return Card(
        CLOSING_CLAIM,
        _compare(marketing, sales),
        RULE,
        _describe(f"Won, of leads touched within {sla_hours:g} h", marketing, sales),
        (*sides, *sources),
    )


def sources_below(card: Card) -> list[str]:
    """Marketing sources whose rate lies, by the card's rule, below the sales-sourced one."""
    sales = _pick(list(card.measures), SALES)
    return [
        m.group
        for m in card.measures
        if m.group not in (MARKETING, SALES) and _compare(m, sales) == SUPPORTS
    ]


def verdict(facts: Facts, sla_hours: float, sales_sources: set[str]) -> tuple[Card, Card]:
    """Both cards, follow-up first, from one count of the leads."""
    counts = pl.DataFrame()
    if facts.can("leads", "follow_up", "created_at"):
        counts = _per_source(facts.leads, sla_hours, sales_sources)
    return follow_up_card(facts, counts, sla_hours), closing_card(facts, counts, sla_hours)
