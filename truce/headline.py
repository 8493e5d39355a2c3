"""The headline numbers as one plain dict: what `python -m truce report` prints.

Assembled from the page models (truce/views), so a filtered page and a filtered report show
the same numbers. Not to be confused with `findings.Report`, the validation's findings.
"""

from __future__ import annotations

import math
from dataclasses import replace

import polars as pl

from truce.contract import Contract
from truce.filters import Selection
from truce.findings import Report
from truce.views import follow_up, funnel, icp, scorecard, spend, win_rate
from truce.views.options import Options

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
# Added to each source when a spend file is given: report name <- spend page column.
SPEND_KEYS = {
    "spend": "spend",
    "cost_per_lead": "cost_per_lead",
    "cost_per_won": "cost_per_won_deal",
}
SEGMENT_KEYS = (
    "leads",
    "won",
    "lead_to_win_rate",
    "win_rate_ci_low",
    "win_rate_ci_high",
    "average_won_deal",
    "median_days_to_win",
)


def headline(
    selection: Selection, contract: Contract, validation: Report, options: Options
) -> dict:
    wins = win_rate.build(selection, contract, options)
    touches = follow_up.build(selection, contract, options)
    card = scorecard.build(selection, contract, options)
    return {
        "rows": dict(validation.rows_in),
        "excluded": {t: validation.excluded(t) for t in validation.rows_in},
        "validation": {"errors": len(validation.errors), "warnings": len(validation.warnings)},
        "overall": _overall(selection, funnel.build(selection, contract, options), wins, touches),
        "by_source": _by_source(
            selection, wins, touches, spend.build(selection, contract, options)
        ),
        "scorecard": _scorecard(card),
        "revenue_left_on_table": card.left,
        "by_segment": _by_segment(selection, contract, options),
    }


def _scorecard(card: scorecard.ScorecardModel) -> dict | None:
    """This period against the previous one (the contract's scorecard period unless dates
    are given)."""
    if card.missing:
        return None
    keys = ("start", "end", "previous_start", "previous_end")
    return {
        "period": {k: d.isoformat() for k, d in zip(keys, card.period, strict=True)},
        "sla_hours": card.sla_hours,
        "measures": [_clean(row) for row in card.card.iter_rows(named=True)],
    }


def _by_segment(selection: Selection, contract: Contract, options: Options) -> dict:
    """Per profile dimension the data carries (segment, company_size, country)."""
    first = icp.build(selection, contract, options)
    out = {}
    for dimension in first.dimensions:
        model = icp.build(selection, contract, replace(options, dimension=dimension))
        out[dimension] = [
            _clean({"value": row[dimension], **{k: row[k] for k in SEGMENT_KEYS}})
            for row in model.table.iter_rows(named=True)
        ]
    return out


def _overall(
    selection: Selection,
    stages: funnel.FunnelModel,
    wins: win_rate.WinRateModel,
    touches: follow_up.FollowUpModel,
) -> dict:
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
    if wins.deals:
        out["opportunities"] = wins.deals["opportunities"]
        out["opportunity_win_rate"] = wins.deals["opportunity_win_rate"]
        out["won"] = out["won_opportunities"] = wins.deals["won_opportunities"]
        out["average_won_deal"] = wins.deals["average_won_deal"]
        out["median_days_to_close"] = wins.deals["median_days_to_close"]
    if selection.can("leads"):
        outcome = selection.can("outcome")
        out.update(
            leads=wins.leads["leads"],
            mqls=stages.counts.get("MQL"),
            sqls=stages.counts.get("SQL"),
            won=wins.leads["won"] if outcome else None,
            lead_to_win_rate=wins.leads["lead_to_win_rate"] if outcome else None,
        )
        if not touches.missing:
            out.update(
                followed_up_rate=touches.overall["followed_up_rate"],
                sla_met_rate=touches.overall["sla_met_rate"],
                median_hours_to_first_touch=touches.overall["median_hours_to_first_touch"],
            )
    out["revenue"] = wins.revenue
    return _clean(out)


def _by_source(
    selection: Selection,
    wins: win_rate.WinRateModel,
    touches: follow_up.FollowUpModel,
    costs: spend.SpendModel,
) -> list[dict]:
    if not selection.can("leads"):
        if "lead_source" not in wins.deals_by:
            return []
        table = wins.deals_by["lead_source"].with_columns(
            pl.col("won_opportunities").alias("won"), pl.col("won_amount").alias("revenue")
        )
    else:
        table = wins.by_source
        if not touches.missing:
            table = table.join(
                touches.by_source.select(
                    "lead_source", "followed_up_rate", "sla_met_rate", "median_hours_to_first_touch"
                ),
                on="lead_source",
                how="left",
            )
        if not selection.can("outcome"):
            table = table.with_columns(
                pl.lit(None, pl.Float64).alias(c)
                for c in ("lead_to_win_rate", "win_rate_ci_low", "win_rate_ci_high")
            )
    keys = dict(zip(SOURCE_KEYS, SOURCE_KEYS, strict=True))
    if selection.can("spend"):
        keys |= SPEND_KEYS
        if not costs.missing:
            table = table.join(
                costs.by_source.select("lead_source", *SPEND_KEYS.values()),
                on="lead_source",
                how="left",
            )
    return [
        _clean({key: row.get(column) for key, column in keys.items()})
        for row in table.sort("lead_source").iter_rows(named=True)
    ]


def _clean(values: dict) -> dict:
    """JSON-safe: NaN becomes null, whole counts stay ints."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}
