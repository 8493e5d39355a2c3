"""Scorecard, revenue left on the table, ICP, spend, feedback, duplicates and the HTML briefing:
hand-made fixtures with answers worked out by hand, then the generator's planted effects."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

import sample_data.generate as gen
from tests.conftest import run_pipeline
from truce.briefing import scorecard_html
from truce.duplicates import duplicate_groups, merge
from truce.facts import Facts
from truce.filters import Filters
from truce.metrics import feedback, icp, scorecard, spend
from truce.views import scorecard as views_scorecard
from truce.views import spend as views_spend
from truce.views.options import Options

T0 = datetime(2026, 6, 1, 9, 0)
FACTS_KNOWN = frozenset({"leads", "created_at", "follow_up", "outcome", "amount"})


def leads() -> pl.DataFrame:
    """Source A: 4 leads, 3 followed up (1 of them won, $3,000), 1 never touched.
    Source B: 3 leads, 1 followed up and won ($1,000), 2 never touched.
    Segments: A1, A2, B1 SaaS; the rest Retail."""
    touched = [True, True, True, False, True, False, False]
    return pl.DataFrame(
        {
            "lead_id": ["A1", "A2", "A3", "A4", "B1", "B2", "B3"],
            "lead_source": ["A"] * 4 + ["B"] * 3,
            "segment": ["SaaS", "SaaS", "Retail", "Retail", "SaaS", "Retail", "Retail"],
            "created_at": [T0 + timedelta(days=i) for i in range(7)],
            "first_touch_at": [
                T0 + timedelta(days=i, hours=2) if t else None for i, t in enumerate(touched)
            ],
            "hours_to_first_touch": [2.0 if t else None for t in touched],
            "won": [True, False, False, False, True, False, False],
            "won_at": [
                T0 + timedelta(days=30),
                None,
                None,
                None,
                T0 + timedelta(days=14),
                None,
                None,
            ],
            "revenue": [3000.0, None, None, None, 1000.0, None, None],
            "mql_reached": [True, True, False, False, True, True, False],
            "touches": [4, 2, 1, 0, 3, 0, 0],
            "disqualified": [False, True, True, False, False, True, False],
            "disqualified_reason": [None, "Student", "Student", None, None, "Too small", None],
        }
    )


def test_revenue_left_on_the_table_by_hand():
    per_source = scorecard.revenue_left_on_table(leads())
    a = per_source.filter(pl.col("lead_source") == "A").row(0, named=True)
    # A: 1 untouched x (1 won / 3 followed up) x $3,000 = $1,000.
    assert a["untouched"] == 1 and a["mid"] == pytest.approx(1000.0)
    b = per_source.filter(pl.col("lead_source") == "B").row(0, named=True)
    # B: 2 untouched x (1 / 1) x $1,000 = $2,000.
    assert b["mid"] == pytest.approx(2000.0)
    total = scorecard.left_on_table_total(per_source)
    assert total["mid"] == pytest.approx(3000.0)
    # The range comes from the Wilson interval of each rate: 1/3 -> [0.0615, 0.7923].
    assert a["low"] == pytest.approx(3000 * 0.0615, abs=1) and a["high"] == pytest.approx(
        3000 * 0.7923, abs=1
    )
    assert total["low"] < total["mid"] < total["high"]


def test_a_source_the_estimate_cannot_size_is_null_with_the_reason_not_zero():
    """Unknown is not zero. C: 2 untouched, none followed up, so no win rate to apply.
    D: 1 untouched, 1 followed up and won but with no amount, so no deal size. E: nothing
    untouched, so nothing left: a known $0. F: 1 untouched, 1 followed up and won at $500:
    1 x 1/1 x $500 = $500, the only source in the total."""
    touched = T0 + timedelta(hours=2)
    frame = pl.DataFrame(
        {
            "lead_source": ["C", "C", "D", "D", "E", "F", "F"],
            "first_touch_at": [None, None, None, touched, touched, None, touched],
            "won": [False, False, False, True, True, False, True],
            "revenue": [None, None, None, None, 900.0, None, 500.0],
        }
    )
    per_source = {r["lead_source"]: r for r in scorecard.revenue_left_on_table(frame).to_dicts()}
    assert per_source["C"]["mid"] is None and per_source["C"]["reason"] == scorecard.NO_WIN_RATE
    assert per_source["D"]["high"] is None and per_source["D"]["reason"] == scorecard.NO_DEAL_SIZE
    assert per_source["E"]["mid"] == 0.0 and per_source["E"]["reason"] is None
    assert per_source["F"]["mid"] == pytest.approx(500.0)
    assert scorecard.left_on_table_total(scorecard.revenue_left_on_table(frame))["mid"] == (
        pytest.approx(500.0)
    )
    left_out = scorecard.not_estimated_sources(scorecard.revenue_left_on_table(frame))
    assert [(r["lead_source"], r["untouched"]) for r in left_out] == [("C", 2), ("D", 1)]
    # With only sources it cannot size, there is no total at all (not $0 to $0).
    assert scorecard.left_on_table_total(scorecard.revenue_left_on_table(frame[:4])) is None


def test_periods_default_to_the_last_90_days():
    frame = pl.DataFrame({"created_at": [datetime(2026, 9, 30, 8)]})
    assert scorecard.periods(frame, None, None, 90) == (
        date(2026, 7, 3),
        date(2026, 9, 30),
        date(2026, 4, 4),
        date(2026, 7, 2),
    )
    assert scorecard.periods(frame, date(2026, 3, 1), date(2026, 3, 10), 90) == (
        date(2026, 3, 1),
        date(2026, 3, 10),
        date(2026, 2, 19),
        date(2026, 2, 28),
    )


def test_scorecard_compares_with_the_previous_period():
    opps = pl.DataFrame(
        {
            "lead_source": ["A", "Outbound"],
            "created_at": [T0, T0],
            "amount": [3000.0, 1000.0],
            "is_won": [True, False],
            "is_closed": [True, True],
            "closed_at": [T0, T0],
        }
    )
    card, _ = scorecard.scorecard(
        leads(), opps, 24, {"outbound"}, date(2026, 6, 1), date(2026, 6, 7), period_days=90
    )
    values = dict(card.select("measure", "value").rows())
    assert values["lead_to_win_rate"] == pytest.approx(2 / 7)
    assert values["sla_met_rate"] == pytest.approx(4 / 7)
    assert values["marketing_share_of_pipeline"] == pytest.approx(0.75)  # $3,000 of $4,000
    assert values["marketing_share_of_revenue"] == 1.0
    assert values["opportunity_win_rate"] == 0.5
    assert card["previous"].is_null().all()  # nothing was created the week before


@pytest.mark.parametrize(
    ("measure", "value", "previous", "expected"),
    [
        (
            "sla_met_rate",
            0.45,
            0.40,
            "45.0% of leads got a first sales touch within the SLA, up "
            "5.0 points on the previous period.",
        ),
        (
            "median_hours_to_first_touch",
            10.0,
            12.5,
            "10.0 h is the median wait from lead creation "
            "to the first sales touch, down 2.5 h on the previous period.",
        ),
        (
            "opportunity_win_rate",
            0.3,
            None,
            "30.0% of closed deals were won; no data for the previous period.",
        ),
        ("opportunity_win_rate", None, 0.2, "The data cannot tell this yet."),
    ],
)
def test_scorecard_readings(measure, value, previous, expected):
    assert scorecard.reading(measure, value, previous) == expected


def test_icp_by_segment_by_hand():
    table = icp.by_dimension(leads(), "segment")
    saas = table.filter(pl.col("segment") == "SaaS").row(0, named=True)
    retail = table.filter(pl.col("segment") == "Retail").row(0, named=True)
    assert (saas["leads"], saas["won"]) == (3, 2)
    assert saas["lead_to_win_rate"] == pytest.approx(2 / 3)
    assert saas["average_won_deal"] == 2000.0
    assert (retail["leads"], retail["won"]) == (4, 0)
    assert saas["share_of_touches"] == pytest.approx(9 / 10)  # 4 + 2 + 3 of 10 touches
    grid = icp.source_heatmap(leads(), "segment")
    assert (
        grid.filter((pl.col("lead_source") == "B") & (pl.col("segment") == "SaaS"))[
            "lead_to_win_rate"
        ].item()
        == 1.0
    )


def test_feedback_by_hand():
    rejected = feedback.rejection_by_source(leads())
    assert dict(rejected.select("lead_source", "rejected_share").rows()) == {
        "A": 0.5,
        "B": pytest.approx(1 / 3),
    }
    reasons = feedback.reasons_by_source(leads())
    assert reasons.filter(pl.col("lead_source") == "A").select("reason", "leads").rows() == [
        ("Student", 2)
    ]
    effort = feedback.effort_by_source(leads())
    a = effort.filter(pl.col("lead_source") == "A").row(0, named=True)
    assert (a["touches"], a["touches_per_lead"], a["touches_per_won_deal"]) == (7, 1.75, 7.0)
    assert a["share_of_touches_on_rejected"] == pytest.approx(3 / 7)


def test_spend_by_hand():
    costs = pl.DataFrame(
        {
            "month": [datetime(2026, 6, 1), datetime(2026, 6, 1), datetime(2026, 7, 1)],
            "lead_source": ["A", "B", "A"],
            "spend": [400.0, 300.0, 100.0],
        }
    )
    table = spend.by_source(costs, leads(), FACTS_KNOWN | {"mql"})
    a = table.filter(pl.col("lead_source") == "A").row(0, named=True)
    assert (a["spend"], a["leads"], a["mqls"], a["won"]) == (500.0, 4, 2, 1)
    assert (a["cost_per_lead"], a["cost_per_mql"], a["cost_per_won_deal"]) == (125.0, 250.0, 500.0)
    assert a["revenue_per_dollar"] == 6.0  # $3,000 / $500
    assert table["lead_source"].to_list() == ["A", "B"]  # $6.00 per dollar before $3.33
    # Leads none of which was won, in data that tells wins and amounts: $0 back, known.
    lost = spend.by_source(costs, leads().filter(~pl.col("won")), FACTS_KNOWN | {"mql"})
    assert lost["revenue"].to_list() == [0.0, 0.0]
    assert lost["revenue_per_dollar"].to_list() == [0.0, 0.0]


def test_spend_by_month_without_outcomes_counts_leads_and_says_nothing_of_wins(contract):
    """A leads list with no outcome and a spend file booked per month ('2026-01'): January's
    leads are counted against January's spend (Email 2 leads for $1,000, Events 1 for $500),
    and wins, MQLs and revenue, which the files cannot tell, are unknown, not 0."""
    files = {
        "leads.csv": b"lead_id,lead_source,created_at\nL1,Email,2026-01-05\n"
        b"L2,Email,2026-01-06\nL3,Events,2026-01-07\nL4,Email,2026-02-01\n",
        "spend.csv": b"month,lead_source,spend\n2026-01,Email,1000\n2026-01,Events,500\n",
    }
    dataset, facts = run_pipeline(files, contract)
    assert not dataset.report.warnings  # the months were read, not left empty
    model = views_spend.build(Filters().apply(facts), contract, Options())
    rows = {r["lead_source"]: r for r in model.by_source.to_dicts()}
    assert "n/a: cost per won deal and revenue per dollar need an outcome" in " ".join(model.notes)
    assert (rows["Email"]["leads"], rows["Email"]["cost_per_lead"]) == (2, 500.0)
    assert (rows["Events"]["leads"], rows["Events"]["cost_per_lead"]) == (1, 500.0)
    for row in rows.values():
        assert row["won"] is None and row["mqls"] is None and row["revenue"] is None
        assert row["cost_per_won_deal"] is None and row["revenue_per_dollar"] is None


def test_duplicates_by_email_and_company_window():
    frame = pl.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4", "L5"],
            "created_at": [
                T0,
                T0 + timedelta(days=1),
                T0 + timedelta(days=2),
                T0 + timedelta(days=10),
                T0 + timedelta(days=90),
            ],
            "email": ["ann@acme.com", " ANN@acme.com", None, None, None],
            "company": ["Acme Inc.", "ACME", "Globex", "globex, LLC", "Acme"],
            "won": [False, True, False, False, False],
            "revenue": [None, 500.0, None, None, None],
            "first_touch_at": [None, T0 + timedelta(days=1, hours=3), None, None, None],
            "hours_to_first_touch": [None, 3.0, None, None, None],
            "touches": [0, 2, 0, 1, 0],
        }
    )
    groups = duplicate_groups(frame, window_days=30)
    assert groups.sort("lead_id").select("lead_id", "group").rows() == [("L2", "L1"), ("L4", "L3")]
    merged = merge(frame, groups).sort("lead_id")
    assert merged["lead_id"].to_list() == ["L1", "L3", "L5"]  # L5: same company, 90 days on
    l1 = merged.row(0, named=True)
    assert (l1["won"], l1["revenue"], l1["touches"]) == (True, 500.0, 2)
    assert l1["hours_to_first_touch"] == 27.0  # L1 created a day before L2's touch at +3 h


def test_duplicate_company_window_includes_its_last_day():
    """A company lead exactly `window_days` after the first is still the same company."""
    frame = pl.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "created_at": [T0, T0 + timedelta(days=30)],
            "email": [None, None],
            "company": ["Acme", "Acme Inc."],
        },
        schema_overrides={"email": pl.String},
    )
    groups = duplicate_groups(frame, window_days=30)
    assert groups.select("lead_id", "group").rows() == [("L2", "L1")]


def test_briefing_escapes_data(contract):
    hostile = leads().with_columns(pl.lit("<script>alert(1)</script>").alias("lead_source"))
    facts = Facts(hostile, pl.DataFrame(), pl.DataFrame(), FACTS_KNOWN)
    model = views_scorecard.build(Filters().apply(facts), contract, Options(today=date(2026, 7, 1)))
    html = scorecard_html(model, "All.")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture(scope="module")
def planted(contract):
    frames, truth = gen.generate_with_truth(20_000, seed=11)
    files = {f"{name}.csv": frame.write_csv().encode() for name, frame in frames.items()}
    _, facts = run_pipeline(files, contract)
    return facts, truth


def test_planted_icp_effect_is_recovered(planted):
    facts, _ = planted
    table = icp.by_dimension(facts.leads, "segment")
    rates = dict(table.select("segment", "lead_to_win_rate").rows())
    lows = dict(table.select("segment", "win_rate_ci_low").rows())
    highs = dict(table.select("segment", "win_rate_ci_high").rows())
    # The generator multiplies SaaS's win probability by 1.6 and Education's by 0.4.
    assert lows["SaaS"] > highs["Education"]
    assert rates["SaaS"] / rates["Education"] == pytest.approx(4.0, rel=0.35)


def test_planted_disqualification_pattern_is_recovered(planted):
    facts, truth = planted
    reasons = feedback.reasons_by_source(facts.leads)
    for source, params in truth["parameters"]["sources"].items():
        found = dict(
            reasons.filter(pl.col("lead_source") == source).select("reason", "share").rows()
        )
        for reason, share in params["disqualified_reasons"].items():
            assert found.get(reason, 0.0) == pytest.approx(share, abs=0.06), (source, reason)
    top = reasons.filter(pl.col("lead_source") == "Paid Social").sort("leads", descending=True)
    assert top["reason"][0] == "Student"


def test_planted_spend_is_recovered(planted):
    facts, truth = planted
    table = spend.by_source(facts.spend, facts.leads, facts.available)
    for source, expected in truth["realised"]["by_source"].items():
        found = table.filter(pl.col("lead_source") == source)["spend"].item()
        assert found == pytest.approx(expected["spend"], abs=0.01), source
