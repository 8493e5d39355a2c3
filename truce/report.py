"""The headline numbers as one plain dict: what `python -m truce report` prints.

Built from the same metric functions the pages call, so the two never disagree.
"""

from __future__ import annotations

import math

import polars as pl

from truce.facts import Facts
from truce.filters import Filters
from truce.findings import Report
from truce.metrics import follow_up, funnel, icp, scorecard, win_rate

SOURCE_KEYS = (
    "lead_source",
    "leads",
    "won",
    "lead_to_win_rate",
    "win_rate_ci_low",
    "win_rate_ci_high",
    "opportunities",
    "won_opportunities",
    "opportunity_win_rate",
    "followed_up_rate",
    "sla_met_rate",
    "median_hours_to_first_touch",
    "revenue",
    "revenue_per_lead",
)


def headline(
    facts: Facts,
    validation: Report,
    sla_hours: float,
    sales_sources: set[str],
    filters: Filters | None = None,
    *,
    period_days: int,
) -> dict:
    filters = filters or Filters()
    leads = filters.leads(facts.leads)
    opps = filters.opportunities(facts.opportunities, facts.leads)
    return {
        "rows": dict(validation.rows_in),
        "excluded": {t: validation.excluded(t) for t in validation.rows_in},
        "validation": {"errors": len(validation.errors), "warnings": len(validation.warnings)},
        "overall": _overall(facts, leads, opps, sla_hours),
        "by_source": _by_source(facts, leads, opps, sla_hours),
        "scorecard": _scorecard(facts, opps, sla_hours, sales_sources, filters, period_days),
        "revenue_left_on_table": _left_on_table(facts, leads),
        "by_segment": _by_segment(facts, leads),
    }


def _scorecard(
    facts: Facts, opps, sla_hours: float, sales_sources: set[str], filters: Filters, days: int
):
    """This period against the previous one (the last `days` days unless dates are given)."""
    if not facts.can("leads", "created_at"):
        return None
    card, bounds = scorecard.scorecard(
        facts.leads, opps, sla_hours, sales_sources, filters.start, filters.end, period_days=days
    )
    keys = ("start", "end", "previous_start", "previous_end")
    return {
        "period": {k: d.isoformat() for k, d in zip(keys, bounds, strict=True)},
        "measures": [_clean(row) for row in card.iter_rows(named=True)],
    }


def _left_on_table(facts: Facts, leads: pl.DataFrame):
    if not facts.can("leads", "follow_up", "amount"):
        return None
    return scorecard.left_on_table_total(scorecard.revenue_left_on_table(leads))


def _by_segment(facts: Facts, leads: pl.DataFrame) -> dict:
    """Per profile dimension the data carries (segment, company_size, country)."""
    if not facts.can("leads", "outcome"):
        return {}
    keys = (
        "leads",
        "won",
        "lead_to_win_rate",
        "win_rate_ci_low",
        "win_rate_ci_high",
        "average_won_deal",
        "median_days_to_win",
    )
    return {
        dimension: [
            _clean({"value": row[dimension], **{k: row[k] for k in keys}})
            for row in icp.by_dimension(leads, dimension).iter_rows(named=True)
        ]
        for dimension in icp.dimensions_present(leads)
    }


def _overall(facts: Facts, leads: pl.DataFrame, opps: pl.DataFrame, sla_hours: float) -> dict:
    out: dict = dict.fromkeys(
        (
            "leads",
            "mqls",
            "sqls",
            "opportunities",
            "won",
            "won_opportunities",
            "lead_to_win_rate",
            "opportunity_win_rate",
            "average_won_deal",
            "median_days_to_close",
            "followed_up_rate",
            "sla_met_rate",
            "median_hours_to_first_touch",
            "revenue",
        )
    )
    if opps.height:
        opp = win_rate.opportunity_outcomes(opps, by=None).row(0, named=True)
        out["opportunities"] = opp["opportunities"]
        out["opportunity_win_rate"] = opp["opportunity_win_rate"]
        out["won"] = out["won_opportunities"] = opp["won_opportunities"]
        out["average_won_deal"] = opp["average_won_deal"]
        out["median_days_to_close"] = opp["median_days_to_close"]
    if facts.can("leads"):
        stages = funnel.stages_available(facts)
        counts = funnel.funnel(leads, stages).select("stage", "count").rows()
        reached = dict(counts)
        lead = win_rate.lead_outcomes(leads, by=None).row(0, named=True)
        out.update(
            leads=leads.height,
            mqls=reached.get("MQL"),
            sqls=reached.get("SQL"),
            won=lead["won"] if facts.can("outcome") else None,
            lead_to_win_rate=lead["lead_to_win_rate"] if facts.can("outcome") else None,
        )
        if facts.can("follow_up"):
            touch = follow_up.follow_up_summary(leads, sla_hours, by=None).row(0, named=True)
            out.update(
                followed_up_rate=touch["followed_up_rate"],
                sla_met_rate=touch["sla_met_rate"],
                median_hours_to_first_touch=touch["median_hours_to_first_touch"],
            )
    out["revenue"] = win_rate.revenue(leads, opps) if facts.can("amount") else None
    return _clean(out)


def _by_source(facts: Facts, leads: pl.DataFrame, opps: pl.DataFrame, sla_hours: float):
    if not facts.can("leads"):
        if not opps.height:
            return []
        table = win_rate.opportunity_outcomes(opps).with_columns(
            pl.col("won_opportunities").alias("won"), pl.col("won_amount").alias("revenue")
        )
    else:
        table = win_rate.by_source(leads, opps)
        if facts.can("follow_up"):
            table = table.join(
                follow_up.follow_up_summary(leads, sla_hours).select(
                    "lead_source", "followed_up_rate", "sla_met_rate", "median_hours_to_first_touch"
                ),
                on="lead_source",
                how="left",
            )
        if not facts.can("outcome"):
            table = table.with_columns(
                pl.lit(None, pl.Float64).alias(c)
                for c in ("lead_to_win_rate", "win_rate_ci_low", "win_rate_ci_high")
            )
    rows = []
    for row in table.sort("lead_source").iter_rows(named=True):
        rows.append(_clean({key: row.get(key) for key in SOURCE_KEYS}))
    return rows


def _clean(values: dict) -> dict:
    """JSON-safe: NaN becomes null, whole counts stay ints."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}
