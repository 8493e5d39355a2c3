"""The ground truth: the parameters, the definitions, and the realised figures computed on the
clean data (before planted problems, every lead under its true source)."""

from __future__ import annotations

import polars as pl

from sample_data.parameters import (
    ACTIVITIES,
    COMPANY_SIZES,
    COUNTRIES,
    EXPORT_DATE,
    HOUR,
    OPPORTUNITIES,
    OWNERS,
    PROBLEMS,
    SEASONALITY,
    SEGMENTS,
    SLA_HOURS,
    SOURCES,
    SPEED_TO_LEAD,
    TIMING,
    WINDOW_END,
    WINDOW_START,
    icp_normalisers,
    p_sql_per_lead,
    per_source,
)


# --- ground truth ---------------------------------------------------------------------------
def _rate(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def lead_facts(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    leads, opps, acts = frames["leads"], frames["opportunities"], frames["activities"]
    opp_per_lead = opps.group_by("lead_id").agg(
        pl.len().alias("n_opps"),
        pl.col("is_closed").sum().alias("n_closed"),
        pl.col("is_won").sum().alias("n_won"),
        pl.col("amount").filter(pl.col("is_won")).sum().alias("revenue"),
    )
    first_touch = (
        acts.join(leads.select("lead_id", "created_at"), on="lead_id")
        .filter(pl.col("occurred_at") >= pl.col("created_at"))
        .group_by("lead_id")
        .agg(pl.col("occurred_at").min().alias("first_touch_at"))
    )
    return (
        leads.join(opp_per_lead, on="lead_id", how="left")
        .join(first_touch, on="lead_id", how="left")
        .with_columns(
            pl.col("n_opps", "n_closed", "n_won").fill_null(0),
            pl.col("revenue").fill_null(0.0),
            ((pl.col("first_touch_at") - pl.col("created_at")).dt.total_seconds() / HOUR).alias(
                "hours_to_first_touch"
            ),
        )
    )


def metrics(facts: pl.DataFrame, spend: pl.DataFrame | None, by: str | None) -> dict:
    aggs = [
        pl.len().alias("leads"),
        pl.col("mql_at").is_not_null().sum().alias("mqls"),
        pl.col("sql_at").is_not_null().sum().alias("sqls"),
        (pl.col("status") == "Disqualified").sum().alias("disqualified"),
        (pl.col("n_opps") > 0).sum().alias("leads_with_opportunity"),
        pl.col("n_opps").sum().alias("opportunities"),
        pl.col("n_closed").sum().alias("closed_opportunities"),
        pl.col("n_won").sum().alias("won_opportunities"),
        (pl.col("n_won") > 0).sum().alias("won"),
        pl.col("revenue").sum().alias("revenue"),
        pl.col("first_touch_at").is_not_null().sum().alias("followed_up"),
        (pl.col("hours_to_first_touch") <= SLA_HOURS).sum().alias("sla_met"),
        pl.col("hours_to_first_touch").median().alias("median_hours_to_first_touch"),
    ]
    grouped = facts.group_by(by).agg(aggs) if by else facts.select(aggs)
    grouped = grouped.with_columns(
        _rate(pl.col("won"), pl.col("leads")).alias("lead_to_win_rate"),
        _rate(pl.col("won_opportunities"), pl.col("closed_opportunities")).alias(
            "opportunity_win_rate"
        ),
        _rate(pl.col("mqls"), pl.col("leads")).alias("mql_rate"),
        _rate(pl.col("sqls"), pl.col("leads")).alias("sql_rate"),
        _rate(pl.col("followed_up"), pl.col("leads")).alias("followed_up_rate"),
        _rate(pl.col("sla_met"), pl.col("leads")).alias("sla_met_rate"),
        _rate(pl.col("revenue"), pl.col("leads")).alias("revenue_per_lead"),
    )
    if spend is not None:
        if by:
            sp = spend.group_by("lead_source").agg(pl.col("spend").sum())
            grouped = grouped.join(sp, on="lead_source", how="left")
        else:
            grouped = grouped.with_columns(pl.lit(spend["spend"].sum()).alias("spend"))
        grouped = grouped.with_columns(
            pl.col("spend").fill_null(0.0).round(2),
            _rate(pl.col("spend"), pl.col("leads")).alias("cost_per_lead"),
        )
    grouped = grouped.with_columns(pl.col(pl.Float64).round(6))
    if not by:
        return grouped.row(0, named=True)
    return {row.pop(by): row for row in grouped.sort(by).iter_rows(named=True)}


def recorded_parameters() -> dict:
    win_norm, deal_norm = icp_normalisers()
    # Only touched leads can become SQL: the p_sql parameters apply to the touched leads.
    p_sql = p_sql_per_lead() * per_source("followed_up_share")
    sources = {}
    for i, (name, spec) in enumerate(SOURCES.items()):
        p_lead_opp = p_sql[i] * spec["p_opportunity_given_sql"]
        sources[name] = {
            **spec,
            "expected_sql_rate": round(float(p_sql[i]), 6),
            "expected_lead_to_opportunity_rate": round(float(p_lead_opp), 6),
        }
    return {
        "window": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat()},
        "export_date": EXPORT_DATE.isoformat(),
        "export_rule": "the export is taken at the end of export_date: no timestamp is later. "
        "Steps due later have not happened: no MQL/SQL, no opportunity (the lead stops at "
        "SQL), a deal due to close later is open with an empty close_date, no later touches",
        "sla_hours": SLA_HOURS,
        "sources": sources,
        "owners_median_hours_to_first_touch": OWNERS,
        "segments": {k: {"share": v[0], "win_factor": v[1]} for k, v in SEGMENTS.items()},
        "company_sizes": {
            k: {"share": v[0], "win_factor": v[1], "deal_factor": v[2]}
            for k, v in COMPANY_SIZES.items()
        },
        "countries": {k: {"share": v[0]} for k, v in COUNTRIES.items()},
        "icp": {
            "win_probability": "p_won_given_closed[source] * segment.win_factor"
            " * company_size.win_factor * speed_to_lead.win_factor[band of the lead's first"
            " touch] / win_normaliser, capped at win_probability_cap",
            "win_normaliser": round(win_norm, 6),
            "deal_amount": "lognormal(mean=mean_deal[source], sigma=deal_sigma)"
            " * company_size.deal_factor / deal_normaliser",
            "deal_normaliser": round(deal_norm, 6),
        },
        "seasonality": SEASONALITY,
        "timing": TIMING,
        "opportunities": OPPORTUNITIES,
        "activities": ACTIVITIES,
        "follow_up": "drawn before the funnel, independent of the lead: a lead is touched with "
        "probability followed_up_share; first touch = created_at + lognormal(median = owner "
        "median * source speed_factor, sigma = first_touch_sigma) hours. Only a touched lead "
        "can become SQL (p_mql, p_sql_given_mql and p_sql_without_mql apply to touched leads), "
        "and not before 1 h after its first touch",
        "speed_to_lead": SPEED_TO_LEAD,
        "planted_effects": PLANTED_EFFECTS,
        "problems": PROBLEMS,
    }


# What the analyses must find in this data (tests/test_planted.py recovers each at 50,000 leads).
PLANTED_EFFECTS = {
    "good_leads_followed_up_late": "Events: lead quality above the average (p_won_given_closed "
    "0.30) but touched only 60% of the time and slowly (speed_factor 4): its gap against all "
    "sources comes from follow-up, not from its leads",
    "fast_follow_up_leads_rarely_close": "Email: touched 95% of the time and fast (speed_factor "
    "0.4) but its deals are rarely won (p_won_given_closed 0.05): its gap comes from its leads",
    "speed_to_lead": "the win probability of every deal is multiplied by speed_to_lead.win_factor "
    "of its lead's first-touch band, the same for every source: the win rate falls with "
    "response time within sources",
    "young_cohort_not_worse": "no parameter changes over time: the last quarter (2026 Q3) is as "
    "good as the older ones and looks worse only because its deals had less time to close "
    "before the export date",
}


DEFINITIONS = {
    "computed_on": "clean data: before planted problems, every lead under its true canonical "
    "source, each lead once, only opportunities/activities of existing leads, positive amounts; "
    "as of the export date (nothing after it exists)",
    "leads": "lead rows",
    "mqls": "leads with mql_at",
    "sqls": "leads with sql_at (Outbound leads reach SQL without mql_at)",
    "disqualified": "leads with status Disqualified",
    "leads_with_opportunity": "leads with at least one opportunity",
    "opportunities": "opportunity rows linked to the lead (a lead can have 1..3)",
    "closed_opportunities": "opportunities with is_closed",
    "won_opportunities": "opportunities with is_won (stage Closed Won)",
    "won": "leads with at least one won opportunity (status Customer)",
    "lead_to_win_rate": "won / leads",
    "opportunity_win_rate": "won_opportunities / closed_opportunities",
    "followed_up_rate": "leads with an activity at or after created_at / leads",
    "sla_met_rate": f"leads whose first such activity is within {SLA_HOURS} h / all leads",
    "median_hours_to_first_touch": "median over followed-up leads of (first activity at or "
    "after created_at - created_at) in hours",
    "revenue": "sum of won opportunities' amounts",
    "revenue_per_lead": "revenue / leads",
    "spend": "sum of spend.csv for the source (spend has no planted problems)",
    "cost_per_lead": "spend / leads",
}
