"""The analyses' page models (verdict, whose gap, speed to lead, matured, shrunk) on a small
hand-made export, each number worked out by hand below; the JSON report's new keys.

The export, SLA 24 h, response bands [1, 4, 24, 72, 168] h (the contract's):
  Email    E1 2026-01-05 09:00  touched 2 h later, won 2026-01-15 09:00 (10 days), $1,000
           E2 2026-01-05 09:00  touched 30 h later
           E3 2026-01-05 09:00  never touched
           E4 2026-06-30 09:00  never touched (the latest date: the export date)
  Outbound O1 2026-04-01 09:00  touched 30 min later, won 2026-04-21 09:00 (20 days), $400
           O2 2026-04-01 09:00  touched 30 min later
Outbound is sales-sourced (the contract); Email is marketing-sourced.

Follow-up classes (within SLA / after / never): Email 1/1/2 of 4, won 1/0/0; Outbound 2/0/0,
won 1. All sources: 3/1/2 of 6, won 2/0/0.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import run_pipeline
from truce.briefing import scorecard_html
from truce.cli import main
from truce.filters import Filters
from truce.headline import headline
from truce.metrics import verdict as verdict_metric
from truce.views import gap, icp, matured, scorecard, speed, verdict, win_rate
from truce.views.options import Options

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "demo"
XEDUCATION = ROOT.parent / "shared" / "data" / "xeducation_leads.csv"
Z = 1.959963984540054

EMAIL = [  # id suffix, created, hours to touch (None: never), won at, amount
    ("E1", "2026-01-05 09:00", 2, "2026-01-15 09:00", 1000),
    ("E2", "2026-01-05 09:00", 30, None, None),
    ("E3", "2026-01-05 09:00", None, None, None),
    ("E4", "2026-06-30 09:00", None, None, None),
]
OUTBOUND = [
    ("O1", "2026-04-01 09:00", 0.5, "2026-04-21 09:00", 400),
    ("O2", "2026-04-01 09:00", 0.5, None, None),
]


def export(email_copies: int = 1, outbound_copies: int = 1) -> dict[str, bytes]:
    """The export above, each source's leads repeated (shares and rates stay the same)."""
    leads = ["lead_id,lead_source,created_at,is_won,won_at,amount"]
    touches = ["lead_id,occurred_at,type"]
    for source, rows, copies in (
        ("Email", EMAIL, email_copies),
        ("Outbound", OUTBOUND, outbound_copies),
    ):
        for copy in range(copies):
            for lead, created, hours, won_at, amount in rows:
                lead_id = f"{lead}-{copy}"
                won = "true" if won_at else "false"
                leads.append(f"{lead_id},{source},{created},{won},{won_at or ''},{amount or ''}")
                if hours is not None:
                    touched = datetime.fromisoformat(created) + timedelta(hours=hours)
                    touches.append(f"{lead_id},{touched:%Y-%m-%d %H:%M},call")
    return {
        "leads.csv": "\n".join(leads).encode(),
        "activities.csv": "\n".join(touches).encode(),
    }


def selection_of(files: dict[str, bytes], contract):
    return Filters().apply(run_pipeline(files, contract)[1])


@pytest.fixture(scope="module")
def small(contract):
    return selection_of(export(), contract)


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n)) / (1 + Z**2 / n)
    return centre - half, centre + half


def row(frame: pl.DataFrame, column: str, value: str) -> dict:
    return frame.filter(pl.col(column) == value).row(0, named=True)


def test_gap_against_all_sources_by_hand(small, contract):
    model = gap.build(small, contract, Options())
    email = row(model.table, "lead_source", "Email")
    # Email 0.25 against all 2/6: follow-up part (0.25 - 0.5) x (1 + 2/3) / 2 = -5/24 (the other
    # classes have win rate 0 on both sides); quality part (1 - 2/3) x (0.25 + 0.5) / 2 = 1/8.
    assert email["rate"] == pytest.approx(0.25)
    assert email["reference_rate"] == pytest.approx(1 / 3)
    assert email["follow_up_part"] == pytest.approx(-5 / 24)
    assert email["quality_part"] == pytest.approx(1 / 8)
    # 3 leads not on time x (on-time rate 1.0 - 0 won of them) x $1,000 average won deal
    assert email["revenue_at_stake"] == pytest.approx(3000)
    assert model.reference == "all sources"
    assert model.references == ("Email", "Outbound")
    assert (
        "Email: −8.3 pts vs all sources, of which −20.8 from follow-up, +12.5 from lead quality; "
        "$3,000 at stake." in model.sentences
    )
    parts = model.parts().filter(pl.col("lead_source") == "Email").sort("part")
    assert parts["points"].to_list() == pytest.approx([-20.8333, 12.5], abs=1e-3)
    assert parts["difference_points"].to_list() == pytest.approx([-8.3333] * 2, abs=1e-3)


