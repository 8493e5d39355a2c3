"""The sidebar filters: what they keep, and the sentence that says so."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from truce.facts import Facts
from truce.filters import Filters

LEADS = pl.DataFrame(
    {
        "lead_id": ["L1", "L2", "L3"],
        "lead_source": ["Email", "Events", "Email"],
        "owner": ["Ann", "Bob", "Bob"],
        "created_at": [datetime(2026, 1, 5), datetime(2026, 2, 5), datetime(2026, 3, 5)],
    }
)
# O1 and O2 belong to known leads; O3 has no lead; O4 points at a lead that is not there.
OPPS = pl.DataFrame(
    {
        "lead_id": ["L1", "L2", None, "L9"],
        "lead_source": ["Email", "Events", "Email", "Events"],
        "owner": ["Ann", "Bob", "Ann", "Bob"],
        "created_at": [datetime(2026, 1, 9)] * 4,
    }
)


@pytest.mark.parametrize(
    ("filters", "leads", "opps"),
    [
        (Filters(), ["L1", "L2", "L3"], ["L1", "L2", None, "L9"]),
        (Filters(sources=("Email",)), ["L1", "L3"], ["L1", None]),
        (Filters(owners=("Bob",)), ["L2", "L3"], ["L2", "L9"]),
        (Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)), ["L2"], ["L2"]),
    ],
    ids=["none", "source", "owner", "dates"],
)
def test_filters_keep_leads_and_their_deals(filters, leads, opps):
    assert filters.leads(LEADS)["lead_id"].to_list() == leads
    facts = Facts(LEADS, OPPS, pl.DataFrame())
    kept = filters.opportunities(facts, filters.leads(LEADS))["lead_id"].to_list()
    assert sorted(kept, key=str) == sorted(opps, key=str)


def test_caption_says_what_is_selected():
    assert Filters().caption() == "All leads."
    assert (
        Filters(date(2026, 1, 1), date(2026, 3, 31), sources=("Email", "Events")).caption()
        == "Leads created 2026-01-01 to 2026-03-31; sources: Email, Events."
    )
