"""Seeded synthetic B2B lead data for Truce, with a recorded ground truth.

Command line::

    python -m sample_data.generate --leads 5000 --out sample_data/demo [--seed 7]

writes ``leads.csv``, ``opportunities.csv``, ``activities.csv``, ``spend.csv`` and
``ground_truth.json`` into the output folder and prints a one-line summary (row counts,
seconds).

Python API:

- ``generate_with_truth(n_leads, seed=7) -> (frames, truth)``: one run, both results.
- ``generate(n_leads, seed=7) -> dict[str, pl.DataFrame]`` with keys ``leads``,
  ``opportunities``, ``activities``, ``spend`` (the frames exactly as written to CSV,
  planted data-quality problems included).
- ``ground_truth(n_leads, seed=7) -> dict``: the content of ``ground_truth.json``
  (re-runs the generator; use ``generate_with_truth`` to get both at once).
- ``write(frames, truth, out_dir) -> dict[str, Path]``: writes the five files.
- ``to_csv_bytes(frame) -> bytes``: the exact CSV encoding used by ``write``.

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))`` in a fixed order
and assembled with Polars, with no per-lead Python loop, so the same ``(n_leads, seed)``
gives byte-identical files. Leads are created over the fixed window 2025-01-01 ..
2026-09-30 (not relative to today) with seasonality (December dip, September peak,
summer lull, weekend dip, +20 %/year growth; Events leads cluster in event months).

The files behave like a real CRM export taken on the fixed ``EXPORT_DATE`` 2026-10-31
(end of that day; not today): nothing in them happens after it. A lead whose MQL or SQL
would come later has not reached that stage yet; a deal that would be created later does
not exist (the lead stops at SQL, and is not disqualified); a deal that would close later
is still open (an open stage, empty ``close_date``); touches due later do not exist. So
the youngest cohorts look less mature, exactly as in a real export.

What is planted (every parameter is recorded under ``parameters`` in the ground truth):

- seven canonical sources with their own volume share, P(MQL), P(SQL | MQL),
  P(SQL without MQL) (Outbound skips MQL entirely), P(opportunity | SQL),
  P(won | opportunity closed), share of opportunities still open, lognormal deal size
  (given by its mean), share of leads followed up at all, follow-up speed factor,
  P(disqualified | no opportunity) and disqualification reasons;
- nine sales owners whose median hours to first touch run from 1 h to 60 h (lognormal
  delay, multiplied by the source's speed factor); every SQL lead is touched (unless its
  first touch was due after the export date: about 1 in 15,000 SQL leads), other leads
  are touched with the probability that makes the source's overall followed-up share
  equal its parameter; 1..8 touches per touched lead (before the export date);
- the ICP effect: segment and company-size factors multiply the win probability (divided
  by the lead mix's mean factor so a source's expected win rate stays its parameter);
  company size also scales deal size;
- spend per month, source and campaign = leads x cost per lead x lognormal noise.

Realised figures in the ground truth (``realised``) are computed on the CLEAN data: before
any planted problem, with each lead under its true canonical source. ``planted_problems``
lists every problem row exactly (counts and IDs), so the clean data can be rebuilt from
the written files: drop repeated lead rows (keep the first), drop the listed orphan
opportunities and before-creation activities, take ``abs()`` of the negated amounts,
map the source aliases and restore the missing sources from ``true_source``.

Conventions: datetimes are written 'YYYY-MM-DD HH:MM:SS' (naive); open opportunities
have an empty ``close_date``; an opportunity's ``lead_source`` and ``owner`` are its
lead's canonical source and owner.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_SEED = 7
WINDOW_START = date(2025, 1, 1)
WINDOW_END = date(2026, 9, 30)  # last day, inclusive
# The files are a CRM export taken at the end of this day: nothing in them happens after it.
EXPORT_DATE = date(2026, 10, 31)
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SLA_HOURS = 24
TABLES = ("leads", "opportunities", "activities", "spend")

# --- sources ------------------------------------------------------------------------------
# p_sql_without_mql: probability that a lead that never became MQL still becomes SQL.
# speed_factor multiplies the owner's median hours to first touch.
SOURCES: dict[str, dict] = {
    "Organic Search": {
        "share": 0.20,
        "p_mql": 0.60,
        "p_sql_given_mql": 0.60,
        "p_sql_without_mql": 0.00,
        "p_opportunity_given_sql": 0.75,
        "p_won_given_closed": 0.30,
        "open_share": 0.15,
        "mean_deal": 18_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.80,
        "speed_factor": 1.0,
        "p_disqualified_if_no_opportunity": 0.40,
        "disqualified_reasons": {
            "Competitor": 0.40,
            "Student": 0.15,
            "Too small": 0.15,
            "No budget": 0.15,
            "Wrong contact": 0.15,
        },
        "campaigns": ["SEO - Blog", "SEO - Comparison pages"],
        "cost_per_lead": 4.0,
    },
    "Paid Search": {
        "share": 0.18,
        "p_mql": 0.55,
        "p_sql_given_mql": 0.55,
        "p_sql_without_mql": 0.00,
        "p_opportunity_given_sql": 0.70,
        "p_won_given_closed": 0.25,
        "open_share": 0.15,
        "mean_deal": 15_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.75,
        "speed_factor": 1.0,
        "p_disqualified_if_no_opportunity": 0.40,
        "disqualified_reasons": {
            "Competitor": 0.15,
            "Student": 0.20,
            "Too small": 0.20,
            "No budget": 0.30,
            "Wrong contact": 0.15,
        },
        "campaigns": ["Google Ads - Brand", "Google Ads - Generic", "Bing Ads - Generic"],
        "cost_per_lead": 90.0,
    },
    "Paid Social": {
        "share": 0.28,
        "p_mql": 0.40,
        "p_sql_given_mql": 0.40,
        "p_sql_without_mql": 0.00,
        "p_opportunity_given_sql": 0.60,
        "p_won_given_closed": 0.10,
        "open_share": 0.15,
        "mean_deal": 9_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.45,
        "speed_factor": 2.0,
        "p_disqualified_if_no_opportunity": 0.60,
        "disqualified_reasons": {
            "Student": 0.55,
            "Too small": 0.15,
            "No budget": 0.15,
            "Wrong contact": 0.10,
            "Competitor": 0.05,
        },
        "campaigns": ["LinkedIn - Lead Gen Forms", "Facebook - Ebook", "LinkedIn - Webinar promo"],
        "cost_per_lead": 40.0,
    },
    "Email": {
        "share": 0.10,
        "p_mql": 0.50,
        "p_sql_given_mql": 0.50,
        "p_sql_without_mql": 0.00,
        "p_opportunity_given_sql": 0.65,
        "p_won_given_closed": 0.18,
        "open_share": 0.15,
        "mean_deal": 12_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.65,
        "speed_factor": 1.5,
        "p_disqualified_if_no_opportunity": 0.40,
        "disqualified_reasons": {
            "Too small": 0.45,
            "No budget": 0.20,
            "Wrong contact": 0.20,
            "Student": 0.10,
            "Competitor": 0.05,
        },
        "campaigns": ["Newsletter", "Nurture sequence"],
        "cost_per_lead": 15.0,
    },
    "Referral": {
        "share": 0.05,
        "p_mql": 0.85,
        "p_sql_given_mql": 0.80,
        "p_sql_without_mql": 0.30,
        "p_opportunity_given_sql": 0.85,
        "p_won_given_closed": 0.40,
        "open_share": 0.15,
        "mean_deal": 40_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.95,
        "speed_factor": 0.5,
        "p_disqualified_if_no_opportunity": 0.30,
        "disqualified_reasons": {
            "No budget": 0.40,
            "Wrong contact": 0.30,
            "Too small": 0.20,
            "Competitor": 0.05,
            "Student": 0.05,
        },
        "campaigns": ["Partner program", "Customer referral"],
        "cost_per_lead": 0.0,
    },
    "Events": {
        "share": 0.09,
        "p_mql": 0.65,
        "p_sql_given_mql": 0.60,
        "p_sql_without_mql": 0.05,
        "p_opportunity_given_sql": 0.75,
        "p_won_given_closed": 0.30,
        "open_share": 0.15,
        "mean_deal": 25_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.85,
        "speed_factor": 0.8,
        "p_disqualified_if_no_opportunity": 0.40,
        "disqualified_reasons": {
            "Wrong contact": 0.35,
            "No budget": 0.25,
            "Too small": 0.20,
            "Student": 0.10,
            "Competitor": 0.10,
        },
        "campaigns": ["Trade show", "Webinar series", "Roadshow"],
        "cost_per_lead": 200.0,
    },
    "Outbound": {
        "share": 0.10,
        "p_mql": 0.00,
        "p_sql_given_mql": 0.00,
        "p_sql_without_mql": 0.45,
        "p_opportunity_given_sql": 0.70,
        "p_won_given_closed": 0.22,
        "open_share": 0.15,
        "mean_deal": 30_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 1.00,
        "speed_factor": 0.3,
        "p_disqualified_if_no_opportunity": 0.50,
        "disqualified_reasons": {
            "No budget": 0.35,
            "Wrong contact": 0.35,
            "Too small": 0.20,
            "Competitor": 0.05,
            "Student": 0.05,
        },
        "campaigns": ["SDR - Enterprise", "SDR - Mid-market"],
        "cost_per_lead": 60.0,
    },
}
DISQUALIFIED_REASONS = ["Student", "Competitor", "Too small", "No budget", "Wrong contact"]

# Owner name -> median hours to first touch (before the source's speed factor).
OWNERS: dict[str, float] = {
    "Ana Ruiz": 1.0,
    "Ben Okafor": 3.0,
    "Chloe Martin": 6.0,
    "Dev Patel": 10.0,
    "Elif Yilmaz": 16.0,
    "Felix Wagner": 24.0,
    "Grace Kim": 36.0,
    "Hugo Silva": 48.0,
    "Ines Costa": 60.0,
}

# name -> (share of leads, win-probability factor)
SEGMENTS: dict[str, tuple[float, float]] = {
    "SaaS": (0.25, 1.6),
    "Manufacturing": (0.18, 0.9),
    "Healthcare": (0.15, 1.0),
    "Retail": (0.15, 0.7),
    "Education": (0.12, 0.4),
    "Finance": (0.15, 1.2),
}
# name -> (share of leads, win-probability factor, deal-size factor)
COMPANY_SIZES: dict[str, tuple[float, float, float]] = {
    "1-10": (0.20, 0.5, 0.4),
    "11-50": (0.30, 0.8, 0.7),
    "51-200": (0.25, 1.0, 1.0),
    "201-1000": (0.15, 1.4, 1.6),
    "1000+": (0.10, 1.2, 2.5),
}
# name -> (share of leads, e-mail top-level domain, company suffix)
COUNTRIES: dict[str, tuple[float, str, str]] = {
    "United States": (0.45, "com", "Inc"),
    "United Kingdom": (0.15, "co.uk", "Ltd"),
    "Germany": (0.12, "de", "GmbH"),
    "France": (0.08, "fr", "SAS"),
    "Canada": (0.08, "ca", "Inc"),
    "Netherlands": (0.05, "nl", "BV"),
    "Australia": (0.07, "com.au", "Pty Ltd"),
}

SEASONALITY = {
    # Jan..Dec multipliers of daily lead volume
    "month_factors": [1.0, 1.0, 1.1, 1.0, 1.0, 0.9, 0.8, 0.75, 1.35, 1.15, 1.05, 0.55],
    # Mon..Sun
    "weekday_factors": [1.0, 1.0, 1.0, 1.0, 0.9, 0.35, 0.3],
    "growth_per_year": 0.20,
    # extra Jan..Dec multipliers for Events leads only (trade-show season)
    "events_month_factors": [0.3, 0.3, 2.5, 0.5, 0.5, 2.0, 0.2, 0.2, 3.0, 0.6, 2.0, 0.2],
    # hour-of-day weights (0..23) for created_at
    "hour_weights": [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1],
}

TIMING = {
    # lognormal delays, given by median and sigma
    "mql_delay_hours": {"median": 48.0, "sigma": 1.0},
    "sql_delay_hours": {"median": 120.0, "sigma": 0.8},
    "opportunity_delay_hours": {"median": 72.0, "sigma": 0.8},
    "extra_opportunity_gap_days": {"median": 90.0, "sigma": 0.5},
    "sales_cycle_days": {"median": 45.0, "sigma": 0.6},
    "first_touch_sigma": 1.0,
    "touch_gap_hours_mean": 72.0,  # exponential gaps between touches
}
OPPORTUNITIES = {
    "extra_opportunities_binomial": {"n": 2, "p": 0.16},  # opportunities per lead: 1 + Bin
    "win_probability_cap": 0.95,
    "open_stages": {"Qualification": 0.40, "Proposal": 0.35, "Negotiation": 0.25},
}
ACTIVITIES = {
    "touches": "1 + Binomial(7, p_extra_touch) per followed-up lead, so 1..8",
    "p_extra_touch": 0.46,
    "first_touch_types": {"call": 0.5, "email": 0.5, "meeting": 0.0},
    "later_touch_types": {"call": 0.4, "email": 0.4, "meeting": 0.2},
    "share_by_lead_owner": 0.92,  # the rest are logged by a random owner
}
PROBLEMS = {
    "duplicate_lead_share": 0.002,
    "source_alias_share": 0.005,
    "missing_source_share": 0.003,
    "orphan_opportunities": "5 + n_leads // 200000",
    "activities_before_creation": "5 + n_leads // 200000",
    "negative_amounts": "2 + n_leads // 500000",
}
SOURCE_ALIASES: dict[str, str] = {
    "organic_search": "Organic Search",
    "ORGANIC SEARCH": "Organic Search",
    "google organic": "Organic Search",
    "ppc": "Paid Search",
    "Paid search": "Paid Search",
}

FIRST_NAMES = [
    "Alex", "Maria", "James", "Sofia", "Liam", "Emma", "Noah", "Olivia", "Lucas", "Mia",
    "Ethan", "Chloe", "Leon", "Hannah", "Mateo", "Zoe", "Omar", "Priya", "Yuki", "Lena",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Garcia", "Mueller", "Brown", "Dubois", "Rossi", "Jansen", "Nguyen", "Kowalski",
    "Taylor", "Schmidt", "Martin", "Lopez", "Wilson", "Novak", "Berg", "Khan", "Chen", "Ito",
    "Walsh",
]  # fmt: skip
COMPANY_WORDS_A = [
    "Blue", "Bright", "North", "Summit", "Apex", "Silver", "Green", "Rapid", "Prime", "Vertex",
    "Cedar", "Harbor", "Nova", "Iron", "Clear", "Bold", "Swift", "Golden", "Quantum", "Urban",
]  # fmt: skip
COMPANY_WORDS_B = [
    "Labs", "Systems", "Health", "Logistics", "Foods", "Analytics", "Works", "Dynamics",
    "Partners", "Solutions", "Learning", "Capital", "Retail", "Robotics", "Cloud", "Care",
    "Motors", "Media", "Energy", "Software",
]  # fmt: skip

_DAY = 86_400
_HOUR = 3_600


# --- helpers ------------------------------------------------------------------------------
def _epoch_seconds(d: date) -> int:
    return int((datetime(d.year, d.month, d.day) - datetime(1970, 1, 1)).total_seconds())


def _lognormal_seconds(rng: np.random.Generator, spec: dict, size: int, unit: int) -> np.ndarray:
    values = rng.lognormal(np.log(spec["median"]), spec["sigma"], size)
    return np.round(values * unit).astype(np.int64)


def _pick(values: list[str], idx: np.ndarray) -> pl.Series:
    """values[idx] as a Polars string Series (native gather, no Python loop)."""
    return pl.Series(values, dtype=pl.String).gather(pl.Series(idx, dtype=pl.UInt32))


def _ids(prefix: str, start: int, count: int) -> pl.Series:
    numbers = pl.Series(np.arange(start, start + count, dtype=np.int64))
    return (prefix + numbers.cast(pl.String).str.zfill(7)).rename("id")


def _group_offsets(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts per group: group index of each row and the row's rank in its group."""
    group = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(group.size) - starts[group]
    return group, rank