def test_gap_against_a_chosen_source_and_a_vanished_one(small, contract):
    model = gap.build(small, contract, Options(reference="Outbound"))
    email = row(model.table, "lead_source", "Email")
    # Outbound: all within the SLA, rate 0.5. Within: (0.25 - 1) x 0.75 = -0.5625 follow-up,
    # (1 - 0.5) x 0.625 = 0.3125 quality; the classes Outbound lacks take Email's rate 0.
    assert email["difference"] == pytest.approx(-0.25)
    assert email["follow_up_part"] == pytest.approx(-0.5625)
    assert email["quality_part"] == pytest.approx(0.3125)
    assert model.reference == "Outbound"
    gone = gap.build(small, contract, Options(reference="Referral"))
    assert gone.reference == "all sources"


def test_gap_without_touches_says_why(contract):
    files = {"leads.csv": export()["leads.csv"]}
    model = gap.build(selection_of(files, contract), contract, Options())
    assert model.missing and "no sales touches" in model.missing
    assert model.table.is_empty() and not model.sentences


def test_verdict_cards_by_hand(contract):
    # 40 Email leads (10 within the SLA), 30 Outbound (all within): intervals apart.
    model = verdict.build(selection_of(export(10, 15), contract), contract, Options())
    table = verdict.VerdictModel.measures(model.follow_up)
    marketing = row(
        table.filter(pl.col("measure") == "touched within the SLA"), "group", "marketing-sourced"
    )
    sales = row(
        table.filter(pl.col("measure") == "touched within the SLA"), "group", "sales-sourced"
    )
    assert (marketing["count"], marketing["of"]) == (10, 40)
    assert (sales["count"], sales["of"]) == (30, 30)
    assert (marketing["ci_low"], marketing["ci_high"]) == pytest.approx(wilson(10, 40))
    assert (sales["ci_low"], sales["ci_high"]) == pytest.approx(wilson(30, 30))
    assert wilson(10, 40)[1] < wilson(30, 30)[0]
    assert model.follow_up.answer == verdict_metric.SUPPORTS
    never = row(table.filter(pl.col("measure") == "never touched"), "group", "marketing-sourced")
    assert (never["count"], never["of"]) == (20, 40)
    # Worked leads: Email 10 of 10 won, Outbound 15 of 30: 10 < 30 leads, cannot tell.
    closing = verdict.VerdictModel.measures(model.closing)
    assert row(closing, "group", "marketing-sourced")["of"] == 10
    assert model.closing.answer == verdict_metric.CANNOT_TELL
    assert model.sales_sources == ("Outbound",)


def test_speed_by_band_standardised_and_hbr_by_hand(small, contract):
    model = speed.build(small, contract, Options())
    everyone = model.by_band.filter(pl.col("lead_source") == "All sources")
    counts = {r["band"]: (r["leads"], r["won"]) for r in everyone.iter_rows(named=True)}
    assert counts == {
        "under 1 h": (2, 1),
        "1–4 h": (1, 1),
        "1–3 days": (1, 0),
        "never touched": (2, 0),
    }
    first = row(everyone, "band", "under 1 h")
    assert (first["win_rate_ci_low"], first["win_rate_ci_high"]) == pytest.approx(wilson(1, 2))
    # Weights: Email 4/6, Outbound 2/6. Under 1 h only Outbound (rate 0.5) has leads.
    under = row(model.standardised, "band", "under 1 h")
    assert under["standardised_rate"] == pytest.approx(0.5)
    assert under["mix_covered"] == pytest.approx(1 / 3)
    # Within 1 h: 0.5 (Outbound); after 24 h: Email's E2, not won: no ratio, never 0.
    assert model.hbr["within_1h"] == pytest.approx(0.5)
    assert model.hbr["after_24h"] == 0
    assert model.hbr["ratio"] is None
    assert "n/a" in model.hbr_sentence()
    rates = model.source_rates("Email")
    assert set(rates["measure"]) == {"Lead to win"}  # no MQL or SQL in this export
    assert rates.height == 3  # 1–4 h, 1–3 days, never touched


