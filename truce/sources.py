"""Lead-source names: many spellings in, one canonical name out.

`organic_search`, `ORGANIC SEARCH` and `google organic` are one source when the
contract says so; `Google` and `google` are one source even when it does not.
"""

from __future__ import annotations

import re
from dataclasses import replace

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


def with_aliases(contract: Contract, aliases: dict[str, str] | None) -> Contract:
    """The contract with the user's aliases (raw value -> canonical source) added to its taxonomy.

    A canonical name the taxonomy does not have becomes a source of its own: the user has
    said what it is, so it is no longer reported as unknown.
    """
    if not aliases:
        return contract
    sources = {name: list(spellings) for name, spellings in contract.sources.items()}
    for raw, canonical in aliases.items():
        sources.setdefault(canonical.strip(), []).append(raw)
    return replace(contract, sources={k: tuple(v) for k, v in sources.items()})


def parse_alias_option(text: str) -> tuple[str, str]:
    """`Yandex Direct=Paid Search` -> ('Yandex Direct', 'Paid Search')."""
    raw, sep, canonical = text.partition("=")
    if not sep or not raw.strip() or not canonical.strip():
        raise ValueError(
            f"--alias '{text}' should look like RAW=Canonical, e.g. seo=Organic Search"
        )
    return raw.strip(), canonical.strip()


def unknown_sources(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Canonical-table source values the taxonomy does not know, with row counts, most first:
    what the user assigns to a canonical source (an alias) or keeps as its own."""
    if "lead_source" not in frame.columns:
        return pl.DataFrame(schema={"lead_source": pl.String, "count": pl.UInt32})
    known = list(contract.sources)
    return (
        frame.filter(pl.col("lead_source").is_not_null() & ~pl.col("lead_source").is_in(known))
        .group_by("lead_source")
        .agg(pl.len().cast(pl.UInt32).alias("count"))
        .sort("count", "lead_source", descending=[True, False])
    )
