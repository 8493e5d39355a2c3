"""The analyses that settle the argument, on hand-made fact frames with numbers worked out by
hand: Kitagawa split, verdict, speed to lead, matured win rates, empirical-Bayes rates."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from truce.facts import Facts
from truce.metrics import gap, matured, shrinkage, speed_to_lead, spend, verdict

T0 = datetime(2026, 1, 5, 9, 0)
EVERYTHING = frozenset({"leads", "outcome", "follow_up", "created_at", "mql", "sql"})
Z = 1.959963984540054


def leads_from(rows: list[tuple]) -> pl.DataFrame:
    """(source, hours to first touch or None, won, revenue) -> a lead fact frame."""
    hours = [r[1] for r in rows]
    return pl.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(len(rows))],
            "lead_source": [r[0] for r in rows],
            "created_at": [T0] * len(rows),
            "first_touch_at": [None if h is None else T0 + timedelta(hours=h) for h in hours],
            "hours_to_first_touch": hours,
            "won": [r[2] for r in rows],
            "revenue": [r[3] if len(r) > 3 else None for r in rows],
        },
        schema_overrides={"hours_to_first_touch": pl.Float64, "revenue": pl.Float64},
    )


def repeat(source: str, hours: float | None, leads: int, won: int, revenues=()) -> list[tuple]:
    revenue = list(revenues) + [None] * won
    return [(source, hours, i < won, revenue[i] if i < won else None) for i in range(leads)]


def row(frame: pl.DataFrame, key: str, value) -> dict:
    return frame.filter(pl.col(key) == value).row(0, named=True)


def wilson(k: int, n: int) -> tuple[float, float]:
    p, z2 = k / n, Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


# --- Kitagawa: whose gap is it --------------------------------------------------------------
def two_sources() -> pl.DataFrame:
    """A: within SLA 5 (3 won, one of them touched at exactly 24 h), after 3 (1 won), never 2.
    B: within 2 (1 won), after 4 (1 won), never 4. A's won deals: 100, 200, 300, 400."""
    return leads_from(
        [
            *repeat("A", 2.0, 4, 2, [100.0, 200.0]),
            ("A", 24.0, True, 300.0),
            *repeat("A", 30.0, 3, 1, [400.0]),
            *repeat("A", None, 2, 0),
            *repeat("B", 1.0, 2, 1, [50.0]),
            *repeat("B", 48.0, 4, 1, [50.0]),
            *repeat("B", None, 4, 0),
        ]
    )


def test_class_table_shares_and_rates():
    classes = gap.class_table(gap.class_counts(two_sources(), sla_hours=24))
    a = classes.filter(pl.col("lead_source") == "A")
    assert a["follow_up"].to_list() == ["within SLA", "after SLA", "never touched"]
    assert a["leads"].to_list() == [5, 3, 2]  # the 24 h lead is within the SLA
    assert a["share"].to_list() == pytest.approx([0.5, 0.3, 0.2])
    assert a["win_rate"].to_list() == pytest.approx([0.6, 1 / 3, 0.0])


def test_kitagawa_parts_against_a_chosen_source():
    # A: rate .5×.6 + .3×1/3 + .2×0 = .4; B: .2×.5 + .4×.25 + .4×0 = .2; difference .2.
    # follow-up: (.5−.2)(.6+.5)/2 + (.3−.4)(1/3+.25)/2 + (.2−.4)(0+0)/2 = .165 − 7/240
    # quality:   (.6−.5)(.5+.2)/2 + (1/3−.25)(.3+.4)/2 + 0 = .035 + 7/240
    result = gap.decompose(two_sources(), sla_hours=24, reference="B")
    a = row(result, "lead_source", "A")
    assert a["rate"] == pytest.approx(0.4) and a["reference_rate"] == pytest.approx(0.2)
    assert a["follow_up_part"] == pytest.approx(0.165 - 7 / 240)
    assert a["quality_part"] == pytest.approx(0.035 + 7 / 240)
    assert a["follow_up_part"] + a["quality_part"] == pytest.approx(a["difference"])
    assert a["reference"] == "B"
    # revenue at stake: 5 leads not on time × .6 on-time rate − 1 of them won = 2 deals × 250
    assert a["average_won_deal"] == pytest.approx(250.0)
    assert a["revenue_at_stake"] == pytest.approx(500.0)
    b = row(result, "lead_source", "B")
    assert b["difference"] == 0 and b["follow_up_part"] == 0 and b["quality_part"] == 0


