"""Tests of the seeded sample-data generator (sample_data/generate.py)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

import sample_data.generate as gen

ROOT = Path(__file__).resolve().parents[1]

DEMO = ROOT / "sample_data" / "demo"
CANONICAL = [
    "Organic Search",
    "Paid Search",
    "Paid Social",
    "Email",
    "Referral",
    "Events",
    "Outbound",
]
COLUMNS = {
    "leads": [
        "lead_id", "lead_source", "created_at", "campaign", "owner", "company", "email",
        "segment", "company_size", "country", "status", "mql_at", "sql_at",
        "disqualified_reason",
    ],
    "opportunities": [
        "opportunity_id", "lead_id", "created_at", "stage", "is_won", "is_closed",
        "close_date", "amount", "owner", "lead_source",
    ],
    "activities": ["activity_id", "lead_id", "occurred_at", "type", "owner"],
    "spend": ["month", "lead_source", "campaign", "spend"],
}  # fmt: skip
DATETIMES = {
    "leads": ["created_at", "mql_at", "sql_at"],
    "opportunities": ["created_at", "close_date"],
    "activities": ["occurred_at"],
}
N = 20_000


@pytest.fixture(scope="module")
def run() -> tuple[dict[str, pl.DataFrame], dict]:
    return gen.generate_with_truth(N, seed=7)


@pytest.fixture(scope="module")
def frames(run):
    return run[0]


@pytest.fixture(scope="module")
def truth(run):
    return run[1]


def unique_leads(leads: pl.DataFrame) -> pl.DataFrame:
    return leads.unique("lead_id", keep="first", maintain_order=True)


# --- determinism and shape --------------------------------------------------------------------
def test_same_seed_same_frames_and_truth():
    a_frames, a_truth = gen.generate_with_truth(2_000, seed=11)
    b_frames, b_truth = gen.generate_with_truth(2_000, seed=11)
    for name in gen.TABLES:
        assert a_frames[name].equals(b_frames[name]), name
    assert a_truth == b_truth
    c_frames = gen.generate(2_000, seed=12)
    assert not a_frames["leads"].equals(c_frames["leads"])


def test_ground_truth_function_matches(truth):
    assert gen.ground_truth(N, seed=7) == truth


def test_columns_ids_and_vocabularies(frames):
    for name, cols in COLUMNS.items():
        assert frames[name].columns == cols, name
    leads, opps, acts = frames["leads"], frames["opportunities"], frames["activities"]
    assert leads["lead_id"].str.contains(r"^L\d{7}$").all()
    assert opps["opportunity_id"].str.contains(r"^O\d{7}$").all()
    assert opps["opportunity_id"].is_unique().all()
    assert acts["activity_id"].str.contains(r"^A\d{7}$").all()
    assert acts["activity_id"].is_unique().all()
    assert set(leads["status"]) == {"New", "MQL", "SQL", "Disqualified", "Customer"}
    assert set(opps["stage"]) == {
        "Closed Won", "Closed Lost", "Qualification", "Proposal", "Negotiation",
    }  # fmt: skip
    assert set(acts["type"]) == {"call", "email", "meeting"}
    assert set(opps["lead_source"]) == set(CANONICAL)
    assert 8 <= leads["owner"].n_unique() <= 10
    created = leads["created_at"]
    assert str(created.min()) >= "2025-01-01" and str(created.max()) < "2026-10-01"


def test_csv_datetime_format():
    frames = gen.generate(500)
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    for name, cols in DATETIMES.items():
        text = pl.read_csv(gen.to_csv_bytes(frames[name]), infer_schema=False)
        for col in cols:
            values = text[col].drop_nulls()
            assert values.len() > 0 and all(pattern.match(v) for v in values.to_list()), col
    months = frames["spend"]["month"]
    assert months.str.contains(r"^\d{4}-\d{2}-01$").all()


# --- structure and planted problems -------------------------------------------------------------
def test_duplicate_leads_counted_exactly(frames, truth):
    planted = truth["planted_problems"]["duplicate_lead_rows"]
    leads = frames["leads"]
    dup_ids = leads.filter(pl.col("lead_id").is_duplicated())["lead_id"].unique().sort()
    assert planted["count"] == leads.height - N == dup_ids.len() == round(0.002 * N)
    assert dup_ids.to_list() == sorted(planted["lead_ids"])
    repeated = leads.filter(pl.col("lead_id").is_in(dup_ids.implode()))
    assert repeated.unique().height == dup_ids.len()  # exact copies


def test_orphan_opportunities_counted_exactly(frames, truth):
    planted = truth["planted_problems"]["orphan_opportunities"]
    orphans = frames["opportunities"].join(frames["leads"], on="lead_id", how="anti")
    assert orphans.height == planted["count"] > 0
    assert sorted(orphans["opportunity_id"]) == sorted(planted["opportunity_ids"])


def test_activities_before_creation_counted_exactly(frames, truth):
    planted = truth["planted_problems"]["activities_before_creation"]
    acts = frames["activities"].join(
        unique_leads(frames["leads"]).select("lead_id", "created_at"), on="lead_id"
    )
    assert acts.height == frames["activities"].height  # every activity has its lead
    early = acts.filter(pl.col("occurred_at") < pl.col("created_at"))
    assert early.height == planted["count"] > 0
    assert sorted(early["activity_id"]) == sorted(planted["activity_ids"])


def test_negative_amounts_and_sources_counted_exactly(frames, truth):
    problems = truth["planted_problems"]
    negative = frames["opportunities"].filter(pl.col("amount") < 0)
    assert sorted(negative["opportunity_id"]) == sorted(
        problems["negative_amounts"]["opportunity_ids"]
    )
    assert (negative["stage"] == "Closed Lost").all()

    leads = unique_leads(frames["leads"])
    aliases = problems["lead_source_aliases"]
    counts = dict(leads.group_by("lead_source").len().iter_rows())
    assert counts.pop(None) == problems["missing_lead_source"]["count"] == round(0.003 * N)
    for alias, count in aliases["by_alias"].items():
        assert counts.pop(alias, 0) == count
    assert sum(aliases["by_alias"].values()) == aliases["count"] == round(0.005 * N)
    assert set(counts) == set(CANONICAL)
    assert set(aliases["alias_to_canonical"]) == {
        "organic_search", "ORGANIC SEARCH", "google organic", "ppc", "Paid search",
    }  # fmt: skip


def test_funnel_timestamps_ordered(frames):
    leads = unique_leads(frames["leads"])
    assert leads.filter(pl.col("mql_at") < pl.col("created_at")).height == 0
    assert leads.filter(pl.col("sql_at") < pl.col("mql_at")).height == 0
    assert leads.filter(pl.col("sql_at") < pl.col("created_at")).height == 0
    skipped = leads.filter(pl.col("sql_at").is_not_null() & pl.col("mql_at").is_null())
    assert skipped.height > 0 and "Outbound" in set(skipped["lead_source"])
    assert (leads.filter(pl.col("lead_source") == "Outbound")["mql_at"].null_count()) == (
        leads.filter(pl.col("lead_source") == "Outbound").height
    )
    opps = frames["opportunities"].join(leads.select("lead_id", "sql_at"), on="lead_id")
    assert opps["sql_at"].null_count() == 0  # every opportunity's lead reached SQL
    assert opps.filter(pl.col("created_at") < pl.col("sql_at")).height == 0
    assert opps.filter(pl.col("close_date") < pl.col("created_at")).height == 0
    closed = frames["opportunities"].filter(pl.col("is_closed"))
    assert closed["close_date"].null_count() == 0
    assert frames["opportunities"].filter(~pl.col("is_closed"))["close_date"].null_count() == (
        frames["opportunities"].filter(~pl.col("is_closed")).height
    )


def test_nothing_after_the_export_date(frames, truth):
    """Like a real CRM export taken on EXPORT_DATE: no stage, deal or touch after it."""
    assert truth["parameters"]["export_date"] == gen.EXPORT_DATE.isoformat() == "2026-10-31"
    cutoff = datetime.combine(gen.EXPORT_DATE + timedelta(days=1), datetime.min.time())
    for name, cols in DATETIMES.items():
        for col in cols:
            assert frames[name].filter(pl.col(col) >= cutoff).height == 0, (name, col)
    # the cut leaves the youngest leads part-way: SQL leads with no deal yet, deals still open
    opps = frames["opportunities"]
    late = opps.filter(pl.col("created_at") >= datetime(2026, 10, 1))
    assert late.height > 0 and not late["is_closed"].all()
    assert opps.filter(~pl.col("is_closed"))["close_date"].null_count() == (
        opps.filter(~pl.col("is_closed")).height
    )
    assert str(frames["spend"]["month"].max()) <= gen.EXPORT_DATE.isoformat()


def test_demo_has_nothing_after_the_export_date():
    demo = read_demo()
    cutoff = datetime.combine(date(2026, 10, 31) + timedelta(days=1), datetime.min.time())
    for name, cols in DATETIMES.items():
        for col in cols:
            assert demo[name][col].drop_nulls().len() > 0, (name, col)
            assert demo[name].filter(pl.col(col) >= cutoff).height == 0, (name, col)
    assert demo["spend"]["month"].max() <= "2026-10-01"


def test_status_and_stage_consistent(frames):
    leads = unique_leads(frames["leads"])
    opps = frames["opportunities"]
    assert ((opps["stage"] == "Closed Won") == opps["is_won"]).all()
    assert (opps["is_closed"] == opps["stage"].is_in(["Closed Won", "Closed Lost"])).all()
    won_ids = set(opps.filter(pl.col("is_won"))["lead_id"]) & set(leads["lead_id"])
    assert set(leads.filter(pl.col("status") == "Customer")["lead_id"]) == won_ids
    dq = leads["status"] == "Disqualified"
    assert (dq == leads["disqualified_reason"].is_not_null()).all()
    assert leads.filter(pl.col("status") == "MQL")["mql_at"].null_count() == 0


def test_touches_per_lead_and_first_touch(frames, truth):
    planted = truth["planted_problems"]["activities_before_creation"]["activity_ids"]
    acts = frames["activities"].filter(~pl.col("activity_id").is_in(planted))
    per_lead = acts.group_by("lead_id").len()
    assert per_lead["len"].min() >= 1 and per_lead["len"].max() <= 8
    assert 2.5 < acts.height / N < 3.5
    # only touched leads can become SQL (a planted effect), so fewer leads reach a deal
    assert 0.2 < frames["opportunities"].height / N < 0.3
    leads = unique_leads(frames["leads"])
    sql_ids = leads.filter(pl.col("sql_at").is_not_null())["lead_id"]
    # every SQL lead was touched, unless its first touch was due after the export date
    untouched = leads.filter(
        pl.col("sql_at").is_not_null() & ~pl.col("lead_id").is_in(per_lead["lead_id"].implode())
    )
    assert sql_ids.len() > 0 and untouched.height <= 0.001 * sql_ids.len()
    assert untouched.filter(pl.col("created_at") < datetime(2026, 9, 1)).height == 0


# --- planted effects recoverable ------------------------------------------------------------------
def test_icp_effect_recoverable(frames):
    opps = frames["opportunities"].filter(pl.col("is_closed"))
    leads = unique_leads(frames["leads"]).select("lead_id", "segment", "company_size")
    opps = opps.join(leads, on="lead_id")

    def win_rate(col: str) -> dict[str, float]:
        rates = opps.group_by(col).agg(pl.col("is_won").mean())
        return dict(rates.iter_rows())

    segment, size = win_rate("segment"), win_rate("company_size")
    assert segment["SaaS"] > segment["Education"] + 0.15
    assert segment["SaaS"] > 2.5 * segment["Education"]
    assert size["201-1000"] > size["1-10"] + 0.15


def test_source_quality_and_follow_up_differ(truth):
    by_source = truth["realised"]["by_source"]
    volume = {s: m["leads"] for s, m in by_source.items()}
    assert max(volume, key=volume.get) == "Paid Social"
    assert min(volume, key=volume.get) == "Referral"
    assert (
        by_source["Referral"]["lead_to_win_rate"] > 5 * by_source["Paid Social"]["lead_to_win_rate"]
    )
    assert by_source["Referral"]["revenue_per_lead"] > by_source["Paid Social"]["revenue_per_lead"]
    assert by_source["Paid Social"]["followed_up_rate"] < by_source["Referral"]["followed_up_rate"]
    for source, params in truth["parameters"]["sources"].items():
        assert by_source[source]["followed_up_rate"] == pytest.approx(
            params["followed_up_share"], abs=0.05
        )
    owners = truth["realised"]["by_owner"]
    medians = sorted(m["median_hours_to_first_touch"] for m in owners.values())
    assert medians[0] < 3 and medians[-1] > 30
    spend = truth["realised"]["by_source"]
    assert spend["Referral"]["spend"] == 0 and spend["Paid Social"]["spend"] > 0


def test_seasonality(frames):
    leads = unique_leads(frames["leads"]).filter(pl.col("created_at").dt.year() == 2025)
    per_month = dict(leads.group_by(pl.col("created_at").dt.month()).len().iter_rows())
    assert per_month[9] > 1.5 * per_month[12]
    assert per_month[9] == max(per_month.values())


# --- the ground truth, recomputed independently -----------------------------------------------
def clean_tables(frames: dict[str, pl.DataFrame], truth: dict) -> dict[str, pl.DataFrame]:
    """Undo the planted problems as described in ground_truth.json."""
    problems = truth["planted_problems"]
    true_source = problems["missing_lead_source"]["true_source"]
    aliases = problems["lead_source_aliases"]["alias_to_canonical"]
    leads = unique_leads(frames["leads"]).with_columns(
        pl.coalesce(
            pl.col("lead_source").replace(aliases),
            pl.col("lead_id").replace_strict(true_source, default=None),
        ).alias("lead_source")
    )
    negative = problems["negative_amounts"]["opportunity_ids"]
    opps = frames["opportunities"].filter(
        ~pl.col("opportunity_id").is_in(problems["orphan_opportunities"]["opportunity_ids"])
    )
    opps = opps.with_columns(
        pl.when(pl.col("opportunity_id").is_in(negative))
        .then(-pl.col("amount"))
        .otherwise(pl.col("amount"))
        .alias("amount")
    )
    early = problems["activities_before_creation"]["activity_ids"]
    acts = frames["activities"].filter(~pl.col("activity_id").is_in(early))
    return {"leads": leads, "opportunities": opps, "activities": acts, "spend": frames["spend"]}


def recompute(tables: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    leads, opps, acts = tables["leads"], tables["opportunities"], tables["activities"]
    by_opp = (
        opps.join(leads.select("lead_id", "lead_source"), on="lead_id", suffix="_lead")
        .group_by("lead_source_lead")
        .agg(
            pl.len().alias("opportunities"),
            pl.col("is_closed").sum().alias("closed_opportunities"),
            pl.col("is_won").sum().alias("won_opportunities"),
            pl.col("amount").filter(pl.col("is_won")).sum().alias("revenue"),
        )
        .rename({"lead_source_lead": "lead_source"})
    )
    won_leads = opps.filter(pl.col("is_won")).select("lead_id").unique()
    opp_leads = opps.select("lead_id").unique()
    first = (
        acts.join(leads.select("lead_id", "created_at"), on="lead_id")
        .filter(pl.col("occurred_at") >= pl.col("created_at"))
        .group_by("lead_id")
        .agg(pl.col("occurred_at").min().alias("first_touch"))
    )
    lead_level = (
        leads.join(first, on="lead_id", how="left")
        .with_columns(
            hours=(pl.col("first_touch") - pl.col("created_at")).dt.total_seconds() / 3600,
            won=pl.col("lead_id").is_in(won_leads["lead_id"].implode()),
            has_opp=pl.col("lead_id").is_in(opp_leads["lead_id"].implode()),
        )
        .group_by("lead_source")
        .agg(
            pl.len().alias("leads"),
            pl.col("mql_at").count().alias("mqls"),
            pl.col("sql_at").count().alias("sqls"),
            pl.col("has_opp").sum().alias("leads_with_opportunity"),
            pl.col("won").sum().alias("won"),
            pl.col("first_touch").count().alias("followed_up"),
            (pl.col("hours") <= 24).sum().alias("sla_met"),
            pl.col("hours").median().alias("median_hours_to_first_touch"),
        )
    )
    spend = tables["spend"].group_by("lead_source").agg(pl.col("spend").sum())
    per_source = (
        lead_level.join(by_opp, on="lead_source", how="left")
        .join(spend, on="lead_source", how="left")
        .with_columns(
            lead_to_win_rate=pl.col("won") / pl.col("leads"),
            opportunity_win_rate=pl.col("won_opportunities") / pl.col("closed_opportunities"),
            followed_up_rate=pl.col("followed_up") / pl.col("leads"),
            sla_met_rate=pl.col("sla_met") / pl.col("leads"),
        )
    )
    overall = per_source.select(
        pl.col(
            "leads", "mqls", "sqls", "leads_with_opportunity", "won", "followed_up", "sla_met",
            "opportunities", "closed_opportunities", "won_opportunities", "revenue", "spend",
        ).sum()
    ).with_columns(
        lead_to_win_rate=pl.col("won") / pl.col("leads"),
        opportunity_win_rate=pl.col("won_opportunities") / pl.col("closed_opportunities"),
        followed_up_rate=pl.col("followed_up") / pl.col("leads"),
        sla_met_rate=pl.col("sla_met") / pl.col("leads"),
    )  # fmt: skip
    return per_source, overall


def assert_matches(expected: dict, row: dict) -> None:
    for key, value in row.items():
        if key == "lead_source":
            continue
        assert expected[key] == pytest.approx(value, rel=1e-6, abs=1e-5), key


def check_realised(frames: dict[str, pl.DataFrame], truth: dict) -> None:
    per_source, overall = recompute(clean_tables(frames, truth))
    realised = truth["realised"]
    assert set(per_source["lead_source"]) == set(realised["by_source"]) == set(CANONICAL)
    for row in per_source.iter_rows(named=True):
        assert_matches(realised["by_source"][row["lead_source"]], row)
    assert_matches(realised["overall"], overall.row(0, named=True))
    median_all = (
        clean_tables(frames, truth)["activities"]
        .join(frames["leads"].unique("lead_id").select("lead_id", "created_at"), on="lead_id")
        .group_by("lead_id")
        .agg((pl.col("occurred_at").min() - pl.col("created_at").first()).dt.total_seconds())
    )["occurred_at"].median() / 3600
    assert realised["overall"]["median_hours_to_first_touch"] == pytest.approx(median_all, abs=1e-5)


def test_realised_figures_recomputed(frames, truth):
    check_realised(frames, truth)


def read_demo() -> dict[str, pl.DataFrame]:
    """The committed demo, read as text and parsed explicitly (no type inference)."""
    out = {}
    for name in gen.TABLES:
        df = pl.read_csv(DEMO / f"{name}.csv", infer_schema=False)
        df = df.with_columns(
            pl.col(DATETIMES.get(name, [])).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
        )
        if name == "opportunities":
            df = df.with_columns(
                pl.col("is_won", "is_closed") == "true", pl.col("amount").cast(pl.Float64)
            )
        if name == "spend":
            df = df.with_columns(pl.col("spend").cast(pl.Float64))
        out[name] = df
    return out


def test_demo_realised_figures_recomputed_from_csv():
    truth = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))
    check_realised(read_demo(), truth)


def test_committed_demo_matches_generator():
    frames, truth = gen.generate_with_truth(5_000)
    for name in gen.TABLES:
        assert (DEMO / f"{name}.csv").read_bytes() == gen.to_csv_bytes(frames[name]), name
    assert (DEMO / "ground_truth.json").read_text(encoding="utf-8") == gen.truth_json(truth)
    total = sum(p.stat().st_size for p in DEMO.iterdir())
    assert total < 3_000_000


def test_command_line(tmp_path, capsys):
    gen.main(["--leads", "1000", "--out", str(tmp_path), "--seed", "3"])
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "leads 1,002" in line and " s " in line
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "activities.csv", "ground_truth.json", "leads.csv", "opportunities.csv", "spend.csv",
    ]  # fmt: skip
    truth = json.loads((tmp_path / "ground_truth.json").read_text())
    assert truth["seed"] == 3 and truth["n_leads"] == 1000
