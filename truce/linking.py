"""Which column of a deals or activities file holds the lead's ID, judged by the values.

A column's name is a guess ("Contact ID" sounds like a lead link and is often
another entity's ID); its values are the proof. A link column is kept only when
enough of its values are IDs of the leads file, and the choice is said in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from truce.contract import Contract
from truce.mapping import Mapping

# At least this share of a column's values must be lead IDs. Low, because a deals export
# often covers more years than the leads export; another entity's IDs match close to none.
LINK_SHARE = 0.2
SAMPLE = 10_000  # values of each candidate column looked at (the first ones in the file)


@dataclass(frozen=True)
class Link:
    """The decision about one table's lead_id."""

    table: str
    column: str | None  # None: the table is not linked to the leads
    share: float | None  # of the column's sampled values, the share that are lead IDs
    pinned: bool = False  # the user chose the column

    def says(self) -> str:
        if self.column is None:
            return f"{self.table}.lead_id: not linked: no column matches lead IDs"
        how = "chosen by you" if self.pinned else "chosen"
        matched = "no values" if self.share is None else f"{self.share:.0%} of values"
        return f"{self.table}.lead_id: '{self.column}' {how}, {matched} match a lead"


def match_share(values: pl.Series, ids: pl.Series) -> float | None:
    """Share of the first non-empty values that are among `ids`; None when there are none."""
    sample = values.drop_nulls().head(SAMPLE)
    if sample.is_empty():
        return None
    return float(sample.is_in(ids.implode()).mean())


def choose_link(
    frame: pl.DataFrame,
    mapping: Mapping,
    ids: pl.Series,
    contract: Contract,
    pinned: bool,
) -> tuple[Mapping, Link]:
    """Keep, replace or drop `mapping`'s lead_id by how well each column's values match `ids`.

    The user's own choice is kept and only measured. Otherwise the column whose values
    match best, among those not already another field's non-ID value (an amount of 500
    can look like lead 500), the guessed one winning ties; below LINK_SHARE, no link. A
    required lead_id (activities) is never dropped: its orphans are then reported row by row.
    """
    table = mapping.table
    current = mapping.columns.get("lead_id")
    if pinned and current is not None:
        ids = _sampled(ids, [frame[current]])
        return mapping, Link(table, current, match_share(frame[current], ids), pinned=True)
    candidates = _candidates(frame, mapping, contract)
    ids = _sampled(ids, [frame[c] for c in candidates])
    shares = {c: match_share(frame[c], ids) or 0.0 for c in candidates}
    # The best-matching column; the guessed one when it matches as well (then file order).
    best = max(shares, key=lambda c: (shares[c], c == current), default=None)
    if best is not None and shares[best] >= LINK_SHARE:
        columns = {**mapping.columns, "lead_id": best}
        return _with(mapping, columns), Link(table, best, shares[best])
    if contract.tables[table].fields["lead_id"].required:
        return mapping, Link(table, current, shares.get(current))
    columns = {f: c for f, c in mapping.columns.items() if f != "lead_id"}
    return _with(mapping, columns), Link(table, None, None)


def _sampled(ids: pl.Series, columns: list[pl.Series]) -> pl.Series:
    """The IDs among the values match_share samples from these columns: the same shares,
    but one pass over the IDs instead of a hash set of every lead ID per column."""
    values = [c.drop_nulls().head(SAMPLE).cast(pl.String) for c in columns]
    if not values:
        return ids.head(0)
    return ids.filter(ids.is_in(pl.concat(values).unique().implode()))


def _candidates(frame: pl.DataFrame, mapping: Mapping, contract: Contract) -> list[str]:
    fields = contract.tables[mapping.table].fields
    not_ids = {c for f, c in mapping.columns.items() if fields[f].type != "id"}
    return [c for c in frame.columns if c not in not_ids]


def _with(mapping: Mapping, columns: dict[str, str]) -> Mapping:
    return Mapping(mapping.table, columns, mapping.preset, mapping.values)