def test_kitagawa_against_all_sources_pooled():
    # pooled: within 7 (4 won), after 7 (2 won), never 6: shares .35 .35 .3, rate .3
    result = gap.decompose(two_sources(), sla_hours=24)
    a = row(result, "lead_source", "A")
    assert a["reference"] == "all sources" and a["reference_rate"] == pytest.approx(0.3)
    follow_up = 0.15 * (0.6 + 4 / 7) / 2 - 0.05 * (1 / 3 + 2 / 7) / 2
    quality = (0.6 - 4 / 7) * 0.85 / 2 + (1 / 3 - 2 / 7) * 0.65 / 2
    assert a["follow_up_part"] == pytest.approx(follow_up)
    assert a["quality_part"] == pytest.approx(quality)
    assert follow_up + quality == pytest.approx(0.1)


def test_kitagawa_empty_class_counts_as_follow_up_and_stays_exact():
    # C has no never-touched lead: its empty class takes B's rate, so Δ win rate there is 0.
    # C: shares .5 .5 0, rates .5 0 -; rate .25 against B's .2.
    leads = pl.concat([two_sources(), leads_from(repeat("C", 3.0, 2, 1) + repeat("C", 30, 2, 0))])
    c = row(gap.decompose(leads, sla_hours=24, reference="B"), "lead_source", "C")
    assert c["follow_up_part"] == pytest.approx(0.3 * 0.5 + 0.1 * 0.125 + (-0.4) * 0.0)
    assert c["quality_part"] == pytest.approx(-0.25 * 0.45)
    assert c["difference"] == pytest.approx(0.05)


def test_leads_touched_without_creation_date_are_left_out_and_counted():
    leads = two_sources().with_columns(
        pl.when(pl.col("lead_id") == "L0")
        .then(None)
        .otherwise(pl.col("created_at"))
        .alias("created_at"),
        pl.when(pl.col("lead_id") == "L0")
        .then(None)
        .otherwise(pl.col("hours_to_first_touch"))
        .alias("hours_to_first_touch"),
    )
    a = row(gap.decompose(leads, 24, "B"), "lead_source", "A")
    assert a["unclassified"] == 1 and a["leads"] == 9
    assert a["rate"] == pytest.approx(3 / 9)  # 4 within (2 won), 3 after (1 won), 2 never


def test_split_refused_without_touches():
    facts = Facts(two_sources(), pl.DataFrame(), pl.DataFrame(),
                  frozenset({"leads", "outcome", "created_at"}))  # fmt: skip
    assert gap.cannot_split(facts) == gap.NO_TOUCHES
    assert gap.cannot_split(Facts(two_sources(), *[pl.DataFrame()] * 2, EVERYTHING)) is None


# --- verdict ------------------------------------------------------------------------------------
def verdict_facts(marketing: tuple[int, int, int, int], sales: tuple[int, int, int, int]) -> Facts:
    """Per side: (leads within SLA, of them won, leads touched after the SLA, never touched)."""
    rows = []
    for source, (within, won, after, never) in (("Paid Social", marketing), ("Outbound", sales)):
        rows += repeat(source, 2.0, within, won) + repeat(source, 40.0, after, 0)
        rows += repeat(source, None, never, 0)
    return Facts(leads_from(rows), *[pl.DataFrame()] * 2, EVERYTHING)


