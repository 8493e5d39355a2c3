"""Dimensions: every column the mapping did not use, and the columns of lookup tables.

Real CRMs export related tables (accounts: account -> sector; users: rep -> manager).
A lookup is joined to each loaded file that shares a column name with it (mapped
or not), or on a pair of columns the user names; its other columns, and every
unmapped column of every file, become dimensions any view can split by. They are
kept as read (strings), keyed by the row number the canonical tables carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from truce.canonical import ROW
from truce.io import LoadedFile
from truce.linking import match_share
from truce.mapping import normalise_name

if TYPE_CHECKING:
    from truce.pipeline import TableInput


@dataclass(frozen=True)
class Lookup:
    """A lookup file, and optionally the pair (lookup column, loaded file's column) to join on."""

    file: LoadedFile
    on: tuple[str, str] | None = None


def dimensions(
    plan: dict[str, TableInput], lookups: list[Lookup] | tuple[Lookup, ...]
) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """Per planned table its dimension frame (`_row` + columns), and one line per join made
    or refused."""
    frames: dict[str, pl.DataFrame] = {}
    lines: list[str] = []
    joined: set[int] = set()
    for table, table_input in plan.items():
        raw = table_input.file.frame
        used = set(table_input.mapping.columns.values())
        unmapped = [c for c in raw.columns if c not in used]
        dims = raw.with_row_index(ROW, offset=1).select(ROW, *unmapped)
        for number, lookup in enumerate(lookups):
            dims, line = _join(table, raw, dims, lookup)
            if line:
                lines.append(line)
                joined.add(number)
        frames[table] = dims
    for number, lookup in enumerate(lookups):
        if number not in joined:
            pair = "the columns given were not found" if lookup.on else "it shares no column "
            if not lookup.on:
                pair += "name with a loaded file; name the pair of columns to join on"
            lines.append(f"{lookup.file.name}: not joined: {pair}")
    return frames, lines


def _key(columns: list[str], lookup: Lookup) -> tuple[str, str] | None:
    """(lookup column, table column) to join on: the user's pair, else the first shared name."""
    if lookup.on is not None:
        left, right = lookup.on
        return (left, right) if left in lookup.file.frame.columns and right in columns else None
    by_name = {normalise_name(c): c for c in columns}
    for column in lookup.file.frame.columns:
        if normalise_name(column) in by_name:
            return column, by_name[normalise_name(column)]
    return None


def _join(
    table: str, raw: pl.DataFrame, dims: pl.DataFrame, lookup: Lookup
) -> tuple[pl.DataFrame, str | None]:
    """`dims` with the lookup's columns added where its key matches (a key column may come
    from the file or from a lookup joined before: users -> teams)."""
    source = raw.hstack([dims[c] for c in dims.columns if c not in raw.columns and c != ROW])
    key = _key(source.columns, lookup)
    if key is None:
        return dims, None
    left, right = key
    table_keys = source[right]
    rows = lookup.file.frame.filter(pl.col(left).is_not_null())
    repeated = rows.height - rows[left].n_unique()
    rows = rows.unique(left, keep="first", maintain_order=True)
    added = [c for c in rows.columns if c != left]
    renamed = {c: c if c not in dims.columns else f"{c} ({lookup.file.name})" for c in added}
    joined = (
        table_keys.to_frame("_key")
        .join(rows.rename({left: "_key", **renamed}), on="_key", how="left", maintain_order="left")
        .drop("_key")
    )
    share = match_share(table_keys, rows[left])
    matched = "no values" if share is None else f"{share:.0%} of values"
    note = f" ({repeated:,} repeated key(s): the first row of each kept)" if repeated else ""
    line = (
        f"{lookup.file.name}: joined to {table} on '{right}' = '{left}', {matched} found{note}; "
        f"adds {', '.join(repr(c) for c in renamed.values())}"
    )
    return dims.hstack(joined), line
