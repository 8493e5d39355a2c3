"""The one-screen scorecard: headline rates now against the previous period of equal length,
and the revenue left on the table by leads nobody followed up."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from truce.metrics import follow_up, win_rate
from truce.metrics.rates import rate, wilson_interval
from truce.metrics.verdict import marketing_sourced

# What the scorecard's measures need from the data (see Facts.available).
KNOWN = frozenset({"follow_up", "outcome"})


def export_date(leads: pl.DataFrame, today: date | None = None) -> date:
    """The day the export was taken: its latest creation date that is not in the future
    (a lead typed in as 2099 is an outlier, not the export's date)."""
    today = today or date.today()
    days = leads["created_at"].dt.date()
    past = days.filter(days <= today)
    return (past if past.len() else days).max()


def periods(
    leads: pl.DataFrame,
    start: date | None,
    end: date | None,
    period_days: int,
    today: date | None = None,
):
    """(start, end, previous start, previous end): the chosen range, else the last
    `period_days` days (the contract's scorecard_period_days) up to the export date, and the
    equally long range just before it."""
    if end is None:
        end = export_date(leads, today)
    if start is None:
        start = end - timedelta(days=period_days - 1)
    length = (end - start).days + 1
    return start, end, start - timedelta(days=length), start - timedelta(days=1)


def created_between(frame: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Rows created in [start, end]; a frame with no rows (no such file) stays as it is."""
    if not frame.height:
        return frame
    return frame.filter(pl.col("created_at").dt.date().is_between(start, end))


def headline_rates(
    leads: pl.DataFrame,
    opps: pl.DataFrame,
    sla_hours: float,
    sales_sources: set[str],
    known: frozenset[str] = KNOWN,
) -> dict[str, float | None]:
    """The scorecard's measures for one period's leads and deals.

    `known` is what the data can tell (Facts.available): a measure it cannot support stays
    None (n/a), never 0 — leads with no touch data at all did not all miss the SLA.
    """
    marketing = marketing_sourced(sales_sources)
    out: dict[str, float | None] = dict.fromkeys(
        (
            "lead_to_win_rate",
            "sla_met_rate",
            "median_hours_to_first_touch",
            "marketing_share_of_pipeline",
            "marketing_share_of_revenue",
            "opportunity_win_rate",
        )
    )
    if leads.height and "follow_up" in known:
        touch = follow_up.follow_up_summary(leads, sla_hours, by=None).row(0, named=True)
        out["sla_met_rate"] = touch["sla_met_rate"]
        out["median_hours_to_first_touch"] = touch["median_hours_to_first_touch"]
    if leads.height and "outcome" in known:
        out["lead_to_win_rate"] = win_rate.lead_outcomes(leads, by=None)["lead_to_win_rate"][0]
        won = leads.filter(pl.col("won"))
        marketing_won = won.filter(marketing)
        total = won["revenue"].sum()
        out["marketing_share_of_revenue"] = (
            marketing_won["revenue"].sum() / total if total else None
        )
    if opps.height:
        out["opportunity_win_rate"] = win_rate.opportunity_outcomes(opps, by=None)[
            "opportunity_win_rate"
        ][0]
        value = pl.col("amount").fill_null(0) if opps["amount"].is_not_null().any() else pl.lit(1)
        shares = opps.select(
            (value.filter(marketing).sum() / value.sum()).alias("share"),
        )
        out["marketing_share_of_pipeline"] = shares["share"][0]
    return out


def scorecard(
    leads: pl.DataFrame,
    opps: pl.DataFrame,
    sla_hours: float,
    sales_sources: set[str],
    start: date | None = None,
    end: date | None = None,
    known: frozenset[str] = KNOWN,
    today: date | None = None,
    *,
    period_days: int,
) -> tuple[pl.DataFrame, tuple[date, date, date, date]]:
    """One row per measure: this period, the previous one, and the change."""
    bounds = periods(leads, start, end, period_days, today)
    now_start, now_end, before_start, before_end = bounds
    current = headline_rates(
        created_between(leads, now_start, now_end),
        created_between(opps, now_start, now_end),
        sla_hours,
        sales_sources,
        known,
    )
    previous = headline_rates(
        created_between(leads, before_start, before_end),
        created_between(opps, before_start, before_end),
        sla_hours,
        sales_sources,
        known,
    )
    frame = pl.DataFrame(
        {
            "measure": list(current),
            "value": [current[k] for k in current],
            "previous": [previous[k] for k in current],
        },
        schema={"measure": pl.String, "value": pl.Float64, "previous": pl.Float64},
    ).with_columns((pl.col("value") - pl.col("previous")).alias("change"))
    return frame, bounds


def revenue_left_on_table(leads: pl.DataFrame) -> pl.DataFrame:
    """Per source: untouched leads x win rate of its followed-up leads x its average won deal.

    low / high use the 95% Wilson interval of that win rate, so the answer is a range.
    A source with no untouched lead left nothing: 0. A source the data cannot size (no
    followed-up lead to learn a win rate from, or no won deal with an amount) gets null and
    the reason, never 0: its range is unknown, not empty.
    """
    per_source = (
        leads.group_by("lead_source")
        .agg(
            (pl.col("first_touch_at").is_null()).sum().alias("untouched"),
            pl.col("first_touch_at").is_not_null().sum().alias("followed_up"),
            (pl.col("won") & pl.col("first_touch_at").is_not_null()).sum().alias("won_followed_up"),
            pl.col("revenue").filter(pl.col("won")).mean().alias("average_won_deal"),
        )
        .with_columns(
            rate("won_followed_up", "followed_up").alias("win_rate_followed_up"),
            *wilson_interval("won_followed_up", "followed_up"),
        )
    )
    nothing_left = pl.col("untouched") == 0
    value = pl.col("untouched") * pl.col("average_won_deal")
    # Ties (sources with nothing left on the table) listed by name: the same data, one order.
    return per_source.with_columns(
        *(
            pl.when(nothing_left).then(0.0).otherwise(value * pl.col(rate_column)).alias(name)
            for name, rate_column in LEFT_RANGE.items()
        ),
        pl.when(nothing_left)
        .then(None)
        .when(pl.col("followed_up") == 0)
        .then(pl.lit(NO_WIN_RATE))
        .when(pl.col("average_won_deal").is_null())
        .then(pl.lit(NO_DEAL_SIZE))
        .alias("reason"),
    ).sort(["mid", "lead_source"], descending=[True, False], nulls_last=True)


LEFT_RANGE = {"low": "win_rate_ci_low", "mid": "win_rate_followed_up", "high": "win_rate_ci_high"}
NO_WIN_RATE = "no lead from this source was followed up, so there is no win rate to apply"
NO_DEAL_SIZE = "no won deal with an amount, so no deal size to multiply"


def left_on_table_total(per_source: pl.DataFrame) -> dict[str, float] | None:
    """The sum over the sources that can be sized; None when leads were left untouched and no
    source can be sized. `not_estimated_sources` lists what the sum leaves out."""
    sized = per_source.filter(pl.col("mid").is_not_null())
    if sized.is_empty() and not_estimated_sources(per_source):
        return None
    return {k: float(sized[k].sum()) for k in LEFT_RANGE}


def not_estimated_sources(per_source: pl.DataFrame) -> list[dict]:
    """Sources with untouched leads the estimate cannot size: source, untouched, reason."""
    return (
        per_source.filter(pl.col("reason").is_not_null())
        .select("lead_source", "untouched", "reason")
        .to_dicts()
    )


# Label, whether the number is a share (else hours), whether higher is better, and what it counts.
MEASURES = {
    "lead_to_win_rate": (
        "Lead-to-win rate",
        True,
        True,
        "of leads created in the period became customers",
    ),
    "sla_met_rate": ("SLA met", True, True, "of leads got a first sales touch within the SLA"),
    "median_hours_to_first_touch": (
        "Median hours to first touch",
        False,
        False,
        "is the median wait from lead creation to the first sales touch",
    ),
    "marketing_share_of_pipeline": (
        "Marketing share of pipeline",
        True,
        None,
        "of new pipeline (deal value) came from marketing-sourced leads",
    ),
    "marketing_share_of_revenue": (
        "Marketing share of revenue",
        True,
        None,
        "of revenue won from the period's leads came from marketing-sourced leads",
    ),
    "opportunity_win_rate": ("Opportunity win rate", True, True, "of closed deals were won"),
}


def formatted(measure: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1%}" if MEASURES[measure][1] else f"{value:.1f} h"


def reading(measure: str, value: float | None, previous: float | None) -> str:
    """One plain sentence: the number, what it counts, and how it moved."""
    _, is_share, _, counts = MEASURES[measure]
    if value is None:
        return "The data cannot tell this yet."
    sentence = f"{formatted(measure, value)} {counts}"
    if previous is None:
        return sentence + "; no data for the previous period."
    change = value - previous
    unit = f"{abs(change) * 100:.1f} points" if is_share else f"{abs(change):.1f} h"
    if abs(change) < (0.0005 if is_share else 0.05):
        return sentence + ", the same as the previous period."
    return sentence + f", {'up' if change > 0 else 'down'} {unit} on the previous period."
