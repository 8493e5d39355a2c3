"""Metric functions on hand-made fact frames; every expected number is worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from truce.metrics import follow_up, funnel, icp, win_rate
from truce.metrics.rates import wilson_interval

T0 = datetime(2026, 3, 2, 9, 0)
STAGES = ["Lead", "MQL", "SQL", "Opportunity", "Won"]


def lead_facts() -> pl.DataFrame:
    """Six leads. Source A: A1 goes all the way, A2 stops at MQL, A3 skips MQL and stops at
    opportunity, A4 goes nowhere. Source B: B1 is MQL, SQL and won without an opportunity
    record; B2 goes nowhere. Hours to first touch: A1 2, A2 30, A3 never, A4 10, B1 never,
    B2 0.5."""
    hours = [2.0, 30.0, None, 10.0, None, 0.5]
    return pl.DataFrame(
        {
            "lead_id": ["A1", "A2", "A3", "A4", "B1", "B2"],
            "lead_source": ["A", "A", "A", "A", "B", "B"],
            "owner": ["Ann", "Ann", "Bob", "Bob", "Ann", "Bob"],
            "created_at": [T0] * 6,
            "mql_reached": [True, True, False, False, True, False],
            "sql_reached": [True, False, True, False, True, False],
            "opportunity_reached": [True, False, True, False, False, False],
            "won": [True, False, False, False, True, False],
            "won_at": [T0 + timedelta(days=40), None, None, None, T0 + timedelta(days=20), None],
            "revenue": [1000.0, None, None, None, 3000.0, None],
            "first_touch_at": [None if h is None else T0 + timedelta(hours=h) for h in hours],
            "hours_to_first_touch": hours,
            "touches": [3, 1, 0, 2, 0, 1],
        }
    )


def by(frame: pl.DataFrame, key: str, value: str) -> dict:
    return frame.filter(pl.col(key) == value).row(0, named=True)


def stage_counts(frame: pl.DataFrame, source: str) -> list[int]:
    return frame.filter(pl.col("lead_source") == source).sort("step")["count"].to_list()


def test_any_order_funnel_counts_skipped_stages():
    result = funnel.funnel(lead_facts(), STAGES, "any", by="lead_source")
    assert stage_counts(result, "A") == [4, 3, 2, 2, 1]
    assert stage_counts(result, "B") == [2, 1, 1, 1, 1]
    a = result.filter(pl.col("lead_source") == "A").sort("step")
    assert a["conversion_from_previous"].to_list() == [None, 0.75, pytest.approx(2 / 3), 1.0, 0.5]
    assert a["conversion_from_top"].to_list() == [1.0, 0.75, 0.5, 0.5, 0.25]


def test_strict_order_funnel_drops_leads_that_skipped():
    result = funnel.funnel(lead_facts(), STAGES, "strict", by="lead_source")
    assert stage_counts(result, "A") == [4, 2, 1, 1, 1]
    assert stage_counts(result, "B") == [2, 1, 1, 0, 0]


def test_overall_funnel_and_biggest_leak():
    overall = funnel.funnel(lead_facts(), STAGES, "any")
    assert overall.sort("step")["count"].to_list() == [6, 4, 3, 3, 2]
    leaks = funnel.biggest_leak(funnel.funnel(lead_facts(), STAGES, "any", by="lead_source"))
    # A: 75% -> MQL, 67% -> SQL, 100% -> Opportunity, 50% -> Won.  B: 50% -> MQL, then 100%.
    assert by(leaks, "lead_source", "A")["leaks_most_before"] == "Won"
    assert by(leaks, "lead_source", "B")["leaks_most_before"] == "MQL"


def test_funnel_without_mql_data_skips_the_stage():
    result = funnel.funnel(lead_facts(), ["Lead", "Won"], "any")
    assert result["stage"].to_list() == ["Lead", "Won"]
    assert result["count"].to_list() == [6, 2]


def test_follow_up_summary_by_source():
    result = follow_up.follow_up_summary(lead_facts(), sla_hours=24)
    a, b = by(result, "lead_source", "A"), by(result, "lead_source", "B")
    assert (a["leads"], a["followed_up"], a["sla_met"]) == (4, 3, 2)
    assert a["followed_up_rate"] == 0.75
    assert a["sla_met_rate"] == 0.5
    assert a["median_hours_to_first_touch"] == 10.0  # of 2, 10, 30
    assert a["touches_per_lead"] == 1.5  # (3 + 1 + 0 + 2) / 4
    assert (b["followed_up_rate"], b["sla_met_rate"], b["median_hours_to_first_touch"]) == (
        0.5,
        0.5,
        0.5,
    )


def test_sla_is_a_what_if():
    overall = follow_up.follow_up_summary(lead_facts(), sla_hours=1, by=None).row(0, named=True)
    assert overall["sla_met"] == 1  # only B2's half hour
    wide = follow_up.follow_up_summary(lead_facts(), sla_hours=48, by=None).row(0, named=True)
    assert wide["sla_met"] == 4
    assert wide["median_hours_to_first_touch"] == 6.0  # median of 0.5, 2, 10, 30


def test_response_bands_count_never_touched_leads():
    bands = follow_up.response_bands(lead_facts(), [1, 4, 24, 72, 168])
    a = dict(bands.filter(pl.col("lead_source") == "A").select("band", "leads").rows())
    assert a == {"1–4 h": 1, "4–24 h": 1, "1–3 days": 1, "never touched": 1}
    assert bands.filter(pl.col("lead_source") == "A")["share"].sum() == pytest.approx(1.0)


def test_untouched_leads_and_slower_sources():
    assert follow_up.untouched_leads(lead_facts())["lead_id"].to_list() == ["A3", "B1"]
    summary = follow_up.follow_up_summary(lead_facts(), 24)
    sentences = follow_up.slower_sources(summary, overall_median=4.0)
    assert sentences == [
        "A leads wait a median 10.0 h for a first touch, against 4.0 h across all sources."
    ]


def test_wilson_interval_matches_the_textbook_value():
    frame = pl.DataFrame({"won": [1, 0, 10], "leads": [4, 0, 10]})
    low, high = frame.select(wilson_interval("won", "leads")).rows()[0]
    assert (round(low, 4), round(high, 4)) == (0.0456, 0.6994)
    assert frame.select(wilson_interval("won", "leads")).rows()[1] == (None, None)
    low, high = frame.select(wilson_interval("won", "leads")).rows()[2]
    assert round(low, 4) == 0.7225 and high == pytest.approx(1.0)


def test_lead_outcomes_by_source():
    result = win_rate.lead_outcomes(lead_facts())
    a, b = by(result, "lead_source", "A"), by(result, "lead_source", "B")
    assert (a["leads"], a["won"], a["lead_to_win_rate"]) == (4, 1, 0.25)
    assert a["revenue"] == 1000.0 and a["revenue_per_lead"] == 250.0
    assert a["average_deal_size"] == 1000.0
    assert a["median_days_to_win"] == 40.0
    assert (b["lead_to_win_rate"], b["revenue_per_lead"]) == (0.5, 1500.0)


def test_opportunity_win_rate_counts_closed_deals_only():
    opps = pl.DataFrame(
        {
            "lead_source": ["A", "A", "A", "B"],
            "owner": ["Ann", "Ann", "Bob", "Bob"],
            "is_won": [True, False, False, True],
            "is_closed": [True, True, False, True],
            "amount": [1000.0, 400.0, 900.0, 3000.0],
            "created_at": [T0] * 4,
            "closed_at": [T0 + timedelta(days=30), T0, None, T0 + timedelta(days=10)],
        }
    )
    result = win_rate.opportunity_outcomes(opps)
    a = by(result, "lead_source", "A")
    assert (a["opportunities"], a["closed"], a["won_opportunities"]) == (3, 2, 1)
    assert a["opportunity_win_rate"] == 0.5  # the open deal is left out
    assert a["average_won_deal"] == 1000.0
    assert a["median_days_to_close"] == 30.0
    owners = win_rate.opportunity_outcomes(opps, by="owner")
    assert by(owners, "owner", "Bob")["opportunity_win_rate"] == 1.0


def test_profile_rows_with_equal_rates_list_in_one_order():
    """Equal win rates: the larger group first, then by value, whatever order rows come in."""
    rows = [("b", True), ("b", False), ("a", True), ("a", False), ("c", True), ("c", False)]
    rows += [("d", True), ("d", False), ("d", True), ("d", False)]
    for order in (rows, rows[::-1]):
        leads = pl.DataFrame(
            {
                "segment": [s for s, _ in order],
                "won": [w for _, w in order],
                "revenue": [None] * len(order),
                "created_at": [datetime(2026, 1, 1)] * len(order),
                "won_at": [None] * len(order),
                "touches": [1] * len(order),
            },
            schema_overrides={"revenue": pl.Float64, "won_at": pl.Datetime},
        )
        assert icp.by_dimension(leads, "segment")["segment"].to_list() == ["d", "a", "b", "c"]


@pytest.mark.parametrize("order", ["any", "strict"])
def test_a_leads_only_funnel_counts_every_lead(order):
    """With no stage but Lead, the funnel's one stage counts each of the 6 leads."""
    leads = pl.DataFrame({"lead_id": [f"L{i}" for i in range(6)], "lead_source": ["A"] * 6})
    counted = funnel.funnel(leads, ["Lead"], order)
    assert counted.select("stage", "count").rows() == [("Lead", 6)]
    by_source = funnel.funnel(leads, ["Lead"], order, by="lead_source")
    assert by_source.select("lead_source", "count").rows() == [("A", 6)]
