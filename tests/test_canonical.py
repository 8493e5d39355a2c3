"""Mapped text -> typed canonical columns: placeholders and the unparseable-value rule."""

from __future__ import annotations

from datetime import datetime

import yaml

from truce.contract import load_contract
from truce.io import read_table
from truce.pipeline import build_dataset, plan_tables

CONTRACT_TEXT = load_contract().text
NOW = datetime(2025, 6, 1)


def _run(data: bytes, contract_text: str = CONTRACT_TEXT):
    contract = load_contract(contract_text)
    plan, _ = plan_tables([read_table(data, "leads.csv")], contract)
    return build_dataset(plan, contract, now=NOW)


LEADS = (
    b"lead_id,lead_source,created_at,amount\n"
    b"L1,Email,2025-01-02,10\n"
    b"L2,Email,2025-01-03,abc\n"  # amount unreadable
    b"L3,Email,soon,20\n"  # date unreadable
    b"L4,Email,never,x\n"  # both: left out once, under created_at (read first)
)


def test_unparseable_values_are_left_out_when_the_contract_says_exclude() -> None:
    text = CONTRACT_TEXT.replace(
        "unparseable_value: {level: warning, exclude: false",
        "unparseable_value: {level: warning, exclude: true",
    )
    assert text != CONTRACT_TEXT
    dataset = _run(LEADS, text)
    report = dataset.report
    assert dataset.tables["leads"]["lead_id"].to_list() == ["L1"]
    assert report.rows_in["leads"] == 4 and report.rows_kept["leads"] == 1
    unreadable = {
        f.field: (f.rows, f.excluded) for f in report.findings if f.check == "unparseable_value"
    }
    # created_at: L3 and L4 (both newly out); amount: L2 and L4 (L4 already out)
    assert unreadable == {"created_at": (2, 2), "amount": (2, 1)}
    assert report.unaccounted() == {}


def test_unparseable_values_stay_when_the_contract_says_keep() -> None:
    dataset = _run(LEADS)
    assert dataset.tables["leads"]["lead_id"].to_list() == ["L1", "L2", "L3", "L4"]
    assert dataset.tables["leads"]["amount"].to_list() == [10.0, None, 20.0, None]


def test_null_written_in_a_cell_is_a_placeholder() -> None:
    # The shipped contract lists "null"; a bare YAML null in a contract means the same word.
    assert "null" in [str(p) for p in yaml.safe_load(CONTRACT_TEXT)["definitions"]["placeholders"]]
    bare = CONTRACT_TEXT.replace('"null"', "null")
    assert bare != CONTRACT_TEXT
    data = b"lead_id,lead_source,company\nL1,Email,NULL\nL2,Email,Acme\nL3,Email, null \n"
    for text in (CONTRACT_TEXT, bare):
        leads = _run(data, text).tables["leads"]
        assert leads["company"].to_list() == [None, "Acme", None]


def test_a_totals_footer_is_counted_and_explained_not_a_lead() -> None:
    data = (
        b"lead_id,lead_source,amount\nL1,Email,100\nL2,Email,200\nL3,Referral,300\n,,\nTotal,,600\n"
    )
    report = _run(data).report
    assert report.rows_in["leads"] == 4 and report.rows_kept["leads"] == 3
    assert report.unaccounted() == {}
    skipped = [f for f in report.findings if f.check == "unreadable_row"]
    assert len(skipped) == 1 and skipped[0].excluded == 1
    assert "1 footer row(s) at the end (like totals) were skipped." in skipped[0].message
