"""Typing, cross-table checks and row accounting on a hand-made export (tests/fixtures.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import polars as pl
import pytest

from tests.conftest import NOW, run_pipeline
from tests.fixtures import FILES, LEADS, OPPORTUNITIES
from truce.audit import run_suite
from truce.canonical import to_canonical
from truce.contract import load_contract
from truce.facts import build_facts
from truce.findings import Finding, Report
from truce.mapping import auto_map
from truce.metrics import win_rate
from truce.pipeline import build_dataset, plan_tables, read_upload
from truce.validation import (
    LEAD_CREATED,
    LEAD_FOUND,
    LEAD_ROW,
    _exact_later,
    build_rules,
    lead_lookup,
    link_to_leads,
    validate_table,
)


@pytest.fixture(scope="module")
def checked(contract):
    return run_pipeline(FILES, contract)


def counts(dataset, table):
    return Counter({f.check: f.rows for f in dataset.report.findings if f.table == table})


def test_every_row_is_kept_or_excluded_with_a_reason(checked):
    dataset, _ = checked
    report = dataset.report
    assert report.rows_in == {"leads": 9, "opportunities": 5, "activities": 5}
    assert report.rows_kept == {"leads": 7, "opportunities": 3, "activities": 4}
    assert report.unaccounted() == {}


def test_lead_checks(checked):
    dataset, _ = checked
    assert counts(dataset, "leads") == {
        "duplicate_id": 1,
        "missing_id": 1,
        "unknown_source": 1,
        "missing_source": 1,
        "future_date": 1,
        "ancient_date": 1,
    }
    leads = dataset.tables["leads"]
    assert leads["lead_id"].to_list() == ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
    # The first copy of L2 stays: its creation date is the 6th, not the 7th.
    assert leads.filter(pl.col("lead_id") == "L2")["created_at"].dt.day().item() == 6
    assert leads["lead_source"].to_list() == [
        "Email",
        "Email",
        "Events",
        "Carrier Pigeon",
        "Unknown",
        "Email",
        "Email",
    ]
    assert leads.filter(pl.col("lead_id") == "L7")["created_at"].item() is None


def test_duplicate_finding_shows_the_rows(checked):
    dataset, _ = checked
    duplicate = next(f for f in dataset.report.findings if f.check == "duplicate_id")
    assert duplicate.table == "leads"
    assert duplicate.excluded == 1
    assert duplicate.examples == [{"_row": 3, "lead_id": "L2"}]
    assert duplicate.message == (
        "1 row with the same ID as an earlier row (lead_id). 1 left out of the analysis."
    )


def test_cross_table_checks(checked):
    dataset, _ = checked
    assert counts(dataset, "opportunities") == {
        "duplicate_id": 1,
        "negative_amount": 1,
        "orphan_lead_id": 1,
    }
    assert counts(dataset, "activities") == {"touch_before_creation": 1, "orphan_lead_id": 1}
    orphan = next(
        f
        for f in dataset.report.findings
        if f.table == "opportunities" and f.check == "orphan_lead_id"
    )
    assert orphan.examples[0]["lead_id"] == "L9"
    assert dataset.tables["opportunities"]["amount"].to_list() == [1000.0, 500.0, 700.0]


def test_facts_follow_the_contract(checked):
    _, facts = checked
    leads = facts.leads.sort("lead_id")
    assert leads["won"].to_list() == [True] + [False] * 6
    assert leads["revenue"].to_list() == [1000.0] + [None] * 6
    assert leads["touches"].to_list() == [2, 1, 0, 0, 0, 0, 0]
    # L1: 09:00 -> 10:00 is 1 h; L2's touch before creation is gone, so 48 h.
    assert leads["hours_to_first_touch"].to_list()[:2] == [1.0, 48.0]
    assert leads["opportunity_reached"].to_list() == [True, True] + [False] * 5


def test_missing_required_field_is_an_error(contract):
    no_source = b"lead_id,created_at\nL1,2026-01-01\n"
    dataset, facts = run_pipeline({"leads.csv": no_source}, contract, tables={"leads.csv": "leads"})
    assert next(f.message for f in dataset.report.errors).startswith(
        "No column is mapped to the required field(s) lead_source"
    )
    assert not facts.can("leads")


def test_override_remaps_a_column(contract):
    renamed = LEADS.replace(b"owner", b"Sales Person")
    dataset, facts = run_pipeline(
        {"leads.csv": renamed}, contract, overrides={"leads": {"owner": "Sales Person"}}
    )
    assert dataset.mappings["leads"].columns["owner"] == "Sales Person"
    assert facts.leads["owner"].to_list()[:2] == ["Ann", "Bob"]


def test_great_expectations_and_polars_agree_on_every_rule(contract):
    """GX judges and counts; the Polars twin of each rule finds the rows. Same counts."""
    typed = {}
    for name, data in FILES.items():
        frame = read_upload(name, data).loaded.frame
        table = name.removesuffix(".csv")
        typed[table], _ = to_canonical(frame, auto_map(frame.columns, table, contract), contract)
    checked = 0
    linked = link_to_leads(typed, lead_lookup(typed["leads"]))
    for table, frame in linked.items():
        rules = build_rules(table, frame, contract, NOW)
        counts = run_suite(table, frame, rules)
        for rule in rules:
            expected = frame.filter(rule.failing.fill_null(False)).height
            assert counts[(rule.check, rule.field)] == expected, (table, rule.check, rule.field)
            checked += expected > 0
    assert checked >= 10  # the fixture trips most rules, so the agreement is not vacuous


def test_won_date_only_export_means_every_row_is_won(contract):
    won_deals = b"Deal ID,Won Date,Deal Value,Source\nD1,2026-02-01,1000,Email\nD2,,500,Email\n"
    _, facts = run_pipeline({"won-deals.csv": won_deals}, contract)
    opps = facts.opportunities.sort("opportunity_id")
    assert opps["is_won"].to_list() == [True, False]
    assert not facts.can("leads") and facts.can("opportunities")


def test_opportunities_only_pipeline_export_gives_deal_win_rates(contract):
    dataset, facts = run_pipeline({"opportunities.csv": OPPORTUNITIES}, contract)
    assert dataset.report.rows_kept == {"opportunities": 3}
    # No leads file, so no orphan check: O3 (lead L9) is simply a deal.
    assert "orphan_lead_id" not in {f.check for f in dataset.report.findings}
    table = win_rate.opportunity_outcomes(facts.opportunities).sort("lead_source")
    # The export has no lead_source column: every deal is Unknown, said, not dropped.
    assert table.select("lead_source", "closed", "won_opportunities").rows() == [("Unknown", 3, 2)]


def test_unaccounted_reports_a_gap():
    """10 rows in, 7 kept, findings explain 2 left out: 1 row is unaccounted for."""
    left_out = Finding("leads", "missing_id", "warning", "2 rows with no ID", rows=2, excluded=2)
    report = Report(findings=[left_out], rows_in={"leads": 10}, rows_kept={"leads": 7})
    assert report.unaccounted() == {"leads": (10, 7, 2)}
    report = Report(findings=[left_out], rows_in={"leads": 10}, rows_kept={"leads": 8})
    assert report.unaccounted() == {}


def test_release_drops_each_files_rows_and_changes_no_result(contract):
    """build_dataset(release=True), as the CLI calls it, empties the plan's frames once typed
    (an unmapped column still reaches the dimensions) and gives the same tables, counts and
    findings as a plan the caller keeps."""
    leads = LEADS.replace(b"amount\n", b"amount,team\n").replace(b",\n", b",,T\n")
    files = {**FILES, "leads.csv": leads}
    loaded = [read_upload(name, data).loaded for name, data in files.items()]

    def run(release: bool):
        plan, _ = plan_tables(loaded, contract)
        dataset = build_dataset(plan, contract, now=NOW, release=release)
        return plan, dataset

    kept_plan, kept = run(False)
    released_plan, released = run(True)
    assert {t: p.file.frame.height for t, p in kept_plan.items()} == {
        "leads": 9,
        "opportunities": 5,
        "activities": 5,
    }
    assert {t: p.file.frame.height for t, p in released_plan.items()} == dict.fromkeys(kept_plan, 0)
    assert released_plan["leads"].file.frame.columns == kept_plan["leads"].file.frame.columns
    for table, frame in kept.tables.items():
        assert released.tables[table].equals(frame)
    assert (
        released.report.rows_in
        == kept.report.rows_in
        == {
            "leads": 9,
            "opportunities": 5,
            "activities": 5,
        }
    )
    assert released.report.findings == kept.report.findings
    assert released.dimensions["leads"]["team"].to_list() == ["T"] * 9


def test_lead_lookup_of_distinct_ids_links_the_same_rows():
    """A lookup built with `distinct` (validation found no duplicate ID) skips keeping the first
    of each ID: with distinct IDs and one lead without an ID, every deal links as before.
    D1 -> L1 (created 1 Jan), D2 -> L2 (2 Jan), D3 -> L9 (no such lead), D4 has no lead."""
    created = [datetime(2026, 1, 1), datetime(2026, 1, 2), datetime(2026, 1, 3)]
    leads = pl.DataFrame({"lead_id": ["L1", "L2", None], "created_at": created})
    deals = pl.DataFrame({"opportunity_id": ["D1", "D2", "D3", "D4"]}).with_columns(
        pl.Series("lead_id", ["L1", "L2", "L9", None])
    )
    tables = {"leads": leads, "opportunities": deals}
    linked = link_to_leads(tables, lead_lookup(leads, distinct=True))["opportunities"]
    assert linked.equals(link_to_leads(tables, lead_lookup(leads))["opportunities"])
    assert linked[LEAD_FOUND].to_list() == [True, True, False, True]  # no lead_id: not orphan
    assert linked[LEAD_CREATED].to_list() == [*created[:2], None, None]
    assert linked[LEAD_ROW].to_list() == [0, 1, None, None]


def test_deals_and_activities_are_linked_in_one_lookup():
    """Both tables' IDs go through one join; each table gets its own rows' leads back.
    Deals name L2, L9 (no such lead); activities name L1, L1, L2, none."""
    created = [datetime(2026, 1, 1), datetime(2026, 1, 2)]
    leads = pl.DataFrame({"lead_id": ["L1", "L2"], "created_at": created})
    deals = pl.DataFrame({"lead_id": ["L2", "L9"], "opportunity_id": ["D1", "D2"]})
    touches = pl.DataFrame({"lead_id": ["L1", "L1", "L2", None]})
    tables = {"leads": leads, "opportunities": deals, "activities": touches}
    linked = link_to_leads(tables, lead_lookup(leads, distinct=True))
    assert linked["leads"] is leads
    assert linked["opportunities"][LEAD_ROW].to_list() == [1, None]
    assert linked["opportunities"][LEAD_FOUND].to_list() == [True, False]
    assert linked["activities"][LEAD_ROW].to_list() == [0, 0, 1, None]
    assert linked["activities"][LEAD_CREATED].to_list() == [
        created[0],
        created[0],
        created[1],
        None,
    ]
    assert linked["activities"][LEAD_FOUND].to_list() == [True, True, True, True]


def test_facts_from_the_links_rows_equal_facts_linked_by_id(checked, contract):
    """The pipeline keeps each deal's and activity's lead row from its one link join; the
    facts built from those rows are the facts built from the tables linked by ID alone."""
    dataset, facts = checked
    # Of the activities, what the facts read: no `type` (the file has one) nor `_row`.
    assert dataset.tables["activities"].columns == ["lead_id", "occurred_at", LEAD_ROW]
    by_id = build_facts(
        {t: f.drop(LEAD_ROW, strict=False) for t, f in dataset.tables.items()}, contract
    )
    for table in ("leads", "opportunities"):
        assert getattr(by_id, table).equals(getattr(facts, table)), table
    assert by_id.available == facts.available


KEPT_COPIES_LEADS = (
    b"lead_id,lead_source,created_at\n"
    b"L1,Email,2026-01-01\n"
    b"L1,Events,2026-01-02\n"  # the same ID again: kept, as this contract says
    b"L2,Events,2026-01-03\n"
)
KEPT_COPIES_ACTIVITIES = (
    b"activity_id,lead_id,occurred_at\n"
    b"A1,L1,2026-01-05 10:00\n"
    b"A2,L1,2026-01-04 09:00\n"
    b"A3,L2,2026-01-06 08:00\n"
)
KEPT_COPIES_DEALS = (
    b"opportunity_id,lead_id,stage,amount,created_at\n"
    b"D1,L1,Closed Won,100,2026-01-10\n"
    b"D2,L2,Closed Lost,50,2026-01-11\n"
)


def test_leads_sharing_an_id_each_get_its_deals_and_touches_and_a_deal_stays_one_deal():
    """With duplicate IDs kept (exclude: false), both L1 leads have L1's two touches (first
    on 4 Jan 09:00) and its deal; the deal D1 is one deal, taking the first L1's source."""
    text = load_contract().text
    kept = text.replace(
        "duplicate_id: {level: warning, exclude: true",
        "duplicate_id: {level: warning, exclude: false",
    )
    assert kept != text
    files = {
        "leads.csv": KEPT_COPIES_LEADS,
        "activities.csv": KEPT_COPIES_ACTIVITIES,
        "opportunities.csv": KEPT_COPIES_DEALS,
    }
    dataset, facts = run_pipeline(files, load_contract(kept))
    assert dataset.report.rows_kept == {"leads": 3, "opportunities": 2, "activities": 3}
    leads = facts.leads
    assert leads["lead_source"].to_list() == ["Email", "Events", "Events"]
    assert leads["touches"].to_list() == [2, 2, 1]
    assert leads["first_touch_at"].to_list() == [
        datetime(2026, 1, 4, 9),
        datetime(2026, 1, 4, 9),
        datetime(2026, 1, 6, 8),
    ]
    assert leads["opportunities"].to_list() == [1, 1, 1]
    assert leads["won"].to_list() == [True, True, False]
    assert leads["revenue"].to_list() == [100.0, 100.0, None]
    deals = facts.opportunities
    assert deals.select("opportunity_id", "lead_source").rows() == [
        ("D1", "Email"),
        ("D2", "Events"),
    ]


