"""The simulation: clean leads, opportunities, activities and spend as of the export date,
drawn from one numpy Generator in a fixed order, with no per-lead Python loop."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from sample_data.parameters import (
    ACTIVITIES,
    COMPANY_SIZES,
    COMPANY_WORDS_A,
    COMPANY_WORDS_B,
    COUNTRIES,
    DAY,
    DISQUALIFIED_REASONS,
    EXPORT_DATE,
    FIRST_NAMES,
    HOUR,
    LAST_NAMES,
    OPPORTUNITIES,
    OWNERS,
    SEASONALITY,
    SEGMENTS,
    SOURCES,
    TIMING,
    WINDOW_END,
    WINDOW_START,
    icp_normalisers,
    per_source,
    speed_win_factor,
)


# --- helpers ------------------------------------------------------------------------------
def epoch_seconds(d: date) -> int:
    return int((datetime(d.year, d.month, d.day) - datetime(1970, 1, 1)).total_seconds())


def lognormal_seconds(rng: np.random.Generator, spec: dict, size: int, unit: int) -> np.ndarray:
    values = rng.lognormal(np.log(spec["median"]), spec["sigma"], size)
    return np.round(values * unit).astype(np.int64)


def pick(values: list[str], idx: np.ndarray) -> pl.Series:
    """values[idx] as a Polars string Series (native gather, no Python loop)."""
    return pl.Series(values, dtype=pl.String).gather(pl.Series(idx, dtype=pl.UInt32))


def ids(prefix: str, start: int, count: int) -> pl.Series:
    numbers = pl.Series(np.arange(start, start + count, dtype=np.int64))
    return (prefix + numbers.cast(pl.String).str.zfill(7)).rename("id")


def group_offsets(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts per group: group index of each row and the row's rank in its group."""
    group = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(group.size) - starts[group]
    return group, rank