def test_verdict_supports_both_claims_when_intervals_separate():
    # marketing: 30 of 100 within the SLA, 3 of those 30 won; sales: 40 of 50, 24 of 40 won
    facts = verdict_facts((30, 3, 30, 40), (40, 24, 10, 0))
    follow, closing = verdict.verdict(facts, 24, {"Outbound"})
    assert follow.answer == verdict.SUPPORTS and closing.answer == verdict.SUPPORTS
    sla = {m.group: m for m in follow.measures if m.measure == "touched within the SLA"}
    assert (sla["marketing-sourced"].count, sla["marketing-sourced"].of) == (30, 100)
    assert (sla["sales-sourced"].count, sla["sales-sourced"].of) == (40, 50)
    low, high = wilson(30, 100)
    assert (sla["marketing-sourced"].ci_low, sla["marketing-sourced"].ci_high) == pytest.approx(
        (low, high)
    )
    never = [m for m in follow.measures if m.measure == "never touched"]
    assert [(m.group, m.count, m.of) for m in never] == [("marketing-sourced", 40, 100)]
    worked = {m.group: m for m in closing.measures}
    assert (worked["marketing-sourced"].count, worked["marketing-sourced"].of) == (3, 30)
    assert (worked["sales-sourced"].count, worked["sales-sourced"].of) == (24, 40)
    assert verdict.sources_below(closing) == ["Paid Social"]
    assert "30.0% of 100 marketing-sourced leads" in follow.because
    assert follow.as_dict()["measures"][0]["group"] == "marketing-sourced"


def test_verdict_does_not_support_when_marketing_is_better():
    facts = verdict_facts((90, 45, 10, 0), (10, 1, 30, 20))
    follow, closing = verdict.verdict(facts, 24, {"outbound"})  # contract words are lower-case
    assert follow.answer == verdict.DOES_NOT_SUPPORT  # 90/100 against 10/60
    assert closing.answer == verdict.CANNOT_TELL  # only 10 sales leads worked within the SLA
    assert verdict.MIN_LEADS == 30 and "fewer than 30 leads" in closing.rule


def test_verdict_cannot_tell_when_intervals_overlap_or_no_touches():
    follow, _ = verdict.verdict(verdict_facts((50, 10, 50, 0), (45, 9, 55, 0)), 24, {"Outbound"})
    assert follow.answer == verdict.CANNOT_TELL
    leads = verdict_facts((50, 10, 50, 0), (45, 9, 55, 0)).leads
    no_touches = Facts(leads, *[pl.DataFrame()] * 2, frozenset({"leads", "outcome", "created_at"}))
    for card in verdict.verdict(no_touches, 24, {"Outbound"}):
        assert card.answer == verdict.CANNOT_TELL and card.measures == ()
        assert "no sales touches" in card.because


# --- speed to lead -------------------------------------------------------------------------------
BANDS_HOURS = (1, 4, 24, 72, 168)  # the bundled contract's response_bands_hours


def speed_leads() -> pl.DataFrame:
    """A is fast and good, B slow and poor, C only fast. Bands: under 1 h (0.5 h), 1–4 h (2 h).
    A: under 1 h 8 leads 4 won, 1–4 h 2 leads 1 won. B: under 1 h 2 / 0, 1–4 h 8 / 1.
    C: under 1 h 4 / 1."""
    return leads_from(
        repeat("A", 0.5, 8, 4) + repeat("A", 2.0, 2, 1) + repeat("B", 0.5, 2, 0)
        + repeat("B", 2.0, 8, 1) + repeat("C", 0.5, 4, 1) + repeat("C", None, 1, 0)
    )  # fmt: skip


def test_standardised_curve_removes_the_source_mix():
    # weights A 10/25, B 10/25, C 5/25 (C's never-touched lead is in the "never touched" band)
    # under 1 h: (10×4/8 + 10×0/2 + 5×1/4)/25 = 6.25/25 = .25; raw 5/14
    # 1–4 h: C has no lead here: (10×1/2 + 10×1/8)/20 = .3125 on 20/25 of the mix; raw 2/10
    curve = speed_to_lead.standardised(speed_to_lead.cells(speed_leads(), BANDS_HOURS), BANDS_HOURS)
    fast, slower = row(curve, "band", "under 1 h"), row(curve, "band", "1–4 h")
    assert fast["standardised_rate"] == pytest.approx(0.25) and fast["mix_covered"] == 1.0
    assert fast["raw_rate"] == pytest.approx(5 / 14)
    assert slower["standardised_rate"] == pytest.approx(0.3125)
    assert slower["mix_covered"] == pytest.approx(0.8) and slower["raw_rate"] == 0.2
    assert curve["band"].to_list() == ["under 1 h", "1–4 h", "never touched"]