def _cumsum_within(values: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Cumulative sum of values restarting at each group (rows grouped contiguously)."""
    total = np.cumsum(values)
    return total - (total - values)[np.arange(values.size) - rank]


def _categorical(rng: np.random.Generator, probs: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(probs.size, size=size, p=probs / probs.sum())


def _datetime_col(name: str, seconds: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.from_epoch(pl.Series(name, seconds, dtype=pl.Int64), time_unit="s")
    if valid is not None:
        s = pl.select(pl.when(pl.Series(valid)).then(s).otherwise(None).alias(name)).to_series()
    return s


def _p(key: str) -> np.ndarray:
    return np.array([SOURCES[s][key] for s in SOURCES], dtype=float)


def _p_sql_per_lead() -> np.ndarray:
    p_mql = _p("p_mql")
    return p_mql * _p("p_sql_given_mql") + (1 - p_mql) * _p("p_sql_without_mql")


def _icp_normalisers() -> tuple[float, float]:
    seg = np.array(list(SEGMENTS.values()))
    size = np.array(list(COMPANY_SIZES.values()))
    win = float((seg[:, 0] * seg[:, 1]).sum() * (size[:, 0] * size[:, 1]).sum())
    deal = float((size[:, 0] * size[:, 2]).sum())
    return win, deal


# --- simulation -----------------------------------------------------------------------------
def _simulate(n: int, rng: np.random.Generator) -> dict:
    """Clean data as numpy arrays (indices into the parameter tables, epoch seconds)."""
    src_names = list(SOURCES)
    n_src = len(src_names)

    # created_at: per-source seasonal day weights, business-hour weighting
    start, end = _epoch_seconds(WINDOW_START), _epoch_seconds(WINDOW_END) + _DAY
    day_starts = np.arange(start, end, _DAY, dtype=np.int64)
    days = day_starts.astype("datetime64[s]").astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64) % 12
    weekdays = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    years = (day_starts - start) / (365.25 * _DAY)
    base_w = (
        np.array(SEASONALITY["month_factors"])[months]
        * np.array(SEASONALITY["weekday_factors"])[weekdays]
        * (1 + SEASONALITY["growth_per_year"] * years)
    )
    hour_w = np.array(SEASONALITY["hour_weights"], dtype=float)

    src = _categorical(rng, _p("share"), n)
    created = np.empty(n, dtype=np.int64)
    for s in range(n_src):  # loop over the 7 sources, vectorised over their leads
        idx = np.flatnonzero(src == s)
        w = base_w
        if src_names[s] == "Events":
            w = base_w * np.array(SEASONALITY["events_month_factors"])[months]
        day = rng.choice(day_starts.size, size=idx.size, p=w / w.sum())
        hour = rng.choice(24, size=idx.size, p=hour_w / hour_w.sum())
        created[idx] = day_starts[day] + hour * _HOUR + rng.integers(0, _HOUR, idx.size)
    order = np.argsort(created, kind="stable")
    src, created = src[order], created[order]

    # lead attributes
    owner = rng.integers(0, len(OWNERS), n)
    segment = _categorical(rng, np.array([v[0] for v in SEGMENTS.values()]), n)
    size = _categorical(rng, np.array([v[0] for v in COMPANY_SIZES.values()]), n)
    country = _categorical(rng, np.array([v[0] for v in COUNTRIES.values()]), n)
    n_campaigns = np.array([len(SOURCES[s]["campaigns"]) for s in src_names])
    campaign_offset = np.cumsum(n_campaigns) - n_campaigns
    campaign = campaign_offset[src] + (rng.random(n) * n_campaigns[src]).astype(np.int64)
    first_name = rng.integers(0, len(FIRST_NAMES), n)
    last_name = rng.integers(0, len(LAST_NAMES), n)
    word_a = rng.integers(0, len(COMPANY_WORDS_A), n)
    word_b = rng.integers(0, len(COMPANY_WORDS_B), n)

    # funnel
    u_mql, u_sql_m, u_sql_d, u_opp = (rng.random(n) for _ in range(4))
    is_mql = u_mql < _p("p_mql")[src]
    is_sql = np.where(
        is_mql, u_sql_m < _p("p_sql_given_mql")[src], u_sql_d < _p("p_sql_without_mql")[src]
    )
    has_opp = is_sql & (u_opp < _p("p_opportunity_given_sql")[src])
    mql_at = created + _lognormal_seconds(rng, TIMING["mql_delay_hours"], n, _HOUR)
    sql_at = np.where(is_mql, mql_at, created) + _lognormal_seconds(
        rng, TIMING["sql_delay_hours"], n, _HOUR
    )
    first_opp_at = sql_at + _lognormal_seconds(rng, TIMING["opportunity_delay_hours"], n, _HOUR)

    # opportunities: 1 + Binomial extra per lead with an opportunity
    extra = OPPORTUNITIES["extra_opportunities_binomial"]
    n_opps = np.where(has_opp, 1 + rng.binomial(extra["n"], extra["p"], n), 0)
    opp_lead, opp_rank = _group_offsets(n_opps)
    m = opp_lead.size
    gaps = np.where(
        opp_rank > 0, _lognormal_seconds(rng, TIMING["extra_opportunity_gap_days"], m, _DAY), 0
    )
    opp_created = first_opp_at[opp_lead] + _cumsum_within(gaps, opp_rank)
    win_norm, deal_norm = _icp_normalisers()
    seg_f = np.array([v[1] for v in SEGMENTS.values()])
    size_win_f = np.array([v[1] for v in COMPANY_SIZES.values()])
    size_deal_f = np.array([v[2] for v in COMPANY_SIZES.values()])
    o_src = src[opp_lead]
    p_win_raw = (
        _p("p_won_given_closed")[o_src]
        * seg_f[segment[opp_lead]]
        * size_win_f[size[opp_lead]]
        / win_norm
    )
    p_win = np.minimum(p_win_raw, OPPORTUNITIES["win_probability_cap"])
    is_closed = rng.random(m) >= _p("open_share")[o_src]
    is_won = is_closed & (rng.random(m) < p_win)
    open_stage = _categorical(rng, np.array(list(OPPORTUNITIES["open_stages"].values())), m)
    close_date = opp_created + _lognormal_seconds(rng, TIMING["sales_cycle_days"], m, _DAY)
    sigma = _p("deal_sigma")[o_src]
    mu = np.log(_p("mean_deal")[o_src]) - sigma**2 / 2
    amount = np.round(
        rng.lognormal(mu, sigma) * size_deal_f[size[opp_lead]] / deal_norm, 2
    )  # mean of the deal factor over the lead mix is 1 after normalising

    # disqualification (only leads without an opportunity)
    dq = ~has_opp & (rng.random(n) < _p("p_disqualified_if_no_opportunity")[src])
    reason_p = np.array(
        [[SOURCES[s]["disqualified_reasons"][r] for r in DISQUALIFIED_REASONS] for s in src_names]
    )
    reason_cum = np.cumsum(reason_p / reason_p.sum(1, keepdims=True), axis=1)
    reason = (rng.random(n)[:, None] > reason_cum[src]).sum(axis=1)
    reason = np.minimum(reason, len(DISQUALIFIED_REASONS) - 1)

    # follow-up: every SQL lead is touched; the others with the probability that makes the
    # source's followed-up share equal its parameter in expectation
    p_sql = _p_sql_per_lead()
    p_follow_other = np.clip((_p("followed_up_share") - p_sql) / (1 - p_sql), 0, 1)
    followed = is_sql | (rng.random(n) < p_follow_other[src])
    n_touch = np.where(followed, 1 + rng.binomial(7, ACTIVITIES["p_extra_touch"], n), 0)
    owner_median = np.array(list(OWNERS.values()))
    first_delay = np.round(
        rng.lognormal(
            np.log(owner_median[owner] * _p("speed_factor")[src]), TIMING["first_touch_sigma"]
        )
        * _HOUR
    ).astype(np.int64)
    act_lead, act_rank = _group_offsets(n_touch)
    k = act_lead.size
    act_gap = np.where(
        act_rank > 0,
        np.round(rng.exponential(TIMING["touch_gap_hours_mean"] * _HOUR, k)).astype(np.int64),
        0,
    )
    occurred = created[act_lead] + first_delay[act_lead] + _cumsum_within(act_gap, act_rank)
    types = ["call", "email", "meeting"]
    first_p = np.array([ACTIVITIES["first_touch_types"][t] for t in types])
    later_p = np.array([ACTIVITIES["later_touch_types"][t] for t in types])
    u_type = rng.random(k)
    act_type = np.where(
        act_rank == 0,
        (u_type[:, None] > np.cumsum(first_p)[None, :]).sum(1),
        (u_type[:, None] > np.cumsum(later_p)[None, :]).sum(1),
    )
    act_type = np.minimum(act_type, len(types) - 1)
    act_owner = np.where(
        rng.random(k) < ACTIVITIES["share_by_lead_owner"],
        owner[act_lead],
        rng.integers(0, len(OWNERS), k),
    )

    # The export: nothing happens after EXPORT_DATE. A step due later has not happened yet:
    # the lead stops at the last step it reached, a deal due to open later does not exist, a
    # deal due to close later is still open (its drawn open stage), later touches do not exist.
    cutoff = _epoch_seconds(EXPORT_DATE) + _DAY
    is_mql &= mql_at < cutoff
    is_sql &= sql_at < cutoff
    keep_opp = opp_created < cutoff  # implies its lead's sql_at < cutoff
    has_opp = np.zeros(n, dtype=bool)
    has_opp[opp_lead[keep_opp]] = True
    is_closed &= close_date < cutoff
    is_won &= is_closed
    won_lead = np.zeros(n, dtype=bool)
    won_lead[opp_lead[keep_opp & is_won]] = True
    keep_act = occurred < cutoff
    opp_lead, opp_created, is_closed, is_won, open_stage, close_date, amount, p_win, p_win_raw = (
        a[keep_opp]
        for a in (
            opp_lead, opp_created, is_closed, is_won, open_stage, close_date, amount, p_win,
            p_win_raw,
        )
    )  # fmt: skip
    act_lead, occurred, act_type, act_owner = (
        a[keep_act] for a in (act_lead, occurred, act_type, act_owner)
    )

    return {
        "n": n,
        "src": src,
        "created": created,
        "owner": owner,
        "segment": segment,
        "size": size,
        "country": country,
        "campaign": campaign,
        "first_name": first_name,
        "last_name": last_name,
        "word_a": word_a,
        "word_b": word_b,
        "is_mql": is_mql,
        "is_sql": is_sql,
        "mql_at": mql_at,
        "sql_at": sql_at,
        "won_lead": won_lead,
        "dq": dq,
        "reason": reason,
        "has_opp": has_opp,
        "opp_lead": opp_lead,
        "opp_created": opp_created,
        "is_closed": is_closed,
        "is_won": is_won,
        "open_stage": open_stage,
        "close_date": close_date,
        "amount": amount,
        "p_win_capped": int((p_win_raw > p_win).sum()),
        "act_lead": act_lead,
        "occurred": occurred,
        "act_type": act_type,
        "act_owner": act_owner,
    }


def _frames(sim: dict) -> dict[str, pl.DataFrame]:
    """Clean Polars frames (before planted problems), canonical sources."""
    n = sim["n"]
    src_names = list(SOURCES)
    owners = list(OWNERS)
    campaigns = [c for s in src_names for c in SOURCES[s]["campaigns"]]
    countries = list(COUNTRIES)
    country_tld = [COUNTRIES[c][1] for c in countries]
    country_suffix = [COUNTRIES[c][2] for c in countries]

    word_a = _pick(COMPANY_WORDS_A, sim["word_a"])
    word_b = _pick(COMPANY_WORDS_B, sim["word_b"])
    company = pl.select(
        pl.concat_str([word_a, word_b, _pick(country_suffix, sim["country"])], separator=" ")
    ).to_series()
    email = pl.select(
        pl.concat_str(
            [
                _pick(FIRST_NAMES, sim["first_name"]).str.to_lowercase(),
                pl.lit("."),
                _pick(LAST_NAMES, sim["last_name"]).str.to_lowercase(),
                pl.lit("@"),
                word_a.str.to_lowercase(),
                word_b.str.to_lowercase(),
                pl.lit("."),
                _pick(country_tld, sim["country"]),
            ]
        )
    ).to_series()
    status_idx = np.select(
        [sim["won_lead"], sim["dq"], sim["is_sql"], sim["is_mql"]], [4, 3, 2, 1], default=0
    )
    lead_id = _ids("L", 1, n)
    leads = pl.DataFrame(
        {
            "lead_id": lead_id,
            "lead_source": _pick(src_names, sim["src"]),
            "created_at": _datetime_col("created_at", sim["created"]),
            "campaign": _pick(campaigns, sim["campaign"]),
            "owner": _pick(owners, sim["owner"]),
            "company": company,
            "email": email,
            "segment": _pick(list(SEGMENTS), sim["segment"]),
            "company_size": _pick(list(COMPANY_SIZES), sim["size"]),
            "country": _pick(countries, sim["country"]),
            "status": _pick(["New", "MQL", "SQL", "Disqualified", "Customer"], status_idx),
            "mql_at": _datetime_col("mql_at", sim["mql_at"], sim["is_mql"]),
            "sql_at": _datetime_col("sql_at", sim["sql_at"], sim["is_sql"]),
            "disqualified_reason": _pick(DISQUALIFIED_REASONS, sim["reason"]),
        }
    ).with_columns(
        pl.when(pl.Series(sim["dq"])).then(pl.col("disqualified_reason")).otherwise(None)
    )

    # opportunities, numbered in order of creation
    o_order = np.argsort(sim["opp_created"], kind="stable")
    ol = sim["opp_lead"][o_order]
    is_closed, is_won = sim["is_closed"][o_order], sim["is_won"][o_order]
    open_names = list(OPPORTUNITIES["open_stages"])
    stage_names = ["Closed Won", "Closed Lost", *open_names]
    stage_idx = np.where(is_won, 0, np.where(is_closed, 1, 2 + sim["open_stage"][o_order]))
    opportunities = pl.DataFrame(
        {
            "opportunity_id": _ids("O", 1, ol.size),
            "lead_id": lead_id.gather(pl.Series(ol, dtype=pl.UInt32)),
            "created_at": _datetime_col("created_at", sim["opp_created"][o_order]),
            "stage": _pick(stage_names, stage_idx),
            "is_won": is_won,
            "is_closed": is_closed,
            "close_date": _datetime_col("close_date", sim["close_date"][o_order], is_closed),
            "amount": sim["amount"][o_order],
            "owner": _pick(owners, sim["owner"][ol]),
            "lead_source": _pick(src_names, sim["src"][ol]),
        }
    )

    # activities, numbered in order of occurrence
    a_order = np.argsort(sim["occurred"], kind="stable")
    activities = pl.DataFrame(
        {
            "activity_id": _ids("A", 1, a_order.size),
            "lead_id": lead_id.gather(pl.Series(sim["act_lead"][a_order], dtype=pl.UInt32)),
            "occurred_at": _datetime_col("occurred_at", sim["occurred"][a_order]),
            "type": _pick(["call", "email", "meeting"], sim["act_type"][a_order]),
            "owner": _pick(owners, sim["act_owner"][a_order]),
        }
    )
    return {"leads": leads, "opportunities": opportunities, "activities": activities}


def _spend(leads: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Spend per month x source x campaign = leads created x cost per lead x noise."""
    months = pl.date_range(WINDOW_START, WINDOW_END, interval="1mo", eager=True).alias("month")
    pairs = pl.DataFrame(
        {
            "lead_source": [s for s in SOURCES for _ in SOURCES[s]["campaigns"]],
            "campaign": [c for s in SOURCES for c in SOURCES[s]["campaigns"]],
            "cpl": [SOURCES[s]["cost_per_lead"] for s in SOURCES for _ in SOURCES[s]["campaigns"]],
        }
    )
    grid = months.to_frame().join(pairs, how="cross")
    counts = leads.group_by(
        pl.col("created_at").dt.truncate("1mo").dt.date().alias("month"), "lead_source", "campaign"
    ).len()
    grid = grid.join(
        counts, on=["month", "lead_source", "campaign"], how="left", maintain_order="left"
    ).with_columns(pl.col("len").fill_null(0))
    noise = rng.lognormal(0.0, 0.15, grid.height)
    return grid.select(
        pl.col("month").dt.strftime("%Y-%m-01"),
        "lead_source",
        "campaign",
        (pl.col("len") * pl.col("cpl") * pl.Series(noise)).round(2).alias("spend"),
    )


# --- ground truth ---------------------------------------------------------------------------
def _rate(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def _lead_facts(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
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
            ((pl.col("first_touch_at") - pl.col("created_at")).dt.total_seconds() / _HOUR).alias(
                "hours_to_first_touch"
            ),
        )
    )


def _metrics(facts: pl.DataFrame, spend: pl.DataFrame | None, by: str | None) -> dict:
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


def _parameters() -> dict:
    win_norm, deal_norm = _icp_normalisers()
    p_sql = _p_sql_per_lead()
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
            " * company_size.win_factor / win_normaliser, capped at win_probability_cap",
            "win_normaliser": round(win_norm, 6),
            "deal_amount": "lognormal(mean=mean_deal[source], sigma=deal_sigma)"
            " * company_size.deal_factor / deal_normaliser",
            "deal_normaliser": round(deal_norm, 6),
        },
        "seasonality": SEASONALITY,
        "timing": TIMING,
        "opportunities": OPPORTUNITIES,
        "activities": ACTIVITIES,
        "follow_up": "every SQL lead is touched (unless the first touch falls after the "
        "export date); other leads with probability "
        "(followed_up_share - expected_sql_rate) / (1 - expected_sql_rate); first touch = "
        "created_at + lognormal(median = owner median * source speed_factor, "
        "sigma = first_touch_sigma) hours",
        "problems": PROBLEMS,
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


