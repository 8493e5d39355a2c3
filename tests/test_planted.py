"""The analyses find what the sample generator planted (sample_data/truth.py PLANTED_EFFECTS),
on 50,000 seeded leads taken through the same pipeline as an upload."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from sample_data.generate import generate_with_truth, to_csv_bytes
from tests.conftest import run_pipeline
from truce.metrics import gap, matured, shrinkage, speed_to_lead, verdict
from truce.metrics.follow_up import NEVER, band_labels

N = 50_000
SLA = 24


@pytest.fixture(scope="session")
def planted(contract):
    frames, truth = generate_with_truth(N, seed=7)
    files = {
        f"{name}.csv": to_csv_bytes(frames[name])
        for name in ("leads", "opportunities", "activities")
    }
    _, facts = run_pipeline(files, contract)
    return facts, truth


def part(frame: pl.DataFrame, source: str) -> dict:
    return frame.filter(pl.col("lead_source") == source).row(0, named=True)


def test_the_truth_names_the_planted_sources(planted):
    _, truth = planted
    effects = truth["parameters"]["planted_effects"]
    assert effects["good_leads_followed_up_late"].startswith("Events")
    assert effects["fast_follow_up_leads_rarely_close"].startswith("Email")


def test_good_leads_followed_up_late_lose_on_follow_up(planted):
    facts, truth = planted
    events = part(gap.decompose(facts.leads, SLA), "Events")
    params = truth["parameters"]["sources"]["Events"]
    assert params["speed_factor"] > 1 and params["followed_up_share"] < 0.7
    # behind all sources, and the whole gap (and more) comes from follow-up: its leads are good
    assert events["difference"] < 0
    assert events["follow_up_part"] < events["difference"]
    assert events["quality_part"] > 0
    assert events["revenue_at_stake"] > 0


def test_fast_follow_up_leads_that_rarely_close_lose_on_quality(planted):
    facts, _ = planted
    email = part(gap.decompose(facts.leads, SLA), "Email")
    assert email["difference"] < 0
    assert email["follow_up_part"] > 0  # followed up better than the average source
    assert email["quality_part"] < email["difference"]


def test_standardised_speed_curve_falls_with_response_time(planted, contract):
    facts, truth = planted
    bounds = contract.response_bands_hours
    cells = speed_to_lead.cells(facts.leads, bounds)
    curve = speed_to_lead.standardised(cells, bounds).filter(pl.col("band") != NEVER)
    assert curve["band"].to_list() == band_labels(bounds)[:-1]
    rates = curve["standardised_rate"].to_list()
    assert all(a > b for a, b in itertools.pairwise(rates)), rates
    factors = truth["parameters"]["speed_to_lead"]["win_factor"]
    assert factors == sorted(factors, reverse=True)  # what was planted: falling factors
    # the fastest band wins at least twice as often as the slowest, as the factors say (3.6x)
    assert rates[0] > 2 * rates[-1]


def test_young_cohort_is_not_worse_once_matured(planted):
    facts, _ = planted
    as_of = matured.export_date(facts.leads)
    cohorts = matured.matured_rates(facts.leads, as_of, by="cohort")
    young = part(cohorts.rename({"cohort": "lead_source"}), "2026 Q3")
    older = facts.leads.filter(pl.col("created_at") < pl.datetime(2026, 7, 1))
    older_rate = matured.matured_rates(older, as_of).row(0, named=True)  # All sources
    assert young["raw_rate"] < 0.75 * older_rate["raw_rate"]  # looks worse raw
    assert young["won_by_90d_ci_low"] <= older_rate["won_by_90d"] <= young["won_by_90d_ci_high"]
    assert young["won_by_180d"] is None  # nobody in it was followed for 180 days


def test_verdict_cards_say_what_was_planted(planted, contract):
    facts, _ = planted
    follow, closing = verdict.verdict(facts, SLA, contract.words("sales_sourced_sources"))
    # marketing's leads are touched less and later than Outbound's (all touched, fast)
    assert follow.answer == verdict.SUPPORTS
    below = verdict.sources_below(closing)
    assert {"Email", "Paid Social"} <= set(below)  # planted: leads that rarely close
    assert not {"Events", "Referral", "Organic Search"} & set(below)  # planted: good leads
    # the mix (Paid Social is the largest source) pulls marketing below Outbound overall
    assert closing.answer == verdict.SUPPORTS


def test_shrinkage_keeps_large_sources_and_ranks_them(planted):
    facts, truth = planted
    table = shrinkage.by_source(facts.leads)
    assert table["lead_source"][0] == "Referral"  # the best source by its parameters
    big = table.filter(pl.col("leads") > 1000)
    assert (big["shrunk_rate"] - big["raw_rate"]).abs().max() < 0.002
    assert truth["n_leads"] == N
