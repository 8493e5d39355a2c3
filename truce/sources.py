"""Lead-source names: many spellings in, one canonical name out.

`organic_search`, `ORGANIC SEARCH` and `google organic` are one source when the
contract says so; `Google` and `google` are one source even when it does not.
"""

from __future__ import annotations

import re

import polars as pl

from truce.contract import Contract

UNKNOWN = "Unknown"


def source_key(value: str) -> str:
    """Case, spaces, `_` and `-` do not make a different source."""
    return re.sub(r"[\s_\-]+", "", value.strip().lower())


def normalise_sources(values: pl.Series, contract: Contract) -> pl.Series:
    """Canonical source names; values the taxonomy does not know keep their own name.

    A value the taxonomy does not know keeps its most common spelling, so the
    report still shows it under a name people recognise. Nulls stay null: the
    caller decides how to count and label missing sources.
    """
    known: dict[str, str] = {}
    for canonical, aliases in contract.sources.items():
        for spelling in (canonical, *aliases):
            known[source_key(spelling)] = canonical

    counts = values.drop_nulls().value_counts(sort=True)
    by_key: dict[str, str] = {}
    for spelling in counts[values.name]:
        key = source_key(spelling)
        if key in known:
            by_key.setdefault(key, known[key])
        else:
            # Sorted by count, so the first spelling seen of a key is its most common one.
            by_key.setdefault(key, spelling.strip())
    lookup = {spelling: by_key[source_key(spelling)] for spelling in counts[values.name]}
    return values.replace_strict(lookup, default=None, return_dtype=pl.String)