def test_counts_on_finer_bands_add_up_into_coarser_ones():
    # Fine bands 1, 4, 24, 72 h; coarse 1, 24 h. B first appears at 30 h, then 0.5 h, 2 h, 5 h.
    leads = leads_from(
        repeat("B", 30.0, 1, 0) + repeat("B", 0.5, 2, 1) + repeat("B", 2.0, 3, 1)
        + repeat("B", 5.0, 4, 2) + repeat("A", 100.0, 2, 1) + repeat("A", None, 1, 0)
    )  # fmt: skip
    fine, coarse = [1.0, 4.0, 24.0, 72.0], [1.0, 24.0]
    rolled = speed_to_lead.regroup(speed_to_lead.cells(leads, fine), fine, coarse)
    # By hand: B over 1 day 1 lead (0 won), under 1 h 2 (1), 1–24 h 3 + 4 = 7 (1 + 2);
    # A over 1 day 2 (1), never touched 1 (0). Each cell where its first lead is.
    assert rolled.rows() == [
        ("B", "over 1 day", 1, 0),
        ("B", "under 1 h", 2, 1),
        ("B", "1–24 h", 7, 3),
        ("A", "over 1 day", 2, 1),
        ("A", "never touched", 1, 0),
    ]
    assert rolled.equals(speed_to_lead.cells(leads, coarse))


def test_win_rate_by_band_with_intervals_and_mql_to_sql():
    leads = speed_leads().with_columns(
        (pl.col("lead_id").str.slice(1).cast(pl.Int32) % 2 == 0).alias("mql_reached"),
        (pl.col("lead_id").str.slice(1).cast(pl.Int32) % 4 == 0).alias("sql_reached"),
    )
    table = speed_to_lead.by_band(
        speed_to_lead.cells(leads, BANDS_HOURS, mql_to_sql=True), BANDS_HOURS
    )
    overall = table.filter(pl.col("lead_source") == "All sources")
    fast = row(overall, "band", "under 1 h")
    assert (fast["leads"], fast["won"]) == (14, 5)
    assert (fast["win_rate_ci_low"], fast["win_rate_ci_high"]) == pytest.approx(wilson(5, 14))
    # A's under-1-h leads are L0..L7: MQL L0 L2 L4 L6, of them SQL L0 L4
    a_fast = table.filter((pl.col("lead_source") == "A") & (pl.col("band") == "under 1 h"))
    assert a_fast["mqls"].item() == 4 and a_fast["mql_to_sql_rate"].item() == 0.5
    assert table["lead_source"].to_list()[0] == "All sources"


# --- matured win rates ---------------------------------------------------------------------------
def matured_leads() -> pl.DataFrame:
    """Ten leads, export at day 100. (created day, won day or None): won after 10, 20, 30 and
    50 days; lost or open leads are followed to the export: 9, 15, 22, 40, 100 and 100 days."""
    spec = [
        (0, 10), (0, 20), (60, 90), (0, 50),  # won
        (0, None), (85, None),  # lost: stay at risk until the export
        (0, None), (60, None), (78, None), (91, None),  # open
    ]  # fmt: skip
    return pl.DataFrame(
        {
            "lead_source": ["A"] * 10,
            "created_at": [T0 + timedelta(days=c) for c, _ in spec],
            "won": [w is not None for _, w in spec],
            "won_at": [None if w is None else T0 + timedelta(days=w) for _, w in spec],
        }
    )


