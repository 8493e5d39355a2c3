"""Lead -> MQL -> SQL -> Opportunity -> Won, per source, per cohort, and how fast."""

from __future__ import annotations

import itertools

import polars as pl

from truce.facts import Facts
from truce.metrics.frames import days_between
from truce.metrics.rates import rate

# Stage label, the fact column that says a lead reached it, the contract term behind it,
# and the timestamp of reaching it.
STAGES = (
    ("Lead", None, "leads", "created_at"),
    ("MQL", "mql_reached", "mql", "mql_at"),
    ("SQL", "sql_reached", "sql", "sql_at"),
    ("Opportunity", "opportunity_reached", "opportunities", "opportunity_at"),
    ("Won", "won", "outcome", "won_at"),
)


def stages_available(facts: Facts) -> list[str]:
    """The stages this data can tell: a stage no file speaks about is left out, not zero."""
    return [label for label, _, needs, _ in STAGES if facts.can(needs)]


def reached(stages: list[str], order: str) -> list[pl.Expr]:
    """One boolean per stage: did the lead reach it?

    "any": a lead that skipped a stage still counts in every stage before the
    furthest it reached (an outbound lead that never was an MQL but won is counted
    as MQL). "strict": a lead counts only while it passed every stage in order.
    """
    # Every lead is a Lead. A bare literal would be one row when it is all that is selected
    # (a leads-only file: 6 leads counted as 1); repeated to the frame's height it is not.
    every = pl.repeat(True, pl.len())
    own = {label: (every if col is None else pl.col(col)) for label, col, _, _ in STAGES}
    flags: dict[str, pl.Expr] = {}
    if order == "strict":
        previous = pl.lit(True)
        for label in stages:
            flags[label] = previous & own[label]
            previous = flags[label]
    else:
        later = pl.lit(False)
        for label in reversed(stages):
            flags[label] = own[label] | later
            later = flags[label]
    return [flags[label].fill_null(False).alias(label) for label in stages]


def funnel(leads: pl.DataFrame, stages: list[str], order: str = "any", by: str | None = None):
    """Long frame: one row per group and stage with count and both conversion rates.

    conversion_from_previous = stage count / previous stage count;
    conversion_from_top = stage count / leads.
    """
    keys = [by] if by else []
    counts = (
        leads.select(*keys, *reached(stages, order))
        .group_by(keys or pl.lit("All").alias("_all"))
        .agg(pl.col(s).sum() for s in stages)
    )
    keys = keys or ["_all"]
    long = counts.unpivot(index=keys, on=stages, variable_name="stage", value_name="count")
    order_of = {s: i for i, s in enumerate(stages)}
    long = long.with_columns(
        pl.col("stage").replace_strict(order_of, return_dtype=pl.Int32).alias("step")
    ).sort([*keys, "step"])
    long = long.with_columns(
        pl.col("count").shift(1).over(keys).alias("_previous"),
        pl.col("count").first().over(keys).alias("_top"),
    ).with_columns(
        rate("count", "_previous").alias("conversion_from_previous"),
        rate("count", "_top").alias("conversion_from_top"),
    )
    return long.drop("_previous", "_top", *([] if by else ["_all"]))


def biggest_leak(funnel_frame: pl.DataFrame, by: str = "lead_source") -> pl.DataFrame:
    """Per group, the step that loses the largest share of the leads that reached it."""
    return (
        funnel_frame.filter(pl.col("conversion_from_previous").is_not_null())
        .sort([by, "conversion_from_previous", "step"])
        .group_by(by, maintain_order=True)
        .first()
        .select(by, pl.col("stage").alias("leaks_most_before"), "conversion_from_previous")
    )


def cohort_funnel(leads: pl.DataFrame, stages: list[str], order: str = "any") -> pl.DataFrame:
    """The funnel per monthly cohort of lead creation (leads without a date left out)."""
    cohorts = leads.filter(pl.col("created_at").is_not_null()).with_columns(
        pl.col("created_at").dt.truncate("1mo").dt.date().alias("cohort")
    )
    return funnel(cohorts, stages, order, by="cohort")


def stage_velocity(leads: pl.DataFrame, stages: list[str], by: str = "lead_source"):
    """Median and 90th-percentile days between consecutive stages' timestamps.

    Only leads with both timestamps, in the right order, count; `leads` says how many.
    """
    stamps = {label: ts for label, _, _, ts in STAGES}
    pairs = [(a, b) for a, b in itertools.pairwise(stages) if stamps[a] in leads.columns]
    frames = []
    for start, end in pairs:
        if stamps[end] not in leads.columns:
            continue
        days = days_between(stamps[start], stamps[end])
        frames.append(
            leads.select(by, days.alias("days"))
            .filter(pl.col("days") >= 0)
            .group_by(by)
            .agg(
                pl.len().alias("leads"),
                pl.col("days").median().alias("median_days"),
                pl.col("days").quantile(0.9, interpolation="linear").alias("p90_days"),
            )
            .with_columns(pl.lit(f"{start} → {end}").alias("step"))
        )
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).sort(by, maintain_order=True)