def cumsum_within(values: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Cumulative sum of values restarting at each group (rows grouped contiguously)."""
    total = np.cumsum(values)
    return total - (total - values)[np.arange(values.size) - rank]


def categorical(rng: np.random.Generator, probs: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(probs.size, size=size, p=probs / probs.sum())


def datetime_col(name: str, seconds: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.from_epoch(pl.Series(name, seconds, dtype=pl.Int64), time_unit="s")
    if valid is not None:
        s = pl.select(pl.when(pl.Series(valid)).then(s).otherwise(None).alias(name)).to_series()
    return s


# --- simulation -----------------------------------------------------------------------------
def simulate(n: int, rng: np.random.Generator) -> dict:
    """Clean data as numpy arrays (indices into the parameter tables, epoch seconds)."""
    src_names = list(SOURCES)
    n_src = len(src_names)

    # created_at: per-source seasonal day weights, business-hour weighting
    start, end = epoch_seconds(WINDOW_START), epoch_seconds(WINDOW_END) + DAY
    day_starts = np.arange(start, end, DAY, dtype=np.int64)
    days = day_starts.astype("datetime64[s]").astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64) % 12
    weekdays = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    years = (day_starts - start) / (365.25 * DAY)
    base_w = (
        np.array(SEASONALITY["month_factors"])[months]
        * np.array(SEASONALITY["weekday_factors"])[weekdays]
        * (1 + SEASONALITY["growth_per_year"] * years)
    )
    hour_w = np.array(SEASONALITY["hour_weights"], dtype=float)

    src = categorical(rng, per_source("share"), n)
    created = np.empty(n, dtype=np.int64)
    for s in range(n_src):  # loop over the 7 sources, vectorised over their leads
        idx = np.flatnonzero(src == s)
        w = base_w
        if src_names[s] == "Events":
            w = base_w * np.array(SEASONALITY["events_month_factors"])[months]
        day = rng.choice(day_starts.size, size=idx.size, p=w / w.sum())
        hour = rng.choice(24, size=idx.size, p=hour_w / hour_w.sum())
        created[idx] = day_starts[day] + hour * HOUR + rng.integers(0, HOUR, idx.size)
    order = np.argsort(created, kind="stable")
    src, created = src[order], created[order]

    # lead attributes
    owner = rng.integers(0, len(OWNERS), n)
    segment = categorical(rng, np.array([v[0] for v in SEGMENTS.values()]), n)
    size = categorical(rng, np.array([v[0] for v in COMPANY_SIZES.values()]), n)
    country = categorical(rng, np.array([v[0] for v in COUNTRIES.values()]), n)
    n_campaigns = np.array([len(SOURCES[s]["campaigns"]) for s in src_names])
    campaign_offset = np.cumsum(n_campaigns) - n_campaigns
    campaign = campaign_offset[src] + (rng.random(n) * n_campaigns[src]).astype(np.int64)
    first_name = rng.integers(0, len(FIRST_NAMES), n)
    last_name = rng.integers(0, len(LAST_NAMES), n)
    word_a = rng.integers(0, len(COMPANY_WORDS_A), n)
    word_b = rng.integers(0, len(COMPANY_WORDS_B), n)

    # follow-up first: whether and how fast sales touches a lead does not depend on the lead;
    # what happens next does (planted): only a touched lead can become SQL, and the faster the
    # first touch, the likelier its deals are won (speed_win_factor, the same for every source).
    followed = rng.random(n) < per_source("followed_up_share")[src]
    owner_median = np.array(list(OWNERS.values()))
    first_delay = np.round(
        rng.lognormal(
            np.log(owner_median[owner] * per_source("speed_factor")[src]),
            TIMING["first_touch_sigma"],
        )
        * HOUR
    ).astype(np.int64)

    # funnel
    u_mql, u_sql_m, u_sql_d, u_opp = (rng.random(n) for _ in range(4))
    is_mql = u_mql < per_source("p_mql")[src]
    is_sql = followed & np.where(
        is_mql,
        u_sql_m < per_source("p_sql_given_mql")[src],
        u_sql_d < per_source("p_sql_without_mql")[src],
    )
    has_opp = is_sql & (u_opp < per_source("p_opportunity_given_sql")[src])
    mql_at = created + lognormal_seconds(rng, TIMING["mql_delay_hours"], n, HOUR)
    sql_delay = lognormal_seconds(rng, TIMING["sql_delay_hours"], n, HOUR)
    # sales qualifies a lead only after its first touch
    sql_at = np.maximum(np.where(is_mql, mql_at, created) + sql_delay, created + first_delay + HOUR)
    first_opp_at = sql_at + lognormal_seconds(rng, TIMING["opportunity_delay_hours"], n, HOUR)

    # opportunities: 1 + Binomial extra per lead with an opportunity
    extra = OPPORTUNITIES["extra_opportunities_binomial"]
    n_opps = np.where(has_opp, 1 + rng.binomial(extra["n"], extra["p"], n), 0)
    opp_lead, opp_rank = group_offsets(n_opps)
    m = opp_lead.size
    gaps = np.where(
        opp_rank > 0, lognormal_seconds(rng, TIMING["extra_opportunity_gap_days"], m, DAY), 0
    )
    opp_created = first_opp_at[opp_lead] + cumsum_within(gaps, opp_rank)
    win_norm, deal_norm = icp_normalisers()
    seg_f = np.array([v[1] for v in SEGMENTS.values()])
    size_win_f = np.array([v[1] for v in COMPANY_SIZES.values()])
    size_deal_f = np.array([v[2] for v in COMPANY_SIZES.values()])
    o_src = src[opp_lead]
    p_win_raw = (
        per_source("p_won_given_closed")[o_src]
        * seg_f[segment[opp_lead]]
        * size_win_f[size[opp_lead]]
        * speed_win_factor(first_delay[opp_lead] / HOUR)
        / win_norm
    )
    p_win = np.minimum(p_win_raw, OPPORTUNITIES["win_probability_cap"])
    is_closed = rng.random(m) >= per_source("open_share")[o_src]
    is_won = is_closed & (rng.random(m) < p_win)
    open_stage = categorical(rng, np.array(list(OPPORTUNITIES["open_stages"].values())), m)
    close_date = opp_created + lognormal_seconds(rng, TIMING["sales_cycle_days"], m, DAY)
    sigma = per_source("deal_sigma")[o_src]
    mu = np.log(per_source("mean_deal")[o_src]) - sigma**2 / 2
    amount = np.round(
        rng.lognormal(mu, sigma) * size_deal_f[size[opp_lead]] / deal_norm, 2
    )  # mean of the deal factor over the lead mix is 1 after normalising

    # disqualification (only leads without an opportunity)
    dq = ~has_opp & (rng.random(n) < per_source("p_disqualified_if_no_opportunity")[src])
    reason_p = np.array(
        [[SOURCES[s]["disqualified_reasons"][r] for r in DISQUALIFIED_REASONS] for s in src_names]
    )
    reason_cum = np.cumsum(reason_p / reason_p.sum(1, keepdims=True), axis=1)
    reason = (rng.random(n)[:, None] > reason_cum[src]).sum(axis=1)
    reason = np.minimum(reason, len(DISQUALIFIED_REASONS) - 1)

    n_touch = np.where(followed, 1 + rng.binomial(7, ACTIVITIES["p_extra_touch"], n), 0)
    act_lead, act_rank = group_offsets(n_touch)
    k = act_lead.size
    act_gap = np.where(
        act_rank > 0,
        np.round(rng.exponential(TIMING["touch_gap_hours_mean"] * HOUR, k)).astype(np.int64),
        0,
    )
    occurred = created[act_lead] + first_delay[act_lead] + cumsum_within(act_gap, act_rank)
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
    cutoff = epoch_seconds(EXPORT_DATE) + DAY
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


def to_frames(sim: dict) -> dict[str, pl.DataFrame]:
    """Clean Polars frames (before planted problems), canonical sources."""
    n = sim["n"]
    src_names = list(SOURCES)
    owners = list(OWNERS)
    campaigns = [c for s in src_names for c in SOURCES[s]["campaigns"]]
    countries = list(COUNTRIES)
    country_tld = [COUNTRIES[c][1] for c in countries]
    country_suffix = [COUNTRIES[c][2] for c in countries]

    word_a = pick(COMPANY_WORDS_A, sim["word_a"])
    word_b = pick(COMPANY_WORDS_B, sim["word_b"])
    company = pl.select(
        pl.concat_str([word_a, word_b, pick(country_suffix, sim["country"])], separator=" ")
    ).to_series()
    email = pl.select(
        pl.concat_str(
            [
                pick(FIRST_NAMES, sim["first_name"]).str.to_lowercase(),
                pl.lit("."),
                pick(LAST_NAMES, sim["last_name"]).str.to_lowercase(),
                pl.lit("@"),
                word_a.str.to_lowercase(),
                word_b.str.to_lowercase(),
                pl.lit("."),
                pick(country_tld, sim["country"]),
            ]
        )
    ).to_series()
    status_idx = np.select(
        [sim["won_lead"], sim["dq"], sim["is_sql"], sim["is_mql"]], [4, 3, 2, 1], default=0
    )
    lead_id = ids("L", 1, n)
    leads = pl.DataFrame(
        {
            "lead_id": lead_id,
            "lead_source": pick(src_names, sim["src"]),
            "created_at": datetime_col("created_at", sim["created"]),
            "campaign": pick(campaigns, sim["campaign"]),
            "owner": pick(owners, sim["owner"]),
            "company": company,
            "email": email,
            "segment": pick(list(SEGMENTS), sim["segment"]),
            "company_size": pick(list(COMPANY_SIZES), sim["size"]),
            "country": pick(countries, sim["country"]),
            "status": pick(["New", "MQL", "SQL", "Disqualified", "Customer"], status_idx),
            "mql_at": datetime_col("mql_at", sim["mql_at"], sim["is_mql"]),
            "sql_at": datetime_col("sql_at", sim["sql_at"], sim["is_sql"]),
            "disqualified_reason": pick(DISQUALIFIED_REASONS, sim["reason"]),
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
            "opportunity_id": ids("O", 1, ol.size),
            "lead_id": lead_id.gather(pl.Series(ol, dtype=pl.UInt32)),
            "created_at": datetime_col("created_at", sim["opp_created"][o_order]),
            "stage": pick(stage_names, stage_idx),
            "is_won": is_won,
            "is_closed": is_closed,
            "close_date": datetime_col("close_date", sim["close_date"][o_order], is_closed),
            "amount": sim["amount"][o_order],
            "owner": pick(owners, sim["owner"][ol]),
            "lead_source": pick(src_names, sim["src"][ol]),
        }
    )

    # activities, numbered in order of occurrence
    a_order = np.argsort(sim["occurred"], kind="stable")
    activities = pl.DataFrame(
        {
            "activity_id": ids("A", 1, a_order.size),
            "lead_id": lead_id.gather(pl.Series(sim["act_lead"][a_order], dtype=pl.UInt32)),
            "occurred_at": datetime_col("occurred_at", sim["occurred"][a_order]),
            "type": pick(["call", "email", "meeting"], sim["act_type"][a_order]),
            "owner": pick(owners, sim["act_owner"][a_order]),
        }
    )
    return {"leads": leads, "opportunities": opportunities, "activities": activities}


def spend_table(leads: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
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