def test_matured_censors_young_leads_by_hand(small, contract):
    model = matured.build(small, contract, Options())
    assert f"{model.as_of:%Y-%m-%d %H:%M}" == "2026-06-30 09:00"
    # Email: E4 is 0 days old at the export, censored before E1's win at day 10, when 3 leads
    # were at risk: won by 30 days = 1/3 (its raw rate is 1/4).
    email = row(model.by_source, "lead_source", "Email")
    assert email["raw_rate"] == pytest.approx(0.25)
    assert email["won_by_30d"] == pytest.approx(1 / 3)
    # Email's oldest leads were followed 176 days: nothing is known at 180 days.
    assert email["won_by_180d"] is None
    # Cohort 2026 Q2 (E4, O1, O2): O1 won at day 20 of 2 at risk -> 0.5; raw 1/3.
    young = row(model.by_cohort, "cohort", "2026 Q2")
    assert young["raw_rate"] == pytest.approx(1 / 3)
    assert young["won_by_90d"] == pytest.approx(0.5)
    assert model.youngest() == (
        "The newest cohort, 2026 Q2, has won 33.3% of its leads so far, and 50.0% within 90 "
        "days of creation."
    )
    rates = model.cohort_rates().filter(pl.col("cohort") == "2026 Q2")
    raw = row(rates, "estimate", "Raw: won so far / leads")
    assert (raw["ci_low"], raw["ci_high"]) == pytest.approx(wilson(1, 3))
    assert model.left_out() is None
    shown = row(model.readable(model.by_source, "lead_source"), "lead_source", "Email")
    assert shown["raw rate"] == "25.0%" and shown["within 180 days (95%)"] == "n/a"
    assert shown["within 30 days (95%)"].startswith("33.3% (")


def test_matured_without_won_dates_says_so(contract):
    leads = (
        b"lead_id,lead_source,created_at,is_won\n"
        b"A,Email,2026-01-01,true\nB,Email,2026-02-01,false\n"
    )
    model = matured.build(selection_of({"leads.csv": leads}, contract), contract, Options())
    assert model.missing == matured.NEEDS_WON_DATES


def test_shrunk_rates_rank_by_the_posterior_on_the_sample(contract):
    files = {p.name: p.read_bytes() for p in DEMO.glob("*.csv")}
    model = win_rate.build(selection_of(files, contract), contract, Options())
    table = model.shrunk
    alpha, beta = table["prior_alpha"][0], table["prior_beta"][0]
    by_hand = {
        r["lead_source"]: (alpha + r["won"]) / (alpha + beta + r["leads"])
        for r in table.iter_rows(named=True)
    }
    assert dict(zip(table["lead_source"], table["shrunk_rate"], strict=True)) == pytest.approx(
        by_hand
    )
    assert table["lead_source"].to_list() == sorted(by_hand, key=by_hand.get, reverse=True)
    # 15 Unknown leads, none won: last by the raw rate, not last once shrunk.
    unknown, email = row(table, "lead_source", "Unknown"), row(table, "lead_source", "Email")
    assert unknown["raw_rate"] < email["raw_rate"] and unknown["rank"] < email["rank"]
    assert set(model.ranked()["estimate"]) == set(win_rate.ESTIMATES.values())


def test_shrunk_needs_three_sources(small, contract):
    model = win_rate.build(small, contract, Options())
    assert model.shrunk.is_empty() and model.shrunk_reason == win_rate.NO_PRIOR


def test_icp_grid_counts_cells_and_shades_by_the_shrunk_rate(contract):
    files = {p.name: p.read_bytes() for p in DEMO.glob("*.csv")}
    selection = selection_of(files, contract)
    model = icp.build(selection, contract, Options(dimension="segment"))
    counted = (
        selection.leads.filter(pl.col("segment").is_not_null())
        .group_by("lead_source", "segment")
        .len()
    )
    grid = model.grid.join(counted, on=["lead_source", "segment"])
    assert grid.height == model.grid.height == counted.height
    assert (grid["leads"] == grid["len"]).all()
    assert model.shaded_by == "shrunk_rate" and model.grid["shrunk_rate"].is_not_null().all()