def test_matured_rates_by_hand():
    # ordered times: 9c 10w 15c 20w 22c 30w 40c 50w 100c 100c
    # S(10) = 8/9, S(20) = 8/9 × 6/7, S(30) = × 4/5 = 64/105, S(50) = × 2/3 = 128/315
    as_of = T0 + timedelta(days=100)
    rates = matured.matured_rates(matured_leads(), as_of)
    a = row(rates, "lead_source", "A")
    assert a["raw_rate"] == 0.4 and (a["leads"], a["won"]) == (10, 4)
    assert a["won_by_30d"] == pytest.approx(1 - 64 / 105)
    assert a["won_by_90d"] == pytest.approx(1 - 128 / 315)
    assert a["won_by_180d"] is None  # nobody was followed for 180 days
    greenwood = (64 / 105) ** 2 * (1 / (9 * 8) + 1 / (7 * 6) + 1 / (5 * 4))
    half = Z * math.sqrt(greenwood)
    assert a["won_by_30d_ci_low"] == pytest.approx(1 - 64 / 105 - half)
    assert a["won_by_30d_ci_high"] == pytest.approx(1 - 64 / 105 + half)
    assert row(rates, "lead_source", "All sources")["won_by_90d"] == pytest.approx(187 / 315)


def test_matured_cohorts_curve_and_export_date():
    leads = matured_leads()
    assert matured.export_date(leads) == T0 + timedelta(days=91)
    as_of = T0 + timedelta(days=100)
    cohorts = matured.matured_rates(leads, as_of, by="cohort")
    # 2026 Q1: created days 0..85 (to 2026-03-31); 2026 Q2: day 91 (2026-04-06)
    assert cohorts["cohort"].to_list() == ["2026 Q1", "2026 Q2"]
    assert cohorts["leads"].to_list() == [9, 1]
    curve = matured.curves(leads, as_of)
    a = curve.filter(pl.col("lead_source") == "A")
    assert a["day"].to_list() == list(range(0, 99, 7))  # up to the longest follow-up, 100 days
    assert row(a, "day", 21)["won_by"] == pytest.approx(1 - 48 / 63)
    assert curve.height == 2 * a.height  # A and All sources


def test_matured_leaves_out_leads_it_cannot_place_in_time():
    leads = pl.concat(
        [
            matured_leads(),
            pl.DataFrame(
                {
                    "lead_source": ["A", "A", "A"],
                    "created_at": [None, T0, T0 + timedelta(days=5)],
                    "won": [False, True, True],
                    "won_at": [None, None, T0],
                }
            ),
        ]
    )
    assert matured.excluded(leads) == {
        "no creation date": 1,
        "won without a won date": 1,
        "won before created": 1,
    }
    a = row(matured.matured_rates(leads, T0 + timedelta(days=100)), "lead_source", "A")
    assert a["leads"] == 10 and a["won_by_30d"] == pytest.approx(1 - 64 / 105)


# --- empirical Bayes -----------------------------------------------------------------------------
def beta_cdf(x: float, a: int, b: int) -> float:
    """Regularised incomplete beta for whole a, b: P(Binomial(a + b − 1, x) ≥ a)."""
    n = a + b - 1
    return sum(math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))


def test_posterior_by_hand():
    # prior Beta(2, 8), 3 won of 10: posterior Beta(5, 15), mean 5/20
    mean, low, high = shrinkage.posterior(np.array([3.0]), np.array([10.0]), 2.0, 8.0)
    assert mean[0] == pytest.approx(0.25)
    assert beta_cdf(low[0], 5, 15) == pytest.approx(0.025, abs=1e-9)
    assert beta_cdf(high[0], 5, 15) == pytest.approx(0.975, abs=1e-9)


def log_likelihood(won, leads, alpha, beta) -> float:
    """Beta-binomial log-likelihood written out: C(n, k) B(k + α, n − k + β) / B(α, β)."""

    def log_b(x, y):
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    return sum(
        math.log(math.comb(n, k)) + log_b(k + alpha, n - k + beta) - log_b(alpha, beta)
        for k, n in zip(won, leads, strict=True)
    )


