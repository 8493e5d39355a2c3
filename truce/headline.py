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
from truce.metrics import scorecard as metrics_scorecard
from truce.metrics.icp import DIMENSIONS as PROFILE
from truce.metrics.matured import HORIZONS
from truce.views import (
    follow_up,
    funnel,
    gap,
    icp,
    matured,
    scorecard,
    speed,
    spend,
    verdict,
    win_rate,
)
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
DECOMPOSITION_KEYS = (
    "lead_source",
    "leads",
    "rate",
    "reference_rate",
    "difference",
    "follow_up_part",
    "quality_part",
    "on_time_win_rate",
    "average_won_deal",
    "revenue_at_stake",
)
MATURED_KEYS = (
    "leads",
    "won",
    "raw_rate",
    *(f"won_by_{t}d{end}" for t in HORIZONS for end in ("", "_ci_low", "_ci_high")),
)
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
    options = replace(options, details=False)  # the pages' charts and lists are not printed
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
        "revenue_left_on_table": _left_on_table(card),
        "by_segment": _by_segment(selection, contract, options),
        "verdict": _verdict(verdict.build(selection, contract, options)),
        "decomposition": _decomposition(gap.build(selection, contract, options)),
        "speed_to_lead": _speed(speed.build(selection, contract, options)),
        "matured_win_rate": _matured(matured.build(selection, contract, options)),
    }


def _verdict(model: verdict.VerdictModel) -> dict:
    """Both cards: claim, answer, the rule, the numbers in one sentence, every measure."""
    return {
        "sla_hours": model.sla_hours,
        "sales_sourced_sources": list(model.sales_sources),
        "follow_up": model.follow_up.as_dict(),
        "closing": model.closing.as_dict(),
        "sources_below": list(model.below),
    }


def _decomposition(model: gap.GapModel) -> dict:
    """Per source: its gap against the reference, split; by_source null when it cannot be."""
    rows = None
    if not model.missing:
        rows = [
            _clean({k: row[k] for k in DECOMPOSITION_KEYS})
            for row in model.table.iter_rows(named=True)
        ]
    return {
        "reference": model.reference,
        "sla_hours": model.sla_hours,
        "reason": model.missing,
        "by_source": rows,
    }


def _speed(model: speed.SpeedModel) -> dict:
    """Per band, per source (and "All sources"): leads, won, rate, 95% Wilson interval; the
    overall curve standardised to the source mix; the HBR comparison."""
    if model.missing:
        return {
            "reason": model.missing,
            "bands": None,
            "by_source": None,
            "standardised": None,
            "hbr": None,
        }
    by_source: dict[str, list[dict]] = {}
    for row in model.by_band.iter_rows(named=True):
        entry = {
            "band": row["band"],
            "leads": row["leads"],
            "won": row["won"],
            "rate": row["lead_to_win_rate"],
            "ci_low": row["win_rate_ci_low"],
            "ci_high": row["win_rate_ci_high"],
        }
        if model.mql_to_sql:
            entry |= {
                "mqls": row["mqls"],
                "mqls_to_sql": row["mqls_to_sql"],
                "mql_to_sql_rate": row["mql_to_sql_rate"],
                "mql_to_sql_ci_low": row["mql_to_sql_rate_ci_low"],
                "mql_to_sql_ci_high": row["mql_to_sql_rate_ci_high"],
            }
        by_source.setdefault(row["lead_source"], []).append(_clean(entry))
    standardised = model.standardised.select(
        "band", "leads", "won", "raw_rate", "standardised_rate", "mix_covered"
    )
    return {
        "reason": None,
        "bands": list(model.band_labels),
        "by_source": by_source,
        "standardised": [_clean(r) for r in standardised.iter_rows(named=True)],
        "hbr": model.hbr,
        "hbr_reason": model.hbr_reason,
    }


def _matured(model: matured.MaturedModel) -> dict:
    """Won within 30/90/180 days with 95% intervals, per source and per quarterly cohort."""
    if model.missing:
        return {"reason": model.missing, "as_of": None, "by_source": None, "by_cohort": None}

    def rows(table: pl.DataFrame, key: str) -> list[dict]:
        return [
            _clean({key: r[key], **{k: r[k] for k in MATURED_KEYS}})
            for r in table.iter_rows(named=True)
        ]

    return {
        "reason": None,
        "as_of": model.as_of.isoformat(),
        "excluded": model.excluded,
        "by_source": rows(model.by_source, "lead_source"),
        "by_cohort": rows(model.by_cohort, "cohort"),
    }


def _left_on_table(card: scorecard.ScorecardModel) -> dict | None:
    """The range summed over the sources it can size, and the sources it cannot, with why;
    None when the data has no follow-up or no amounts."""
    if card.left is None and not card.left_not_estimated:
        return None
    total = card.left or dict.fromkeys(metrics_scorecard.LEFT_RANGE)
    return {**total, "not_estimated": metrics_scorecard.not_estimated_sources(card.left_by_source)}


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
    """Per profile dimension the data carries (segment, company_size, country); any other
    column is reported through `--by` (by_dimension)."""
    first = icp.build(selection, contract, options)
    out = {}
    for dimension in (d for d in first.dimensions if d in PROFILE):
        model = first
        if dimension != first.dimension:
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
    shrunk = {row["lead_source"]: row for row in wins.shrunk.iter_rows(named=True)}
    return [
        _clean({key: row.get(column) for key, column in keys.items()})
        | {"shrunk": _shrunk(shrunk.get(row["lead_source"]))}
        for row in table.sort("lead_source").iter_rows(named=True)
    ]


def _shrunk(row: dict | None) -> dict | None:
    """The source's shrunk lead-to-win rate, its 95% interval and rank; None when the data
    cannot fit a prior (win_rate's shrunk_reason says why)."""
    if row is None:
        return None
    return {
        "win_rate": row["shrunk_rate"],
        "ci_low": row["shrunk_ci_low"],
        "ci_high": row["shrunk_ci_high"],
        "rank": row["rank"],
    }


def _clean(values: dict) -> dict:
    """JSON-safe: NaN becomes null, whole counts stay ints."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}
