"""Lead-source names: aliases to the taxonomy, spelling variants folded together."""

from __future__ import annotations

import polars as pl

from truce.sources import normalise_sources


def test_aliases_fold_into_the_canonical_name(contract):
    raw = pl.Series(
        "lead_source",
        ["organic_search", "ORGANIC SEARCH", "google organic", "Organic Search", "ppc", None],
    )
    out = normalise_sources(raw, contract).to_list()
    assert out == ["Organic Search"] * 4 + ["Paid Search", None]


def test_unknown_source_keeps_its_most_common_spelling(contract):
    raw = pl.Series("lead_source", ["Google", "Google", "google", "Reference"])
    assert normalise_sources(raw, contract).to_list() == ["Google", "Google", "Google", "Reference"]