def test_prior_is_the_maximum_likelihood_fit():
    won, leads = [1, 40, 10, 20, 3], [1, 100, 100, 100, 30]
    alpha, beta = shrinkage.fit_prior(np.array(won, float), np.array(leads, float))
    best = log_likelihood(won, leads, alpha, beta)
    for da, db in ((1.05, 1), (0.95, 1), (1, 1.05), (1, 0.95), (1.05, 1.05), (0.95, 0.95)):
        assert best >= log_likelihood(won, leads, alpha * da, beta * db) - 1e-9


def test_small_sources_ranked_by_the_posterior():
    leads = leads_from(
        repeat("Tiny", 1.0, 1, 1) + repeat("Big", 1.0, 100, 40) + repeat("Low", 1.0, 100, 10)
        + repeat("Mid", 1.0, 100, 20)
    )  # fmt: skip
    table = shrinkage.by_source(leads)
    assert table["lead_source"].to_list()[0] == "Big"  # not the lucky 1-of-1
    tiny = row(table, "lead_source", "Tiny")
    assert tiny["raw_rate"] == 1.0 and tiny["shrunk_rate"] < 0.4
    a, b = tiny["prior_alpha"], tiny["prior_beta"]
    assert tiny["shrunk_rate"] == pytest.approx((a + 1) / (a + b + 1))
    assert table["rank"].to_list() == [1, 2, 3, 4]


def test_no_spread_between_groups_pools_them_and_too_few_groups_say_so():
    same = pl.DataFrame({"g": ["a", "b", "c"], "won": [10, 20, 30], "leads": [100, 200, 300]})
    assert shrinkage.shrunk(same)["shrunk_rate"].to_list() == pytest.approx([0.1] * 3, abs=1e-3)
    two = shrinkage.shrunk(same.head(2))
    assert two["shrunk_rate"].is_null().all() and two["raw_rate"].to_list() == [0.1, 0.1]


def test_icp_cells_show_n_and_shrunk_rate():
    leads = leads_from(repeat("A", 1.0, 1, 1) + repeat("A", 1.0, 50, 5) + repeat("B", 1, 50, 25))
    leads = leads.with_columns(pl.Series("segment", ["SaaS"] + ["Retail"] * 50 + ["SaaS"] * 50))
    cells = shrinkage.by_cell(leads, "segment")
    one = cells.filter((pl.col("lead_source") == "A") & (pl.col("segment") == "SaaS"))
    assert one["leads"].item() == 1 and one["raw_rate"].item() == 1.0
    assert one["shrunk_rate"].item() < 1.0 and cells["rank"].to_list()[0] == 1


# --- spend: leads of the months the spend file covers ------------------------------------------
def test_spend_counts_the_leads_of_covered_months_only():
    # Spend in Nov and Dec 2025 (adjacent across the year end) and Feb 2026, none in Jan.
    costs = pl.DataFrame(
        {
            "month": [datetime(2025, 11, 1), datetime(2025, 12, 1), datetime(2026, 2, 1)],
            "lead_source": ["A"] * 3,
            "spend": [100.0, 100.0, 100.0],
        }
    )
    created = [
        datetime(2025, 10, 31, 23, 59),  # out: October
        datetime(2025, 11, 1),  # in
        datetime(2025, 12, 31, 23, 59, 59),  # in
        datetime(2026, 1, 15),  # out: January has no spend
        datetime(2026, 2, 28, 12),  # in
        datetime(2026, 3, 1),  # out: March
        None,  # out: no creation date
    ]
    leads = pl.DataFrame(
        {
            "lead_source": ["A"] * len(created),
            "created_at": created,
            "mql_reached": [True] * len(created),
            "won": [False] * len(created),
            "revenue": [None] * len(created),
        },
        schema_overrides={"revenue": pl.Float64},
    )
    a = spend.by_source(costs, leads, EVERYTHING).row(0, named=True)
    assert (a["leads"], a["spend"], a["cost_per_lead"]) == (3, 300.0, 100.0)
