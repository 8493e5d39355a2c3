"""Page models on a small hand-made export, numbers worked out by hand, no Streamlit.

The export (leads, deals, touches, spend), worked out below:
  Email   E1 2026-01-10 09:00  touched 24 h later exactly  (SLA met at 24 h: "within")
          E2 2026-02-15 09:00  touched 25 h later
          E3 2026-03-31 23:30  touched 1 h later, won $1,000  (last day of Q1, late evening)
          E4 2026-04-10 09:00  touched 3 h later
          E5 2026-02-20, E6 2026-04-20, E7 2026-05-05: never touched
  Paid    P1 2026-03-01 09:00  touched 2 h later
          P2 2026-05-01 09:00  never touched, won $500
Spend: Email $100 Jan, $200 Feb, $300 Mar, $1,000 Apr, $1,000 May; Paid $600 Mar, $400 May.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import run_pipeline
from truce.briefing import scorecard_html
from truce.cli import main
from truce.contract import load_contract
from truce.filters import Filters
from truce.headline import headline
from truce.views import follow_up, scorecard, spend
from truce.views.options import Options

LEADS = b"""lead_id,lead_source,created_at,owner
E1,Email,2026-01-10 09:00,Ann
E2,Email,2026-02-15 09:00,Ann
E3,Email,2026-03-31 23:30,Bob
E4,Email,2026-04-10 09:00,Bob
E5,Email,2026-02-20 09:00,Ann
E6,Email,2026-04-20 09:00,Bob
E7,Email,2026-05-05 09:00,Ann
P1,Paid Search,2026-03-01 09:00,Ann
P2,Paid Search,2026-05-01 09:00,Bob
"""
OPPORTUNITIES = b"""opportunity_id,lead_id,stage,amount,created_at
O1,E3,Closed Won,1000,2026-04-05
O2,P2,Closed Won,500,2026-05-10
"""
ACTIVITIES = b"""lead_id,occurred_at,type
E1,2026-01-11 09:00,call
E2,2026-02-16 10:00,call
E3,2026-04-01 00:30,call
E4,2026-04-10 12:00,call
P1,2026-03-01 11:00,call
"""
SPEND = b"""month,lead_source,spend
2026-01-01,Email,100
2026-02-01,Email,200
2026-03-01,Email,300
2026-04-01,Email,1000
2026-05-01,Email,1000
2026-03-01,Paid Search,600
2026-05-01,Paid Search,400
"""
FILES = {
    "leads.csv": LEADS,
    "opportunities.csv": OPPORTUNITIES,
    "activities.csv": ACTIVITIES,
    "spend.csv": SPEND,
}
Q1 = Filters(date(2026, 1, 1), date(2026, 3, 31))
TODAY = Options(today=date(2026, 6, 30))


@pytest.fixture(scope="module")
def facts(contract):
    return run_pipeline(FILES, contract)[1]


def by(frame, source: str) -> dict:
    return frame.filter(frame["lead_source"] == source).row(0, named=True)


def test_the_last_selected_day_is_kept_whole(facts):
    # E3 was created at 23:30 on 31 March, the last day of the range.
    assert sorted(Q1.apply(facts).leads["lead_id"]) == ["E1", "E2", "E3", "E5", "P1"]


def test_spend_is_cut_by_the_same_dates_as_the_leads(facts, contract):
    """Bug: the Spend page cut spend by source only (Email: $2,600 over Q1's 4 leads)."""
    model = spend.build(Q1.apply(facts), contract, Options())
    email = by(model.by_source, "Email")
    assert (email["spend"], email["leads"]) == (600.0, 4)  # $100 + $200 + $300; E1 E2 E3 E5
    assert email["cost_per_lead"] == 150.0
    assert email["cost_per_won_deal"] == 600.0  # E3 won
    paid = by(model.by_source, "Paid Search")
    assert (paid["spend"], paid["leads"], paid["cost_per_won_deal"]) == (600.0, 1, None)
    assert sorted(model.by_month["month"].dt.month().unique()) == [1, 2, 3]


def test_a_touch_exactly_at_the_sla_counts_as_met(facts, contract):
    model = follow_up.build(Q1.apply(facts), contract, Options())
    email = by(model.by_source, "Email")
    # E1 at exactly 24 h and E3 at 1 h are within 24 h; E2 at 25 h is not; E5 never touched.
    assert (email["leads"], email["followed_up"], email["sla_met"]) == (4, 3, 2)
    assert email["sla_met_rate"] == 0.5


def test_the_sla_is_one_setting(facts, contract):
    """The contract's SLA unless overridden; the scorecard uses the same value as Follow-up."""
    selection = Filters().apply(facts)
    assert follow_up.build(selection, contract, TODAY).sla_hours == 24
    overridden = replace(TODAY, sla_hours=0.5)  # fractional hours are fine
    assert follow_up.build(selection, contract, overridden).sla_hours == 0.5
    card = scorecard.build(selection, contract, overridden)
    assert card.sla_hours == 0.5 and "within 0.5 h" in card.caption()
    edited = load_contract(
        contract.text.replace("follow_up_sla_hours: 24", "follow_up_sla_hours: 2")
    )
    assert scorecard.build(selection, edited, TODAY).sla_hours == 2
    assert "within 2 h" in scorecard_html(scorecard.build(selection, edited, TODAY), "All leads.")


def test_scorecard_sla_met_uses_the_one_sla(facts, contract):
    # Period: the 90 days to the export date 2026-05-05, i.e. 2026-02-05 to 2026-05-05.
    # Leads: E2 (25 h), E3 (1 h), E4 (3 h), E5 E6 E7 (never), P1 (2 h), P2 (never).
    card = scorecard.build(Filters().apply(facts), contract, TODAY)
    assert card.period[:2] == (date(2026, 2, 5), date(2026, 5, 5))
    values = dict(card.card.select("measure", "value").rows())
    assert values["sla_met_rate"] == pytest.approx(3 / 8)
    wider = scorecard.build(Filters().apply(facts), contract, replace(TODAY, sla_hours=25))
    assert dict(wider.card.select("measure", "value").rows())["sla_met_rate"] == 0.5


def test_revenue_left_on_the_table_covers_the_scorecard_period(facts, contract):
    """Bug: the estimate used every lead while the scorecard stated 90 days.

    In 2026-02-05..2026-05-05 Email has 3 followed-up leads (E2 E3 E4), 1 of them won at
    $1,000, and 3 never touched (E5 E6 E7): 3 x 1/3 x $1,000 = $1,000. Paid Search's one
    followed-up lead did not win: $0. Over all dates Email would give 3 x 1/4 x $1,000 = $750.
    """
    card = scorecard.build(Filters().apply(facts), contract, TODAY)
    assert card.left["mid"] == pytest.approx(1000.0)
    assert by(card.left_by_source, "Email")["untouched"] == 3
    html = scorecard_html(card, "All leads.")
    assert "Leads created 2026-02-05 to 2026-05-05" in html


def test_without_touches_the_scorecard_says_na_with_the_reason(contract):
    """Unknown is not zero: with no activities nor first_touch_at, SLA met is n/a, not 0.0%."""
    no_touches = {k: v for k, v in FILES.items() if k != "activities.csv"}
    facts = run_pipeline(no_touches, contract)[1]
    selection = Filters().apply(facts)
    card = scorecard.build(selection, contract, TODAY)
    tile = next(t for t in card.tiles if t.measure == "sla_met_rate")
    assert tile.value == "n/a" and "needs activities" in tile.reading
    assert card.left is None and "needs activities" in card.left_reason
    assert "Revenue left on the table: n/a" in scorecard_html(card, "All leads.")
    report = headline(selection, contract, run_pipeline(no_touches, contract)[0].report, TODAY)
    measures = {m["measure"]: m["value"] for m in report["scorecard"]["measures"]}
    assert measures["sla_met_rate"] is None
    assert measures["median_hours_to_first_touch"] is None
    assert report["revenue_left_on_table"] is None


def test_the_export_date_ignores_a_far_future_outlier(contract):
    leads = LEADS + b"X1,Email,2099-01-01 09:00,Ann\n"
    facts = run_pipeline({**FILES, "leads.csv": leads}, contract)[1]
    card = scorecard.build(Filters().apply(facts), contract, TODAY)
    assert card.period[1] == date(2026, 5, 5)


def test_the_report_takes_the_sidebar_filters(facts, contract, tmp_path, capsys):
    """A filtered report is the filtered pages' numbers: Q1 Email as above."""
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    args = [f"--{n.removesuffix('.csv')}={tmp_path / n}" for n in FILES]
    assert (
        main(["report", *args, "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json"])
        == 0
    )
    rows = {r["lead_source"]: r for r in json.loads(capsys.readouterr().out)["by_source"]}
    assert (rows["Email"]["leads"], rows["Email"]["sla_met_rate"]) == (4, 0.5)
    assert (rows["Email"]["spend"], rows["Email"]["cost_per_lead"]) == (600.0, 150.0)
    assert rows["Email"]["cost_per_won"] == 600.0
    assert rows["Paid Search"]["cost_per_won"] is None  # no win: unknown, not $0
    assert main(["report", *args, "--source", "Paid Search", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["by_source"]
    assert [(r["lead_source"], r["leads"], r["spend"]) for r in rows] == [
        ("Paid Search", 2, 1000.0)
    ]
