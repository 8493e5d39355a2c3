"""Real export shapes (issue 8), each a small hand-made file in tests/shapes/ with its
numbers worked out by hand in the comments, run through the pipeline and the command line.

deals_ru.csv — a deals-only CRM, stage names in Russian:
  won  ("Успешно реализовано"):      D1 1000 (10 days), D3 2000 (20), D6 1500 (6), D8 100 (1)
  lost ("Закрыто и не реализовано"): D2, D5;  open ("В работе"): D4, D7
  -> 8 deals, 4 won, 6 closed, win rate 4/6, revenue 4600, average won deal 1150,
     median days to close (1, 6, 10, 20) = 8.
  Email: D1 W, D2 L, D6 W -> 3 deals, 2 won / 3 closed, 2500.  Referral: D3 W, D4 open, D5 L
  -> 3, 1 / 2, 2000.  Events: D7 open, D8 W -> 2, 1 / 1, 100.
  users.csv: Ivan, Olga -> manager Anna; Petr -> Boris.  Ivan: D1 W D2 L D7 o; Olga: D3 W
  D4 o D8 W; Petr: D5 L D6 W -> Anna 6 deals 3 won 1 lost (3/4), Boris 2 deals 1 won 1 lost.
  accounts.csv: Acme, Gamma -> Retail; Beta -> Finance; Delta is not in it.  Retail: D1 W
  D3 W D7 o D4 o D6 W -> 5 deals 3 won 0 lost; Finance: D2 L D5 L; no sector: D8 W.
sf_leads.csv + sf_opportunities.csv — a Salesforce pair whose deals carry a Contact ID that
  is no lead's ID: 5 deals, won A1 1000, A3 3000, A5 500; lost A2; open A4 -> 3 won / 4
  closed, revenue 4500.  Deal sources: Email A1 W A2 L; Paid Search A3 W; Referral
  ("Partner") A4 open; Unknown A5 W.  Lead sources: Email 2, Referral 1, Events 2.
funnel_mqls.csv + funnel_closed_deals.csv — a marketing funnel: 6 leads, each closed deal
  row is one won deal whose mql_id is the lead's ID: m1 100, m3 300, m5 50 -> 3 won leads of
  6; Organic Search m1 m3 (2 won of 2), Paid Search m2 m5 (1 of 2), Email m4, Organic Social m6.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_pipeline
from truce.cli import main
from truce.mapping import Mapping, auto_map, mapping_json, read_mapping_file
from truce.metrics import dimensions, win_rate
from truce.outcomes import classes_for, value_counts, values_to_classify
from truce.sources import unknown_sources

SHAPES = Path(__file__).resolve().parent / "shapes"
WON, LOST, OPEN = "Успешно реализовано", "Закрыто и не реализовано", "В работе"
CLASSIFIED = ["--won", WON, "--lost", LOST, "--open", OPEN]


def shape(name: str) -> bytes:
    return (SHAPES / name).read_bytes()


def path(name: str) -> str:
    return str(SHAPES / name)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def report(capsys, *argv: str) -> tuple[int, dict]:
    code, out = run(capsys, "report", "--format", "json", *argv)
    return code, json.loads(out)


# --- 1. An outcome nobody classified is unknown, not 0% ---


def test_unclassified_stages_give_an_unknown_win_rate_and_an_error_naming_them(contract):
    dataset, facts = run_pipeline({"deals_ru.csv": shape("deals_ru.csv")}, contract)
    assert facts.opportunities["is_won"].null_count() == 8
    assert not facts.can("opportunity_outcome")
    overall = win_rate.opportunity_outcomes(facts.opportunities, by=None).row(0, named=True)
    assert overall["won_opportunities"] is None and overall["opportunity_win_rate"] is None
    assert overall["won_amount"] is None
    [error] = dataset.report.errors
    assert error.check == "unknown_outcome"
    assert f"'{WON}' (4), '{OPEN}' (2), '{LOST}' (2)" in error.message


def test_unclassified_stages_report_null_not_zero(capsys):
    code, numbers = report(capsys, "--opportunities", path("deals_ru.csv"))
    assert code == 1
    overall = numbers["overall"]
    assert overall["opportunities"] == 8
    assert overall["won"] is None and overall["opportunity_win_rate"] is None
    assert overall["revenue"] is None
    assert all(row["opportunity_win_rate"] is None for row in numbers["by_source"])


def test_leads_whose_status_never_says_won_have_an_unknown_lead_to_win_rate(contract):
    dataset, facts = run_pipeline({"sf_leads.csv": shape("sf_leads.csv")}, contract)
    assert facts.leads["won"].null_count() == 5
    assert win_rate.lead_outcomes(facts.leads, by=None)["lead_to_win_rate"].item() is None
    [warning] = [f for f in dataset.report.findings if f.check == "unknown_outcome"]
    assert "'Working' (3), 'Qualified' (1)" in warning.message


# --- 5. Classifying values: the command line, the saved mapping, the listing ---


def test_classified_stages_give_the_hand_computed_deal_numbers(capsys):
    code, numbers = report(capsys, "--opportunities", path("deals_ru.csv"), *CLASSIFIED)
    assert code == 0
    overall = numbers["overall"]
    assert (overall["opportunities"], overall["won_opportunities"]) == (8, 4)
    assert overall["opportunity_win_rate"] == pytest.approx(4 / 6)
    assert overall["revenue"] == 4600
    assert overall["average_won_deal"] == 1150
    assert overall["median_days_to_close"] == 8
    sources = {r["lead_source"]: r for r in numbers["by_source"]}
    assert sources["Email"]["opportunity_win_rate"] == pytest.approx(2 / 3)
    assert (sources["Email"]["opportunities"], sources["Email"]["revenue"]) == (3, 2500)
    assert sources["Referral"]["opportunity_win_rate"] == pytest.approx(1 / 2)
    assert sources["Events"]["opportunity_win_rate"] == 1.0
    assert sources["Events"]["revenue"] == 100


def test_value_counts_list_every_stage_with_its_class(contract):
    _, facts = run_pipeline({"deals_ru.csv": shape("deals_ru.csv")}, contract)
    chosen = classes_for("stage", contract, {WON: "won", "закрыто и не реализовано ": "lost"})
    counts = value_counts(facts.opportunities, "stage", chosen)
    assert counts.rows() == [(WON, 4, "won"), (OPEN, 2, None), (LOST, 2, "lost")]
    with pytest.raises(ValueError, match="cannot be marked"):
        classes_for("stage", contract, {WON: "mql"})


def test_a_saved_mapping_carries_classes_and_aliases_and_old_files_still_read(
    capsys, tmp_path, contract
):
    columns = auto_map(["ID", "Stage", "Source", "Amount"], "opportunities", contract).columns
    mapping = Mapping(
        "opportunities",
        columns,
        values={
            "stage": {WON: "won", LOST: "lost", OPEN: "open"},
            "lead_source": {"Events": "Web"},
        },
    )
    saved = tmp_path / "mapping.json"
    saved.write_text(mapping_json(mapping, "deals_ru.csv"), "utf-8")
    code, numbers = report(capsys, "--opportunities", path("deals_ru.csv"), "--mapping", str(saved))
    assert code == 0
    assert numbers["overall"]["opportunity_win_rate"] == pytest.approx(4 / 6)
    # The alias renamed Events (D7 open, D8 won) to a source of the user's own.
    sources = {r["lead_source"]: r for r in numbers["by_source"]}
    assert "Events" not in sources and sources["Web"]["opportunities"] == 2
    old = json.dumps({"table": "leads", "file": "x.csv", "columns": {"lead_id": "Id"}})
    assert read_mapping_file(old, contract) == [("leads", {"lead_id": "Id"}, {})]


def test_check_says_which_stage_values_are_counted_as_open(capsys):
    code, out = run(capsys, "check", "--opportunities", path("deals_ru.csv"), "--won", WON)
    assert code == 0
    line = f"opportunities.stage: values not marked won or lost are counted as open: '{OPEN}' (2), "
    assert line + f"'{LOST}' (2)" in out


def test_won_option_classifies_the_lead_status_when_no_stage_is_mapped(capsys):
    # Qualified (00Q02) is the only won lead: 1 of 5.
    code, numbers = report(capsys, "--leads", path("sf_leads.csv"), "--won", "Qualified")
    assert code == 0
    assert numbers["overall"]["won"] == 1
    assert numbers["overall"]["lead_to_win_rate"] == pytest.approx(1 / 5)


# --- 6. Source aliases ---


def test_unknown_sources_are_listed_with_counts(contract):
    # Two spellings of one unknown source are one row with both counted.
    deals = b"ID,Stage,Source\n1,Won,Yandex Direct\n2,Lost,yandex direct\n3,Won,Carrier Pigeon\n"
    dataset, _ = run_pipeline({"deals.csv": deals}, contract)
    listed = unknown_sources(dataset.tables["opportunities"], contract)
    assert listed.rows() == [("Yandex Direct", 2), ("Carrier Pigeon", 1)]


def test_alias_option_assigns_a_raw_source(capsys, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_bytes(b"ID,Stage,Source\n1,Won,Yandex Direct\n2,Lost,yandex direct\n3,Won,ppc\n")
    code, numbers = report(
        capsys, "--opportunities", str(deals), "--alias", "yandex direct=Paid Search"
    )
    assert code == 0
    # Both spellings of Yandex Direct (1 won, 1 lost) join ppc (won) under Paid Search.
    [row] = numbers["by_source"]
    assert (row["lead_source"], row["opportunities"], row["won"]) == ("Paid Search", 3, 2)


# --- 2 and 3. Deals that do not link: the link is judged by values, deals count on their own ---


def test_a_contact_id_that_matches_no_lead_is_not_used_as_the_link(capsys):
    argv = ["--leads", path("sf_leads.csv"), "--opportunities", path("sf_opportunities.csv")]
    code, out = run(capsys, "check", *argv)
    assert code == 0
    assert "opportunities.lead_id: not linked: no column matches lead IDs" in out
    assert out.count("cannot be linked to leads") == 1
    assert "matches no lead" not in out  # no orphan warning per deal


def test_unlinked_deals_still_give_revenue_win_rate_and_their_own_sources(capsys):
    argv = ["--leads", path("sf_leads.csv"), "--opportunities", path("sf_opportunities.csv")]
    _, numbers = report(capsys, *argv)
    overall = numbers["overall"]
    assert overall["leads"] == 5
    assert overall["lead_to_win_rate"] is None  # no lead says won, no deal links to one
    assert (overall["opportunities"], overall["won_opportunities"]) == (5, 3)
    assert overall["opportunity_win_rate"] == pytest.approx(3 / 4)
    assert overall["revenue"] == 4500
    sources = {r["lead_source"]: r for r in numbers["by_source"]}
    assert (sources["Paid Search"]["leads"], sources["Paid Search"]["revenue"]) == (0, 3000)
    assert sources["Paid Search"]["opportunity_win_rate"] == 1.0
    assert sources["Unknown"]["revenue"] == 500
    assert sources["Email"]["opportunity_win_rate"] == 0.5
    assert (sources["Email"]["leads"], sources["Email"]["revenue"]) == (2, 1000)
    assert sources["Referral"]["opportunities"] == 1 and sources["Referral"]["revenue"] == 0
    assert sources["Referral"]["opportunity_win_rate"] is None  # its one deal is open
    assert (sources["Events"]["leads"], sources["Events"]["opportunities"]) == (2, 0)


def test_the_column_whose_values_match_leads_is_chosen_over_the_guessed_one(capsys, contract):
    # 'Original Lead' holds 3 lead IDs of 4; 'Contact ID' (the name-based guess) holds none.
    opps = (
        b"Opportunity ID,Contact ID,Original Lead,Stage\n"
        b"O1,003X1,00Q01,Closed Won\nO2,003X2,00Q02,Closed Lost\n"
        b"O3,003X3,00Q03,Closed Won\nO4,003X4,00Q99,Closed Won\n"
    )
    dataset, facts = run_pipeline(
        {"sf_leads.csv": shape("sf_leads.csv"), "opportunities.csv": opps}, contract
    )
    assert dataset.mappings["opportunities"].columns["lead_id"] == "Original Lead"
    assert "opportunities.lead_id: 'Original Lead' chosen, 75% of values match a lead" in (
        dataset.decisions
    )
    [orphans] = [f for f in dataset.report.findings if f.check == "orphan_lead_id"]
    assert orphans.rows == 1
    # 00Q01 and 00Q03 won through their deals: 2 of 5 leads.
    assert facts.leads["won"].sum() == 2


# --- 4. One column for two fields; one file for two tables ---


def test_one_column_may_feed_two_fields_when_the_user_says_so(contract):
    columns = ["mql_id", "seller_id", "won_date"]
    overrides = {"opportunity_id": "mql_id", "lead_id": "mql_id"}
    mapping = auto_map(columns, "opportunities", contract, overrides)
    assert mapping.columns["opportunity_id"] == mapping.columns["lead_id"] == "mql_id"


@pytest.mark.parametrize("pin_lead_id", [False, True], ids=["link-found", "two-map-options"])
def test_funnel_pair_where_each_closed_deal_is_a_won_lead(capsys, pin_lead_id):
    argv = [
        "--leads",
        path("funnel_mqls.csv"),
        "--opportunities",
        path("funnel_closed_deals.csv"),
        "--map",
        "leads.lead_id=mql_id",
        "--map",
        "leads.lead_source=origin",
        "--map",
        "leads.created_at=first_contact_date",
        "--map",
        "opportunities.opportunity_id=mql_id",
        "--map",
        "opportunities.amount=declared_monthly_revenue",
    ]
    if pin_lead_id:
        argv += ["--map", "opportunities.lead_id=mql_id"]
    code, out = run(capsys, "check", *argv)
    assert code == 0
    how = "chosen by you" if pin_lead_id else "chosen"
    assert f"opportunities.lead_id: 'mql_id' {how}, 100% of values match a lead" in out
    _, numbers = report(capsys, *argv)
    overall = numbers["overall"]
    assert (overall["leads"], overall["won"]) == (6, 3)
    assert overall["lead_to_win_rate"] == 0.5
    assert overall["opportunity_win_rate"] == 1.0
    assert overall["revenue"] == 450
    sources = {r["lead_source"]: r for r in numbers["by_source"]}
    assert (sources["Organic Search"]["leads"], sources["Organic Search"]["won"]) == (2, 2)
    assert sources["Paid Search"]["lead_to_win_rate"] == 0.5
    assert sources["Email"]["lead_to_win_rate"] == 0.0
    assert sources["Organic Social"]["lead_to_win_rate"] == 0.0


def test_one_file_may_feed_leads_and_opportunities(capsys):
    deals = path("deals_ru.csv")
    _, out = run(capsys, "check", "--leads", deals, "--opportunities", deals, *CLASSIFIED)
    assert "opportunities.lead_id: 'ID' chosen, 100% of values match a lead" in out
    assert "leads: 8 rows read, 8 kept" in out and "opportunities: 8 rows read, 8 kept" in out
    _, numbers = report(capsys, "--leads", deals, "--opportunities", deals, *CLASSIFIED)
    overall = numbers["overall"]
    # Every deal is its own lead: 4 of 8 won; 4 of the 6 closed deals won.
    assert (overall["leads"], overall["won"]) == (8, 4)
    assert overall["lead_to_win_rate"] == 0.5
    assert overall["opportunity_win_rate"] == pytest.approx(4 / 6)
    assert overall["revenue"] == 4600


# --- 7 and 8. Lookups, breakdowns by any column, a deals-only export ---


def test_lookups_join_on_shared_columns_and_split_win_rates(capsys):
    argv = ["--opportunities", path("deals_ru.csv"), *CLASSIFIED]
    argv += ["--lookup", path("accounts.csv"), "--lookup", path("users.csv")]
    code, out = run(capsys, "check", *argv)
    assert "accounts.csv: joined to opportunities on 'Company' = 'Company', 88% of values" in out
    assert "users.csv: joined to opportunities on 'Responsible' = 'Responsible', 100%" in out
    by = ["--by", "Manager", "--by", "Sector", "--by", "Deal Name"]
    code, numbers = report(capsys, *argv, *by)
    assert code == 0
    keys = ("value", "opportunities", "won", "lost", "opportunity_win_rate")
    rows = {c: [tuple(r[k] for k in keys) for r in v] for c, v in numbers["by_dimension"].items()}
    assert rows["Manager"] == [("Anna", 6, 3, 1, 0.75), ("Boris", 2, 1, 1, 0.5)]
    assert rows["Sector"] == [
        ("Retail", 5, 3, 0, 1.0),
        ("Finance", 2, 0, 2, 0.0),
        (None, 1, 1, 0, 1.0),
    ]
    assert len(rows["Deal Name"]) == 8  # an unmapped column of the file is a dimension too


def test_lookup_on_an_explicit_pair_and_leads_columns_in_by_dimension(capsys, tmp_path):
    reps = tmp_path / "reps.csv"
    reps.write_bytes(b"Rep,Team\nAnn,North\nBob,South\n")
    argv = ["--leads", path("sf_leads.csv"), "--won", "Qualified", "--by", "Team"]
    code, numbers = report(capsys, *argv, "--lookup", str(reps), "--lookup-on", "Rep=Lead Owner")
    assert code == 0
    # Ann: 00Q01, 00Q02 (won), 00Q05 -> North 3 leads, 1 won; Bob: 00Q03, 00Q04 -> South 2, 0.
    rows = [(r["value"], r["leads"], r["won_leads"]) for r in numbers["by_dimension"]["Team"]]
    assert rows == [("North", 3, 1), ("South", 2, 0)]


def test_by_an_unknown_column_is_a_usage_error(capsys):
    code = main(["report", "--opportunities", path("deals_ru.csv"), "--by", "Nope"])
    assert code == 2
    assert "Nope" in capsys.readouterr().err


def test_a_deals_only_export_says_what_it_can_compute(contract):
    _, facts = run_pipeline({"deals_ru.csv": shape("deals_ru.csv")}, contract)
    assert facts.can("opportunities", "amount", "days_to_close")
    assert not facts.can("leads") and not facts.can("opportunity_outcome")
    assert "Responsible" in dimensions.columns(facts)


def test_values_to_classify_lists_stage_status_and_flags(contract):
    leads = (
        b"lead_id,lead_source,status,converted\nL1,Email,Working,1\nL2,Email,Junk,0\nL3,Email,,1\n"
    )
    dataset, _ = run_pipeline({"leads.csv": leads}, contract)
    listed = values_to_classify(dataset.tables, {"leads": {"status": {"Working": "mql"}}}, contract)
    # Junk is a disqualified status in the contract; Working is marked MQL by the user.
    assert listed[("leads", "status")].rows() == [
        ("Junk", 1, "disqualified"),
        ("Working", 1, "mql"),
    ]
    assert listed[("leads", "is_won")].rows() == [("true", 2, "true"), ("false", 1, "false")]


def test_plan_tables_feeds_one_file_to_two_tables_when_the_user_chooses_it(contract):
    deals = shape("deals_ru.csv")
    pinned = {"deals_ru.csv": ("leads", "opportunities")}
    dataset, facts = run_pipeline({"deals_ru.csv": deals}, contract, pinned)
    assert dataset.report.rows_kept == {"leads": 8, "opportunities": 8}
    assert dataset.mappings["opportunities"].columns["lead_id"] == "ID"
    # Unclassified Russian stages: the deals' outcome, and so the leads', is unknown.
    assert not facts.can("outcome") and facts.leads["won"].null_count() == 8
    table = win_rate.by_source(facts.leads, facts.opportunities)
    assert table.select("lead_source", "leads", "opportunities").sort("lead_source").rows() == [
        ("Email", 3, 3),
        ("Events", 2, 2),
        ("Referral", 3, 3),
    ]
    assert table["won_opportunities"].null_count() == 3
