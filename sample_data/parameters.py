"""Every parameter of the synthetic company: sources, owners, ICP, seasonality, timing, the
export date, and the data-quality problems to plant. The ground truth records them all."""

from __future__ import annotations

from datetime import date

import numpy as np

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
        "p_won_given_closed": 0.05,
        "open_share": 0.15,
        "mean_deal": 12_000.0,
        "deal_sigma": 0.6,
        "followed_up_share": 0.95,
        "speed_factor": 0.4,
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
        "followed_up_share": 0.60,
        "speed_factor": 4.0,
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
# The planted speed-to-lead effect, the same for every source: deals of leads first touched
# within each band (upper bounds in hours; the last band is open) are won with the win
# probability times this factor.
SPEED_TO_LEAD = {
    "band_upper_hours": [1, 4, 24, 72, 168],
    "win_factor": [1.6, 1.35, 1.1, 0.8, 0.6, 0.45],
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

DAY = 86_400
HOUR = 3_600


def per_source(key: str) -> np.ndarray:
    return np.array([SOURCES[s][key] for s in SOURCES], dtype=float)


def speed_win_factor(hours: np.ndarray) -> np.ndarray:
    """The planted speed-to-lead effect: the win-probability factor of a first touch this many
    hours after creation (bands as on the Follow-up page: under 1 h, 1-4 h, ... over 7 days)."""
    bands = np.searchsorted(SPEED_TO_LEAD["band_upper_hours"], hours, side="right")
    return np.array(SPEED_TO_LEAD["win_factor"])[bands]


def p_sql_per_lead() -> np.ndarray:
    p_mql = per_source("p_mql")
    return p_mql * per_source("p_sql_given_mql") + (1 - p_mql) * per_source("p_sql_without_mql")


def icp_normalisers() -> tuple[float, float]:
    seg = np.array(list(SEGMENTS.values()))
    size = np.array(list(COMPANY_SIZES.values()))
    win = float((seg[:, 0] * seg[:, 1]).sum() * (size[:, 0] * size[:, 1]).sum())
    deal = float((size[:, 0] * size[:, 2]).sum())
    return win, deal
