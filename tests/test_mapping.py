"""Raw export headers -> canonical fields: synonyms, vendor presets and overrides."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from truce.mapping import (
    auto_map,
    guess_table,
    normalise_name,
    parse_map_option,
    read_saved_mapping,
)

XEDUCATION = Path(__file__).resolve().parents[2] / "shared" / "data" / "xeducation_leads.csv"

HUBSPOT_CONTACTS = [
    "Record ID",
    "First Name",
    "Email",
    "Create Date",
    "Original Source",
    "Lifecycle Stage",
    "Became a Marketing Qualified Lead Date",
    "Became a Sales Qualified Lead Date",
    "Became a Customer Date",
    "Contact owner",
]
HUBSPOT_DEALS = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Amount",
    "Close Date",
    "Create Date",
    "Is Closed Won",
    "Deal owner",
]
SALESFORCE_OPPS = [
    "Opportunity ID",
    "Opportunity Name",
    "Account Name",
    "Stage",
    "Amount",
    "Close Date",
    "Created Date",
    "Won",
    "Closed",
    "Opportunity Owner",
    "Lead Source",
]
PIPEDRIVE_DEALS = [
    "Deal - ID",
    "Deal - Title",
    "Deal - Value",
    "Deal - Status",
    "Deal - Won time",
    "Deal - Deal created",
    "Deal - Owner",
    "Deal - Person ID",
]
SALESFORCE_TASKS = ["Activity ID", "Subject", "Date", "Lead/Contact ID", "Assigned", "Task Subtype"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("LeadSource", "lead source"),
        ("lead_source", "lead source"),
        ("  Lead Source ", "lead source"),
        ("ProspectID", "prospect id"),
        ("Deal - Won time", "deal won time"),
        ("Country/Region", "country region"),
    ],
    ids=["camel", "snake", "padded", "acronym", "pipedrive", "slash"],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_xeducation_export_maps_to_leads_with_converted_as_won(contract):
    columns = pl.read_csv(XEDUCATION, n_rows=1, infer_schema=False).columns
    assert guess_table(columns, contract, XEDUCATION.name) == "leads"
    mapping = auto_map(columns, "leads", contract)
    assert mapping.columns["lead_id"] == "ProspectID"
    assert mapping.columns["lead_source"] == "LeadSource"
    assert mapping.columns["is_won"] == "Converted"
    assert mapping.preset is None


@pytest.mark.parametrize(
    ("columns", "table", "preset", "expected"),
    [
        (
            HUBSPOT_CONTACTS,
            "leads",
            "HubSpot leads",
            {
                "lead_id": "Record ID",
                "lead_source": "Original Source",
                "created_at": "Create Date",
                "status": "Lifecycle Stage",
                "mql_at": "Became a Marketing Qualified Lead Date",
                "sql_at": "Became a Sales Qualified Lead Date",
                "won_at": "Became a Customer Date",
                "owner": "Contact owner",
                "email": "Email",
            },
        ),
        (
            HUBSPOT_DEALS,
            "opportunities",
            "HubSpot opportunities",
            {
                "opportunity_id": "Record ID",
                "stage": "Deal Stage",
                "is_won": "Is Closed Won",
                "amount": "Amount",
                "close_date": "Close Date",
                "created_at": "Create Date",
                "owner": "Deal owner",
            },
        ),
        (
            SALESFORCE_OPPS,
            "opportunities",
            "Salesforce opportunities",
            {
                "opportunity_id": "Opportunity ID",
                "stage": "Stage",
                "is_won": "Won",
                "is_closed": "Closed",
                "owner": "Opportunity Owner",
                "lead_source": "Lead Source",
            },
        ),
        (
            PIPEDRIVE_DEALS,
            "opportunities",
            "Pipedrive opportunities",
            {
                "opportunity_id": "Deal - ID",
                "stage": "Deal - Status",
                "won_at": "Deal - Won time",
                "amount": "Deal - Value",
                "lead_id": "Deal - Person ID",
            },
        ),
        (
            SALESFORCE_TASKS,
            "activities",
            "Salesforce activities",
            {
                "lead_id": "Lead/Contact ID",
                "occurred_at": "Date",
                "owner": "Assigned",
                "type": "Task Subtype",
                "activity_id": "Activity ID",
            },
        ),
    ],
    ids=[
        "hubspot-contacts",
        "hubspot-deals",
        "salesforce-opportunities",
        "pipedrive-deals",
        "salesforce-tasks",
    ],
)
def test_vendor_exports_map_with_no_clicks(contract, columns, table, preset, expected):
    assert guess_table(columns, contract, "export.csv") == table
    mapping = auto_map(columns, table, contract)
    assert mapping.preset == preset
    for field, column in expected.items():
        assert mapping.columns[field] == column, field


def test_generic_canonical_headers_map_one_to_one(contract):
    columns = ["lead_id", "lead_source", "created_at", "owner", "segment"]
    mapping = auto_map(columns, "leads", contract)
    assert mapping.columns == {c: c for c in columns}


@pytest.mark.parametrize(
    ("filename", "table"),
    [("marketing-spend.csv", "spend"), ("hubspot-deals.csv", "opportunities"), ("x.csv", "leads")],
)
def test_file_name_breaks_a_tie_between_tables(contract, filename, table):
    # These columns fit leads, opportunities and spend equally well.
    assert guess_table(["Record ID", "Source", "Amount", "Date"], contract, filename) == table


def test_no_table_without_its_required_fields(contract):
    assert guess_table(["Name", "Phone"], contract, "people.csv") is None
    assert guess_table(["lead id", "date"], contract, "touches.csv") == "activities"


def test_override_wins_and_none_unmaps(contract):
    columns = ["lead_id", "lead_source", "Sales Person", "owner"]
    mapping = auto_map(
        columns, "leads", contract, overrides={"owner": "Sales Person", "lead_source": None}
    )
    assert mapping.columns["owner"] == "Sales Person"
    assert "lead_source" not in mapping.columns


def test_each_column_feeds_one_field_only(contract):
    # "Lead Source" is a synonym of both lead_source and nothing else; "Source" likewise.
    mapping = auto_map(["Lead ID", "Source", "Lead Source"], "leads", contract)
    assert sorted(mapping.columns.values()) == sorted(set(mapping.columns.values()))
    assert mapping.columns["lead_source"] in {"Source", "Lead Source"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leads.lead_source=Original Source", ("leads", "lead_source", "Original Source")),
        ("opportunities.amount = Deal Value", ("opportunities", "amount", "Deal Value")),
    ],
)
def test_parse_map_option(text, expected):
    assert parse_map_option(text) == expected


@pytest.mark.parametrize("text", ["lead_source=Source", "leads.lead_source", "deals.x=y"])
def test_parse_map_option_rejects_bad_shapes(text):
    with pytest.raises(ValueError, match=r"table\.field=column"):
        parse_map_option(text)


def test_saved_mapping_round_trips(contract):
    text = '{"table": "leads", "file": "x.csv", "columns": {"owner": "Sales Person"}}'
    assert read_saved_mapping(text, contract) == ("leads", {"owner": "Sales Person"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a mapping saved by Truce"),
        ('{"table": "deals", "columns": {}}', "unknown table 'deals'"),
        ('{"table": "leads", "columns": {"colour": "x"}}', "fields leads does not have"),
    ],
    ids=["garbage", "unknown-table", "unknown-field"],
)
def test_saved_mapping_rejects_what_it_cannot_use(contract, text, message):
    with pytest.raises(ValueError, match=message):
        read_saved_mapping(text, contract)