def test_scorecard_html_carries_both_verdict_cards(contract):
    selection = selection_of(export(10, 15), contract)
    card = scorecard.build(selection, contract, Options())
    html = scorecard_html(card, "All leads.", verdict.build(selection, contract, Options()))
    assert "“Sales doesn&#x27;t follow up on marketing&#x27;s leads”" in html
    assert "“Marketing&#x27;s leads don&#x27;t close”" in html
    assert "Answer: the data supports this." in html
    assert "Answer: the data cannot tell." in html


def test_report_json_carries_the_analyses(small, contract):
    numbers = headline(small, contract, run_pipeline(export(), contract)[0].report, Options())
    email = row(pl.DataFrame(numbers["decomposition"]["by_source"]), "lead_source", "Email")
    assert email["follow_up_part"] == pytest.approx(-5 / 24)
    assert email["quality_part"] == pytest.approx(1 / 8)
    assert email["revenue_at_stake"] == pytest.approx(3000)
    assert numbers["decomposition"]["reason"] is None
    bands = {b["band"]: b for b in numbers["speed_to_lead"]["by_source"]["Email"]}
    assert (bands["1–4 h"]["leads"], bands["1–4 h"]["won"], bands["1–4 h"]["rate"]) == (1, 1, 1.0)
    assert numbers["speed_to_lead"]["hbr"]["ratio"] is None  # not 0: nothing to divide by
    cohorts = {c["cohort"]: c for c in numbers["matured_win_rate"]["by_cohort"]}
    assert cohorts["2026 Q2"]["won_by_90d"] == pytest.approx(0.5)
    assert numbers["verdict"]["follow_up"]["answer"] == verdict_metric.CANNOT_TELL  # 2 sales leads
    assert all(s["shrunk"] is None for s in numbers["by_source"])  # two sources: no prior
    json.dumps(numbers)


def report(capsys, *argv: str) -> dict:
    assert main(["report", "--format", "json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_on_xeducation_says_what_cannot_be_split(capsys):
    numbers = report(capsys, "--leads", str(XEDUCATION))
    split = numbers["decomposition"]
    assert split["by_source"] is None and "no sales touches" in split["reason"]
    assert numbers["verdict"]["follow_up"]["answer"] == verdict_metric.CANNOT_TELL
    assert numbers["verdict"]["follow_up"]["measures"] == []
    assert numbers["speed_to_lead"]["by_source"] is None
    assert "created_at" in numbers["speed_to_lead"]["reason"]
    assert numbers["matured_win_rate"]["by_source"] is None
    assert "created_at" in numbers["matured_win_rate"]["reason"]
    # Shrunk rates need no dates: Reference (534 leads, 91.8%) keeps nearly its own rate.
    sources = {s["lead_source"]: s for s in numbers["by_source"]}
    reference = sources["Reference"]["shrunk"]
    assert reference["ci_low"] < reference["win_rate"] < reference["ci_high"]
    assert abs(reference["win_rate"] - sources["Reference"]["lead_to_win_rate"]) < 0.01


def test_report_on_the_sample_has_every_analysis(capsys):
    args = []
    for table in ("leads", "opportunities", "activities", "spend"):
        args += [f"--{table}", str(DEMO / f"{table}.csv")]
    numbers = report(capsys, *args)
    leads = pl.read_csv(DEMO / "leads.csv", infer_schema=False).unique("lead_id")
    outbound = leads.filter(pl.col("lead_source") == "Outbound").height
    sales = row(
        pl.DataFrame(numbers["verdict"]["follow_up"]["measures"]).filter(
            pl.col("measure") == "touched at all"
        ),
        "group",
        "sales-sourced",
    )
    assert sales["of"] == outbound
    split = numbers["decomposition"]["by_source"]
    for entry in split:  # the two parts add up to the difference
        assert entry["follow_up_part"] + entry["quality_part"] == pytest.approx(entry["difference"])
    everyone = numbers["speed_to_lead"]["by_source"]["All sources"]
    assert sum(b["leads"] for b in everyone) == leads.height
    assert numbers["matured_win_rate"]["by_source"][0]["lead_source"] == "All sources"
    assert all(s["shrunk"] is not None for s in numbers["by_source"])
