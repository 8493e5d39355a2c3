"""The Data page's model and the "break down by" views, without Streamlit.

Files are small and hand-made (or tests/shapes/); expected numbers are worked out by hand
in the comments, never copied from the code's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW
from truce.facts import build_facts
from truce.filters import Filters
from truce.mapping import mapping_json, read_mapping_file
from truce.outcomes import values_to_classify
from truce.pipeline import build_dataset, plan_tables, read_upload
from truce.views import PAGES, breakdown, data, follow_up, icp, win_rate
from truce.views.options import Options

SHAPES = Path(__file__).resolve().parent / "shapes"
WON, LOST, OPEN = "Успешно реализовано", "Закрыто и не реализовано", "В работе"


def loaded(name: str, text: bytes | None = None):
    upload = read_upload(name, text if text is not None else (SHAPES / name).read_bytes())
    assert upload.error is None, upload.error
    return upload.loaded


def build(files, contract, picked=None, overrides=None, values=None, pairs=None):
    """As the app builds an upload: roles -> plan (tables and lookups) -> dataset -> facts."""
    tables, lookups, left_out = data.split_files(files, contract, picked or {})
    plan, notes = plan_tables(tables, contract, data.table_choices(picked or {}), overrides, values)
    joined = data.lookups_with_pairs(lookups, pairs or {})
    dataset = build_dataset(plan, contract, now=NOW, lookups=joined)
    facts = build_facts(dataset.tables, contract, dataset.dimensions)
    return dataset, facts, plan, notes, [f.name for f in lookups], left_out


# --- the mapping screen ---


def test_each_column_shows_samples_and_how_full_it_is(contract):
    frame = loaded("t.csv", b"id,stage,note\n1,Won,\n2,Lost,\n3,Won,x\n4,,\n").frame
    profiles = data.column_profiles(frame)
    # stage: Won, Lost (distinct, in order of appearance); 3 of 4 rows filled.
    assert profiles["stage"].label("stage") == "stage — Won, Lost (75% filled)"
    assert profiles["note"].label("note") == "note — x (25% filled)"
    assert profiles["id"].samples == ("1", "2", "3")


def test_a_header_less_dump_shows_sample_values_for_its_columns(contract):
    dump = b"101,Acme,2024-01-05,Won\n102,Beta,2024-01-06,Lost\n103,Gamma,2024-01-07,Won\n"
    file = loaded("dump.csv", dump)
    assert file.frame.columns[:2] == ["column_1", "column_2"]
    labels = [p.label(c) for c, p in data.column_profiles(file.frame).items()]
    assert labels[1] == "column_2 — Acme, Beta, Gamma (100% filled)"
    assert labels[3] == "column_4 — Won, Lost (100% filled)"


def test_a_column_chosen_for_a_second_field_keeps_the_first(contract):
    """The page pins every field as shown, then the one changed: one column, two fields."""
    file = loaded("deals_ru.csv")
    dataset, *_ = build([file], contract)
    shown = dict(dataset.mappings["opportunities"].columns)
    overrides = {"opportunities": {**shown, "lead_id": "ID"}}
    dataset, *_ = build([file], contract, overrides=overrides)
    columns = dataset.mappings["opportunities"].columns
    assert columns["lead_id"] == columns["opportunity_id"] == "ID"
    assert {k: v for k, v in columns.items() if k != "lead_id"} == shown


# --- which file is what ---


def test_files_with_no_id_are_lookups_and_a_left_out_file_is_not_used(contract):
    files = [loaded(n) for n in ("deals_ru.csv", "accounts.csv", "users.csv")]
    dataset, _, _, notes, lookups, left_out = build(files, contract)
    assert (list(dataset.files), lookups, left_out, notes) == (
        ["opportunities"],
        ["accounts.csv", "users.csv"],
        [],
        [],
    )
    roles = data.roles(files, dataset, lookups)
    assert roles == {
        "deals_ru.csv": "opportunities",
        "accounts.csv": "lookup",
        "users.csv": "lookup",
    }
    dataset, *_, lookups, left_out = build(files, contract, {"users.csv": None})
    assert (lookups, left_out) == (["accounts.csv"], ["users.csv"])


def test_one_file_chosen_as_leads_and_opportunities(contract):
    files = [loaded("deals_ru.csv")]
    picked = {"deals_ru.csv": "leads + opportunities"}
    dataset, facts, *_ = build(files, contract, picked)
    assert list(dataset.files) == ["leads", "opportunities"]
    assert data.roles(files, dataset, []) == {"deals_ru.csv": "leads + opportunities"}
    assert facts.leads.height == 8


def test_a_lookup_joined_on_a_pair_the_user_picked(contract):
    reps = loaded("reps.csv", b"Rep,Boss\nIvan,Anna\nOlga,Anna\nPetr,Boris\n")
    files = [loaded("deals_ru.csv"), reps]
    _, facts, *_ = build(files, contract, pairs={"reps.csv": ["Rep", "Responsible"]})
    assert "Boss" in facts.opportunities.columns
    # Petr has D5 (lost) and D6 (won): Boris 2 deals, 1 won.
    boris = facts.opportunities.filter(facts.opportunities["Boss"] == "Boris")
    assert boris.height == 2


# --- what values mean ---


def test_stages_in_another_language_classified_then_the_win_rate_appears(contract):
    file = loaded("deals_ru.csv")
    dataset, facts, *_ = build([file], contract)
    counts = values_to_classify(dataset.tables, {}, contract)[("opportunities", "stage")]
    now = data.classes_now(counts)
    assert now == {WON: None, LOST: None, OPEN: None}
    assert not facts.can("opportunity_outcome")
    # The user puts the won stage in Won, then the lost one in Lost.
    now = data.reclassify(now, "won", [WON])
    now = data.reclassify(now, "lost", [LOST])
    chosen = data.chosen_classes(now, "stage", contract)
    assert chosen == {WON: "won", LOST: "lost"}
    values = {"opportunities": {"stage": chosen}}
    dataset, facts, *_ = build([file], contract, values=values)
    model = win_rate.build(Filters().apply(facts), contract, Options())
    # 4 won (D1, D3, D6, D8), 2 lost (D2, D5): 4 / 6 closed.
    assert model.deals["opportunity_win_rate"] == pytest.approx(4 / 6)
    # Saved with the mapping JSON and read back the same.
    saved = mapping_json(dataset.mappings["opportunities"], "deals_ru.csv")
    [(table, _, restored)] = read_mapping_file(saved, contract)
    assert (table, restored) == ("opportunities", {"stage": chosen})


def test_taking_a_value_out_of_a_list_makes_it_open_and_contract_classes_are_not_saved(
    contract,
):
    # "Closed Won" is won in the contract: not saved. Taken out of Won, it is saved as open.
    now = {"Closed Won": "won", "Lost it": None}
    assert data.chosen_classes(now, "stage", contract) == {}
    now = data.reclassify(now, "won", [])
    assert now == {"Closed Won": "open", "Lost it": None}
    assert data.chosen_classes(now, "stage", contract) == {"Closed Won": "open"}
    # A value moved to another list leaves the first one.
    now = data.reclassify(now, "lost", ["Closed Won", "Lost it"])
    assert data.chosen_classes(now, "stage", contract) == {
        "Closed Won": "lost",
        "Lost it": "lost",
    }


def test_unknown_sources_listed_with_counts_then_assigned_or_kept(contract):
    leads = (
        b"lead_id,lead_source\nL1,Yandex Direct\nL2,yandex direct\nL3,Yandex Direct\n"
        b"L4,Email\nL5,Avito\n"
    )
    file = loaded("leads.csv", leads)
    dataset, _, plan, *_ = build([file], contract)
    inputs = data.table_inputs(plan, contract)
    # Yandex Direct in two spellings (3 rows), Avito 1; Email is a known source.
    assert data.all_unknown_sources(inputs).rows() == [("Yandex Direct", 3), ("Avito", 1)]
    aliases = data.assign({}, "Yandex Direct", "Paid Search")
    aliases = data.assign(aliases, "Avito", data.KEEP)
    assert aliases == {"Yandex Direct": "Paid Search", "Avito": "Avito"}
    shown = [data.alias_choice(v, aliases) for v in ("Yandex Direct", "Avito", "Other")]
    assert shown == ["Paid Search", data.KEEP, None]
    values = {"leads": {"lead_source": aliases}}
    dataset, facts, plan, *_ = build([file], contract, values=values)
    counts = dict(facts.leads.group_by("lead_source").len().rows())
    assert counts == {"Paid Search": 3, "Email": 1, "Avito": 1}
    assert not [f for f in dataset.report.findings if f.check == "unknown_source"]
    # Still listed, with their counts, so the choice can be changed.
    assert data.all_unknown_sources(data.table_inputs(plan, contract)).height == 2
    assert data.aliases_in_force(values) == aliases
    assert data.assign(aliases, "Avito", None) == {"Yandex Direct": "Paid Search"}


# --- the landing page ---


def test_landing_page_says_what_was_read_and_what_needs_a_decision(contract):
    files = [loaded(n) for n in ("deals_ru.csv", "accounts.csv")]
    dataset, _, _, notes, lookups, left_out = build(files, contract)
    assert data.read_summary(dataset, lookups, left_out) == [
        "deals_ru.csv: opportunities, 8 of 8 rows kept.",
        "accounts.csv: a lookup (its columns split the views).",
    ]
    assert data.decisions(dataset, notes) == [
        "opportunities: stage or status values to mark won, lost or open."
    ]
    # A missing required field is a decision too.
    no_id = loaded("deals.csv", b"Stage,Amount\nWon,5\n")
    dataset, _, _, notes, *_ = build([no_id], contract, {"deals.csv": "opportunities"})
    assert any("opportunity_id" in line for line in data.decisions(dataset, notes))


# --- deals only, and breakdowns by any column ---


@pytest.fixture
def deals_with_lookups(contract):
    files = [loaded(n) for n in ("deals_ru.csv", "accounts.csv", "users.csv")]
    values = {"opportunities": {"stage": {WON: "won", LOST: "lost"}}}
    return build(files, contract, values=values)[1]


def test_a_deals_only_upload_gives_deal_numbers_and_every_page_says_what_unlocks_it(
    deals_with_lookups, contract
):
    selection = Filters().apply(deals_with_lookups)
    models = {name: page.build(selection, contract, Options()) for name, page in PAGES.items()}
    deals = models["win_rate"].deals
    # Won amounts 1000 + 2000 + 1500 + 100; days to close of the won: 10, 20, 6, 1 -> median 8.
    assert models["win_rate"].revenue == 4600
    assert deals["average_won_deal"] == 1150
    assert deals["median_days_to_close"] == 8
    for name in ("scorecard", "funnel", "follow_up", "icp", "feedback"):
        assert "lead" in models[name].missing.lower(), name


def test_win_rate_by_manager_and_by_sector(deals_with_lookups, contract):
    selection = Filters().apply(deals_with_lookups)
    model = win_rate.build(selection, contract, Options(breakdown="Manager"))
    assert {"Manager", "Sector", "Office", "Deal Name"} <= set(model.breakdowns)
    keys = ("value", "opportunities", "won", "lost", "opportunity_win_rate")
    # Anna: Ivan + Olga (D1 won, D2 lost, D3 won, D4 open, D7 open, D8 won) -> 3 of 4 closed.
    # Boris: Petr (D5 lost, D6 won) -> 1 of 2.
    assert model.by_breakdown.select(keys).rows() == [
        ("Anna", 6, 3, 1, 0.75),
        ("Boris", 2, 1, 1, 0.5),
    ]
    model = win_rate.build(selection, contract, Options(breakdown="Sector"))
    # Retail: Acme (D1, D3, D7) + Gamma (D4, D6): 3 won, 0 lost; Finance: Beta (D2, D5) lost;
    # Delta (D8, won) is in no account: an empty sector.
    shown = data_rows(model)
    assert shown == [
        ("Retail", "5", "3", "0", "100.0%"),
        ("Finance", "2", "0", "2", "0.0%"),
        ("(empty)", "1", "1", "0", "100.0%"),
    ]
    assert win_rate.build(selection, contract, Options(breakdown="Nope")).by_breakdown is None


def data_rows(model) -> list[tuple]:

    table = breakdown.shown(model.by_breakdown, "value", model.breakdown)
    return table.select(
        model.breakdown, "opportunities", "won", "lost", "opportunity win rate"
    ).rows()


def test_follow_up_and_profile_split_by_a_lookup_column(contract):
    leads = (
        b"lead_id,lead_source,created_at,Lead Owner,converted\n"
        b"L1,Email,2025-01-01 09:00,Ann,1\nL2,Email,2025-01-01 09:00,Ann,0\n"
        b"L3,Email,2025-01-01 09:00,Bob,0\n"
    )
    touches = b"lead_id,occurred_at\nL1,2025-01-01 10:00\nL3,2025-01-03 09:00\n"
    reps = b"Lead Owner,Team\nAnn,North\nBob,South\n"
    files = [
        loaded("leads.csv", leads),
        loaded("activities.csv", touches),
        loaded("reps.csv", reps),
    ]
    _, facts, *_ = build(files, contract)
    selection = Filters().apply(facts)
    model = follow_up.build(selection, contract, Options(sla_hours=24, breakdown="Team"))
    assert "Team" in model.breakdowns
    # North: L1 touched in 1 h, L2 never -> 2 leads, 1 followed up, 1 within 24 h.
    # South: L3 touched after 48 h -> 1 lead, 1 followed up, 0 within 24 h.
    rows = model.by_breakdown.select("Team", "leads", "followed_up", "sla_met").rows()
    assert rows == [("North", 2, 1, 1), ("South", 1, 1, 0)]
    profile = icp.build(selection, contract, Options(dimension="Team"))
    assert "Team" in profile.dimensions and profile.label == "Team"
    # North: 1 of 2 leads won; South: 0 of 1.
    assert profile.table.select("Team", "leads", "won").rows() == [("North", 2, 1), ("South", 1, 0)]


def test_column_samples_are_the_first_distinct_values_even_past_the_prefix():
    import polars as pl

    # "a" fills the first 2,002 rows: b and c are found only after the prefix grows.
    column = pl.Series([None, "a", "a", *["a"] * 2_000, "b", None, "a", "c", "d"])
    assert data.first_distinct(column, prefix=10) == ("a", "b", "c")
    assert data.first_distinct(pl.Series(["x", None, "x"]), prefix=1) == ("x",)
    profiles = data.column_profiles(pl.DataFrame({"c": column}))
    assert profiles["c"].filled == 2_006 / 2_008  # 3 + 2,000 + 5 rows, two of them empty