def test_duplicate_ids_every_copy_counted_the_first_kept(contract):
    """IDs A, B, A, -, -, C, A: the rule (GX's unique) counts every copy of A (3 rows; the
    two empty IDs are missing, not duplicates); the later copies of A (rows 3 and 7) are left
    out, the first stays."""
    frame = pl.DataFrame(
        {
            "_row": pl.Series(range(1, 8), dtype=pl.UInt32),
            "lead_id": ["A", "B", "A", None, None, "C", "A"],
            "lead_source": ["Email"] * 7,
        }
    )
    kept, findings, checked = validate_table("leads", frame, contract, NOW)
    assert checked.counts[("duplicate_id", "lead_id")] == 3
    assert checked.counts[("missing_id", "lead_id")] == 2
    duplicates = next(f for f in findings if f.check == "duplicate_id")
    assert (duplicates.rows, duplicates.excluded) == (2, 2)
    assert [e["_row"] for e in duplicates.examples] == [3, 7]
    assert kept["lead_id"].to_list() == ["A", "B", "C"]


def test_later_copies_judged_by_value_where_hashes_collide():
    """Hashes stand in for IDs only to find suspects: B shares A's hash (made to, here) but is
    no copy; the second A is; the empty IDs are no copies of each other."""
    ids = pl.Series(["A", "B", None, "A", "C", None, "B2"])
    hashes = pl.Series([7, 7, None, 7, 9, None, 9], dtype=pl.UInt64)
    assert _exact_later(ids, hashes).to_list() == [False, False, False, True, False, False, False]
