"""The planted data-quality problems, each recorded exactly (counts and IDs) so the clean data
can be rebuilt from the written files."""

from __future__ import annotations

import numpy as np
import polars as pl

from sample_data.parameters import (
    DAY,
    HOUR,
    PROBLEMS,
    SOURCE_ALIASES,
    SOURCES,
)
from sample_data.simulation import ids, pick


# --- planted problems -----------------------------------------------------------------------
def plant(frames: dict[str, pl.DataFrame], rng: np.random.Generator, n: int) -> tuple[dict, dict]:
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

    new_source = leads["lead_source"].scatter(alias_rows, pick(aliases, alias_pick))
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
        ids("O", opps.height + 1, n_orphan).alias("opportunity_id"),
        ids("L", n + 1001, n_orphan).alias("lead_id"),
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
    before_secs = rng.integers(HOUR, 10 * DAY, n_before)
    base = frames["leads"].select(pl.all().gather(before_leads))
    extra_acts = pl.DataFrame(
        {
            "activity_id": ids("A", acts.height + 1, n_before),
            "lead_id": base["lead_id"],
            "occurred_at": base["created_at"]
            - pl.Series(before_secs * 1_000_000).cast(pl.Duration("us")),
            "type": pick(["call", "email", "meeting"], rng.integers(0, 2, n_before)),
            "owner": base["owner"],
        }
    )
    acts = pl.concat([acts, extra_acts])

    alias_values = pick(aliases, alias_pick)
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