# --- planted problems -----------------------------------------------------------------------
def _plant(frames: dict[str, pl.DataFrame], rng: np.random.Generator, n: int) -> tuple[dict, dict]:
    leads, opps, acts = frames["leads"], frames["opportunities"], frames["activities"]
    src_names = list(SOURCES)

    # 1. lead_source aliases (Organic Search / Paid Search leads) and missing sources
    aliases = list(SOURCE_ALIASES)
    alias_canon = np.array([src_names.index(SOURCE_ALIASES[a]) for a in aliases])
    src_idx = leads["lead_source"].cast(pl.Enum(src_names)).to_physical().to_numpy()
    perm = rng.permutation(n)
    n_alias = round(PROBLEMS["source_alias_share"] * n)
    n_missing = round(PROBLEMS["missing_source_share"] * n)
    n_dup = round(PROBLEMS["duplicate_lead_share"] * n)
    eligible = perm[np.isin(src_idx[perm], np.unique(alias_canon))]
    alias_rows = np.sort(eligible[:n_alias])
    alias_pick = np.empty(alias_rows.size, dtype=np.int64)
    for c in np.unique(alias_canon):  # loop over the 2 canonical sources
        mask = src_idx[alias_rows] == c
        options = np.flatnonzero(alias_canon == c)
        alias_pick[mask] = options[rng.integers(0, options.size, mask.sum())]
    rest = perm[~np.isin(perm, alias_rows)]
    missing_rows = np.sort(rest[:n_missing])
    dup_rows = np.sort(rest[n_missing : n_missing + n_dup])

    new_source = leads["lead_source"].scatter(alias_rows, _pick(aliases, alias_pick))
    new_source = new_source.scatter(missing_rows, None) if missing_rows.size else new_source
    missing_ids = leads["lead_id"].gather(missing_rows)
    missing_true = leads["lead_source"].gather(missing_rows)
    leads = leads.with_columns(new_source.alias("lead_source"))
    # exact repeated rows appended at the end
    leads = pl.concat([leads, leads.select(pl.all().gather(dup_rows))])

    # 2. orphan opportunities (lead_id beyond the leads' range), appended
    n_orphan = 5 + n // 200_000
    sample = opps.sample(n_orphan, with_replacement=True, seed=int(rng.integers(2**31)))
    orphans = sample.with_columns(
        _ids("O", opps.height + 1, n_orphan).alias("opportunity_id"),
        _ids("L", n + 1001, n_orphan).alias("lead_id"),
    )
    opps = pl.concat([opps, orphans])

    # 3. negative amounts on closed-lost opportunities (amount negated)
    lost = np.flatnonzero((opps["stage"] == "Closed Lost").to_numpy()[: opps.height - n_orphan])
    n_neg = min(2 + n // 500_000, lost.size)
    neg_rows = np.sort(rng.choice(lost, size=n_neg, replace=False))
    opps = opps.with_columns(opps["amount"].scatter(neg_rows, -opps["amount"].gather(neg_rows)))

    # 4. activities before their lead's creation (extra rows), appended
    n_before = 5 + n // 200_000
    before_leads = np.sort(rng.choice(n, size=n_before, replace=False))
    before_secs = rng.integers(_HOUR, 10 * _DAY, n_before)
    base = frames["leads"].select(pl.all().gather(before_leads))
    extra_acts = pl.DataFrame(
        {
            "activity_id": _ids("A", acts.height + 1, n_before),
            "lead_id": base["lead_id"],
            "occurred_at": base["created_at"]
            - pl.Series(before_secs * 1_000_000).cast(pl.Duration("us")),
            "type": _pick(["call", "email", "meeting"], rng.integers(0, 2, n_before)),
            "owner": base["owner"],
        }
    )
    acts = pl.concat([acts, extra_acts])

    alias_values = _pick(aliases, alias_pick)
    problems = {
        "duplicate_lead_rows": {
            "count": int(dup_rows.size),
            "how": "exact copies of existing lead rows appended at the end of leads.csv; "
            "the first occurrence is the original (never an aliased or missing-source lead)",
            "lead_ids": leads["lead_id"].gather(dup_rows).to_list(),
        },
        "orphan_opportunities": {
            "count": n_orphan,
            "how": "extra opportunity rows appended at the end whose lead_id matches no lead; "
            "they are not part of the realised figures",
            "opportunity_ids": orphans["opportunity_id"].to_list(),
            "lead_ids": orphans["lead_id"].to_list(),
            "won": int(orphans["is_won"].sum()),
            "won_amount": round(float(orphans.filter(pl.col("is_won"))["amount"].sum()), 2),
        },
        "activities_before_creation": {
            "count": n_before,
            "how": "extra activity rows appended at the end, 1 h to 10 days before their "
            "lead's created_at; they do not change any lead's first touch at/after creation",
            "activity_ids": extra_acts["activity_id"].to_list(),
        },
        "negative_amounts": {
            "count": int(n_neg),
            "how": "Closed Lost opportunities whose amount was negated (abs() gives the clean "
            "amount); revenue is unaffected",
            "opportunity_ids": opps["opportunity_id"].gather(neg_rows).to_list(),
        },
        "lead_source_aliases": {
            "count": int(alias_rows.size),
            "how": "lead_source of these leads (leads.csv only) spelled as an alias",
            "alias_to_canonical": SOURCE_ALIASES,
            "by_alias": {a: int((alias_values == a).sum()) for a in aliases},
        },
        "missing_lead_source": {
            "count": int(missing_rows.size),
            "how": "lead_source left empty in leads.csv (their opportunities keep the source)",
            "by_true_source": {
                s: int((missing_true == s).sum()) for s in src_names if (missing_true == s).any()
            },
            "true_source": dict(zip(missing_ids.to_list(), missing_true.to_list(), strict=True)),
        },
    }
    return {"leads": leads, "opportunities": opps, "activities": acts}, problems


# --- public API -----------------------------------------------------------------------------
def generate_with_truth(
    n_leads: int, seed: int = DEFAULT_SEED
) -> tuple[dict[str, pl.DataFrame], dict]:
    """Generate the four tables (with planted problems) and the ground truth."""
    if n_leads < 100:
        raise ValueError("n_leads must be at least 100")
    rng = np.random.default_rng(seed)
    sim = _simulate(n_leads, rng)
    clean = _frames(sim)
    spend = _spend(clean["leads"], rng)
    facts = _lead_facts(clean)
    realised = {
        "overall": _metrics(facts, spend, None),
        "by_source": _metrics(facts, spend, "lead_source"),
        "by_owner": _metrics(facts, None, "owner"),
        "by_segment": _metrics(facts, None, "segment"),
        "by_company_size": _metrics(facts, None, "company_size"),
    }
    frames, problems = _plant(clean, rng, n_leads)
    frames["spend"] = spend
    truth = {
        "generator": "sample_data.generate",
        "seed": seed,
        "n_leads": n_leads,
        "row_counts": {name: frames[name].height for name in TABLES},
        "parameters": _parameters(),
        "win_probability_capped_opportunities": sim["p_win_capped"],
        "definitions": DEFINITIONS,
        "realised": realised,
        "planted_problems": problems,
    }
    return {name: frames[name] for name in TABLES}, truth


def generate(n_leads: int, seed: int = DEFAULT_SEED) -> dict[str, pl.DataFrame]:
    """The four tables (leads, opportunities, activities, spend) as written to CSV."""
    return generate_with_truth(n_leads, seed)[0]


def ground_truth(n_leads: int, seed: int = DEFAULT_SEED) -> dict:
    """The ground truth (content of ground_truth.json) for these arguments."""
    return generate_with_truth(n_leads, seed)[1]


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(datetime_format=DATETIME_FORMAT).encode()


def truth_json(truth: dict) -> str:
    return json.dumps(truth, indent=1, ensure_ascii=False) + "\n"


def write(frames: dict[str, pl.DataFrame], truth: dict, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in TABLES:
        paths[name] = out / f"{name}.csv"
        frames[name].write_csv(paths[name], datetime_format=DATETIME_FORMAT)
    paths["ground_truth"] = out / "ground_truth.json"
    paths["ground_truth"].write_text(truth_json(truth), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, required=True, help="number of leads")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    frames, truth = generate_with_truth(args.leads, args.seed)
    t1 = time.perf_counter()
    write(frames, truth, args.out)
    t2 = time.perf_counter()
    counts = ", ".join(f"{name} {frames[name].height:,}" for name in TABLES)
    print(
        f"wrote {counts} rows to {args.out} (seed {args.seed}) in {t2 - t0:.1f} s "
        f"(generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s)"
    )


if __name__ == "__main__":
    main()
