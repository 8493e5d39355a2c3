"""A mapping JSON (the Data page's download) is checked on load: one sentence, no traceback."""

from __future__ import annotations

import json

import pytest

from truce.mapping import read_saved_mapping


def test_a_downloaded_mapping_still_restores(contract):
    text = json.dumps(
        {"table": "opportunities", "file": "deals.csv", "columns": {"stage": "Deal Stage"}}
    )
    assert read_saved_mapping(text, contract) == ("opportunities", {"stage": "Deal Stage"})


@pytest.mark.parametrize(
    ("saved", "message"),
    [
        (
            {"table": ["leads"], "columns": {}},
            "The saved mapping is for an unknown table ['leads']; its 'table' must be one of "
            "leads, opportunities, activities, spend.",
        ),
        (
            {"table": {"name": "leads"}, "columns": {}},
            "The saved mapping is for an unknown table {'name': 'leads'}; its 'table' must be "
            "one of leads, opportunities, activities, spend.",
        ),
        (
            {"table": "leads", "columns": ["owner", "Sales Person"]},
            "The saved mapping's 'columns' must pair fields with column names, like "
            "{\"owner\": \"Sales Person\"}; got ['owner', 'Sales Person'].",
        ),
        (
            {"table": "leads", "columns": {"owner": 5}},
            "The saved mapping's columns.owner must be a column name; got 5.",
        ),
        (
            {"table": "leads", "columns": {"owner": ["Sales Person"]}},
            "The saved mapping's columns.owner must be a column name; got ['Sales Person'].",
        ),
        (
            {"table": "leads", "columns": {"owner": None}},
            "The saved mapping's columns.owner must be a column name; got None.",
        ),
        (
            {"table": "leads", "columns": {"colour": "x", "owner": "y"}},
            "The saved mapping names fields leads does not have: 'colour'.",
        ),
        (
            ["leads", {"owner": "x"}],
            "This is not a mapping saved by Truce (expected JSON with 'table' and 'columns').",
        ),
        (
            {"columns": {"owner": "x"}},
            "This is not a mapping saved by Truce (expected JSON with 'table' and 'columns').",
        ),
    ],
    ids=[
        "table-list",
        "table-dict",
        "columns-list",
        "column-number",
        "column-list",
        "column-null",
        "unknown-field",
        "top-list",
        "no-table",
    ],
)
def test_a_mapping_that_cannot_be_used_gets_one_sentence(contract, saved, message):
    with pytest.raises(ValueError) as caught:
        read_saved_mapping(json.dumps(saved), contract)
    assert str(caught.value) == message


def test_deeply_nested_json_is_refused_not_a_crash(contract):
    with pytest.raises(ValueError, match="not a mapping saved by Truce"):
        read_saved_mapping("[" * 100_000 + "]" * 100_000, contract)


def test_a_long_list_of_unknown_fields_stays_one_short_sentence(contract):
    saved = {"table": "leads", "columns": {f"f{i:03d}": "x" for i in range(200)}}
    with pytest.raises(ValueError) as caught:
        read_saved_mapping(json.dumps(saved), contract)
    assert str(caught.value) == (
        "The saved mapping names fields leads does not have: "
        "'f000', 'f001', 'f002', 'f003', 'f004' and more."
    )
