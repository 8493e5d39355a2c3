"""The contract is checked when loaded: one sentence naming the key, never a traceback later."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
import pytest
import yaml

from tests.conftest import run_pipeline
from truce.cli import main
from truce.contract import DEFAULT_CONTRACT_PATH, ContractError, load_contract
from truce.contract_schema import CHECK_NAMES, SETTINGS
from truce.duplicates import duplicate_groups
from truce.metrics import follow_up

BUNDLED = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")


def variant(edit) -> str:
    """The bundled contract with one edit, as YAML text."""
    raw = yaml.safe_load(BUNDLED)
    edit(raw)
    return yaml.safe_dump(raw, sort_keys=False)


def setting(key, value):
    return variant(lambda raw: raw["definitions"].__setitem__(key, value))


def refused(text: str) -> str:
    with pytest.raises(ContractError) as caught:
        load_contract(text)
    message = str(caught.value)
    assert "\n" not in message and message.endswith("."), message
    return message


def test_the_bundled_contract_sets_every_setting_and_every_check():
    contract = load_contract()
    assert set(contract.definitions) == set(SETTINGS)
    assert tuple(contract.checks) == CHECK_NAMES
    # Written as text, read back unchanged: the accessors give the values of the file.
    raw = yaml.safe_load(BUNDLED)["definitions"]
    assert contract.sla_hours == raw["follow_up_sla_hours"] == 24
    assert contract.duplicate_window_days == raw["duplicate_company_window_days"] == 30
    assert contract.earliest_year == raw["earliest_year"] == 1990
    assert contract.scorecard_period_days == raw["scorecard_period_days"] == 90
    assert contract.response_bands_hours == (1, 4, 24, 72, 168)
    assert "null" in contract.placeholders  # quoted: YAML's bare null is no placeholder text


def test_settings_show_every_setting_with_its_default():
    contract = load_contract(setting("follow_up_sla_hours", 0.5))
    rows = {row["setting"]: row for row in contract.settings()}
    assert set(rows) == {f"definitions.{k}" for k in SETTINGS} | {
        f"checks.{c}" for c in CHECK_NAMES
    }
    assert rows["definitions.follow_up_sla_hours"]["value"] == "0.5"
    assert rows["definitions.follow_up_sla_hours"]["default"] == "24"
    assert rows["definitions.scorecard_period_days"]["value"] == "90"


def test_a_fractional_sla_is_valid():
    assert load_contract(setting("follow_up_sla_hours", 0.5)).sla_hours == 0.5


@pytest.mark.parametrize("value", ["24h", "abc", 0, -1, True, float("inf"), None, [24]])
def test_an_sla_that_is_not_a_number_of_hours_is_refused(value):
    message = refused(setting("follow_up_sla_hours", value))
    assert message.startswith("definitions.follow_up_sla_hours must be a number of hours")
    assert f"got {value!r}." in message


def test_the_sla_sentence_names_the_key_and_the_value():
    assert refused(setting("follow_up_sla_hours", "24h")) == (
        "definitions.follow_up_sla_hours must be a number of hours above 0 and at most 720, "
        "like 24 or 0.5; got '24h'."
    )


def test_a_plain_string_is_not_read_as_a_list_of_letters():
    message = refused(setting("won_stages", "won"))
    assert (
        message
        == "definitions.won_stages must be a list of names, like [closed won, won]; got 'won'."
    )


def test_a_list_item_yaml_reads_as_yes_or_a_number_is_refused():
    text = BUNDLED.replace("won_stages: [closed won,", "won_stages: [yes, closed won,")
    assert "definitions.won_stages has True as item 1" in refused(text)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("duplicate_company_window_days", "30 days"),
        ("duplicate_company_window_days", 2.5),
        ("duplicate_company_window_days", -1),
        ("earliest_year", "1990"),
        ("earliest_year", 1066),
        ("scorecard_period_days", 0),
        ("scorecard_period_days", True),
    ],
)
def test_windows_and_years_must_be_whole_numbers_in_range(key, value):
    assert refused(setting(key, value)).startswith(f"definitions.{key} must be a whole number")


@pytest.mark.parametrize("bands", [[4, 1], [], "1, 4", [1, "4h"], [0, 4]])
def test_response_bands_must_be_increasing_hours(bands):
    assert refused(setting("response_bands_hours", bands)).startswith(
        "definitions.response_bands_hours must be a list"
    )


def test_an_unknown_setting_is_refused_rather_than_ignored():
    message = refused(setting("follow_up_sla_hour", 2))
    assert message.startswith("definitions.follow_up_sla_hour is not a setting Truce reads")


def test_a_setting_left_out_takes_the_bundled_default():
    contract = load_contract(variant(lambda raw: raw["definitions"].pop("earliest_year")))
    assert contract.earliest_year == 1990


def test_a_contract_without_a_check_uses_the_default_and_still_validates(tmp_path):
    # Today's code: KeyError 'negative_amount' from validation.py on every page.
    contract = load_contract(variant(lambda raw: raw["checks"].pop("negative_amount")))
    assert contract.checks["negative_amount"] == load_contract().checks["negative_amount"]
    leads = b"lead_id,lead_source,amount\nL1,Email,100\nL2,Email,-5\nL3,Email,7\n"
    dataset, _ = run_pipeline({"leads.csv": leads}, contract)
    [finding] = [f for f in dataset.report.findings if f.check == "negative_amount"]
    assert (finding.rows, finding.excluded) == (1, 1)  # the bundled check leaves the row out
    assert dataset.report.rows_kept["leads"] == 2


def test_a_check_written_in_part_keeps_the_rest_of_the_default():
    contract = load_contract(
        variant(lambda raw: raw["checks"].__setitem__("negative_amount", {"exclude": False}))
    )
    check = contract.checks["negative_amount"]
    assert (check.level, check.exclude, check.says) == ("warning", False, "a negative amount")


@pytest.mark.parametrize(
    ("spec", "start"),
    [
        ({"level": "fatal"}, "checks.negative_amount.level must be error or warning"),
        ({"exclude": "yes"}, "checks.negative_amount.exclude must be true or false"),
        ({"says": ""}, "checks.negative_amount.says must be a sentence"),
        ({"exclud": True}, "checks.negative_amount.exclud is not a check setting"),
        ("warning", "checks.negative_amount must be a mapping"),
    ],
)
def test_a_bad_check_is_refused(spec, start):
    text = variant(lambda raw: raw["checks"].__setitem__("negative_amount", spec))
    assert refused(text).startswith(start)


def test_a_check_the_code_does_not_run_is_refused():
    text = variant(lambda raw: raw["checks"].__setitem__("negativ_amount", {"says": "x"}))
    assert refused(text).startswith("checks.negativ_amount is not a check Truce runs")


@pytest.mark.parametrize(
    ("edit", "start"),
    [
        (lambda raw: raw.pop("tables"), "The contract has no 'tables' section."),
        (lambda raw: raw.__setitem__("sources", ["Email"]), "The contract's 'sources' section"),
        (lambda raw: raw["sources"].__setitem__("Email", "newsletter"), "sources.Email must be"),
        (lambda raw: raw["tables"].__setitem__("deals", {}), "tables.deals is not a Truce table"),
        (
            lambda raw: raw["tables"]["leads"]["fields"]["owner"].__setitem__("type", "person"),
            "tables.leads.fields.owner.type must be one of",
        ),
        (
            lambda raw: raw["tables"]["leads"]["fields"]["owner"].__setitem__("required", "no"),
            "tables.leads.fields.owner.required must be true or false",
        ),
        (
            lambda raw: raw["tables"]["leads"]["fields"].__setitem__("nickname", {}),
            "tables.leads.fields.nickname is not a leads field",
        ),
        (lambda raw: raw["terms"].__setitem__("lead", ["a", "b"]), "terms.lead must be a sentence"),
        (lambda raw: raw.__setitem__("defintions", {}), "'defintions' is not a contract section"),
    ],
)
def test_every_section_is_checked(edit, start):
    assert refused(variant(edit)).startswith(start)


# The defaults that were hidden in code are contract settings, and the code reads them.


def test_the_scorecard_period_comes_from_the_contract(tmp_path, capsys):
    leads = tmp_path / "leads.csv"
    days = [f"2026-{m:02d}-{d:02d}" for m, d in ((1, 5), (2, 10), (3, 1), (3, 31))]
    leads.write_text(
        "lead_id,lead_source,created_at\n"
        + "".join(f"L{i},Email,{day}\n" for i, day in enumerate(days))
    )
    contract = tmp_path / "contract.yaml"
    contract.write_text(setting("scorecard_period_days", 30))
    code = main(["report", "--leads", str(leads), "--contract", str(contract), "--format", "json"])
    assert code == 0
    period = json.loads(capsys.readouterr().out)["scorecard"]["period"]
    # The last 30 days up to the newest lead (31 March), then the 30 days before.
    assert period == {
        "start": "2026-03-02",
        "end": "2026-03-31",
        "previous_start": "2026-01-31",
        "previous_end": "2026-03-01",
    }


def test_response_bands_come_from_the_contract():
    contract = load_contract(setting("response_bands_hours", [2, 48]))
    hours = [0.5, 1.9, 2.0, 47.9, 48.0, 300.0, None]
    leads = pl.DataFrame(
        {
            "lead_source": ["A"] * len(hours),
            "created_at": [datetime(2026, 1, 1)] * len(hours),
            "first_touch_at": [None if h is None else datetime(2026, 1, 1) for h in hours],
            "hours_to_first_touch": hours,
        }
    )
    bands = follow_up.response_bands(leads, contract.response_bands_hours)
    assert follow_up.band_labels(contract.response_bands_hours) == [
        "under 2 h",
        "2–48 h",
        "over 2 days",
        "never touched",
    ]
    # Upper bounds are exclusive: 2.0 h is in 2–48 h, 48.0 h is over 2 days.
    assert dict(bands.select("band", "leads").rows()) == {
        "under 2 h": 2,
        "2–48 h": 2,
        "over 2 days": 2,
        "never touched": 1,
    }


def test_the_duplicate_window_comes_from_the_contract_and_includes_its_last_day():
    contract = load_contract(setting("duplicate_company_window_days", 10))
    leads = pl.DataFrame(
        {
            "lead_id": ["A1", "A2", "A3"],
            "company": ["Acme Inc.", "ACME", "acme"],
            "created_at": [datetime(2026, 1, 1), datetime(2026, 1, 11), datetime(2026, 1, 12)],
        }
    )
    groups = duplicate_groups(leads, contract.duplicate_window_days)
    # A2 is exactly 10 days after A1 (inside the window); A3 is 11 days after (outside).
    assert groups.rows() == [("A2", "A1", "same company within 10 days")]


def test_earliest_year_and_placeholders_come_from_the_contract():
    def edit(raw):
        raw["definitions"]["earliest_year"] = 2000
        raw["definitions"]["placeholders"] = ["tbd"]

    leads = (
        b"lead_id,lead_source,created_at,owner\nL1,Email,1995-06-01,TBD\nL2,Email,2026-01-02,null\n"
    )
    dataset, facts = run_pipeline({"leads.csv": leads}, load_contract(variant(edit)))
    [ancient] = [f for f in dataset.report.findings if f.check == "ancient_date"]
    assert ancient.rows == 1 and ancient.examples[0]["lead_id"] == "L1"
    assert facts.leads.sort("lead_id")["owner"].to_list() == [None, "null"]
    # The bundled placeholders include the text "null" (quoted in the YAML), "tbd" does not.
    _, facts = run_pipeline({"leads.csv": leads}, load_contract())
    assert facts.leads.sort("lead_id")["owner"].to_list() == ["TBD", None]


# A contract is a small text file: no YAML anchors or aliases, no more than 256 KB.


def billion_laughs() -> str:
    """The classic entity-expansion text in YAML: 9 levels of 10 aliases, 10^9 'lol's once
    expanded, used as a term so that reading the term expands it."""
    lines = ["laughs:", "  l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    for level in range(1, 10):
        aliases = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n" + BUNDLED.replace("terms:\n", "terms:\n  laugh: *l9\n", 1)


def test_a_billion_laughs_contract_is_refused_with_one_sentence():
    text = billion_laughs()
    assert len(text) < 16_000  # the attack is small; expanded it would be gigabytes
    assert refused(text) == (
        "The contract uses a YAML anchor or alias (&name or *name) on line 2; "
        "write each value out in full."
    )


def test_an_alias_that_merges_a_mapping_is_refused():
    text = BUNDLED.replace("definitions:\n", "definitions: &defs\n", 1) + "\nextra: *defs\n"
    assert "anchor or alias" in refused(text)


def test_a_contract_over_256_kb_is_refused():
    padding = "# " + "x" * 1000 + "\n"
    message = refused(BUNDLED + padding * 260)
    assert message.startswith("The contract is 2") and message.endswith(
        "KB; a contract may be at most 256 KB."
    )


def test_deeply_nested_yaml_is_refused_not_a_crash():
    text = BUNDLED.replace("terms:\n", "terms:\n  deep: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert refused(text) == "The contract is nested too deeply to be a contract."
